"""The monthly review's figures, from the event log replayed up to the end of a month.

Pure: tasks and events come in as plain data, the calendar and the month as arguments.
The state of every task is what its events say it was at the month's cut-off (the
first instant of the next month in the office's zone), never what the task row says
today, so a month's figures come out the same whenever they are computed.

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

import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from engine.domain.calendar import WorkingCalendar
from engine.domain.categories import Category, category_at
from engine.domain.errors import DomainError
from engine.domain.lifecycle import Status

TREND_MONTHS = 6
#: overdue aging buckets, in calendar days past the deadline: (label key, first, last)
AGING: tuple[tuple[str, int, int | None], ...] = (
    ("1-7", 1, 7),
    ("8-30", 8, 30),
    ("31+", 31, None),
)


class ReviewError(DomainError):
    """A review that cannot be made as asked: the reason in Vietnamese and in English."""

    def __init__(self, vi: str, en: str) -> None:
        self.vi, self.en = vi, en
        super().__init__(f"{vi} / {en}")

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


class BadMonth(ReviewError):
    pass


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise BadMonth(
                f"tháng không hợp lệ: {self.month} (từ 1 đến 12)", f"bad month: {self.month}"
            )

    @classmethod
    def parse(cls, text: str) -> Month:
        """'2025-12' or '12/2025' (as Vietnamese write it)."""
        value = text.strip()
        try:
            if "/" in value:
                month_text, year_text = value.split("/")
            else:
                year_text, month_text = value.split("-")
            year, month = int(year_text), int(month_text)
        except ValueError:
            raise BadMonth(
                f"tháng không hợp lệ: '{text}' (cần dạng 2025-12)",
                f"bad month: '{text}' (expected 2025-12)",
            ) from None
        if not 1 <= month <= 12 or not 2000 <= year <= 9999:
            raise BadMonth(
                f"tháng không hợp lệ: '{text}' (cần dạng 2025-12, tháng từ 1 đến 12)",
                f"bad month: '{text}' (expected 2025-12, month 1 to 12)",
            )
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def back(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 - months
        return Month(index // 12, index % 12 + 1)

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """'12/2025', as Vietnamese write a month."""
        return f"{self.month:02d}/{self.year}"

    def start(self, calendar: WorkingCalendar) -> datetime:
        """The month's first instant in the calendar's zone."""
        return calendar.end_of_day(self.first_day - timedelta(days=1))

    def cutoff(self, calendar: WorkingCalendar) -> datetime:
        """The first instant after the month: the state "as of the end of the month"."""
        return calendar.end_of_day(self.last_day)


# -- what comes in ----------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFacts:
    """What does not change over a task's life (its deadline does: see events)."""

    id: int
    unit: str  # the lead unit's code ("" when none)
    reference: str
    number: str
    title: str
    owner: str
    original_deadline: date | None
    recurrence: str | None = None


class Event(NamedTuple):
    """One entry of the audit trail, with what its payload says that matters here
    (a named tuple: a year of a big office's log is a million of them)."""

    task_id: int
    at: datetime
    from_status: str | None
    to_status: str
    new_deadline: date | None = None  # an approved extension
    escalation_level: int | None = None  # an escalation recorded by the sweep
    seq: int = 0  # the log's order (its id): breaks ties between events at one instant


# -- a task at one instant ----------------------------------------------------------------


_STATUS = {s.value: s for s in Status}
_ASSIGNED, _COMPLETED = Status.ASSIGNED, Status.COMPLETED
#: the statuses in which a task is in no book from then on (`_category` gives None): it
#: is over, or it never began; a task left so before a month began is in none of its books
_OUT_OF_BOOKS = frozenset({Status.COMPLETED.value, Status.CANCELLED.value, Status.DRAFT.value})
_in_log_order = operator.itemgetter(Event._fields.index("at"), Event._fields.index("seq"))


class Snapshot(NamedTuple):
    """A task as its events left it just before an instant."""

    status: Status
    deadline: date | None
    assigned_at: datetime | None
    completed_at: datetime | None
    escalation_level: int  # the highest reached against the deadline in force
    extensions: tuple[tuple[date | None, date], ...]  # approved: (old, new), in order


