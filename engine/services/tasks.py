"""Looking at tasks and moving them through their lifecycle, with the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from engine.domain.calendar import DEFAULT_TIMEZONE, WorkingCalendar
from engine.domain.categories import Standing, standing
from engine.domain.errors import DomainError
from engine.domain.lifecycle import Status, check_move
from engine.domain.model import Clear, Recurrence, describe_missing
from engine.domain.policy import Policies, beyond_extension_limits, deadline_in_force
from engine.domain.recurrence import next_instance_on
from engine.notify import Notifier, head_recipient
from engine.services.office_mail import tell_office, uploads_of
from engine.services.side_roads import extensions_granted, not_a_side_road, policy_of
from engine.store.tables import DirectiveRow, TaskCoordinatorRow, TaskEventRow, TaskRow, UnitRow


class TaskNotFound(DomainError):
    def __init__(self, task_id: int) -> None:
        super().__init__(f"không có nhiệm vụ số {task_id} / no task with id {task_id}")


class ConcurrentChange(DomainError):
    pass


@dataclass(frozen=True)
class TaskLine:
    id: int
    reference: str
    number: str
    title: str
    lead_unit: str | None
    lead_unit_name: str
    deadline: date | None
    recurrence: str | None
    status: Status
    standing: Standing
    missing: tuple[Clear, ...]


@dataclass(frozen=True)
class TaskDetail:
    line: TaskLine
    task: TaskRow
    directive: DirectiveRow
    lead_unit: UnitRow | None
    coordinating_units: list[str]
    events: list[TaskEventRow]


def _line(
    task: TaskRow,
    directive: DirectiveRow,
    unit: UnitRow | None,
    calendar: WorkingCalendar,
    now: datetime,
) -> TaskLine:
    assert task.id is not None
    status = Status(task.status)
    return TaskLine(
        id=task.id,
        reference=directive.reference,
        number=task.number,
        title=task.title,
        lead_unit=task.lead_unit,
        lead_unit_name=unit.name_vi if unit else "",
        deadline=task.deadline,
        recurrence=task.recurrence,
        status=status,
        standing=standing(status, task.deadline, task.completed_at, now, calendar),
        missing=tuple(Clear(m) for m in task.missing),
    )


def list_tasks(
    session: Session,
    calendar: WorkingCalendar,
    now: datetime,
    *,
    unit: str | None = None,
    status: Status | None = None,
    overdue_only: bool = False,
    reference: str | None = None,
) -> list[TaskLine]:
    query = (
        select(TaskRow, DirectiveRow, UnitRow)
        .join(DirectiveRow, col(TaskRow.directive_id) == col(DirectiveRow.id))
        .outerjoin(UnitRow, col(TaskRow.lead_unit) == col(UnitRow.code))
        .order_by(col(TaskRow.deadline).is_(None), col(TaskRow.deadline), col(TaskRow.id))
    )
    if unit:
        query = query.where(col(TaskRow.lead_unit) == unit.upper())
    if status:
        query = query.where(col(TaskRow.status) == status.value)
    if reference:
        query = query.where(col(DirectiveRow.reference) == reference)
    if overdue_only:  # narrow in SQL, then let the calendar decide
        query = query.where(col(TaskRow.deadline) < calendar.local_date(now))
    lines = [_line(t, d, u, calendar, now) for t, d, u in session.exec(query).all()]
    if overdue_only:
        lines = [line for line in lines if line.standing.overdue]
    return lines


def get_task(session: Session, task_id: int) -> TaskRow:
    """The task of this id, or TaskNotFound."""
    task = session.get(TaskRow, task_id)
    if task is None:
        raise TaskNotFound(task_id)
    return task


def task_detail(
    session: Session, task_id: int, calendar: WorkingCalendar, now: datetime
) -> TaskDetail:
    task = get_task(session, task_id)
    directive = session.get(DirectiveRow, task.directive_id)
    assert directive is not None
    unit = session.get(UnitRow, task.lead_unit) if task.lead_unit else None
    coordinators = session.exec(
        select(TaskCoordinatorRow.unit_code)
        .where(TaskCoordinatorRow.task_id == task_id)
        .order_by(col(TaskCoordinatorRow.unit_code))
    ).all()
    events = session.exec(
        select(TaskEventRow)
        .where(TaskEventRow.task_id == task_id)
        .order_by(col(TaskEventRow.at), col(TaskEventRow.id))
    ).all()
    return TaskDetail(
        _line(task, directive, unit, calendar, now),
        task,
        directive,
        unit,
        list(coordinators),
        list(events),
    )


def _last_event_at(session: Session, task_id: int) -> datetime | None:
    return session.exec(
        select(func.max(TaskEventRow.at)).where(TaskEventRow.task_id == task_id)
    ).one()


def _move(
    session: Session,
    task: TaskRow,
    to: Status,
    *,
    at: datetime,
    actor: str,
    reason: str,
    payload: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
) -> None:
    """Claim the move with a conditional update, then append its event (one transaction)."""
    assert task.id is not None
    current = Status(task.status)
    check_move(current, to)
    result = session.execute(
        update(TaskRow)
        .where(col(TaskRow.id) == task.id, col(TaskRow.status) == current.value)
        .values(status=to.value, updated_at=at, **(values or {}))
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConcurrentChange(
            f"nhiệm vụ {task.id} vừa được người khác cập nhật; hãy xem lại / task {task.id} was changed meanwhile"
        )
    session.add(
        TaskEventRow(
            task_id=task.id,
            at=at,
            actor=actor,
            from_status=current.value,
            to_status=to.value,
            reason=reason,
            payload=payload or {},
        )
    )
    task.status = to.value


@contextmanager
def one_change(session: Session) -> Iterator[None]:
    """One change of a task in one transaction: committed at the end of the block, rolled
    back if anything in it failed (the move, its event, its mail)."""
    try:
        yield
        session.commit()
    except Exception:
        session.rollback()
        raise


def _load_for_change(session: Session, task_id: int, at: datetime) -> TaskRow:
    task = get_task(session, task_id)
    last = _last_event_at(session, task_id)
    if last is not None and at < last:
        raise DomainError(
            f"thời điểm {at.isoformat()} sớm hơn thay đổi gần nhất ({last.isoformat()}) của nhiệm vụ {task_id}"
            f" / {at.isoformat()} is before the task's last change"
        )
    return task


def _tell_lead_unit(
    session: Session,
    notifier: Notifier | None,
    task: TaskRow,
    kind: str,
    context: dict[str, Any],
    at: datetime,
) -> None:
    """Put a mail about a decision on this task to its lead unit's head in the outbox,
    in the same transaction as the decision."""
    if notifier is None or task.id is None:
        return
    lead = session.get(UnitRow, task.lead_unit) if task.lead_unit else None
    head = head_recipient(lead) if lead else None
    if head is None:
        return
    view = notifier.task_views(session, [task])[task.id]
    key = f"{kind}:{task.id}:{at.isoformat()}"
    values = notifier.outbox_row(
        key=key, kind=kind, to=head, context={"task": view, **context}, now=at
    )
    notifier.enqueue(session, [values])


def _office_date(at: datetime, calendar: WorkingCalendar | None) -> date:
    """The office's date at `at`, as the sweep compares its marks with: in the zone of
    the calendar given (the CLI and the flows pass the one the root built), else the
    default zone. Never UTC's: from 00:00 to 07:00 in Ha Noi UTC still says yesterday."""
    zone = calendar.timezone if calendar else ZoneInfo(DEFAULT_TIMEZONE)
    return at.astimezone(zone).date()


