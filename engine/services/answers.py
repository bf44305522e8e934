"""What a unit's head or the office answers through a signed link (the web app), and what
the pages read: a unit reports progress, submits its result, asks for more time, or
declines the task; the office decides through `tasks.change_status` and `tasks.extend`.

Each answer is one transaction: the task's move (or, for progress, an event without a
move, as an escalation is recorded), its event with the recipient as actor and the
link's purpose in the payload, and the office's mail in the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from engine.domain.calendar import WorkingCalendar
from engine.domain.categories import standing
from engine.domain.errors import DomainError
from engine.domain.lifecycle import OPEN_STATES, Status
from engine.i18n import status_label
from engine.mail.context import TaskView
from engine.notify import Notifier, task_view
from engine.services import tasks
from engine.services.office_mail import tell_office
from engine.store.tables import DirectiveRow, TaskCoordinatorRow, TaskEventRow, TaskRow, UnitRow

#: what a unit may do on its task, by the task's status
PROGRESS_FROM = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED})
SUBMIT_FROM = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED})
EXTEND_FROM = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED})
DECLINE_FROM = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})


def _not_now(task: TaskRow, what_vi: str, what_en: str) -> DomainError:
    status = Status(task.status)
    return DomainError(
        f"không thể {what_vi} khi nhiệm vụ ở trạng thái «{status_label(status, 'vi')}»"
        f" / cannot {what_en} while the task is {status_label(status, 'en').lower()}"
    )


def report_progress(
    session: Session,
    task_id: int,
    *,
    percent: int,
    note: str,
    at: datetime,
    actor: str,
    payload: dict[str, Any],
) -> TaskRow:
    """Record the unit's progress: an assigned or returned task moves to in progress; one
    already in progress gets an event without a move (its status claimed unchanged)."""
    if not 0 <= percent <= 100:
        raise DomainError("tiến độ từ 0 đến 100% / progress is 0 to 100%")
    with tasks.one_change(session):
        task = tasks._load_for_change(session, task_id, at)
        status = Status(task.status)
        data = {"progress": percent} | payload
        if status not in PROGRESS_FROM:
            raise _not_now(task, "báo cáo tiến độ", "report progress")
        if status is Status.IN_PROGRESS:
            claimed = session.execute(
                update(TaskRow)
                .where(col(TaskRow.id) == task_id, col(TaskRow.status) == status.value)
                .values(updated_at=at)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                raise tasks.ConcurrentChange(f"task {task_id} was changed meanwhile")
            session.add(
                TaskEventRow(
                    task_id=task_id,
                    at=at,
                    actor=actor,
                    from_status=status.value,
                    to_status=status.value,
                    reason=note,
                    payload=data,
                )
            )
        else:
            tasks._move(
                session, task, Status.IN_PROGRESS, at=at, actor=actor, reason=note, payload=data
            )
    session.refresh(task)
    return task


def submit_result(
    session: Session,
    task_id: int,
    *,
    note: str,
    files: list[dict[str, Any]],
    at: datetime,
    actor: str,
    payload: dict[str, Any],
    notifier: Notifier | None,
    calendar: WorkingCalendar | None,
) -> TaskRow:
    """The unit's result, with its files (name, size, type, digest, where stored), moved
    to `submitted`; the office's coordinator is mailed ("[Chờ xác nhận]")."""
    task = tasks.get_task(session, task_id)
    if Status(task.status) not in SUBMIT_FROM:
        raise _not_now(task, "báo cáo kết quả", "submit a result")
    return tasks.change_status(
        session,
        task_id,
        Status.SUBMITTED,
        at=at,
        actor=actor,
        note=note,
        notifier=notifier,
        calendar=calendar,
        payload={"files": files} | payload,
    )


