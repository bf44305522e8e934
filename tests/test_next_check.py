"""A person's change re-arms the sweep for the office's date, not UTC's.

From 00:00 to 07:00 in Ha Noi, UTC still says yesterday: a task assigned or extended
then must be marked for today's check, as the office counts days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from engine.domain.lifecycle import Status
from engine.services import imports, tasks
from engine.services.deps import Deps
from engine.store.tables import TaskRow
from tests.builders import directive, directives_file, unit, units_file
from tests.conftest import make_app

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)
JUST_AFTER_MIDNIGHT = datetime(2025, 12, 2, 0, 30, tzinfo=HANOI)  # 17:30 on 01/12 in UTC
LATE_EVENING = datetime(2025, 12, 2, 23, 30, tzinfo=HANOI)  # 16:30 on 02/12 in UTC
OFFICE_DAY = date(2025, 12, 2)


def load(app: Deps, tmp_path: Path) -> int:
    """One assigned task of TH, due 15/12/2025; its id."""
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, unit("TH")), ISSUED)
        imports.import_directives(
            session, directives_file(tmp_path, directive()), app.calendar, ISSUED, "cv"
        )
        [task_id] = session.exec(select(TaskRow.id)).all()
    assert task_id is not None
    return task_id


def as_draft(app: Deps, task_id: int) -> int:
    """The task put back to a draft whose six clears are all there (ready to assign)."""
    with app.session() as session:
        row = session.get(TaskRow, task_id)
        assert row is not None
        row.status, row.missing, row.next_check_on = Status.DRAFT.value, [], None
        session.add(row)
        session.commit()
    return task_id


def mark(app: Deps, task_id: int) -> date | None:
    with app.session() as session:
        row = session.get(TaskRow, task_id)
        assert row is not None
        return row.next_check_on


@pytest.mark.parametrize("at", [JUST_AFTER_MIDNIGHT, LATE_EVENING], ids=["00:30", "23:30"])
def test_a_task_assigned_in_the_night_is_checked_on_the_office_date(
    app: Deps, tmp_path: Path, at: datetime
) -> None:
    # the CLI and the flows pass the notifier the root built, with the office's calendar
    task_id = as_draft(app, load(app, tmp_path))
    with app.session() as session:
        tasks.change_status(
            session, task_id, Status.ASSIGNED, at=at, actor="cv", note="", notifier=app.notifier()
        )
    assert mark(app, task_id) == OFFICE_DAY


@pytest.mark.parametrize("at", [JUST_AFTER_MIDNIGHT, LATE_EVENING], ids=["00:30", "23:30"])
def test_an_extension_approved_in_the_night_is_checked_on_the_office_date(
    app: Deps, tmp_path: Path, at: datetime
) -> None:
    task_id = load(app, tmp_path)
    with app.session() as session:
        tasks.extend(
            session, task_id, until=date(2026, 1, 15), reason="Chờ số liệu", at=at, actor="ld",
            notifier=app.notifier(),
        )  # fmt: skip
    assert mark(app, task_id) == OFFICE_DAY


def test_a_caller_that_mails_nothing_passes_the_calendar(app: Deps, tmp_path: Path) -> None:
    task_id = as_draft(app, load(app, tmp_path))
    with app.session() as session:
        tasks.change_status(
            session, task_id, Status.ASSIGNED, at=JUST_AFTER_MIDNIGHT, actor="cv", note="",
            calendar=app.calendar,
        )  # fmt: skip
    assert mark(app, task_id) == OFFICE_DAY


def test_a_change_given_no_calendar_is_dated_in_the_default_zone(app: Deps, tmp_path: Path) -> None:
    task_id = as_draft(app, load(app, tmp_path))
    with app.session() as session:
        tasks.change_status(
            session, task_id, Status.ASSIGNED, at=JUST_AFTER_MIDNIGHT, actor="cv", note=""
        )
    assert mark(app, task_id) == OFFICE_DAY


def test_an_office_in_another_zone_gets_its_own_date(sqlite_url: str, tmp_path: Path) -> None:
    tokyo = make_app(sqlite_url, timezone="Asia/Tokyo")
    task_id = as_draft(tokyo, load(tokyo, tmp_path))
    # 00:30 on 02/12 in Tokyo, still 22:30 on 01/12 in Ha Noi
    at = datetime(2025, 12, 1, 15, 30, tzinfo=UTC)
    with tokyo.session() as session:
        tasks.change_status(
            session, task_id, Status.ASSIGNED, at=at, actor="cv", note="",
            notifier=tokyo.notifier(), calendar=tokyo.calendar,
        )  # fmt: skip
    assert mark(tokyo, task_id) == date(2025, 12, 2)
    tokyo.engine.dispose()
