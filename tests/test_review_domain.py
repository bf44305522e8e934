"""The monthly review's aggregation, on a small book whose every figure was counted by hand.

The book (review of 12/2025, Hà Nội time; the calendar has 01/01/2026 off):

| task | unit | story | December |
|---|---|---|---|
| 1  | TH | due 15/12, completed 12/12 | completed on time |
| 2  | TH | due 15/12, completed 16/12 06:30 (still 15/12 in UTC) | completed late |
| 3  | TH | due 05/12, extended on 03/12 to 15/01/2026, open | within deadline, due next month |
| 4  | TH | due 05/12, extended on 04/12 to 20/12, completed 19/12 | on time (new deadline) |
| 5  | TH | due 10/12, cancelled 08/12 | not counted |
| 6  | TH | due 20/12, completed 05/01/2026 | overdue 12 days (January: late) |
| 7  | PL | due 20/11, escalated to level 1 (25/11) then 2 (04/12), open | overdue 42 days, level 2 |
| 8  | PL | no deadline (ongoing duty) | ongoing |
| 9  | PL | due 05/12, completed 28/11 | not counted (November's) |
| 10 | PL | still a draft | not counted |
| 11 | PL | assigned 10/12, due 31/12, open | overdue 1 day, assigned in December |
| 12 | DN | created 05/01/2026 | not counted (did not exist) |
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest

from engine.domain.calendar import WorkingCalendar, YearRules
from engine.domain.categories import Category, standing
from engine.domain.lifecycle import Status
from engine.domain.review import (
    BadMonth,
    Figures,
    Month,
    MonthlyReview,
    cutoffs,
    lagging_units,
    review,
)
from engine.domain.review_log import Mark, ReviewLog, Step, TaskFacts, states

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DECEMBER = Month(2025, 12)


def calendar() -> WorkingCalendar:
    def rules(year: int) -> YearRules:
        return (
            YearRules(days_off={date(2026, 1, 1): "Tết Dương lịch"})
            if year == 2026
            else YearRules()
        )

    return WorkingCalendar(rules, "Asia/Ho_Chi_Minh")


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HANOI)


def facts(task_id: int, unit: str, deadline: date | None) -> TaskFacts:
    return TaskFacts(
        id=task_id,
        unit=unit,
        reference="45/TB-VPCTN",
        number=str(task_id),
        title=f"Nhiệm vụ {task_id}",
        owner="",
        original_deadline=deadline,
    )


class Event(NamedTuple):
    """One entry of the audit trail, with what its payload says that the review reads."""

    task_id: int
    at: datetime
    from_status: str | None
    to_status: str
    new_deadline: date | None = None  # an approved extension
    escalation_level: int | None = None  # an escalation recorded by the sweep
    seq: int = 0  # the log's order (its id)


def read(tasks: Sequence[TaskFacts], events: Iterable[Event], month: Month) -> ReviewLog:
    """What the store reads of `events` for `month`'s review, worked out here by hand: each
    task's last event in each span between the cut-offs, the events whose payload counts,
    each task's first assignment and the extensions it requested in the month."""
    ends = cutoffs(month, calendar())
    start = month.start(calendar())
    known = sorted((e for e in events if e.at < ends[-1]), key=lambda e: (e.at, e.seq))
    last: dict[tuple[int, int], Step] = {}
    for e in known:
        span = sum(e.at >= end for end in ends)
        last[e.task_id, span] = Step(e.task_id, span, e.to_status, e.at)  # the later wins
    marks = [
        Mark(e.task_id, e.at, e.seq, e.new_deadline, e.escalation_level)
        for e in known
        if e.new_deadline is not None or e.escalation_level is not None
    ]
    facts = []
    for t in tasks:
        mine = [e for e in known if e.task_id == t.id]
        assigned = [e.at for e in mine if e.to_status == "assigned"]
        requested = [e for e in mine if e.to_status == "extension_requested" and e.at >= start]
        facts.append(
            t._replace(assigned_at=min(assigned, default=None), extensions_requested=len(requested))
        )
    return ReviewLog(ends, facts, list(last.values()), marks)


