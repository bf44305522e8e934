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
class TaperStage:
    """While overdue, a reminder every `every` working days, for the first `span` working
    days of this stage (None: for as long as the task stays overdue)."""

    every: int
    span: int | None = None


@dataclass(frozen=True)
class ExtensionLimits:
    """How far extensions may go on one task: how many may be approved, and how many
    working days they may add in all (None: no limit). The authority may go beyond,
    explicitly, and the trail records that it did."""

    max_count: int | None = None
    max_working_days: int | None = None


@dataclass(frozen=True)
class Policy:
    remind_before: tuple[int, ...] = (7, 3, 1)
    remind_on_the_day: bool = True
    overdue_every: int = 2
    #: how overdue reminders taper (e.g. every 2 working days for 10, then every 5); empty:
    #: every `overdue_every` working days for as long as the task is overdue
    overdue_taper: tuple[TaperStage, ...] = ()
    #: stop the overdue reminders once every escalation level has been reached (the top
    #: level's notice goes out that day, and the leader's review keeps listing the task)
    stop_after_top_escalation: bool = False
    #: "weekly": the leader's digest lists the task, still open at the top level, on the
    #: first working day of each week (`engine.domain.leader_digest`); "off": it does not
    leader_digest: str = "weekly"
    extensions: ExtensionLimits = field(default_factory=ExtensionLimits)
    #: a deadline on a day off ends at the end of the next working day (Bộ luật Dân sự
    #: 2015, art. 148 khoản 5); the date as written stays on the task
    deadline_off_day_to_next_working_day: bool = True
    #: how often a unit is asked to report progress on an open task, in working days: the
    #: review's update-compliance rate counts those that did (None: not asked)
    progress_report_every: int | None = None
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


def taper_of(policy: Policy) -> tuple[TaperStage, ...]:
    """The policy's overdue stages: its taper, or one open stage every `overdue_every`."""
    return policy.overdue_taper or (TaperStage(max(policy.overdue_every, 1)),)


def overdue_reminder_days(policy: Policy, up_to: int) -> list[int]:
    """The working days overdue (1 = the first working day after the deadline), up to
    `up_to`, on which the policy sends an overdue reminder.

    1. The first stage starts on day 1 and sends every `every` days while within its span.
    2. Each next stage goes on from the last reminder of the one before, `every` of its
       own days later, while within its span (counted from the end of the one before).
    3. After a last stage with a span, there are no more reminders.
    A stop after the top escalation level (see `reminders_stop_after`) comes on top.
    """
    days: list[int] = []
    last, end = 0, 0
    for i, stage in enumerate(taper_of(policy)):
        every = max(stage.every, 1)
        end = end + stage.span if stage.span is not None else up_to
        day = 1 if i == 0 else last + every
        while day <= min(end, up_to):
            days.append(day)
            last, day = day, day + every
        if stage.span is None or day > up_to:
            break
    return days


def reminders_stop_after(policy: Policy) -> int | None:
    """The working days overdue after which no overdue reminder goes (the day every
    escalation level has been reached), or None when they do not stop."""
    if not policy.stop_after_top_escalation or not policy.escalation:
        return None
    return max(step.after for step in policy.escalation)


def deadline_in_force(day: date, calendar: WorkingCalendar, policy: Policy) -> date:
    """The deadline a date sets: itself, or, when it falls on a day off and the policy
    says so, the next working day (a period whose last day is a day off ends at the end
    of the next working day: Civil Code 2015, art. 148(5))."""
    if not policy.deadline_off_day_to_next_working_day or calendar.is_working_day(day):
        return day
    return calendar.add_working_days(day, 1)


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
    3. Overdue: the n-th overdue reminder (`overdue_reminder_days`: every `overdue_every`
       working days, or as the taper says), none once they stop after the top level.
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
    stop = reminders_stop_after(policy)
    if overdue >= 1 and (stop is None or overdue <= stop):
        sent = overdue_reminder_days(policy, overdue)
        if sent:
            out.append(DueNotice(NoticeKind.OVERDUE, len(sent) - 1))
    out.extend(
        DueNotice(NoticeKind.ESCALATION, s.level) for s in policy.escalation if overdue >= s.after
    )
    return out


def next_check_on(
    deadline: date, today: date, calendar: WorkingCalendar, policy: Policy
) -> date | None:
    """The first working day after `today` on which `due_notices` can say something new;
    None when nothing more will be said (the reminders stopped and every level is reached)."""
    candidates = [_working_days_before(deadline, o, calendar) for o in policy.remind_before]
    candidates.append(_working_days_before(deadline, 0, calendar))
    overdue_now = calendar.working_days_after(deadline, today) if today > deadline else 0
    stop = reminders_stop_after(policy)
    if stop is not None and overdue_now >= stop:
        later = [d for d in candidates if d > today]
        return min(later) if later else None
    next_day = _next_reminder_day(policy, overdue_now)
    if next_day is not None and (stop is None or next_day <= stop):
        candidates.append(calendar.add_working_days(deadline, next_day))
    candidates += [calendar.add_working_days(deadline, s.after) for s in policy.escalation]
    later = [d for d in candidates if d > today]
    if later:
        return min(later)
    return (
        None if (stop is not None or policy.overdue_taper) else calendar.add_working_days(today, 1)
    )


def _next_reminder_day(policy: Policy, overdue_now: int) -> int | None:
    """The first overdue reminder day after `overdue_now`, or None when there is none."""
    stages = taper_of(policy)
    if len(stages) == 1 and stages[0].span is None:  # one open stage: a plain step
        every = max(stages[0].every, 1)
        step = (overdue_now - 1) // every + 1 if overdue_now >= 1 else 0
        return 1 + step * every
    horizon = overdue_now + max(max(s.every, 1) for s in stages)
    later = [d for d in overdue_reminder_days(policy, horizon) if d > overdue_now]
    return later[0] if later else None


def beyond_extension_limits(
    limits: ExtensionLimits, granted: int, days_granted: int, days_asked: int
) -> tuple[str, str] | None:
    """Why one more extension of `days_asked` working days goes beyond the limits, after
    `granted` extensions adding `days_granted` working days in all: (Vietnamese, English);
    None when it stays within them."""
    if limits.max_count is not None and granted + 1 > limits.max_count:
        return (
            f"đã gia hạn {granted} lần, vượt số lần gia hạn tối đa ({limits.max_count} lần)",
            f"already extended {granted} time(s); the most allowed is {limits.max_count}",
        )
    total = days_granted + days_asked
    if limits.max_working_days is not None and total > limits.max_working_days:
        return (
            f"tổng thời gian gia hạn {total} ngày làm việc, vượt mức tối đa"
            f" {limits.max_working_days} ngày làm việc",
            f"the extensions would add {total} working days in all; the most allowed is"
            f" {limits.max_working_days}",
        )
    return None
