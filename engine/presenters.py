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

from engine.domain.categories import Category, Standing
from engine.domain.errors import IllegalTransition
from engine.domain.lifecycle import Status
from engine.domain.model import Clear
from engine.i18n import (
    GLOSSARY,
    KIND_LABEL,
    RECURRENCE,
    capital,
    category_label,
    long_date,
    pick,
    short_date,
    status_label,
)

if TYPE_CHECKING:
    from engine.services.delivery import DeliveryReport
    from engine.services.sweep import SweepReport

#: what a table cell says when there is nothing to say
NOTHING = "—"

#: what has been done about an overdue task at each escalation level, as the mail lists it
ESCALATION_STEPS = tuple(
    (capital(vi), capital(en))
    for vi, en in (GLOSSARY["level_1"], GLOSSARY["level_2"], GLOSSARY["level_3"])
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
    "sweep": ("{when}: {parts}.", "{when}: {parts}."),
    "dry_run": ("Bản thử: ", "Dry run: "),
    "delivery_off": (
        "Ngoài giờ làm việc: {waiting} chờ đến giờ làm việc.",
        "Outside office hours: {waiting} for office hours.",
    ),
    "delivery_taken_over": (
        "Đã gửi tiếp {taken} của một lần gửi trước bị gián đoạn.",
        "Took over {taken} of an earlier delivery that was cut off.",
    ),
    "delivery_lost": (
        "Dừng gửi: đã hết thời hạn giữ {lost} chưa gửi; các thư này sẽ được gửi ở lần sau.",
        "Stopped: the hold ran out with {lost} still unsent; the next run sends them.",
    ),
    "delivery_failed": (
        "Có {failed} không gửi được tới ít nhất một người nhận;"
        " xem: dondoc outbox list --status failed",
        "{failed} could not be delivered to at least one recipient;"
        " see: dondoc outbox list --status failed",
    ),
}


#: how a run's sentence counts: (vi, en singular, en plural, none in vi, none in en);
#: "{n}" is the number. Vietnamese says "không có … nào", never "0 …".
COUNTS = {
    "tasks_checked": (
        "kiểm tra {n} nhiệm vụ",
        "checked {n} task",
        "checked {n} tasks",
        "không có nhiệm vụ nào cần kiểm tra",
        "no tasks to check",
    ),
    "mails_queued": (
        "{n} thư vào hàng đợi",
        "{n} mail queued",
        "{n} mails queued",
        "không có thư nào vào hàng đợi",
        "no mail queued",
    ),
    "escalations": (
        "{n} lần nâng mức đôn đốc",
        "{n} escalation",
        "{n} escalations",
        "không có nhiệm vụ nào phải nâng mức đôn đốc",
        "no escalations",
    ),
    "instances": (
        "{n} kỳ mới của nhiệm vụ định kỳ",
        "{n} new recurring instance",
        "{n} new recurring instances",
        "không có kỳ mới nào của nhiệm vụ định kỳ",
        "no new recurring instances",
    ),
    "sent": (
        "đã gửi {n} thư",
        "sent {n} mail",
        "sent {n} mails",
        "không có thư nào cần gửi",
        "no mail to send",
    ),
    "retried": (
        "{n} thư sẽ gửi lại sau",
        "{n} will be retried",
        "{n} will be retried",
        "",
        "",
    ),
    "failed": (
        "{n} thư không gửi được",
        "{n} failed",
        "{n} failed",
        "",
        "",
    ),
    "waiting": ("{n} thư", "{n} mail waits", "{n} mails wait", "không có thư nào", "no mail waits"),
    "mails": ("{n} thư", "{n} mail", "{n} mails", "không có thư nào", "no mail"),
    "pending": (
        "{n} thư chờ gửi",
        "{n} pending",
        "{n} pending",
        "không có thư nào chờ gửi",
        "nothing pending",
    ),
}


def _phrase(key: str, lang: str, **kwargs: object) -> str:
    return pick(PHRASES[key], lang).format(**kwargs)


def count_text(key: str, n: int, lang: str) -> str:
    """A count as a run's sentence writes it: '3 thư vào hàng đợi' / '1 mail queued';
    none: 'không có thư nào vào hàng đợi' / 'no mail queued' ('' where a sentence leaves
    a nil count out)."""
    vi, one, many, none_vi, none_en = COUNTS[key]
    if n == 0:
        return none_en if lang == "en" else none_vi
    if lang == "en":
        return (one if n == 1 else many).format(n=n)
    return vi.format(n=n)


