"""Deadline expressions, Vietnamese and English, resolved against the meeting date.

`resolve(text, on, calendar)` reads the timing words of an instruction and answers
with a deadline (or none), a recurrence (monthly, quarterly, yearly, ongoing) and
whether the deadline is already past on the meeting date. Vague words (kịp thời,
thời gian tới, in the coming time) give no deadline.

How a text is read:

1. The text is folded (no diacritics, lower case, same length), so "trong thang 1/2026"
   typed without accents reads like "trong tháng 1/2026".
2. Each expression family is a pattern, tried in order of precedence; a match that
   overlaps one found earlier is left out ("ngày 15 tháng 12 năm 2025" is one date, not
   also "tháng 12 năm 2025").
3. A date introduced as a start ("từ ngày", "ngay từ", "from") is not a deadline.
4. Expressions without a year take the meeting's year, or the next year when that date
   lies well behind the meeting ("trong tháng 1" said on 31/12/2025 is January 2026).
5. Of several deadlines in one instruction, the latest is the outer bound.
6. An open-ended phrase ("và các tháng tiếp theo", "thường xuyên") makes the instruction
   ongoing, without a deadline.
"""

from __future__ import annotations

import calendar as _months
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from engine.domain.calendar import WorkingCalendar
from engine.domain.model import Recurrence
from engine.domain.vntext import fold

#: a year-less date this far behind the meeting means the same date next year
ROLL_FORWARD_DAYS = 60


@dataclass(frozen=True)
class Resolved:
    deadline: date | None
    recurrence: Recurrence | None
    past: bool
    expression: str = ""  # the words of the text the answer came from

    def as_json(self) -> dict[str, object]:
        return {
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "recurrence": self.recurrence.value if self.recurrence else None,
            "past": self.past,
        }


@dataclass(frozen=True)
class Found:
    """One timing expression in a text."""

    start: int
    end: int
    deadline: date


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


# -- the expression families ---------------------------------------------------------

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


