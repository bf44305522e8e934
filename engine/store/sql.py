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
    statement: Insert = builder(table).values(list(rows)).on_conflict_do_nothing()
    if returning:
        statement = statement.returning(*(table.c[name] for name in returning))
        return list(session.execute(statement).all())
    session.execute(statement)
    return []


def locking_clause(session: Session) -> dict[str, Any]:
    """`with_for_update` options: skip rows another sweep holds (PostgreSQL); SQLite
    serialises writers, so it needs none."""
    if session.get_bind().dialect.name == "postgresql":
        return {"skip_locked": True, "of": None}
    return {}