def snapshots(
    original_deadline: date | None, events: Sequence[Event], instants: Sequence[datetime]
) -> list[Snapshot | None]:
    """The task just before each of `instants` (ascending), None before its first event.

    One pass over the task's events (in time order):
    1. before applying an event at or after the next instant, record the state so far
       for that instant (and any later instants the event also passes);
    2. apply the event: its status; the first move into `assigned` is the assignment;
       a move into `completed` is the completion; an approved extension replaces the
       deadline and starts a new escalation ladder; an escalation raises the level;
    3. record the state for the instants left.
    """
    out: list[Snapshot | None] = []
    status: Status | None = None
    deadline = original_deadline
    assigned_at: datetime | None = None
    completed_at: datetime | None = None
    level = 0
    extensions: list[tuple[date | None, date]] = []
    k, n = 0, len(instants)
    if not n:
        return out
    upcoming = instants[0]  # the next instant to record, instants[k]

    def snap() -> Snapshot | None:
        if status is None:
            return None
        return Snapshot(status, deadline, assigned_at, completed_at, level, tuple(extensions))

    for event in events:
        at = event.at
        if at >= upcoming:
            while k < n and at >= instants[k]:
                out.append(snap())
                k += 1
            if k == n:
                return out
            upcoming = instants[k]
        status = _STATUS[event.to_status]
        if status is _ASSIGNED:
            if assigned_at is None:
                assigned_at = at
        elif status is _COMPLETED:
            completed_at = at
        if event.new_deadline is not None:
            extensions.append((deadline, event.new_deadline))
            deadline = event.new_deadline
            level = 0
        if event.escalation_level is not None:
            level = max(level, event.escalation_level)
    while k < n:
        out.append(snap())
        k += 1
    return out


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


class TaskLine(NamedTuple):
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
    lines: tuple[TaskLine, ...]  # the whole book, by unit, deadline, id
    overdue: tuple[TaskLine, ...]  # the most overdue first
    due_next_month: tuple[TaskLine, ...]  # open tasks due in the next month, by deadline


# -- the aggregation --------------------------------------------------------------------------


def _category(
    snap: Snapshot, start: datetime, cutoff: datetime, calendar: WorkingCalendar
) -> Category | None:
    """The category at `cutoff` of a task in the book of the month from `start`, or None
    when it is not in that book (a draft, cancelled, or completed before `start`)."""
    status, completed_at = snap.status, snap.completed_at
    if status is _COMPLETED and completed_at is not None and completed_at < start:
        return None  # an earlier month's book counted it
    return category_at(status, snap.deadline, completed_at, cutoff, calendar)


def _aging_key(days: int) -> str:
    for key, first, last in AGING:
        if days >= first and (last is None or days <= last):
            return key
    raise ValueError(f"not overdue: {days} days")


def review(
    tasks: Iterable[TaskFacts],
    events: Iterable[Event],
    month: Month,
    calendar: WorkingCalendar,
    trend_months: int = TREND_MONTHS,
) -> MonthlyReview:
    """The figures of `month`, per unit and in total, with the trend of the months before.

    Events may come in any order and may run past the month: each task's are put in
    the log's order (time, then sequence), and those at or after the cut-off are left out.
    """
    months = [month.back(n) for n in range(trend_months - 1, -1, -1)]
    # in UTC: comparing instants that share one tzinfo is cheap, and the log's are in UTC
    starts = [m.start(calendar).astimezone(UTC) for m in months]
    cutoffs = [m.cutoff(calendar).astimezone(UTC) for m in months]
    cutoff, start, first_start = cutoffs[-1], starts[-1], starts[0]
    next_month = month.next()
    cut_day = calendar.local_date(cutoff)

    by_task: dict[int, list[Event]] = {}
    requested: dict[int, int] = {}
    granted: dict[int, int] = {}
    extension_requested = Status.EXTENSION_REQUESTED.value
    for event in events:
        at = event.at
        if at >= cutoff:
            continue
        history = by_task.get(event.task_id)
        if history is None:
            by_task[event.task_id] = [event]
        else:
            history.append(event)
        if at >= start:
            if event.to_status == extension_requested:
                requested[event.task_id] = requested.get(event.task_id, 0) + 1
            if event.new_deadline is not None:
                granted[event.task_id] = granted.get(event.task_id, 0) + 1

    total = Figures()
    units: dict[str, Figures] = {}
    trend = [Figures() for _ in months]
    lines: list[TaskLine] = []
    for task in tasks:
        history = by_task.get(task.id)
        if not history:
            continue
        history.sort(key=_in_log_order)  # C-level key: (at, seq)
        last = history[-1]
        if last.at < first_start and last.to_status in _OUT_OF_BOOKS:
            # completed (its last completion before then), cancelled or a draft before
            # the first month of the trend began, and nothing since: in none of its books
            continue
        snaps = snapshots(task.original_deadline, history, cutoffs)
        for i, point in enumerate(trend[:-1]):
            before = snaps[i]
            if before is not None:
                category = _category(before, starts[i], cutoffs[i], calendar)
                if category is not None:
                    point._add(category)
                    point.assigned_in_month += _assigned_since(before, starts[i])
        snap = snaps[-1]
        if snap is None:
            continue
        category = _category(snap, start, cutoff, calendar)
        if category is None:
            continue
        figures = units.setdefault(task.unit, Figures())
        assigned_in_month = _assigned_since(snap, start)
        days = level = 0
        if category is Category.IN_PROGRESS_OVERDUE:
            assert snap.deadline is not None
            days = (cut_day - snap.deadline).days
            level = snap.escalation_level
        line = TaskLine(
            id=task.id,
            unit=task.unit,
            reference=task.reference,
            number=task.number,
            title=task.title,
            owner=task.owner,
            recurrence=task.recurrence,
            status=snap.status,
            category=category,
            deadline=snap.deadline,
            original_deadline=task.original_deadline,
            extensions=snap.extensions,
            assigned_at=snap.assigned_at,
            completed_at=snap.completed_at if category in _DONE else None,
            days_overdue=days,
            escalation_level=level,
            assigned_in_month=assigned_in_month,
        )
        lines.append(line)
        due_next = (
            category is Category.IN_PROGRESS_WITHIN_DEADLINE
            and snap.deadline is not None
            and next_month.first_day <= snap.deadline <= next_month.last_day
        )
        for figs in (total, figures, trend[-1]):
            figs._add(category)
            figs.assigned_in_month += assigned_in_month
            figs.extensions_requested += requested.get(task.id, 0)
            figs.extensions_granted += granted.get(task.id, 0)
            figs.due_next_month += due_next
            if category is Category.IN_PROGRESS_OVERDUE:
                figs.overdue_aging[_aging_key(days)] += 1
                figs.escalation_levels[level] = figs.escalation_levels.get(level, 0) + 1

    return _assemble(month, cutoff, total, units, list(zip(months, trend, strict=True)), lines)


