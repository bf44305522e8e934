"""The monthly review's reads: what the event log says at the review's cut-offs.

Set-based queries in SQLAlchemy Core, the same on SQLite and PostgreSQL: the log stays
in the database, and what comes out is a few rows per task (`ReviewLog`), which the
domain turns into each task's state at each cut-off (`engine.domain.review_log`).

All the queries run on the session's connection, so in one transaction: one snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from itertools import starmap
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from engine.domain.lifecycle import Status
from engine.domain.review_log import Mark, ReviewLog, Step, TaskFacts
from engine.store.tables import DirectiveRow, TaskEventRow, TaskRow

_event = TaskEventRow.__table__.c  # type: ignore[attr-defined]
_task = TaskRow.__table__.c  # type: ignore[attr-defined]
_directive = DirectiveRow.__table__.c  # type: ignore[attr-defined]


def read_review_log(
    session: Session, cutoffs: Sequence[datetime], start: datetime, since: datetime
) -> ReviewLog:
    """The tasks created before the last of `cutoffs` (ascending) that are in one of the
    review's books, the steps of their log between the cut-offs, and the marks before
    the last; `start` is the reviewed month's first instant (its extension requests are
    counted), `since` the first month's of the review's trend (a task whose log ended
    before then, completed, cancelled or a draft, is in none of the books)."""
    if not cutoffs or list(cutoffs) != sorted(cutoffs):
        raise ValueError(f"cut-offs must be given in ascending order: {cutoffs}")
    return ReviewLog(
        cutoffs=tuple(cutoffs),
        tasks=_tasks(session, cutoffs[-1], start, since),
        steps=_steps(session, cutoffs),
        marks=_marks(session, cutoffs[-1]),
    )


def _tasks(session: Session, cutoff: datetime, start: datetime, since: datetime) -> list[TaskFacts]:
    """Each task created before `cutoff`, with two things its log says before then: its
    first assignment, and how many extensions it requested from `start`.

    Left out: the tasks without events before `cutoff`, and those whose last events, all
    before `since`, are all completions, cancellations or drafts: such a task is in none
    of the books from `since` (the domain leaves out the same, and this keeps a few more:
    a last instant shared by an open and an ended state, which it sorts out by the ids).
    """
    ended = (Status.COMPLETED.value, Status.CANCELLED.value, Status.DRAFT.value)
    live = case((or_(_event.at >= since, _event.to_status.not_in(ended)), _event.at))
    by_task = (
        select(
            _event.task_id,
            func.min(case((_event.to_status == Status.ASSIGNED.value, _event.at))).label("at"),
            func.count(
                case(
                    (
                        and_(
                            _event.to_status == Status.EXTENSION_REQUESTED.value,
                            _event.at >= start,
                        ),
                        1,
                    )
                )
            ).label("requested"),
        )
        .where(_event.at < cutoff)
        .group_by(_event.task_id)
        .having(func.max(live) == func.max(_event.at))
        .subquery()
    )
    query = (
        select(
            _task.id,
            _task.lead_unit,
            _directive.reference,
            _task.number,
            _task.title,
            _task.owner,
            _task.original_deadline,
            _task.recurrence,
            by_task.c.at,
            by_task.c.requested,
        )
        .join_from(TaskRow.__table__, DirectiveRow.__table__, _directive.id == _task.directive_id)  # type: ignore[attr-defined]
        .join(by_task, by_task.c.task_id == _task.id)
        .where(_task.created_at < cutoff)
    )
    return [
        TaskFacts(task_id, unit or "", reference, number, title, owner, original, recurrence,
                  assigned_at, requested or 0)
        for task_id, unit, reference, number, title, owner, original, recurrence, assigned_at,
        requested in session.connection().execute(query).all()
    ]  # fmt: skip


def _steps(session: Session, cutoffs: Sequence[datetime]) -> list[Step]:
    """Each task's last event in each span between the cut-offs: the one with the latest
    time (then id) among its events of that span, by a window over the log."""
    span = case(
        *((_event.at < cutoff, k) for k, cutoff in enumerate(cutoffs[:-1])),
        else_=len(cutoffs) - 1,
    )
    ranked = (
        select(
            _event.task_id,
            span.label("span"),
            _event.to_status,
            _event.at,
            func.row_number()
            .over(
                partition_by=(_event.task_id, span), order_by=(_event.at.desc(), _event.id.desc())
            )
            .label("n"),
        )
        .where(_event.at < cutoffs[-1])
        .subquery()
    )
    query = select(ranked.c.task_id, ranked.c.span, ranked.c.to_status, ranked.c.at).where(
        ranked.c.n == 1
    )
    return list(starmap(Step, session.connection().execute(query).all()))


def _marks(session: Session, cutoff: datetime) -> list[Mark]:
    """The events before `cutoff` whose payload counts: approved extensions (a move from
    `extension_requested` to `in_progress` with a new deadline) and escalations (a move
    from a state to itself with a level)."""
    new_deadline = _event.payload["new_deadline"].as_string()
    level = _event.payload["escalation_level"].as_integer()
    query = select(_event.task_id, _event.at, _event.id, new_deadline, level).where(
        _event.at < cutoff,
        or_(
            and_(
                _event.from_status == Status.EXTENSION_REQUESTED.value,
                _event.to_status == Status.IN_PROGRESS.value,
            ),
            _event.from_status == _event.to_status,
        ),
        or_(new_deadline.is_not(None), level.is_not(None)),
    )
    return [
        Mark(task_id, at, seq, _date(deadline), level)
        for task_id, at, seq, deadline, level in session.connection().execute(query).all()
    ]


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
