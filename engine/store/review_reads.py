"""The monthly review's reads: what the event log says at the review's cut-offs.

Set-based queries in SQLAlchemy Core, the same on SQLite and PostgreSQL: the log stays
in the database, and what comes out is a few rows per task (`ReviewLog`), which the
domain turns into each task's state at each cut-off (`engine.domain.review_log`).

All the queries run on the session's connection, so in one transaction: one snapshot.
On PostgreSQL the transaction's `TimeZone` is UTC while they run, so the driver gives
UTC instants as they are and the log's times are read without the `UTCDateTime`
converter (some 220,000 of them for a big office's review); SQLite's naive UTC text
still goes through it. The rows are handed over as plain tuples (see `TaskFactsRow`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import DateTime, and_, case, func, or_, select, text, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from engine.domain.lifecycle import Status
from engine.domain.review_log import MarkRow, ReviewLog, StepRow, TaskFactsRow
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
    with _utc_instants(session) as instant:
        return ReviewLog(
            cutoffs=tuple(cutoffs),
            tasks=_tasks(session, instant, cutoffs[-1], start, since),
            steps=_steps(session, instant, cutoffs),
            marks=_marks(session, instant, cutoffs[-1]),
        )


_Instant = Callable[[ColumnElement[Any]], ColumnElement[Any]]


@contextmanager
def _utc_instants(session: Session) -> Iterator[_Instant]:
    """How to select a time of the log: on PostgreSQL, with the transaction's `TimeZone`
    UTC, as the driver gives it (aware, in UTC; the zone is set back as it was after the
    reads, and after a failed one by the caller's rollback); on the other databases
    through its column type's converter."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        yield lambda column: column
        return
    zone = connection.execute(text("SELECT current_setting('TimeZone')")).scalar_one()
    connection.execute(text("SELECT set_config('TimeZone', 'UTC', true)"))
    yield lambda column: type_coerce(column, DateTime(timezone=True))
    connection.execute(text("SELECT set_config('TimeZone', :zone, true)"), {"zone": zone})


def _tasks(
    session: Session, instant: _Instant, cutoff: datetime, start: datetime, since: datetime
) -> list[TaskFactsRow]:
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
            instant(func.min(case((_event.to_status == Status.ASSIGNED.value, _event.at)))).label(
                "at"
            ),
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
            func.coalesce(_task.lead_unit, ""),
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
    return _rows(session, query)


def _steps(session: Session, instant: _Instant, cutoffs: Sequence[datetime]) -> list[StepRow]:
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
    query = select(ranked.c.task_id, ranked.c.span, ranked.c.to_status, instant(ranked.c.at)).where(
        ranked.c.n == 1
    )
    return _rows(session, query)


def _marks(session: Session, instant: _Instant, cutoff: datetime) -> list[MarkRow]:
    """The events before `cutoff` whose payload counts: approved extensions (a move from
    `extension_requested` to `in_progress` with a new deadline), deadlines moved off a
    side road (a paused task resumed, a declined one reassigned: not extensions) and
    escalations (a move from a state to itself with a level)."""
    new_deadline = _event.payload["new_deadline"].as_string()
    level = _event.payload["escalation_level"].as_integer()
    side_roads = (Status.PAUSED.value, Status.DECLINED.value)
    query = select(
        _event.task_id, instant(_event.at), _event.id, new_deadline, level, _event.from_status
    ).where(
        _event.at < cutoff,
        or_(
            and_(
                _event.from_status == Status.EXTENSION_REQUESTED.value,
                _event.to_status == Status.IN_PROGRESS.value,
            ),
            _event.from_status.in_(side_roads),
            _event.from_status == _event.to_status,
        ),
        or_(new_deadline.is_not(None), level.is_not(None)),
    )
    return [
        (task_id, at, seq, _date(deadline), level, source not in side_roads)
        for task_id, at, seq, deadline, level, source in _rows(session, query)
    ]


def _rows(session: Session, query: Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of `query` as plain tuples (see `TaskFactsRow`), taken from the driver a
    thousand at a time: held all at once, a big office's 220,000 rows of the database
    library, which the garbage collector tracks, set off its full collections again and
    again (a third of the read's time in Python, measured)."""
    result = session.connection().execute(query)
    return [tuple(row) for rows in result.partitions(1000) for row in rows]


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def progress_reported(session: Session, since: datetime, cutoff: datetime) -> set[int]:
    """The tasks whose unit reported in [since, cutoff): a progress report (an event with
    `progress` in its payload: the web answer's) or a result submitted."""
    progress = _event.payload["progress"].as_string()
    query = (
        select(_event.task_id)
        .where(
            _event.at >= since,
            _event.at < cutoff,
            or_(_event.to_status == Status.SUBMITTED.value, progress.is_not(None)),
        )
        .distinct()
    )
    return {row[0] for row in session.connection().execute(query)}
