"""What the front ends read: the queries behind the CLI's listings, the flows' artifacts,
drafting and the demo, each returning rows or plain values for a presenter to word.

The tasks themselves, with where each stands, come from `engine.services.tasks`
(`list_tasks`, `task_detail`); the outbox's own listing and its statuses from
`engine.services.outbox`, which reads it here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from engine.domain.lifecycle import Status
from engine.store.tables import (
    DirectiveRow,
    NoticeRow,
    OutboxRow,
    TaskCoordinatorRow,
    TaskRow,
    UnitRow,
)

# -- units and directives ------------------------------------------------------------


def units(session: Session) -> list[UnitRow]:
    """The units directory, by code."""
    return list(session.exec(select(UnitRow).order_by(col(UnitRow.code))).all())


@dataclass(frozen=True)
class DirectiveCount:
    """A directive with how many tasks it has, and how many of them are drafts."""

    reference: str
    issued_on: date
    issuer: str
    title: str
    tasks: int
    drafts: int


def directives(session: Session) -> list[DirectiveCount]:
    """Every directive, oldest first, with its counts of tasks and drafts."""
    drafts = func.sum(case((col(TaskRow.status) == Status.DRAFT.value, 1), else_=0))
    rows = session.exec(
        select(DirectiveRow, func.count(col(TaskRow.id)), drafts)
        .join(TaskRow, col(TaskRow.directive_id) == col(DirectiveRow.id), isouter=True)
        .group_by(col(DirectiveRow.id))
        .order_by(col(DirectiveRow.issued_on), col(DirectiveRow.id))
    ).all()
    return [
        DirectiveCount(d.reference, d.issued_on, d.issuer, d.title, count, draft_count or 0)
        for d, count, draft_count in rows
    ]


def directive(session: Session, reference: str) -> DirectiveRow:
    """The directive of this reference number (NoResultFound when there is none)."""
    return session.exec(select(DirectiveRow).where(DirectiveRow.reference == reference)).one()


# -- tasks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFacts:
    """What a table says of a task besides where it stands."""

    id: int
    reference: str
    number: str
    title: str
    lead_unit: str | None
    deadline: date | None
    recurrence: str | None


def task_facts(session: Session, ids: Iterable[int]) -> dict[int, TaskFacts]:
    """These tasks, by id, with their directive's reference number."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.exec(
        select(TaskRow, DirectiveRow.reference)
        .join(DirectiveRow, col(DirectiveRow.id) == col(TaskRow.directive_id))
        .where(col(TaskRow.id).in_(wanted))
    ).all()
    return {
        t.id: TaskFacts(t.id, ref, t.number, t.title, t.lead_unit, t.deadline, t.recurrence)
        for t, ref in rows
        if t.id is not None
    }


def reference_of(session: Session, task_id: int) -> str:
    """The reference number of the directive a task belongs to."""
    task = session.get(TaskRow, task_id)
    assert task is not None
    found = session.get(DirectiveRow, task.directive_id)
    assert found is not None
    return found.reference


def task_ids(session: Session) -> dict[tuple[str, str], int]:
    """Each task's id by its directive's reference and its number in the directive."""
    rows = session.exec(
        select(DirectiveRow.reference, TaskRow.number, TaskRow.id).join(
            TaskRow, col(TaskRow.directive_id) == col(DirectiveRow.id)
        )
    ).all()
    return {(ref, number): task_id for ref, number, task_id in rows if task_id is not None}


def references_touched(
    session: Session, task_ids: Iterable[int], outbox_ids: Iterable[int] = ()
) -> list[str]:
    """The reference numbers, sorted, of the directives with one of these tasks or a task
    noticed in one of these mails."""
    wanted = set(task_ids)
    mails = list(outbox_ids)
    if mails:
        wanted |= set(
            session.exec(select(NoticeRow.task_id).where(col(NoticeRow.outbox_id).in_(mails))).all()
        )
    if not wanted:
        return []
    rows = session.exec(
        select(DirectiveRow.reference)
        .join(TaskRow, col(TaskRow.directive_id) == col(DirectiveRow.id))
        .where(col(TaskRow.id).in_(sorted(wanted)))
        .distinct()
    ).all()
    return sorted(rows)


