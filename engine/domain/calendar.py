"""The working calendar: which days count, and when a deadline day ends.

Pure: the public holidays and the government's yearly swaps come in as data
(`YearRules`, one per year, from a loader), never from a package or a file read here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from engine.domain.errors import DomainError

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
WEEKEND = frozenset({5, 6})  # Saturday, Sunday


@dataclass(frozen=True)
class YearRules:
    """Days off (holidays and extra days off) and working weekend days for one year."""

    days_off: Mapping[date, str] = field(default_factory=dict)
    working_days: Mapping[date, str] = field(default_factory=dict)


class WorkingCalendar:
    """Monday–Friday, less days off, plus make-up working weekend days, in one time zone."""

    def __init__(self, rules_for_year: Callable[[int], YearRules], timezone: str) -> None:
        self.timezone = ZoneInfo(timezone)
        self._rules_for_year = lru_cache(maxsize=64)(rules_for_year)

    # -- days -------------------------------------------------------------
    def rules(self, year: int) -> YearRules:
        return self._rules_for_year(year)

    def is_working_day(self, day: date) -> bool:
        rules = self.rules(day.year)
        if day in rules.working_days:
            return True
        if day in rules.days_off:
            return False
        return day.weekday() not in WEEKEND

    def why_not_working(self, day: date) -> str | None:
        """The name of the holiday or day off, 'weekend', or None for a working day."""
        if self.is_working_day(day):
            return None
        return self.rules(day.year).days_off.get(day, "weekend")

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` ("N working days from issue").

        The start day itself is day zero, whatever it is; `count` must be at least 1.
        """
        if count < 1:
            raise DomainError(f"working-day count must be at least 1, got {count}")
        day = start
        left = count
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_after(self, start: date, end: date) -> int:
        """Working days in the half-open range (start, end]; 0 when end <= start."""
        return sum(1 for d in _days(start + timedelta(days=1), end) if self.is_working_day(d))

    def working_days_in(self, year: int, month: int) -> list[date]:
        first = date(year, month, 1)
        nxt = date(year + month // 12, month % 12 + 1, 1)
        return [d for d in _days(first, nxt - timedelta(days=1)) if self.is_working_day(d)]

    # -- instants -----------------------------------------------------------
    def local_date(self, instant: datetime) -> date:
        if instant.tzinfo is None:
            raise DomainError("a naive datetime reached the calendar; pass an aware one")
        return instant.astimezone(self.timezone).date()

    def end_of_day(self, day: date) -> datetime:
        """The first instant after `day` in the calendar's zone (the deadline's cut-off)."""
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.timezone)

    def deadline_met(self, deadline: date, completed_at: datetime) -> bool:
        """A deadline is met when the work is completed by the end of that local day."""
        return self.local_date(completed_at) <= deadline

    def is_overdue(self, deadline: date, now: datetime) -> bool:
        return self.local_date(now) > deadline

    def working_days_overdue(self, deadline: date, now: datetime) -> int:
        return self.working_days_after(deadline, self.local_date(now))


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
