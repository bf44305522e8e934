"""Reporting categories, derived from the deadline in force, the calendar and `now`.

The categories are those of Vietnamese tracking reports: completed on time, completed
late, in progress within the deadline, in progress and overdue, and ongoing duties; and
the two side roads, counted apart: paused (its clock stopped while another body decides,
never overdue while it waits) and declined (the lead unit refused it and the office has
not yet decided). Draft and cancelled tasks fall in none of them.
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
    PAUSED = "paused"
    DECLINED = "declined"


CATEGORY_ORDER = tuple(Category)
_COMPLETED = Status.COMPLETED
#: the side roads: their own category whatever the deadline says (paused tasks apart
#: from overdue ones; declined ones waiting for the office's decision)
_SIDE_ROAD_CATEGORY = {Status.PAUSED: Category.PAUSED, Status.DECLINED: Category.DECLINED}


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

    The one classifier: `standing` calls it, and the monthly review calls `category_on`,
    its core, with the local days it has worked out once for all its tasks.
    A completed task is judged against the deadline in force when it was completed.
    """
    if status is _COMPLETED and completed_at is None:
        raise ValueError("a completed task needs its completion time")
    completed_on = calendar.local_date(completed_at) if completed_at is not None else None
    return category_on(status, deadline, completed_on, calendar.local_date(now))


def category_on(
    status: Status, deadline: date | None, completed_on: date | None, today: date
) -> Category | None:
    """`category_at` from local days: `completed_on`, the day a completed task was
    completed; `today`, the day of the instant it is judged at. A deadline is met when
    the work is completed by the end of its day, and past once that day is over."""
    if status is _COMPLETED:
        if completed_on is None:
            raise ValueError("a completed task needs its completion day")
        if deadline is None or completed_on <= deadline:
            return Category.COMPLETED_ON_TIME
        return Category.COMPLETED_LATE
    side_road = _SIDE_ROAD_CATEGORY.get(status)
    if side_road is not None:
        return side_road
    if status not in OPEN_STATES:
        return None
    if deadline is None:
        return Category.ONGOING
    if today > deadline:
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
