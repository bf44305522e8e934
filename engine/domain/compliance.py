"""The update-compliance rate leaders asked for: of the open tasks at a review's cut-off,
the share whose lead unit reported progress (or its result) within the period the policy
asks for (`progress_report_every` working days before the cut-off), overall and by unit.

Open here: in progress within the deadline, overdue, or an ongoing duty; a paused or a
declined task waits on someone else and is not asked for progress. Pure: the tasks that
reported come in as ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from datetime import date

from engine.domain.calendar import WorkingCalendar
from engine.domain.categories import Category
from engine.domain.review import ReviewedTask

#: the categories of a task asked to report its progress
ASKED = frozenset(
    {Category.IN_PROGRESS_WITHIN_DEADLINE, Category.IN_PROGRESS_OVERDUE, Category.ONGOING}
)


@dataclass
class Compliance:
    open: int = 0
    reported: int = 0

    @property
    def rate(self) -> float | None:
        """Percent, or None without open tasks."""
        return 100.0 * self.reported / self.open if self.open else None


@dataclass
class UpdateCompliance:
    since: date  # the first day of the period (local), the cut-off's day excluded
    total: Compliance = field(default_factory=Compliance)
    units: dict[str, Compliance] = field(default_factory=dict)


def period_start(cutoff_day: date, every: int, calendar: WorkingCalendar) -> date:
    """The first day of the `every` working days before `cutoff_day` (that day excluded):
    a report on that day or later is within the period."""
    day, left = cutoff_day, every
    while left > 0:
        day = date.fromordinal(day.toordinal() - 1)
        if calendar.is_working_day(day):
            left -= 1
    return day


def update_compliance(
    lines: Iterable[ReviewedTask], reported: Set[int], since: date
) -> UpdateCompliance:
    """Count, overall and by lead unit, the open tasks of the book (`lines`) and those of
    them among `reported` (the tasks with a progress report or a result in the period)."""
    out = UpdateCompliance(since)
    for line in lines:
        if line.category not in ASKED:
            continue
        unit = out.units.setdefault(line.unit, Compliance())
        did = line.id in reported
        for figures in (out.total, unit):
            figures.open += 1
            figures.reported += did
    return out
