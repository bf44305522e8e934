"""The month a review is of: read as people write it ('2025-12', '12/2025'), its first
instant and its cut-off (the first instant after it) in the office's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from engine.domain.calendar import WorkingCalendar
from engine.domain.errors import DomainError


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
