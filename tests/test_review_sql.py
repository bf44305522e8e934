"""The monthly review as the command makes it (set-based reads of the log, then the pure
domain) against a plain replay of the log written here, on random books stored in SQLite
and PostgreSQL: every figure, every line and every list must be the same.

The books are written straight into the tables, so that events can fall exactly on a
month's cut-off or a microsecond either side, several can share one instant (the log's
order is then its ids, which are shuffled against time), and every kind of event the
review reads is there: drafts, assignments, extensions approved and refused, escalations,
submissions, returns, completions, cancellations.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlmodel import select

from engine.domain.calendar import WorkingCalendar
from engine.domain.categories import Category, standing
from engine.domain.lifecycle import Status
from engine.domain.review import (
    TREND_MONTHS,
    Figures,
    Month,
    MonthlyReview,
    ReviewedTask,
    TrendPoint,
    UnitFigures,
    cutoffs,
    review,
)
from engine.services import imports
from engine.services.deps import Deps
from engine.services.review import load_review
from engine.store.review_reads import read_review_log
from engine.store.tables import DirectiveRow, TaskEventRow, TaskRow
from tests.builders import STANDARD_UNITS, units_file
from tests.conftest import make_app

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
LATER = datetime(2026, 3, 2, 9, 0, tzinfo=HANOI)
MONTHS = (Month(2025, 10), Month(2025, 12), Month(2026, 1))
FIRST = datetime(2025, 4, 1, tzinfo=HANOI)
LAST = datetime(2026, 2, 20, tzinfo=HANOI)
#: the first instants of the months from May 2025 to February 2026: the cut-offs
EDGES = tuple(datetime(2025 + (m > 12), (m - 1) % 12 + 1, 1, tzinfo=HANOI) for m in range(5, 15))
UNITS = ("TH", "PL", "DN", None)


@pytest.fixture
def office(database_url: str, tmp_path: Path) -> Iterator[Deps]:
    app = make_app(database_url, LATER)
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), FIRST)
    yield app
    app.engine.dispose()


# -- a random book -------------------------------------------------------------------------


def instants(rng: random.Random, count: int) -> list[datetime]:
    """`count` instants in time order: some on a cut-off or a microsecond either side of
    one, some the same as the one before."""
    out: list[datetime] = []
    for _ in range(count):
        roll = rng.random()
        if out and roll < 0.15:
            out.append(out[-1])
        elif roll < 0.3:
            out.append(rng.choice(EDGES) + timedelta(microseconds=rng.choice([-1, 0, 1])))
        else:
            out.append(FIRST + (LAST - FIRST) * rng.random())
    return sorted(out)


def a_deadline(rng: random.Random) -> date:
    """Often a month's last or first day, else any day from September to February."""
    if rng.random() < 0.3:
        edge = rng.choice(EDGES).date()
        return edge - timedelta(days=rng.choice([1, 0]))
    return date(2025, 9, 1) + timedelta(days=rng.randrange(0, 170))


def a_life(rng: random.Random, deadline: date | None) -> list[tuple[str, dict[str, Any]]]:
    """The moves of one task, each (to status, payload); "=" is a move to the same state."""
    life: list[tuple[str, dict[str, Any]]] = []
    if rng.random() < 0.1:
        life.append(("draft", {}))
        if rng.random() < 0.3:
            return life + ([("cancelled", {})] if rng.random() < 0.5 else [])
    life.append(("assigned", {"deadline": deadline.isoformat() if deadline else None}))
    for _ in range(rng.randrange(0, 6)):
        roll = rng.random()
        if roll < 0.2:
            life.append(("in_progress", {}))
        elif roll < 0.4 and deadline is not None:
            old, deadline = deadline, deadline + timedelta(days=rng.randrange(1, 40))
            approved = {"decision": "approved", "old_deadline": old.isoformat(),
                        "new_deadline": deadline.isoformat()}  # fmt: skip
            life += [("extension_requested", {}), ("in_progress", approved)]
        elif roll < 0.5:
            life += [("extension_requested", {}), ("in_progress", {"decision": "refused"})]
        elif roll < 0.7:
            life.append(("=", {"escalation_level": rng.randrange(1, 4), "deadline": None}))
        elif roll < 0.8:
            life += [("submitted", {}), ("returned", {}), ("in_progress", {})]
        elif roll < 0.9:  # paused, and resumed with the deadline moved on (not an extension)
            life.append(("paused", {"kind": "paused"}))
            if rng.random() < 0.7:
                resumed: dict[str, Any] = {"kind": "resumed"}
                if deadline is not None:
                    deadline = deadline + timedelta(days=rng.randrange(1, 20))
                    resumed["new_deadline"] = deadline.isoformat()
                life.append(("in_progress", resumed))
        else:  # declined, then reassigned or returned to the unit (or left waiting)
            life.append(("declined", {"kind": "declined"}))
            roll = rng.random()
            if roll < 0.4:
                life.append(("assigned", {"kind": "reassigned"}))
            elif roll < 0.7:
                life.append(("in_progress", {"kind": "returned_to_unit"}))
    end = rng.random()
    if end < 0.55:
        life += [("submitted", {}), ("completed", {})]
    elif end < 0.65:
        life.append(("cancelled", {}))
    return life


