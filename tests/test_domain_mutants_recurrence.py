"""Periods of recurring obligations and the working days of a month, one case per line.

Written against mutation testing (bench/MUTATION.md): every expected date was worked out by
hand on a small calendar (weekends, 01/01/2026 and Tết 2026 from 16 to 20 Feb off,
Saturday 10/01/2026 a make-up working day; other years have weekends only).
"""

from __future__ import annotations

from datetime import date

import pytest

from engine.domain.model import Recurrence
from engine.domain.recurrence import (
    first_deadline,
    last_working_day_until,
    next_deadline,
    next_instance_on,
    period_end,
)
from tests.builders import small_calendar

MONTHLY, QUARTERLY, YEARLY, ONGOING = (
    Recurrence.MONTHLY,
    Recurrence.QUARTERLY,
    Recurrence.YEARLY,
    Recurrence.ONGOING,
)


CAL = small_calendar()


@pytest.mark.parametrize(
    ("day", "recurrence", "expected"),
    [
        pytest.param(date(2026, 2, 10), MONTHLY, date(2026, 2, 28), id="month-february"),
        pytest.param(date(2024, 2, 1), MONTHLY, date(2024, 2, 29), id="month-leap-february"),
        pytest.param(date(2026, 4, 30), MONTHLY, date(2026, 4, 30), id="month-its-last-day"),
        pytest.param(date(2026, 1, 5), QUARTERLY, date(2026, 3, 31), id="quarter-1"),
        pytest.param(date(2026, 3, 31), QUARTERLY, date(2026, 3, 31), id="quarter-1-last-day"),
        pytest.param(date(2026, 4, 1), QUARTERLY, date(2026, 6, 30), id="quarter-2-first-day"),
        pytest.param(date(2026, 8, 15), QUARTERLY, date(2026, 9, 30), id="quarter-3"),
        pytest.param(date(2026, 12, 1), QUARTERLY, date(2026, 12, 31), id="quarter-4"),
        pytest.param(date(2026, 1, 1), YEARLY, date(2026, 12, 31), id="year-first-day"),
        pytest.param(date(2026, 7, 9), YEARLY, date(2026, 12, 31), id="year"),
    ],
)  # fmt: skip
def test_a_period_ends_on_the_last_day_of_its_month_quarter_or_year(
    day: date, recurrence: Recurrence, expected: date
) -> None:
    assert period_end(day, recurrence) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 3, 31), date(2026, 3, 31), id="a-working-day-itself"),
        pytest.param(date(2026, 2, 28), date(2026, 2, 27), id="saturday-to-friday"),
        pytest.param(date(2026, 2, 22), date(2026, 2, 13), id="back-over-tet"),
        pytest.param(date(2026, 1, 11), date(2026, 1, 10), id="make-up-saturday"),
    ],
)  # fmt: skip
def test_the_last_working_day_until_a_day(day: date, expected: date) -> None:
    assert last_working_day_until(day, CAL) == expected


@pytest.mark.parametrize(
    ("issued_on", "recurrence", "expected"),
    [
        pytest.param(date(2026, 3, 2), MONTHLY, date(2026, 3, 31), id="month-early"),
        # 27, 30 and 31 March left: 3 working days are enough
        pytest.param(date(2026, 3, 26), MONTHLY, date(2026, 3, 31), id="month-3-days-left"),
        # only 30 and 31 March left: the next month's last working day
        pytest.param(date(2026, 3, 27), MONTHLY, date(2026, 4, 30), id="month-2-days-left"),
        pytest.param(date(2026, 2, 2), MONTHLY, date(2026, 2, 27), id="month-ends-on-saturday"),
        pytest.param(date(2026, 2, 11), MONTHLY, date(2026, 2, 27), id="month-across-tet"),
        pytest.param(date(2025, 12, 15), QUARTERLY, date(2025, 12, 31), id="quarter"),
        # only 30 and 31 December 2025 left: the first quarter of 2026
        pytest.param(date(2025, 12, 29), QUARTERLY, date(2026, 3, 31), id="quarter-next-year"),
        pytest.param(date(2026, 3, 5), YEARLY, date(2026, 12, 31), id="year"),
        pytest.param(date(2025, 12, 29), YEARLY, date(2026, 12, 31), id="year-2-days-left"),
    ],
)  # fmt: skip
def test_the_first_deadline_is_the_periods_last_working_day_unless_too_close(
    issued_on: date, recurrence: Recurrence, expected: date
) -> None:
    assert first_deadline(issued_on, recurrence, CAL) == expected


