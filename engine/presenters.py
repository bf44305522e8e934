"""One text of a task for every front end (CLI, Prefect artifacts, the report, mail,
web): where it stands and its deadline, in Vietnamese (first) or English.

The functions take plain values — the domain's `Standing`, dates, a recurrence rule,
counts of working days — so that each front end, whatever it read them from, says the
same thing the same way: "quá hạn 13 ngày làm việc", "15/01/2026 (gia hạn từ
15/12/2025)", "Thường xuyên".
"""

from __future__ import annotations

from datetime import date

from engine.domain.categories import Standing
from engine.i18n import RECURRENCE, category_label, pick, short_date

#: what a table cell says when there is nothing to say
NOTHING = "—"

PHRASES = {
    "overdue": ("quá hạn {days}", "{days} overdue"),
    "left": ("còn {days}", "{days} left"),
    "due_today": ("đến hạn hôm nay", "due today"),
    "due_soon": ("sắp đến hạn", "due soon"),
    "extended": ("gia hạn từ {old}", "extended from {old}"),
}


def _phrase(key: str, lang: str, **kwargs: object) -> str:
    return pick(PHRASES[key], lang).format(**kwargs)


def working_days(n: int, lang: str) -> str:
    """'3 ngày làm việc' / '3 working days' ('1 working day')."""
    if lang == "en":
        return f"{n} working day" + ("" if n == 1 else "s")
    return f"{n} ngày làm việc"


def overdue_text(days: int, lang: str) -> str:
    """'quá hạn 5 ngày làm việc' / '5 working days overdue'."""
    return _phrase("overdue", lang, days=working_days(days, lang))


def days_left_text(days: int, lang: str) -> str:
    """'còn 3 ngày làm việc' / '3 working days left'; on the day itself (0),
    'đến hạn hôm nay' / 'due today'."""
    if days == 0:
        return _phrase("due_today", lang)
    return _phrase("left", lang, days=working_days(days, lang))


def standing_text(standing: Standing, lang: str) -> str:
    """The reporting category, and how late or how close: 'Chưa hoàn thành, quá hạn,
    quá hạn 13 ngày làm việc'; 'Đang thực hiện trong hạn, sắp đến hạn'."""
    parts = [category_label(standing.category, lang)]
    if standing.overdue:
        parts.append(overdue_text(standing.working_days_overdue, lang))
    if standing.due_soon:
        parts.append(_phrase("due_soon", lang))
    return ", ".join(parts)


def extended_from(deadline: date | None, original: date | None) -> date | None:
    """The original deadline when an extension has moved it, else None."""
    return original if original is not None and original != deadline else None


def deadline_text(
    deadline: date | None,
    lang: str,
    *,
    recurrence: str | None = None,
    original: date | None = None,
) -> str:
    """The deadline in force as a table writes it, with what qualifies it.

    '15/12/2025'; '31/12/2025 (hằng tháng)' for a recurring task; '15/01/2026 (gia hạn
    từ 15/12/2025)' when `original` differs from it; 'Thường xuyên' for an ongoing duty
    without a date; '—' with neither a date nor a recurrence.
    """
    every = pick(RECURRENCE[recurrence], lang) if recurrence in RECURRENCE else ""
    if deadline is None:
        return every or NOTHING
    notes = [every.lower()] if every else []
    old = extended_from(deadline, original)
    if old is not None:
        notes.append(_phrase("extended", lang, old=short_date(old)))
    day = short_date(deadline)
    return f"{day} ({', '.join(notes)})" if notes else day
