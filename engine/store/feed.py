"""Where the event feed has got to in the task history and in the notices: one row of
service_run (kind 'feed'), read and written in the caller's transaction.

An id cursor alone would lose a change: on PostgreSQL a long transaction (a sweep) may
take ids 10-20 and commit after another one has committed id 21, which the feed then
reads first. So the ids skipped below the cursor are kept as gaps and looked at again
by the next calls; a gap still empty after `GAP_TRIES` calls was a rolled-back insert.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from engine.store.tables import ServiceRunRow

KIND = "feed"
#: how many later calls a skipped id is looked for again
GAP_TRIES = 20
#: most gaps kept per source (a bulk rollback must not grow the row without end)
MAX_GAPS = 2000


@dataclass
class Position:
    """How far one source (the history, or the notices) has been read."""

    last: int = 0
    gaps: dict[int, int] = field(default_factory=dict)  # id -> calls left to look for it

    def advance(self, found: list[int], started_at: int) -> Position:
        """The position after reading the ids `found` (sorted) from `self`: the gaps met
        below the new last id are added, the gaps found are dropped, the others age."""
        seen = set(found)
        gaps = {i: n - 1 for i, n in self.gaps.items() if i not in seen and n > 1}
        expected = started_at + 1
        for i in found:
            if i > started_at:
                gaps.update((g, GAP_TRIES) for g in range(expected, i))
                expected = i + 1
        last = max([started_at, *found])
        kept = dict(sorted(gaps.items())[-MAX_GAPS:])
        return Position(last, kept)

    def to_json(self) -> dict[str, Any]:
        return {"last": self.last, "gaps": {str(k): v for k, v in self.gaps.items()}}

    @staticmethod
    def from_json(data: dict[str, Any] | None) -> Position:
        data = data or {}
        gaps = {int(k): int(v) for k, v in (data.get("gaps") or {}).items()}
        return Position(int(data.get("last", 0)), gaps)


@dataclass
class Cursor:
    events: Position
    notices: Position
    #: this database's feed, made once: what keeps two databases' changes apart when they
    #: publish to one server (their ids are alike)
    instance: str = field(default_factory=lambda: str(uuid.uuid4()))


def read(session: Session) -> Cursor | None:
    """The cursor, or None when the feed has never run on this database."""
    row = session.exec(select(ServiceRunRow).where(ServiceRunRow.kind == KIND)).first()
    if row is None:
        return None
    return Cursor(
        Position.from_json(row.summary.get("task_event")),
        Position.from_json(row.summary.get("notice")),
        str(row.summary.get("instance") or uuid.uuid4()),
    )


def write(session: Session, cursor: Cursor, at: datetime | None = None) -> None:
    """Upsert the cursor in the caller's transaction."""
    table = ServiceRunRow.__table__  # type: ignore[attr-defined]
    builder = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    summary = {
        "task_event": cursor.events.to_json(),
        "notice": cursor.notices.to_json(),
        "instance": cursor.instance,
    }
    statement = builder(table).values(kind=KIND, at=at or datetime.now(UTC), summary=summary)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.kind],
            set_={"at": statement.excluded.at, "summary": statement.excluded.summary},
        )
    )


def forget() -> Any:
    """The statement that removes the cursor: the next read starts from the latest changes."""
    table = ServiceRunRow.__table__  # type: ignore[attr-defined]
    return table.delete().where(table.c.kind == KIND)
