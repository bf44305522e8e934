"""The deliverer: claim due outbox rows, send them, record what happened.

What it promises (the README's "Delivery guarantee" says it for the office):

- A result is recorded as soon as the server has answered (the results that come in
  together, in one transaction), and at most `delivery_concurrency` messages are ever sent
  or being sent without their result recorded: a deliverer killed at any moment leaves at
  most that many to be sent a second time, with the same Message-ID.
- A claim is a lease (`delivery_lease_seconds`), renewed while the deliverer works and
  checked before each message: a deliverer that lost it (stalled past it, or its rows taken
  over) sends nothing more, and records nothing over the one that took over. The rows of a
  dead deliverer are taken over once its lease has run out, and the run that takes them
  over says how many.
- Each recipient's answer is kept (`engine.domain.recipients`): one refused for good fails
  alone and the coordinator is told; one refused for now is tried again alone.
- A failed send stays pending with its attempt count and error (and a later due time), or
  becomes failed; it is never recorded as sent. A row that fails for good is reported once
  to the coordinator, through the outbox like any other mail.
"""

from __future__ import annotations

import asyncio
import html
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from engine.domain import recipients as rcpt
from engine.domain.policy import in_office_hours
from engine.i18n import capital, term
from engine.mail.context import FailedMail, Recipient
from engine.mail.render import Rendered
from engine.mail.sender import Outgoing, PreparedMessage, SendResult, SmtpSender, prepare
from engine.notify import Notifier
from engine.services.deps import Deps
from engine.services.mail_builders import Builders
from engine.settings import Settings
from engine.store import outbox_claims
from engine.store.outbox_claims import Claim
from engine.store.runs import record_run
from engine.store.tables import OutboxRow

log = logging.getLogger("dondoc.delivery")

FAILURE_NOTICE_KIND = "delivery_failed"


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0  # rows now with every recipient served
    retried: int = 0  # someone still to be tried again later (a later due time)
    failed: int = 0  # rows in which someone failed for good (a 5xx reply, or the last attempt)
    skipped_outside_hours: int = 0  # due rows left for office hours
    outside_hours: bool = False
    unreachable: str = ""  # why the SMTP server could not be reached, if it could not
    taken_over: int = 0  # rows of a deliverer whose lease had run out, sent by this one
    lost: int = 0  # rows this deliverer stopped holding (its lease ran out), left unsent

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            self.sent + other.sent,
            self.retried + other.retried,
            self.failed + other.failed,
            self.skipped_outside_hours + other.skipped_outside_hours,
            self.outside_hours or other.outside_hours,
            other.unreachable or self.unreachable,
            self.taken_over + other.taken_over,
            self.lost + other.lost,
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
            count = select(func.count()).select_from(OutboxRow).where(outbox_claims.due(start))
            due = session.exec(count).one()
        return DeliveryReport(skipped_outside_hours=due, outside_hours=True)
    sender = sender or SmtpSender.from_settings(deps.settings)
    clock = _fixed(now) if now is not None else deps.clock.now
    builders = Builders(deps.settings, build_workers)
    report = _run(_deliver(deps.engine, deps.notifier(), builders, sender, clock, batch))
    with deps.session() as session:
        summary = {
            "sent": report.sent,
            "retried": report.retried,
            "failed": report.failed,
            "unreachable": report.unreachable,
            "taken_over": report.taken_over,
        }
        record_run(session, "deliver", start, summary)
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
    """1. Claim up to `batch` due rows under a lease, and commit the claim: no other
       deliverer sends them while the lease holds. Renew it while this batch is sent.
    2. Build each row's message (`builders`: here, or in worker processes for a big
       batch) and hand it to the sender once built, addressed to the recipients still
       to be served; a row whose message cannot be built fails for good.
    3. Before each message, check the lease: once lost, send nothing more.
    4. Record each result as soon as the server has answered, with the failure notices it
       calls for; a new message is handed over only when fewer than `concurrency` are
       sent or being sent without their result recorded.
    5. Claim again, until nothing is due (a failure notice made in 4 is itself due).
    """
    lease = timedelta(seconds=notifier.settings.delivery_lease_seconds)
    report = DeliveryReport()
    try:
        while True:
            claim = outbox_claims.claim(engine, clock(), batch, lease)
            if not claim.rows:
                return report
            report += DeliveryReport(taken_over=claim.taken_over)
            holder = Lease(engine, claim, lease, clock)
            keeper = asyncio.create_task(holder.keep())
            try:
                report += await _send_batch(engine, notifier, builders, sender, clock, holder)
            finally:
                keeper.cancel()
                await asyncio.gather(keeper, return_exceptions=True)
            if sender.unreachable:
                report += DeliveryReport(unreachable=sender.unreachable)
            if holder.expired or report.lost:  # this deliverer lost its rows: stop
                return report
    finally:
        builders.close()
        await sender.aclose()