def review_of(tasks: Sequence[TaskFacts], events: Iterable[Event], month: Month) -> MonthlyReview:
    return review(read(tasks, list(events), month), month, calendar())


SEQ = iter(range(1, 10_000))


def move(task_id: int, when: datetime, to: str, frm: str | None = None, **extra: object) -> Event:
    """One event, numbered in the order written (the log's ids)."""
    return Event(task_id, when, frm, to, seq=next(SEQ), **extra)  # type: ignore[arg-type]


def extension(task_id: int, when: datetime, new: date, frm: str = "in_progress") -> list[Event]:
    """The two moves `tasks.extend` records: the request, then the approval."""
    return [
        move(task_id, when, "extension_requested", frm),
        move(task_id, when, "in_progress", "extension_requested", new_deadline=new),
    ]


ISSUED = at(11, 26)
TASKS = [
    facts(1, "TH", date(2025, 12, 15)),
    facts(2, "TH", date(2025, 12, 15)),
    facts(3, "TH", date(2025, 12, 5)),
    facts(4, "TH", date(2025, 12, 5)),
    facts(5, "TH", date(2025, 12, 10)),
    facts(6, "TH", date(2025, 12, 20)),
    facts(7, "PL", date(2025, 11, 20)),
    facts(8, "PL", None),
    facts(9, "PL", date(2025, 12, 5)),
    facts(10, "PL", date(2025, 12, 20)),
    facts(11, "PL", date(2025, 12, 31)),
    facts(12, "DN", date(2026, 1, 30)),
]
EVENTS = [
    *(move(i, ISSUED, "assigned") for i in (1, 2, 3, 4, 5, 6, 8, 9)),
    move(1, at(12, 12), "submitted", "assigned"),
    move(1, at(12, 12, 15), "completed", "submitted"),
    move(2, at(12, 15, 17), "submitted", "assigned"),
    move(2, at(12, 16, 6, 30), "completed", "submitted"),
    *extension(3, at(12, 3), date(2026, 1, 15), frm="assigned"),
    *extension(4, at(12, 4), date(2025, 12, 20), frm="assigned"),
    move(4, at(12, 19), "submitted", "in_progress"),
    move(4, at(12, 19, 16), "completed", "submitted"),
    move(5, at(12, 8), "cancelled", "assigned"),
    move(6, at(12, 1), "in_progress", "assigned"),
    move(6, at(1, 5, year=2026), "submitted", "in_progress"),
    move(6, at(1, 5, 15, year=2026), "completed", "submitted"),
    move(7, at(11, 1), "assigned"),
    move(7, at(11, 25), "assigned", "assigned", escalation_level=1),
    move(7, at(12, 4), "assigned", "assigned", escalation_level=2),
    move(9, at(11, 28), "submitted", "assigned"),
    move(9, at(11, 28, 10), "completed", "submitted"),
    move(10, ISSUED, "draft"),
    move(11, at(12, 10), "draft"),
    move(11, at(12, 10, 10), "assigned", "draft"),
    move(12, at(1, 5, year=2026), "assigned"),
]


@pytest.fixture(scope="module")
def december() -> MonthlyReview:
    # events in any order: the review puts each task's in time order itself
    return review_of(TASKS, reversed(EVENTS), DECEMBER)


def test_the_december_book_in_total(december: MonthlyReview) -> None:
    t = december.total
    assert (
        t.completed_on_time,
        t.completed_late,
        t.in_progress_within_deadline,
        t.in_progress_overdue,
        t.ongoing,
    ) == (2, 1, 1, 3, 1)
    assert t.total == 8
    assert t.on_time_rate == pytest.approx(100 * 2 / 6)
    assert t.assigned_in_month == 1  # task 11
    assert (t.extensions_requested, t.extensions_granted) == (2, 2)  # tasks 3 and 4
    assert t.overdue_aging == {"1-7": 1, "8-30": 1, "31+": 1}
    assert t.escalation_levels == {0: 2, 2: 1}
    assert t.due_next_month == 1
    assert december.cutoff == datetime(2026, 1, 1, tzinfo=HANOI)


