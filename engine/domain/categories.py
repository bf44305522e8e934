"""Reporting categories, derived from the deadline in force, the calendar and `now`.

The categories are those of Vietnamese tracking reports: completed on time, completed
late, in progress within the deadline, in progress and overdue, and ongoing duties.
Draft and cancelled tasks fall in none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from engine.domain.calendar import WorkingCalendar
from engine.domain.lifecycle import OPEN_STATES, Status

DUE_SOON_WORKING_DAYS = 3


class Category(StrEnum):
    COMPLETED_ON_TIME = "completed_on_time"
    COMPLETED_LATE = "completed_late"
    IN_PROGRESS_WITHIN_DEADLINE = "in_progress_within_deadline"
    IN_PROGRESS_OVERDUE = "in_progress_overdue"
    ONGOING = "ongoing"


CATEGORY_ORDER = tuple(Category)
_COMPLETED = Status.COMPLETED


@dataclass(frozen=True)
class Standing:
    """Where a task stands at one instant."""

    category: Category | None
    overdue: bool
    working_days_overdue: int
    due_soon: bool


def category_at(
    status: Status,
    deadline: date | None,
    completed_at: datetime | None,
    now: datetime,
    calendar: WorkingCalendar,
) -> Category | None:
    """The category of a task at `now`, or None for a draft or a cancelled task.

    The one classifier: `standing` and the monthly review's replay (once per task
    and cut-off) both call it, so it takes plain values and builds nothing.
    A completed task is judged against the deadline in force when it was completed.
    """
    if status is _COMPLETED:
        if completed_at is None:
            raise ValueError("a completed task needs its completion time")
        if deadline is None or calendar.deadline_met(deadline, completed_at):
            return Category.COMPLETED_ON_TIME
        return Category.COMPLETED_LATE
    if status not in OPEN_STATES:
        return None
    if deadline is None:
        return Category.ONGOING
    if calendar.is_overdue(deadline, now):
        return Category.IN_PROGRESS_OVERDUE
    return Category.IN_PROGRESS_WITHIN_DEADLINE


def standing(
    status: Status,
    deadline: date | None,
    completed_at: datetime | None,
    now: datetime,
    calendar: WorkingCalendar,
) -> Standing:
    category = category_at(status, deadline, completed_at, now, calendar)
    if category is Category.IN_PROGRESS_OVERDUE:
        assert deadline is not None
        days = calendar.working_days_overdue(deadline, now)
        return Standing(category, True, days, False)
    if category is Category.IN_PROGRESS_WITHIN_DEADLINE:
        assert deadline is not None
        today = calendar.local_date(now)
        soon = calendar.working_days_after(today, deadline) <= DUE_SOON_WORKING_DAYS
        return Standing(category, False, 0, soon)
    return Standing(category, False, 0, False)
