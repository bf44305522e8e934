"""The monthly review's figures, from what the event log says at the end of a month.

Pure: what the store read of the log comes in as plain data (`engine.domain.review_log`),
the calendar and the month as arguments. The state of every task is what its events say
it was at the month's cut-off (the first instant of the next month in the office's zone),
never what the task row says today, so a month's figures come out the same whenever they
are computed.

Who counts in a month (the month's *book*): every task assigned by the cut-off, less
those cancelled by then, those still drafts, and those completed before the month
began (earlier months counted them). Each is in exactly one category at the cut-off:

- completed on time / completed late: completed during the month, judged against the
  deadline in force when it was completed (an approved extension moves it);
- in progress within deadline / in progress overdue: still open at the cut-off;
- ongoing: an open duty without a deadline.

On-time rate = completed on time / (completed on time + completed late + overdue):
of the tasks that were done or had fallen due, the share done on time.

Days overdue are calendar days counted to the cut-off, the day after the deadline being
the first: a task due on the month's last day is 1 day overdue in that month's review.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, Generic, NamedTuple, TypeVar

from engine.domain.calendar import WorkingCalendar
from engine.domain.categories import Category, category_on
from engine.domain.lifecycle import Status
from engine.domain.review_log import (
    MarkRow,
    ReviewLog,
    Snapshot,
    StepRow,
    TaskFactsRow,
    states,
)
from engine.domain.review_month import BadMonth, Month, ReviewError

__all__ = [
    "AGING",
    "TREND_MONTHS",
    "BadMonth",
    "Figures",
    "Month",
    "MonthlyReview",
    "ReviewError",
    "ReviewedTask",
    "TrendPoint",
    "UnitFigures",
    "cutoffs",
    "lagging_units",
    "review",
]

TREND_MONTHS = 6
#: overdue aging buckets, in calendar days past the deadline: (label key, first, last)
AGING: tuple[tuple[str, int, int | None], ...] = (
    ("1-7", 1, 7),
    ("8-30", 8, 30),
    ("31+", 31, None),
)


# -- what goes out --------------------------------------------------------------------------


@dataclass
class Figures:
    """The counts of one month's book, for one unit or in total."""

    assigned_in_month: int = 0
    completed_on_time: int = 0
    completed_late: int = 0
    in_progress_within_deadline: int = 0
    in_progress_overdue: int = 0
    ongoing: int = 0
    paused: int = 0  # apart from the overdue: its clock stopped
    declined: int = 0  # refused by the lead unit, awaiting the office's decision
    overdue_aging: dict[str, int] = field(default_factory=lambda: {k: 0 for k, _, _ in AGING})
    escalation_levels: dict[int, int] = field(default_factory=dict)  # overdue tasks by level
    extensions_requested: int = 0
    extensions_granted: int = 0
    due_next_month: int = 0

    def count(self, category: Category) -> int:
        return int(getattr(self, _FIELD[category]))

    @property
    def total(self) -> int:
        """Every task in the month's book."""
        return sum(self.count(c) for c in Category)

    @property
    def completed(self) -> int:
        return self.completed_on_time + self.completed_late

    @property
    def fell_due(self) -> int:
        """The on-time rate's denominator: done, or past the deadline."""
        return self.completed_on_time + self.completed_late + self.in_progress_overdue

    @property
    def on_time_rate(self) -> float | None:
        """Percent, or None when nothing was done or fell due."""
        if not self.fell_due:
            return None
        return 100.0 * self.completed_on_time / self.fell_due

    def _add(self, category: Category) -> None:
        name = _FIELD[category]
        setattr(self, name, getattr(self, name) + 1)


#: the Figures field that counts each category
_FIELD = {c: c.value for c in Category}


