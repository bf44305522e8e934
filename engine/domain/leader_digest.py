"""The leader's weekly digest of what is still open at the top of the ladder.

Once a task has reached its policy's top escalation level and been reported, its overdue
reminders may stop (`stop_after_top_escalation`); the leader keeps hearing of it, once a
week, until it is completed or cancelled. The digest of an ISO week lists the tasks whose
top level was reported before that week began: a task reported this week is in that
report already, and comes in next week's digest.

Pure: the policy, the day and the calendar come in as arguments.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from engine.domain.calendar import WorkingCalendar
from engine.domain.policy import Policy

WEEKLY = "weekly"
OFF = "off"
#: the values of the policy's `leader_digest`
CHOICES = (WEEKLY, OFF)


def top_level(policy: Policy) -> int | None:
    """The policy's top escalation level, or None when it has no ladder."""
    return max((step.level for step in policy.escalation), default=None)


def listed(policy: Policy, escalation_level: int) -> bool:
    """Whether the digest lists an open task at `escalation_level` under `policy`: the
    digest is on and the task has reached the ladder's top level."""
    top = top_level(policy)
    return policy.leader_digest == WEEKLY and top is not None and escalation_level >= top


def week_label(day: date) -> str:
    """The ISO week `day` falls in, as the digest's key names it: '2026-W04'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_began(day: date, calendar: WorkingCalendar) -> datetime:
    """The instant `day`'s ISO week began (Monday, midnight, in the calendar's zone): a
    top level reported before it is news for this week's digest."""
    monday = day - timedelta(days=day.weekday())
    return datetime.combine(monday, time(0), tzinfo=calendar.timezone)