_BEFORE = r"(?P<before>truoc|before|prior to)\s+"
_IN = r"(?:trong|trong vong|den het|den|het|cuoi|han|xong|hoan thanh|by|in|within|during|until|through|no later than|not later than|end of|the end of)\s+"
_FAMILIES: list[tuple[str, Handler]] = [
    # trong 3 tháng kể từ ngày 1/12/2025: a duration from a stated day (before that day
    # is read as a start)
    (
        rf"\b(?:trong|trong\s+vong|trong\s+thoi\s+han|sau|toi\s+da|within|in)\s+"
        rf"(?P<n>{_NUM})\s+(?P<u>ngay\s+lam\s+viec|ngay|tuan|thang|working\s+days?|business\s+days?|days?|weeks?|months?)\s+"
        rf"(?:ke\s+tu|tinh\s+tu|from|after)\s+(?:ngay\s+|the\s+)?(?P<bd>\d{{1,2}})[/.\-](?P<bm>\d{{1,2}})[/.\-](?P<by>{_YEAR})",
        _duration,
    ),
    # 15/12/2025, 15-12-2025, 15.12.2025 (with "trước 17h00 ngày", "chậm nhất ngày" …)
    (
        rf"(?<![\d/.\-])(?P<d>\d{{1,2}})\s*[/.\-]\s*(?P<m>\d{{1,2}})\s*[/.\-]\s*(?P<y>{_YEAR})(?!\d)",
        _dmy,
    ),
    (rf"(?<!\d)(?P<y>{_YEAR})-(?P<m>\d{{2}})-(?P<d>\d{{2}})(?!\d)", _dmy),
    # ngày 15 tháng 12 năm 2025 / ngày 15 tháng 12
    (rf"\bngay\s+(?P<d>\d{{1,2}})\s+thang\s+(?P<m>\d{{1,2}})(?:\s+nam\s+(?P<y>{_YEAR}))?", _dmy),
    # trước ngày 25 hằng tháng / by the 5th of each month
    (r"\bngay\s+(?P<d>\d{1,2})\s+(?:hang|moi)\s+thang\b", _day_of_period),
    (
        r"\bthe\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:day\s+)?of\s+(?:each|every)\s+month\b",
        _day_of_period,
    ),
    # September 2, 2025 / 2 September 2025 / 2nd of September
    (
        rf"\b(?P<mon>{_MON})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>{_YEAR}))?(?![\d/])",
        _mdy_en,
    ),
    (
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MON})(?:,?\s+(?P<y>{_YEAR}))?",
        _mdy_en,
    ),
    # 6 tháng đầu năm (2026), 9 tháng đầu năm, 6 tháng cuối năm, first half of 2026
    (
        rf"\b(?P<n>{_NUM})\s+thang\s+(?P<part>dau|cuoi)\s+nam(?:\s+(?P<y>{_YEAR})|\s+(?P<next>sau|toi))?",
        _months_of_year,
    ),
    (
        rf"\bnua\s+(?P<part>dau|cuoi)\s+nam(?:\s+(?P<y>{_YEAR})|\s+(?P<next>sau|toi))?",
        _months_of_year,
    ),
    (
        rf"\b(?:the\s+)?(?P<part>first|second)\s+half\s+of\s+(?:the\s+year\s+)?(?:(?P<y>{_YEAR})|(?P<next>next)\s+year|this\s+year|the\s+year)",
        _months_of_year,
    ),
    (
        rf"\b(?:the\s+)?(?P<part>first)\s+(?P<n>{_NUM})\s+months\s+of\s+(?:(?P<y>{_YEAR})|(?P<next>next)\s+year|this\s+year|the\s+year)",
        _months_of_year,
    ),
    # đầu quý II(/2026): the quarter's first month; giữa năm 2026, mid-2026: 30 June
    (
        rf"\bdau\s+quy\s+(?P<q>iv|i{{1,3}}|[1-4])(?![a-z\d])(?:\s*[/.\-]\s*(?P<y>{_YEAR})|\s+nam\s+(?P<y2>{_YEAR}))?",
        _early_quarter,
    ),
    (
        rf"\b(?:giua\s+nam|mid[\s-]+year|(?:the\s+)?middle\s+of\s+(?:the\s+year|(?=\d)))(?:\s+(?:(?P<y>{_YEAR})|(?P<next>sau|toi)))?"
        rf"|\bmid[\s-]+(?P<y2>{_YEAR})\b",
        _mid_year,
    ),
    # đầu tháng 4(/2026), early next month, early April: the month's first ten days
    (
        rf"\b(?:dau\s+thang\s+(?P<m>\d{{1,2}})(?:\s*[/.\-]\s*(?P<y>{_YEAR}))?(?![\d/.\-])"
        rf"|(?:dau\s+thang\s+(?P<next>toi|sau)|early\s+(?P<next2>next)\s+month)"
        rf"|early\s+(?P<mon>{_MON})(?:\s*,?\s*(?P<y2>{_YEAR}))?)",
        _early_month,
    ),
    # quý I/2026, quý 1 năm 2026, quý IV, Q1/2026, the first quarter of 2026
    (
        rf"\bquy\s+(?P<q>iv|i{{1,3}}|[1-4])(?![a-z\d])(?:\s*[/.\-]\s*(?P<y>{_YEAR})|\s+nam\s+(?P<y2>{_YEAR}))?",
        _quarter,
    ),
    (rf"\bq(?P<q>[1-4])\b(?:\s*[/\-]?\s*(?P<y>{_YEAR}))?", _quarter),
    (
        rf"\b(?:the\s+)?(?P<qo>first|second|third|fourth|1st|2nd|3rd|4th|last)\s+quarter(?:\s+of)?(?:\s+(?:the\s+year\s+)?(?P<y>{_YEAR}))?",
        _quarter,
    ),
    (
        r"\b(?:quy\s+(?:nay|hien tai)|(?:this|the current)\s+quarter|end\s+of\s+the\s+quarter)\b",
        _this_quarter,
    ),
    (r"\b(?:quy\s+(?P<next>toi|sau)|(?P<next2>next)\s+quarter)\b", _this_quarter),
    # tháng 1/2026, tháng 1.2026, tháng 01 năm 2026, giữa tháng 3/2026, trước tháng 6/2026
    (
        rf"\b(?:{_BEFORE})?(?:(?P<mid>giua)\s+)?thang\s+(?P<m>\d{{1,2}})(?:\s*[/.\-]\s*|\s+nam\s+)(?P<y>{_YEAR})(?!\d)",
        _month,
    ),
    # September 2025, by the end of September
    (rf"\b(?:{_BEFORE})?(?:(?P<mid>mid)[\s-]+)?(?P<m>{_MON})\s*,?\s*(?P<y>{_YEAR})(?!\d)", _month),
    (
        rf"\b(?:{_BEFORE}|{_IN}(?:the\s+end\s+of\s+|end\s+of\s+)?)(?:(?P<mid>mid)[\s-]+)?(?P<m>{_MON})(?![\s,]*\d)",
        _month,
    ),
    # trong tháng 12, cuối tháng 1, trước tháng 6 (year-less)
    (
        rf"\b(?:{_BEFORE}|(?:trong|cuoi|het|den het|den cuoi|truoc cuoi|(?P<mid>giua))\s+)thang\s+(?P<m>\d{{1,2}})(?![\d/.\-])",
        _month,
    ),
    # trong 10 ngày làm việc (kể từ ngày …), trong 15 ngày, within two weeks
    (
        rf"\b(?:trong|trong\s+vong|trong\s+thoi\s+han|sau|toi\s+da|within|in|in\s+the\s+next|within\s+the\s+next|no\s+later\s+than)\s+"
        rf"(?P<n>{_NUM})\s+(?P<u>ngay\s+lam\s+viec|ngay|tuan|thang|working\s+days?|business\s+days?|days?|weeks?|months?)\b"
        rf"(?:\s+(?:ke\s+tu|tinh\s+tu|from|after)\s+(?:ngay\s+)?(?P<bd>\d{{1,2}})[/.\-](?P<bm>\d{{1,2}})[/.\-](?P<by>{_YEAR}))?",
        _duration,
    ),
    # cuối năm (nay | 2025 | sau), trong năm 2026, by the end of the year / of 2025
    (
        rf"\b(?:cuoi|het|trong)\s+nam(?:\s+(?P<y>{_YEAR})|\s+(?P<next>sau|toi)|\s+nay)?(?!\s*\d)(?!\s+(?:qua|truoc|ngoai))",
        _year_end,
    ),
    (
        rf"\b(?:(?:by|before|at|until)\s+)?(?:the\s+)?end\s+of\s+(?:(?P<y>{_YEAR})|(?P<next>next)\s+year|this\s+year|the\s+year)",
        _year_end,
    ),
    (rf"\b(?:within|during|by|before)\s+(?:the\s+year\s+)?(?P<y>{_YEAR})\b", _year_end),
    (r"\b(?:year[\s-]end|within\s+(?:the|this)\s+year|later\s+this\s+year)\b", _year_end),
    # cuối tháng, trong tháng này, tháng tới, this month, next month
    (r"\b(?:thang\s+(?P<next>toi|sau)|(?P<next2>next)\s+month)\b", _this_month),
    (
        r"\b(?:cuoi\s+thang|trong\s+thang(?:\s+nay)?|thang\s+nay|(?:the\s+)?end\s+of\s+(?:the|this)\s+month|this\s+month)\b(?!\s*\d)",
        _this_month,
    ),
    # trong tuần, tuần này, tuần tới, this week, next week
    (r"\b(?:tuan\s+(?P<next>toi|sau)(?!\s+le)|(?P<next2>next)\s+week)\b", _week),
    (
        r"\b(?:trong\s+tuan(?:\s+nay)?|tuan\s+nay|this\s+week|(?:the\s+)?end\s+of\s+the\s+week)\b(?!\s+le)",
        _week,
    ),
    # trước Tết Nguyên đán / before Tet
    (
        r"\b(?:truoc|before)\s+(?:(?:dip|ky\s+nghi|the)\s+)?(?:tet(?:\s+nguyen\s+dan|\s+holiday)?|lunar\s+new\s+year)\b",
        _tet,
    ),
    # 2/9, ngày 31.12 (year-less day and month)
    (r"(?<![\d/.\-\w])(?P<d>\d{1,2})\s*[/.]\s*(?P<m>\d{1,2})(?![\d/.\-]*\d)(?![/.\-]?[a-z])", _dmy),
]
_PATTERNS = [(re.compile(p), h) for p, h in _FAMILIES]