class ReviewedTask(NamedTuple):
    """One task of the month's book, as it stood at the cut-off (a named tuple: a big
    office's book has 100,000 of them)."""

    id: int
    unit: str
    reference: str
    number: str
    title: str
    owner: str
    recurrence: str | None
    status: Status
    category: Category
    deadline: date | None  # in force at the cut-off
    original_deadline: date | None
    extensions: tuple[tuple[date | None, date], ...]
    assigned_at: datetime | None
    completed_at: datetime | None
    days_overdue: int  # calendar days past the deadline at the cut-off (open tasks)
    escalation_level: int
    assigned_in_month: bool

    @property
    def extended(self) -> bool:
        return bool(self.extensions)


@dataclass(frozen=True)
class UnitFigures:
    unit: str
    figures: Figures


@dataclass(frozen=True)
class TrendPoint:
    month: Month
    figures: Figures


@dataclass(frozen=True)
class MonthlyReview:
    month: Month
    cutoff: datetime
    total: Figures
    units: tuple[UnitFigures, ...]  # every unit with a task in the book, by code
    trend: tuple[TrendPoint, ...]  # the last TREND_MONTHS months, oldest first
    lines: tuple[ReviewedTask, ...]  # the whole book, by unit, deadline, id
    overdue: tuple[ReviewedTask, ...]  # the most overdue first
    due_next_month: tuple[ReviewedTask, ...]  # open tasks due in the next month, by deadline


# -- the aggregation --------------------------------------------------------------------------


def cutoffs(
    month: Month, calendar: WorkingCalendar, trend_months: int = TREND_MONTHS
) -> tuple[datetime, ...]:
    """The cut-offs of the months of `month`'s review (its trend's), oldest first, in
    UTC: the instants the log is read at."""
    return tuple(
        month.back(n).cutoff(calendar).astimezone(UTC) for n in range(trend_months - 1, -1, -1)
    )


def review(
    log: ReviewLog, month: Month, calendar: WorkingCalendar, trend_months: int = TREND_MONTHS
) -> MonthlyReview:
    """The figures of `month`, per unit and in total, with the trend of the months before,
    from what the log says at their cut-offs (`log`, read at `cutoffs(month, calendar)`).

    1. the log's steps and marks are sorted by task (each task's are then a slice);
    2. each task's state at each cut-off (`states`) puts it in the category it stood in
       then (`category_at`), in each month's book it is in;
    3. the earlier months only count them (the trend); the month's book is kept, task by
       task (its lines), and its figures, in total and per unit, are counted from it.
    """
    months = [month.back(n) for n in range(trend_months - 1, -1, -1)]
    # in UTC: comparing instants that share one tzinfo is cheap, and the log's are in UTC
    starts = [m.start(calendar).astimezone(UTC) for m in months]
    ends = cutoffs(month, calendar, trend_months)
    if tuple(log.cutoffs) != ends:
        raise ValueError(f"the log was read at other cut-offs than {month.iso}'s review's")
    steps = _ByTask(log.steps, _BY_SPAN)
    marks = _ByTask(log.marks, _IN_LOG_ORDER)
    days = [calendar.local_date(end) for end in ends]  # the local day of each cut-off
    spans = range(len(months))
    books = Counter[tuple[int, Category | None]]()  # (month, category): tasks, None: not in
    assigned = [0 for _ in months]  # in each month's book, the tasks assigned in the month
    lines: list[ReviewedTask] = []
    for task in log.tasks:
        task_id, assigned_at = task[0], task[8]  # `TaskFacts`' id, assigned_at
        history = steps.of(task_id)
        if not history:
            continue
        _, _, status, at = history[-1]
        if at < starts[0] and status in _OUT_OF_BOOKS:
            continue  # left completed, cancelled or a draft before the trend began
        snaps = states(task, history, marks.of(task_id), ends)
        categories = _categories(snaps, starts, days, calendar)
        books.update(zip(spans, categories, strict=True))
        if assigned_at is not None and starts[0] <= assigned_at < ends[-1]:
            k = bisect_right(starts, assigned_at) - 1  # the month it was assigned in
            assigned[k] += categories[k] is not None
        if categories[-1] is not None:
            lines.append(_line(task, snaps[-1], categories[-1], starts[-1], ends[-1], days[-1]))

    granted = Counter(
        task_id
        for task_id, at, _, new_deadline, _, extension in log.marks
        if new_deadline is not None and extension and at >= starts[-1]
    )
    requested = {task[0]: task[9] for task in log.tasks if task[9]}  # extensions_requested
    due_next = month.next()

    def figures(book: Iterable[ReviewedTask]) -> Figures:
        return _figures(book, requested, granted, due_next)

    total = figures(lines)
    units = {code: figures(book) for code, book in _by_unit(lines).items()}
    trend = [(m, _counted(books, k, assigned[k])) for k, m in enumerate(months[:-1])]
    trend.append((month, total))
    return _assemble(month, ends[-1], total, units, trend, lines)


