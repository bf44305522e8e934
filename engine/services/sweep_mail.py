"""The sweep's mail: the notices it found due, routed and grouped into the outbox.

An assignment is one mail per task (with the deadline as a calendar invitation); the
reminders and overdue notices of a unit, and the escalations to one person, go in one
digest per recipient and kind. Who receives what is `engine.domain.routing.route`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, select

from engine.domain.policy import Audience, DueNotice, NoticeKind
from engine.domain.routing import Recipient, route
from engine.mail.context import DueItem, FailedMail, TaskView
from engine.mail.ics import deadline_ics
from engine.notify import Notifier
from engine.services.convert import unit_from_row
from engine.store import outbox_claims, reads
from engine.store.tables import NoticeRow, OutboxRow, TaskRow, UnitRow


@dataclass(frozen=True)
class Due:
    task: TaskRow
    notice: DueNotice
    key_day: date
    left: int = 0
    overdue: int = 0
    audience: Audience | None = None  # for an escalation: who it goes to, from the policy
    notice_id: int = 0  # set once the notice is stored


@dataclass
class Digest:
    to: Recipient
    cc: set[str] = field(default_factory=set)
    items: list[Due] = field(default_factory=list)


def plan_mail(
    session: Session, notifier: Notifier, new: list[Due], now: datetime
) -> tuple[list[dict[str, Any]], list[int]]:
    """Put the new notices in the outbox: an assignment each, and one digest per recipient
    and kind for the rest (reminders and overdue notices to a unit, escalations to those
    the policy names). Each notice is linked to the mail that tells it. Returns what was
    put in the outbox (id, kind, to, cc, items, subject) and the ids of the tasks whose
    notice had no one to go to."""
    mails: list[dict[str, Any]] = []
    unaddressed: list[int] = []
    if not new:
        return mails, unaddressed
    tasks = list({id(d.task): d.task for d in new}.values())
    views = notifier.task_views(session, tasks)
    unit_codes = {t.lead_unit for t in tasks if t.lead_unit}
    units = {u.code: unit_from_row(u) for u in session.exec(select(UnitRow))} if unit_codes else {}
    settings = notifier.settings
    office = notifier.addresses

    planned: list[tuple[list[int], dict[str, Any]]] = []  # (notice ids, outbox values)
    digests: dict[tuple[str, str], Digest] = {}

    for d in new:
        task, notice = d.task, d.notice.kind
        assert task.id is not None
        lead = units.get(task.lead_unit or "")
        parent = units.get(lead.parent_code or "") if lead else None
        # only an assignment copies the coordinating units: ask for them only then
        coordinating = (
            reads.coordinating_heads(session, task.id) if notice is NoticeKind.ASSIGNMENT else []
        )
        routed = route(notice, d.audience, lead, parent, office, coordinating)
        if routed is None:
            unaddressed.append(task.id)
        elif notice is NoticeKind.ASSIGNMENT:
            view = views[task.id]
            ics = None
            if task.deadline is not None:
                uid = f"task-{task.id}-{task.deadline.isoformat()}@dondoc"
                ics = deadline_ics(
                    view, uid=uid, stamp=now, timezone=settings.timezone, lang=routed.to.language
                )
            key = f"assignment:{task.id}:{d.key_day.isoformat()}"
            values = notifier.outbox_row(
                key=key,
                kind="assignment",
                to=routed.to,
                cc=routed.cc,
                context={"task": view},
                now=now,
                ics=ics,
            )
            planned.append(([d.notice_id], values))
        else:
            group = "escalation" if notice is NoticeKind.ESCALATION else "unit"
            digest = digests.setdefault((group, routed.to.email), Digest(routed.to))
            digest.cc |= routed.cc
            digest.items.append(d)

    stamp = now.isoformat()
    leaders = {a.lower() for a in (office.leader, office.leadership) if a}
    # the failed mail nobody was told of, read once, for every digest to a leader
    failures = (
        reads.unreported_failures(session)
        if any(g == "escalation" and e.lower() in leaders for g, e in digests)
        else []
    )
    undelivered = [_failed(row) for row in failures]
    for (group, email), digest in digests.items():
        items = [_item(views[d.task.id], d) for d in digest.items if d.task.id is not None]
        if group == "unit":
            kind = (
                "overdue"
                if any(d.notice.kind is NoticeKind.OVERDUE for d in digest.items)
                else "reminder_digest"
            )
            context: dict[str, Any] = {"items": items}
        else:
            kind = "escalation"
            context = {
                "items": items,
                "level": max(d.notice.level for d in digest.items),
                "undelivered": [],
            }
            if email.lower() in leaders:  # the leader, with the coordinator in copy
                context["undelivered"] = undelivered
        notice_ids = [d.notice_id for d in digest.items]
        key = f"{kind}:{email}:{stamp}:{min(notice_ids)}"
        values = notifier.outbox_row(
            key=key, kind=kind, to=digest.to, cc=digest.cc, context=context, now=now
        )
        planned.append((notice_ids, values))

    ids = notifier.enqueue(session, [values for _, values in planned])
    links: list[dict[str, int]] = []
    for notice_ids, values in planned:
        outbox_id = ids.get(values["key"])
        if outbox_id is None:
            continue
        links += ({"notice_id": n, "outbox_id": outbox_id} for n in notice_ids)
        mails.append(
            {"id": outbox_id, "kind": values["kind"], "to": values["to_email"], "cc": values["cc"],
             "items": len(notice_ids), "subject": values["subject"]}
        )  # fmt: skip
    outbox_claims.mark_reported(session, (row.id for row in failures if row.id), now)
    if links:  # each notice points at the mail that tells it, in one statement
        notices = NoticeRow.__table__  # type: ignore[attr-defined]
        session.connection().execute(
            update(notices)
            .where(notices.c.id == bindparam("notice_id"))
            .values(outbox_id=bindparam("outbox_id")),
            links,
        )
    return mails, unaddressed


def _failed(row: OutboxRow) -> FailedMail:
    unserved = [a for a, s in row.recipients.items() if s.get("status") != "sent"]
    return FailedMail(
        to_email=", ".join(unserved) or row.to_email,
        subject=row.subject,
        error=row.last_error,
        attempts=row.attempts,
    )


def _item(view: TaskView, d: Due) -> DueItem:
    return DueItem(
        kind=d.notice.kind.value,
        level=d.notice.level,
        task=view,
        working_days_left=d.left,
        working_days_overdue=d.overdue,
    )