def test_the_december_book_by_unit(december: MonthlyReview) -> None:
    by_unit = {u.unit: u.figures for u in december.units}
    assert sorted(by_unit) == ["PL", "TH"]  # DN's task did not exist yet
    th, pl = by_unit["TH"], by_unit["PL"]
    assert (th.completed_on_time, th.completed_late, th.in_progress_within_deadline) == (2, 1, 1)
    assert (th.in_progress_overdue, th.ongoing, th.total) == (1, 0, 5)
    assert th.on_time_rate == pytest.approx(50.0)
    assert (pl.in_progress_overdue, pl.ongoing, pl.total, pl.on_time_rate) == (2, 1, 3, 0.0)
    assert (th.extensions_granted, pl.extensions_granted) == (2, 0)
    assert [u.unit for u in lagging_units(december)] == ["PL", "TH"]


def test_a_task_completed_after_its_local_deadline_day_is_late_though_utc_says_otherwise(
    december: MonthlyReview,
) -> None:
    [line] = [x for x in december.lines if x.id == 2]
    assert line.completed_at == at(12, 16, 6, 30)  # 15/12 23:30 UTC
    assert line.category is Category.COMPLETED_LATE


def test_an_extended_task_is_judged_against_its_new_deadline_and_shows_the_extension(
    december: MonthlyReview,
) -> None:
    lines = {x.id: x for x in december.lines}
    four = lines[4]
    assert four.category is Category.COMPLETED_ON_TIME  # 19/12 <= 20/12, though 05/12 passed
    assert (four.original_deadline, four.deadline) == (date(2025, 12, 5), date(2025, 12, 20))
    assert four.extensions == ((date(2025, 12, 5), date(2025, 12, 20)),)
    three = lines[3]
    assert three.category is Category.IN_PROGRESS_WITHIN_DEADLINE
    assert three.extensions == ((date(2025, 12, 5), date(2026, 1, 15)),)
    assert [x.id for x in december.due_next_month] == [3]


def test_cancelled_drafts_earlier_and_later_tasks_are_left_out(december: MonthlyReview) -> None:
    assert sorted(x.id for x in december.lines) == [1, 2, 3, 4, 6, 7, 8, 11]


def test_a_change_after_the_month_ended_does_not_reach_its_review(
    december: MonthlyReview,
) -> None:
    six = next(x for x in december.lines if x.id == 6)
    assert six.category is Category.IN_PROGRESS_OVERDUE
    assert six.completed_at is None
    assert six.days_overdue == 12  # 21/12 .. 01/01
    january = review_of(TASKS, EVENTS, Month(2026, 1))
    six_in_january = next(x for x in january.lines if x.id == 6)
    assert six_in_january.category is Category.COMPLETED_LATE
    # the same December, computed again from only the events known by then
    known_then = [e for e in EVENTS if e.at < december.cutoff]
    again = review_of(TASKS, known_then, DECEMBER)
    assert again == december


def test_the_overdue_list_most_overdue_first_with_its_escalation_level(
    december: MonthlyReview,
) -> None:
    overdue = [(x.id, x.days_overdue, x.escalation_level) for x in december.overdue]
    assert overdue == [(7, 42, 2), (6, 12, 0), (11, 1, 0)]


def test_the_trend_of_six_months_ending_in_december(december: MonthlyReview) -> None:
    assert [p.month.label for p in december.trend] == [
        "07/2025", "08/2025", "09/2025", "10/2025", "11/2025", "12/2025",
    ]  # fmt: skip
    assert all(p.figures.total == 0 for p in december.trend[:4])
    november = december.trend[4].figures
    # 9 done on time; 7 overdue since 20/11; 1-6 open within deadline; 8 ongoing
    assert (
        november.completed_on_time,
        november.completed_late,
        november.in_progress_within_deadline,
        november.in_progress_overdue,
        november.ongoing,
    ) == (1, 0, 6, 1, 1)
    assert november.assigned_in_month == 9
    assert november.on_time_rate == pytest.approx(50.0)
    assert december.trend[5].figures == december.total