def request_extension(
    session: Session,
    task_id: int,
    *,
    until: date,
    reason: str,
    at: datetime,
    actor: str,
    payload: dict[str, Any],
    notifier: Notifier | None,
    calendar: WorkingCalendar,
) -> TaskRow:
    """The unit asks for a new deadline; the office's coordinator is mailed ("[Đề nghị
    gia hạn]") and decides with `tasks.extend`."""
    if not reason.strip():
        raise DomainError("cần nêu lý do / a reason is required")
    with tasks.one_change(session):
        task = tasks._load_for_change(session, task_id, at)
        if Status(task.status) not in EXTEND_FROM:
            raise _not_now(task, "đề nghị gia hạn", "ask for more time")
        today = calendar.local_date(at)
        floor = max(d for d in (task.deadline, today) if d is not None)
        if until <= floor:
            raise DomainError(
                f"ngày đề nghị gia hạn phải sau {floor:%d/%m/%Y}"
                f" / the date asked for must be after {floor.isoformat()}"
            )
        data = {"requested_until": until.isoformat()} | payload
        tasks._move(
            session,
            task,
            Status.EXTENSION_REQUESTED,
            at=at,
            actor=actor,
            reason=reason,
            payload=data,
        )
        asked = {"requested_until": until, "reason": reason, "actor": actor}
        tell_office(session, notifier, task, "extension_requested", asked, at)
    session.refresh(task)
    return task


def requested_until(detail: tasks.TaskDetail) -> date | None:
    """The date the unit asked for in its latest extension request, if any."""
    for event in reversed(detail.events):
        if event.to_status == Status.EXTENSION_REQUESTED.value:
            asked = event.payload.get("requested_until")
            return date.fromisoformat(asked) if asked else None
    return None


def submitted_files(detail: tasks.TaskDetail) -> list[dict[str, Any]]:
    """The files of every result the unit submitted, latest last, each once."""
    files: list[dict[str, Any]] = []
    for event in detail.events:
        if event.to_status == Status.SUBMITTED.value:
            files += event.payload.get("files", [])
    return files


def get_unit(session: Session, code: str) -> UnitRow | None:
    return session.get(UnitRow, code)


def people_of(unit: UnitRow | None) -> set[str]:
    """The addresses that speak for a unit: its head and deputies, lower case."""
    if unit is None:
        return set()
    found = {unit.head_email or ""} | {d.get("email", "") for d in unit.deputies}
    return {a.lower() for a in found if a}


def task_facts(
    session: Session, task_id: int, calendar: WorkingCalendar, now: datetime
) -> tuple[tasks.TaskDetail, TaskView]:
    """A task's page in three queries: the task with its directive and lead unit, its
    coordinating units, its history; with the task as the mail tells it (`task_view`).
    (One query joining the coordinating units in was slower: bench/RESULTS.md, "web".)"""
    row = session.exec(
        select(TaskRow, DirectiveRow, UnitRow)
        .join(DirectiveRow, col(TaskRow.directive_id) == col(DirectiveRow.id))
        .outerjoin(UnitRow, col(TaskRow.lead_unit) == col(UnitRow.code))
        .where(col(TaskRow.id) == task_id)
    ).first()
    if row is None:
        raise tasks.TaskNotFound(task_id)
    task, directive, lead = row
    coordinating = session.exec(
        select(UnitRow.code, UnitRow.name_vi)
        .join(TaskCoordinatorRow, col(TaskCoordinatorRow.unit_code) == col(UnitRow.code))
        .where(col(TaskCoordinatorRow.task_id) == task_id)
        .order_by(col(UnitRow.code))
    ).all()
    events = session.exec(
        select(TaskEventRow)
        .where(col(TaskEventRow.task_id) == task_id)
        .order_by(col(TaskEventRow.at), col(TaskEventRow.id))
    ).all()
    detail = tasks.TaskDetail(
        tasks._line(task, directive, lead, calendar, now),
        task,
        directive,
        lead,
        [code for code, _ in coordinating],
        list(events),
    )
    return detail, task_view(task, directive, lead, tuple(name for _, name in coordinating))


