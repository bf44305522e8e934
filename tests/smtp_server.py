"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording what it receives.

Use it as a pytest plugin (`pytest_plugins = ["tests.smtp_server"]`) for the fixture
`smtp_server`. The server can refuse given recipients (451: try later, 550: never), refuse
a message at DATA, take its time to answer a message, drop each connection after a
message, ask for a password, and be stopped and started again on the same port ("the
server is down").
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    peer: tuple[str, int]  # the client's end of the connection it came over
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def part(self, subtype: str) -> str:
        """The text of the message's text/<subtype> body part."""
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        assert isinstance(body, EmailMessage)
        return str(body.get_content())


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    refuse_rcpt: dict[str, str] = field(default_factory=dict)  # address -> "550 ..."
    refuse_data: dict[str, str] = field(default_factory=dict)  # address -> "554 ..."
    drop_after_each: bool = False
    delay: float = 0.0  # seconds every message's DATA waits for its answer
    stall_next: float = 0.0  # seconds the next message's DATA waits for its answer
    stalled: threading.Event = field(default_factory=threading.Event)  # set when it starts
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        reply = self.refuse_rcpt.get(address.lower())
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        stall, self.stall_next = self.stall_next or self.delay, 0.0
        if stall:
            self.stalled.set()
            await asyncio.sleep(stall)
        for address in envelope.rcpt_tos:
            if address.lower() in self.refuse_data:
                return self.refuse_data[address.lower()]
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(
                Received(
                    peer=tuple(session.peer),  # type: ignore[arg-type]
                    mail_from=str(envelope.mail_from),
                    rcpt_tos=tuple(envelope.rcpt_tos),
                    message=message,
                )
            )
        if self.drop_after_each and server.transport is not None:
            # closed once the reply below has been written
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 in a thread of its own, on a port that stays put."""

    def __init__(self, *, users: dict[str, str] | None = None) -> None:
        self.host = HOST
        self.port = free_port()
        self.handler = RecordingHandler()
        self.users = users
        self._controller: Controller | None = None

    # running

    def start(self) -> None:
        assert self._controller is None, "already running"
        kwargs: dict[str, Any] = {"server_hostname": "smtp.test", "ready_timeout": 10}
        if self.users is not None:
            kwargs |= {"authenticator": self._authenticate, "auth_require_tls": False}
        # a controller's loop is closed when it stops, so each start gets a new one
        self._controller = Controller(self.handler, hostname=self.host, port=self.port, **kwargs)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert self.users is not None
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        return AuthResult(success=self.users.get(login) == password, handled=False)

    # behaviour

    def refuse(self, address: str, reply: str) -> None:
        """Answer RCPT TO:<address> with `reply`, e.g. "550 5.1.1 No such user"."""
        self.handler.refuse_rcpt[address.lower()] = reply

    def refuse_message(self, address: str, reply: str) -> None:
        """Take RCPT TO:<address>, then answer the message's DATA with `reply`."""
        self.handler.refuse_data[address.lower()] = reply

    def accept(self, address: str) -> None:
        self.handler.refuse_rcpt.pop(address.lower(), None)
        self.handler.refuse_data.pop(address.lower(), None)

    def stall_next_message(self, seconds: float) -> threading.Event:
        """Answer the next message's DATA only after `seconds` (the message is taken then);
        the event returned is set when that message has arrived and the wait begins."""
        self.handler.stalled.clear()
        self.handler.stall_next = seconds
        return self.handler.stalled

    def drop_connections(self, drop: bool = True) -> None:
        """Close each connection as soon as it has delivered one message."""
        self.handler.drop_after_each = drop

    # what arrived

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]

    def message_ids(self) -> list[str]:
        return [r.message_id for r in self.received]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
