"""Where a task stands: the report categories, overdue counts and "due soon".

Uses a small hand-written calendar (Asia/Ho_Chi_Minh, Tết 2026 from 16 to 20 Feb as days
off, Saturday 10 Jan 2026 as a make-up working day) so each expectation can be checked
against a paper calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.domain.calendar import WorkingCalendar, YearRules
from engine.domain.categories import (
    DUE_SOON_WORKING_DAYS,
    Category,
    Standing,
    category_at,
    standing,
)
from engine.domain.lifecycle import OPEN_STATES, Status

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
S = Status
C = Category

TET_2026 = {date(2026, 2, d): "Tết Nguyên Đán" for d in range(16, 21)}


def small_calendar() -> WorkingCalendar:
    def rules(year: int) -> YearRules:
        if year != 2026:
            return YearRules()
        return YearRules(
            days_off={date(2026, 1, 1): "Tết Dương lịch", **TET_2026},
            working_days={date(2026, 1, 10): "Làm bù"},
        )

    return WorkingCalendar(rules, "Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A local Hà Nội wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=HANOI)


@dataclass(frozen=True)
class Case:
    name: str
    status: Status
    deadline: date | None
    now: datetime
    expected: Standing
    completed_at: datetime | None = None


def on(category: Category | None) -> Standing:
    return Standing(category, overdue=False, working_days_overdue=0, due_soon=False)


def overdue(days: int) -> Standing:
    return Standing(C.IN_PROGRESS_OVERDUE, overdue=True, working_days_overdue=days, due_soon=False)


def within(*, due_soon: bool) -> Standing:
    return Standing(
        C.IN_PROGRESS_WITHIN_DEADLINE, overdue=False, working_days_overdue=0, due_soon=due_soon
    )


# A table reads best one case per line or two; keep the formatter out of it.
# fmt: off
CASES = [
    # -- completed ---------------------------------------------------------------------
    Case("completed a day early", S.COMPLETED, date(2026, 3, 13), at(2026, 3, 20),
         on(C.COMPLETED_ON_TIME), completed_at=at(2026, 3, 12, 16)),
    Case("completed at 23:30 on the deadline day", S.COMPLETED, date(2026, 3, 13),
         at(2026, 3, 20), on(C.COMPLETED_ON_TIME), completed_at=at(2026, 3, 13, 23, 30)),
    Case("completed 16:30 UTC on the deadline day is 23:30 local", S.COMPLETED,
         date(2026, 3, 13), at(2026, 3, 20), on(C.COMPLETED_ON_TIME),
         completed_at=datetime(2026, 3, 13, 16, 30, tzinfo=UTC)),
    Case("completed 00:30 local the day after", S.COMPLETED, date(2026, 3, 13),
         at(2026, 3, 20), on(C.COMPLETED_LATE), completed_at=at(2026, 3, 14, 0, 30)),
    Case("completed 17:30 UTC on the deadline day is the next local day", S.COMPLETED,
         date(2026, 3, 13), at(2026, 3, 20), on(C.COMPLETED_LATE),
         completed_at=datetime(2026, 3, 13, 17, 30, tzinfo=UTC)),
    Case("completed late is not reported as overdue", S.COMPLETED, date(2026, 2, 13),
         at(2026, 3, 20), on(C.COMPLETED_LATE), completed_at=at(2026, 2, 25)),
    Case("completed ongoing duty", S.COMPLETED, None, at(2026, 3, 20),
         on(C.COMPLETED_ON_TIME), completed_at=at(2026, 3, 12)),
    # -- within the deadline -----------------------------------------------------------
    Case("in progress, deadline weeks away", S.IN_PROGRESS, date(2026, 3, 31),
         at(2026, 3, 2), within(due_soon=False)),
    Case("in progress, on the deadline day at 23:30", S.IN_PROGRESS, date(2026, 3, 13),
         at(2026, 3, 13, 23, 30), within(due_soon=True)),
    Case("assigned, three working days left", S.ASSIGNED, date(2026, 3, 13),
         at(2026, 3, 10), within(due_soon=True)),  # 11, 12, 13 Mar
    Case("assigned, four working days left", S.ASSIGNED, date(2026, 3, 13),
         at(2026, 3, 9), within(due_soon=False)),  # 10, 11, 12, 13 Mar
    Case("three working days left across a weekend", S.IN_PROGRESS, date(2026, 3, 10),
         at(2026, 3, 5), within(due_soon=True)),  # 6, 9, 10 Mar
    Case("three working days left across Tết", S.IN_PROGRESS, date(2026, 2, 23),
         at(2026, 2, 11), within(due_soon=True)),  # 12, 13, 23 Feb
    Case("four working days left across Tết", S.IN_PROGRESS, date(2026, 2, 24),
         at(2026, 2, 11), within(due_soon=False)),  # 12, 13, 23, 24 Feb
    Case("submitted, awaiting review, still within", S.SUBMITTED, date(2026, 3, 31),
         at(2026, 3, 2), within(due_soon=False)),
    Case("returned for rework, due tomorrow", S.RETURNED, date(2026, 3, 3),
         at(2026, 3, 2), within(due_soon=True)),
    # -- overdue -----------------------------------------------------------------------
    Case("in progress, one working day overdue", S.IN_PROGRESS, date(2026, 3, 12),
         at(2026, 3, 13), overdue(1)),
    Case("overdue at 00:30 local (17:30 UTC the day before)", S.IN_PROGRESS,
         date(2026, 3, 12), datetime(2026, 3, 12, 17, 30, tzinfo=UTC), overdue(1)),
    Case("overdue over a weekend counts working days only", S.IN_PROGRESS,
         date(2026, 3, 13), at(2026, 3, 16), overdue(1)),  # 16 Mar
    Case("overdue on the Saturday after a Friday deadline", S.IN_PROGRESS,
         date(2026, 3, 13), at(2026, 3, 14), overdue(0)),
    Case("overdue across Tết", S.IN_PROGRESS, date(2026, 2, 12), at(2026, 2, 25),
         overdue(4)),  # 13, 23, 24, 25 Feb
    Case("overdue counts the make-up Saturday", S.ASSIGNED, date(2026, 1, 9),
         at(2026, 1, 12), overdue(2)),  # 10 (Sat), 12 Jan
    Case("submitted after the deadline is still overdue until completed", S.SUBMITTED,
         date(2026, 3, 12), at(2026, 3, 17), overdue(3)),  # 13, 16, 17 Mar
    # -- extension requested: judged against the deadline in force --------------------
    Case("extension requested, deadline still ahead", S.EXTENSION_REQUESTED,
         date(2026, 3, 31), at(2026, 3, 2), within(due_soon=False)),
    Case("extension requested, deadline tomorrow", S.EXTENSION_REQUESTED,
         date(2026, 3, 3), at(2026, 3, 2), within(due_soon=True)),
    Case("extension requested, deadline passed", S.EXTENSION_REQUESTED,
         date(2026, 3, 12), at(2026, 3, 16), overdue(2)),  # 13, 16 Mar
    # -- ongoing duties and the states outside the report -----------------------------
    Case("ongoing duty in progress", S.IN_PROGRESS, None, at(2026, 3, 2), on(C.ONGOING)),
    Case("ongoing duty just assigned", S.ASSIGNED, None, at(2026, 3, 2), on(C.ONGOING)),
    Case("draft with a past deadline", S.DRAFT, date(2026, 1, 5), at(2026, 3, 2), on(None)),
    Case("draft without a deadline", S.DRAFT, None, at(2026, 3, 2), on(None)),
    Case("cancelled with a past deadline", S.CANCELLED, date(2026, 1, 5), at(2026, 3, 2),
         on(None)),
    # -- the side roads: counted apart, never overdue while they wait ------------------
    Case("paused, deadline weeks away", S.PAUSED, date(2026, 3, 31), at(2026, 3, 2),
         on(C.PAUSED)),
    Case("paused, deadline tomorrow is not due soon", S.PAUSED, date(2026, 3, 3),
         at(2026, 3, 2), on(C.PAUSED)),
    Case("paused, deadline long passed is not overdue", S.PAUSED, date(2026, 1, 5),
         at(2026, 3, 2), on(C.PAUSED)),
    Case("paused ongoing duty", S.PAUSED, None, at(2026, 3, 2), on(C.PAUSED)),
    Case("declined, deadline ahead", S.DECLINED, date(2026, 3, 31), at(2026, 3, 2),
         on(C.DECLINED)),
    Case("declined, deadline passed is not overdue", S.DECLINED, date(2026, 2, 12),
         at(2026, 2, 25), on(C.DECLINED)),
    Case("declined at 00:30 local after the deadline", S.DECLINED, date(2026, 3, 12),
         datetime(2026, 3, 12, 17, 30, tzinfo=UTC), on(C.DECLINED)),
    Case("declined ongoing duty", S.DECLINED, None, at(2026, 3, 2), on(C.DECLINED)),
]
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_standing(case: Case) -> None:
    got = standing(case.status, case.deadline, case.completed_at, case.now, small_calendar())

    assert got == case.expected


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_category_alone_is_the_one_in_the_standing(case: Case) -> None:
    got = category_at(case.status, case.deadline, case.completed_at, case.now, small_calendar())

    assert got is case.expected.category


def test_every_open_state_gets_a_category() -> None:
    for status in OPEN_STATES:
        got = standing(status, date(2026, 3, 12), None, at(2026, 3, 16), small_calendar())
        assert got.category is Category.IN_PROGRESS_OVERDUE, status


@pytest.mark.parametrize("status", [S.PAUSED, S.DECLINED], ids=str)
@pytest.mark.parametrize(
    "now",
    [at(2026, 2, 11), at(2026, 2, 12, 23, 59), at(2026, 2, 13), at(2026, 2, 18), at(2027, 1, 4)],
    ids=lambda d: d.isoformat(),
)
def test_a_side_road_task_keeps_its_category_at_any_instant(status: Status, now: datetime) -> None:
    got = standing(status, date(2026, 2, 12), None, now, small_calendar())

    assert got.category is Category(status.value)
    assert (got.overdue, got.due_soon, got.working_days_overdue) == (False, False, 0)


def test_due_soon_threshold_is_three_working_days() -> None:
    assert DUE_SOON_WORKING_DAYS == 3


def test_a_completed_task_without_its_completion_time_is_refused() -> None:
    with pytest.raises(ValueError, match="completion time"):
        standing(S.COMPLETED, date(2026, 3, 13), None, at(2026, 3, 20), small_calendar())
    with pytest.raises(ValueError, match="completion time"):
        category_at(S.COMPLETED, None, None, at(2026, 3, 20), small_calendar())
