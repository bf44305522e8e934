"""One text of a task for every front end (CLI, Prefect artifacts, the report, mail,
web): where it stands and its deadline, in Vietnamese (first) or English; and the one
sentence that says what a sweep or a delivery did.

The functions take plain values — the domain's `Standing`, dates, a recurrence rule,
counts of working days — so that each front end, whatever it read them from, says the
same thing the same way: "quá hạn 13 ngày làm việc", "15/01/2026 (gia hạn từ
15/12/2025)", "Thường xuyên".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from engine.domain.categories import Standing
from engine.domain.model import Clear
from engine.i18n import KIND_LABEL, RECURRENCE, category_label, long_date, pick, short_date

if TYPE_CHECKING:
    from engine.services.delivery import DeliveryReport
    from engine.services.sweep import SweepReport

#: what a table cell says when there is nothing to say
NOTHING = "—"

#: what has been done about an overdue task at each escalation level, as the mail lists it
ESCALATION_STEPS = (
    ("Đôn đốc thủ trưởng đơn vị", "Urged with the unit head"),
    ("Báo cáo vượt cấp", "Reported to the parent unit"),
    ("Chuyển lãnh đạo xem xét", "Referred to leadership"),
)

PHRASES = {
    "overdue": ("quá hạn {days}", "{days} overdue"),
    "left": ("còn {days}", "{days} left"),
    "due_today": ("đến hạn hôm nay", "due today"),
    "due_soon": ("sắp đến hạn", "due soon"),
    "extended": ("gia hạn từ {old}", "extended from {old}"),
    "every": ("định kỳ {every}", "{every}"),
    "ongoing_duty": ("nhiệm vụ thường xuyên", "ongoing duty"),
    "sweep_off": (
        "{when}: ngoài giờ làm việc hoặc ngày nghỉ — không gửi gì.",
        "{when}: outside office hours or a day off — nothing planned.",
    ),
    "sweep": (
        "{when}: kiểm tra {tasks} nhiệm vụ; {mails} thư vào hàng đợi; {escalations} lần báo"
        " cáo vượt cấp; {instances} kỳ mới của nhiệm vụ định kỳ.",
        "{when}: checked {tasks} tasks; {mails} mails queued; {escalations} escalations;"
        " {instances} new recurring instances.",
    ),
    "dry_run": ("Bản thử: ", "Dry run: "),
    "delivery_off": (
        "Ngoài giờ làm việc: {waiting} thư chờ đến giờ làm việc.",
        "Outside office hours: {waiting} mails wait for office hours.",
    ),
    "delivery": (
        "Đã gửi {sent} thư; {retried} thư sẽ gửi lại sau; {failed} thư không gửi được.",
        "Sent {sent}; {retried} will be retried; {failed} failed.",
    ),
    "delivery_taken_over": (
        "Đã gửi tiếp {taken} thư của một lần gửi trước bị gián đoạn.",
        "Took over {taken} mails of an earlier delivery that was cut off.",
    ),
    "delivery_lost": (
        "Dừng gửi: đã hết thời hạn giữ {lost} thư chưa gửi; các thư này sẽ được gửi ở lần sau.",
        "Stopped: the hold on {lost} unsent mails ran out; they are sent by the next run.",
    ),
    "delivery_failed": (
        "Có {failed} thư không gửi được tới ít nhất một người nhận;"
        " xem: dondoc outbox list --status failed",
        "{failed} mails could not be delivered to at least one recipient;"
        " see: dondoc outbox list --status failed",
    ),
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


def missing_text(missing: Iterable[Clear], lang: str) -> str:
    """Which of the six clears a draft task lacks, as a table writes it: 'thời hạn hoặc
    định kỳ; sản phẩm'."""
    return "; ".join(m.label_en if lang == "en" else m.label_vi for m in missing)


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


def mail_kind(kind: str, lang: str) -> str:
    """What a mail is for: 'Nhắc việc' / 'Reminder' (its kind itself when unknown)."""
    return pick(KIND_LABEL.get(kind, (kind, kind)), lang)


# -- what a run did ----------------------------------------------------------------------


def sweep_summary(report: SweepReport, when: str, lang: str) -> str:
    """What one sweep planned, in a sentence, `when` being its instant as the reader's
    zone writes it: '21/01/2026 09:00: kiểm tra 12 nhiệm vụ; 3 thư vào hàng đợi; …'."""
    if not report.in_office_hours:
        return _phrase("sweep_off", lang, when=when)
    prefix = _phrase("dry_run", lang) if report.dry_run else ""
    return prefix + _phrase(
        "sweep",
        lang,
        when=when,
        tasks=report.tasks_checked,
        mails=len(report.mails),
        escalations=len(report.escalations),
        instances=len(report.instances),
    )


def delivery_summary(report: DeliveryReport, lang: str) -> str:
    """What one delivery did, in a sentence: 'Đã gửi 3 thư; 1 thư sẽ gửi lại sau; …'."""
    if report.outside_hours:
        return _phrase("delivery_off", lang, waiting=report.skipped_outside_hours)
    said = [
        _phrase("delivery", lang, sent=report.sent, retried=report.retried, failed=report.failed)
    ]
    if report.taken_over:
        said.append(_phrase("delivery_taken_over", lang, taken=report.taken_over))
    if report.lost:
        said.append(_phrase("delivery_lost", lang, lost=report.lost))
    return " ".join(said)


def delivery_failures(report: DeliveryReport, lang: str) -> str:
    """Why `dondoc deliver` ends with an error: mail that failed for good ('' if none)."""
    return _phrase("delivery_failed", lang, failed=report.failed) if report.failed else ""


def due_text(kind: str, days_left: int, days_overdue: int, lang: str) -> str:
    """Where a due item of a reminder or overdue mail stands: 'còn 3 ngày làm việc'
    (`kind` 'before'), 'đến hạn hôm nay' ('due'), else 'quá hạn 5 ngày làm việc'."""
    if kind == "before":
        return _phrase("left", lang, days=working_days(days_left, lang))
    if kind == "due":
        return _phrase("due_today", lang)
    return overdue_text(days_overdue, lang)


def deadline_prose(deadline: date | None, recurrence: str | None, lang: str) -> str:
    """The deadline as a letter writes it: 'ngày 15 tháng 12 năm 2025 (định kỳ hằng
    tháng)', 'định kỳ hằng quý' without a date, 'nhiệm vụ thường xuyên' for an ongoing
    duty; '15 December 2025 (monthly)', 'quarterly', 'ongoing duty'."""
    every = ""
    if recurrence is not None and recurrence in RECURRENCE and recurrence != "ongoing":
        every = _phrase("every", lang, every=pick(RECURRENCE[recurrence], lang).lower())
    if deadline is None:
        return every or _phrase("ongoing_duty", lang)
    day = long_date(deadline, lang)
    return f"{day} ({every})" if every else day


def escalation_text(level: int, lang: str) -> str:
    """What has been done at escalation `level`: 'Đôn đốc thủ trưởng đơn vị' (up to 1),
    'Báo cáo vượt cấp' (2), 'Chuyển lãnh đạo xem xét' (3 and above)."""
    return pick(ESCALATION_STEPS[min(max(level, 1), len(ESCALATION_STEPS)) - 1], lang)