async def _send_batch(
    engine: Engine,
    notifier: Notifier,
    builders: Builders,
    sender: SmtpSender,
    clock: Callable[[], datetime],
    holder: Lease,
) -> DeliveryReport:
    """Steps 2 to 4 for one claimed batch."""
    rows = {_id(row): row for row in holder.claim.rows}
    window = asyncio.Semaphore(sender.concurrency)
    unbuildable: list[SendResult] = []
    report = DeliveryReport()

    async def feed() -> AsyncIterator[tuple[int, Outgoing]]:
        async with aclosing(builders.messages(holder.claim.rows, unbuildable)) as built:
            async for row_id, message in built:
                await window.acquire()
                if holder.expired:
                    window.release()
                    return
                yield row_id, addressed(message, rows[row_id])

    async for results in sender.send_stream(feed(), may_send=holder.holds):
        report += _record(engine, notifier, rows, results, holder, clock())
        for _ in results:
            window.release()
    report += _record(engine, notifier, rows, unbuildable, holder, clock())
    lost = len(rows) - len(holder.done)  # left unsent: the lease ran out, or was taken over
    return report + DeliveryReport(lost=lost) if lost else report


class Lease:
    """This deliverer's hold on a claimed batch: renewed in the database every quarter of
    its length, taken as lost here once half of it has passed without a renewal (so that
    a clock a little off between two machines cannot have two deliverers sending), and
    given up row by row as each result is recorded."""

    def __init__(
        self, engine: Engine, claim: Claim, lease: timedelta, clock: Callable[[], datetime]
    ) -> None:
        self.engine = engine
        self.claim = claim
        self.lease = lease
        self.clock = clock
        self.held = {_id(row) for row in claim.rows}
        self.done: set[int] = set()  # recorded
        self._until = time.monotonic() + lease.total_seconds() / 2

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self._until

    def holds(self, row_id: int) -> bool:
        return not self.expired and row_id in self.held

    def recorded(self, row_ids: Iterable[int]) -> None:
        ids = set(row_ids)
        self.held -= ids
        self.done |= ids

    def renew(self) -> None:
        started = time.monotonic()
        try:
            still = outbox_claims.renew(self.engine, self.claim.token, self.clock() + self.lease)
        except SQLAlchemyError as exc:  # the lease runs out by itself: sending stops then
            log.warning("could not renew the delivery lease: %s", exc)
            return
        self.held &= still
        self._until = started + self.lease.total_seconds() / 2

    async def keep(self) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 4)
            self.renew()


def addressed(message: Outgoing, row: OutboxRow) -> Outgoing:
    """The message as the row's next attempt sends it: to everyone the first time, then
    only to those still pending (the headers, Message-ID included, stay as they were)."""
    if not row.recipients:
        return message
    wanted = set(rcpt.envelope(row.to_email, row.cc, row.recipients))
    prepared = message if isinstance(message, PreparedMessage) else prepare(message)
    return replace(
        prepared, recipients=tuple(a for a in prepared.recipients if a.lower() in wanted)
    )


def _id(row: OutboxRow) -> int:
    assert row.id is not None
    return row.id


