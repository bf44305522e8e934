"""Sending mail over SMTP (aiosmtplib), a few reused connections at a time.

Sending is separate from building (message.py) and from bookkeeping (services/delivery.py):
this module only says, for each message it was given, whether the server took it, and if
not, whether trying again later can help.
"""

from __future__ import annotations

import asyncio
import base64
import copy as _copy
import io
import logging
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass
from email import message_from_bytes
from email import policy as email_policy
from email.generator import BytesGenerator
from email.message import EmailMessage
from typing import Literal

import aiosmtplib
from aiosmtplib.email import extract_recipients, extract_sender
from pydantic import SecretStr

from engine.settings import Settings

log = logging.getLogger("dondoc.mail")

TlsMode = Literal["none", "starttls", "tls"]

#: consecutive failed connection attempts after which the server is taken to be down for
#: the rest of a `send_stream` call (the remaining messages fail at once, to be retried later)
UNREACHABLE_AFTER = 2


@dataclass(frozen=True)
class Refusal:
    """One recipient the server refused at RCPT TO, with its answer."""

    address: str
    code: int
    reply: str  # one line, as `SmtpSender.describe` words it

    @property
    def permanent(self) -> bool:
        return self.code >= 500


@dataclass(frozen=True)
class SendResult:
    """What became of one message: `ok` (the server took it for at least one recipient),
    or an error that is `permanent` (5xx) or not. `refused`: the recipients the server
    refused at RCPT TO, each with its own answer (the others, when `ok`, have it).
    `held`: not sent, because the deliverer no longer held the row (its lease ran out)."""

    row_id: int
    ok: bool
    permanent: bool = False
    error: str = ""  # the server's reply ("550 5.1.1 <x@y>: no such user"), or what went wrong
    refused: tuple[Refusal, ...] = ()
    held: bool = True


