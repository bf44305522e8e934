"""The side roads of a task's life (issue 16), one function each: `pause`, `resume`,
`decline`, `reassign` and `return_to_unit`.

`engine.services.tasks` offers them beside the other moves (`tasks.pause(…)`): the CLI,
the Prefect forms and the web pages call them there. Import them from there: this module
uses that one's `_move`, `_load_for_change` …, and is imported at its end.

Each is one transaction: the move, its event in the task's history with the actor and the
reason (the payload's `kind` names the event: paused, resumed, declined, reassigned,
returned_to_unit), and its mail queued through the notifier.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col

from engine.domain.calendar import WorkingCalendar
from engine.domain.errors import DomainError
from engine.domain.lifecycle import Status, check_move
from engine.domain.policy import Policies, deadline_in_force
from engine.notify import Notifier, head_recipient
from engine.services import tasks  # imports this module last, when all of it is defined
from engine.services.office_mail import tell_office
from engine.services.side_roads import (
    EVERYTHING,
    assign_to_new_head,
    deadline_marks,
    need_reason,
    paused_since,
    policy_of,
    revoke_pending_mail,
    tell_head,
)
from engine.store.tables import TaskCoordinatorRow, TaskRow, UnitRow


def pause(
    session: Session,
    task_id: int,
    *,
    at: datetime,
    actor: str,
    reason: str,
    notifier: Notifier | None = None,
    payload: dict[str, Any] | None = None,
) -> TaskRow:
    """Pause a task on the approving authority's word (tạm dừng: e.g. waiting for another
    ministry's opinion): no reminder, no escalation and no overdue while it is paused; the
    mail planned and not yet sent about it is withdrawn; the lead unit's head is told."""
    need_reason(reason, "tạm dừng", "pause a task")
    with tasks.one_change(session):
        task = tasks._load_for_change(session, task_id, at)
        current = Status(task.status)
        data = {
            "kind": "paused",
            "paused_from": current.value,
            "deadline": task.deadline.isoformat() if task.deadline else None,
        } | (payload or {})
        tasks._move(
            session,
            task,
            Status.PAUSED,
            at=at,
            actor=actor,
            reason=reason,
            payload=data,
            values={"next_check_on": None},
        )
        revoke_pending_mail(session, task_id, at, f"tạm dừng / paused: {reason}")
        tasks._tell_lead_unit(session, notifier, task, "task_paused", {"reason": reason}, at)
    session.refresh(task)
    return task


def resume(
    session: Session,
    task_id: int,
    *,
    at: datetime,
    actor: str,
    reason: str,
    calendar: WorkingCalendar,
    until: date | None = None,
    notifier: Notifier | None = None,
    policies: Policies | None = None,
    payload: dict[str, Any] | None = None,
) -> TaskRow:
    """Resume a paused task (in progress again). The deadline in force moves on by the
    working days spent paused (from the day it was paused to the day it resumes, the first
    not counted), or to `until` when the authority gives a date; a date on a day off ends
    on the next working day when the policy says so."""
    with tasks.one_change(session):
        task = tasks._load_for_change(session, task_id, at)
        check_move(Status(task.status), Status.IN_PROGRESS)
        if Status(task.status) is not Status.PAUSED:
            raise DomainError(f"nhiệm vụ {task_id} không ở trạng thái tạm dừng / not paused")
        paused = paused_since(session, task_id)
        today = calendar.local_date(at)
        days = calendar.working_days_after(calendar.local_date(paused.at), today)
        old = task.deadline
        written: date | None = None
        new: date | None = old
        if until is not None:
            if until < today:
                raise DomainError(
                    f"thời hạn mới {until:%d/%m/%Y} đã qua / the new deadline {until} has passed"
                )
            new = deadline_in_force(until, calendar, policy_of(session, task, policies))
            written = until if new != until else None
        elif old is not None and days >= 1:
            new = calendar.add_working_days(old, days)
        data: dict[str, Any] = {
            "kind": "resumed",
            "working_days_paused": days,
            "old_deadline": old.isoformat() if old else None,
        }
        values: dict[str, Any] = {"next_check_on": today}
        if new != old:
            data["new_deadline"] = new.isoformat() if new else None
            values = deadline_marks(task, new, today) | {"deadline_as_written": written}
        tasks._move(
            session,
            task,
            Status.IN_PROGRESS,
            at=at,
            actor=actor,
            reason=reason,
            payload=data | (payload or {}),
            values=values,
        )
        session.refresh(task)  # the deadline moved, for the mail's task
        context = {"reason": reason, "old_deadline": old, "new_deadline": new, "days": days}
        tasks._tell_lead_unit(session, notifier, task, "task_resumed", context, at)
    session.refresh(task)
    return task