def _marks_for(to: Status, today: date) -> dict[str, Any]:
    """The sweep's marks after a move on the office's day `today`: check a newly
    assigned task at once; stop checking one that is finished."""
    if to is Status.ASSIGNED:
        return {"next_check_on": today}
    if to is Status.COMPLETED:
        return {"next_check_on": None}
    if to is Status.CANCELLED:
        return {"next_check_on": None, "next_instance_on": None}
    return {}


def change_status(
    session: Session,
    task_id: int,
    to: Status,
    *,
    at: datetime,
    actor: str,
    note: str,
    notifier: Notifier | None = None,
    calendar: WorkingCalendar | None = None,
    payload: dict[str, Any] | None = None,
) -> TaskRow:
    """Move a task to `to`, recording who, when and why. Nothing changes on error.

    `calendar` dates the sweep's mark in the office's zone (see `_office_date`); `payload`
    goes into the event (a web answer's link purpose, a submission's files). A result
    submitted is mailed to the office's coordinator."""
    with one_change(session):
        task = _load_for_change(session, task_id, at)
        not_a_side_road(task_id, Status(task.status), to)
        values: dict[str, Any] = _marks_for(to, _office_date(at, calendar))
        if to is Status.ASSIGNED and task.missing:
            missing = [Clear(m) for m in task.missing]
            raise DomainError(
                f"chưa thể giao nhiệm vụ {task_id}: {describe_missing(missing, 'vi')}"
                f" / cannot assign task {task_id}: {describe_missing(missing, 'en')}"
            )
        if to is Status.COMPLETED:
            values["completed_at"] = at
        accepted_from = Status(task.status)
        _move(session, task, to, at=at, actor=actor, reason=note, payload=payload, values=values)
        if to is Status.SUBMITTED:
            files = uploads_of(payload or {})
            submitted = {"note": note, "files": files, "actor": actor}
            tell_office(session, notifier, task, "result_submitted", submitted, at)
        if accepted_from is Status.SUBMITTED and to in (Status.COMPLETED, Status.RETURNED):
            kind = "completion_accepted" if to is Status.COMPLETED else "completion_returned"
            _tell_lead_unit(session, notifier, task, kind, {"note": note}, at)
    session.refresh(task)
    return task