R = TypeVar("R", StepRow, MarkRow)


class _ByTask(Generic[R]):
    """Rows sorted by task (their first field), then by `order`, and the run of one
    task's rows: a slice, made when asked (a list per task, kept for the whole review,
    would keep the garbage collector busy)."""

    def __init__(self, rows: Iterable[R], order: Callable[[R], Any]) -> None:
        self.rows: list[R] = sorted(rows, key=order)
        self.ids: list[int] = [row[0] for row in self.rows]

    def of(self, task_id: int) -> list[R]:
        first = bisect_left(self.ids, task_id)
        return self.rows[first : bisect_right(self.ids, task_id, first)]


def _counted(books: Mapping[tuple[int, Category | None], int], k: int, assigned: int) -> Figures:
    """The figures of the `k`-th month of the trend, an earlier one: how many tasks its
    book has in each category (`books`), and how many of them it `assigned`."""
    out = Figures(assigned_in_month=assigned)
    for category in Category:
        setattr(out, _FIELD[category], books.get((k, category), 0))
    return out


def _by_unit(lines: Iterable[ReviewedTask]) -> dict[str, list[ReviewedTask]]:
    out: dict[str, list[ReviewedTask]] = {}
    for line in lines:
        out.setdefault(line.unit, []).append(line)
    return out


#: the statuses in which a task is in no book from then on: it is over, or never began
_OUT_OF_BOOKS = frozenset({Status.COMPLETED.value, Status.CANCELLED.value, Status.DRAFT.value})
_DONE = frozenset({Category.COMPLETED_ON_TIME, Category.COMPLETED_LATE})
_BY_SPAN = itemgetter(0, 1)  # a step's task, its span
_IN_LOG_ORDER = itemgetter(0, 1, 2)  # a mark's task, its time, its id


def _categories(
    snaps: Sequence[Snapshot | None],
    starts: Sequence[datetime],
    days: Sequence[date],
    calendar: WorkingCalendar,
) -> list[Category | None]:
    """The category of a task at each cut-off (the local day `days[k]`) in the book of
    the month from `starts[k]`, or None when it is not in that book: not yet begun, a
    draft, cancelled, or completed before `starts[k]` (an earlier month counted it)."""
    out: list[Category | None] = []
    completed_at: datetime | None = None
    completed_on: date | None = None
    for snap, start, today in zip(snaps, starts, days, strict=True):
        if snap is None:
            out.append(None)
            continue
        done = snap.completed_at
        if done is None:
            out.append(category_on(snap.status, snap.deadline, None, today))
        elif done < start:
            out.append(None)
        else:
            if done is not completed_at:  # a task's completion is one instant: its day once
                completed_at, completed_on = done, calendar.local_date(done)
            out.append(category_on(snap.status, snap.deadline, completed_on, today))
    return out


