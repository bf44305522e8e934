"""The working calendar, built as production builds it: the `holidays` package, the
shipped vn.yaml file, then the office's overrides. Every expected date below was worked
out by hand from the 2025 and 2026 calendars.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.calendar_file import (
    CalendarFileError,
    DayRule,
    build_calendar,
    read_calendar_file,
)
from engine.domain.calendar import WorkingCalendar
from engine.domain.errors import DomainError
from engine.settings import DEFAULT_CALENDAR_FILE

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def real_calendar(
    tz: str = "Asia/Ho_Chi_Minh", office_rules: tuple[DayRule, ...] = ()
) -> WorkingCalendar:
    return build_calendar(
        tz, "VN", read_calendar_file(DEFAULT_CALENDAR_FILE), office_rules=office_rules
    )


def package_only_calendar() -> WorkingCalendar:
    return build_calendar("Asia/Ho_Chi_Minh", "VN", [])


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return real_calendar()


# -- which days count ---------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 2, 19), date(2026, 2, 20)],
    ids=str,
)
def test_tet_2026_weekdays_are_not_working_days(cal: WorkingCalendar, day: date) -> None:
    assert not cal.is_working_day(day)
    assert cal.why_not_working(day) not in (None, "weekend")


@pytest.mark.parametrize(
    "day", [date(2026, 2, 13), date(2026, 2, 23)], ids=["fri-before-tet", "mon-after-tet"]
)
def test_the_days_either_side_of_tet_2026_are_working_days(cal: WorkingCalendar, day: date) -> None:
    assert cal.is_working_day(day)
    assert cal.why_not_working(day) is None


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # Tết Dương lịch (package)
        (date(2026, 1, 2), False),  # Fri, swapped day off (file only)
        (date(2026, 1, 10), True),  # Sat, make-up working day (file only)
        (date(2026, 8, 22), True),  # Sat, make-up for Mon 31 Aug
        (date(2026, 8, 31), False),  # Mon, swapped day off
        (date(2026, 9, 1), False),  # Quốc khánh
        (date(2026, 9, 2), False),  # Quốc khánh
        (date(2026, 4, 27), False),  # Mon, Giỗ Tổ fell on Sun 26 Apr
        (date(2025, 4, 26), True),  # Sat, make-up for Fri 2 May
        (date(2025, 5, 2), False),  # Fri, swapped day off
        (date(2026, 1, 17), False),  # an ordinary Saturday
        (date(2026, 1, 9), True),  # an ordinary Friday
    ],
    ids=str,
)
def test_the_real_calendar_knows_holidays_and_swapped_days(
    cal: WorkingCalendar, day: date, working: bool
) -> None:
    assert cal.is_working_day(day) is working


def test_the_2026_new_year_swap_comes_only_from_the_data_file(cal: WorkingCalendar) -> None:
    without_file = package_only_calendar()

    assert without_file.is_working_day(date(2026, 1, 2))
    assert not without_file.is_working_day(date(2026, 1, 10))
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 1, 10))


def test_a_file_day_off_carries_its_name_from_the_file(cal: WorkingCalendar) -> None:
    assert cal.why_not_working(date(2026, 1, 2)) == (
        "Nghỉ hoán đổi Tết Dương lịch (làm bù thứ Bảy 10/01/2026)"
    )
    assert cal.why_not_working(date(2026, 1, 3)) == "weekend"


@pytest.mark.parametrize(
    ("rule", "working"),
    [
        (DayRule(date(2026, 1, 10), "off", "Văn phòng nghỉ"), False),  # file says work
        (DayRule(date(2026, 1, 2), "work", "Văn phòng làm việc"), True),  # file says off
        (DayRule(date(2026, 2, 17), "work", "Trực Tết"), True),  # package says off
        (DayRule(date(2026, 3, 6), "off", "Nghỉ đột xuất"), False),  # ordinary Friday
        (DayRule(date(2026, 3, 7), "work", "Làm thêm thứ Bảy"), True),  # ordinary Saturday
    ],
    ids=lambda v: str(v.day) if isinstance(v, DayRule) else str(v),
)
def test_an_office_override_wins_over_the_file_and_the_package(
    rule: DayRule, working: bool
) -> None:
    cal = real_calendar(office_rules=(rule,))

    assert cal.is_working_day(rule.day) is working
    if not working:
        assert cal.why_not_working(rule.day) == rule.name


def test_an_office_override_leaves_other_days_alone() -> None:
    cal = real_calendar(office_rules=(DayRule(date(2026, 1, 10), "off", "Văn phòng nghỉ"),))

    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 1, 9))
    assert cal.is_working_day(date(2026, 1, 12))


# -- "N working days from issue" ------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "count", "due"),
    [
        # Fri before Tết: 16–20 Feb off, 21–22 weekend; 23, 24, 25 Feb.
        (date(2026, 2, 13), 3, date(2026, 2, 25)),
        # Wed 31 Dec: 1 Jan holiday, 2 Jan swapped off, 3–4 weekend; 5, 6 Jan.
        (date(2025, 12, 31), 2, date(2026, 1, 6)),
        # Plain week: Mon 5 Jan + 1 = Tue 6 Jan.
        (date(2026, 1, 5), 1, date(2026, 1, 6)),
        # Across the make-up Saturday 10 Jan: 6, 7, 8, 9, 10(Sat), 12, 13, 14, 15, 16.
        (date(2026, 1, 5), 10, date(2026, 1, 16)),
        # Fri 9 Jan + 1 lands on the make-up Saturday.
        (date(2026, 1, 9), 1, date(2026, 1, 10)),
        # Issued on a Saturday: day zero is the Saturday; Mon 9 Feb is the first.
        (date(2026, 2, 7), 1, date(2026, 2, 9)),
        # Issued on a Sunday: 9, 10, 11, 12, 13 Feb.
        (date(2026, 2, 8), 5, date(2026, 2, 13)),
        # Issued on the Saturday that opens Tết: next working day is Mon 23 Feb.
        (date(2026, 2, 14), 1, date(2026, 2, 23)),
        # Issued on a holiday (Tết Dương lịch): 2 Jan off, 3–4 weekend; Mon 5 Jan.
        (date(2026, 1, 1), 1, date(2026, 1, 5)),
        # 30 Apr and 1 May holidays, 2–3 May weekend; Mon 4 May.
        (date(2026, 4, 29), 1, date(2026, 5, 4)),
        # Giỗ Tổ on Sun 26 Apr is taken on Mon 27 Apr; Tue 28 Apr.
        (date(2026, 4, 24), 1, date(2026, 4, 28)),
        # Make-up Sat 22 Aug counts: Fri 21 Aug + 1.
        (date(2026, 8, 21), 1, date(2026, 8, 22)),
        # 29–30 weekend, 31 Aug swapped off, 1–2 Sep Quốc khánh; Thu 3 Sep.
        (date(2026, 8, 28), 1, date(2026, 9, 3)),
        # 2025: Fri 25 Apr + 1 = make-up Sat 26 Apr; + 2 skips 27 Apr (Sun) to Mon 28 Apr.
        (date(2025, 4, 25), 1, date(2025, 4, 26)),
        (date(2025, 4, 25), 2, date(2025, 4, 28)),
        # 2025: 29 Apr + 1: 30 Apr, 1 May, 2 May off, 3–4 weekend; Mon 5 May.
        (date(2025, 4, 29), 1, date(2025, 5, 5)),
    ],
    ids=lambda v: str(v),
)
def test_n_working_days_from_issue(
    cal: WorkingCalendar, issued: date, count: int, due: date
) -> None:
    assert cal.add_working_days(issued, count) == due


@pytest.mark.parametrize("count", [0, -1])
def test_a_working_day_count_below_one_is_refused(cal: WorkingCalendar, count: int) -> None:
    with pytest.raises(DomainError, match=str(count)):
        cal.add_working_days(date(2026, 1, 5), count)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 2, 13), date(2026, 2, 23), 1),  # across Tết
        (date(2026, 2, 13), date(2026, 2, 13), 0),  # empty range
        (date(2026, 2, 23), date(2026, 2, 13), 0),  # reversed range
        (date(2026, 1, 5), date(2026, 1, 12), 6),  # 6, 7, 8, 9, 10 (Sat), 12
    ],
    ids=str,
)
def test_working_days_after_counts_the_half_open_range(
    cal: WorkingCalendar, start: date, end: date, expected: int
) -> None:
    assert cal.working_days_after(start, end) == expected


# -- the end-of-day rule --------------------------------------------------------------

DEADLINE = date(2025, 12, 15)


@pytest.mark.parametrize(
    "completed_at",
    [
        datetime(2025, 12, 15, 23, 30, tzinfo=HANOI),
        datetime(2025, 12, 15, 16, 30, tzinfo=UTC),
        datetime(2025, 12, 15, 23, 59, 59, tzinfo=HANOI),
        datetime(2025, 12, 15, 16, 59, 59, tzinfo=UTC),
    ],
    ids=str,
)
def test_work_done_before_local_midnight_meets_the_deadline(
    cal: WorkingCalendar, completed_at: datetime
) -> None:
    assert cal.deadline_met(DEADLINE, completed_at)
    assert not cal.is_overdue(DEADLINE, completed_at)


@pytest.mark.parametrize(
    "completed_at",
    [
        datetime(2025, 12, 16, 0, 30, tzinfo=HANOI),
        datetime(2025, 12, 15, 17, 30, tzinfo=UTC),
        datetime(2025, 12, 16, 0, 0, tzinfo=HANOI),
        datetime(2025, 12, 15, 17, 0, tzinfo=UTC),
    ],
    ids=str,
)
def test_work_done_after_local_midnight_is_late_even_when_utc_says_the_same_day(
    cal: WorkingCalendar, completed_at: datetime
) -> None:
    assert not cal.deadline_met(DEADLINE, completed_at)
    assert cal.is_overdue(DEADLINE, completed_at)


def test_local_and_utc_spellings_of_the_same_instant_agree(cal: WorkingCalendar) -> None:
    local = datetime(2025, 12, 15, 23, 30, tzinfo=HANOI)
    utc = datetime(2025, 12, 15, 16, 30, tzinfo=UTC)

    assert local == utc
    assert cal.local_date(local) == cal.local_date(utc) == date(2025, 12, 15)
    assert cal.local_date(datetime(2025, 12, 15, 17, 30, tzinfo=UTC)) == date(2025, 12, 16)


def test_the_deadline_day_ends_at_local_midnight(cal: WorkingCalendar) -> None:
    cut_off = cal.end_of_day(DEADLINE)

    assert cut_off == datetime(2025, 12, 16, 0, 0, tzinfo=HANOI)
    assert cut_off == datetime(2025, 12, 15, 17, 0, tzinfo=UTC)


def test_a_naive_completion_time_is_refused(cal: WorkingCalendar) -> None:
    naive = datetime(2025, 12, 15, 23, 30)  # noqa: DTZ001 - the point of the test

    with pytest.raises(DomainError, match="naive"):
        cal.deadline_met(DEADLINE, naive)
    with pytest.raises(DomainError, match="naive"):
        cal.is_overdue(DEADLINE, naive)
    with pytest.raises(DomainError, match="naive"):
        cal.working_days_overdue(DEADLINE, naive)


def test_the_configured_timezone_decides_the_end_of_day(cal: WorkingCalendar) -> None:
    paris = real_calendar(tz="Europe/Paris")
    instant = datetime(2025, 12, 15, 17, 30, tzinfo=UTC)  # 00:30 Hà Nội, 18:30 Paris

    assert not cal.deadline_met(DEADLINE, instant)
    assert paris.deadline_met(DEADLINE, instant)
    assert paris.end_of_day(DEADLINE) == datetime(2025, 12, 15, 23, 0, tzinfo=UTC)


# -- working days overdue -------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "now", "days"),
    [
        # Not yet overdue: still the deadline day in Hà Nội.
        (date(2025, 12, 15), datetime(2025, 12, 15, 23, 30, tzinfo=HANOI), 0),
        # The next morning.
        (date(2025, 12, 15), datetime(2025, 12, 16, 9, 0, tzinfo=HANOI), 1),
        # Same instant in UTC reads as 16 Dec in Hà Nội.
        (date(2025, 12, 15), datetime(2025, 12, 15, 17, 30, tzinfo=UTC), 1),
        # Deadline Fri 12 Dec, Sunday: overdue by calendar day, not by working day.
        (date(2025, 12, 12), datetime(2025, 12, 14, 10, 0, tzinfo=HANOI), 0),
        # Deadline Fri 12 Dec, Monday: the weekend does not count.
        (date(2025, 12, 12), datetime(2025, 12, 15, 9, 0, tzinfo=HANOI), 1),
        # Deadline Fri 12 Dec, Fri 19 Dec: 15–19 Dec.
        (date(2025, 12, 12), datetime(2025, 12, 19, 9, 0, tzinfo=HANOI), 5),
        # Deadline Fri 13 Feb 2026, Mon 23 Feb: Tết and two weekends skipped.
        (date(2026, 2, 13), datetime(2026, 2, 23, 9, 0, tzinfo=HANOI), 1),
        # Deadline Thu 12 Feb 2026, Wed 25 Feb: 13, 23, 24, 25 Feb.
        (date(2026, 2, 12), datetime(2026, 2, 25, 9, 0, tzinfo=HANOI), 4),
        # Deadline Wed 31 Dec 2025, Tue 6 Jan 2026: 1–4 Jan skipped; 5, 6 Jan.
        (date(2025, 12, 31), datetime(2026, 1, 6, 9, 0, tzinfo=HANOI), 2),
        # Deadline Fri 9 Jan 2026, Mon 12 Jan: the make-up Saturday counts.
        (date(2026, 1, 9), datetime(2026, 1, 12, 9, 0, tzinfo=HANOI), 2),
    ],
    ids=str,
)
def test_working_days_overdue(
    cal: WorkingCalendar, deadline: date, now: datetime, days: int
) -> None:
    assert cal.working_days_overdue(deadline, now) == days


# -- reading the calendar file --------------------------------------------------------


def test_the_shipped_calendar_file_reads_cleanly() -> None:
    rules = read_calendar_file(DEFAULT_CALENDAR_FILE)

    assert {(r.day, r.kind) for r in rules} == {
        (date(2025, 5, 2), "off"),
        (date(2025, 4, 26), "work"),
        (date(2026, 1, 2), "off"),
        (date(2026, 8, 31), "off"),
        (date(2026, 1, 10), "work"),
        (date(2026, 8, 22), "work"),
    }
    assert all(r.name and r.source for r in rules)


def write_calendar_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "office.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (
            "years:\n  2026:\n    days_off:\n      - date: not-a-date\n        name: x\n",
            "years.2026.days_off[0]",
        ),
        (
            "years:\n  2026:\n    days_off:\n      - name: no date at all\n",
            "years.2026.days_off[0]",
        ),
        (
            "years:\n  2026:\n    days_off:\n      - 2026-01-02\n",
            "years.2026.days_off[0]",
        ),
        (
            "years:\n  2026:\n    days_off:\n      - date: 2026-01-02\n"
            "    working_days:\n      - date: 2026-01-10\n      - date: 2025-01-10\n",
            "years.2026.working_days[1]",
        ),
        (
            "years:\n  2026:\n    days_off:\n      - date: 2027-01-02\n",
            "years.2026.days_off[0]",
        ),
    ],
    ids=["not-a-date", "missing-date", "bare-date", "wrong-year-working", "wrong-year-off"],
)
def test_a_bad_calendar_file_is_refused_naming_the_entry(
    tmp_path: Path, body: str, where: str
) -> None:
    path = write_calendar_file(tmp_path, body)

    with pytest.raises(CalendarFileError) as caught:
        read_calendar_file(path)

    message = str(caught.value)
    assert where in message
    assert "office.yaml" in message


def test_a_date_in_the_wrong_year_says_which_year_it_should_be_in(tmp_path: Path) -> None:
    path = write_calendar_file(
        tmp_path, "years:\n  2026:\n    working_days:\n      - date: 2025-01-10\n"
    )

    with pytest.raises(CalendarFileError, match=r"2025-01-10 is not in 2026"):
        read_calendar_file(path)


def test_an_impossible_calendar_date_is_refused_naming_the_entry(tmp_path: Path) -> None:
    path = write_calendar_file(
        tmp_path, "years:\n  2026:\n    days_off:\n      - date: 2026-02-30\n"
    )

    with pytest.raises(CalendarFileError, match=r"years\.2026\.days_off\[0\]"):
        read_calendar_file(path)


def test_an_empty_calendar_file_has_no_rules(tmp_path: Path) -> None:
    assert read_calendar_file(write_calendar_file(tmp_path, "")) == []
