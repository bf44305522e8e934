"""Every mail kind renders in Vietnamese and English, reads as official mail, and survives
the trip through an RFC 5322 message with its .ics attachment."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import jinja2
import pytest
from icalendar import Calendar

from engine.domain.policy import Audience, NoticeKind
from engine.domain.routing import OfficeAddresses, route
from engine.mail.context import (
    KINDS,
    DueItem,
    FailedMail,
    MonthlyReportView,
    Office,
    Recipient,
    ReportTask,
    TaskView,
    Upload,
)
from engine.mail.ics import deadline_ics
from engine.mail.message import message_from_outbox
from engine.mail.render import Rendered, render
from engine.notify import Notifier
from engine.services.delivery import COORDINATOR_TITLE
from engine.services.review import leaders
from engine.settings import Settings
from engine.store.tables import OutboxRow
from tests.builders import pending_mail

LANGS = ("vi", "en")
DEADLINE = date(2025, 12, 15)
STAMP = datetime(2025, 11, 26, 2, 0, tzinfo=UTC)  # 09:00 in Ha Noi, the day of issue
TITLE = "Xây dựng Chương trình công tác năm 2026"
OFFICE = "Văn phòng Chủ tịch nước"
SIGNER = "Vụ Tổng hợp — bộ phận theo dõi, đôn đốc"  # the setting mail_signer
LONG = {"vi": "ngày 15 tháng 12 năm 2025", "en": "15 December 2025"}
SHORT = "15/12/2025"
#: how each kind writes the deadline: in prose (long) or in a table / list (short)
DEADLINE_FORM = {
    "assignment": "long",
    "reminder_digest": "short",
    "overdue": "short",
    "escalation": "short",
    "leader_digest": "short",
    "extension_decision": "long",
    "completion_accepted": "long",
    "completion_returned": "long",
    "delivery_failed": "short",  # the failed mail's subject, "… — thời hạn 15/12/2025"
    "monthly_report": "short",  # the longest overdue, in a list
    "result_submitted": "long",
    "extension_requested": "long",
    "fresh_link": "long",
    "task_paused": "long",
    "task_resumed": "long",
    "task_declined": "long",
    "task_reassigned": "long",
    "decline_answered": "long",
}
SALUTATION = {"vi": "Kính gửi: Đồng chí Vụ trưởng Vụ Pháp luật", "en": "Dear Nguyễn Đức Long,"}
SIGN_OFF = {"vi": "Trân trọng.", "en": "Yours sincerely,"}
#: who signs: the setting, except the system's own notice to the follow-up unit
SYSTEM = {"vi": "Hệ thống dondoc", "en": "The dondoc system"}


def signer_of(kind: str, lang: str) -> str:
    return SYSTEM[lang] if kind == "delivery_failed" else SIGNER


FOOTER = {
    "vi": f"Thư này do hệ thống dondoc của {OFFICE} gửi tự động",
    "en": f"This message was sent automatically by the dondoc system of {OFFICE}",
}


# --- builders -----------------------------------------------------------------------------


def office() -> Office:
    return Office(name=OFFICE, email="theodoi@vpctn.gov.vn", signer=SIGNER)


def recipient(**extra: Any) -> Recipient:
    fields: dict[str, Any] = {
        "name": "Nguyễn Đức Long",
        "title": "Vụ trưởng",
        "email": "long@vpctn.gov.vn",
        "unit_name": "Vụ Pháp luật",
    }
    return Recipient(**(fields | extra))


def task(title: str = TITLE, id: int = 1, **extra: Any) -> TaskView:
    fields: dict[str, Any] = {
        "id": id,
        "number": str(id),
        "title": title,
        "description": "Tổng hợp đề xuất của các đơn vị, trình Chủ tịch nước.",
        "reference": "45/TB-VPCTN",
        "directive_title": "Thông báo kết luận của Chủ tịch nước",
        "issued_on": date(2025, 11, 26),
        "issuer": "Chủ tịch nước",
        "lead_unit_name": "Vụ Pháp luật",
        "accountable": "Vụ trưởng Nguyễn Đức Long",
        "owner": "Trần Thị Hoa",
        "coordinating_units": ("Vụ Tổng hợp", "Vụ Hành chính"),
        "deadline": DEADLINE,
        "recurrence": None,
        "deliverable": "Dự thảo Chương trình công tác năm 2026",
        "authority": "Chủ nhiệm Văn phòng",
    }
    return TaskView(**(fields | extra))


def before(t: TaskView, days: int = 3) -> DueItem:
    return DueItem(kind="before", level=days, task=t, working_days_left=days)


def due(t: TaskView) -> DueItem:
    return DueItem(kind="due", level=0, task=t)


def overdue(t: TaskView, days: int = 5) -> DueItem:
    return DueItem(kind="overdue", level=0, task=t, working_days_overdue=days)


def escalated(t: TaskView, level: int = 2, days: int = 12) -> DueItem:
    return DueItem(kind="escalation", level=level, task=t, working_days_overdue=days)


def fields_for(kind: str, title: str = TITLE) -> dict[str, Any]:
    """The kind's own context fields, with `title` as the (first) task's title."""
    t = task(title)
    other = task("Rà soát quy chế làm việc", id=2, lead_unit_name="Vụ Tổng hợp")
    return {
        "assignment": {"task": t},
        "reminder_digest": {"items": [before(t), due(other)]},
        "overdue": {"items": [overdue(t), before(other)]},
        "escalation": {
            "items": [escalated(t), escalated(other, days=11)],
            "level": 2,
            "undelivered": [],
        },
        "leader_digest": {
            "items": [escalated(t, 3, 25), escalated(other, 3, 21)],
            "as_of": date(2026, 1, 19),
        },
        "extension_decision": {
            "task": t,
            "approved": True,
            "old_deadline": DEADLINE,
            "new_deadline": date(2025, 12, 31),
            "reason": "Chờ ý kiến thẩm định của Bộ Tư pháp",
        },
        "completion_accepted": {"task": t, "note": "Sản phẩm đạt yêu cầu."},
        "completion_returned": {"task": t, "note": "Bổ sung số liệu năm 2025."},
        "delivery_failed": {
            "failed": FailedMail(
                to_email="long@vpctn.gov.vn",
                subject=f"[Giao nhiệm vụ] {title} — thời hạn {SHORT}",
                error="550 5.1.1 <long@vpctn.gov.vn>: Recipient address rejected",
                attempts=5,
            )
        },
        "result_submitted": {
            "task": t,
            "note": "Đã hoàn thành dự thảo.",
            "files": [Upload("du-thao.pdf", "1,2 MB")],
            "actor": "long@vpctn.gov.vn",
        },
        "extension_requested": {
            "task": t,
            "requested_until": date(2025, 12, 31),
            "reason": "Chờ ý kiến thẩm định của Bộ Tư pháp",
            "actor": "long@vpctn.gov.vn",
        },
        "fresh_link": {"task": t, "url": "https://dondoc.example.vn/task/1/abc"},
        "task_paused": {"task": t, "reason": "Chờ ý kiến của Bộ Tư pháp"},
        "task_resumed": {
            "task": t,
            "reason": "Đã có ý kiến của Bộ Tư pháp",
            "old_deadline": date(2025, 12, 1),
            "new_deadline": DEADLINE,
            "days": 10,
        },
        "task_declined": {"task": t, "reason": "Không thuộc chức năng", "actor": "long@vpctn"},
        "task_reassigned": {"task": t, "reason": "Giao Vụ Tổng hợp", "new_unit_name": "Vụ TH"},
        "decline_answered": {"task": t, "reason": "Thuộc chức năng của Vụ"},
        "monthly_report": {
            "report": MonthlyReportView(
                month="12/2025",
                first_day=date(2025, 12, 1),
                last_day=date(2025, 12, 31),
                summary="Trong tháng 12/2025, 2 nhiệm vụ hoàn thành đúng hạn, đạt 33,3% …",
                total=8,
                completed_on_time=2,
                completed_late=1,
                in_progress_within_deadline=1,
                in_progress_overdue=3,
                ongoing=1,
                on_time_rate="33,3%",
                most_overdue=(ReportTask(title, "45/TB-VPCTN", "Vụ Pháp luật", DEADLINE, 17),),
                files=("bao-cao-thang-2025-12.pdf", "bao-cao-thang-2025-12.xlsx"),
            )
        },
    }[kind]


def mail(kind: str, lang: str = "vi", **fields: Any) -> Rendered:
    if kind == "escalation" and fields:
        fields.setdefault("undelivered", [])  # the leader's list of failed mail: none
    return render(
        kind, lang, office=office(), recipient=recipient(), **(fields or fields_for(kind))
    )


def test_every_kind_has_a_context_builder() -> None:
    assert set(DEADLINE_FORM) == set(KINDS)
    for kind in KINDS:
        assert set(fields_for(kind)) == set(KINDS[kind])


# --- every kind, both languages -------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_mail_names_the_task_and_its_deadline_and_reads_as_official_mail(
    kind: str, lang: str
) -> None:
    rendered = mail(kind, lang)

    assert rendered.subject
    assert "\n" not in rendered.subject
    assert "\r" not in rendered.subject
    assert rendered.subject == rendered.subject.strip()
    deadline = LONG[lang] if DEADLINE_FORM[kind] == "long" else SHORT
    for body in (rendered.text, rendered.html):
        assert TITLE in body
        assert deadline in body
        assert SALUTATION[lang] in body
        assert FOOTER[lang] in body
    assert rendered.text.startswith(SALUTATION[lang] + "\n\n")
    signer = signer_of(kind, lang)
    assert f"{SIGN_OFF[lang]}\n{signer}\n" in rendered.text
    assert f'{SIGN_OFF[lang]}</p>\n<p style="margin:4px 0 0 0;"><strong>{signer}</strong>' in (
        rendered.html
    )
    assert rendered.html.lstrip().startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in rendered.html


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_title_with_markup_is_escaped_in_html_and_left_alone_in_text(
    kind: str, lang: str
) -> None:
    title = "<script>alert(1)</script> & báo cáo"
    rendered = render(kind, lang, office=office(), recipient=recipient(), **fields_for(kind, title))

    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; báo cáo" in rendered.html
    assert "<script" not in rendered.html
    assert title in rendered.text  # plain text is not HTML: nothing to escape


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_title_with_a_line_break_cannot_add_a_header_through_the_subject(kind: str) -> None:
    title = "Báo cáo\r\nBcc: ai-do@example.com"
    rendered = render(kind, "vi", office=office(), recipient=recipient(), **fields_for(kind, title))

    assert "\r" not in rendered.subject
    assert "\n" not in rendered.subject


# --- the context contract -----------------------------------------------------------------


def test_a_missing_context_field_is_named() -> None:
    with pytest.raises(ValueError, match="missing old_deadline, reason"):
        render(
            "extension_decision",
            "vi",
            office=office(),
            recipient=recipient(),
            task=task(),
            approved=True,
            new_deadline=DEADLINE,
        )


def test_a_missing_office_or_recipient_is_named() -> None:
    with pytest.raises(ValueError, match="missing office, recipient"):
        render("assignment", "vi", task=task())


def test_an_unexpected_context_field_is_named() -> None:
    with pytest.raises(ValueError, match="unexpected items"):
        mail("assignment", task=task(), items=[])


def test_an_unknown_kind_or_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown mail kind 'reminder'"):
        render("reminder", "vi", office=office(), recipient=recipient(), items=[])
    with pytest.raises(ValueError, match="unknown mail language 'fr'"):
        render("assignment", "fr", office=office(), recipient=recipient(), task=task())


def test_a_context_object_without_a_field_the_template_uses_fails_loudly() -> None:
    with pytest.raises(jinja2.UndefinedError):
        mail("assignment", task=office())


# --- assignment ---------------------------------------------------------------------------


def test_the_assignment_states_the_directive_and_the_six_clears() -> None:
    rendered = mail("assignment")

    assert rendered.subject == f"[Giao nhiệm vụ] {TITLE} — thời hạn 15/12/2025"
    text = rendered.text
    assert "văn bản số 45/TB-VPCTN ngày 26/11/2025" in text
    assert "ý kiến chỉ đạo của Chủ tịch nước" in text
    assert f"1. Nhiệm vụ: {TITLE}" in text
    assert (
        "2. Đơn vị chủ trì: Vụ Pháp luật; thủ trưởng chịu trách nhiệm: Đồng chí Vụ trưởng Nguyễn Đức Long;"
        " người phụ trách: Trần Thị Hoa." in text
    )
    assert "3. Đơn vị phối hợp: Vụ Tổng hợp, Vụ Hành chính." in text
    assert "4. Thời hạn hoàn thành: ngày 15 tháng 12 năm 2025." in text
    assert "5. Sản phẩm: Dự thảo Chương trình công tác năm 2026." in text
    assert "6. Cấp có thẩm quyền xác nhận kết quả, xem xét gia hạn: Chủ nhiệm Văn phòng." in text
    assert "tệp lịch (.ics)" in text
    assert "tệp lịch (.ics)" in rendered.html


def test_an_english_assignment_is_the_plain_equivalent() -> None:
    rendered = mail("assignment", "en")

    assert rendered.subject == f"[Assignment] {TITLE} — deadline 15/12/2025"
    assert "4. Deadline: 15 December 2025." in rendered.text
    assert "calendar file (.ics)" in rendered.text


def test_a_recurring_task_is_assigned_with_its_rhythm_and_no_calendar_file() -> None:
    rendered = mail("assignment", task=task(deadline=None, recurrence="monthly"))

    assert rendered.subject == f"[Giao nhiệm vụ] {TITLE} — định kỳ hằng tháng"
    assert "4. Thời hạn hoàn thành: định kỳ hằng tháng." in rendered.text
    assert ".ics" not in rendered.text
    assert ".ics" not in rendered.html


def test_an_ongoing_duty_is_called_so() -> None:
    rendered = mail("assignment", "vi", task=task(deadline=None, recurrence="ongoing"))
    english = mail("assignment", "en", task=task(deadline=None, recurrence=None))

    assert rendered.subject.endswith("— nhiệm vụ thường xuyên")
    assert "Thời hạn hoàn thành: nhiệm vụ thường xuyên." in rendered.text
    assert english.subject.endswith("— ongoing duty")


def test_a_leader_without_a_unit_is_addressed_by_title_alone() -> None:
    leader = recipient(title="Chủ nhiệm Văn phòng", unit_name="")
    rendered = render("assignment", "vi", office=office(), recipient=leader, task=task())

    assert rendered.text.startswith("Kính gửi: Đồng chí Chủ nhiệm Văn phòng\n")


# --- digests ------------------------------------------------------------------------------


def three_tasks() -> list[TaskView]:
    return [
        task(TITLE, id=1),
        task("Rà soát quy chế làm việc", id=2, reference="46/TB-VPCTN"),
        task("Báo cáo tổng kết công tác năm 2025", id=3, deadline=date(2025, 12, 19)),
    ]


def test_the_digest_lists_every_due_item_with_what_is_left() -> None:
    one, two, three = three_tasks()
    rendered = mail("reminder_digest", items=[before(one, 3), due(two), before(three, 7)])

    assert rendered.subject == "[Nhắc việc] 3 nhiệm vụ sắp đến hạn"
    for t in (one, two, three):
        assert t.title in rendered.text
        assert (
            f'<td style="border:1px solid #d1d5db;padding:6px 8px;vertical-align:top;font-size:13px;">{t.title}</td>'
            in rendered.html
        )
    assert rendered.text.count("\n   Số hiệu: ") == 3
    assert rendered.html.count("ngày làm việc</td>") + rendered.html.count("hôm nay</td>") == 3
    assert "1. Xây dựng Chương trình công tác năm 2026" in rendered.text
    assert "3. Báo cáo tổng kết công tác năm 2025" in rendered.text
    assert "thời hạn: 15/12/2025 (còn 3 ngày làm việc)" in rendered.text
    assert "(đến hạn hôm nay)" in rendered.text
    assert "thời hạn: 19/12/2025 (còn 7 ngày làm việc)" in rendered.text
    for state in ("còn 3 ngày làm việc", "đến hạn hôm nay", "19/12/2025", "46/TB-VPCTN"):
        assert state in rendered.html


def test_a_digest_of_tasks_all_due_today_says_so() -> None:
    rendered = mail("reminder_digest", items=[due(task())])

    assert rendered.subject == "[Nhắc việc] 1 nhiệm vụ đến hạn hôm nay"


@pytest.mark.parametrize(
    ("count", "subject"),
    [(1, "[Reminder] 1 task due soon"), (2, "[Reminder] 2 tasks due soon")],
)
def test_the_english_digest_subject_agrees_in_number(count: int, subject: str) -> None:
    items = [before(t) for t in three_tasks()[:count]]
    rendered = mail("reminder_digest", "en", items=items)

    assert rendered.subject == subject
    assert ("1 assigned task is falling due" if count == 1 else "2 assigned tasks are") in (
        rendered.text
    )


def test_a_single_working_day_is_singular_in_english() -> None:
    rendered = mail("reminder_digest", "en", items=[before(task(), 1)])

    assert "(1 working day left)" in rendered.text


def test_the_overdue_mail_is_firmer_and_counts_the_late_tasks() -> None:
    one, two, three = three_tasks()
    rendered = mail("overdue", items=[overdue(one, 5), overdue(two, 1), before(three, 3)])

    assert (
        rendered.subject == "[Đôn đốc] 2 nhiệm vụ quá hạn chưa hoàn thành, 1 nhiệm vụ sắp đến hạn"
    )
    assert "thời hạn: 15/12/2025 (quá hạn 5 ngày làm việc)" in rendered.text
    assert "quá hạn 1 ngày làm việc" in rendered.html
    assert "khẩn trương chỉ đạo hoàn thành" in rendered.text
    assert 'color:#b91c1c;font-weight:bold;">quá hạn 5 ngày làm việc</td>' in rendered.html


@pytest.mark.parametrize(
    ("items", "subject"),
    [
        ([overdue(task())], "[Follow-up] 1 overdue task"),
        ([overdue(task()), overdue(task(id=2))], "[Follow-up] 2 overdue tasks"),
        ([overdue(task()), before(task(id=2))], "[Follow-up] 1 overdue task, 1 task due soon"),
    ],
)
def test_the_english_overdue_subject_agrees_in_number(items: list[DueItem], subject: str) -> None:
    assert mail("overdue", "en", items=items).subject == subject


# --- escalation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "subject", "asks_or_reports", "what_happens"),
    [
        (
            1,
            "[Đôn đốc khẩn] 1 nhiệm vụ quá hạn cần Đồng chí trực tiếp chỉ đạo",
            "Đề nghị Đồng chí trực tiếp chỉ đạo hoàn thành",
            "sẽ báo cáo lãnh đạo cấp trên.",
        ),
        (
            2,
            "[Báo cáo nhiệm vụ quá hạn] 1 nhiệm vụ của Vụ Pháp luật chưa hoàn thành",
            "Kính báo cáo Đồng chí các nhiệm vụ dưới đây",
            "Kính trình Đồng chí xem xét, chỉ đạo đơn vị chủ trì khẩn trương hoàn thành.",
        ),
        (
            3,
            "[Báo cáo Lãnh đạo Văn phòng] 1 nhiệm vụ quá hạn của Vụ Pháp luật chưa hoàn thành",
            "Kính báo cáo Đồng chí các nhiệm vụ dưới đây",
            "báo cáo tình hình thực hiện nhiệm vụ hằng tháng",
        ),
    ],
)
def test_escalation_says_what_happens_at_each_level(
    level: int, subject: str, asks_or_reports: str, what_happens: str
) -> None:
    rendered = mail("escalation", items=[escalated(task(), level, 12)], level=level)

    assert rendered.subject == subject
    for body in (rendered.text, rendered.html):
        assert asks_or_reports in body
        assert what_happens in body
    assert "escalat" not in (rendered.subject + rendered.text + rendered.html).lower()


def test_escalation_lists_each_lead_unit_with_days_overdue_and_level() -> None:
    items = [
        escalated(task(), 2, 12),
        escalated(task("Rà soát quy chế làm việc", id=2, lead_unit_name="Vụ Tổng hợp"), 2, 11),
    ]
    rendered = mail("escalation", items=items, level=2)

    assert rendered.subject == "[Báo cáo nhiệm vụ quá hạn] 2 nhiệm vụ của 2 đơn vị chưa hoàn thành"
    assert (
        "Số hiệu: 45/TB-VPCTN; đơn vị chủ trì: Vụ Pháp luật; thời hạn: 15/12/2025 "
        "(quá hạn 12 ngày làm việc); mức đôn đốc: báo cáo lãnh đạo cấp trên." in rendered.text
    )
    assert "đơn vị chủ trì: Vụ Tổng hợp" in rendered.text
    for cell in ("Đơn vị chủ trì</th>", "Vụ Tổng hợp</td>", "quá hạn 11 ngày làm việc</td>"):
        assert cell in rendered.html
    assert "Mức đôn đốc</th>" in rendered.html
    assert "Báo cáo lãnh đạo cấp trên</td>" in rendered.html


@pytest.mark.parametrize("lang", LANGS)
def test_a_leaders_escalation_lists_the_mail_nobody_was_told_of(lang: str) -> None:
    failed = FailedMail(
        to_email="gone@example.vn",
        subject="Giao nhiệm vụ số 2",
        error="550 5.1.1 No such user <gone@example.vn>",
        attempts=1,
    )
    rendered = mail(
        "escalation", lang, items=[escalated(task(), 3, 12)], level=3, undelivered=[failed]
    )
    line = "- gone@example.vn: Giao nhiệm vụ số 2 ({}: 550 5.1.1 No such user <gone@example.vn>)"
    attempts = {"vi": "sau 1 lần thử", "en": "after 1 attempt"}[lang]
    assert line.format(attempts) in rendered.text
    assert "<li>gone@example.vn: Giao nhiệm vụ số 2 (" in rendered.html
    assert "&lt;gone@example.vn&gt;" in rendered.html  # escaped
    heading = {
        "vi": "Các thư sau chưa gửi được tới người nhận; bộ phận theo dõi, đôn đốc sẽ liên hệ",
        "en": "The following mail could not be delivered; the monitoring and follow-up unit will",
    }[lang]
    assert heading in rendered.text
    assert heading not in mail("escalation", lang, items=[escalated(task(), 3, 12)], level=3).text


def test_english_escalation_subjects() -> None:
    one = [escalated(task(), 1)]
    two = [escalated(task(), 3), escalated(task(id=2, lead_unit_name="Vụ Tổng hợp"), 3)]

    assert (
        mail("escalation", "en", items=one, level=1).subject
        == "[Urgent follow-up] 1 overdue task needs your direction"
    )
    assert (
        mail("escalation", "en", items=two, level=2).subject
        == "[Overdue task report] 2 tasks of 2 units not yet completed"
    )
    assert (
        mail("escalation", "en", items=two, level=3).subject
        == "[Report to the Office leadership] 2 overdue tasks of 2 units not yet completed"
    )


# --- decisions ----------------------------------------------------------------------------


def test_an_approved_extension_gives_the_old_and_new_deadline_and_the_reason() -> None:
    rendered = mail("extension_decision")

    assert rendered.subject == (
        f"[Trả lời đề nghị gia hạn] {TITLE} — đồng ý gia hạn đến 31/12/2025"
    )
    assert "Đồng ý gia hạn đến ngày 31 tháng 12 năm 2025." in rendered.text
    assert "Thời hạn cũ: ngày 15 tháng 12 năm 2025" in rendered.text
    assert "Thời hạn mới: ngày 31 tháng 12 năm 2025" in rendered.text
    assert "Lý do: Chờ ý kiến thẩm định của Bộ Tư pháp" in rendered.text
    assert "Đồng ý gia hạn đến ngày 31 tháng 12 năm 2025." in rendered.html


def test_a_refused_extension_keeps_the_deadline() -> None:
    fields = fields_for("extension_decision") | {
        "approved": False,
        "new_deadline": None,
        "reason": "Nhiệm vụ cấp bách",
    }
    rendered = mail("extension_decision", **fields)
    english = mail("extension_decision", "en", **fields)

    assert rendered.subject == f"[Trả lời đề nghị gia hạn] {TITLE} — không đồng ý gia hạn"
    assert "Không đồng ý gia hạn; thời hạn vẫn là ngày 15 tháng 12 năm 2025." in rendered.text
    assert "Không đồng ý gia hạn; thời hạn vẫn là ngày 15 tháng 12 năm 2025." in rendered.html
    assert "Lý do: Nhiệm vụ cấp bách" in rendered.text
    assert "Thời hạn mới" not in rendered.text
    assert english.subject == f"[Extension decision] {TITLE} — not extended"
    assert "the deadline remains 15 December 2025" in english.text


def test_an_accepted_completion_is_confirmed_with_the_note() -> None:
    rendered = mail("completion_accepted")

    assert rendered.subject == f"[Xác nhận hoàn thành] {TITLE}"
    assert "đã xác nhận hoàn thành nhiệm vụ" in rendered.text
    assert "(văn bản số 45/TB-VPCTN ngày 26/11/2025; thời hạn: ngày 15 tháng 12 năm 2025)" in (
        rendered.text
    )
    assert "Ý kiến: Sản phẩm đạt yêu cầu." in rendered.text


def test_a_returned_completion_asks_for_it_to_be_redone_with_the_note() -> None:
    rendered = mail("completion_returned")

    assert rendered.subject == f"[Trả lại kết quả] {TITLE} — đề nghị thực hiện lại, bổ sung"
    assert "Ý kiến: Bổ sung số liệu năm 2025." in rendered.text
    assert "thực hiện lại / bổ sung" in rendered.text
    assert "Ý kiến: Bổ sung số liệu năm 2025." in rendered.html


def test_a_failed_delivery_tells_the_coordinator_what_and_why() -> None:
    rendered = mail("delivery_failed")

    assert rendered.subject == "[Lỗi gửi thư] Không gửi được thư tới long@vpctn.gov.vn"
    assert "sau 5 lần thử" in rendered.text
    assert "Người nhận: long@vpctn.gov.vn" in rendered.text
    assert f"Tiêu đề: [Giao nhiệm vụ] {TITLE} — thời hạn 15/12/2025" in rendered.text
    assert "Phản hồi của máy chủ thư: 550 5.1.1" in rendered.text
    assert "&lt;long@vpctn.gov.vn&gt;: Recipient address rejected" in rendered.html


# --- the register: who writes to whom, and how ----------------------------------------------


def leadership(lang: str) -> Recipient:
    """The office's leadership as the escalation ladder addresses it (levels 2 and 3)."""
    office = OfficeAddresses(leader="lanhdao@vpctn.gov.vn", language=lang, name=OFFICE)
    routed = route(NoticeKind.ESCALATION, Audience.LEADER, None, None, office)
    assert routed is not None
    return routed.to