def store_random_book(app: Deps, seed: int, tasks: int = 160) -> None:
    rng = random.Random(seed)
    rows: list[TaskRow] = []
    events: list[TaskEventRow] = []
    for task_id in range(1, tasks + 1):
        deadline = None if rng.random() < 0.1 else a_deadline(rng)
        life = [] if rng.random() < 0.03 else a_life(rng, deadline)
        times = instants(rng, len(life))
        created = times[0] - timedelta(minutes=rng.randrange(0, 90)) if times else LAST
        state: str | None = None
        for (to, payload), at in zip(life, times, strict=True):
            if to == "=":  # an escalation, from the state the task is in
                to = state or "assigned"
            events.append(
                TaskEventRow(task_id=task_id, at=at, actor="cv", from_status=state,
                             to_status=to, payload=payload)
            )  # fmt: skip
            state = to
        unit = rng.choice(UNITS)
        rows.append(
            TaskRow(
                id=task_id, directive_id=1, number=str(task_id), title=f"Nhiệm vụ số {task_id}",
                lead_unit=unit, owner=f"Chuyên viên {task_id % 7}", deadline=deadline,
                original_deadline=deadline, recurrence=None if deadline else "ongoing",
                status=state or "draft", created_at=created, updated_at=created,
            )
        )  # fmt: skip
    rng.shuffle(events)  # the log's ids, which order events at one instant, are not time's
    with app.session() as session:
        session.add(
            DirectiveRow(id=1, reference="45/TB-VPCTN", title="Thông báo kết luận",
                         issuer="Chủ tịch nước", issued_on=date(2025, 4, 1), created_at=FIRST,
                         created_by="cv")
        )  # fmt: skip
        session.add_all(rows)
        session.flush()
        for event in events:  # one at a time: the ids in this order
            session.add(event)
            session.flush()
        session.commit()


# -- the review by a plain replay ----------------------------------------------------------


def as_it_stood(
    task: TaskRow,
    events: Sequence[TaskEventRow],
    start: datetime,
    cutoff: datetime,
    calendar: WorkingCalendar,
) -> ReviewedTask | None:
    """The task in the book of the month from `start` to `cutoff`, from all its events
    before the cut-off replayed in the log's order; None when it is not in that book."""
    before = sorted((e for e in events if e.at < cutoff), key=lambda e: (e.at, e.id))
    if not before:
        return None
    status = Status(before[-1].to_status)
    deadline, level = task.original_deadline, 0
    extensions: list[tuple[date | None, date]] = []
    assigned_at = completed_at = None
    for e in before:
        if e.to_status == "assigned" and assigned_at is None:
            assigned_at = e.at
        if e.to_status == "completed":
            completed_at = e.at
        if counts(e) and e.payload.get("new_deadline"):
            new = date.fromisoformat(e.payload["new_deadline"])
            if e.from_status == "extension_requested":  # a pause's end is not an extension
                extensions.append((deadline, new))
            deadline, level = new, 0
        if counts(e) and e.payload.get("escalation_level"):
            level = max(level, e.payload["escalation_level"])
    if completed_at is not None and status is Status.COMPLETED and completed_at < start:
        return None
    category = standing(status, deadline, completed_at, cutoff, calendar).category
    if category is None:
        return None
    overdue = category is Category.IN_PROGRESS_OVERDUE
    done = category in (Category.COMPLETED_ON_TIME, Category.COMPLETED_LATE)
    assert task.id is not None
    return ReviewedTask(
        id=task.id, unit=task.lead_unit or "", reference="45/TB-VPCTN", number=task.number,
        title=task.title, owner=task.owner, recurrence=task.recurrence, status=status,
        category=category, deadline=deadline, original_deadline=task.original_deadline,
        extensions=tuple(extensions), assigned_at=assigned_at,
        completed_at=completed_at if done else None,
        days_overdue=(calendar.local_date(cutoff) - deadline).days if overdue and deadline else 0,
        escalation_level=level if overdue else 0,
        assigned_in_month=assigned_at is not None and assigned_at >= start,
    )  # fmt: skip


