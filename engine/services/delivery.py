"""The deliverer: claim due outbox rows, send them, record what happened.

A failed send stays pending with its attempt count and error (and a later due time), or
becomes failed; it is never recorded as sent. A row that fails for good is reported once
to the coordinator, through the outbox like any other mail.
"""

from __future__ import annotations

import asyncio
import html
import threading
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, bindparam, func, or_, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, col, select

from engine.domain.policy import in_office_hours
from engine.mail.context import FailedMail, Recipient
from engine.mail.render import Rendered
from engine.mail.sender import SendResult, SmtpSender
from engine.notify import Notifier
from engine.services.deps import Deps
from engine.services.mail_builders import Builders
from engine.settings import Settings
from engine.store.runs import record_run
from engine.store.tables import OutboxRow

#: how long a claim holds: a deliverer that has not recorded its results by then is taken
#: to have crashed, and its rows are claimed again
CLAIM_FOR = timedelta(minutes=10)
FAILURE_NOTICE_KIND = "delivery_failed"
OUTBOX = SQLModel.metadata.tables["outbox"]


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0  # failed for now, pending again with a later due time
    failed: int = 0  # failed for good (a 5xx reply, or the last attempt)
    skipped_outside_hours: int = 0  # due rows left for office hours
    outside_hours: bool = False
    unreachable: str = ""  # why the SMTP server could not be reached, if it could not

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            self.sent + other.sent,
            self.retried + other.retried,
            self.failed + other.failed,
            self.skipped_outside_hours + other.skipped_outside_hours,
            self.outside_hours or other.outside_hours,
            other.unreachable or self.unreachable,
        )


def deliver(
    deps: Deps,
    sender: SmtpSender | None = None,
    *,
    now: datetime | None = None,
    batch: int = 500,
    build_workers: int | None = None,
) -> DeliveryReport:
    """Send every due outbox row, batch by batch, until none is due; say what happened.

    Outside office hours (a day off on the app's calendar, or out of the default policy's
    hours) nothing is sent: the due rows are counted, and wait. `now` fixes the instant
    (tests, re-runs); without it the app's clock is read for office hours, then for each
    batch. `build_workers` processes build the messages (0: in this process; None: decide
    by the size of the first batch and the number of cores; see `mail_builders`).
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    start = now or deps.clock.now()
    if not in_office_hours(start, deps.calendar, deps.policies.default):
        with deps.session() as session:
            due = session.exec(select(func.count()).select_from(OutboxRow).where(_due(start))).one()
        return DeliveryReport(skipped_outside_hours=due, outside_hours=True)
    sender = sender or SmtpSender.from_settings(deps.settings)
    clock = _fixed(now) if now is not None else deps.clock.now
    builders = Builders(deps.settings, build_workers)
    report = _run(_deliver(deps.engine, deps.notifier(), builders, sender, clock, batch))
    with deps.session() as session:
        record_run(
            session,
            "deliver",
            start,
            {
                "sent": report.sent,
                "retried": report.retried,
                "failed": report.failed,
                "unreachable": report.unreachable,
            },
        )
        session.commit()
    return report


def _fixed(at: datetime) -> Callable[[], datetime]:
    return lambda: at


def _run(coroutine: Coroutine[Any, Any, DeliveryReport]) -> DeliveryReport:
    """asyncio.run, also from a caller that is itself inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    out: list[DeliveryReport] = []
    thread = threading.Thread(target=lambda: out.append(asyncio.run(coroutine)))
    thread.start()
    thread.join()
    if not out:
        raise RuntimeError("the delivery thread ended without a report")
    return out[0]


async def _deliver(
    engine: Engine,
    notifier: Notifier,
    builders: Builders,
    sender: SmtpSender,
    clock: Callable[[], datetime],
    batch: int,
) -> DeliveryReport:
    """1. Claim up to `batch` due rows, and commit the claim: no other deliverer sends them.
    2. Build each row's message (`builders`: here, or in worker processes for a big
       batch) and hand it to the sender once built, while those before it are being
       sent; a row whose message cannot be built fails for good.
    3. The sender sends over its reused connections and gives each result as its send
       ends: each could be recorded then, one by one (see `_record`).
    4. Record the batch's results, and the failure notices they call for, in one transaction.
    5. Claim again, until nothing is due (a failure notice made in 4 is itself due).
    """
    report = DeliveryReport()
    try:
        while True:
            claimed_at = clock()
            rows = _claim(engine, claimed_at, batch)
            if not rows:
                return report
            unbuildable: list[SendResult] = []
            messages = builders.messages(rows, unbuildable)
            sent = [result async for result in sender.send_stream(messages)]
            results = [*unbuildable, *sent]
            report += _record(engine, notifier, rows, results, claimed_at, clock())
            if sender.unreachable:
                report += DeliveryReport(unreachable=sender.unreachable)
    finally:
        builders.close()
        await sender.aclose()


def _id(row: OutboxRow) -> int:
    assert row.id is not None
    return row.id


def _due(now: datetime) -> ColumnElement[bool]:
    """Pending and due, or claimed by a deliverer whose claim has run out."""
    return or_(
        and_(col(OutboxRow.status) == "pending", col(OutboxRow.next_attempt_at) <= now),
        and_(col(OutboxRow.status) == "sending", col(OutboxRow.claimed_until) < now),
    )


