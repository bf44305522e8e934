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

The task finder (`engine.extract.tasks`) reads each instruction's timing words here; the
date that each phrase family stands for is worked out in `engine.extract.deadline_dates`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from engine.domain.calendar import WorkingCalendar
from engine.domain.model import Recurrence
from engine.domain.vntext import fold
from engine.extract.deadline_dates import (
    _MON,
    _NUM,
    _YEAR,
    Handler,
    _day_of_period,
    _dmy,
    _duration,
    _early_month,
    _early_quarter,
    _mdy_en,
    _mid_year,
    _month,
    _months_of_year,
    _quarter,
    _tet,
    _this_month,
    _this_quarter,
    _week,
    _year_end,
)


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


# -- the phrase families, in order of precedence -------------------------------------

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
    # periods dondoc has no recurrence for (weekly, half-yearly): a standing duty
    r"|hang\s+tuan|moi\s+tuan|dinh\s+ky\s+(?:6|sau)\s+thang(?:\s+mot\s+lan)?|(?:6|sau)\s+thang\s+mot\s+lan"
    r"|weekly|every\s+week|each\s+week|every\s+six\s+months|half-yearly|semi-annually"
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