@dataclass(frozen=True)
class PreparedMessage:
    """A message flattened ahead of sending (it may be done in another process)."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes  # as aiosmtplib would send it to a server with 8BITMIME
    utf8: bool  # an address is not ASCII: the server must offer SMTPUTF8


#: policy.SMTP; a message read back from bytes (the 7-bit path of `_transmit`) keeps its
#: header lines as they were written rather than being folded again by the standard
#: library, whose folding loses spaces between encoded-words (see headers.py)
_SMTP_POLICY = email_policy.SMTP.clone(refold_source="none")
_SMTPUTF8_POLICY = _SMTP_POLICY.clone(utf8=True)


def flatten(message: EmailMessage, *, utf8: bool = False, cte_type: str = "8bit") -> bytes:
    """The bytes `aiosmtplib.email.flatten_message` would make, Bcc left out."""
    copy = _copy.copy(message)  # deleting rebinds the copy's header list, not the original's
    del copy["Bcc"]
    del copy["Resent-Bcc"]
    policy = _SMTPUTF8_POLICY if utf8 else _SMTP_POLICY
    if cte_type != "8bit":
        policy = policy.clone(cte_type=cte_type)
    with io.BytesIO() as out:
        BytesGenerator(out, policy=policy).flatten(copy)
        return out.getvalue()


def prepare(message: EmailMessage) -> PreparedMessage:
    """Envelope and bytes of `message`, as `aiosmtplib.SMTP.send_message` would send them."""
    sender = extract_sender(message)
    recipients = tuple(extract_recipients(message))
    if sender is None or not recipients:
        raise ValueError("a message needs a From and at least one recipient")
    utf8 = not (sender + "".join(recipients)).isascii()
    return PreparedMessage(sender, recipients, flatten(message, utf8=utf8), utf8)


Outgoing = EmailMessage | PreparedMessage


class _Unreachable(Exception):
    """The server could not be reached or would not let us in (never a message's fault)."""


class SmtpSender:
    """An SMTP client that keeps up to `concurrency` connections open and reuses them.

    Connections belong to the event loop that opened them: they are kept between
    `send_stream` calls made in the same loop, and `aclose()` ends them.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        user: str | None = None,
        password: SecretStr | None = None,
        tls: TlsMode = "none",
        timeout: float = 30.0,
        concurrency: int = 10,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.host = host
        self.port = port
        self.user = user
        self._password = password
        self.tls: TlsMode = tls
        self.timeout = timeout
        self.concurrency = concurrency
        self._idle: list[aiosmtplib.SMTP] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connect_failures = 0
        self._down: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSender:
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password,
            tls=settings.smtp_tls,
            timeout=settings.smtp_timeout,
            concurrency=settings.delivery_concurrency,
        )

    @property
    def unreachable(self) -> str | None:
        """Why the server could not be reached in the last `send_stream`, if it could not."""
        return self._down

    def __repr__(self) -> str:  # the password stays out of logs and tracebacks
        user = f"{self.user}@" if self.user else ""
        return (
            f"SmtpSender({user}{self.host}:{self.port}, tls={self.tls}, "
            f"concurrency={self.concurrency})"
        )

    async def send_stream(
        self,
        messages: AsyncIterable[tuple[int, Outgoing]],
        may_send: Callable[[int], bool] | None = None,
    ) -> AsyncIterator[list[SendResult]]:
        """Send messages as they come, at most `concurrency` at a time, and give the results
        as soon as their sends are over, in lists of those ready together (so that they can
        be recorded at once). One call at a time per sender.

        1. `concurrency` workers take the messages from a queue. A worker, given its first
           message, takes a connection: an open one left by an earlier call in this event
           loop, else a new one. It keeps it for every message after.
        2. A connection found closed is opened again before the next message; one the
           server dropped under a message sent on an idle connection is opened again and
           the message tried once more.
        3. When connecting fails UNREACHABLE_AFTER times in a row, the remaining messages
           fail at once (for now) instead of each waiting for its own timeout.
        4. Nothing is raised for a message that did not go: it becomes a result.
        5. Right before each message, `may_send(row_id)` is asked: when it says no, the
           message is not sent and its result says so (`held=False`).
        """
        self._adopt_running_loop()
        self._connect_failures = 0
        self._down = None
        todo: asyncio.Queue[tuple[int, Outgoing] | None] = asyncio.Queue()
        done: asyncio.Queue[SendResult | None] = asyncio.Queue()

        async def worker() -> None:
            client: aiosmtplib.SMTP | None = None
            try:
                while (item := await todo.get()) is not None:
                    if may_send is not None and not may_send(item[0]):
                        done.put_nowait(SendResult(item[0], ok=False, held=False))
                        continue
                    client = client or self._take()
                    done.put_nowait(await self._send_one(client, *item))
            finally:
                if client is not None:
                    self._idle.append(client)

        async def feed() -> None:
            workers = [asyncio.create_task(worker()) for _ in range(self.concurrency)]
            try:
                async for item in messages:
                    todo.put_nowait(item)
            finally:
                for _ in workers:
                    todo.put_nowait(None)
                await asyncio.gather(*workers)
                done.put_nowait(None)

        feeding = asyncio.create_task(feed())
        try:
            over = False
            while not over:
                ready = [await done.get()]
                while not done.empty():
                    ready.append(done.get_nowait())
                over = ready[-1] is None
                results = [r for r in ready if r is not None]
                if results:
                    yield results
            await feeding  # raises what the messages' iterator raised
        finally:
            if not feeding.done():  # the caller stopped early: stop sending
                feeding.cancel()
                await asyncio.gather(feeding, return_exceptions=True)

    async def probe(self) -> str:
        """Connect as a delivery does (host, port, TLS, timeout; logging in when a user is
        set), then QUIT: no mail is sent. The first line of the server's EHLO reply."""
        client = self._client()
        try:
            await client.connect()
            reply = client.last_ehlo_response or await client.ehlo()
            await client.quit()
        finally:
            if client.is_connected:
                client.close()
        return reply.message.splitlines()[0] if reply.message else ""

    async def aclose(self) -> None:
        """Say QUIT on every idle connection (best effort) and forget them."""
        idle, self._idle = self._idle, []
        for client in idle:
            if client.is_connected:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError):
                    client.close()

    def _adopt_running_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # connections of a finished loop cannot be used here
            for client in self._idle:
                client.close()
            self._idle = []
            self._loop = loop

    def _take(self) -> aiosmtplib.SMTP:
        """An idle connection, an open one first, or a new client."""
        for index, client in enumerate(self._idle):
            if client.is_connected:
                return self._idle.pop(index)
        return self._idle.pop() if self._idle else self._client()

    def _client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            username=self.user,
            password=self._password.get_secret_value() if self._password else None,
            timeout=self.timeout,
            use_tls=self.tls == "tls",
            start_tls=self.tls == "starttls",
        )

    async def _connect(self, client: aiosmtplib.SMTP) -> None:
        if self._down is not None:
            raise _Unreachable(self._down)
        try:
            await client.connect()
        except (aiosmtplib.SMTPException, OSError) as exc:
            self._connect_failures += 1
            error = self.describe(exc)
            if self._connect_failures >= UNREACHABLE_AFTER:
                self._down = error
            raise _Unreachable(error) from exc
        self._connect_failures = 0

    async def _send_one(
        self, client: aiosmtplib.SMTP, row_id: int, message: Outgoing
    ) -> SendResult:
        for attempt in (1, 2):
            reused = client.is_connected
            try:
                if not reused:
                    await self._connect(client)
                refused, _reply = await _transmit(client, message)
            except _Unreachable as exc:
                return SendResult(row_id, ok=False, permanent=False, error=str(exc))
            except aiosmtplib.SMTPRecipientsRefused as exc:  # every recipient refused
                each = tuple(self._refusal(r.recipient, r) for r in exc.recipients)
                permanent = all(r.permanent for r in each)
                error = "; ".join(r.reply for r in each)
                return SendResult(row_id, False, permanent, error, each)
            except aiosmtplib.SMTPResponseException as exc:
                if exc.code == 421:  # the server is closing this connection
                    client.close()
                return SendResult(row_id, False, exc.code >= 500, self.describe(exc))
            except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, OSError) as exc:
                client.close()
                if reused and attempt == 1 and not isinstance(exc, TimeoutError):
                    continue  # an idle connection the server had dropped: open a new one
                return SendResult(row_id, ok=False, permanent=False, error=self.describe(exc))
            except (aiosmtplib.SMTPNotSupported, ValueError) as exc:
                # e.g. a non-ASCII address the server cannot take: trying again cannot help
                return SendResult(row_id, ok=False, permanent=True, error=self.describe(exc))
            except aiosmtplib.SMTPException as exc:  # anything else: start afresh next time
                client.close()
                return SendResult(row_id, ok=False, permanent=False, error=self.describe(exc))
            except Exception as exc:  # a bug must not lose the results of the whole batch
                log.exception("unexpected error sending outbox row %s", row_id)
                client.close()
                return SendResult(row_id, ok=False, permanent=False, error=self.describe(exc))
            some = tuple(self._refusal(address, reply) for address, reply in refused.items())
            return SendResult(row_id, ok=True, error="; ".join(r.reply for r in some), refused=some)
        raise AssertionError("unreachable")  # pragma: no cover

    def _refusal(
        self, address: str, reply: aiosmtplib.SMTPResponse | aiosmtplib.SMTPRecipientRefused
    ) -> Refusal:
        return Refusal(
            address, reply.code, self._scrub(f"{reply.code} {reply.message} <{address}>")
        )

    def describe(self, exc: BaseException) -> str:
        """An SMTP error as one line (code, reply, the refused address), the password out."""
        if isinstance(exc, aiosmtplib.SMTPRecipientRefused):
            text = f"{exc.code} {exc.message} <{exc.recipient}>"
        elif isinstance(exc, aiosmtplib.SMTPResponseException):
            text = f"{exc.code} {exc.message}"
        else:
            text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return self._scrub(text)

    def _scrub(self, text: str) -> str:
        """Take the password out of any text a server or library may have echoed it in."""
        if self._password is None:
            return text
        secret = self._password.get_secret_value()
        if not secret:
            return text
        forms = {secret, base64.b64encode(secret.encode()).decode()}
        if self.user:
            forms.add(base64.b64encode(f"\0{self.user}\0{secret}".encode()).decode())
        for form in forms:
            text = text.replace(form, "***")
        return text


async def _transmit(
    client: aiosmtplib.SMTP, message: Outgoing
) -> tuple[dict[str, aiosmtplib.SMTPResponse], str]:
    """One mail transaction, for a message built here or flattened beforehand."""
    if isinstance(message, EmailMessage):
        message = prepare(message)
    if client.is_ehlo_or_helo_needed:
        try:
            await client.ehlo()
        except aiosmtplib.SMTPHeloError:
            await client.helo()
    options: list[str] = []
    data = message.data
    if message.utf8:
        if not client.supports_extension("smtputf8"):
            raise aiosmtplib.SMTPNotSupported("the server does not offer SMTPUTF8")
        options.append("SMTPUTF8")
    if client.supports_extension("8bitmime"):
        options.append("BODY=8BITMIME")
    elif not data.isascii():  # rare: a server without 8BITMIME gets 7-bit transfer encodings
        again = message_from_bytes(data, policy=email_policy.default)
        assert isinstance(again, EmailMessage)
        data = flatten(again, utf8=message.utf8, cte_type="7bit")
    return await client.sendmail(
        message.sender, list(message.recipients), data, mail_options=options
    )