def test_an_escalation_ladder_starts_again_after_an_extension() -> None:
    events = [
        move(1, at(10, 1), "assigned"),
        move(1, at(10, 20), "assigned", "assigned", escalation_level=2),
        *extension(1, at(11, 25), date(2025, 12, 10), frm="assigned"),
    ]
    log = read([facts(1, "TH", date(2025, 10, 5))], events, Month(2025, 11))
    marks = sorted(log.marks, key=lambda m: (m.at, m.seq))
    # at the end of October, then of November
    *_, before, after = states(log.tasks[0], sorted(log.steps), marks, log.cutoffs)
    assert before is not None
    assert after is not None
    assert (before.escalation_level, before.deadline) == (2, date(2025, 10, 5))
    assert (after.escalation_level, after.deadline) == (0, date(2025, 12, 10))


def test_the_review_of_plain_rows_is_that_of_the_named_ones() -> None:
    # the store hands the rows over as plain tuples, in the named tuples' order
    events = [
        move(1, at(11, 3), "assigned"),
        move(1, at(11, 25), "assigned", "assigned", escalation_level=1),
        *extension(1, at(12, 2), date(2025, 12, 20), frm="assigned"),
        move(2, at(12, 1), "assigned"),
        move(2, at(12, 10), "completed", "assigned"),
        move(3, at(10, 1), "assigned"),
    ]
    tasks = [facts(1, "TH", date(2025, 11, 30)), facts(2, "PL", None), facts(3, "TH", None)]
    named = read(tasks, events, DECEMBER)
    plain = ReviewLog(
        named.cutoffs,
        [tuple(t) for t in named.tasks],  # type: ignore[misc]
        [tuple(s) for s in named.steps],  # type: ignore[misc]
        [tuple(m) for m in named.marks],  # type: ignore[misc]
    )
    made = review(plain, DECEMBER, calendar())
    assert made == review(named, DECEMBER, calendar())
    assert made.total.total == 3


def test_nothing_in_the_book_gives_no_rate() -> None:
    empty = review_of([], [], DECEMBER)
    assert empty.total.total == 0
    assert empty.total.on_time_rate is None
    assert empty.units == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-12", Month(2025, 12)), ("12/2025", Month(2025, 12)), (" 2026-1 ", Month(2026, 1))],
)
def test_a_month_is_read_as_written(text: str, expected: Month) -> None:
    assert Month.parse(text) == expected


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "tháng 12", "2025/12/01", ""])
def test_a_bad_month_is_refused_naming_it(text: str) -> None:
    with pytest.raises(BadMonth, match="tháng không hợp lệ"):
        Month.parse(text)


def test_months_step_across_years() -> None:
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2025, 12).next() == Month(2026, 1)
    assert Month(2026, 2).back(5) == Month(2025, 9)
    assert Month(2025, 12).last_day == date(2025, 12, 31)
    assert Month(2026, 2).last_day == date(2026, 2, 28)


# -- the review's categories are the report categories ----------------------------------------
#
# A one-task book at December's cut-off (01/01/2026 00:00, Hà Nội) for every status, with a
# deadline before the cut-off, on the month's last day (its end is the cut-off), on the
# day after, after, or none (an ongoing duty), and for a completed task every completion
# instant of the month before, on and after the deadline day. The review must put it in the
# category `standing` gives at the cut-off: in December's book and, through the trend, in
# January's review too.

DEADLINES = (date(2025, 12, 10), date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 15), None)
COMPLETIONS = (
    at(12, 1, 0, 30),  # the month's first hour
    at(12, 9),  # the day before the first deadline
    at(12, 10, 23, 30),  # late on its day: still on time
    datetime(2025, 12, 10, 17, 30, tzinfo=UTC),  # 00:30 on 11/12 in Hà Nội: late
    at(12, 31, 23, 30),  # the month's last hour
)
ONE_TASK_CASES = [
    (status, deadline, completed_at)
    for status in Status
    for deadline in DEADLINES
    for completed_at in (COMPLETIONS if status is Status.COMPLETED else (None,))
]


