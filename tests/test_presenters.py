"""One text of a task, the same in the CLI, the artifacts and the report: where it stands
and its deadline, in Vietnamese and in English, written out in full."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from engine.domain.categories import Category, Standing
from engine.domain.model import Clear
from engine.i18n import GLOSSARY
from engine.presenters import (
    days_left_text,
    deadline_prose,
    deadline_text,
    delivery_failures,
    delivery_summary,
    due_text,
    escalation_text,
    mail_kind,
    missing_text,
    overdue_text,
    standing_text,
    sweep_summary,
)
from engine.services.delivery import DeliveryReport
from engine.services.sweep import SweepReport

C = Category


@pytest.mark.parametrize(
    ("case", "standing", "vi", "en"),
    [
        (
            "overdue",
            Standing(C.IN_PROGRESS_OVERDUE, True, 13, False),
            "Chưa hoàn thành, quá hạn 13 ngày làm việc",
            "In progress, 13 working days overdue",
        ),
        (
            "one day overdue",
            Standing(C.IN_PROGRESS_OVERDUE, True, 1, False),
            "Chưa hoàn thành, quá hạn 1 ngày làm việc",
            "In progress, 1 working day overdue",
        ),
        (
            "due soon (the deadline today or within 3 working days)",
            Standing(C.IN_PROGRESS_WITHIN_DEADLINE, False, 0, True),
            "Đang thực hiện trong hạn, sắp đến hạn",
            "In progress, within deadline, due soon",
        ),
        (
            "within the deadline",
            Standing(C.IN_PROGRESS_WITHIN_DEADLINE, False, 0, False),
            "Đang thực hiện trong hạn",
            "In progress, within deadline",
        ),
        (
            "ongoing duty",
            Standing(C.ONGOING, False, 0, False),
            "Nhiệm vụ thường xuyên",
            "Ongoing duty",
        ),
        (
            "completed on time",
            Standing(C.COMPLETED_ON_TIME, False, 0, False),
            "Hoàn thành đúng hạn",
            "Completed on time",
        ),
        (
            "completed late",
            Standing(C.COMPLETED_LATE, False, 0, False),
            "Hoàn thành quá hạn",
            "Completed late",
        ),
        (
            "draft or cancelled",
            Standing(None, False, 0, False),
            "Chưa giao / đã hủy",
            "Not assigned / cancelled",
        ),
    ],
)
def test_a_standing_reads_as_its_category_and_how_late_or_close(
    case: str, standing: Standing, vi: str, en: str
) -> None:
    assert (standing_text(standing, "vi"), standing_text(standing, "en")) == (vi, en), case


@pytest.mark.parametrize(
    ("days", "vi", "en"),
    [
        (0, "đến hạn hôm nay", "due today"),
        (1, "còn 1 ngày làm việc", "1 working day left"),
        (3, "còn 3 ngày làm việc", "3 working days left"),
    ],
)
def test_the_working_days_left_are_counted_and_the_day_itself_is_due_today(
    days: int, vi: str, en: str
) -> None:
    assert (days_left_text(days, "vi"), days_left_text(days, "en")) == (vi, en)


@pytest.mark.parametrize(
    ("days", "vi", "en"),
    [
        (1, "quá hạn 1 ngày làm việc", "1 working day overdue"),
        (5, "quá hạn 5 ngày làm việc", "5 working days overdue"),
    ],
)
def test_the_working_days_overdue_are_counted(days: int, vi: str, en: str) -> None:
    assert (overdue_text(days, "vi"), overdue_text(days, "en")) == (vi, en)


DEC_15 = date(2025, 12, 15)
JAN_15 = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("case", "deadline", "recurrence", "original", "vi", "en"),
    [
        ("a date", DEC_15, None, None, "15/12/2025", "15/12/2025"),
        ("never extended", DEC_15, None, DEC_15, "15/12/2025", "15/12/2025"),
        (
            "extended",
            JAN_15,
            None,
            DEC_15,
            "15/01/2026 (gia hạn từ 15/12/2025)",
            "15/01/2026 (extended from 15/12/2025)",
        ),
        ("recurring", DEC_15, "monthly", None, "15/12/2025 (hằng tháng)", "15/12/2025 (monthly)"),
        (
            "recurring and extended",
            JAN_15,
            "quarterly",
            DEC_15,
            "15/01/2026 (hằng quý, gia hạn từ 15/12/2025)",
            "15/01/2026 (quarterly, extended from 15/12/2025)",
        ),
        ("ongoing duty", None, "ongoing", None, "Thường xuyên", "Ongoing"),
        ("recurring, no date yet", None, "yearly", None, "Hằng năm", "Yearly"),
        ("nothing to say", None, None, None, "—", "—"),
        ("an unknown rule is left out", DEC_15, "weekly", None, "15/12/2025", "15/12/2025"),
    ],
)
def test_a_deadline_reads_with_its_recurrence_and_its_extension(
    case: str,
    deadline: date | None,
    recurrence: str | None,
    original: date | None,
    vi: str,
    en: str,
) -> None:
    texts = tuple(
        deadline_text(deadline, lang, recurrence=recurrence, original=original)
        for lang in ("vi", "en")
    )
    assert texts == (vi, en), case


def test_what_a_draft_lacks_reads_as_the_clears_it_misses() -> None:
    missing = (Clear.WHEN, Clear.DELIVERABLE)
    assert (missing_text(missing, "vi"), missing_text(missing, "en")) == (
        "thời hạn hoặc định kỳ; sản phẩm",
        "deadline or recurrence; deliverable",
    )


def test_a_mail_reads_as_what_it_is_for_and_an_unknown_kind_as_itself() -> None:
    assert (mail_kind("reminder_digest", "vi"), mail_kind("reminder_digest", "en")) == (
        "Nhắc việc",
        "Reminder",
    )
    assert mail_kind("carrier_pigeon", "vi") == "carrier_pigeon"


SWEPT = SweepReport(
    datetime(2026, 1, 21, 2, 0, tzinfo=UTC),
    in_office_hours=True,
    tasks_checked=12,
    escalations=[(4, 1)],
    instances=[7, 8],
    mails=[{"kind": "reminder_digest"}, {"kind": "overdue"}, {"kind": "escalation"}],
)


@pytest.mark.parametrize(
    ("case", "report", "vi", "en"),
    [
        (
            "planned",
            SWEPT,
            "21/01/2026 09:00: kiểm tra 12 nhiệm vụ; 3 thư vào hàng đợi; 1 lần nâng mức đôn đốc;"
            " 2 kỳ mới của nhiệm vụ định kỳ.",
            "21/01/2026 09:00: checked 12 tasks; 3 mails queued; 1 escalation;"
            " 2 new recurring instances.",
        ),
        (
            "one of each",
            SweepReport(
                SWEPT.now,
                in_office_hours=True,
                tasks_checked=1,
                escalations=[(4, 2)],
                instances=[7],
                mails=[{"kind": "escalation"}],
            ),
            "21/01/2026 09:00: kiểm tra 1 nhiệm vụ; 1 thư vào hàng đợi; 1 lần nâng mức đôn đốc;"
            " 1 kỳ mới của nhiệm vụ định kỳ.",
            "21/01/2026 09:00: checked 1 task; 1 mail queued; 1 escalation;"
            " 1 new recurring instance.",
        ),
        (
            "a dry run of nothing",
            SweepReport(SWEPT.now, in_office_hours=True, dry_run=True),
            "Bản thử: 21/01/2026 09:00: không có nhiệm vụ nào cần kiểm tra; không có thư nào vào"
            " hàng đợi; không có nhiệm vụ nào phải nâng mức đôn đốc; không có kỳ mới nào của"
            " nhiệm vụ định kỳ.",
            "Dry run: 21/01/2026 09:00: no tasks to check; no mail queued; no escalations;"
            " no new recurring instances.",
        ),
        (
            "outside office hours",
            SweepReport(SWEPT.now, in_office_hours=False),
            "21/01/2026 09:00: ngoài giờ làm việc hoặc ngày nghỉ — không gửi gì.",
            "21/01/2026 09:00: outside office hours or a day off — nothing planned.",
        ),
    ],
)
def test_a_sweep_reads_as_one_sentence_of_what_it_planned(
    case: str, report: SweepReport, vi: str, en: str
) -> None:
    when = "21/01/2026 09:00"
    assert (sweep_summary(report, when, "vi"), sweep_summary(report, when, "en")) == (vi, en), case


@pytest.mark.parametrize(
    ("case", "report", "vi", "en"),
    [
        (
            "sent",
            DeliveryReport(sent=3, retried=1, failed=2),
            "Đã gửi 3 thư; 1 thư sẽ gửi lại sau; 2 thư không gửi được.",
            "Sent 3 mails; 1 will be retried; 2 failed.",
        ),
        (
            "all sent",
            DeliveryReport(sent=1),
            "Đã gửi 1 thư.",
            "Sent 1 mail.",
        ),
        (
            "nothing sent, one failed",
            DeliveryReport(failed=1),
            "Chưa gửi được thư nào; 1 thư không gửi được.",
            "Nothing sent; 1 failed.",
        ),
        (
            "nothing to send",
            DeliveryReport(),
            "Không có thư nào cần gửi.",
            "No mail to send.",
        ),
        (
            "one taken over, one lost",
            DeliveryReport(sent=1, taken_over=1, lost=1),
            "Đã gửi 1 thư. Đã gửi tiếp 1 thư của một lần gửi trước bị gián đoạn. Dừng gửi: đã"
            " hết thời hạn giữ 1 thư chưa gửi; các thư này sẽ được gửi ở lần sau.",
            "Sent 1 mail. Took over 1 mail of an earlier delivery that was cut off. Stopped: the"
            " hold ran out with 1 mail still unsent; the next run sends them.",
        ),
        (
            "outside office hours",
            DeliveryReport(skipped_outside_hours=4, outside_hours=True),
            "Ngoài giờ làm việc: 4 thư chờ đến giờ làm việc.",
            "Outside office hours: 4 mails wait for office hours.",
        ),
        (
            "one waiting",
            DeliveryReport(skipped_outside_hours=1, outside_hours=True),
            "Ngoài giờ làm việc: 1 thư chờ đến giờ làm việc.",
            "Outside office hours: 1 mail waits for office hours.",
        ),
    ],
)
def test_a_delivery_reads_as_one_sentence_of_what_it_did(
    case: str, report: DeliveryReport, vi: str, en: str
) -> None:
    assert (delivery_summary(report, "vi"), delivery_summary(report, "en")) == (vi, en), case


@pytest.mark.parametrize(
    ("failed", "vi", "en"),
    [
        (0, "", ""),
        (1, "Có 1 thư không gửi được", "1 mail could not be delivered"),
        (2, "Có 2 thư không gửi được", "2 mails could not be delivered"),
    ],
)
def test_why_a_delivery_failed_counts_the_mail_in_the_right_number(
    failed: int, vi: str, en: str
) -> None:
    report = DeliveryReport(sent=1, failed=failed)

    assert delivery_failures(report, "vi").startswith(vi)
    assert delivery_failures(report, "en").startswith(en)
    assert bool(delivery_failures(report, "vi")) is bool(failed)


@pytest.mark.parametrize(
    ("kind", "left", "overdue", "lang", "text"),
    [
        ("before", 3, 0, "vi", "còn 3 ngày làm việc"),
        ("before", 1, 0, "en", "1 working day left"),
        ("due", 0, 0, "vi", "đến hạn hôm nay"),
        ("due", 0, 0, "en", "due today"),
        ("overdue", 0, 5, "vi", "quá hạn 5 ngày làm việc"),
        ("escalation", 0, 1, "en", "1 working day overdue"),
    ],
)
def test_a_due_item_says_how_close_or_how_late_as_the_mail_lists_it(
    kind: str, left: int, overdue: int, lang: str, text: str
) -> None:
    assert due_text(kind, left, overdue, lang) == text


@pytest.mark.parametrize(
    ("deadline", "recurrence", "lang", "text"),
    [
        (date(2025, 12, 15), None, "vi", "ngày 15 tháng 12 năm 2025"),
        (date(2025, 12, 31), "monthly", "vi", "ngày 31 tháng 12 năm 2025 (định kỳ hằng tháng)"),
        (date(2025, 12, 31), "monthly", "en", "31 December 2025 (monthly)"),
        (None, "quarterly", "vi", "định kỳ hằng quý"),
        (None, "quarterly", "en", "quarterly"),
        (None, "ongoing", "vi", "nhiệm vụ thường xuyên"),
        (None, None, "en", "ongoing duty"),
        (date(2026, 1, 5), "ongoing", "en", "5 January 2026"),
    ],
)
def test_a_letter_writes_the_deadline_in_words_with_its_recurrence(
    deadline: date | None, recurrence: str | None, lang: str, text: str
) -> None:
    assert deadline_prose(deadline, recurrence, lang) == text


@pytest.mark.parametrize(
    ("level", "vi", "en"),
    [
        (0, "Đôn đốc thủ trưởng đơn vị", "Urged with the unit head"),
        (1, "Đôn đốc thủ trưởng đơn vị", "Urged with the unit head"),
        (2, "Báo cáo lãnh đạo cấp trên", "Reported to the unit's superior"),
        (
            3,
            "Báo cáo Lãnh đạo Văn phòng xem xét, chỉ đạo",
            "Referred to the Office leadership for direction",
        ),
        (
            7,
            "Báo cáo Lãnh đạo Văn phòng xem xét, chỉ đạo",
            "Referred to the Office leadership for direction",
        ),
    ],
)
def test_each_escalation_level_is_named_for_what_was_done(level: int, vi: str, en: str) -> None:
    assert (escalation_text(level, "vi"), escalation_text(level, "en")) == (vi, en)


def test_the_readmes_glossary_lists_every_term_of_the_one_glossary_and_no_other() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Thuật ngữ / Glossary\n", 1)[1].split("\n## ", 1)[0]
    rows = [
        tuple(cell.strip() for cell in line.strip().strip("|").split("|"))
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("| tiếng Việt")
    ]

    assert [row[:2] for row in rows] == list(GLOSSARY.values())


def test_the_escalation_steps_are_the_glossarys_words() -> None:
    assert [escalation_text(level, "vi").lower() for level in (1, 2, 3)] == [
        GLOSSARY[f"level_{level}"][0].lower() for level in (1, 2, 3)
    ]
    assert "vượt cấp" not in " ".join(vi for vi, _ in GLOSSARY.values())
