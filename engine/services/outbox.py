"""Looking into the outbox, and putting failed mail back in line."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from engine.domain.errors import DomainError
from engine.store import reads
from engine.store.tables import OutboxRow

STATUSES = ("pending", "sending", "sent", "failed")


class OutboxError(DomainError):
    pass


class OutboxRowNotFound(OutboxError):
    def __init__(self, row_id: int) -> None:
        super().__init__(f"không có thư số {row_id} trong hàng đợi / no outbox row {row_id}")


def list_rows(session: Session, status: str | None = None, limit: int = 100) -> list[OutboxRow]:
    """The newest rows first, of one status or of all."""
    if status is not None and status not in STATUSES:
        raise OutboxError(
            f"trạng thái không hợp lệ '{status}' / unknown status '{status}'"
            f" (one of: {', '.join(STATUSES)})"
        )
    return reads.outbox_rows(session, status, limit)


def show(session: Session, row_id: int) -> OutboxRow:
    row = session.get(OutboxRow, row_id)
    if row is None:
        raise OutboxRowNotFound(row_id)
    return row


def retry(
    session: Session,
    row_id: int | None = None,
    *,
    all_failed: bool = False,
    now: datetime,
) -> list[int]:
    """Put failed mail back in line, due at `now` with a fresh count of attempts.

    Either one row (`row_id`) or every failed row (`all_failed`). A pending row is made
    due now; a sent row, or one being sent, is refused. The last error is kept, so what
    went wrong stays visible until the next attempt. Returns the ids put back.
    """
    if (row_id is None) == (not all_failed):
        raise OutboxError("give one row id or all_failed, not both or neither")
    back = (
        update(OutboxRow)
        .values(
            status="pending", attempts=0, next_attempt_at=now, claimed_until=None, claim_token=None
        )
        .returning(col(OutboxRow.id))
        .execution_options(synchronize_session=False)
    )
    if all_failed:
        ids = [i for i in session.scalars(back.where(col(OutboxRow.status) == "failed")) if i]
        session.commit()
        return sorted(ids)
    assert row_id is not None
    row = show(session, row_id)
    if row.status == "sent":
        at = f"{row.sent_at:%Y-%m-%d %H:%M} UTC" if row.sent_at else "?"
        raise OutboxError(
            f"thư số {row_id} đã gửi lúc {at}, không gửi lại"
            f" / outbox row {row_id} was already sent at {at}; it is not sent again"
        )
    if row.status == "sending":
        raise OutboxError(
            f"thư số {row_id} đang được gửi / outbox row {row_id} is being sent right now"
        )
    if row.status == "pending":
        back = back.values(attempts=row.attempts)
    ids = [
        i
        for i in session.scalars(
            back.where(col(OutboxRow.id) == row_id, col(OutboxRow.status) == row.status)
        )
        if i
    ]
    session.commit()
    if not ids:
        raise OutboxError(
            f"thư số {row_id} vừa thay đổi, hãy thử lại / outbox row {row_id} changed meanwhile"
        )
    session.refresh(row)
    return ids


def counts(session: Session) -> dict[str, int]:
    """How many rows there are of each status."""
    found = dict(
        session.exec(select(OutboxRow.status, func.count()).group_by(col(OutboxRow.status))).all()
    )
    return {status: found.get(status, 0) for status in STATUSES}
