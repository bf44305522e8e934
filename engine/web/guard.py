"""What stands between a request and a service: the link's claim, the forms' CSRF tokens,
the limit on refused links, and the headers every answer carries.

A refused link is refused the same way whatever the reason (tampered, expired, revoked,
another recipient's, another task's), so that the refusal tells nothing; only an expired
one, genuine but old, offers a fresh link to the address it was made for.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime

from itsdangerous import BadSignature, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_SALT = "dondoc.form.v1"
CSRF_HOURS = 12

#: the headers of every answer: nothing from elsewhere, no script at all, no framing, no
#: referrer (a link's token is in its path), nothing cached
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class Headers:
    """Pure ASGI middleware: `HEADERS` on every answer (cheaper than an HTTP middleware,
    which runs each request through a second task)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.raw if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


class Forms:
    """CSRF tokens: each form of a page carries one, signed, bound to the link it was
    served under and to the action it posts to, valid `CSRF_HOURS`."""

    def __init__(self, secret: bytes, now: Callable[[], datetime]) -> None:
        class _AtClock(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(now().timestamp())

        self._serializer = URLSafeTimedSerializer(secret, salt=CSRF_SALT, signer=_AtClock)

    @staticmethod
    def _bind(link_token: str) -> str:
        return hashlib.sha256(link_token.encode()).hexdigest()[:32]

    def token(self, link_token: str, action: str) -> str:
        return str(self._serializer.dumps([self._bind(link_token), action]))

    def valid(self, token: str | None, link_token: str, action: str) -> bool:
        if not token:
            return False
        try:
            data = self._serializer.loads(token, max_age=CSRF_HOURS * 3600)
        except (BadSignature, ValueError):
            return False
        return bool(data == [self._bind(link_token), action])


class RefusalLimit:
    """At most `limit` refused links per client in `window` seconds; past it, every link
    from that client is refused until the window moves on (guessing links gets slow)."""

    def __init__(self, limit: int = 20, window: float = 300.0) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._seen.setdefault(client, deque())
        while times and times[0] < now - self.window:
            times.popleft()
        return times

    def blocked(self, client: str) -> bool:
        with self._lock:
            blocked = len(self._recent(client, time.monotonic())) >= self.limit
            if not self._seen.get(client):
                self._seen.pop(client, None)
            return blocked

    def refused(self, client: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(client, now).append(now)
            if len(self._seen) > 10_000:  # forget the quiet ones
                for key in [k for k, v in self._seen.items() if not v or v[-1] < now - self.window]:
                    del self._seen[key]
