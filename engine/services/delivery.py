"""The deliverer: claim due outbox rows, send them, record what happened.

A failed send stays pending with its attempt count and error (and a later due time), or
becomes failed; it is never recorded as sent. A row that fails for good is reported once
to the coordinator, through the outbox like any other mail.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, bindparam, func, or_, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, col, select

from engine.bootstrap import App
from engine.domain.policy import in_office_hours
from engine.mail.context import FailedMail, Office, Recipient
from engine.mail.message import message_from_outbox
from engine.mail.render import Rendered, render
from engine.mail.sender import Outgoing, SendResult, SmtpSender, prepare
from engine.notify import message_id
from engine.settings import Settings
from engine.store.sql import insert_ignoring_duplicates
from engine.store.tables import OutboxRow
from engine.workers import start_method, start_pool, stop_pool

log = logging.getLogger("dondoc.delivery")

#: how long a claim holds: a deliverer that has not recorded its results by then is taken
#: to have crashed, and its rows are claimed again
CLAIM_FOR = timedelta(minutes=10)
FAILURE_NOTICE_KIND = "delivery_failed"
OUTBOX = SQLModel.metadata.tables["outbox"]
#: from this many rows in the first batch, messages are built in worker processes
BUILD_IN_PROCESSES_FROM = 200
BUILD_CHUNK = 50  # rows per task for a worker process


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


#: how the coordinator is addressed in the notice ("Kính gửi: Đồng chí …")
COORDINATOR_TITLE = {"vi": "Chuyên viên theo dõi", "en": "Coordinator"}


def render_failure_notice(settings: Settings, failed: OutboxRow) -> Rendered:
    """The coordinator's notice of a mail that could not be delivered: the template
    `delivery_failed` in the office's language, or, should rendering fail, plain text
    (the results of a batch, sent mail among them, must be recorded whatever happens)."""
    assert settings.coordinator_email is not None
    lang = settings.lang
    failure = FailedMail(
        to_email=failed.to_email,
        subject=failed.subject,
        error=failed.last_error,
        attempts=failed.attempts,
    )
    try:
        return render(
            FAILURE_NOTICE_KIND,
            lang,
            office=Office(name=settings.office_name, email=settings.mail_from),
            recipient=Recipient(
                name="",
                title=COORDINATOR_TITLE[lang],
                email=settings.coordinator_email,
                unit_name="",
                language=lang,
            ),
            failed=failure,
        )
    except Exception:
        log.exception("the delivery_failed template failed; sending the plain notice")
        return _plain_failure_notice(settings, failure)


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


def deliver(
    app: App,
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
    by the size of the first batch and the number of cores).
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    start = now or app.clock.now()
    if not in_office_hours(start, app.calendar(), app.policies().default):
        with app.session() as session:
            due = session.exec(select(func.count()).select_from(OutboxRow).where(_due(start))).one()
        return DeliveryReport(skipped_outside_hours=due, outside_hours=True)
    sender = sender or SmtpSender.from_settings(app.settings)
    clock = _fixed(now) if now is not None else app.clock.now
    return _run(_deliver(app, sender, clock, batch, build_workers))


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


Building = asyncio.Future[list[tuple[int, Outgoing | str]]]


@dataclass
class _Batch:
    """Claimed rows, and their messages: being built in worker processes, or built on demand."""

    rows: list[OutboxRow]
    claimed_at: datetime
    chunks: list[tuple[list[OutboxRow], Building]] = field(default_factory=list)
    unbuildable: list[SendResult] = field(default_factory=list)

    def start(self, pool: ProcessPoolExecutor | None, settings: Settings) -> _Batch:
        if pool is None:
            return self
        loop = asyncio.get_running_loop()
        try:
            for i in range(0, len(self.rows), BUILD_CHUNK):
                rows = self.rows[i : i + BUILD_CHUNK]
                data = [row.model_dump() for row in rows]
                future = loop.run_in_executor(
                    pool, _build_chunk, data, settings.office_name, settings.mail_from
                )
                self.chunks.append((rows, future))
        except (OSError, RuntimeError):  # no worker process to be had: build here
            for _, future in self.chunks:
                future.cancel()
            self.chunks = []
        return self

    async def messages(self, settings: Settings) -> AsyncIterator[tuple[int, Outgoing]]:
        """Each message as soon as it is built; a row that cannot be goes to `unbuildable`."""
        chunks: list[tuple[list[OutboxRow], Building | None]] = [*self.chunks] or [
            (self.rows, None)
        ]
        for rows, future in chunks:
            built: list[tuple[int, Outgoing | str]] | None = None
            if future is not None:
                try:
                    built = await future
                except BrokenProcessPool:  # build this chunk here
                    built = None
            for row_id, message in built or _build_here(settings, rows):
                if isinstance(message, str):
                    self.unbuildable.append(SendResult(row_id, False, True, message))
                else:
                    yield row_id, message
                if future is None:
                    await asyncio.sleep(0)  # let the first messages go while the rest are built


async def _deliver(
    app: App,
    sender: SmtpSender,
    clock: Callable[[], datetime],
    batch: int,
    build_workers: int | None,
) -> DeliveryReport:
    """1. Claim a batch of due rows and commit the claim.
    2. Build their messages (in worker processes when the batch is big: building a mail
       with Vietnamese headers costs more CPU than sending it).
    3. With worker processes, claim the next batch now, so that it is built meanwhile.
       Send this one over the sender's reused connections, each message once built.
    4. Record every result of this batch, and any failure notice, in one transaction.
    5. Go on with the next batch; claim again when there was none, since a failure
       notice made in 4 is itself due. Stop when nothing is due.
    """
    settings = app.settings
    report = DeliveryReport()
    pool: ProcessPoolExecutor | None = None

    def claim() -> _Batch | None:
        at = clock()
        rows = _claim(app.engine, at, batch)
        return _Batch(rows, at).start(pool, settings) if rows else None

    try:
        current = claim()
        if current is None:
            return report
        workers = _build_workers(len(current.rows)) if build_workers is None else build_workers
        if workers > 0:
            pool = start_pool(workers, preload=[__name__])  # None: build here
            current.start(pool, settings)
        while current is not None:
            ahead = claim() if pool is not None else None  # built while this batch goes
            sent = await sender.send_stream(current.messages(settings))
            results = [*current.unbuildable, *sent]
            report += _record(
                app.engine, settings, current.rows, results, current.claimed_at, clock()
            )
            if sender.unreachable:
                report += DeliveryReport(unreachable=sender.unreachable)
            current = ahead or claim()
        return report
    finally:
        if pool is not None:
            stop_pool(pool)
        await sender.aclose()


def _build_workers(rows: int) -> int:
    """Worker processes for a first batch of `rows`: some for a big batch on several cores
    where worker processes start cheaply (forkserver: not on Windows), else none."""
    cores = os.cpu_count() or 1
    cheap = start_method() == "forkserver"
    return min(cores, 4) if cheap and cores > 1 and rows >= BUILD_IN_PROCESSES_FROM else 0


def _build(row: OutboxRow, office_name: str, mail_from: str, flat: bool) -> Outgoing | str:
    """The row's message (flattened ahead when `flat`), or why it cannot be built."""
    try:
        message = message_from_outbox(row, office_name, mail_from)
        return prepare(message) if flat else message
    except (ValueError, TypeError, IndexError) as exc:
        return f"không tạo được thư / cannot build the message: {exc}"


