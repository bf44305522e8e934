"""One contract suite for the store, run against SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlmodel import col, select

from engine.domain.categories import Category
from engine.domain.errors import DomainError, IllegalTransition
from engine.domain.lifecycle import Status
from engine.services import imports, tasks
from engine.services.deps import Deps
from engine.services.tasks import ConcurrentChange, _move
from engine.store.db import schema_is_current, upgrade
from engine.store.tables import TaskEventRow, TaskRow, UnitRow
from tests.builders import STANDARD_UNITS, directive, directives_file, task, units_file

T0 = datetime(2025, 11, 26, 2, 0, tzinfo=UTC)


def _load(app: Deps, tmp_path: Path, *directives: dict[str, object]) -> None:
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), T0)
        imports.import_directives(
            session,
            directives_file(tmp_path, *(directives or (directive(),))),
            app.calendar,
            T0,
            "coordinator",
        )


def _task_id(app: Deps) -> int:
    with app.session() as session:
        task_id = session.exec(select(TaskRow.id).order_by(col(TaskRow.id))).first()
    assert task_id is not None
    return task_id


def _events(app: Deps, task_id: int) -> list[TaskEventRow]:
    with app.session() as session:
        return list(
            session.exec(
                select(TaskEventRow)
                .where(TaskEventRow.task_id == task_id)
                .order_by(col(TaskEventRow.id))
            )
        )


def test_migrations_bring_a_fresh_database_to_the_current_schema(app: Deps) -> None:
    assert schema_is_current(app.engine)
    upgrade(app.engine)  # a second run is harmless
    assert schema_is_current(app.engine)


def test_timestamps_come_back_aware_in_utc(app: Deps, tmp_path: Path) -> None:
    hanoi = timezone(timedelta(hours=7))
    with app.session() as session:
        session.add(
            UnitRow(code="X", name_vi="Vụ X", updated_at=datetime(2025, 12, 1, 8, 30, tzinfo=hanoi))
        )
        session.commit()
    with app.session() as session:
        row = session.get(UnitRow, "X")
    assert row is not None
    assert row.updated_at == datetime(2025, 12, 1, 1, 30, tzinfo=UTC)
    assert row.updated_at.utcoffset() == timedelta(0)


def test_a_naive_timestamp_is_refused(app: Deps) -> None:
    with app.session() as session:
        session.add(UnitRow(code="X", name_vi="Vụ X", updated_at=datetime(2025, 12, 1, 8, 30)))  # noqa: DTZ001
        with pytest.raises(StatementError, match="naive datetime"):
            session.commit()


def test_an_imported_directive_round_trips_with_its_tasks_and_coordinators(
    app: Deps, tmp_path: Path
) -> None:
    _load(
        app,
        tmp_path,
        directive(
            "45/TB-VPCTN",
            task(coordinating_units=["PL", "DN"]),
            task("Báo cáo tháng", recurrence="monthly", deadline=None),
        ),
    )
    with app.session() as session:
        detail = tasks.task_detail(session, _task_id(app), app.calendar, T0)
    assert detail.directive.reference == "45/TB-VPCTN"
    assert detail.directive.issued_on == date(2025, 11, 26)
    assert detail.task.title == "Xây dựng Chương trình công tác năm 2026"
    assert detail.task.deadline == date(2025, 12, 15)
    assert detail.coordinating_units == ["DN", "PL"]
    assert detail.line.status is Status.ASSIGNED
    assert [(e.from_status, e.to_status, e.actor) for e in detail.events] == [
        (None, "assigned", "coordinator")
    ]


def test_a_working_day_deadline_is_resolved_on_the_calendar_at_import(
    app: Deps, tmp_path: Path
) -> None:
    # issued Fri 13/02/2026; 16–20/02 is Tết: three working days later is Wed 25/02
    _load(
        app,
        tmp_path,
        directive(
            "7/TB-VPCTN", task(deadline=None, deadline_working_days=3), issued_on="2026-02-13"
        ),
    )
    with app.session() as session:
        row = session.get(TaskRow, _task_id(app))
    assert row is not None
    assert row.deadline == date(2026, 2, 25)
    assert row.deadline_working_days == 3


def test_a_status_change_is_recorded_in_the_audit_trail(app: Deps, tmp_path: Path) -> None:
    _load(app, tmp_path)
    task_id = _task_id(app)
    at = datetime(2025, 12, 1, 3, 0, tzinfo=UTC)
    with app.session() as session:
        tasks.change_status(
            session, task_id, Status.IN_PROGRESS, at=at, actor="vu.th", note="Đã triển khai"
        )
    event = _events(app, task_id)[-1]
    assert (event.from_status, event.to_status, event.actor, event.reason, event.at) == (
        "assigned", "in_progress", "vu.th", "Đã triển khai", at,
    )  # fmt: skip


def test_an_illegal_move_names_both_states_and_changes_nothing(app: Deps, tmp_path: Path) -> None:
    _load(app, tmp_path)
    task_id = _task_id(app)
    with (
        app.session() as session,
        pytest.raises(IllegalTransition, match=r"'assigned'.*'completed'"),
    ):
        tasks.change_status(session, task_id, Status.COMPLETED, at=T0, actor="x", note="")
    with app.session() as session:
        row = session.get(TaskRow, task_id)
    assert row is not None
    assert row.status == "assigned"
    assert row.completed_at is None
    assert len(_events(app, task_id)) == 1


def test_completion_by_the_end_of_the_deadline_day_counts_as_on_time(
    app: Deps, tmp_path: Path
) -> None:
    _load(app, tmp_path)
    task_id = _task_id(app)
    with app.session() as session:
        tasks.change_status(
            session,
            task_id,
            Status.SUBMITTED,
            at=datetime(2025, 12, 15, 9, tzinfo=UTC),
            actor="x",
            note="",
        )
        # 23:30 in Ha Noi on the deadline day
        tasks.change_status(
            session,
            task_id,
            Status.COMPLETED,
            at=datetime(2025, 12, 15, 16, 30, tzinfo=UTC),
            actor="x",
            note="",
        )
    with app.session() as session:
        line = tasks.task_detail(
            session, task_id, app.calendar, datetime(2026, 1, 5, tzinfo=UTC)
        ).line
    assert line.standing.category is Category.COMPLETED_ON_TIME


def test_an_extension_keeps_the_original_deadline_and_both_events(
    app: Deps, tmp_path: Path
) -> None:
    _load(app, tmp_path)
    task_id = _task_id(app)
    at = datetime(2025, 12, 10, 3, tzinfo=UTC)
    with app.session() as session:
        tasks.extend(
            session, task_id, until=date(2026, 1, 15), reason="Chờ số liệu", at=at, actor="lanh.dao"
        )
    with app.session() as session:
        row = session.get(TaskRow, task_id)
    assert row is not None
    assert (row.status, row.deadline, row.original_deadline) == (
        "in_progress",
        date(2026, 1, 15),
        date(2025, 12, 15),
    )
    request, decision = _events(app, task_id)[-2:]
    assert (request.from_status, request.to_status) == ("assigned", "extension_requested")
    assert decision.payload == {
        "decision": "approved",
        "old_deadline": "2025-12-15",
        "new_deadline": "2026-01-15",
    }


def test_an_extension_to_an_earlier_day_is_refused_and_changes_nothing(
    app: Deps, tmp_path: Path
) -> None:
    _load(app, tmp_path)
    task_id = _task_id(app)
    with (
        app.session() as session,
        pytest.raises(DomainError, match="phải sau thời hạn hiện tại 15/12/2025"),
    ):
        tasks.extend(session, task_id, until=date(2025, 12, 1), reason="?", at=T0, actor="x")
    assert len(_events(app, task_id)) == 1


def test_a_refused_extension_keeps_the_deadline(app: Deps, tmp_path: Path) -> None:
    _load(app, tmp_path)
    task_id = _task_id(app)
    with app.session() as session:
        tasks.extend(
            session, task_id, until=None, reason="Không có căn cứ", at=T0, actor="x", refuse=True
        )
        row = session.get(TaskRow, task_id)
    assert row is not None
    assert (row.status, row.deadline) == ("in_progress", date(2025, 12, 15))
    assert _events(app, task_id)[-1].payload["decision"] == "refused"


def test_a_change_dated_before_the_last_event_is_refused(app: Deps, tmp_path: Path) -> None:
    _load(app, tmp_path)
    with app.session() as session, pytest.raises(DomainError, match="sớm hơn thay đổi gần nhất"):
        tasks.change_status(
            session,
            _task_id(app),
            Status.IN_PROGRESS,
            at=T0 - timedelta(days=1),
            actor="x",
            note="",
        )


def test_the_audit_trail_cannot_be_edited_or_deleted(app: Deps, tmp_path: Path) -> None:
    _load(app, tmp_path)
    for statement in ("UPDATE task_event SET reason = 'sửa'", "DELETE FROM task_event"):
        with (
            pytest.raises((IntegrityError, DBAPIError), match="append-only"),
            app.engine.begin() as conn,
        ):
            conn.execute(text(statement))
    assert len(_events(app, _task_id(app))) == 1


def test_a_move_claimed_by_someone_else_first_is_detected(app: Deps, tmp_path: Path) -> None:
    _load(app, tmp_path)
    task_id = _task_id(app)
    with app.session() as first, app.session() as second:
        stale = second.get(TaskRow, task_id)
        assert stale is not None
        tasks.change_status(first, task_id, Status.IN_PROGRESS, at=T0, actor="a", note="")
        with pytest.raises(ConcurrentChange):
            _move(second, stale, Status.CANCELLED, at=T0, actor="b", reason="")
        second.rollback()
    with app.session() as session:
        row = session.get(TaskRow, task_id)
    assert row is not None
    assert row.status == "in_progress"


def test_tasks_can_be_listed_by_unit_status_and_overdue(app: Deps, tmp_path: Path) -> None:
    _load(
        app,
        tmp_path,
        directive(
            "1/TB",
            task("Sớm", deadline="2025-12-01"),
            task("Muộn", deadline="2026-01-30", lead_unit="PL"),
            task("Thường xuyên", deadline=None, recurrence="ongoing", lead_unit="PL"),
        ),
    )
    now = datetime(2025, 12, 20, 3, tzinfo=UTC)
    with app.session() as session:
        calendar = app.calendar
        overdue = tasks.list_tasks(session, calendar, now, overdue_only=True)
        by_unit = tasks.list_tasks(session, calendar, now, unit="pl")
        assigned = tasks.list_tasks(session, calendar, now, status=Status.ASSIGNED)
    assert [t.title for t in overdue] == ["Sớm"]
    assert overdue[0].standing.working_days_overdue == 14
    assert [t.title for t in by_unit] == ["Muộn", "Thường xuyên"]
    assert [t.standing.category for t in by_unit] == [
        Category.IN_PROGRESS_WITHIN_DEADLINE,
        Category.ONGOING,
    ]
    assert len(assigned) == 3
