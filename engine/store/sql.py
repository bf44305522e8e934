"""Statements that differ by dialect, behind one name each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert


def insert_ignoring_duplicates(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], returning: Sequence[str] = ()
) -> list[Any]:
    """INSERT … ON CONFLICT DO NOTHING [RETURNING …]: only the rows actually inserted come back.

    This is what makes planning idempotent: a second sweep, or one running at the same
    moment in another process, inserts nothing under a key that already exists.
    """
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement: Insert = builder(table).on_conflict_do_nothing()
    # executemany: SQLAlchemy batches the rows into multi-row INSERTs ("insertmanyvalues")
    # from one cached statement, RETURNING included, instead of compiling a statement with
    # a thousand VALUES tuples each time
    connection = session.connection()
    if returning:
        statement = statement.returning(*(table.c[name] for name in returning))
        return list(connection.execute(statement, list(rows)).all())
    connection.execute(statement, list(rows))
    return []


def locking_clause(session: Session, of: Any) -> dict[str, Any]:
    """`with_for_update` options: lock the rows of `of` alone, skipping those another sweep
    holds (PostgreSQL); SQLite serialises writers, so it needs none.

    Only `of`: a query joining other tables would otherwise lock their rows too, and a row
    locked by a sweep that then skips it (the joined row being held) is skipped by the
    other sweep as well — claimed by neither."""
    if session.get_bind().dialect.name == "postgresql":
        return {"skip_locked": True, "of": of}
    return {}