def _build_here(
    settings: Settings, rows: Sequence[OutboxRow]
) -> Iterator[tuple[int, Outgoing | str]]:
    for row in rows:
        yield _id(row), _build(row, settings.office_name, settings.mail_from, flat=False)


def _build_chunk(
    rows: list[dict[str, Any]], office_name: str, mail_from: str
) -> list[tuple[int, Outgoing | str]]:
    """In a worker process: build and flatten each row's message (bytes travel back)."""
    built = (OutboxRow(**data) for data in rows)
    return [(_id(row), _build(row, office_name, mail_from, flat=True)) for row in built]


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
    settings: Settings,
    rows: Sequence[OutboxRow],
    results: Sequence[SendResult],
    claimed_at: datetime,
    now: datetime,
) -> DeliveryReport:
    """Write every result of a batch, and the failure notices they call for, in one transaction.

    Each update is conditional on our claim still holding, so a deliverer that overran its
    claim cannot overwrite what the one that took over has recorded.
    """
    by_id = {_id(row): row for row in rows}
    changes: list[dict[str, Any]] = []
    notices: list[OutboxRow] = []
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
                notice = _failure_notice(settings, row, now)
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
            _insert_if_absent(session, notices)
        session.commit()
    return DeliveryReport(sent=sent, retried=retried, failed=failed)


def _failure_notice(settings: Settings, failed: OutboxRow, now: datetime) -> OutboxRow | None:
    """The coordinator's notice of a row that failed for good (not of a notice: no loops)."""
    if not settings.coordinator_email or failed.kind == FAILURE_NOTICE_KIND:
        return None
    key = f"delivery-failed:{failed.id}"
    notice = render_failure_notice(settings, failed)
    return OutboxRow(
        key=key,
        kind=FAILURE_NOTICE_KIND,
        language=settings.lang,
        to_name="",
        to_email=settings.coordinator_email,
        cc=[],
        subject=notice.subject,
        body_text=notice.text,
        body_html=notice.html,
        ics=None,
        message_id=message_id(key, settings.mail_from),
        status="pending",
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )


def _insert_if_absent(session: Session, rows: Sequence[OutboxRow]) -> None:
    """Insert outbox rows whose key is not there yet (a failure is told once)."""
    insert_ignoring_duplicates(session, OUTBOX, [row.model_dump(exclude={"id"}) for row in rows])
