"""What needs the coordinator's attention today: the overdue tasks, those due within the
next few working days, those waiting for a decision, and where each unit stands.

One read of the open tasks (with their directive and lead unit), classified at one
instant on the working calendar. The front ends draw it (the Prefect artifacts, the CLI);
this module only decides what is listed, in which order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from engine.domain.calendar import WorkingCalendar
from engine.domain.lifecycle import OPEN_STATES, Status
from engine.store.tables import DirectiveRow, TaskRow, UnitRow

#: the default horizon of "due soon": the deadline within this many working days
DUE_WITHIN_WORKING_DAYS = 5

#: states in which the task waits for the office, not for the unit
_DECISION_NAMES = ("submitted", "extension_requested", "declined")
WAITING_STATES: frozenset[Status] = frozenset(s for s in Status if s.value in _DECISION_NAMES)


@dataclass(frozen=True)
class AttentionTask:
    """One open task as the overview lists it."""

    id: int
    reference: str
    number: str
    title: str
    unit: str | None
    unit_name: str
    person: str  # the named person in charge, or the unit's head
    deadline: date | None
    status: Status
    escalation_level: int
    working_days_overdue: int  # 0 unless overdue
    working_days_left: int  # working days from today to the deadline (0: due today)
    since: datetime  # the task's last change: how long a decision has been waiting

    @property
    def handle(self) -> str:
        """How a coordinator names it: '45/TB-VPCTN#2' (the id when it has no number)."""
        return f"{self.reference}#{self.number}" if self.number else f"{self.reference} ({self.id})"


@dataclass
class UnitSummary:
    code: str
    name: str
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    waiting: int = 0
    highest_level: int = 0


@dataclass
class Overview:
    now: datetime
    due_within: int
    overdue: list[AttentionTask] = field(default_factory=list)
    due_soon: list[AttentionTask] = field(default_factory=list)
    waiting: list[AttentionTask] = field(default_factory=list)
    units: list[UnitSummary] = field(default_factory=list)
    open_total: int = 0


def overview(
    session: Session,
    calendar: WorkingCalendar,
    now: datetime,
    *,
    due_within: int = DUE_WITHIN_WORKING_DAYS,
) -> Overview:
    """Classify every open task at `now`:

    - overdue: the deadline in force has passed (highest escalation level first, then the
      most working days overdue);
    - due soon: the deadline is today or within `due_within` working days (earliest first);
    - waiting for a decision: a result submitted, an extension requested, a task declined
      (longest waiting first), whether or not it is also overdue;
    - per unit: open, overdue, due soon, waiting, and the highest level reached (units
      with the most overdue first).
    """
    today = calendar.local_date(now)
    horizon = calendar.add_working_days(today, due_within) if due_within > 0 else today
    query = (  # the columns shown, not whole rows: a big office has tens of thousands open
        select(  # type: ignore[call-overload]  # sqlmodel types select() up to 4 columns
            TaskRow.id, TaskRow.number, TaskRow.title, TaskRow.lead_unit, TaskRow.owner,
            TaskRow.deadline, TaskRow.status, TaskRow.escalation_level, TaskRow.updated_at,
            DirectiveRow.reference, UnitRow.name_vi, UnitRow.head_name,
        )
        .join(DirectiveRow, col(TaskRow.directive_id) == col(DirectiveRow.id))
        .outerjoin(UnitRow, col(TaskRow.lead_unit) == col(UnitRow.code))
        .where(col(TaskRow.status).in_([s.value for s in OPEN_STATES | WAITING_STATES]))
    )  # fmt: skip
    result = Overview(now, due_within)
    units: dict[str, UnitSummary] = {}
    counted = _WorkingDays(calendar, today)
    for row in session.exec(query):
        item = _attention(row, counted)
        result.open_total += 1
        summary = units.setdefault(item.unit or "", UnitSummary(item.unit or "", item.unit_name))
        summary.open += 1
        summary.highest_level = max(summary.highest_level, item.escalation_level)
        if item.status in WAITING_STATES:
            result.waiting.append(item)
            summary.waiting += 1
        if item.deadline is None:
            continue
        if item.deadline < today:
            result.overdue.append(item)
            summary.overdue += 1
        elif item.deadline <= horizon and item.status not in WAITING_STATES:
            result.due_soon.append(item)
            summary.due_soon += 1
    result.overdue.sort(key=lambda t: (-t.escalation_level, -t.working_days_overdue, t.id))
    result.due_soon.sort(key=lambda t: (t.deadline or today, t.id))
    result.waiting.sort(key=lambda t: (t.since, t.id))
    result.units = sorted(
        units.values(), key=lambda u: (-u.overdue, -u.highest_level, -u.due_soon, u.code)
    )
    return result


class _WorkingDays:
    """Working days between today and each deadline, from one walk over the calendar: the
    running count of working days from the earliest day asked for, extended as needed (a
    count day by day for each of thousands of deadlines would walk the same days again)."""

    def __init__(self, calendar: WorkingCalendar, today: date) -> None:
        self.calendar, self.today = calendar, today
        self.first = self.last = today
        self.running: dict[date, int] = {today: 0}

    def _cover(self, day: date) -> None:
        while day < self.first:  # running[d] - running[d - 1] is 1 on a working day d
            earlier = self.first - timedelta(days=1)
            self.running[earlier] = self.running[self.first] - self.calendar.is_working_day(
                self.first
            )
            self.first = earlier
        while day > self.last:
            later = self.last + timedelta(days=1)
            self.running[later] = self.running[self.last] + self.calendar.is_working_day(later)
            self.last = later

    def between(self, deadline: date) -> int:
        """Working days overdue (deadline before today) or left (deadline today or after):
        the working days in the half-open span (earlier, later]."""
        self._cover(deadline)
        return abs(self.running[deadline] - self.running[self.today])


def _attention(row: Any, counted: _WorkingDays) -> AttentionTask:
    (task_id, number, title, unit, owner, deadline, status, level, updated_at, reference,
     unit_name, head_name) = row  # fmt: skip
    today = counted.today
    overdue = counted.between(deadline) if deadline and deadline < today else 0
    left = counted.between(deadline) if deadline and deadline >= today else 0
    return AttentionTask(
        id=task_id,
        reference=reference,
        number=number,
        title=title,
        unit=unit,
        unit_name=unit_name or "",
        person=owner or head_name or "",
        deadline=deadline,
        status=Status(status),
        escalation_level=level,
        working_days_overdue=overdue,
        working_days_left=left,
        since=updated_at,
    )