def _claim(engine: Engine, now: datetime, batch: int) -> list[OutboxRow]:
    """Mark up to `batch` due rows as being sent by us, and return them as claimed.

    PostgreSQL locks the candidates (SKIP LOCKED: another deliverer's are passed over);
    SQLite has one writer at a time, so the conditional update, which re-checks that each
    row is still due, keeps only the rows no one else claimed in between.
    """
    with Session(engine, expire_on_commit=False) as session:
        candidates = (
            select(OutboxRow.id)
            .where(_due(now))
            .order_by(col(OutboxRow.next_attempt_at), col(OutboxRow.id))
            .limit(batch)
        )
        if engine.dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        ids = list(session.exec(candidates).all())
        if not ids:
            return []
        claim = (
            update(OutboxRow)
            .where(col(OutboxRow.id).in_(ids), _due(now))
            .values(status="sending", claimed_until=now + CLAIM_FOR)
            .returning(OutboxRow)
            .execution_options(synchronize_session=False)
        )
        rows = list(session.scalars(claim).all())
        session.commit()
    rows.sort(key=_id)
    return rows


def _record(
    engine: Engine,
    notifier: Notifier,
    rows: Sequence[OutboxRow],
    results: Sequence[SendResult],
    claimed_at: datetime,
    now: datetime,
) -> DeliveryReport:
    """Write results of a batch, and the failure notices they call for, in one transaction:
    all of them, or any part as it comes (down to one result; `rows` may be the whole batch).

    Each update is conditional on our claim still holding, so a deliverer that overran its
    claim cannot overwrite what the one that took over has recorded.
    """
    settings = notifier.settings
    by_id = {_id(row): row for row in rows}
    changes: list[dict[str, Any]] = []
    notices: list[dict[str, Any]] = []
    sent = retried = failed = 0
    for result in results:
        row = by_id[result.row_id]
        change: dict[str, Any] = {
            "b_id": result.row_id,
            "b_claim": claimed_at + CLAIM_FOR,
            "v_status": "sent",
            "v_attempts": row.attempts,
            "v_next": row.next_attempt_at,
            "v_error": result.error or row.last_error,
            "v_sent_at": now,
        }
        if result.ok:
            sent += 1
        else:
            attempts = row.attempts + 1
            change |= {"v_attempts": attempts, "v_error": result.error, "v_sent_at": None}
            if result.permanent or attempts >= settings.delivery_max_attempts:
                failed += 1
                change["v_status"] = "failed"
                row.attempts, row.last_error = attempts, result.error
                notice = _failure_notice(notifier, row, now)
                if notice is not None:
                    notices.append(notice)
            else:
                retried += 1
                delay = settings.delivery_backoff_seconds * 2 ** (attempts - 1)
                change["v_status"] = "pending"
                change["v_next"] = now + timedelta(seconds=delay)
        changes.append(change)
    table = OUTBOX
    statement = (
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.status == "sending",
            table.c.claimed_until == bindparam("b_claim"),
        )
        .values(
            status=bindparam("v_status", type_=table.c.status.type),
            attempts=bindparam("v_attempts", type_=table.c.attempts.type),
            next_attempt_at=bindparam("v_next", type_=table.c.next_attempt_at.type),
            last_error=bindparam("v_error", type_=table.c.last_error.type),
            sent_at=bindparam("v_sent_at", type_=table.c.sent_at.type),
            claimed_until=None,
        )
    )
    with Session(engine) as session:
        if changes:
            session.execute(statement, changes)
        if notices:
            notifier.enqueue(session, notices)  # a failure is told once: its key is new once
        session.commit()
    return DeliveryReport(sent=sent, retried=retried, failed=failed)


def _failure_notice(notifier: Notifier, failed: OutboxRow, now: datetime) -> dict[str, Any] | None:
    """The coordinator's notice of a row that failed for good (not of a notice: no loops),
    as outbox values: the template `delivery_failed` in the office's language, or, should
    it fail to render, plain text (a batch's results, sent mail among them, must be
    recorded whatever happens)."""
    settings = notifier.settings
    if not settings.coordinator_email or failed.kind == FAILURE_NOTICE_KIND:
        return None
    lang = settings.lang
    failure = FailedMail(
        to_email=failed.to_email,
        subject=failed.subject,
        error=failed.last_error,
        attempts=failed.attempts,
    )
    coordinator = Recipient(
        name="",
        title=COORDINATOR_TITLE.get(lang, ""),
        email=settings.coordinator_email,
        unit_name="",
        language=lang,
    )
    return notifier.outbox_row(
        key=f"delivery-failed:{failed.id}",
        kind=FAILURE_NOTICE_KIND,
        to=coordinator,
        context={"failed": failure},
        now=now,
        fallback=lambda: _plain_failure_notice(settings, failure),
    )


#: how the coordinator is addressed in the notice ("Kính gửi: Đồng chí …")
COORDINATOR_TITLE = {"vi": "Chuyên viên theo dõi", "en": "Coordinator"}


def _plain_failure_notice(settings: Settings, failed: FailedMail) -> Rendered:
    text = (
        f"Không gửi được thư tới {failed.to_email} sau {failed.attempts} lần: {failed.error}\n\n"
        f"Tiêu đề thư: {failed.subject}\n\n{settings.office_name}\n"
    )
    paragraphs = (html.escape(p).replace("\n", "<br>") for p in text.strip().split("\n\n"))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return Rendered(
        subject=f"Không gửi được thư tới {failed.to_email}",
        text=text,
        html=f"<!doctype html><html><body>{body}</body></html>\n",
    )