def _record(
    engine: Engine,
    notifier: Notifier,
    rows: dict[int, OutboxRow],
    results: Sequence[SendResult],
    holder: Lease,
    now: datetime,
) -> DeliveryReport:
    """Write results of a batch, the failure notices they call for, and the failures now
    reported, in one transaction. A result not sent because the lease was lost is left
    out; each update is conditional on the lease's token (`outbox_claims.record`)."""
    settings = notifier.settings
    changes: list[dict[str, Any]] = []
    fates: dict[int, str] = {}  # row id -> "sent", "retried" or "failed"
    notices: dict[int, dict[str, Any]] = {}
    reported: dict[int, int] = {}  # notice row id -> the row whose failure it told
    for result in results:
        if not result.held:
            continue
        row = rows[result.row_id]
        sent_to = rcpt.envelope(row.to_email, row.cc, row.recipients)
        answer = rcpt.Answer(
            taken=result.ok,
            permanent=result.permanent,
            error=result.error,
            refused={r.address.lower(): (r.permanent, r.reply) for r in result.refused},
        )
        out = rcpt.outcome(
            row.recipients, sent_to, answer, row.attempts, settings.delivery_max_attempts
        )
        next_at = row.next_attempt_at
        if out.status == rcpt.PENDING:
            fates[result.row_id] = "retried"
            next_at = now + timedelta(
                seconds=settings.delivery_backoff_seconds * 2 ** max(out.attempts - 1, 0)
            )
        else:
            fates[result.row_id] = "failed" if out.failed else "sent"
        changes.append(
            {
                "b_id": result.row_id,
                "v_status": out.status,
                "v_attempts": out.attempts,
                "v_next": next_at,
                "v_error": out.error or row.last_error,
                "v_sent_at": row.sent_at or (now if out.delivered else None),
                "v_recipients": out.recipients,
            }
        )
        if out.failed:
            notice = _failure_notice(notifier, row, out, now)
            if notice is not None:
                notices[result.row_id] = notice
        if row.kind == FAILURE_NOTICE_KIND and out.status == rcpt.SENT:
            reported[result.row_id] = failed_row_of(row.key)
    with Session(engine) as session:
        held = outbox_claims.record(session, holder.claim.token, changes)
        told = [notice for row_id, notice in notices.items() if row_id in held]
        if told:
            notifier.enqueue(session, told)  # a failure is told once: its key is new once
        outbox_claims.mark_reported(session, (o for r, o in reported.items() if r in held), now)
        session.commit()
    holder.recorded(held)
    outcomes = [fate for row_id, fate in fates.items() if row_id in held]
    return DeliveryReport(
        sent=outcomes.count("sent"),
        retried=outcomes.count("retried"),
        failed=outcomes.count("failed"),
    )


def failure_key(row: OutboxRow, out: rcpt.Outcome) -> str:
    """The key of the notice telling the coordinator of `out`'s failures: one per row when
    nobody got it, one per row and attempt when some recipients did (or may yet)."""
    everyone = rcpt.addresses(row.to_email, row.cc)
    if set(out.failed) == set(everyone):
        return f"delivery-failed:{row.id}"
    return f"delivery-failed:{row.id}:{out.attempts}"


def failed_row_of(key: str) -> int:
    """The id of the row whose failure a notice's key tells of."""
    return int(key.split(":")[1])


def _failure_notice(
    notifier: Notifier, failed: OutboxRow, out: rcpt.Outcome, now: datetime
) -> dict[str, Any] | None:
    """The coordinator's notice of the recipients of a row that failed for good (not of a
    notice: no loops), as outbox values: the template `delivery_failed` in the office's language, or, should
    it fail to render, plain text (a batch's results, sent mail among them, must be
    recorded whatever happens)."""
    settings = notifier.settings
    if not settings.coordinator_email or failed.kind == FAILURE_NOTICE_KIND:
        return None
    lang = settings.lang
    failure = FailedMail(
        to_email=", ".join(out.failed),
        subject=failed.subject,
        error="; ".join(out.recipients[a]["reply"] for a in out.failed),
        attempts=out.attempts,
    )
    coordinator = Recipient(
        name="",
        title=COORDINATOR_TITLE.get(lang, ""),
        email=settings.coordinator_email,
        unit_name="",
        language=lang,
        person=False,
    )
    return notifier.outbox_row(
        key=failure_key(failed, out),
        kind=FAILURE_NOTICE_KIND,
        to=coordinator,
        context={"failed": failure},
        now=now,
        fallback=lambda: _plain_failure_notice(settings, failure),
    )


#: how the coordinator is addressed in the notice, as a body, not a person ("Kính gửi: Bộ
#: phận theo dõi, đôn đốc thực hiện nhiệm vụ")
COORDINATOR_TITLE = {lang: capital(term("coordinator", lang)) for lang in ("vi", "en")}


def _plain_failure_notice(settings: Settings, failed: FailedMail) -> Rendered:
    text = (
        f"Không gửi được thư tới {failed.to_email} sau {failed.attempts} lần: {failed.error}\n\n"
        f"Tiêu đề thư: {failed.subject}\n\nHệ thống dondoc — {settings.office_name}\n"
    )
    paragraphs = (html.escape(p).replace("\n", "<br>") for p in text.strip().split("\n\n"))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return Rendered(
        subject=f"Không gửi được thư tới {failed.to_email}",
        text=text,
        html=f"<!doctype html><html><body>{body}</body></html>\n",
    )
