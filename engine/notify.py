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
from zoneinfo import ZoneInfo

from sqlmodel import Session

from engine.domain.absence import Absence, stand_in
from engine.domain.routing import OfficeAddresses, Recipient, head_of
from engine.i18n import capital, term
from engine.links import Purpose, links_for, task_version
from engine.mail.context import NO_LINKS, DueItem, MailLinks, Office, TaskView
from engine.services.convert import unit_from_row
from engine.settings import Settings
from engine.store import reads
from engine.store.sql import insert_ignoring_duplicates
from engine.store.tables import DirectiveRow, OutboxRow, TaskRow, UnitRow

if TYPE_CHECKING:
    from engine.mail.render import Rendered

log = logging.getLogger("dondoc.notify")


def message_id(key: str, mail_from: str) -> str:
    """A stable Message-ID per outbox row: the same mail keeps it across retries."""
    domain = mail_from.rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}.dondoc@{domain}>"


def head_recipient(unit: UnitRow) -> Recipient | None:
    return head_of(unit_from_row(unit))


def task_view(
    task: TaskRow, directive: DirectiveRow, lead: UnitRow | None, coordinating: tuple[str, ...]
) -> TaskView:
    """The task as mail and the web pages tell it (its six clears), from its rows and its
    coordinating units' names."""
    assert task.id is not None
    return TaskView(
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
        coordinating_units=coordinating,
        deadline=task.deadline,
        recurrence=task.recurrence,
        deliverable=task.deliverable,
        authority=task.authority,
        lead_unit=task.lead_unit or "",
        link_version=task_version(task.lead_unit, task.status),
    )


#: the links a mail of each kind carries (engine.links): the unit's head acts on its
#: tasks; the office decides on a result or an extension; an escalation's readers and the
#: office told of a refusal see the task. Other kinds carry none (a fresh link carries its
#: own; a task given to another unit is no longer the reader's).
LINK_PURPOSE = {
    "assignment": Purpose.ACT,
    "reminder_digest": Purpose.ACT,
    "overdue": Purpose.ACT,
    "extension_decision": Purpose.ACT,
    "completion_returned": Purpose.ACT,
    "task_paused": Purpose.ACT,
    "task_resumed": Purpose.ACT,
    "decline_answered": Purpose.ACT,
    "escalation": Purpose.VIEW,
    "leader_digest": Purpose.VIEW,
    "task_declined": Purpose.VIEW,
    "result_submitted": Purpose.DECIDE,
    "extension_requested": Purpose.DECIDE,
}


@dataclass
class Notifier:
    settings: Settings
    #: who is away when, and who acts for them: mail to them goes to the acting person
    absences: Sequence[Absence] = ()

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
            coordinating = tuple(
                units[c].name_vi for c in sorted(facts.coordinators.get(task.id, [])) if c in units
            )
            views[task.id] = task_view(task, directive, lead, coordinating)
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

        if self.absences:  # mail to a person away goes to whoever acts for them
            day = now.astimezone(ZoneInfo(self.settings.timezone)).date()
            to, cc = stand_in(to, cc, self.absences, day)
        try:
            office = self.office_for(to.language)
            links = self.links(kind, to, context, now)
            rendered = render(
                kind, to.language, office=office, recipient=to, links=links, **context
            )
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

    def links(self, kind: str, to: Recipient, context: dict[str, Any], now: datetime) -> MailLinks:
        """The signed links that fit a mail of `kind` to `to` (none without
        DONDOC_PUBLIC_URL): the tasks' pages to act on, for a unit's head; read only, for
        an escalation's readers; the decision page, for the office; the unit's page with
        a digest."""
        made = links_for(self.settings, lambda: now)
        purpose = LINK_PURPOSE.get(kind)
        if made is not None and kind == "monthly_report":  # the files, in DONDOC_REPORT_DIR
            names = getattr(context.get("report"), "files", ())
            return MailLinks(files={name: made.report(name, to.email) for name in names})
        if made is None or purpose is None:
            return NO_LINKS
        views: list[TaskView] = []
        if isinstance(context.get("task"), TaskView):
            views.append(context["task"])
        views += [i.task for i in context.get("items", ()) if isinstance(i, DueItem)]
        if purpose is Purpose.DECIDE:
            (view,) = views
            return MailLinks(decide=made.task(view.id, to.email, view.link_version, purpose))
        tasks = {v.id: made.task(v.id, to.email, v.link_version, purpose) for v in views}
        units = {v.lead_unit for v in views if v.lead_unit}
        unit = ""
        if kind in ("reminder_digest", "overdue") and len(units) == 1:
            unit = made.unit(units.pop(), to.email)
        return MailLinks(tasks=tasks, unit=unit, view_only=purpose is Purpose.VIEW)

    def enqueue(self, session: Session, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
        """Insert outbox rows whose key is new; returns key -> id of those inserted."""
        table = OutboxRow.__table__  # type: ignore[attr-defined]
        inserted = insert_ignoring_duplicates(session, table, rows, returning=("id", "key"))
        return {key: row_id for row_id, key in inserted}
