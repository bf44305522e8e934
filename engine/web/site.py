"""What the pages share: the app's dependencies, the link checks, the page renderer."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from engine import templating
from engine.bootstrap import App
from engine.i18n import short_date
from engine.links import Claim, Expired, Links, Purpose, Refused, Signer, link_secret, task_version
from engine.services.deps import Deps
from engine.services.office_mail import file_size
from engine.web.guard import Forms, RefusalLimit
from engine.web.speed import LinkCache, PageCache, Remembering
from engine.web.words import word


def _iso_date(text: str) -> str:
    """'31/12/2025' from '2025-12-31' ('—' from nothing)."""
    return short_date(date.fromisoformat(text)) if text else "—"


ENV = templating.environment(
    "web", filters={"filesize": lambda n: file_size(int(n)), "isodate": _iso_date}
)
CSS = templating.TEMPLATES / "web" / "web.css"
DEPS_SECONDS = 60.0  # the calendar and policies are read again after this long
UNIT_ACTIONS = ("progress", "submit", "extension", "decline")
OFFICE_ACTIONS = ("accept", "return", "approve", "refuse")


log = logging.getLogger("dondoc.web")


class Refusal(Exception):
    pass


class Web:
    """What the pages share: the app, its dependencies (refreshed now and then), the
    signer, the forms' tokens and the limit on refusals."""

    def __init__(self, application: App, refusals: RefusalLimit | None) -> None:
        self.application = application
        self.settings = application.settings
        now = application.clock.now
        secret = link_secret(self.settings)
        self.signer = Signer(secret, self.settings.link_days, now)
        self.forms = Forms(secret, now)
        self.refusals = refusals or RefusalLimit()
        self.link_cache = LinkCache()
        self.pages = PageCache()
        self._deps: tuple[float, Deps] | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self.application.clock.now()

    def deps(self) -> Deps:
        """The dependencies, read again every `DEPS_SECONDS` (the office's days, the
        policies); if reading them fails then (a policy file being edited), the pages go
        on with those read before, and the failure is logged."""
        with self._lock:
            if self._deps is None or time.monotonic() - self._deps[0] > DEPS_SECONDS:
                try:
                    deps = self.application.deps()
                except Exception:
                    if self._deps is None:
                        raise
                    log.exception("the calendar or the policies could not be read again")
                    self._deps = (time.monotonic(), self._deps[1])
                    return self._deps[1]
                deps = replace(deps, calendar=Remembering(deps.calendar))
                self._deps = (time.monotonic(), deps)
                self.pages.clear()  # the office's days may have changed
            return self._deps[1]

    def links(self, request: Request) -> Links:
        base = self.settings.public_url or str(request.base_url)
        return Links(base, self.signer)

    def office(self) -> set[str]:
        s = self.settings
        return {a.lower() for a in (s.coordinator_email, s.leadership_email, s.leader_email) if a}

    def claim(
        self, request: Request, token: str, purposes: tuple[Purpose, ...], subject: str
    ) -> Claim:
        """The link's claim, if it is for this page and this subject; else `Refusal`."""
        client = request.client.host if request.client else "-"
        if self.refusals.blocked(client):
            raise Refusal("too many")
        try:
            claim = self.signer.read(token)
        except Expired:
            self.refusals.refused(client)
            raise
        except Refused:
            self.refusals.refused(client)
            raise Refusal("bad") from None
        if claim.purpose not in purposes or claim.subject != subject:
            self.refusals.refused(client)
            raise Refusal("other page")
        return claim

    def entitled(
        self, claim: Claim, lead_unit: str | None, status: str, people: set[str] | frozenset[str]
    ) -> Claim | None:
        """The claim with its recipient's address, if the link's version is still the
        task's (`lead_unit`, `status`) and its recipient still in the role (one of the lead
        unit's `people`; the office); an escalation's reader only sees, and stays unnamed
        ('')."""
        if task_version(lead_unit, status) != claim.version:
            return None
        if claim.purpose is Purpose.VIEW:
            return replace(claim, to="")
        if claim.purpose is Purpose.ACT:
            who = self.signer.recipient(claim, people)
        elif claim.purpose is Purpose.DECIDE:
            who = self.signer.recipient(claim, self.office())
        else:
            who = None
        return replace(claim, to=who) if who else None


def render(name: str, lang: str, **context: Any) -> str:
    def w(key: str, **values: object) -> str:
        return word(key, lang, **values)

    return ENV.get_template(name).render(context, lang=lang, w=w)


def page(name: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(name, lang, **context), status_code=status)


def refusal_page(lang: str, too_many: bool = False) -> HTMLResponse:
    status = 429 if too_many else 403
    return page("message.html", lang, status, message="too_many" if too_many else "refused")
