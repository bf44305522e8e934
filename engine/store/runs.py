"""When the sweep and the delivery last ran, and what they did: one row per kind of run,
written by the run itself and read by `dondoc check`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import select

from engine.store.tables import ServiceRunRow

RunKind = Literal["sweep", "deliver", "review"]
#: the runs `dondoc check` watches; a "review" row says which month's review was made last
RUN_KINDS: tuple[RunKind, ...] = ("sweep", "deliver")


def record_run(session: Session, kind: RunKind, at: datetime, summary: dict[str, Any]) -> None:
    """Upsert the run of `kind` that acted at `at`, in the caller's transaction (the
    caller commits, so a run rolled back, or a dry run, leaves no record).

    A run that acted at an earlier instant than the one stored (a re-run of a past day
    with `--as-of`) leaves the stored one: the record says how recent the latest run is.
    """
    table = ServiceRunRow.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = builder(table).values(kind=kind, at=at, summary=summary)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.kind],
            set_={"at": statement.excluded.at, "summary": statement.excluded.summary},
            where=table.c.at <= statement.excluded.at,
        )
    )


def last_runs(session: Session) -> dict[str, ServiceRunRow]:
    """The last run of each kind that ever ran, by kind."""
    return {row.kind: row for row in session.scalars(select(ServiceRunRow)).all()}
