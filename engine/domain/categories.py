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


@dataclass(frozen=True)
class Standing:
    """Where a task stands at one instant."""

    category: Category | None
    overdue: bool
    working_days_overdue: int
    due_soon: bool


def standing(
    status: Status,
    deadline: date | None,
    completed_at: datetime | None,
    now: datetime,
    calendar: WorkingCalendar,
) -> Standing:
    if status is Status.COMPLETED:
        if completed_at is None:
            raise ValueError("a completed task needs its completion time")
        on_time = deadline is None or calendar.deadline_met(deadline, completed_at)
        category = Category.COMPLETED_ON_TIME if on_time else Category.COMPLETED_LATE
        return Standing(category, False, 0, False)
    if status not in OPEN_STATES:
        return Standing(None, False, 0, False)
    if deadline is None:
        return Standing(Category.ONGOING, False, 0, False)
    if calendar.is_overdue(deadline, now):
        days = calendar.working_days_overdue(deadline, now)
        return Standing(Category.IN_PROGRESS_OVERDUE, True, days, False)
    today = calendar.local_date(now)
    soon = calendar.working_days_after(today, deadline) <= DUE_SOON_WORKING_DAYS
    return Standing(Category.IN_PROGRESS_WITHIN_DEADLINE, False, 0, soon)
