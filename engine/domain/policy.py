"""Reminder and escalation policy as data, and what it says is due on a given day.

Everything here is pure: the calendar and the instant come in as arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from engine.domain.calendar import WorkingCalendar


class Audience(StrEnum):
    UNIT = "unit"  # the lead unit's head and deputies, the coordinator in copy
    PARENT = "parent"  # the parent unit's head, or the office leadership
    LEADER = "leader"  # the leader's digest


@dataclass(frozen=True)
class EscalationStep:
    level: int
    after: int  # working days overdue
    audience: Audience


@dataclass(frozen=True)
class Policy:
    remind_before: tuple[int, ...] = (7, 3, 1)
    remind_on_the_day: bool = True
    overdue_every: int = 2
    office_start: time = time(8, 0)
    office_end: time = time(17, 0)
    escalation: tuple[EscalationStep, ...] = (
        EscalationStep(1, 3, Audience.UNIT),
        EscalationStep(2, 10, Audience.PARENT),
        EscalationStep(3, 20, Audience.LEADER),
    )


@dataclass(frozen=True)
class Policies:
    default: Policy = field(default_factory=Policy)
    by_priority: Mapping[str, Policy] = field(default_factory=dict)

    def for_priority(self, priority: str) -> Policy:
        return self.by_priority.get(priority, self.default)


class NoticeKind(StrEnum):
    ASSIGNMENT = "assignment"
    BEFORE = "before"  # level = working days before the deadline
    DUE = "due"  # on the deadline day
    OVERDUE = "overdue"  # level = the n-th overdue reminder, from 0
    ESCALATION = "escalation"  # level = the ladder's level


@dataclass(frozen=True, order=True)
class DueNotice:
    kind: NoticeKind
    level: int


def in_office_hours(now: datetime, calendar: WorkingCalendar, policy: Policy) -> bool:
    """A working day on the calendar, between the office's opening and closing time."""
    local = now.astimezone(calendar.timezone)
    if not calendar.is_working_day(local.date()):
        return False
    return policy.office_start <= local.time().replace(tzinfo=None) < policy.office_end


def _working_days_before(deadline: date, count: int, calendar: WorkingCalendar) -> date:
    """The working day from which `count` working days remain up to the deadline."""
    day = calendar.add_working_days(deadline, 1)  # walk back from just past the deadline
    remaining = 0
    while remaining <= count:
        day = date.fromordinal(day.toordinal() - 1)
        if calendar.is_working_day(day):
            remaining = calendar.working_days_after(day, deadline)
            if remaining == count:
                return day
    return day


def due_notices(
    deadline: date, today: date, calendar: WorkingCalendar, policy: Policy
) -> list[DueNotice]:
    """What the policy says is due for an open task on `today` (a working day).

    1. Before the deadline: the smallest reminder offset not below the working days
       left, so a missed day still gets the most urgent reminder once.
    2. On the deadline day (or the last working day before a deadline on a day off).
    3. Overdue: the n-th overdue reminder, every `overdue_every` working days.
    4. Every escalation level whose threshold has been reached.
    Each notice is keyed by (kind, level) together with the deadline in force, so the
    store can make sure each is sent once.
    """
    out: list[DueNotice] = []
    if today <= deadline:
        left = calendar.working_days_after(today, deadline)
        if today == deadline or left == 0:
            if policy.remind_on_the_day:
                out.append(DueNotice(NoticeKind.DUE, 0))
        else:
            offsets = [o for o in policy.remind_before if o >= left]
            if offsets:
                out.append(DueNotice(NoticeKind.BEFORE, min(offsets)))
        return out
    overdue = calendar.working_days_after(deadline, today)
    if overdue >= 1:
        out.append(DueNotice(NoticeKind.OVERDUE, (overdue - 1) // max(policy.overdue_every, 1)))
    out.extend(
        DueNotice(NoticeKind.ESCALATION, s.level) for s in policy.escalation if overdue >= s.after
    )
    return out


def next_check_on(deadline: date, today: date, calendar: WorkingCalendar, policy: Policy) -> date:
    """The first working day after `today` on which `due_notices` can say something new."""
    candidates = [_working_days_before(deadline, o, calendar) for o in policy.remind_before]
    candidates.append(_working_days_before(deadline, 0, calendar))
    every = max(policy.overdue_every, 1)
    overdue_now = calendar.working_days_after(deadline, today) if today > deadline else 0
    step = (overdue_now - 1) // every + 1 if overdue_now >= 1 else 0
    candidates.append(calendar.add_working_days(deadline, 1 + step * every))
    candidates += [calendar.add_working_days(deadline, s.after) for s in policy.escalation]
    later = [d for d in candidates if d > today]
    return min(later) if later else calendar.add_working_days(today, 1)
