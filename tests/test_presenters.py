"""One text of a task, the same in the CLI, the artifacts and the report: where it stands
and its deadline, in Vietnamese and in English, written out in full."""

from __future__ import annotations

from datetime import date

import pytest

from engine.domain.categories import Category, Standing
from engine.presenters import days_left_text, deadline_text, overdue_text, standing_text

C = Category


@pytest.mark.parametrize(
    ("case", "standing", "vi", "en"),
    [
        (
            "overdue",
            Standing(C.IN_PROGRESS_OVERDUE, True, 13, False),
            "Chưa hoàn thành, quá hạn, quá hạn 13 ngày làm việc",
            "In progress, overdue, 13 working days overdue",
        ),
        (
            "one day overdue",
            Standing(C.IN_PROGRESS_OVERDUE, True, 1, False),
            "Chưa hoàn thành, quá hạn, quá hạn 1 ngày làm việc",
            "In progress, overdue, 1 working day overdue",
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
