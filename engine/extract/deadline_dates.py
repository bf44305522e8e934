"""The dates that deadline phrases stand for: the numbers, month names and regular
expression pieces the phrases are written with, and one resolver for each phrase family
(a `Handler`), which turns a matched phrase into a date against the meeting date and the
working calendar. The phrases themselves are in `engine.extract.deadline_phrases`, the
only module that imports this one's underscored names.
"""

from __future__ import annotations

import calendar as _months
import re
from collections.abc import Callable
from datetime import date, timedelta

from engine.domain.calendar import WorkingCalendar
from engine.domain.vntext import fold

#: a year-less date this far behind the meeting means the same date next year
ROLL_FORWARD_DAYS = 60

# -- numbers and names ---------------------------------------------------------------

_NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7,
    "tam": 8, "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12, "muoi lam": 15,
    "muoi nam": 15, "hai muoi": 20, "ba muoi": 30, "mot tram": 100,
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty-five": 45, "sixty": 60, "ninety": 90,
}  # fmt: skip
_NUM = (
    r"(?:\d{1,3}|"
    + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
    + r")"
)

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MON = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4}
_ORDINAL.update({"4th": 4, "last": 4})
_YEAR = r"(?:19|20)\d{2}"


def _number(text: str) -> int:
    text = " ".join(text.split())
    return int(text) if text.isdigit() else _NUMBER_WORDS[text]


def _month_end(year: int, month: int) -> date:
    return date(year, month, _months.monthrange(year, month)[1])


def _quarter_end(year: int, quarter: int) -> date:
    return _month_end(year, quarter * 3)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _months.monthrange(year, month)[1]))


def _last_working_day_of_week(day: date, calendar: WorkingCalendar) -> date:
    """The last working day of the Monday–Sunday week holding `day` (a Friday, unless a
    holiday or a make-up Saturday moves it); the Sunday when the week has none."""
    sunday = day + timedelta(days=6 - day.weekday())
    candidate = sunday
    while candidate >= sunday - timedelta(days=6):
        if calendar.is_working_day(candidate):
            return candidate
        candidate -= timedelta(days=1)
    return sunday


def _roll(day: date, on: date, year_given: bool) -> date:
    """A year-less date well behind the meeting is next year's."""
    if year_given or day >= on - timedelta(days=ROLL_FORWARD_DAYS):
        return day
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# -- the resolvers, one for each phrase family ---------------------------------------

Handler = Callable[["re.Match[str]", date, WorkingCalendar], date | None]


def _g(match: re.Match[str], name: str) -> str | None:
    value = match.groupdict().get(name)
    return value if value else None