def _line(
    task: TaskFactsRow,
    snap: Snapshot | None,
    category: Category,
    start: datetime,
    cutoff: datetime,
    today: date,
) -> ReviewedTask:
    """The task's line in the book of the month from `start` to `cutoff` (local day
    `today`), in which it stands in `category`."""
    assert snap is not None
    task_id, unit, reference, number, title, owner, original, recurrence, assigned_at, _ = task
    days = level = 0
    if category is Category.IN_PROGRESS_OVERDUE:
        assert snap.deadline is not None
        days = (today - snap.deadline).days
        level = snap.escalation_level
    return ReviewedTask(
        id=task_id,
        unit=unit,
        reference=reference,
        number=number,
        title=title,
        owner=owner,
        recurrence=recurrence,
        status=snap.status,
        category=category,
        deadline=snap.deadline,
        original_deadline=original,
        extensions=snap.extensions,
        assigned_at=assigned_at,
        completed_at=snap.completed_at if category in _DONE else None,
        days_overdue=days,
        escalation_level=level,
        assigned_in_month=assigned_at is not None and start <= assigned_at < cutoff,
    )


def _figures(
    book: Iterable[ReviewedTask],
    requested: Mapping[int, int],
    granted: Mapping[int, int],
    due_next: Month,
) -> Figures:
    """The month's figures of the tasks of `book`, with the extensions each had
    `requested` and was `granted` in the month."""
    out = Figures()
    first, last = due_next.first_day, due_next.last_day
    for x in book:
        out._add(x.category)
        out.assigned_in_month += x.assigned_in_month
        out.extensions_requested += requested.get(x.id, 0)
        out.extensions_granted += granted.get(x.id, 0)
        if x.category is Category.IN_PROGRESS_OVERDUE:
            out.overdue_aging[_aging_key(x.days_overdue)] += 1
            level = x.escalation_level
            out.escalation_levels[level] = out.escalation_levels.get(level, 0) + 1
        elif _due_in(x, first, last):
            out.due_next_month += 1
    return out


def _due_in(line: ReviewedTask, first: date, last: date) -> bool:
    """An open task within its deadline, due from `first` to `last`."""
    return (
        line.category is Category.IN_PROGRESS_WITHIN_DEADLINE
        and line.deadline is not None
        and first <= line.deadline <= last
    )


def _aging_key(days: int) -> str:
    for key, first, last in AGING:
        if days >= first and (last is None or days <= last):
            return key
    raise ValueError(f"not overdue: {days} days")


def _assemble(
    month: Month,
    cutoff: datetime,
    total: Figures,
    units: Mapping[str, Figures],
    trend: Sequence[tuple[Month, Figures]],
    lines: list[ReviewedTask],
) -> MonthlyReview:
    """The review from its figures and its book's lines (in any order): the lines put
    in the book's order, the overdue and the due next month picked out of them."""
    next_month = month.next()
    first, last = next_month.first_day, next_month.last_day
    lines.sort(key=lambda x: (x.unit, x.deadline is None, x.deadline or date.max, x.id))
    overdue = sorted(
        (x for x in lines if x.category is Category.IN_PROGRESS_OVERDUE),
        key=lambda x: (-x.days_overdue, x.unit, x.id),
    )
    due_next_month = sorted(
        (x for x in lines if _due_in(x, first, last)),
        key=lambda x: (x.deadline or date.max, x.unit, x.id),
    )
    return MonthlyReview(
        month=month,
        cutoff=cutoff,
        total=total,
        units=tuple(UnitFigures(code, units[code]) for code in sorted(units)),
        trend=tuple(TrendPoint(m, f) for m, f in trend),
        lines=tuple(lines),
        overdue=tuple(overdue),
        due_next_month=tuple(due_next_month),
    )


def lagging_units(review_: MonthlyReview) -> list[UnitFigures]:
    """The units with tasks overdue at the cut-off, in the order leaders should look at
    them (the report names the first few):

    1. the most tasks overdue first: that is the work left undone;
    2. of units with as many, the lowest on-time rate first: the one that also finishes
       least of its work on time is the further behind;
    3. then by unit code, so that ties come out the same in every report.

    Every unit listed has a rate: an overdue task has fallen due.
    """

    def rank(u: UnitFigures) -> tuple[int, float, str]:
        rate = u.figures.on_time_rate
        assert rate is not None
        return (-u.figures.in_progress_overdue, rate, u.unit)

    return sorted((u for u in review_.units if u.figures.in_progress_overdue), key=rank)
