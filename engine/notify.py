"""Turn stored tasks into mail: template contexts, recipients, and outbox rows (the one
builder of an outbox row), and put them in the outbox. What it reads is in
`engine.store.reads`."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from engine.domain.routing import OfficeAddresses, Recipient, head_of
from engine.i18n import capital, term
from engine.mail.context import Office, TaskView
from engine.services.convert import unit_from_row
from engine.settings import Settings
from engine.store import reads
from engine.store.sql import insert_ignoring_duplicates
from engine.store.tables import OutboxRow, TaskRow, UnitRow

if TYPE_CHECKING:
    from engine.mail.render import Rendered

log = logging.getLogger("dondoc.notify")


def message_id(key: str, mail_from: str) -> str:
    """A stable Message-ID per outbox row: the same mail keeps it across retries."""
    domain = mail_from.rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}.dondoc@{domain}>"


def head_recipient(unit: UnitRow) -> Recipient | None:
    return head_of(unit_from_row(unit))


@dataclass
class Notifier:
    settings: Settings

    @property
    def office(self) -> Office:
        return self.office_for(self.settings.lang)

    def office_for(self, lang: str) -> Office:
        """The office as a mail in `lang` names it, and who signs that mail: the setting
        `mail_signer`, else the office's monitoring and follow-up unit."""
        name = self.settings.office_name
        signer = self.settings.mail_signer or f"{capital(term('coordinator', lang))} — {name}"
        return Office(name=name, email=self.settings.mail_from, signer=signer)

    @property
    def addresses(self) -> OfficeAddresses:
        """The office's own addresses, for routing escalations."""
        return OfficeAddresses(
            leadership=self.settings.leadership_email,
            leader=self.settings.leader_email,
            coordinator=self.settings.coordinator_email,
            language=self.settings.lang,
            name=self.settings.office_name,
        )

    def task_views(self, session: Session, tasks: Sequence[TaskRow]) -> dict[int, TaskView]:
        """TaskViews for many tasks with three queries, whatever their number."""
        facts = reads.mail_facts(session, tasks)
        units = facts.units
        views = {}
        for task in tasks:
            assert task.id is not None
            directive = facts.directives[task.directive_id]
            lead = units.get(task.lead_unit or "")
            views[task.id] = TaskView(
                id=task.id,
                number=task.number,
                title=task.title,
                description=task.description,
                reference=directive.reference,
                directive_title=directive.title,
                issued_on=directive.issued_on,
                issuer=directive.issuer,
                lead_unit_name=lead.name_vi if lead else "",
                accountable=f"{lead.head_title} {lead.head_name}".strip()
                if lead and lead.head_name
                else "",
                owner=task.owner,
                coordinating_units=tuple(
                    units[c].name_vi
                    for c in sorted(facts.coordinators.get(task.id, []))
                    if c in units
                ),
                deadline=task.deadline,
                recurrence=task.recurrence,
                deliverable=task.deliverable,
                authority=task.authority,
            )
        return views

    def outbox_row(
        self,
        *,
        key: str,
        kind: str,
        to: Recipient,
        cc: Iterable[str] = (),
        context: dict[str, Any],
        now: datetime,
        ics: str | None = None,
        fallback: Callable[[], Rendered] | None = None,
    ) -> dict[str, Any]:
        """A rendered outbox row (as values), ready for `enqueue`. With a `fallback`, a
        template that cannot be rendered is logged and the fallback's mail goes instead
        (the deliverer's notice of a failed mail must be made whatever happens)."""
        from engine.mail.render import render

        try:
            office = self.office_for(to.language)
            rendered = render(kind, to.language, office=office, recipient=to, **context)
        except Exception:
            if fallback is None:
                raise
            log.exception("the %s template failed; the plain text goes instead", kind)
            rendered = fallback()
        copies = sorted({c for c in cc if c and c != to.email})
        return {
            "key": key,
            "kind": kind,
            "language": to.language,
            "to_name": to.name,
            "to_email": to.email,
            "cc": copies,
            "subject": rendered.subject,
            "body_text": rendered.text,
            "body_html": rendered.html,
            "ics": ics,
            "message_id": message_id(key, self.settings.mail_from),
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": "",
            "created_at": now,
        }

    def enqueue(self, session: Session, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
        """Insert outbox rows whose key is new; returns key -> id of those inserted."""
        table = OutboxRow.__table__  # type: ignore[attr-defined]
        inserted = insert_ignoring_duplicates(session, table, rows, returning=("id", "key"))
        return {key: row_id for row_id, key in inserted}
