"""`dondoc serve` makes the monthly review at 07:00 on the 1st (Hà Nội), once per month."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from engine.scheduler import REVIEW_JOB, build_scheduler, run_monthly_review
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