def one_task_book(
    status: Status, deadline: date | None, completed_at: datetime | None
) -> tuple[list[TaskFacts], list[Event]]:
    """Task 1 assigned in November and left in `status` in December (at `completed_at`)."""
    if status is Status.DRAFT:
        return [facts(1, "TH", deadline)], [move(1, at(11, 20), "draft")]
    events = [move(1, at(11, 20), "assigned")]
    if status is not Status.ASSIGNED:
        events.append(move(1, completed_at or at(12, 2), status.value, "assigned"))
    return [facts(1, "TH", deadline)], events


def counted(figures: Figures) -> list[Category]:
    return [c for c in Category for _ in range(figures.count(c))]


def review_category(
    status: Status, deadline: date | None, completed_at: datetime | None
) -> Category | None:
    """The category the review gives task 1 in December's book (None: not in it)."""
    tasks, events = one_task_book(status, deadline, completed_at)
    december = review_of(tasks, events, DECEMBER)
    january = review_of(tasks, events, Month(2026, 1))
    in_book = [line.category for line in december.lines]
    assert counted(december.total) == in_book
    assert counted(january.trend[-2].figures) == in_book  # the trend's path
    return in_book[0] if in_book else None


@pytest.mark.parametrize(("status", "deadline", "completed_at"), ONE_TASK_CASES, ids=str)
def test_the_review_puts_a_task_in_the_category_it_stands_in_at_the_cut_off(
    status: Status, deadline: date | None, completed_at: datetime | None
) -> None:
    cutoff = DECEMBER.cutoff(calendar())
    expected = standing(status, deadline, completed_at, cutoff, calendar()).category

    assert review_category(status, deadline, completed_at) is expected


# fmt: off
BY_HAND = [
    (Status.COMPLETED, date(2025, 12, 10), at(12, 9), Category.COMPLETED_ON_TIME),
    (Status.COMPLETED, date(2025, 12, 10), at(12, 10, 23, 30), Category.COMPLETED_ON_TIME),
    (Status.COMPLETED, date(2025, 12, 10), COMPLETIONS[3], Category.COMPLETED_LATE),
    (Status.COMPLETED, date(2025, 12, 10), at(12, 31, 23, 30), Category.COMPLETED_LATE),
    (Status.COMPLETED, date(2026, 1, 15), at(12, 31, 23, 30), Category.COMPLETED_ON_TIME),
    (Status.COMPLETED, None, at(12, 1, 0, 30), Category.COMPLETED_ON_TIME),
    (Status.IN_PROGRESS, date(2025, 12, 10), None, Category.IN_PROGRESS_OVERDUE),
    (Status.SUBMITTED, date(2025, 12, 31), None, Category.IN_PROGRESS_OVERDUE),
    (Status.EXTENSION_REQUESTED, date(2026, 1, 1), None, Category.IN_PROGRESS_WITHIN_DEADLINE),
    (Status.RETURNED, date(2026, 1, 15), None, Category.IN_PROGRESS_WITHIN_DEADLINE),
    (Status.ASSIGNED, None, None, Category.ONGOING),
    (Status.DRAFT, date(2025, 12, 10), None, None),
    (Status.CANCELLED, None, None, None),
]
# fmt: on


@pytest.mark.parametrize(("status", "deadline", "completed_at", "expected"), BY_HAND, ids=str)
def test_the_category_of_a_task_at_the_cut_off_as_worked_out_by_hand(
    status: Status, deadline: date | None, completed_at: datetime | None, expected: Category | None
) -> None:
    cutoff = DECEMBER.cutoff(calendar())

    assert standing(status, deadline, completed_at, cutoff, calendar()).category is expected
    assert review_category(status, deadline, completed_at) is expected


def test_a_task_completed_in_a_months_last_minutes_is_in_that_months_book_only() -> None:
    tasks, events = one_task_book(Status.COMPLETED, date(2025, 12, 10), at(11, 30, 23, 30))

    december = review_of(tasks, events, DECEMBER)
    assert december.lines == ()
    assert counted(december.trend[-2].figures) == [Category.COMPLETED_ON_TIME]  # November