def coordinator(lang: str) -> Recipient:
    """The follow-up unit as the deliverer's notice of a failed mail addresses it."""
    return Recipient("", COORDINATOR_TITLE[lang], "theodoi@vpctn.gov.vn", "", lang, person=False)


def superior(lang: str) -> Recipient:
    """The parent unit's head (escalation level 2): a person."""
    return Recipient("Trần Văn Bình", "Chánh Văn phòng", "vp@vpctn.gov.vn", "", lang)


def the_leaders(lang: str) -> list[Recipient]:
    """Those the monthly review is mailed to, as the review makes them."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        office_name=OFFICE,
        leader_email="lanhdao@vpctn.gov.vn",
        leadership_email="lanhdao.vanphong@vpctn.gov.vn",
    )
    return leaders(settings, lang)


def escalation_at(level: int) -> dict[str, Any]:
    return {"items": [escalated(task(), level, 12)], "level": level, "undelivered": []}


#: every kind, each escalation level, and the forms whose words change with the context
VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    **{kind: (kind, fields_for(kind)) for kind in KINDS if kind != "escalation"},
    **{f"escalation {level}": ("escalation", escalation_at(level)) for level in (1, 2, 3)},
    "reminder, all due today": ("reminder_digest", {"items": [due(task())]}),
    "extension refused": (
        "extension_decision",
        fields_for("extension_decision") | {"approved": False, "new_deadline": None},
    ),
    "assignment, ongoing duty": ("assignment", {"task": task(deadline=None, recurrence="ongoing")}),
}
LEADERSHIP = (
    "Kính gửi: Lãnh đạo Văn phòng Chủ tịch nước",
    "Dear Leadership of Văn phòng Chủ tịch nước,",
)
HEAD = (lambda lang: recipient(language=lang), *SALUTATION.values())
#: to whom each goes, and how the mail greets them (vi, en): the lead unit's head, unless the
#: ladder or the kind says otherwise
ADDRESSED_TO: dict[str, tuple[tuple[Any, str, str], ...]] = {
    "escalation 2": (
        (superior, "Kính gửi: Đồng chí Chánh Văn phòng", "Dear Trần Văn Bình,"),
        (leadership, *LEADERSHIP),
    ),
    "escalation 3": ((leadership, *LEADERSHIP),),
    "leader_digest": ((leadership, *LEADERSHIP),),
    "delivery_failed": (
        (
            coordinator,
            "Kính gửi: Bộ phận theo dõi, đôn đốc thực hiện nhiệm vụ",
            "Dear Task monitoring and follow-up unit,",
        ),
    ),
    "monthly_report": (
        (lambda lang: the_leaders(lang)[0], *LEADERSHIP),
        (lambda lang: the_leaders(lang)[1], *LEADERSHIP),
    ),
}
#: those reported to: a superior, the office's leadership
UPWARD = ("escalation 2", "escalation 3", "leader_digest", "monthly_report")
RECIPIENTS = (lambda lang: recipient(language=lang), superior, leadership, coordinator)
#: the words an official would strike out
NEVER = (
    "vượt cấp",  # going over one's superior's head
    "mức xử lý",  # internal jargon: "mức đôn đốc"
    "đề nghị gửi đề nghị",
    "cảm ơn sự phối hợp",
    "Đồng chí Lãnh đạo",  # a body or a role is addressed without "Đồng chí"
    "Đồng chí Bộ phận",
    "Đồng chí Chuyên viên",
)


def parts(rendered: Rendered) -> tuple[str, str, str]:
    return rendered.subject, rendered.text, rendered.html


def mail_to(name: str, lang: str, to: Recipient) -> Rendered:
    kind, fields = VARIANTS[name]
    return render(kind, lang, office=office(), recipient=to, **fields)


@pytest.mark.parametrize("who", range(len(RECIPIENTS)))
@pytest.mark.parametrize("name", list(VARIANTS))
def test_no_mail_says_what_an_official_would_strike_out_whoever_it_is_addressed_to(
    name: str, who: int
) -> None:
    to = RECIPIENTS[who]("vi")
    rendered = mail_to(name, "vi", to)

    for part in parts(rendered):
        for words in NEVER:
            assert words.lower() not in part.lower(), (name, words)
        assert not re.search(r"(?<!\d)0 (nhiệm vụ|thư)", part), name  # "không có … nào"
    first_line = rendered.text.splitlines()[0]
    assert first_line.startswith("Kính gửi: ")
    assert not first_line.endswith(","), first_line  # no comma after the salutation
    assert f"<strong>{first_line}</strong></p>" in rendered.html.replace("&amp;", "&")
    for part in (rendered.text, rendered.html):
        assert part.count("Trân trọng") == 1, name
        assert f"Trân trọng.{'</p>' if part is rendered.html else ''}" in part
    if not to.person:  # a body or a role: "Đồng chí" only before a person named in the mail
        named = f"Đồng chí {task().accountable}"
        assert all("Đồng chí" not in part.replace(named, "") for part in parts(rendered)), name
    else:
        assert first_line.startswith("Kính gửi: Đồng chí ")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_mail_goes_to_whom_it_should_in_the_right_words_and_is_signed_by_the_setting(
    name: str, lang: str
) -> None:
    for make, *salutations in ADDRESSED_TO.get(name, (HEAD,)):
        to = make(lang)
        rendered = mail_to(name, lang, to)
        signer = signer_of(VARIANTS[name][0], lang)
        everything = " ".join(parts(rendered))

        assert rendered.text.startswith(salutations[LANGS.index(lang)] + "\n\n"), name
        assert f"\n{SIGN_OFF[lang]}\n{signer}\n\n--\n" in rendered.text
        assert f"<strong>{signer}</strong>" in rendered.html
        assert rendered.text.count(SIGN_OFF[lang]) == 1
        assert rendered.html.count(SIGN_OFF[lang]) == 1
        if lang == "en":
            assert not re.search(
                r"(?<!\d)1 (tasks|mails|units|attempts|working days)\b", everything
            )
            assert "Thank you" not in everything
        elif name in UPWARD:  # reported to, never warned of what comes next
            assert "Kính báo cáo" in rendered.text, name
            assert "Nếu " not in rendered.text, name
            assert "sẽ chuyển" not in rendered.text, name
        else:  # the lead unit's head or the follow-up unit: informed and asked
            assert "báo cáo Đồng chí" not in everything, name
            assert "Kính báo cáo" not in everything, name


@pytest.mark.parametrize(
    ("make", "vi", "en"),
    [
        (
            leadership,
            "Kính gửi: Lãnh đạo Văn phòng Chủ tịch nước",
            "Dear Leadership of Văn phòng Chủ tịch nước,",
        ),
        (
            coordinator,
            "Kính gửi: Bộ phận theo dõi, đôn đốc thực hiện nhiệm vụ",
            "Dear Task monitoring and follow-up unit,",
        ),
        (
            lambda lang: the_leaders(lang)[1],
            "Kính gửi: Lãnh đạo Văn phòng Chủ tịch nước",
            "Dear Leadership of Văn phòng Chủ tịch nước,",
        ),
    ],
)
def test_a_body_or_a_role_is_addressed_without_comrade_and_without_a_comma(
    make: Any, vi: str, en: str
) -> None:
    assert make("vi").person is False
    assert mail_to("escalation 3", "vi", make("vi")).text.startswith(vi + "\n\n")
    assert mail_to("escalation 3", "en", make("en")).text.startswith(en + "\n\n")


def test_the_leadership_is_reported_to_and_asked_to_decide_by_its_title() -> None:
    text = mail_to("escalation 3", "vi", leadership("vi")).text

    assert "Kính báo cáo Lãnh đạo các nhiệm vụ dưới đây đã quá thời hạn" in text
    assert "Kính trình Lãnh đạo xem xét, chỉ đạo." in text
    assert "mức đôn đốc: báo cáo Lãnh đạo Văn phòng xem xét, chỉ đạo." in text


def test_the_unit_head_is_informed_and_asked_not_reported_to() -> None:
    text = mail_to("escalation 1", "vi", recipient()).text

    assert text.count("Văn phòng Chủ tịch nước thông báo: các nhiệm vụ dưới đây") == 1
    assert "Đề nghị Đồng chí trực tiếp chỉ đạo hoàn thành các nhiệm vụ này" in text
    assert "báo cáo Đồng chí" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_a_digest_due_today_neither_says_due_soon_nor_asks_for_it_before_the_deadline(
    lang: str,
) -> None:
    rendered = mail_to("reminder, all due today", lang, recipient(language=lang))
    soon, before_it = {
        "vi": ("sắp đến hạn", "trước thời hạn"),
        "en": ("falling due", "before it falls due"),
    }[lang]
    today = {"vi": "trong ngày hôm nay", "en": "completed and reported today"}[lang]

    for part in parts(rendered):
        assert soon not in part
        assert before_it not in part
    assert today in rendered.text
    assert today in rendered.html


def test_a_digest_with_some_due_today_says_how_many() -> None:
    text = mail("reminder_digest").text

    assert (
        "2 nhiệm vụ được giao sắp đến hạn hoàn thành, trong đó 1 nhiệm vụ đến hạn hôm nay:" in text
    )
    assert (
        "Trường hợp không thể hoàn thành đúng thời hạn, đề nghị báo cáo, nêu rõ lý do và đề xuất"
        f" thời hạn mới, gửi {OFFICE} trước thời hạn." in text
    )


@pytest.mark.parametrize("lang", LANGS)
def test_an_ongoing_duty_is_not_told_how_to_ask_for_more_time(lang: str) -> None:
    rendered = mail_to("assignment, ongoing duty", lang, recipient(language=lang))
    dated = mail("assignment", lang)
    extension = {"vi": "đề xuất thời hạn mới", "en": "proposing a new deadline"}[lang]

    assert extension in dated.text
    for part in (rendered.text, rendered.html):
        assert extension not in part
    ongoing = {
        "vi": "Đề nghị Đồng chí chỉ đạo tổ chức thực hiện thường xuyên, bảo đảm chất lượng.",
        "en": "Please direct the work to be carried out on an ongoing basis and to standard.",
    }[lang]
    assert ongoing in rendered.text


@pytest.mark.parametrize("kind", ["completion_accepted", "completion_returned"])
def test_an_ongoing_duty_is_not_given_a_deadline_in_the_decisions(kind: str) -> None:
    text = mail(kind, task=task(deadline=None, recurrence="ongoing"), note="").text

    assert "Thời hạn hoàn thành: nhiệm vụ thường xuyên" not in text
    assert "thời hạn: nhiệm vụ thường xuyên" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_accountable_head_is_not_named_again_as_the_owner(lang: str) -> None:
    same = mail("assignment", lang, task=task(owner="Nguyễn Đức Long"))
    nobody = mail("assignment", lang, task=task(accountable="", owner=""))

    owner = {"vi": "người phụ trách", "en": "owner:"}[lang]
    head = {"vi": "thủ trưởng chịu trách nhiệm", "en": "accountable head"}[lang]
    for part in (same.text, same.html):
        assert owner not in part
        assert f"{head}: " in part
    assert head not in nobody.text  # no head: nothing to name, no "Đồng chí" before nothing
    assert "Đồng chí ;" not in nobody.text


def test_the_leaders_mail_says_its_days_overdue_are_calendar_days() -> None:
    rendered = mail("monthly_report")
    english = mail("monthly_report", "en")

    assert "(quá hạn 17 ngày, tính cả ngày nghỉ)." in rendered.text
    assert "Số ngày quá hạn (tính cả ngày nghỉ)</th>" in rendered.html
    assert "(17 calendar days overdue)." in english.text
    assert "Tổng số nhiệm vụ: 8" in rendered.text


@pytest.mark.parametrize(
    ("signer", "lang", "signed"),
    [
        ("Vụ Tổng hợp", "vi", "Vụ Tổng hợp"),
        ("Vụ Tổng hợp", "en", "Vụ Tổng hợp"),
        (None, "vi", f"Bộ phận theo dõi, đôn đốc thực hiện nhiệm vụ — {OFFICE}"),
        (None, "en", f"Task monitoring and follow-up unit — {OFFICE}"),
    ],
)
def test_the_mail_signer_setting_signs_the_mail_dondoc_puts_in_the_outbox(
    signer: str | None, lang: str, signed: str
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, office_name=OFFICE, mail_signer=signer, mail_from="dondoc@vpctn.gov.vn"
    )
    row = Notifier(settings).outbox_row(
        key="k", kind="assignment", to=recipient(language=lang), context={"task": task()}, now=STAMP
    )

    assert f"{SIGN_OFF[lang]}\n{signed}\n\n--\n" in row["body_text"]
    assert f"<strong>{signed}</strong>" in row["body_html"]
    assert OFFICE in row["body_text"].split("--")[-1]  # the footer still names the office


# --- the .ics -----------------------------------------------------------------------------


def event_of(ics: str) -> Any:
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    return event


def test_the_deadline_is_an_all_day_event_with_a_reminder_the_day_before() -> None:
    ics = deadline_ics(task(), uid="task-1-2025-12-15@dondoc", stamp=STAMP)
    calendar = Calendar.from_ical(ics)
    event = event_of(ics)
    (alarm,) = event.walk("VALARM")

    assert str(calendar["PRODID"]) == "-//dondoc//VN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"
    assert event.decoded("DTSTART") == date(2025, 12, 15)
    assert event.decoded("DTEND") == date(2025, 12, 16)
    assert "DTSTART;VALUE=DATE:20251215" in ics
    assert str(event["UID"]) == "task-1-2025-12-15@dondoc"
    assert event.decoded("DTSTAMP") == STAMP
    assert "DTSTAMP:20251126T020000Z" in ics
    assert str(event["SUMMARY"]) == f"Hạn: {TITLE}"
    description = str(event["DESCRIPTION"])
    for part in ("45/TB-VPCTN", "Dự thảo Chương trình công tác năm 2026", "Vụ Pháp luật"):
        assert part in description
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(days=-1)
    assert "TRIGGER:-P1D" in ics


def test_the_stamp_is_written_in_utc_whatever_its_zone() -> None:
    from zoneinfo import ZoneInfo

    local = STAMP.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    ics = deadline_ics(task(), uid="u@dondoc", stamp=local)

    assert "DTSTAMP:20251126T020000Z" in ics


def test_the_english_calendar_entry_says_deadline() -> None:
    ics = deadline_ics(task(), uid="u@dondoc", stamp=STAMP, lang="en", timezone="Europe/Paris")

    assert str(event_of(ics)["SUMMARY"]) == f"Deadline: {TITLE}"
    assert "Lead unit: Vụ Pháp luật" in str(event_of(ics)["DESCRIPTION"])
    assert str(Calendar.from_ical(ics)["X-WR-TIMEZONE"]) == "Europe/Paris"


def test_a_task_without_a_deadline_has_no_calendar_entry() -> None:
    with pytest.raises(ValueError, match="has no deadline"):
        deadline_ics(task(deadline=None, recurrence="ongoing"), uid="u@dondoc", stamp=STAMP)


def test_a_naive_stamp_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        deadline_ics(task(), uid="u@dondoc", stamp=STAMP.replace(tzinfo=None))


# --- the whole message ----------------------------------------------------------------------


def outbox_row(rendered: Rendered, ics: str | None) -> OutboxRow:
    return pending_mail(
        STAMP,
        key="assignment:1:2025-12-15",
        to_name="Nguyễn Đức Long",
        to_email="long@vpctn.gov.vn",
        cc=["theodoi@vpctn.gov.vn"],
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        ics=ics,
        message_id="<assignment.1.20251126@dondoc.vpctn.gov.vn>",
    )


def replace_row(row: OutboxRow, **changes: Any) -> OutboxRow:
    for name, value in changes.items():
        setattr(row, name, value)
    return row


def test_a_rendered_assignment_survives_the_trip_through_an_email_message() -> None:
    rendered = mail("assignment")
    ics = deadline_ics(task(), uid="task-1@dondoc", stamp=STAMP)
    message = message_from_outbox(outbox_row(rendered, ics), OFFICE, "theodoi@vpctn.gov.vn")

    raw = bytes(message)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)

    assert TITLE.encode() not in raw.split(b"\n\n", 1)[0]  # headers are RFC 2047 encoded
    assert parsed["Subject"] == f"[Giao nhiệm vụ] {TITLE} — thời hạn 15/12/2025"
    assert parsed["To"].addresses[0].display_name == "Nguyễn Đức Long"
    plain = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert plain is not None
    assert html is not None
    assert plain.get_content() == rendered.text
    assert "Kính gửi: Đồng chí Vụ trưởng Vụ Pháp luật\n" in plain.get_content()
    assert "ngày 15 tháng 12 năm 2025" in html.get_content()
    (attachment,) = [
        part for part in parsed.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    assert attachment.get_filename() == "thoi-han.ics"
    assert attachment.get_param("method") == "PUBLISH"
    calendar_bytes = attachment.get_payload(decode=True)
    assert event_of(calendar_bytes.decode("utf-8")).decoded("DTSTART") == DEADLINE


def test_a_digest_message_has_no_calendar_attachment() -> None:
    rendered = mail("reminder_digest")
    row = replace_row(outbox_row(rendered, None), kind="reminder_digest")
    parsed = email.message_from_bytes(
        bytes(message_from_outbox(row, OFFICE, "theodoi@vpctn.gov.vn")),
        policy=email.policy.default,
    )

    assert parsed["Subject"] == "[Nhắc việc] 2 nhiệm vụ sắp đến hạn"
    assert parsed.get_content_type() == "multipart/alternative"
    assert list(parsed.iter_attachments()) == []