@pytest.mark.parametrize(
    ("deadline", "recurrence", "expected"),
    [
        # on the period's last working day: the next period's last working day
        pytest.param(date(2026, 1, 30), MONTHLY, date(2026, 2, 27), id="month-last-working-day"),
        pytest.param(date(2026, 3, 31), QUARTERLY, date(2026, 6, 30), id="quarter-last-working-day"),
        pytest.param(date(2026, 12, 31), YEARLY, date(2027, 12, 31), id="year-last-working-day"),
        # otherwise the same calendar day, whatever day it is; a month-end stays a month-end
        pytest.param(date(2026, 1, 15), MONTHLY, date(2026, 2, 15), id="month-same-day"),
        pytest.param(date(2026, 1, 29), MONTHLY, date(2026, 2, 28), id="month-29-to-short-february"),
        pytest.param(date(2026, 1, 31), MONTHLY, date(2026, 2, 28), id="month-end-saturday"),
        pytest.param(date(2026, 2, 28), MONTHLY, date(2026, 3, 31), id="month-end-stays-month-end"),
        pytest.param(date(2025, 12, 15), QUARTERLY, date(2026, 3, 15), id="quarter-into-next-year"),
        pytest.param(date(2025, 11, 30), QUARTERLY, date(2026, 2, 28), id="quarter-november-end"),
        pytest.param(date(2026, 10, 15), QUARTERLY, date(2027, 1, 15), id="quarter-october"),
        pytest.param(date(2027, 2, 28), YEARLY, date(2028, 2, 29), id="year-february-end-leap"),
        pytest.param(date(2028, 2, 29), YEARLY, date(2029, 2, 28), id="year-leap-day"),
        pytest.param(date(2026, 6, 15), YEARLY, date(2027, 6, 15), id="year-same-day"),
    ],
)  # fmt: skip
def test_the_next_deadline_is_the_same_point_in_the_next_period(
    deadline: date, recurrence: Recurrence, expected: date
) -> None:
    assert next_deadline(deadline, recurrence, CAL) == expected


@pytest.mark.parametrize(
    ("deadline", "recurrence", "expected"),
    [
        pytest.param(date(2026, 3, 31), MONTHLY, date(2026, 4, 1), id="monthly"),
        pytest.param(date(2025, 12, 31), QUARTERLY, date(2026, 1, 1), id="quarterly-new-year"),
        pytest.param(date(2026, 2, 28), YEARLY, date(2026, 3, 1), id="yearly"),
        pytest.param(date(2026, 3, 31), ONGOING, None, id="ongoing-none"),
        pytest.param(date(2026, 3, 31), None, None, id="one-off-none"),
        pytest.param(None, MONTHLY, None, id="no-deadline-none"),
    ],
)  # fmt: skip
def test_the_next_instance_is_created_the_day_after_the_deadline(
    deadline: date | None, recurrence: Recurrence | None, expected: date | None
) -> None:
    assert next_instance_on(deadline, recurrence) == expected


# -- the working days of a month ------------------------------------------------------------


def test_the_working_days_of_a_month_with_tet_off() -> None:
    february = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 23, 24, 25, 26, 27]

    assert CAL.working_days_in(2026, 2) == [date(2026, 2, d) for d in february]


def test_the_working_days_of_a_month_with_a_holiday_and_a_make_up_saturday() -> None:
    january = [2, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29, 30]

    assert CAL.working_days_in(2026, 1) == [date(2026, 1, d) for d in january]


def test_the_working_days_of_december_run_to_its_last_day() -> None:
    # December 2025 begins on a Monday and ends on a Wednesday
    december = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 22, 23, 24, 25, 26,
                29, 30, 31]  # fmt: skip

    assert CAL.working_days_in(2025, 12) == [date(2025, 12, d) for d in december]


def test_the_working_days_of_november_stop_at_the_thirtieth() -> None:
    # November 2026 begins on a Sunday and ends on Monday the 30th
    november = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27, 30]

    assert CAL.working_days_in(2026, 11) == [date(2026, 11, d) for d in november]