def decline(
    session: Session,
    task_id: int,
    *,
    at: datetime,
    actor: str,
    reason: str,
    notifier: Notifier | None = None,
    payload: dict[str, Any] | None = None,
) -> TaskRow:
    """The lead unit declines the task as outside its remit (từ chối nhiệm vụ): it waits
    for the office's decision (`reassign` or `return_to_unit`); its reminders stop, and the
    office's coordinator is told."""
    need_reason(reason, "từ chối", "decline a task")
    with tasks.one_change(session):
        task = tasks._load_for_change(session, task_id, at)
        data = {"kind": "declined", "unit": task.lead_unit} | (payload or {})
        tasks._move(
            session,
            task,
            Status.DECLINED,
            at=at,
            actor=actor,
            reason=reason,
            payload=data,
            values={"next_check_on": None},
        )
        revoke_pending_mail(session, task_id, at, f"đơn vị từ chối / declined: {reason}")
        tell_office(
            session, notifier, task, "task_declined", {"reason": reason, "actor": actor}, at
        )
    session.refresh(task)
    return task


def reassign(
    session: Session,
    task_id: int,
    *,
    to_unit: str,
    at: datetime,
    actor: str,
    reason: str,
    notifier: Notifier | None = None,
    calendar: WorkingCalendar | None = None,
    until: date | None = None,
    policies: Policies | None = None,
    payload: dict[str, Any] | None = None,
) -> TaskRow:
    """Give a declined task to another lead unit (one lead unit a task: Decree 39/2022).
    The history keeps both units; the mail planned for the old one and not yet sent is
    withdrawn, its head is told; the new head gets the assignment, and the reminders go
    to the new unit from now on. `until` sets a new deadline with the reassignment."""
    need_reason(reason, "giao lại", "reassign a task")
    with tasks.one_change(session):
        task = tasks._load_for_change(session, task_id, at)
        if Status(task.status) is not Status.DECLINED:
            raise DomainError(
                f"chỉ giao lại nhiệm vụ đơn vị đã từ chối (nhiệm vụ {task_id}: {task.status})"
                f" / only a declined task is reassigned (task {task_id} is {task.status})"
            )
        code = to_unit.strip().upper()
        unit = session.get(UnitRow, code)
        if unit is None or not unit.active:
            raise DomainError(f"không có đơn vị {code} đang hoạt động / no active unit {code}")
        if code == task.lead_unit:
            raise DomainError(
                f"nhiệm vụ {task_id} đang do {code} chủ trì; dùng 'trả lại đơn vị'"
                f" / {code} already leads task {task_id}: return it to the unit instead"
            )
        if head_recipient(unit) is None:
            raise DomainError(f"đơn vị {code} chưa có thủ trưởng / unit {code} has no head")
        old_unit = session.get(UnitRow, task.lead_unit) if task.lead_unit else None
        today = tasks._office_date(at, calendar)
        values: dict[str, Any] = {"lead_unit": code, "owner": "", "next_check_on": today}
        data: dict[str, Any] = {"kind": "reassigned", "from_unit": task.lead_unit, "to_unit": code}
        if until is not None:
            policy = policy_of(session, task, policies)
            new = deadline_in_force(until, calendar, policy) if calendar else until
            values |= deadline_marks(task, new, today) | {
                "deadline_as_written": until if new != until else None
            }
            data |= {
                "old_deadline": task.deadline.isoformat() if task.deadline else None,
                "new_deadline": new.isoformat(),
            }
        session.execute(  # a unit is lead or coordinating on a task, not both
            delete(TaskCoordinatorRow).where(
                col(TaskCoordinatorRow.task_id) == task_id,
                col(TaskCoordinatorRow.unit_code) == code,
            )
        )
        tasks._move(
            session,
            task,
            Status.ASSIGNED,
            at=at,
            actor=actor,
            reason=reason,
            payload=data | (payload or {}),
            values=values,
        )
        why = f"giao lại cho {code} / reassigned to {code}"
        revoke_pending_mail(session, task_id, at, why, EVERYTHING)
        session.refresh(task)  # its new unit and deadline, for the mails below
        tell_head(
            session,
            notifier,
            task,
            old_unit,
            "task_reassigned",
            {"reason": reason, "new_unit_name": unit.name_vi},
            at,
        )
        key_day = task.deadline or tasks._office_date(task.created_at, calendar)
        assign_to_new_head(session, notifier, task, unit, key_day, at)
    session.refresh(task)
    return task


def return_to_unit(
    session: Session,
    task_id: int,
    *,
    at: datetime,
    actor: str,
    reason: str,
    notifier: Notifier | None = None,
    calendar: WorkingCalendar | None = None,
    payload: dict[str, Any] | None = None,
) -> TaskRow:
    """The office does not accept the unit's refusal: the task goes back to it, in
    progress, with the office's answer (`reason`); its reminders start again."""
    need_reason(reason, "trả lại", "answer a refusal")
    with tasks.one_change(session):
        task = tasks._load_for_change(session, task_id, at)
        if Status(task.status) is not Status.DECLINED:
            raise DomainError(
                f"nhiệm vụ {task_id} không ở trạng thái đơn vị từ chối / task {task_id} is not declined"
            )
        data = {"kind": "returned_to_unit", "unit": task.lead_unit} | (payload or {})
        tasks._move(
            session,
            task,
            Status.IN_PROGRESS,
            at=at,
            actor=actor,
            reason=reason,
            payload=data,
            values={"next_check_on": tasks._office_date(at, calendar)},
        )
        tasks._tell_lead_unit(session, notifier, task, "decline_answered", {"reason": reason}, at)
    session.refresh(task)
    return task