def counts(e: TaskEventRow) -> bool:
    """An event whose payload the review reads: an extension's decision, a deadline moved
    off a side road (a pause's end), an escalation."""
    decision = (e.from_status, e.to_status) == ("extension_requested", "in_progress")
    return decision or e.from_status in ("paused", "declined") or e.from_status == e.to_status


def figures(lines: Sequence[ReviewedTask]) -> Figures:
    """The categories of `lines` and how many were assigned in their month."""
    n = Counter(x.category for x in lines)
    return Figures(
        assigned_in_month=sum(x.assigned_in_month for x in lines),
        completed_on_time=n[Category.COMPLETED_ON_TIME],
        completed_late=n[Category.COMPLETED_LATE],
        in_progress_within_deadline=n[Category.IN_PROGRESS_WITHIN_DEADLINE],
        in_progress_overdue=n[Category.IN_PROGRESS_OVERDUE],
        ongoing=n[Category.ONGOING],
        paused=n[Category.PAUSED],
        declined=n[Category.DECLINED],
    )


def due_next_month(lines: Sequence[ReviewedTask], month: Month) -> list[ReviewedTask]:
    nxt = month.next()
    return [
        x
        for x in lines
        if x.category is Category.IN_PROGRESS_WITHIN_DEADLINE
        and x.deadline is not None
        and nxt.first_day <= x.deadline <= nxt.last_day
    ]


def replayed_review(app: Deps, month: Month) -> MonthlyReview:
    """The review of `month` worked out here, one task and one month at a time."""
    calendar = app.calendar
    with app.session() as session:
        tasks = list(session.exec(select(TaskRow)))
        log = list(session.exec(select(TaskEventRow)))
    cutoff = month.cutoff(calendar)
    tasks = [t for t in tasks if t.created_at < cutoff]  # the tasks that existed by then
    by_task = {t.id: [e for e in log if e.task_id == t.id] for t in tasks}

    def book(m: Month) -> list[ReviewedTask]:
        lines = (as_it_stood(t, by_task[t.id], m.start(calendar), m.cutoff(calendar), calendar)
                 for t in tasks)  # fmt: skip
        return [x for x in lines if x is not None]

    start = month.start(calendar)
    in_month = [e for e in log if start <= e.at < cutoff]

    def full(lines: Sequence[ReviewedTask]) -> Figures:
        """The month's figures of `lines`: categories, and all the rest."""
        out = figures(lines)
        ids = {x.id for x in lines}
        overdue = [x for x in lines if x.category is Category.IN_PROGRESS_OVERDUE]
        out.overdue_aging = {
            "1-7": sum(1 <= x.days_overdue <= 7 for x in overdue),
            "8-30": sum(8 <= x.days_overdue <= 30 for x in overdue),
            "31+": sum(x.days_overdue >= 31 for x in overdue),
        }
        out.escalation_levels = dict(Counter(x.escalation_level for x in overdue))
        out.due_next_month = len(due_next_month(lines, month))
        out.extensions_requested = sum(
            e.task_id in ids and e.to_status == "extension_requested" for e in in_month
        )
        out.extensions_granted = sum(
            e.task_id in ids
            and e.from_status == "extension_requested"
            and bool(e.payload.get("new_deadline"))
            for e in in_month
        )
        return out

    lines = book(month)
    earlier = [month.back(n) for n in range(5, 0, -1)]
    trend = [TrendPoint(m, figures(book(m))) for m in earlier]
    trend.append(TrendPoint(month, full(lines)))
    units = sorted({x.unit for x in lines})
    return MonthlyReview(
        month=month,
        cutoff=cutoff,
        total=full(lines),
        units=tuple(UnitFigures(u, full([x for x in lines if x.unit == u])) for u in units),
        trend=tuple(trend),
        lines=tuple(sorted(lines, key=lambda x: (x.unit, x.deadline or date.max, x.id))),
        overdue=tuple(
            sorted(
                (x for x in lines if x.category is Category.IN_PROGRESS_OVERDUE),
                key=lambda x: (-x.days_overdue, x.unit, x.id),
            )
        ),
        due_next_month=tuple(
            sorted(
                due_next_month(lines, month),
                key=lambda x: (x.deadline or date.max, x.unit, x.id),
            )
        ),
    )


