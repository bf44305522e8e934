"""The reminder policy on its own: which notice is due on which day, when to look again,
office hours and the policy of a priority.

Written against mutation testing (bench/MUTATION.md): each expectation was counted by hand
on a small calendar (Asia/Ho_Chi_Minh; weekends, 01/01/2026 and Tết 2026 from 16 to 20 Feb
off, Saturday 10/01/2026 a make-up working day). March and April 2026 have weekends only:
Friday 13/03/2026 is the deadline of most cases, and the working days after it are
Mon 16, Tue 17, Wed 18, Thu 19, Fri 20, Mon 23, ..., Fri 27, Mon 30, Tue 31, Wed 01/04, ...
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from engine.domain.policy import (
    Audience,
    DueNotice,
    EscalationStep,
    NoticeKind,
    Policies,
    Policy,
    due_notices,
    in_office_hours,
    next_check_on,
)
from tests.builders import small_calendar

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = date(2026, 3, 13)  # a Friday
DEFAULT = Policy()  # reminders 7, 3, 1 working days before; overdue every 2; ladder 3/10/20

BEFORE, DUE, OVERDUE, ESCALATION = (
    NoticeKind.BEFORE,
    NoticeKind.DUE,
    NoticeKind.OVERDUE,
    NoticeKind.ESCALATION,
)


CAL = small_calendar()


def notices(*pairs: tuple[NoticeKind, int]) -> list[DueNotice]:
    return [DueNotice(kind, level) for kind, level in pairs]


# -- the policy of a priority ---------------------------------------------------------------


def test_a_priority_with_its_own_policy_gets_that_policy() -> None:
    urgent = Policy(remind_before=(2, 1), overdue_every=1)
    policies = Policies(by_priority={"urgent": urgent})

    assert policies.for_priority("urgent") is urgent


def test_a_priority_without_its_own_policy_gets_the_default() -> None:
    default = Policy(remind_before=(5,))
    policies = Policies(default=default, by_priority={"urgent": Policy(remind_before=(1,))})

    assert policies.for_priority("normal") is default
    assert policies.for_priority("high") is default


# -- office hours -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(datetime(2026, 3, 9, 8, 0, tzinfo=HANOI), True, id="monday-08:00-opens"),
        pytest.param(datetime(2026, 3, 9, 7, 59, tzinfo=HANOI), False, id="monday-07:59"),
        pytest.param(datetime(2026, 3, 9, 16, 59, tzinfo=HANOI), True, id="monday-16:59"),
        pytest.param(datetime(2026, 3, 9, 17, 0, tzinfo=HANOI), False, id="monday-17:00-closed"),
        pytest.param(datetime(2026, 3, 14, 10, 0, tzinfo=HANOI), False, id="saturday"),
        pytest.param(datetime(2026, 2, 17, 10, 0, tzinfo=HANOI), False, id="tet-tuesday"),
        pytest.param(datetime(2026, 1, 10, 10, 0, tzinfo=HANOI), True, id="make-up-saturday"),
        # 01:30 UTC is 08:30 in Hà Nội, 10:30 UTC is 17:30 there
        pytest.param(datetime(2026, 3, 9, 1, 30, tzinfo=UTC), True, id="utc-read-in-hanoi"),
        pytest.param(datetime(2026, 3, 9, 10, 30, tzinfo=UTC), False, id="utc-after-closing"),
        # Friday 20:00 UTC is Saturday 03:00 in Hà Nội
        pytest.param(datetime(2026, 3, 13, 20, 0, tzinfo=UTC), False, id="utc-friday-is-saturday"),
    ],
)  # fmt: skip
def test_office_hours_are_the_working_days_from_opening_to_closing(
    now: datetime, expected: bool
) -> None:
    assert in_office_hours(now, CAL, DEFAULT) is expected


def test_office_hours_follow_the_policys_own_opening_and_closing() -> None:
    late = Policy(office_start=time(13, 0), office_end=time(21, 0))
    monday = datetime(2026, 3, 9, 20, 0, tzinfo=HANOI)

    assert in_office_hours(monday, CAL, late)
    assert not in_office_hours(datetime(2026, 3, 9, 9, 0, tzinfo=HANOI), CAL, late)


# -- what is due on a day ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # before the deadline: the smallest of 7, 3, 1 not below the working days left
        pytest.param(date(2026, 3, 3), [], id="8-left-nothing-yet"),
        pytest.param(date(2026, 3, 4), notices((BEFORE, 7)), id="7-left"),
        pytest.param(date(2026, 3, 9), notices((BEFORE, 7)), id="4-left"),
        pytest.param(date(2026, 3, 10), notices((BEFORE, 3)), id="3-left"),
        pytest.param(date(2026, 3, 11), notices((BEFORE, 3)), id="2-left"),
        pytest.param(date(2026, 3, 12), notices((BEFORE, 1)), id="1-left"),
        pytest.param(date(2026, 3, 13), notices((DUE, 0)), id="the-deadline-day"),
        # after it: the n-th overdue reminder every 2 working days, then the ladder
        pytest.param(date(2026, 3, 14), [], id="saturday-after-no-working-day-overdue"),
        pytest.param(date(2026, 3, 16), notices((OVERDUE, 0)), id="1-overdue"),
        pytest.param(date(2026, 3, 17), notices((OVERDUE, 0)), id="2-overdue"),
        pytest.param(date(2026, 3, 18), notices((OVERDUE, 1), (ESCALATION, 1)),
                     id="3-overdue-level-1"),
        pytest.param(date(2026, 3, 26), notices((OVERDUE, 4), (ESCALATION, 1)),
                     id="9-overdue"),
        pytest.param(date(2026, 3, 27), notices((OVERDUE, 4), (ESCALATION, 1), (ESCALATION, 2)),
                     id="10-overdue-level-2"),
        pytest.param(date(2026, 4, 9), notices((OVERDUE, 9), (ESCALATION, 1), (ESCALATION, 2)),
                     id="19-overdue"),
        pytest.param(date(2026, 4, 10),
                     notices((OVERDUE, 9), (ESCALATION, 1), (ESCALATION, 2), (ESCALATION, 3)),
                     id="20-overdue-level-3"),
    ],
)  # fmt: skip
def test_the_default_policy_says_what_is_due_each_day(
    today: date, expected: list[DueNotice]
) -> None:
    assert due_notices(DEADLINE, today, CAL, DEFAULT) == expected


def test_a_deadline_on_a_saturday_is_due_on_the_friday_before() -> None:
    saturday = date(2026, 3, 14)

    assert due_notices(saturday, date(2026, 3, 13), CAL, DEFAULT) == notices((DUE, 0))
    assert due_notices(saturday, date(2026, 3, 12), CAL, DEFAULT) == notices((BEFORE, 1))


def test_no_reminder_on_the_day_when_the_policy_says_so() -> None:
    quiet = Policy(remind_on_the_day=False)

    assert due_notices(DEADLINE, DEADLINE, CAL, quiet) == []
    assert due_notices(DEADLINE, date(2026, 3, 12), CAL, quiet) == notices((BEFORE, 1))


def test_overdue_every_working_day_counts_each_day() -> None:
    daily = Policy(overdue_every=1, escalation=())

    assert due_notices(DEADLINE, date(2026, 3, 16), CAL, daily) == notices((OVERDUE, 0))
    assert due_notices(DEADLINE, date(2026, 3, 18), CAL, daily) == notices((OVERDUE, 2))


def test_an_overdue_interval_below_one_is_read_as_every_working_day() -> None:
    zero = Policy(overdue_every=0, escalation=())

    assert due_notices(DEADLINE, date(2026, 3, 18), CAL, zero) == notices((OVERDUE, 2))


def test_overdue_every_three_working_days() -> None:
    every3 = Policy(overdue_every=3, escalation=())

    # 3 overdue: (3 - 1) // 3 = 0; 4 overdue: (4 - 1) // 3 = 1
    assert due_notices(DEADLINE, date(2026, 3, 18), CAL, every3) == notices((OVERDUE, 0))
    assert due_notices(DEADLINE, date(2026, 3, 19), CAL, every3) == notices((OVERDUE, 1))


def test_escalation_levels_come_from_the_policys_own_ladder() -> None:
    ladder = Policy(
        escalation=(
            EscalationStep(4, 1, Audience.UNIT),
            EscalationStep(7, 2, Audience.LEADER),
        )
    )

    assert due_notices(DEADLINE, date(2026, 3, 16), CAL, ladder) == notices(
        (OVERDUE, 0), (ESCALATION, 4)
    )
    assert due_notices(DEADLINE, date(2026, 3, 17), CAL, ladder) == notices(
        (OVERDUE, 0), (ESCALATION, 4), (ESCALATION, 7)
    )


def test_reminder_offsets_come_from_the_policy() -> None:
    short = Policy(remind_before=(2,))

    assert due_notices(DEADLINE, date(2026, 3, 10), CAL, short) == []  # 3 left
    assert due_notices(DEADLINE, date(2026, 3, 11), CAL, short) == notices((BEFORE, 2))
    assert due_notices(DEADLINE, date(2026, 3, 12), CAL, short) == notices((BEFORE, 2))


# -- when to look again -----------------------------------------------------------------------

# For the deadline Fri 13/03 and the default policy, the days on which something new is due:
# Wed 04/03 (7 left), Tue 10/03 (3 left), Thu 12/03 (1 left), Fri 13/03 (the day),
# Mon 16/03 (1st overdue), then every 2 working days: Wed 18, Fri 20, Tue 24, ...;
# the ladder: Wed 18/03 (3 overdue), Fri 27/03 (10), Fri 10/04 (20).


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(date(2026, 2, 27), date(2026, 3, 4), id="weeks-before"),
        pytest.param(date(2026, 3, 3), date(2026, 3, 4), id="day-before-7-left"),
        pytest.param(date(2026, 3, 4), date(2026, 3, 10), id="7-left"),
        pytest.param(date(2026, 3, 9), date(2026, 3, 10), id="4-left"),
        pytest.param(date(2026, 3, 10), date(2026, 3, 12), id="3-left"),
        pytest.param(date(2026, 3, 12), date(2026, 3, 13), id="1-left"),
        pytest.param(date(2026, 3, 13), date(2026, 3, 16), id="the-day"),
        pytest.param(date(2026, 3, 14), date(2026, 3, 16), id="saturday-after"),
        pytest.param(date(2026, 3, 16), date(2026, 3, 18), id="1-overdue"),
        pytest.param(date(2026, 3, 17), date(2026, 3, 18), id="2-overdue"),
        pytest.param(date(2026, 3, 18), date(2026, 3, 20), id="3-overdue"),
        pytest.param(date(2026, 3, 20), date(2026, 3, 24), id="5-overdue"),
        pytest.param(date(2026, 3, 26), date(2026, 3, 27), id="9-overdue-level-2-next"),
        pytest.param(date(2026, 3, 27), date(2026, 3, 30), id="10-overdue"),
        pytest.param(date(2026, 4, 10), date(2026, 4, 13), id="20-overdue"),
    ],
)  # fmt: skip
def test_the_next_check_is_the_next_day_something_new_is_due(today: date, expected: date) -> None:
    assert next_check_on(DEADLINE, today, CAL, DEFAULT) == expected


def test_the_next_check_of_a_deadline_on_a_saturday_is_the_friday_before() -> None:
    saturday = date(2026, 3, 14)

    assert next_check_on(saturday, date(2026, 3, 12), CAL, DEFAULT) == date(2026, 3, 13)
    assert next_check_on(saturday, date(2026, 3, 13), CAL, DEFAULT) == date(2026, 3, 16)


def test_the_next_check_walks_back_over_tet() -> None:
    # deadline Mon 23/02/2026, the first working day after Tết: 1 left from Fri 13/02,
    # 3 left from Wed 11/02, 7 left from Thu 05/02 (6, 9 to 13 and 23 February)
    deadline = date(2026, 2, 23)

    assert next_check_on(deadline, date(2026, 2, 2), CAL, DEFAULT) == date(2026, 2, 5)
    assert next_check_on(deadline, date(2026, 2, 5), CAL, DEFAULT) == date(2026, 2, 11)
    assert next_check_on(deadline, date(2026, 2, 11), CAL, DEFAULT) == date(2026, 2, 13)
    assert next_check_on(deadline, date(2026, 2, 13), CAL, DEFAULT) == date(2026, 2, 23)


def test_the_next_check_follows_the_policys_overdue_interval_and_ladder() -> None:
    every3 = Policy(remind_before=(), overdue_every=3, escalation=())
    zero = Policy(remind_before=(), overdue_every=0, escalation=())
    ladder = Policy(
        remind_before=(), overdue_every=5, escalation=(EscalationStep(1, 2, Audience.UNIT),)
    )

    # 1 overdue on Mon 16: next reminders on the 4th (Thu 19) and 7th (Tue 24) overdue day
    assert next_check_on(DEADLINE, date(2026, 3, 16), CAL, every3) == date(2026, 3, 19)
    assert next_check_on(DEADLINE, date(2026, 3, 19), CAL, every3) == date(2026, 3, 24)
    # an interval below one is every working day
    assert next_check_on(DEADLINE, date(2026, 3, 16), CAL, zero) == date(2026, 3, 17)
    # the ladder's step at 2 overdue (Tue 17) comes before the next reminder (6th, Mon 23)
    assert next_check_on(DEADLINE, date(2026, 3, 16), CAL, ladder) == date(2026, 3, 17)
    assert next_check_on(DEADLINE, date(2026, 3, 17), CAL, ladder) == date(2026, 3, 23)
