"""Statements that differ by dialect, behind one name each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select
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


#: the PostgreSQL advisory lock under which sweeps plan, one at a time ("dondoc" in ASCII)
PLANNING_LOCK = 0x646F6E646F63


def plan_alone(session: Session) -> None:
    """Wait until no other sweep is planning, and hold that until this transaction ends.

    On PostgreSQL, two sweeps reading the due tasks at the same moment with SKIP LOCKED
    would each lock a part of them, and each unit head would get the digest in two
    mails; under this lock the second sweep reads only after the first has committed,
    and finds the marks moved on. SQLite serialises writers, and the sweep's claim makes
    the second one take nothing the first took, so it needs none."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(PLANNING_LOCK)))


def bulk_insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows (every one with the same keys), in this transaction.

    On PostgreSQL through psycopg they go as one COPY stream, each value first through
    its column's own bind processing (UTC datetimes, JSON), as an INSERT would send it;
    executemany sends one INSERT a row there, and a 100,000-row sheet took a median 32 s
    that way against 24 s with COPY (bench/imports.py). Elsewhere, executemany.
    """
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    processors = [table.c[name].type.bind_processor(connection.dialect) for name in names]
    quote = connection.dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    cursor: Any = connection.connection.cursor()  # psycopg's, in this transaction
    with cursor, cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [row[n] if p is None else p(row[n]) for n, p in zip(names, processors, strict=True)]
            )