# -- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_the_review_read_by_sql_is_the_review_replayed_from_the_log(
    office: Deps, seed: int
) -> None:
    store_random_book(office, seed)
    seen: Counter[str] = Counter()
    for month in MONTHS:
        with office.session() as session:
            made = load_review(session, office.calendar, month)
        expected = replayed_review(office, month)
        assert made.trend == expected.trend, month
        assert made.units == expected.units, month
        assert made.lines == expected.lines, month
        assert made == expected, month
        seen.update({c.value: made.total.count(c) for c in Category})
        seen.update(
            granted=made.total.extensions_granted,
            escalated=sum(n for level, n in made.total.escalation_levels.items() if level),
            due_next_month=made.total.due_next_month,
        )
    assert min(seen.values()) > 0, seen  # not a trivial book: something of every kind


def test_a_task_is_judged_at_the_cut_off_to_the_microsecond(office: Deps) -> None:
    """Events one microsecond before December's cut-off are in its review; those on it are
    January's."""
    cutoff = Month(2025, 12).cutoff(office.calendar).astimezone(UTC)
    with office.session() as session:
        session.add(
            DirectiveRow(id=1, reference="45/TB-VPCTN", title="Thông báo kết luận",
                         issuer="Chủ tịch nước", issued_on=date(2025, 4, 1), created_at=FIRST,
                         created_by="cv")
        )  # fmt: skip
        for task_id, completed in ((1, cutoff - timedelta(microseconds=1)), (2, cutoff)):
            session.add(
                TaskRow(id=task_id, directive_id=1, title=f"Nhiệm vụ {task_id}", lead_unit="TH",
                        original_deadline=date(2025, 12, 31), status="completed",
                        created_at=FIRST, updated_at=FIRST)
            )  # fmt: skip
            session.flush()
            for frm, to, at in ((None, "assigned", FIRST), ("assigned", "submitted", FIRST),
                                ("submitted", "completed", completed)):  # fmt: skip
                session.add(TaskEventRow(task_id=task_id, at=at, actor="cv", from_status=frm,
                                         to_status=to))  # fmt: skip
        session.commit()
        december = load_review(session, office.calendar, Month(2025, 12))
    assert [(x.id, x.category) for x in december.lines] == [
        (1, Category.COMPLETED_ON_TIME),
        (2, Category.IN_PROGRESS_OVERDUE),
    ]
    assert december == replayed_review(office, Month(2025, 12))


def test_the_log_is_read_in_utc_whatever_the_sessions_time_zone_which_it_leaves_as_it_was(
    office: Deps,
) -> None:
    """PostgreSQL gives the log's instants in the transaction's `TimeZone`: the reads set it
    to UTC (and back), so that the driver's instants need no converting."""
    store_random_book(office, 3, tasks=80)
    month, calendar = Month(2025, 12), office.calendar
    with office.session() as session:
        expected = load_review(session, calendar, month)
    with office.session() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:  # an office's own zone, for this transaction
            session.execute(text("SET LOCAL TIME ZONE 'Asia/Ho_Chi_Minh'"))
        since = month.back(TREND_MONTHS - 1).start(calendar)
        log = read_review_log(session, cutoffs(month, calendar), month.start(calendar), since)
        if postgres:
            zone = session.execute(text("SELECT current_setting('TimeZone')")).scalar_one()
            assert zone == "Asia/Ho_Chi_Minh"
    assert review(log, month, calendar) == expected
    times = [*(t[8] for t in log.tasks), *(s[3] for s in log.steps), *(m[1] for m in log.marks)]
    assert {x.tzinfo for x in times if x is not None} == {UTC}
    # plain tuples, not named ones: the garbage collector stops tracking these (TaskFactsRow)
    assert {type(row) for row in (*log.tasks, *log.steps, *log.marks)} == {tuple}
