"""`dondoc serve` makes the monthly review at 07:00 on the 1st (Hà Nội), once per month."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from engine.scheduler import (
    MISSED_REVIEW_JOB,
    REVIEW_JOB,
    build_scheduler,
    missed_review_month,
    run_missed_review,
    run_monthly_review,
)
from engine.services import imports
from engine.services.deps import Deps
from engine.store.tables import OutboxRow
from tests.builders import STANDARD_UNITS, directive, directives_file, task, units_file
from tests.conftest import make_app

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_OF_JANUARY = datetime(2026, 1, 1, 7, 0, tzinfo=HANOI)


@pytest.fixture
def office(sqlite_url: str, tmp_path: Path) -> Iterator[Deps]:
    app = make_app(sqlite_url, FIRST_OF_JANUARY, report_dir=tmp_path / "reports")
    issued = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), issued)
        path = directives_file(tmp_path, directive("45/TB-VPCTN", task()))
        imports.import_directives(session, path, app.calendar, issued, "cv")
    yield app
    app.engine.dispose()


def test_the_review_job_fires_at_seven_on_the_first_in_ha_noi(office: Deps) -> None:
    scheduler = build_scheduler(office, lambda *_: None)
    job = scheduler.get_job(REVIEW_JOB)
    assert job is not None
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
    after = datetime(2025, 12, 15, 10, 0, tzinfo=HANOI)
    fire = job.trigger.get_next_fire_time(None, after)
    assert fire == FIRST_OF_JANUARY
    assert fire.utcoffset().total_seconds() == 7 * 3600


def test_the_scheduled_review_is_of_the_month_before_and_mails_once(
    office: Deps, tmp_path: Path
) -> None:
    first = run_monthly_review(office)
    assert first.review.month.iso == "2025-12"
    assert (tmp_path / "reports" / "bao-cao-thang-2025-12.pdf").is_file()
    assert first.review.total.in_progress_overdue == 1  # due 15/12, never done
    second = run_monthly_review(office)  # a second run in the month (a restart, a catch-up)
    assert second.mail.planned == []
    with office.session() as session:
        kinds = [r.kind for r in session.exec(select(OutboxRow))]
    assert kinds.count("monthly_report") == 2  # the leader and the office leadership, once


# -- the review missed while the server was down (issue 16) -----------------------------------


def test_a_server_started_after_the_first_makes_the_missed_review_once(
    database_url: str, tmp_path: Path
) -> None:
    """Down from before 07:00 on 01/01/2026 until the 3rd: the start-up job makes December's
    review; another start (a restart the same day, or the next month's 1st before 07:00)
    makes nothing again, and nobody gets its mail twice."""
    third = datetime(2026, 1, 3, 9, 30, tzinfo=HANOI)
    app = make_app(database_url, third, report_dir=tmp_path / "reports")
    issued = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), issued)
        path = directives_file(tmp_path, directive("45/TB-VPCTN", task()))
        imports.import_directives(session, path, app.calendar, issued, "cv")
    assert missed_review_month(app) == "2025-12"

    made = run_missed_review(app)

    assert made is not None
    assert made.review.month.iso == "2025-12"
    assert (tmp_path / "reports" / "bao-cao-thang-2025-12.pdf").is_file()
    assert missed_review_month(app) is None
    restarted = make_app(database_url, third.replace(hour=15), report_dir=tmp_path / "reports")
    assert run_missed_review(restarted) is None
    early = make_app(
        database_url, datetime(2026, 2, 1, 6, 59, tzinfo=HANOI), report_dir=tmp_path / "reports"
    )
    assert missed_review_month(early) is None  # the 07:00 run is still to come
    with app.session() as session:
        kinds = [r.kind for r in session.exec(select(OutboxRow))]
    assert kinds.count("monthly_report") == 2  # the leader and the office leadership, once
    later = make_app(
        database_url, datetime(2026, 2, 2, 8, 0, tzinfo=HANOI), report_dir=tmp_path / "reports"
    )
    assert missed_review_month(later) == "2026-01"  # February's 1st was missed too


def test_the_scheduled_review_counts_as_made(office: Deps) -> None:
    run_monthly_review(office)  # 07:00 on 01/01/2026
    assert missed_review_month(office) is None
    assert run_missed_review(office) is None


def test_serve_checks_for_a_missed_review_once_at_start_up(office: Deps) -> None:
    scheduler = build_scheduler(office, lambda *_: None)
    job = scheduler.get_job(MISSED_REVIEW_JOB)
    assert job is not None
    assert (job.coalesce, job.max_instances) == (True, 1)
    assert job.trigger.get_next_fire_time(job.next_run_time, job.next_run_time) is None  # once