@dataclass(frozen=True)
class TaskStamp:
    """What decides whether a link may open a task, and what changes whenever anything
    its page shows changes (a move, an event, its unit): one indexed query."""

    lead_unit: str | None
    status: str
    people: frozenset[str]  # the lead unit's head and deputies, lower case
    language: str  # the lead unit's
    changed: tuple[object, ...]


def task_stamp(session: Session, task_id: int) -> TaskStamp | None:
    last_event = (
        columns(func.max(col(TaskEventRow.id)))
        .where(col(TaskEventRow.task_id) == col(TaskRow.id))
        .scalar_subquery()
    )
    row = session.execute(
        columns(
            col(TaskRow.lead_unit),
            col(TaskRow.status),
            col(TaskRow.updated_at),
            col(UnitRow.head_email),
            col(UnitRow.deputies),
            col(UnitRow.language),
            col(UnitRow.updated_at),
            last_event,
        )
        .select_from(TaskRow)
        .outerjoin(UnitRow, col(TaskRow.lead_unit) == col(UnitRow.code))
        .where(col(TaskRow.id) == task_id)
    ).first()
    if row is None:
        return None
    lead, status, updated, head, deputies, language, unit_updated, event = row
    found = {head or ""} | {d.get("email", "") for d in deputies or ()}
    return TaskStamp(
        lead_unit=lead,
        status=status,
        people=frozenset(a.lower() for a in found if a),
        language=language or "vi",
        changed=(str(updated), str(unit_updated), event),
    )


def unit_stamp(session: Session, code: str) -> tuple[object, ...]:
    """What changes whenever any task of the unit changes, joins it or leaves it: their
    number, the sum of their ids and the latest change."""
    count, ids, latest = session.execute(
        columns(func.count(), func.sum(col(TaskRow.id)), func.max(col(TaskRow.updated_at))).where(
            col(TaskRow.lead_unit) == code
        )
    ).one()
    return (count, ids, str(latest))


def open_tasks_of(
    session: Session, code: str, calendar: WorkingCalendar, now: datetime
) -> list[tasks.TaskLine]:
    """The unit's open tasks, the most urgent first: the most overdue, then the nearest
    deadline; ongoing duties without a date last. One query, of the columns shown."""
    rows = session.execute(
        columns(
            col(TaskRow.id),
            col(DirectiveRow.reference),
            col(TaskRow.number),
            col(TaskRow.title),
            col(TaskRow.deadline),
            col(TaskRow.recurrence),
            col(TaskRow.status),
            col(TaskRow.completed_at),
        )
        .join(DirectiveRow, col(TaskRow.directive_id) == col(DirectiveRow.id))
        .where(
            col(TaskRow.lead_unit) == code,
            col(TaskRow.status).in_([s.value for s in OPEN_STATES]),
        )
    ).all()
    lines = []
    for task_id, reference, number, title, deadline, recurrence, status, completed in rows:
        state = Status(status)
        lines.append(
            tasks.TaskLine(
                id=task_id,
                reference=reference,
                number=number,
                title=title,
                lead_unit=code,
                lead_unit_name="",
                deadline=deadline,
                recurrence=recurrence,
                status=state,
                standing=standing(state, deadline, completed, now, calendar),
                missing=(),
            )
        )
    return sorted(
        lines,
        key=lambda t: (
            not t.standing.overdue,
            -t.standing.working_days_overdue,
            t.deadline is None,
            t.deadline or date.max,
            t.id,
        ),
    )


def decline(
    session: Session,
    task_id: int,
    *,
    reason: str,
    at: datetime,
    actor: str,
    payload: dict[str, Any],
    notifier: Notifier | None,
) -> TaskRow:
    """The unit says the task is outside its remit (`tasks.decline`, issue 16)."""
    task = tasks.get_task(session, task_id)
    if Status(task.status) not in DECLINE_FROM:
        raise _not_now(task, "từ chối nhiệm vụ", "decline the task")
    return tasks.decline(
        session, task_id, at=at, actor=actor, reason=reason, notifier=notifier, payload=payload
    )
