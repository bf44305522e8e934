"""The deliverer's hold on outbox rows: claims that are leases, renewed while held.

A deliverer claims due rows under a token of its own, for `lease` seconds. While it sends
it renews the lease of the rows it still holds; a deliverer that dies stops renewing, and
once its lease has run out another one takes the rows over. Every write of a result is
conditional on the token: a deliverer that lost its rows cannot overwrite what the one
that took them over recorded.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, bindparam, or_, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, col, select

from engine.store.tables import OutboxRow

OUTBOX = SQLModel.metadata.tables["outbox"]


def due(now: datetime) -> ColumnElement[bool]:
    """Pending and due, or claimed by a deliverer whose lease has run out."""
    return or_(
        and_(col(OutboxRow.status) == "pending", col(OutboxRow.next_attempt_at) <= now),
        and_(col(OutboxRow.status) == "sending", col(OutboxRow.claimed_until) < now),
    )


@dataclass(frozen=True)
class Claim:
    token: str
    rows: list[OutboxRow]  # by id
    taken_over: int  # rows whose earlier deliverer's lease had run out


def claim(engine: Engine, now: datetime, batch: int, lease: timedelta) -> Claim:
    """Mark up to `batch` due rows as being sent under a new token, until `now + lease`.

    PostgreSQL locks the candidates (SKIP LOCKED: another deliverer's are passed over);
    SQLite has one writer at a time, so the conditional update, which re-checks that each
    row is still due, keeps only the rows no one else claimed in between.
    """
    token = uuid.uuid4().hex
    with Session(engine, expire_on_commit=False) as session:
        candidates = (
            select(OutboxRow.id, OutboxRow.status)
            .where(due(now))
            .order_by(col(OutboxRow.next_attempt_at), col(OutboxRow.id))
            .limit(batch)
        )
        if engine.dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        before = dict(session.exec(candidates).all())
        if not before:
            return Claim(token, [], 0)
        statement = (
            update(OutboxRow)
            .where(col(OutboxRow.id).in_(before), due(now))
            .values(status="sending", claimed_until=now + lease, claim_token=token)
            .returning(OutboxRow)
            .execution_options(synchronize_session=False)
        )
        rows = list(session.scalars(statement).all())
        session.commit()
    rows.sort(key=lambda row: row.id or 0)
    taken_over = sum(1 for row in rows if before.get(row.id) == "sending")
    return Claim(token, rows, taken_over)


def renew(engine: Engine, token: str, until: datetime) -> set[int]:
    """Hold the rows of `token` that are still being sent until `until`; the ids still held
    (a row recorded since, or taken over by another deliverer, is not among them)."""
    statement = (
        update(OUTBOX)
        .where(OUTBOX.c.claim_token == token, OUTBOX.c.status == "sending")
        .values(claimed_until=until)
        .returning(OUTBOX.c.id)
    )
    with Session(engine) as session:
        held = {int(i) for i in session.execute(statement).scalars()}
        session.commit()
    return held


_RECORD = (
    update(OUTBOX)
    .where(
        OUTBOX.c.id == bindparam("b_id"),
        OUTBOX.c.status == "sending",
        OUTBOX.c.claim_token == bindparam("b_token"),
    )
    .values(
        status=bindparam("v_status", type_=OUTBOX.c.status.type),
        attempts=bindparam("v_attempts", type_=OUTBOX.c.attempts.type),
        next_attempt_at=bindparam("v_next", type_=OUTBOX.c.next_attempt_at.type),
        last_error=bindparam("v_error", type_=OUTBOX.c.last_error.type),
        sent_at=bindparam("v_sent_at", type_=OUTBOX.c.sent_at.type),
        recipients=bindparam("v_recipients", type_=OUTBOX.c.recipients.type),
        claimed_until=None,
        claim_token=None,
    )
)


def record(session: Session, token: str, changes: Sequence[dict[str, Any]]) -> set[int]:
    """Write results (each a dict of `v_*` values and its row's `b_id`) of the rows still
    held under `token`, in the session's transaction, and say which those were; a row no
    longer held is left as it is. (The rows are read first, locked on PostgreSQL, to know
    which are held; the update checks the token again whatever that read said.)"""
    if not changes:
        return set()
    held_now = select(OutboxRow.id).where(
        col(OutboxRow.id).in_([c["b_id"] for c in changes]),
        col(OutboxRow.claim_token) == token,
        col(OutboxRow.status) == "sending",
    )
    if session.get_bind().dialect.name == "postgresql":
        held_now = held_now.with_for_update()
    held = {i for i in session.exec(held_now).all() if i is not None}
    mine = [c | {"b_token": token} for c in changes if c["b_id"] in held]
    if mine:
        session.connection().execute(_RECORD, mine)
    return held


def mark_reported(session: Session, row_ids: Iterable[int], at: datetime) -> None:
    """Note that the failure of these rows has been reported (told or listed)."""
    ids = list(row_ids)
    if ids:
        session.connection().execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(ids), OUTBOX.c.reported_at.is_(None))
            .values(reported_at=at)
        )
