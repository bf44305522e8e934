"""Every change of a task, in order, for a front end that publishes them as events (the
Prefect event feed): assignment, progress, submission, return, completion, extension
requests and decisions, cancellation, each escalation with its level, and each reminder.

The task's history (task_event) and the sweep's notices are the record; this module
reads what was added since a cursor (kept in the database: `engine.store.feed`), names
each change, and moves the cursor once the caller confirms it has published them. Publishing twice
is harmless when the caller keys each item by `FeedItem.key`, as the Prefect events are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from engine.domain.policy import NoticeKind
from engine.store import feed as cursor_store
from engine.store.tables import DirectiveRow, NoticeRow, TaskEventRow, TaskRow, UnitRow

#: most changes read per call; the rest wait for the next one
BATCH = 2000

#: names of the changes of state (the status moved to), as the feed calls them
_MOVED_TO = {
    "assigned": "assigned",
    "in_progress": "progress",
    "submitted": "submitted",
    "returned": "returned",
    "completed": "completed",
    "extension_requested": "extension-requested",
    "cancelled": "cancelled",
}


@dataclass(frozen=True)
class FeedItem:
    key: str  # unique and stable: 'task_event:123', 'notice:45'
    name: str  # what happened: 'assigned', 'escalated', 'reminded', 'completed', …
    at: datetime
    actor: str
    task_id: int
    number: str
    title: str
    reference: str
    directive_title: str
    unit: str | None
    unit_name: str
    from_status: str | None = None
    to_status: str | None = None
    level: int | None = None  # the escalation level, or the reminder's
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def handle(self) -> str:
        return (
            f"{self.reference}#{self.number}"
            if self.number
            else f"{self.reference} ({self.task_id})"
        )


@dataclass(frozen=True)
class Batch:
    items: list[FeedItem]
    cursor: cursor_store.Cursor


def change_name(from_status: str | None, to_status: str, payload: dict[str, Any]) -> str:
    """What a history row records, in one word: a new task 'assigned' (or 'drafted'), an
    escalation 'escalated', an extension decision 'extension-approved' or
    'extension-refused', a note without a move 'progress', otherwise the state moved to
    ('submitted', 'completed', …); a move that names itself in its payload (`kind`:
    'paused', 'resumed', 'declined', 'reassigned', 'returned_to_unit') by that name."""
    if "escalation_level" in payload:
        return "escalated"
    if isinstance(kind := payload.get("kind"), str) and kind:  # a side road names its move
        return kind.replace("_", "-")
    if from_status is None:
        return "drafted" if to_status == "draft" else "assigned"
    if payload.get("decision") in ("approved", "refused"):
        return f"extension-{payload['decision']}"
    if from_status == to_status:
        return "progress"
    return _MOVED_TO.get(to_status, to_status.replace("_", "-"))


def pending(session: Session, *, batch: int = BATCH) -> Batch:
    """The changes added since the cursor (and those it skipped while their transaction
    was still open), oldest first: at most `batch` of the history and `batch` reminders.
    Without a cursor (the first call on a database), only the latest `batch` of each:
    the feed starts now, not with years of history."""
    cursor = cursor_store.read(session)
    if cursor is None:
        cursor = cursor_store.Cursor(
            cursor_store.Position(max(0, _latest(session, TaskEventRow.id) - batch)),
            cursor_store.Position(max(0, _latest(session, NoticeRow.id) - batch)),
        )
    events = _since(session, TaskEventRow, cursor.events, batch)
    notices = _since(session, NoticeRow, cursor.notices, batch)
    facts = _task_facts(session, {e.task_id for e in events} | {n.task_id for n in notices})
    items = [_from_event(e, facts[e.task_id]) for e in events if e.task_id in facts]
    items += [
        _from_notice(n, facts[n.task_id])
        for n in notices
        if n.task_id in facts and n.kind in _REMINDERS
    ]
    items.sort(key=_in_order)
    moved = cursor_store.Cursor(
        cursor.events.advance(sorted(e.id for e in events if e.id), cursor.events.last),
        cursor.notices.advance(sorted(n.id for n in notices if n.id), cursor.notices.last),
    )
    return Batch(items, moved)


def confirm(session: Session, batch: Batch) -> None:
    """Move the cursor past `batch` once it has been published (in the caller's
    transaction). Not called, the next `pending` gives the same changes again."""
    cursor_store.write(session, batch.cursor)


# -- reading -------------------------------------------------------------------------------

#: the notices that are reminders (the assignment and escalations are in the history)
_REMINDERS = [NoticeKind.BEFORE.value, NoticeKind.DUE.value, NoticeKind.OVERDUE.value]


@dataclass(frozen=True)
class _Facts:
    task: TaskRow
    directive: DirectiveRow
    unit: UnitRow | None


def _in_order(item: FeedItem) -> tuple[datetime, str, int]:
    """By time, then the history before the reminders, then by id (not '10' < '9')."""
    source, _, number = item.key.partition(":")
    return item.at, "" if source == "task_event" else source, int(number)


def _since(
    session: Session, table: type[Any], position: cursor_store.Position, batch: int
) -> list[Any]:
    """Rows of `table` after the position's last id, and those of its gaps now there."""
    after = select(table).where(col(table.id) > position.last).order_by(col(table.id))
    rows = list(session.exec(after.limit(batch)).all())
    if position.gaps:
        late = select(table).where(col(table.id).in_(sorted(position.gaps)))
        rows = list(session.exec(late).all()) + rows
    return rows


def _latest(session: Session, column: Any) -> int:
    found = session.exec(select(column).order_by(col(column).desc()).limit(1)).first()
    return int(found or 0)


def _task_facts(session: Session, ids: set[int]) -> dict[int, _Facts]:
    if not ids:
        return {}
    rows = session.exec(
        select(TaskRow, DirectiveRow, UnitRow)
        .join(DirectiveRow, col(TaskRow.directive_id) == col(DirectiveRow.id))
        .outerjoin(UnitRow, col(TaskRow.lead_unit) == col(UnitRow.code))
        .where(col(TaskRow.id).in_(sorted(ids)))
    ).all()
    return {t.id: _Facts(t, d, u) for t, d, u in rows if t.id is not None}


def _common(facts: _Facts) -> dict[str, Any]:
    task, directive, unit = facts.task, facts.directive, facts.unit
    return {
        "task_id": task.id,
        "number": task.number,
        "title": task.title,
        "reference": directive.reference,
        "directive_title": directive.title,
        "unit": task.lead_unit,
        "unit_name": unit.name_vi if unit else "",
    }


def _from_event(event: TaskEventRow, facts: _Facts) -> FeedItem:
    payload = dict(event.payload or {})
    level = payload.get("escalation_level")
    return FeedItem(
        key=f"task_event:{event.id}",
        name=change_name(event.from_status, event.to_status, payload),
        at=event.at,
        actor=event.actor,
        from_status=event.from_status,
        to_status=event.to_status,
        level=int(level) if level is not None else None,
        reason=event.reason,
        details=payload,
        **_common(facts),
    )


def _from_notice(notice: NoticeRow, facts: _Facts) -> FeedItem:
    return FeedItem(
        key=f"notice:{notice.id}",
        name="reminded",
        at=notice.created_at,
        actor="dondoc",
        level=notice.level,
        details={
            "reminder": notice.kind,
            "deadline": notice.key_day.isoformat(),
            "outbox_id": notice.outbox_id,
        },
        **_common(facts),
    )