# -- the outbox ----------------------------------------------------------------------


def outbox_rows(
    session: Session, status: str | None = None, limit: int | None = None
) -> list[OutboxRow]:
    """The newest rows first, of one status or of all, at most `limit` of them."""
    query = select(OutboxRow).order_by(col(OutboxRow.id).desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxRow.status == status)
    return list(session.exec(query).all())


def mail_failed(session: Session) -> list[OutboxRow]:
    """The mail that could not be delivered, newest first."""
    return outbox_rows(session, "failed")


def unreported_failures(session: Session, limit: int = 50) -> list[OutboxRow]:
    """Mail that failed for good and that nobody has been told of yet (its notice to the
    coordinator not sent, nor listed in a leader's digest), the oldest first. A notice
    that failed is not listed itself: the mail it was about is."""
    return list(
        session.exec(
            select(OutboxRow)
            .where(
                col(OutboxRow.status) == "failed",
                col(OutboxRow.reported_at).is_(None),
                col(OutboxRow.kind) != "delivery_failed",
            )
            .order_by(col(OutboxRow.id))
            .limit(limit)
        ).all()
    )


def mail_to_retry(session: Session) -> list[OutboxRow]:
    """The mail a failed attempt left waiting for another, the soonest due first."""
    return list(
        session.exec(
            select(OutboxRow)
            .where(col(OutboxRow.status) == "pending", col(OutboxRow.attempts) > 0)
            .order_by(col(OutboxRow.next_attempt_at))
        ).all()
    )


def mail_sent(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> list[OutboxRow]:
    """The mail sent (within `since`..`until`, both included, when given), oldest first."""
    query = select(OutboxRow).where(OutboxRow.status == "sent").order_by(col(OutboxRow.id))
    if since is not None:
        query = query.where(col(OutboxRow.sent_at) >= since)
    if until is not None:
        query = query.where(col(OutboxRow.sent_at) <= until)
    return list(session.exec(query).all())


# -- what a mail about tasks says of them -------------------------------------------------


@dataclass(frozen=True)
class MailFacts:
    """What a mail says about some tasks besides the tasks themselves: their directives,
    their coordinating units' codes, and the units named (lead and coordinating)."""

    directives: dict[int, DirectiveRow]
    coordinators: dict[int, list[str]]  # task id -> unit codes
    units: dict[str, UnitRow]


def mail_facts(session: Session, tasks: Iterable[TaskRow]) -> MailFacts:
    """The `MailFacts` of `tasks`, in three queries whatever their number."""
    tasks = list(tasks)
    directive_ids = {t.directive_id for t in tasks}
    task_ids = [t.id for t in tasks if t.id is not None]
    directives = {
        d.id: d
        for d in session.exec(select(DirectiveRow).where(col(DirectiveRow.id).in_(directive_ids)))
        if d.id is not None
    }
    coordinators: dict[int, list[str]] = {}
    for task_id, code in session.exec(
        select(TaskCoordinatorRow.task_id, TaskCoordinatorRow.unit_code).where(
            col(TaskCoordinatorRow.task_id).in_(task_ids)
        )
    ):
        coordinators.setdefault(task_id, []).append(code)
    codes = {t.lead_unit for t in tasks if t.lead_unit} | {
        c for cs in coordinators.values() for c in cs
    }
    named = session.exec(select(UnitRow).where(col(UnitRow.code).in_(codes)))
    return MailFacts(directives, coordinators, {u.code: u for u in named})


def coordinating_heads(session: Session, task_id: int) -> list[str]:
    """The addresses of the heads of a task's coordinating units, sorted."""
    rows = session.exec(
        select(UnitRow.head_email)
        .join(TaskCoordinatorRow, col(TaskCoordinatorRow.unit_code) == col(UnitRow.code))
        .where(TaskCoordinatorRow.task_id == task_id)
    ).all()
    return sorted(e for e in rows if e)