def _dmy(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    day, month = int(match["d"]), int(match["m"])
    year = _g(match, "y")
    if month > 12 or day > 31:
        return None
    found = _safe_date(int(year) if year else on.year, month, day)
    return _roll(found, on, year is not None) if found else None


def _mdy_en(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    month = _MONTHS[match["mon"].rstrip(".")]
    year = _g(match, "y")
    found = _safe_date(int(year) if year else on.year, month, int(match["d"]))
    return _roll(found, on, year is not None) if found else None


def _month(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    raw = match["m"]
    month = int(raw) if raw.isdigit() else _MONTHS[raw.rstrip(".")]
    if not 1 <= month <= 12:
        return None
    year = _g(match, "y")
    before = bool(_g(match, "before"))
    if before:  # "trước tháng 6" / "before June": by the end of May
        first = date(int(year) if year else on.year, month, 1)
        end = first - timedelta(days=1)
    elif _g(match, "mid"):
        end = date(int(year) if year else on.year, month, 15)
    else:
        end = _month_end(int(year) if year else on.year, month)
    return _roll(end, on, year is not None)


def _quarter(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    raw = (_g(match, "q") or "").lower()
    quarter = _ROMAN.get(raw) or _ORDINAL.get((_g(match, "qo") or "").lower())
    if not quarter:
        return None
    year = _g(match, "y") or _g(match, "y2")
    return _roll(_quarter_end(int(year) if year else on.year, quarter), on, year is not None)


def _this_quarter(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    quarter = (on.month - 1) // 3 + 1
    end = _quarter_end(on.year, quarter)
    if _next(match):
        end = _quarter_end(on.year + quarter // 4, quarter % 4 + 1)
    return end


def _months_of_year(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    """'6 tháng đầu năm' (30/6), '9 tháng đầu năm 2026', '6 tháng cuối năm' (31/12)."""
    year = _g(match, "y")
    count = _number(match["n"]) if _g(match, "n") else 6
    if not 1 <= count <= 12:
        return None
    part = match["part"]
    month = count if part in ("dau", "first") else 12
    base = int(year) if year else (on.year + 1 if _g(match, "next") else on.year)
    return _roll(_month_end(base, month), on, year is not None)


#: "đầu tháng", "early next month": the first ten days of the month (thượng tuần)
EARLY_MONTH_DAY = 10


def _early_quarter(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    quarter = _ROMAN.get((_g(match, "q") or "").lower())
    if not quarter:
        return None
    year = _g(match, "y") or _g(match, "y2")
    first_month = quarter * 3 - 2
    end = _month_end(int(year) if year else on.year, first_month)
    return _roll(end, on, year is not None)


def _mid_year(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    year = _g(match, "y") or _g(match, "y2")
    if year:
        return date(int(year), 6, 30)
    base = on.year + 1 if _g(match, "next") or on > date(on.year, 6, 30) else on.year
    return date(base, 6, 30)


def _early_month(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    year = _g(match, "y") or _g(match, "y2")
    if _next(match):
        month_end = _month_end(on.year + on.month // 12, on.month % 12 + 1)
        return month_end.replace(day=EARLY_MONTH_DAY)
    raw = _g(match, "m") or (_g(match, "mon") or "").rstrip(".")
    month = int(raw) if raw.isdigit() else _MONTHS.get(raw, 0)
    if not 1 <= month <= 12:
        return None
    found = date(int(year) if year else on.year, month, EARLY_MONTH_DAY)
    return _roll(found, on, year is not None)


def _year_end(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    year = _g(match, "y")
    base = int(year) if year else (on.year + 1 if _g(match, "next") else on.year)
    return date(base, 12, 31)


def _next(match: re.Match[str]) -> bool:
    return bool(_g(match, "next") or _g(match, "next2"))


def _this_month(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    if _next(match):
        return _month_end(on.year + on.month // 12, on.month % 12 + 1)
    return _month_end(on.year, on.month)


def _week(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    anchor = on + timedelta(days=7) if _next(match) else on
    return _last_working_day_of_week(anchor, calendar)


def _duration(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    count = _number(match["n"])
    unit = match["u"]
    base = on
    if _g(match, "bd"):
        base = _safe_date(int(match["by"]), int(match["bm"]), int(match["bd"])) or on
    if count < 1:
        return None
    if "lam viec" in unit or "working" in unit or "business" in unit:
        return calendar.add_working_days(base, count)
    if unit.startswith(("ngay", "day")):
        return base + timedelta(days=count)
    if unit.startswith(("tuan", "week")):
        return base + timedelta(weeks=count)
    return _add_months(base, count)


def _day_of_period(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    """'trước ngày 25 hằng tháng' / 'by the 5th of each month': the next such day."""
    day = int(match["d"])
    if not 1 <= day <= 31:
        return None
    year, month = on.year, on.month
    for _ in range(3):
        found = _safe_date(year, month, min(day, _months.monthrange(year, month)[1]))
        if found and found > on:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _tet(match: re.Match[str], on: date, calendar: WorkingCalendar) -> date | None:
    """'trước Tết Nguyên đán': the last working day before the Tết holiday, from the
    calendar's own days off."""
    for year in (on.year, on.year + 1):
        days = sorted(
            d for d, name in calendar.rules(year).days_off.items() if "nguyen dan" in fold(name)
        )
        if days and days[0] > on:
            day = days[0] - timedelta(days=1)
            while not calendar.is_working_day(day):
                day -= timedelta(days=1)
            return day
    return None
