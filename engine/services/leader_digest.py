"""The leader's weekly digest, planned by the sweep: every task still open at the top of
its ladder, once a week, until it is done (issue 16: "the leader's digest keeps listing
what is still open").

It goes to whom the top level reported to (the leader, else the office's leadership), in
their language as the monthly review picks it, the coordinator in copy, under one outbox
key per ISO week and address: the first sweep in office hours of the week that finds
something to list plans it (on the week's first working day, unless no sweep ran that
day), and no other sweep, in any process, plans it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_
from sqlmodel import Session, col, select

from engine.domain.calendar import WorkingCalendar
from engine.domain.leader_digest import listed, top_level, week_began, week_label
from engine.domain.lifecycle import OPEN_STATES
from engine.domain.policy import NoticeKind, Policies
from engine.mail.context import DueItem
from engine.notify import Notifier
from engine.services.review import contact_languages, leaders
from engine.store.tables import DirectiveRow, NoticeRow, OutboxRow, TaskRow

KIND = "leader_digest"
OPEN = [s.value for s in OPEN_STATES]


def digest_key(week: str, email: str) -> str:
    """The outbox key of the week's digest to one address: 'leader-digest:2026-W04:…'."""
    return f"leader-digest:{week}:{email.lower()}"


def plan_leader_digest(
    session: Session,
    notifier: Notifier,
    calendar: WorkingCalendar,
    policies: Policies,
    now: datetime,
) -> list[dict[str, Any]]:
    """Put this week's digest in the outbox, in the caller's transaction, unless it is
    there already or there is nothing to list. Returns what was put in the outbox, as the
    sweep reports its mail (id, kind, to, cc, items, subject).

    1. Whom: the first of the review's leaders (the leader, else the office leadership);
       nobody configured, nothing.
    2. Once a week: this week's key in the outbox already, nothing more (the unique key
       refuses a copy planned at the same moment by another sweep).
    3. What: the open tasks (paused and declined ones are not: they wait, and are not
       overdue) whose ladder has reached its policy's top level, with the digest on,
       the top level reported before this week began.
    4. One mail, the longest overdue first, the task lines of the escalation digest.
    """
    settings = notifier.settings
    found = leaders(settings, settings.lang)  # their languages are read only if it goes
    if not found:
        return []
    today = calendar.local_date(now)
    key = digest_key(week_label(today), found[0].email)
    if session.exec(select(OutboxRow.id).where(OutboxRow.key == key)).first() is not None:
        return []
    tasks = _still_open_at_the_top(session, policies, week_began(today, calendar))
    if not tasks:
        return []
    to = leaders(settings, settings.lang, contact_languages(session))[0]
    views = notifier.task_views(session, tasks)
    items = []
    for task in tasks:
        assert task.id is not None
        assert task.deadline is not None
        overdue = calendar.working_days_after(task.deadline, today)
        item = DueItem(
            kind=NoticeKind.ESCALATION.value,
            level=task.escalation_level,
            task=views[task.id],
            working_days_overdue=overdue,
        )
        items.append(item)
    items.sort(key=lambda i: (-i.working_days_overdue, i.task.deadline, i.task.id))
    coordinator = settings.coordinator_email
    values = notifier.outbox_row(
        key=key,
        kind=KIND,
        to=to,
        cc=[coordinator] if coordinator else [],
        context={"items": items, "as_of": today},
        now=now,
    )
    inserted = notifier.enqueue(session, [values])
    if key not in inserted:
        return []
    return [
        {
            "id": inserted[key],
            "kind": KIND,
            "to": values["to_email"],
            "cc": values["cc"],
            "items": len(items),
            "subject": values["subject"],
        }
    ]


def _still_open_at_the_top(
    session: Session, policies: Policies, week_began: datetime
) -> list[TaskRow]:
    """The open tasks whose ladder, against the deadline in force, reached its policy's
    top level before `week_began`, in one query: each escalated task with its
    directive's priority and the escalation notices of its current ladder."""
    rows = session.exec(
        select(TaskRow, DirectiveRow.priority, NoticeRow.level)
        .join(DirectiveRow, col(DirectiveRow.id) == col(TaskRow.directive_id))
        .join(
            NoticeRow,
            and_(
                col(NoticeRow.task_id) == col(TaskRow.id),
                col(NoticeRow.key_day) == col(TaskRow.deadline),
            ),
        )
        .where(
            col(TaskRow.status).in_(OPEN),
            col(TaskRow.escalation_level) > 0,
            col(NoticeRow.kind) == NoticeKind.ESCALATION.value,
            col(NoticeRow.created_at) < week_began,
        )
        .order_by(col(TaskRow.id))
    ).all()
    chosen: dict[int, TaskRow] = {}
    for task, priority, level in rows:
        assert task.id is not None
        policy = policies.for_priority(priority)
        if level == top_level(policy) and listed(policy, task.escalation_level):
            chosen[task.id] = task
    return list(chosen.values())
