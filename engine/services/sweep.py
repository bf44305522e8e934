"""The sweep: find what is due, claim it, and plan the mail into the outbox.

Run it as often as you like, from as many processes as you like: every notice is
inserted under a unique key (task, kind, level, deadline in force), so nothing is
planned twice; delivery is left to the outbox sender.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from engine.domain.calendar import WorkingCalendar
from engine.domain.lifecycle import OPEN_STATES, Status
from engine.domain.model import Recurrence
from engine.domain.policy import (
    DueNotice,
    NoticeKind,
    Policies,
    Policy,
    due_notices,
    in_office_hours,
    next_check_on,
)
from engine.domain.recurrence import PERIODIC, next_deadline, next_instance_on
from engine.services.deps import Deps
from engine.services.leader_digest import plan_leader_digest
from engine.services.sweep_mail import Due, plan_mail
from engine.store.runs import record_run
from engine.store.sql import insert_ignoring_duplicates, locking_clause, plan_alone
from engine.store.tables import (
    DirectiveRow,
    NoticeRow,
    TaskCoordinatorRow,
    TaskEventRow,
    TaskRow,
)

SWEEP_ACTOR = "dondoc (tự động)"
MAX_CATCH_UP_PERIODS = 24
OPEN = [s.value for s in OPEN_STATES]


@dataclass
class SweepReport:
    now: datetime
    in_office_hours: bool
    dry_run: bool = False
    tasks_checked: int = 0
    notices: Counter[str] = field(default_factory=Counter)
    escalations: list[tuple[int, int]] = field(default_factory=list)  # (task id, level)
    instances: list[int] = field(default_factory=list)  # ids of new recurring instances
    mails: list[dict[str, Any]] = field(default_factory=list)  # kind, to, cc, items, subject
    unaddressed: list[int] = field(default_factory=list)  # task ids whose notice had no recipient


def sweep(deps: Deps, now: datetime | None = None, *, dry_run: bool = False) -> SweepReport:
    """Plan every reminder, escalation and recurring instance due at `now`.

    1. Outside office hours, or on a day off, do nothing. Otherwise wait for any other
       sweep to finish planning (`plan_alone`): one sweep plans at a time.
    2. Create the next instance of recurring obligations whose period has ended.
    3. Take the open tasks whose `next_check_on` has come (locked, skipping rows a
       person is changing), work out their due notices, and advance their mark.
    4. Insert the notices under their unique keys; only those actually inserted go on.
    5. Record each escalation level reached as an event on the task.
    6. Group the new notices into one mail per recipient and kind, and put them in the
       outbox — all in one transaction, so a crash leaves nothing half-planned.
    7. Once a week, the leader's digest of what is still open at the top level.
    """
    now = now or deps.clock.now()
    calendar, policies = deps.calendar, deps.policies
    report = SweepReport(
        now=now, in_office_hours=in_office_hours(now, calendar, policies.default), dry_run=dry_run
    )
    if not report.in_office_hours:
        return report
    notifier = deps.notifier()
    today = calendar.local_date(now)
    with deps.session() as session:
        try:
            plan_alone(session)  # one sweep plans at a time: one digest per recipient
            for _ in range(MAX_CATCH_UP_PERIODS):  # several periods may have ended while stopped
                created = _create_instances(session, today, calendar, now)
                report.instances += created
                if not created:
                    break
            due = _claim_due(session, today, calendar, policies, report)
            new = _insert_notices(session, due, now)
            _record_escalations(session, new, now, report)
            mails, unaddressed = plan_mail(session, notifier, new, now)
            report.mails += mails
            report.unaddressed += unaddressed
            report.mails += plan_leader_digest(session, notifier, calendar, policies, now)
            if dry_run:
                session.rollback()
            else:
                record_run(
                    session,
                    "sweep",
                    now,
                    {
                        "tasks_checked": report.tasks_checked,
                        "mails": len(report.mails),
                        "escalations": len(report.escalations),
                        "instances": len(report.instances),
                    },
                )
                session.commit()
        except Exception:
            session.rollback()
            raise
    for item in new:
        report.notices[item.notice.kind.value] += 1
    return report


# -- 2. recurring instances ---------------------------------------------------------------


def _create_instances(
    session: Session, today: date, calendar: WorkingCalendar, now: datetime
) -> list[int]:
    rows = session.exec(
        select(TaskRow)
        .where(
            col(TaskRow.next_instance_on) <= today,
            col(TaskRow.status) != Status.CANCELLED.value,
            col(TaskRow.recurrence).in_([r.value for r in PERIODIC]),
        )
        .with_for_update(**locking_clause(session, of=TaskRow))
    ).all()
    created: list[int] = []
    for task in rows:
        assert task.id is not None
        assert task.deadline is not None
        assert task.recurrence is not None
        recurrence = Recurrence(task.recurrence)
        series = task.series_id or task.id
        deadline = next_deadline(task.deadline, recurrence, calendar)
        values = {
            name: getattr(task, name)
            for name in ("directive_id", "number", "title", "description", "lead_unit", "owner",
                         "recurrence", "deliverable", "authority", "source_quote")
        }  # fmt: skip
        values |= {
            "deadline": deadline,
            "original_deadline": deadline,
            "status": Status.ASSIGNED.value,
            "missing": [],
            "created_at": now,
            "updated_at": now,
            "next_check_on": today,
            "escalation_level": 0,
            "series_id": series,
            "period": task.period + 1,
            "next_instance_on": next_instance_on(deadline, recurrence),
        }
        table = TaskRow.__table__  # type: ignore[attr-defined]
        inserted = insert_ignoring_duplicates(session, table, [values], returning=("id",))
        session.execute(
            update(TaskRow)
            .where(col(TaskRow.id) == task.id)
            .values(next_instance_on=None, series_id=series)
        )
        if not inserted:
            continue  # another sweep made this period's instance
        new_id = inserted[0][0]
        coordinators = session.exec(
            select(TaskCoordinatorRow.unit_code).where(TaskCoordinatorRow.task_id == task.id)
        ).all()
        session.add_all(TaskCoordinatorRow(task_id=new_id, unit_code=c) for c in coordinators)
        session.add(
            TaskEventRow(
                task_id=new_id,
                at=now,
                actor=SWEEP_ACTOR,
                from_status=None,
                to_status=Status.ASSIGNED.value,
                reason=f"Kỳ tiếp theo (kỳ {task.period + 2}) của nhiệm vụ định kỳ số {series}",
                payload={
                    "series_id": series,
                    "period": task.period + 1,
                    "deadline": deadline.isoformat(),
                },
            )
        )
        created.append(new_id)
    session.flush()
    return created


# -- 3. claim what is due ---------------------------------------------------------------------


def _claim_due(
    session: Session,
    today: date,
    calendar: WorkingCalendar,
    policies: Policies,
    report: SweepReport,
) -> list[Due]:
    rows = session.exec(
        select(TaskRow, DirectiveRow.priority)
        .join(DirectiveRow, col(DirectiveRow.id) == col(TaskRow.directive_id))
        .where(col(TaskRow.next_check_on) <= today, col(TaskRow.status).in_(OPEN))
        .order_by(col(TaskRow.id))  # mail planned in the tasks' order, locks taken in one order
        .with_for_update(**locking_clause(session, of=TaskRow))
    ).all()
    due: list[Due] = []
    marks: list[dict[str, Any]] = []
    for task, priority in rows:
        assert task.id is not None
        policy: Policy = policies.for_priority(priority)
        key_day = task.deadline or calendar.local_date(task.created_at)
        if task.status == Status.ASSIGNED.value:
            due.append(Due(task, DueNotice(NoticeKind.ASSIGNMENT, 0), key_day))
        upcoming = None
        if task.deadline is not None:
            left = (
                calendar.working_days_after(today, task.deadline) if today <= task.deadline else 0
            )
            overdue = (
                calendar.working_days_after(task.deadline, today) if today > task.deadline else 0
            )
            audiences = {step.level: step.audience for step in policy.escalation}
            due += [
                Due(
                    task,
                    n,
                    task.deadline,
                    left,
                    overdue,
                    audiences.get(n.level) if n.kind is NoticeKind.ESCALATION else None,
                )
                for n in due_notices(task.deadline, today, calendar, policy)
            ]
            upcoming = next_check_on(task.deadline, today, calendar, policy)
        marks.append(
            {
                "task_id": task.id,
                "old": task.next_check_on,
                "seen": task.updated_at,
                "new": upcoming,
            }
        )
    claimed = _advance_marks(session, marks)
    report.tasks_checked = len(claimed)
    if len(claimed) == len(marks):
        return due
    return [d for d in due if d.task.id in claimed]


def _advance_marks(session: Session, marks: list[dict[str, Any]]) -> set[int]:
    """Move each task's mark on to its next day, in one statement: the claim. Returns
    the ids of the tasks claimed, the only ones this sweep may plan for.

    1. A mark moves only if it, and the task's last change by a person (`updated_at`),
       are still what the sweep read. On PostgreSQL they are: the rows read are locked
       until the sweep commits. On SQLite the read holds no lock (the driver opens the
       transaction at the first write), so between the read and this update another
       process may have committed a change to the row:
       - a person completed, cancelled or extended the task: what the sweep read is
         stale, and a notice planned from it would be wrong (a reminder for a finished
         task, an escalation against the old deadline) and would be mailed;
       - another sweep claimed the task and planned its notices.
       Either way the task is not this sweep's: its mark stays where the other left it,
       and the next sweep reads the task afresh.
    2. The row count says whether every mark moved (the usual case: all claimed).
    3. If not, the tasks claimed are those that now carry the mark this sweep set and
       the change it read (nobody can change them now: this sweep holds the write lock
       or the row locks). That includes a task another sweep claimed at the same
       instant and moved to the same mark: it read the same row, so it planned the
       same notices, and ours are refused by their unique keys.
    """
    if not marks:
        return set()
    table = TaskRow.__table__  # type: ignore[attr-defined]
    result = session.connection().execute(
        update(table)
        .where(
            table.c.id == bindparam("task_id"),
            table.c.next_check_on == bindparam("old"),
            table.c.updated_at == bindparam("seen"),
        )
        .values(next_check_on=bindparam("new")),
        marks,
    )
    ids = {m["task_id"] for m in marks}
    if result.rowcount == len(marks):
        return ids
    expected = {m["task_id"]: (m["new"], m["seen"]) for m in marks}
    now_stored = session.connection().execute(
        select(table.c.id, table.c.next_check_on, table.c.updated_at).where(table.c.id.in_(ids))
    )
    return {task_id for task_id, *stored in now_stored if tuple(stored) == expected[task_id]}


# -- 4. notices under their unique keys ------------------------------------------------------


def _insert_notices(session: Session, due: list[Due], now: datetime) -> list[Due]:
    if not due:
        return []
    table = NoticeRow.__table__  # type: ignore[attr-defined]
    rows = [
        {
            "task_id": d.task.id,
            "kind": d.notice.kind.value,
            "level": d.notice.level,
            "key_day": d.key_day,
            "created_at": now,
        }
        for d in due
    ]
    inserted = {
        (task_id, kind, level): notice_id
        for notice_id, task_id, kind, level in insert_ignoring_duplicates(
            session, table, rows, returning=("id", "task_id", "kind", "level")
        )
    }
    return [
        replace(d, notice_id=inserted[key])
        for d in due
        if (key := (d.task.id, d.notice.kind.value, d.notice.level)) in inserted
    ]


# -- 5. escalation levels as events --------------------------------------------------------


def _record_escalations(
    session: Session, new: list[Due], now: datetime, report: SweepReport
) -> None:
    highest: dict[int, tuple[TaskRow, int]] = {}
    for d in new:
        if d.notice.kind is NoticeKind.ESCALATION:
            assert d.task.id is not None
            report.escalations.append((d.task.id, d.notice.level))
            session.add(
                TaskEventRow(
                    task_id=d.task.id,
                    at=now,
                    actor=SWEEP_ACTOR,
                    from_status=d.task.status,
                    to_status=d.task.status,
                    reason=f"Quá hạn {d.overdue} ngày làm việc: nâng mức đôn đốc lên mức {d.notice.level}",
                    payload={
                        "escalation_level": d.notice.level,
                        "deadline": d.key_day.isoformat(),
                        "working_days_overdue": d.overdue,
                    },
                )
            )
            task, level = highest.get(d.task.id, (d.task, 0))
            highest[d.task.id] = (task, max(level, d.notice.level))
    by_level: dict[int, list[int]] = {}
    for task_id, (_, level) in highest.items():
        by_level.setdefault(level, []).append(task_id)
    for level, task_ids in by_level.items():  # one statement per level reached, not per task
        session.execute(
            update(TaskRow)
            .where(col(TaskRow.id).in_(task_ids), col(TaskRow.escalation_level) < level)
            .values(escalation_level=level)
            # the tasks loaded in this session get the new level from the rows updated, not
            # by evaluating the criteria against every task in the session
            .execution_options(synchronize_session="fetch")
        )
