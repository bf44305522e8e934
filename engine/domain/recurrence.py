"""Periods of recurring obligations (hằng tháng, hằng quý, hằng năm)."""

from __future__ import annotations

import calendar as _months
from datetime import date

from engine.domain.calendar import WorkingCalendar
from engine.domain.model import Recurrence

PERIODIC = frozenset({Recurrence.MONTHLY, Recurrence.QUARTERLY, Recurrence.YEARLY})
_MONTHS = {Recurrence.MONTHLY: 1, Recurrence.QUARTERLY: 3, Recurrence.YEARLY: 12}
#: a first period that leaves fewer working days than this is skipped for the next one
MIN_FIRST_PERIOD_WORKING_DAYS = 3


def _add_months(day: date, months: int) -> date:
    """The same day `months` later; a month-end stays a month-end (31/01 → 28/02 → 31/03)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = _months.monthrange(year, month)[1]
    was_month_end = day.day == _months.monthrange(day.year, day.month)[1]
    return date(year, month, last if was_month_end else min(day.day, last))


def period_end(day: date, recurrence: Recurrence) -> date:
    """The last calendar day of the month, quarter or year that contains `day`."""
    months = _MONTHS[recurrence]
    last_month = ((day.month - 1) // months + 1) * months
    return date(day.year, last_month, _months.monthrange(day.year, last_month)[1])


def last_working_day_until(day: date, calendar: WorkingCalendar) -> date:
    while not calendar.is_working_day(day):
        day = date.fromordinal(day.toordinal() - 1)
    return day


def first_deadline(issued_on: date, recurrence: Recurrence, calendar: WorkingCalendar) -> date:
    """Default first deadline of a periodic obligation given without one: the last
    working day of the current period, or of the next if too little of it is left."""
    deadline = last_working_day_until(period_end(issued_on, recurrence), calendar)
    if calendar.working_days_after(issued_on, deadline) < MIN_FIRST_PERIOD_WORKING_DAYS:
        following = period_end(_add_months(period_end(issued_on, recurrence), 1), recurrence)
        deadline = last_working_day_until(following, calendar)
    return deadline


def next_deadline(deadline: date, recurrence: Recurrence, calendar: WorkingCalendar) -> date:
    """The same point in the next period. A deadline on the period's last working day
    moves to the next period's last working day; otherwise the same calendar day
    (a month-end stays a month-end)."""
    end = period_end(deadline, recurrence)
    if deadline == last_working_day_until(end, calendar):
        following = period_end(_add_months(end, 1), recurrence)
        return last_working_day_until(following, calendar)
    return _add_months(deadline, _MONTHS[recurrence])


def next_instance_on(deadline: date | None, recurrence: Recurrence | None) -> date | None:
    """The day the next period's instance of a recurring obligation is created."""
    if deadline is None or recurrence not in PERIODIC:
        return None
    return date.fromordinal(deadline.toordinal() + 1)