_START = re.compile(
    r"(?:\btu|\bke\s+tu|\bbat\s+dau\s+tu|\bngay\s+tu|\bfrom|\bsince|\bstarting(?:\s+from)?|\bbeginning)"
    r"\s+(?:(?:nhung\s+)?ngay\s+|the\s+|on\s+)?$"
)

_RECURRENCE: list[tuple[Recurrence, re.Pattern[str]]] = [
    (Recurrence.MONTHLY, re.compile(r"\b(?:hang\s+thang|moi\s+thang|dinh\s+ky\s+thang|monthly|every\s+month|each\s+month)\b")),
    (Recurrence.QUARTERLY, re.compile(r"\b(?:hang\s+quy|moi\s+quy|dinh\s+ky\s+quy|quarterly|every\s+quarter|each\s+quarter)\b")),
    (Recurrence.YEARLY, re.compile(r"\b(?:hang\s+nam|moi\s+nam|dinh\s+ky\s+nam|annually|yearly|every\s+year|each\s+year)\b")),
]  # fmt: skip
#: open-ended periods: the instruction runs on, whatever date it starts from
_FOLLOWING = re.compile(
    r"\b(?:(?:va|cho|den)\s+(?:cac|nhung)\s+(?:thang|quy|nam|tuan)\s+(?:tiep\s+theo|sau\s+do)"
    r"|tu\s+nay\s+(?:ve\s+sau|tro\s+di)|tro\s+di"
    r"|(?:and|in)\s+(?:the\s+)?(?:following|subsequent)\s+(?:months|quarters|years)"
    r"|onwards?|from\s+now\s+on|on\s+an\s+ongoing\s+basis|ongoing)\b"
)
#: words of a standing duty: ongoing, unless the instruction also sets a date
_STANDING = re.compile(
    r"\b(?:thuong\s+xuyen|lien\s+tuc|lau\s+dai|on\s+a\s+regular\s+basis|regularly"
    r"|continuously|constantly|at\s+all\s+times)\b"
)


