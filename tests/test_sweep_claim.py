"""The sweep plans only for the tasks whose mark it moved itself.

The sweep reads the tasks whose `next_check_on` has come, works out their notices, then
moves each mark on with a conditional UPDATE (only where the mark and the task's last
change are still what it read). On PostgreSQL the rows read are locked until the sweep
commits, so nothing can come in between. On SQLite the read holds no lock (the driver
opens the transaction at the first write): another sweep, or a person's decision, can
commit between the read and the UPDATE. These tests put one there, on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, update
from sqlmodel import col, select

from engine.domain.lifecycle import Status
from engine.services import imports, tasks
from engine.services.deps import Deps
from engine.services.sweep import SweepReport, sweep
from engine.store.tables import NoticeRow, OutboxRow, TaskRow
from tests.builders import directive, directives_file, unit, units_file
from tests.conftest import make_app

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)
DEADLINE = date(2025, 12, 15)  # the task's, a Monday


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANOI)


@pytest.fixture
def office(sqlite_url: str, tmp_path: Path) -> Iterator[Deps]:
    """One assigned task of TH, due 15/12/2025, its assignment already mailed."""
    app = make_app(sqlite_url)
    with app.session() as session:
        imports.import_units(
            session, units_file(tmp_path, unit("VP"), unit("TH", parent="VP")), ISSUED
        )
        imports.import_directives(
            session, directives_file(tmp_path, directive()), app.calendar, ISSUED, "cv"
        )
    sweep(app, at(date(2025, 11, 26), 10))
    yield app
    app.engine.dispose()


@contextmanager
def before_the_claim(app: Deps, action: Callable[[], object]) -> Iterator[list[bool]]:
    """Run `action` (in its own session, committed) once, just before a sweep moves the
    marks it has read."""
    fired: list[bool] = []

    def hook(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if not fired and statement.lstrip().startswith("UPDATE task SET next_check_on"):
            fired.append(True)
            action()

    event.listen(app.engine, "before_cursor_execute", hook)
    try:
        yield fired
    finally:
        event.remove(app.engine, "before_cursor_execute", hook)


def task_id(app: Deps) -> int:
    with app.session() as session:
        [found] = session.exec(select(TaskRow.id)).all()
    assert found is not None
    return found


def mark(app: Deps) -> date | None:
    with app.session() as session:
        row = session.get(TaskRow, task_id(app))
        assert row is not None
        return row.next_check_on


def set_mark(app: Deps, day: date) -> None:
    """The mark as the last sweep left it."""
    with app.session() as session:
        session.execute(update(TaskRow).values(next_check_on=day))
        session.commit()


def notices(app: Deps) -> list[tuple[str, int, date]]:
    with app.session() as session:
        rows = session.exec(select(NoticeRow).order_by(col(NoticeRow.id))).all()
    return [(n.kind, n.level, n.key_day) for n in rows]


def mail_kinds(app: Deps) -> list[str]:
    with app.session() as session:
        return [m.kind for m in session.exec(select(OutboxRow).order_by(col(OutboxRow.id)))]


def test_a_task_completed_while_the_sweep_ran_hears_nothing_from_it(office: Deps) -> None:
    day = date(2025, 12, 16)  # one working day overdue: the sweep read an overdue task
    set_mark(office, day)

    def completed() -> None:
        with office.session() as session:
            for status, minute in ((Status.SUBMITTED, 0), (Status.COMPLETED, 30)):
                tasks.change_status(
                    session, task_id(office), status, at=at(day, 8, minute), actor="vp", note=""
                )

    with before_the_claim(office, completed) as fired:
        report = sweep(office, at(day))
    assert fired
    assert (report.tasks_checked, report.mails, dict(report.notices)) == (0, [], {})
    assert notices(office) == [("assignment", 0, DEADLINE)]
    assert mail_kinds(office) == ["assignment"]
    assert mark(office) is None  # the completion's, not overwritten


def test_an_extension_approved_while_the_sweep_ran_is_not_escalated_against_the_old_deadline(
    office: Deps,
) -> None:
    # on 18/12 the task is 3 working days overdue: an overdue notice and escalation level 1;
    # the extension approved meanwhile marks the task for that same day, as the sweep found it
    day = date(2025, 12, 18)
    set_mark(office, day)

    def extended() -> None:
        with office.session() as session:
            tasks.extend(
                session, task_id(office), until=date(2026, 1, 15), reason="Chờ số liệu",
                at=at(day, 8, 30), actor="ld", calendar=office.calendar,
            )  # fmt: skip

    with before_the_claim(office, extended) as fired:
        raced = sweep(office, at(day))
    assert fired
    assert (raced.tasks_checked, raced.mails, raced.escalations) == (0, [], [])
    assert mark(office) == day  # the extension's mark stands: the next sweep reads it again
    again = sweep(office, at(day, 10))
    assert (again.tasks_checked, again.mails, again.escalations) == (1, [], [])
    assert notices(office) == [("assignment", 0, DEADLINE)]
    # the new deadline's first reminder: 7 working days before it (Saturday 10/01/2026 is
    # a make-up working day)
    assert mark(office) == date(2026, 1, 7)


def test_of_two_sweeps_at_once_each_notice_is_planned_and_mailed_once(office: Deps) -> None:
    # the other sweep read the same row at the same instant: whichever plans, the notices'
    # unique keys let one mail through
    day = date(2025, 12, 16)
    set_mark(office, day)
    reports: list[SweepReport] = []

    with before_the_claim(office, lambda: reports.append(sweep(office, at(day)))) as fired:
        second = sweep(office, at(day))
    assert fired
    [first] = reports
    assert [m["kind"] for m in first.mails] == ["overdue"]
    assert (second.mails, dict(second.notices)) == ([], {})
    assert mail_kinds(office) == ["assignment", "overdue"]
    assert mark(office) == date(2025, 12, 18)