def _assemble(
    month: Month,
    cutoff: datetime,
    total: Figures,
    units: Mapping[str, Figures],
    trend: Sequence[tuple[Month, Figures]],
    lines: list[TaskLine],
) -> MonthlyReview:
    """The review from its figures and its book's lines (in any order): the lines put
    in the book's order, the overdue and the due next month picked out of them."""
    next_month = month.next()
    lines.sort(key=lambda x: (x.unit, x.deadline is None, x.deadline or date.max, x.id))
    overdue = sorted(
        (x for x in lines if x.category is Category.IN_PROGRESS_OVERDUE),
        key=lambda x: (-x.days_overdue, x.unit, x.id),
    )
    due_next_month = sorted(
        (
            x
            for x in lines
            if x.category is Category.IN_PROGRESS_WITHIN_DEADLINE
            and x.deadline is not None
            and x.deadline >= next_month.first_day
            and x.deadline <= next_month.last_day
        ),
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


def _sum(figures: Iterable[Figures]) -> Figures:
    """The figures of books with no task in common, as one book's."""
    out = Figures()
    for f in figures:
        out.assigned_in_month += f.assigned_in_month
        out.completed_on_time += f.completed_on_time
        out.completed_late += f.completed_late
        out.in_progress_within_deadline += f.in_progress_within_deadline
        out.in_progress_overdue += f.in_progress_overdue
        out.ongoing += f.ongoing
        for key, n in f.overdue_aging.items():
            out.overdue_aging[key] = out.overdue_aging.get(key, 0) + n
        for level, n in f.escalation_levels.items():
            out.escalation_levels[level] = out.escalation_levels.get(level, 0) + n
        out.extensions_requested += f.extensions_requested
        out.extensions_granted += f.extensions_granted
        out.due_next_month += f.due_next_month
    return out


def merge(parts: Sequence[MonthlyReview]) -> MonthlyReview:
    """One review from the reviews of the same month over disjoint sets of tasks (each
    task with all its events in one part, e.g. split by task id): the same review as
    `review` over all the tasks at once. Every figure is a count of tasks, so the parts'
    add up; the lists are put in order again."""
    if not parts:
        raise ValueError("nothing to merge")
    first = parts[0]
    for part in parts[1:]:
        if part.month != first.month or part.cutoff != first.cutoff:
            raise ValueError(f"reviews of different months: {first.month} and {part.month}")
        if [p.month for p in part.trend] != [p.month for p in first.trend]:
            raise ValueError("reviews with different trends")
    codes = sorted({u.unit for part in parts for u in part.units})
    units = {
        code: _sum(u.figures for part in parts for u in part.units if u.unit == code)
        for code in codes
    }
    trend = [
        (point.month, _sum(part.trend[i].figures for part in parts))
        for i, point in enumerate(first.trend)
    ]
    lines = [line for part in parts for line in part.lines]
    return _assemble(first.month, first.cutoff, _sum(p.total for p in parts), units, trend, lines)


def _assigned_since(snap: Snapshot, start: datetime) -> bool:
    return snap.assigned_at is not None and snap.assigned_at >= start


_DONE = frozenset({Category.COMPLETED_ON_TIME, Category.COMPLETED_LATE})


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