def find_deadlines(text: str, on: date, calendar: WorkingCalendar) -> list[Found]:
    """Every timing expression in `text` that gives a deadline, in text order."""
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    found: list[Found] = []
    for pattern, handler in _PATTERNS:
        for match in pattern.finditer(folded):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            if _START.search(folded[max(0, start - 24) : start]):
                continue
            day = handler(match, on, calendar)
            if day is not None:
                found.append(Found(start, end, day))
    return sorted(found, key=lambda f: f.start)


def recurrence_in(text: str) -> tuple[Recurrence | None, str, bool]:
    """The recurrence a text states, the words that state it, and whether they are
    open-ended (no deadline whatever the text says)."""
    folded = fold(text)
    for recurrence, pattern in _RECURRENCE:
        match = pattern.search(folded)
        if match:
            return recurrence, text[match.start() : match.end()], False
    for pattern, open_ended in ((_FOLLOWING, True), (_STANDING, False)):
        match = pattern.search(folded)
        if match:
            return Recurrence.ONGOING, text[match.start() : match.end()], open_ended
    return None, "", False


def resolve(text: str, on: date, calendar: WorkingCalendar) -> Resolved:
    """The deadline, recurrence and past flag of an instruction's timing words."""
    recurrence, words, open_ended = recurrence_in(text)
    found = find_deadlines(text, on, calendar)
    if recurrence is Recurrence.ONGOING and (open_ended or not found):
        return Resolved(None, recurrence, False, words)
    if recurrence is Recurrence.ONGOING:
        recurrence = None  # "thường xuyên" beside a date: the date is the deadline
    if not found:
        return Resolved(None, recurrence, False, words)
    latest = max(found, key=lambda f: f.deadline)
    expression = text[latest.start : latest.end]
    return Resolved(latest.deadline, recurrence, latest.deadline < on, expression)