def _counts(lang: str, **counts: int) -> str:
    return "; ".join(t for key, n in counts.items() if (t := count_text(key, n, lang)))


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


#: the overdue category's label without its "quá hạn", which the days then say
NOT_COMPLETED = ("Chưa hoàn thành", "In progress")


def standing_text(standing: Standing, lang: str) -> str:
    """The reporting category, and how late or how close: 'Chưa hoàn thành, quá hạn 13
    ngày làm việc' (not '…, quá hạn, quá hạn 13 …'); 'Đang thực hiện trong hạn, sắp đến
    hạn'."""
    late = standing.overdue and standing.category is Category.IN_PROGRESS_OVERDUE
    parts = [pick(NOT_COMPLETED, lang) if late else category_label(standing.category, lang)]
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
    parts = _counts(
        lang,
        tasks_checked=report.tasks_checked,
        mails_queued=len(report.mails),
        escalations=len(report.escalations),
        instances=len(report.instances),
    )
    return prefix + _phrase("sweep", lang, when=when, parts=parts)


def delivery_counts(sent: int, retried: int, failed: int, lang: str) -> str:
    """What a delivery did, without the full stop: 'đã gửi 3 thư; 1 thư sẽ gửi lại sau';
    nothing sent yet something failed: 'chưa gửi được thư nào; 1 thư không gửi được';
    nothing at all: 'không có thư nào cần gửi'."""
    if sent == 0 and (retried or failed):
        nothing = "nothing sent" if lang == "en" else "chưa gửi được thư nào"
        return f"{nothing}; {_counts(lang, retried=retried, failed=failed)}"
    return _counts(lang, sent=sent, retried=retried, failed=failed)


def delivery_summary(report: DeliveryReport, lang: str) -> str:
    """What one delivery did, in a sentence: 'Đã gửi 3 thư; 1 thư sẽ gửi lại sau; …'; a
    delivery that had nothing to send says so: 'Không có thư nào cần gửi.'"""
    if report.outside_hours:
        waiting = count_text("waiting", report.skipped_outside_hours, lang)
        return _phrase("delivery_off", lang, waiting=waiting)
    counts = delivery_counts(report.sent, report.retried, report.failed, lang)
    said = [capital(counts) + "."]
    if report.taken_over:
        taken = count_text("mails", report.taken_over, lang)
        said.append(_phrase("delivery_taken_over", lang, taken=taken))
    if report.lost:
        said.append(_phrase("delivery_lost", lang, lost=count_text("mails", report.lost, lang)))
    return " ".join(said)


def delivery_failures(report: DeliveryReport, lang: str) -> str:
    """Why `dondoc deliver` ends with an error: mail that failed for good ('' if none)."""
    if not report.failed:
        return ""
    return capital(
        _phrase("delivery_failed", lang, failed=count_text("mails", report.failed, lang))
    )


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
    'Báo cáo lãnh đạo cấp trên' (2), 'Báo cáo Lãnh đạo Văn phòng xem xét, chỉ đạo' (3 and
    above)."""
    return pick(ESCALATION_STEPS[min(max(level, 1), len(ESCALATION_STEPS)) - 1], lang)


def illegal_move_text(exc: IllegalTransition, lang: str) -> str:
    """'Không thể chuyển nhiệm vụ từ "Đang thực hiện" sang "Hoàn thành"', with the states
    as a person reads them, not their codes."""
    states = []
    for value in (exc.from_status, exc.to_status):
        known = value in Status._value2member_map_
        states.append(status_label(Status(value), lang) if known else value)
    if lang == "en":
        return f'A task cannot move from "{states[0]}" to "{states[1]}"'
    return f'Không thể chuyển nhiệm vụ từ "{states[0]}" sang "{states[1]}"'


def in_language(message: str, lang: str) -> str:
    """The part of an engine message written "tiếng Việt / English" in `lang` (a message
    written once is given whole)."""
    vi, sep, en = message.partition(" / ")
    if not sep:
        return message
    return en.strip() if lang == "en" else vi.strip()
