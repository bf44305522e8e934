"""What the side roads of a task's life do besides the move (issue 16): withdraw the mail
planned and not yet sent about a task that stops (paused, declined, reassigned), and tell
the people concerned. The moves themselves are `engine.services.tasks`' `pause`,
`resume`, `decline`, `reassign` and `return_to_unit`; each calls these in its own
transaction, so a move and its mail commit together or not at all.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, update
from sqlmodel import Session, col, select

from engine.domain.errors import DomainError
from engine.domain.lifecycle import SIDE_ROADS, Status
from engine.domain.model import Recurrence
from engine.domain.policy import NoticeKind, Policies, Policy
from engine.domain.recurrence import next_instance_on
from engine.domain.routing import Recipient
from engine.mail.ics import deadline_ics
from engine.notify import Notifier, head_recipient
from engine.store.sql import insert_ignoring_duplicates
from engine.store.tables import DirectiveRow, NoticeRow, OutboxRow, TaskEventRow, TaskRow, UnitRow

#: the outbox status of a mail withdrawn before it went: the deliverer takes only pending
#: mail, so a withdrawn one is never sent, and the row stays as the record of it
REVOKED = "revoked"


#: what the sweep says about a task once it is under way: withdrawn when it stops
REMINDERS = tuple(k.value for k in NoticeKind if k is not NoticeKind.ASSIGNMENT)
EVERYTHING = tuple(k.value for k in NoticeKind)


def revoke_pending_mail(
    session: Session, task_id: int, at: datetime, why: str, kinds: tuple[str, ...] = REMINDERS
) -> int:
    """Withdraw the mail the sweep planned for this task alone (its notices of `kinds`:
    the reminders and escalations; with the assignment, for a task given to another unit)
    and not yet sent (still pending); returns how many mails were withdrawn.

    A digest that also tells of other tasks stays: the others' reminders must go. The
    conditional update takes only pending rows, so a mail being sent at this instant (the
    deliverer's lease) goes, and a sent one stays sent.
    """
    mine = select(NoticeRow.outbox_id).where(
        col(NoticeRow.task_id) == task_id,
        col(NoticeRow.outbox_id).is_not(None),
        col(NoticeRow.kind).in_(kinds),
    )
    shared = select(NoticeRow.outbox_id).where(
        col(NoticeRow.outbox_id).in_(mine), col(NoticeRow.task_id) != task_id
    )
    result = session.execute(
        update(OutboxRow)
        .where(
            and_(
                col(OutboxRow.id).in_(mine),
                col(OutboxRow.id).not_in(shared),
                col(OutboxRow.status) == "pending",
            )
        )
        .values(status=REVOKED, last_error=why, next_attempt_at=at)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def tell_head(
    session: Session,
    notifier: Notifier | None,
    task: TaskRow,
    unit: UnitRow | None,
    kind: str,
    context: dict[str, Any],
    at: datetime,
) -> None:
    """A mail of `kind` about this task to `unit`'s head (the old lead unit's, once it has
    been reassigned), in the caller's transaction."""
    if notifier is None or task.id is None or unit is None:
        return
    head = head_recipient(unit)
    if head is None:
        return
    view = notifier.task_views(session, [task])[task.id]
    values = notifier.outbox_row(
        key=f"{kind}:{task.id}:{unit.code}:{at.isoformat()}",
        kind=kind,
        to=head,
        context={"task": view, **context},
        now=at,
    )
    notifier.enqueue(session, [values])


def assign_to_new_head(
    session: Session,
    notifier: Notifier | None,
    task: TaskRow,
    unit: UnitRow,
    key_day: date,
    at: datetime,
) -> Recipient | None:
    """The assignment, with its calendar invitation, to the head of the unit the task was
    reassigned to; and the sweep's assignment notice under the deadline in force, so the
    sweep does not send a second one (an assignment notice already there is kept)."""
    if task.id is None:
        return None
    head = head_recipient(unit)
    outbox_id: int | None = None
    if notifier is not None and head is not None:
        view = notifier.task_views(session, [task])[task.id]
        ics = None
        if task.deadline is not None:
            uid = f"task-{task.id}-{unit.code}-{task.deadline.isoformat()}@dondoc"
            ics = deadline_ics(
                view,
                uid=uid,
                stamp=at,
                timezone=notifier.settings.timezone,
                lang=head.language,
            )
        key = f"assignment:{task.id}:{unit.code}:{at.isoformat()}"
        values = notifier.outbox_row(
            key=key, kind="assignment", to=head, context={"task": view}, now=at, ics=ics
        )
        outbox_id = notifier.enqueue(session, [values]).get(key)
    table = NoticeRow.__table__  # type: ignore[attr-defined]
    notice = {
        "task_id": task.id,
        "kind": NoticeKind.ASSIGNMENT.value,
        "level": 0,
        "key_day": key_day,
        "outbox_id": outbox_id,
        "created_at": at,
    }
    insert_ignoring_duplicates(session, table, [notice], returning=("id",))
    return head


def policy_of(session: Session, task: TaskRow, policies: Policies | None) -> Policy:
    """The policy of the task's directive's priority (the shipped defaults without one)."""
    directive = session.get(DirectiveRow, task.directive_id)
    return (policies or Policies()).for_priority(directive.priority if directive else "normal")


def need_reason(reason: str, what_vi: str, what_en: str) -> None:
    if not reason.strip():
        raise DomainError(f"cần nêu lý do {what_vi} / a reason is required to {what_en}")


def paused_since(session: Session, task_id: int) -> TaskEventRow:
    """The event that paused the task (its latest move into `paused`)."""
    event = session.exec(
        select(TaskEventRow)
        .where(TaskEventRow.task_id == task_id, TaskEventRow.to_status == Status.PAUSED.value)
        .order_by(col(TaskEventRow.at).desc(), col(TaskEventRow.id).desc())
        .limit(1)
    ).first()
    if event is None:
        raise DomainError(
            f"nhiệm vụ {task_id} chưa từng tạm dừng / task {task_id} was never paused"
        )
    return event


def deadline_marks(task: TaskRow, new: date | None, today: date) -> dict[str, Any]:
    """The sweep's marks when the deadline in force changes: check at once, a new ladder."""
    recurrence = Recurrence(task.recurrence) if task.recurrence else None
    return {
        "deadline": new,
        "next_check_on": today,
        "escalation_level": 0,
        "next_instance_on": next_instance_on(new, recurrence) if new else None,
    }


def extensions_granted(session: Session, task_id: int) -> tuple[int, int]:
    """How many extensions this task was granted, and the working days they added."""
    decisions = session.exec(
        select(TaskEventRow.payload).where(
            TaskEventRow.task_id == task_id,
            TaskEventRow.from_status == Status.EXTENSION_REQUESTED.value,
        )
    ).all()
    granted = [p for p in decisions if p.get("decision") == "approved"]
    return len(granted), sum(int(p.get("working_days_added") or 0) for p in granted)


def not_a_side_road(task_id: int, current: Status, to: Status) -> None:
    """A pause, a refusal and their ends each have their own service (their reason, their
    deadline, their mail); a plain change of status only cancels a task on a side road."""
    if to in SIDE_ROADS or (current in SIDE_ROADS and to is not Status.CANCELLED):
        raise DomainError(
            f"nhiệm vụ {task_id}: dùng lệnh tạm dừng/tiếp tục/từ chối/giao lại/trả lại"
            f" để chuyển '{current.value}' sang '{to.value}'"
            f" / task {task_id}: use pause, resume, decline, reassign or return to move"
            f" '{current.value}' to '{to.value}'"
        )