def extend(
    session: Session,
    task_id: int,
    *,
    until: date | None,
    reason: str,
    at: datetime,
    actor: str,
    refuse: bool = False,
    notifier: Notifier | None = None,
    calendar: WorkingCalendar | None = None,
    payload: dict[str, Any] | None = None,
    override: bool = False,
    policies: Policies | None = None,
) -> TaskRow:
    """Record an extension decision: approved with a new deadline, or refused; `payload`
    is added to the decision's event (a web answer's link purpose).

    A task not already `extension_requested` gets the request recorded first, so the
    trail always shows request then decision. `calendar` dates the sweep's mark in the
    office's zone (see `_office_date`).

    The policy (`policies`, by the directive's priority) caps the extensions of a task (how
    many, how many working days in all): an approval beyond them is recorded as refused,
    with the limit as the reason, unless the authority `override`s it explicitly (the
    decision's event says so). A new deadline on a day off ends on the next working day
    when the policy says so, the date as written kept.
    """
    with one_change(session):
        task = _load_for_change(session, task_id, at)
        old = task.deadline
        if not refuse:
            if until is None:
                raise DomainError(
                    "cần ngày gia hạn (--until) / an approved extension needs --until"
                )
            if old is not None and until <= old:
                raise DomainError(
                    f"ngày gia hạn {until:%d/%m/%Y} phải sau thời hạn hiện tại {old:%d/%m/%Y}"
                    f" / the new deadline must be after {old.isoformat()}"
                )
        beyond: tuple[str, str] | None = None
        written: date | None = None
        added = 0
        if not refuse:
            assert until is not None
            policy = policy_of(session, task, policies)
            # the day-off rule and the working days added need the office's calendar (every
            # front end passes it); without it, the date stays as written and adds nothing
            in_force = deadline_in_force(until, calendar, policy) if calendar else until
            written, until = (until if in_force != until else None), in_force
            count, days = extensions_granted(session, task_id)
            added = calendar.working_days_after(old, until) if calendar and old else 0
            beyond = beyond_extension_limits(policy.extensions, count, days, added)
            if beyond and not override:
                refuse = True
                reason = f"{reason} — không đồng ý: {beyond[0]} / refused: {beyond[1]}"
        if Status(task.status) is not Status.EXTENSION_REQUESTED:
            requested = {"requested_until": until.isoformat() if until else None}
            _move(
                session,
                task,
                Status.EXTENSION_REQUESTED,
                at=at,
                actor=actor,
                reason=reason,
                payload=requested,
            )
        decided: dict[str, Any] = {
            "decision": "refused",
            "deadline": old.isoformat() if old else None,
        }
        if beyond:  # refused by the policy's limits, or approved beyond them explicitly
            decided |= {"beyond_limits": beyond[1], "override": override}
        marks: dict[str, Any] = {}
        if not refuse:
            assert until is not None
            decided |= {
                "decision": "approved",
                "old_deadline": old.isoformat() if old else None,
                "new_deadline": until.isoformat(),
            }
            if calendar is not None:
                decided["working_days_added"] = added
            del decided["deadline"]
            recurrence = Recurrence(task.recurrence) if task.recurrence else None
            marks = {
                "deadline": until,
                "deadline_as_written": written,
                "next_check_on": _office_date(at, calendar),
                "escalation_level": 0,  # a new ladder against the new deadline
                "next_instance_on": next_instance_on(until, recurrence),
            }
        _move(
            session,
            task,
            Status.IN_PROGRESS,
            at=at,
            actor=actor,
            reason=reason,
            payload=decided | (payload or {}),
            values=marks,
        )
        decision = {
            "approved": not refuse,
            "old_deadline": old,
            "new_deadline": None if refuse else until,
            "reason": reason,
        }
        _tell_lead_unit(session, notifier, task, "extension_decision", decision, at)
    session.refresh(task)
    return task


# the side roads (issue 16): each move one function, called as `tasks.pause(…)` by the CLI,
# the Prefect forms and the web pages alike; written in their own module (this one's size)
from engine.services import side_road_moves  # noqa: E402

pause = side_road_moves.pause
resume = side_road_moves.resume
decline = side_road_moves.decline
reassign = side_road_moves.reassign
return_to_unit = side_road_moves.return_to_unit
