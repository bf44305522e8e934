"""Signed links: what a mail's reader may do on the web app without an account.

A link names one thing (a task, a unit, a report), the one address it was mailed to (as
a keyed digest: the address itself is not readable in the link, which proxies and
browsers keep in their logs), what it is for (its purpose) and the task's link version,
and is signed with the office's key by itsdangerous, with the instant it was made. Whoever opens it is taken to
be that recipient doing that one thing; the web app checks, besides the signature and
the age, that the recipient still has the role (the head or a deputy of the task's lead
unit, or the office) and that the version is still the task's.

The version is derived from the task itself — its lead unit and whether it is closed —
so that any code path that reassigns or closes a task (the CLI, a flow, a direct
UPDATE) revokes the links made before, with nothing to remember to bump.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from engine.domain.lifecycle import TERMINAL_STATES, Status
from engine.settings import Settings

SALT = "dondoc.link.v1"


class Purpose(StrEnum):
    ACT = "act"  # the lead unit's head: see the task, report progress, submit, ask for time
    VIEW = "view"  # an escalation's reader: see the task, change nothing
    DECIDE = "decide"  # the office: accept or return a result, approve or refuse an extension
    UNIT = "unit"  # the lead unit's head: the unit's open tasks
    REPORT = "report"  # a leader: one file of the monthly review


@dataclass(frozen=True)
class Claim:
    """What a valid link says: `subject` is a task id, a unit code or a report file name."""

    purpose: Purpose
    subject: str
    to: str  # the recipient's address as a keyed digest (`Signer.tag`)
    version: str
    issued_at: int  # seconds since the epoch


class Refused(Exception):
    """Not a valid link: tampered, unknown or made with another key. Says nothing more."""


class Expired(Refused):
    """A genuine link that is too old: its claim is kept to offer a fresh one."""

    def __init__(self, claim: Claim) -> None:
        super().__init__("expired")
        self.claim = claim


def task_version(lead_unit: str | None, status: str) -> str:
    """A task's link version: changes when its lead unit changes or it is closed."""
    closed = Status(status) in TERMINAL_STATES
    seed = f"{lead_unit or ''}|{'closed' if closed else 'open'}"
    return hashlib.sha256(seed.encode()).hexdigest()[:8]


def link_secret(settings: Settings) -> bytes:
    """The key links are signed with: DONDOC_SECRET_KEY, else the key file (made once,
    readable by its owner only, so that the sweep and the web app share it)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    path = Path(settings.web_key_file)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise ValueError(f"{path}: the link key is too short (32 characters at least)")
    return key.encode()


class Signer:
    """Makes and reads links' tokens, dated by `now` (the app's clock), valid `days`."""

    def __init__(self, secret: bytes, days: int, now: Callable[[], datetime]) -> None:
        class _AtClock(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(now().timestamp())

        self.max_age = days * 86400
        self._serializer = URLSafeTimedSerializer(secret, salt=SALT, signer=_AtClock)
        self._tag_key = hashlib.sha256(b"dondoc.recipient|" + secret).digest()

    def tag(self, address: str) -> str:
        """The recipient as a link names it: a digest of the address keyed with the
        office's key (no one without the key can tell whose link it is)."""
        digest = hashlib.blake2b(
            address.strip().lower().encode(), key=self._tag_key, digest_size=12
        )
        return base64.urlsafe_b64encode(digest.digest()).decode()

    def recipient(self, claim: Claim, addresses: Iterable[str]) -> str | None:
        """Which of `addresses` (lower case) the link was made for, if any."""
        return next((a for a in addresses if hmac.compare_digest(self.tag(a), claim.to)), None)

    def token(self, purpose: Purpose, subject: str, to: str, version: str = "") -> str:
        return str(self._serializer.dumps([purpose.value, subject, self.tag(to), version]))

    def read(self, token: str) -> Claim:
        """The link's claim; `Expired` (with it) when too old; `Refused` otherwise."""
        try:
            data, stamp = self._serializer.loads(token, max_age=self.max_age, return_timestamp=True)
        except SignatureExpired as exc:
            if exc.payload is None or exc.date_signed is None:
                raise Refused("expired") from None
            data = self._serializer.load_payload(exc.payload)
            raise Expired(_claim(data, int(exc.date_signed.timestamp()))) from None
        except (BadSignature, ValueError, UnicodeDecodeError):
            raise Refused("bad signature") from None
        return _claim(data, int(stamp.timestamp()))


def _claim(data: object, issued_at: int) -> Claim:
    if not (isinstance(data, list) and len(data) == 4 and all(isinstance(x, str) for x in data)):
        raise Refused("bad payload")
    try:
        purpose = Purpose(data[0])
    except ValueError:
        raise Refused("bad purpose") from None
    return Claim(purpose, data[1], data[2], data[3], issued_at)


class Links:
    """The addresses of the web app's pages for one recipient, as mail carries them."""

    def __init__(self, base_url: str, signer: Signer) -> None:
        self.base = base_url.rstrip("/")
        self.signer = signer

    def task(self, task_id: int, to: str, version: str, purpose: Purpose = Purpose.ACT) -> str:
        token = self.signer.token(purpose, str(task_id), to, version)
        page = "decide" if purpose is Purpose.DECIDE else "task"
        return f"{self.base}/{page}/{task_id}/{token}"

    def unit(self, code: str, to: str) -> str:
        token = self.signer.token(Purpose.UNIT, code, to)
        return f"{self.base}/unit/{quote(code, safe='')}/{token}"

    def report(self, name: str, to: str) -> str:
        token = self.signer.token(Purpose.REPORT, name, to)
        return f"{self.base}/report/{quote(name, safe='')}/{token}"


def links_for(settings: Settings, now: Callable[[], datetime]) -> Links | None:
    """The links of this office, or None when DONDOC_PUBLIC_URL is unset (no links)."""
    if not settings.public_url:
        return None
    return Links(settings.public_url, Signer(link_secret(settings), settings.link_days, now))


def report_url(settings: Settings, name: str, to: str, now: Callable[[], datetime]) -> str | None:
    """The signed address of the monthly review's file `name` (e.g. 'bao-cao-2025-12.pdf',
    as written in DONDOC_REPORT_DIR) for the reader `to`; None without DONDOC_PUBLIC_URL.
    For the leaders' mail and the Prefect artifact."""
    links = links_for(settings, now)
    return links.report(name, to) if links else None
