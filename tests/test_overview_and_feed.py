"""What the coordinator's overview lists, and the event feed of every task change, on
SQLite and PostgreSQL: a prepared book swept at one instant, then read as the Prefect
flows read it (engine.services.overview, engine.services.feed)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from engine.domain.lifecycle import Status
from engine.services import lookup, tasks
from engine.services.deps import Deps
from engine.services.feed import change_name, confirm, pending
from engine.services.overview import _WorkingDays, overview
from engine.services.sweep import sweep
from engine.store import feed as cursor_store
from engine.store.feed import GAP_TRIES, Position
from engine.store.tables import TaskEventRow
from tests.books import MORNING, REFERENCE, attention_book
from tests.builders import (
    small_calendar,
)

NOW = MORNING


@pytest.fixture
def swept(database_url: str, tmp_path: Path) -> Deps:
    app = attention_book(database_url, tmp_path)
    sweep(app, NOW)
    return app


def test_the_overview_lists_what_needs_attention_most_urgent_first(swept: Deps) -> None:
    with swept.session() as session:
        view = overview(session, swept.calendar, NOW, due_within=5)

    # the highest escalation level first (level 2 after 10 working days, 1 after 3)
    assert [
        (t.handle, t.unit, t.working_days_overdue, t.escalation_level) for t in view.overdue
    ] == [("45/TB-VPCTN#1", "TH", 18, 2), ("45/TB-VPCTN#2", "PL", 3, 1)]
    assert [(t.handle, t.working_days_left) for t in view.due_soon] == [("45/TB-VPCTN#3", 2)]
    assert [(t.handle, t.status, t.person) for t in view.waiting] == [
        ("45/TB-VPCTN#4", Status.SUBMITTED, "Lê Hà")
    ]
    units = {
        u.code: (u.open, u.overdue, u.due_soon, u.waiting, u.highest_level) for u in view.units
    }
    assert units == {"TH": (2, 1, 0, 1, 2), "PL": (1, 1, 0, 0, 1), "DN": (1, 0, 1, 0, 0)}
    assert [u.code for u in view.units] == ["TH", "PL", "DN"]  # most overdue, highest level
    assert view.open_total == 4


def test_due_soon_is_measured_in_working_days(swept: Deps) -> None:
    with swept.session() as session:
        one = overview(session, swept.calendar, NOW, due_within=1)
        two = overview(session, swept.calendar, NOW, due_within=2)
    assert one.due_soon == []  # 19/12 is two working days after 17/12
    assert [t.handle for t in two.due_soon] == ["45/TB-VPCTN#3"]


def names(items: list[Any]) -> list[tuple[str, str]]:
    return [(i.handle, i.name) for i in items]


def test_the_feed_names_every_change_and_gives_each_once(swept: Deps) -> None:
    with swept.session() as session:
        batch = pending(session)
    got = names(batch.items)
    assert got.count(("45/TB-VPCTN#1", "assigned")) == 1
    assert ("45/TB-VPCTN#4", "submitted") in got
    assert ("45/TB-VPCTN#5", "completed") in got
    assert ("45/TB-VPCTN#1", "escalated") in got
    assert ("45/TB-VPCTN#3", "reminded") in got  # 2 working days before its deadline
    escalations = [i for i in batch.items if i.name == "escalated" and i.number == "1"]
    assert [i.level for i in escalations] == [1, 2]
    assert {i.reference for i in batch.items} == {REFERENCE}
    assert {i.unit for i in batch.items if i.number == "2"} == {"PL"}
    assert len({i.key for i in batch.items}) == len(batch.items)

    with swept.session() as session:
        confirm(session, batch)
        session.commit()
    with swept.session() as session:
        assert pending(session).items == []  # nothing twice
    with swept.session() as session:
        tasks.change_status(session, 3, Status.IN_PROGRESS, at=NOW, actor="DN", note="Đã họp")
    with swept.session() as session:
        assert names(pending(session).items) == [("45/TB-VPCTN#3", "progress")]


def test_a_change_committed_after_a_later_one_is_not_lost() -> None:
    # ids 11 and 13 read, 12 still in an open transaction: kept as a gap, found next time
    after_first = Position(10).advance([11, 13], 10)
    assert (after_first.last, after_first.gaps) == (13, {12: GAP_TRIES})
    after_second = after_first.advance([12, 14], 13)
    assert (after_second.last, after_second.gaps) == (14, {})
    # a gap never filled (a rolled-back insert) is given up after GAP_TRIES calls
    position = after_first
    for _ in range(GAP_TRIES):
        position = position.advance([], position.last)
    assert position.gaps == {}


def test_a_gap_in_the_history_is_published_once_it_is_committed(swept: Deps) -> None:
    with swept.session() as session:
        batch = pending(session)
        confirm(session, batch)
        session.commit()
    with swept.session() as session:
        cursor = cursor_store.read(session)
        assert cursor is not None
        last = cursor.events.last
        # as if ids last+1 and last+2 were taken by a transaction that commits late
        cursor.events = Position(last).advance([last + 3], last)
        cursor_store.write(session, cursor)
        session.commit()
    with swept.session() as session:
        for at in (NOW, NOW + timedelta(minutes=1), NOW + timedelta(minutes=2)):
            session.add(TaskEventRow(task_id=3, at=at, actor="DN", from_status="assigned",
                                     to_status="assigned", reason="ghi chú"))  # fmt: skip
        session.commit()
        ids = session.exec(select(TaskEventRow.id).order_by(TaskEventRow.id.desc())).all()[:3]  # type: ignore[union-attr]
    assert sorted(ids) == [last + 1, last + 2, last + 3]
    with swept.session() as session:
        late = pending(session)
    assert sorted(int(i.key.split(":")[1]) for i in late.items) == [last + 1, last + 2]


@pytest.mark.parametrize(
    ("from_status", "to_status", "payload", "name"),
    [
        (None, "assigned", {}, "assigned"),
        (None, "draft", {}, "drafted"),
        ("assigned", "assigned", {"escalation_level": 2}, "escalated"),
        ("in_progress", "in_progress", {}, "progress"),
        ("assigned", "in_progress", {}, "progress"),
        ("in_progress", "submitted", {}, "submitted"),
        ("submitted", "returned", {}, "returned"),
        ("submitted", "completed", {}, "completed"),
        ("assigned", "extension_requested", {"requested_until": None}, "extension-requested"),
        ("extension_requested", "in_progress", {"decision": "approved"}, "extension-approved"),
        ("extension_requested", "in_progress", {"decision": "refused"}, "extension-refused"),
        ("assigned", "cancelled", {}, "cancelled"),
        ("assigned", "paused", {"kind": "paused"}, "paused"),
        ("paused", "in_progress", {"kind": "resumed"}, "resumed"),
        ("declined", "assigned", {"kind": "reassigned", "to_unit": "PL"}, "reassigned"),
        ("declined", "in_progress", {"kind": "returned_to_unit"}, "returned-to-unit"),
        ("assigned", "some_new_state", {}, "some-new-state"),
    ],
)
def test_each_change_has_its_name(
    from_status: str | None, to_status: str, payload: dict[str, Any], name: str
) -> None:
    assert change_name(from_status, to_status, payload) == name


def test_a_task_is_found_by_its_reference_and_number(swept: Deps) -> None:
    with swept.session() as session:
        assert lookup.find_task(session, "45/TB-VPCTN#2") == 2
        assert lookup.find_task(session, " 45/tb-vpctn # 3 ") == 3
        assert lookup.find_task(session, "4") == 4
        with pytest.raises(lookup.TaskNotNamed, match="không có nhiệm vụ số 9"):
            lookup.find_task(session, "45/TB-VPCTN#9")
        with pytest.raises(lookup.TaskNotNamed, match="không có văn bản số hiệu 99/TB"):
            lookup.find_task(session, "99/TB#1")
        with pytest.raises(lookup.TaskNotNamed, match="không có nhiệm vụ mã 77"):
            lookup.find_task(session, "77")
        with pytest.raises(lookup.TaskNotNamed, match="không phải mã nhiệm vụ"):
            lookup.find_task(session, "nhiệm vụ hai")


def test_the_deadlines_in_the_book_are_what_the_docstring_says(swept: Deps) -> None:
    with swept.session() as session:
        view = overview(session, swept.calendar, NOW)
    deadlines = {t.handle: t.deadline for t in [*view.overdue, *view.due_soon, *view.waiting]}
    assert deadlines == {
        "45/TB-VPCTN#1": date(2025, 11, 21),
        "45/TB-VPCTN#2": date(2025, 12, 12),
        "45/TB-VPCTN#3": date(2025, 12, 19),
        "45/TB-VPCTN#4": date(2025, 12, 31),
    }


def test_working_days_counted_in_one_walk_agree_with_the_calendar() -> None:
    calendar = small_calendar()
    today = date(2026, 2, 11)  # among days off of the small calendar's own
    counted = _WorkingDays(calendar, today)
    # far first, then near, then farther still in both directions: the walk is extended
    for offset in (400, -3, 0, 1, -1, 30, -45, -600, 800, 2):
        day = today + timedelta(days=offset)
        first, last = sorted((day, today))
        assert counted.between(day) == calendar.working_days_after(first, last), day
