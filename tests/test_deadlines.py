"""The deadline-expression resolver: Vietnamese and English timing words, against the
meeting date and the working calendar (Tết included)."""

from __future__ import annotations

from datetime import date

import pytest

from engine.calendar_file import build_calendar, read_calendar_file
from engine.domain.calendar import WorkingCalendar
from engine.extract.deadline_phrases import resolve
from engine.settings import DEFAULT_CALENDAR_FILE


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return build_calendar("Asia/Ho_Chi_Minh", "VN", read_calendar_file(DEFAULT_CALENDAR_FILE))


NOV25 = "2025-11-25"  # a Tuesday
DEC31 = "2025-12-31"
AUG25 = "2025-08-25"  # a Monday

CASES = [
    # months
    (NOV25, "hoàn thành trong tháng 1/2026", "2026-01-31", None, False),
    (DEC31, "triển khai nhiệm vụ trọng tâm tháng 1.2026", "2026-01-31", None, False),
    (NOV25, "trong tháng 01 năm 2026", "2026-01-31", None, False),
    (NOV25, "trong thang 1/2026", "2026-01-31", None, False),  # typed without accents
    (DEC31, "trong tháng 1", "2026-01-31", None, False),  # next January
    (NOV25, "cuối tháng 2/2028", "2028-02-29", None, False),  # leap year
    (NOV25, "cuối tháng 2/2026", "2026-02-28", None, False),
    (NOV25, "trước tháng 6/2026", "2026-05-31", None, False),
    (NOV25, "giữa tháng 3/2026", "2026-03-15", None, False),
    (NOV25, "trong tháng này", "2025-11-30", None, False),
    (NOV25, "trong tháng tới", "2025-12-31", None, False),
    (AUG25, "by the end of September", "2025-09-30", None, False),
    (AUG25, "in October 2025", "2025-10-31", None, False),
    (AUG25, "by mid-October", "2025-10-15", None, False),
    (AUG25, "next month", "2025-09-30", None, False),
    # quarters and halves
    (DEC31, "trong quý I/2026", "2026-03-31", None, False),
    (NOV25, "quý 2/2026", "2026-06-30", None, False),
    (NOV25, "trong quý IV năm 2026", "2026-12-31", None, False),
    (DEC31, "trong quý I", "2026-03-31", None, False),
    (NOV25, "trong quý này", "2025-12-31", None, False),
    (NOV25, "quý tới", "2026-03-31", None, False),
    (AUG25, "in the first quarter of 2026", "2026-03-31", None, False),
    (AUG25, "by Q4 2025", "2025-12-31", None, False),
    (NOV25, "6 tháng đầu năm 2026", "2026-06-30", None, False),
    (NOV25, "6 tháng đầu năm", "2026-06-30", None, False),  # this year's is over
    ("2025-03-01", "sáu tháng đầu năm", "2025-06-30", None, False),
    (NOV25, "9 tháng đầu năm 2026", "2026-09-30", None, False),
    (NOV25, "6 tháng cuối năm 2026", "2026-12-31", None, False),
    (AUG25, "in the first half of 2026", "2026-06-30", None, False),
    # year ends
    (NOV25, "chuẩn bị cho hoạt động đối nội, đối ngoại cuối năm", "2025-12-31", None, False),
    (NOV25, "cuối năm 2026", "2026-12-31", None, False),
    (NOV25, "hoàn thành trong năm 2026", "2026-12-31", None, False),
    (AUG25, "by the end of the year", "2025-12-31", None, False),
    (AUG25, "by the end of 2026", "2026-12-31", None, False),
    # days
    (NOV25, "trước ngày 15/12/2025", "2025-12-15", None, False),
    (NOV25, "chậm nhất ngày 20/01/2026", "2026-01-20", None, False),
    (NOV25, "chậm nhất là ngày 20/1", "2026-01-20", None, False),
    (NOV25, "trước 17h00 ngày 15/12/2025", "2025-12-15", None, False),
    (NOV25, "trước 17 giờ ngày 15.12.2025", "2025-12-15", None, False),
    (NOV25, "trước ngày 15 tháng 12 năm 2025", "2025-12-15", None, False),
    ("2024-01-10", "trước ngày 29/2", "2024-02-29", None, False),
    (AUG25, "no later than 15 December 2025", "2025-12-15", None, False),
    (AUG25, "no later than December 15, 2025", "2025-12-15", None, False),
    (AUG25, "on the occasion of National Day, September 2", "2025-09-02", None, False),
    (DEC31, "trước Tết Nguyên đán", "2026-02-13", None, False),  # Tết 2026 starts 16/02
    # durations
    (NOV25, "trong 15 ngày", "2025-12-10", None, False),
    (NOV25, "trong vòng 2 tuần", "2025-12-09", None, False),
    (AUG25, "within two weeks", "2025-09-08", None, False),
    (NOV25, "trong 10 ngày làm việc", "2025-12-09", None, False),
    ("2026-02-10", "trong 10 ngày làm việc", "2026-03-03", None, False),  # across Tết
    (NOV25, "trong năm ngày làm việc", "2025-12-02", None, False),
    (AUG25, "within 10 working days", "2025-09-10", None, False),  # 1-2/9 are holidays
    (NOV25, "trong 3 tháng kể từ ngày 1/12/2025", "2026-03-01", None, False),
    # weeks
    (NOV25, "trong tuần tới", "2025-12-05", None, False),
    (NOV25, "trong tuần này", "2025-11-28", None, False),
    (AUG25, "next week", "2025-09-05", None, False),
    # recurrences
    (NOV25, "báo cáo hằng tháng", None, "monthly", False),
    (NOV25, "hàng tháng", None, "monthly", False),
    (NOV25, "định kỳ hằng quý", None, "quarterly", False),
    (NOV25, "báo cáo hằng năm", None, "yearly", False),
    (NOV25, "trước ngày 25 hằng tháng", "2025-12-25", "monthly", False),
    (AUG25, "quarterly", None, "quarterly", False),
    (AUG25, "every month", None, "monthly", False),
    (NOV25, "thường xuyên", None, "ongoing", False),
    (
        DEC31,
        "hoàn thành tốt các nhiệm vụ trong tháng 1 và các tháng tiếp theo",
        None,
        "ongoing",
        False,
    ),
    # vague words and names of years: no deadline
    (NOV25, "kịp thời", None, None, False),
    (NOV25, "trong thời gian tới", None, None, False),
    (NOV25, "sớm", None, None, False),
    (AUG25, "in the coming time", None, None, False),
    (AUG25, "promptly", None, None, False),
    (DEC31, "ngay từ những ngày đầu năm 2026", None, None, False),
    (NOV25, "xây dựng chương trình công tác năm 2026", None, None, False),
    (NOV25, "trong năm qua", None, None, False),
    (NOV25, "theo Nghị quyết số 57/NQ-TW", None, None, False),
    (NOV25, "Tuần lễ Cấp cao APEC", None, None, False),
    (DEC31, "từ ngày 1/1/2026", None, None, False),  # a start, not a deadline
    # parts of periods: the first month of a quarter, the first ten days of a month,
    # the middle of a year (hand-computed)
    (DEC31, "xây dựng kế hoạch trong đầu quý II", "2026-04-30", None, False),
    (NOV25, "đầu quý II/2026", "2026-04-30", None, False),
    (NOV25, "đầu tháng 3/2026", "2026-03-10", None, False),
    (AUG25, "early next month", "2025-09-10", None, False),
    ("2026-03-12", "finishing early next month", "2026-04-10", None, False),
    (AUG25, "early October", "2025-10-10", None, False),
    (NOV25, "giữa năm 2026", "2026-06-30", None, False),
    (AUG25, "by mid-2026", "2026-06-30", None, False),
    (NOV25, "by the middle of the year", "2026-06-30", None, False),  # this year's is over
    # more day and duration forms
    (NOV25, "trước ngày 30 tháng 6 năm 2026", "2026-06-30", None, False),
    (NOV25, "trong thời hạn 30 ngày kể từ ngày 1/12/2025", "2025-12-31", None, False),
    (DEC31, "trong thời hạn 30 ngày kể từ ngày 31/12/2025", "2026-01-30", None, False),
    ("2026-01-21", "submit it to the Government by 15th March", "2026-03-15", None, False),
    ("2026-01-21", "reporting the results within 30 days", "2026-02-20", None, False),
    ("2026-03-12", "within 10 working days", "2026-03-26", None, False),
    (NOV25, "ngay trong tháng 12", "2025-12-31", None, False),
    ("2026-01-14", "chậm nhất trong tháng 3/2026", "2026-03-31", None, False),
    # Tết in English; a yearly day
    ("2026-01-21", "before the Lunar New Year", "2026-02-13", None, False),
    (DEC31, "before the Tet holiday", "2026-02-13", None, False),
    (NOV25, "trước ngày 31/12 hằng năm", "2025-12-31", "yearly", False),
    (
        "2026-03-12",
        "submit a report to the provincial People's Committee annually",
        None,
        "yearly",
        False,
    ),
    # already past on the meeting date: flagged
    (NOV25, "trước ngày 15/10/2025", "2025-10-15", None, True),
    (NOV25, "trong tháng 10/2025", "2025-10-31", None, True),
    (NOV25, "chậm nhất ngày 20/11", "2025-11-20", None, True),
    (AUG25, "by 31 July 2025", "2025-07-31", None, True),
    ("2026-01-14", "trước ngày 10/1/2026 như đã cam kết", "2026-01-10", None, True),
]


@pytest.mark.parametrize(("on", "text", "deadline", "recurrence", "past"), CASES)
def test_a_deadline_expression_resolves_against_the_meeting_date(
    calendar: WorkingCalendar,
    on: str,
    text: str,
    deadline: str | None,
    recurrence: str | None,
    past: bool,
) -> None:
    got = resolve(text, date.fromisoformat(on), calendar).as_json()
    assert got == {"deadline": deadline, "recurrence": recurrence, "past": past}


def test_of_several_timing_words_the_latest_is_the_outer_bound(calendar: WorkingCalendar) -> None:
    text = (
        "triển khai chương trình làm việc trong dịp Tết Nguyên đán cũng như các công tác "
        "khác trong quý I/2026"
    )
    assert resolve(text, date(2025, 12, 31), calendar).deadline == date(2026, 3, 31)


def test_a_standing_word_beside_a_date_keeps_the_date(calendar: WorkingCalendar) -> None:
    got = resolve(
        "thường xuyên theo dõi, báo cáo trước ngày 15/12/2025", date(2025, 11, 25), calendar
    )
    assert (got.deadline, got.recurrence) == (date(2025, 12, 15), None)
