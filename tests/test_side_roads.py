"""The side roads of a task's life through the store (SQLite and PostgreSQL): paused and
resumed, declined and reassigned or returned, extensions within their limits, a deadline
on a day off, and reminders that taper and stop (issue 16)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from engine.clock import FixedClock
from engine.domain.absence import Absence
from engine.domain.categories import Category
from engine.domain.errors import DomainError, IllegalTransition
from engine.domain.lifecycle import Status
from engine.domain.model import Person
from engine.domain.routing import Recipient
from engine.intake.problems import ImportRefused
from engine.notify import head_recipient
from engine.policy_source import read_policies
from engine.services import absences, imports, tasks
from engine.services.delivery import deliver
from engine.services.deps import Deps
from engine.services.sweep import sweep
from engine.store.tables import NoticeRow, OutboxRow, TaskEventRow, TaskRow, UnitRow
from tests.builders import directive, directives_file, task, unit, units_file
from tests.smtp_server import SmtpServer

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)
UNITS = (
    unit("VP"),
    unit(
        "TH",
        parent="VP",
        deputies=[{"name": "Phó TH", "title": "Phó Vụ trưởng", "email": "pho.th@example.vn"}],
    ),
    unit("PL", parent="VP"),
)
TH, PL = "th@example.vn", "pl@example.vn"
COORDINATOR = "theodoi@example.vn"


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANOI)


def load(app: Deps, tmp_path: Path, *directives: dict[str, Any]) -> int:
    """The units and directives (one task due Mon 15/12/2025 by default); its id."""
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *UNITS), ISSUED)
        imports.import_directives(
            session,
            directives_file(tmp_path, *(directives or (directive(),))),
            app.calendar,
            ISSUED,
            "cv",
            policies=app.policies,
        )
        first = session.exec(select(TaskRow.id).order_by(col(TaskRow.id))).first()
    assert first is not None
    return first


def the_task(app: Deps, task_id: int) -> TaskRow:
    with app.session() as session:
        row = session.get(TaskRow, task_id)
        assert row is not None
        return row


def outbox(app: Deps) -> list[OutboxRow]:
    with app.session() as session:
        return list(session.exec(select(OutboxRow).order_by(col(OutboxRow.id))))


def notices(app: Deps) -> list[tuple[str, int, date]]:
    with app.session() as session:
        rows = session.exec(
            select(NoticeRow.kind, NoticeRow.level, NoticeRow.key_day).order_by(col(NoticeRow.id))
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def events(app: Deps, task_id: int) -> list[TaskEventRow]:
    with app.session() as session:
        return list(
            session.exec(
                select(TaskEventRow)
                .where(TaskEventRow.task_id == task_id)
                .order_by(col(TaskEventRow.at), col(TaskEventRow.id))
            )
        )


def working_days(app: Deps, first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if app.calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def category(app: Deps, task_id: int, now: datetime) -> Category | None:
    with app.session() as session:
        [line] = [x for x in tasks.list_tasks(session, app.calendar, now) if x.id == task_id]
    return line.standing.category


def move(app: Deps, action: Any, task_id: int, **kwargs: Any) -> TaskRow:
    with app.session() as session:
        row: TaskRow = action(session, task_id, notifier=app.notifier(), **kwargs)
        return row


# -- paused and resumed ----------------------------------------------------------------------


def test_no_reminder_while_paused_and_the_deadline_moves_by_the_working_days_paused(
    app: Deps, tmp_path: Path
) -> None:
    task_id = load(app, tmp_path)
    sweep(app, at(date(2025, 11, 26), 10))  # the assignment
    move(app, tasks.pause, task_id, at=at(date(2025, 12, 1), 10), actor="Chủ nhiệm VP",
         reason="Chờ ý kiến của Bộ Tư pháp")  # fmt: skip
    before = notices(app)
    for day in working_days(app, date(2025, 12, 2), date(2025, 12, 22)):
        sweep(app, at(day, 9))
    assert notices(app) == before  # 7, 3, 1 days before, the day, overdue: none of them
    assert category(app, task_id, at(date(2025, 12, 22), 8)) is Category.PAUSED
    assert [m.kind for m in outbox(app)] == ["assignment", "task_paused"]

    move(app, tasks.resume, task_id, at=at(date(2025, 12, 22), 10), actor="Chủ nhiệm VP",
         reason="Đã có ý kiến của Bộ Tư pháp", calendar=app.calendar)  # fmt: skip

    # paused Mon 01/12, resumed Mon 22/12: 15 working days (02/12 … 22/12); from Mon 15/12,
    # 15 working days on, across Tết Dương lịch (Thu 01 and Fri 02/01/2026 off): Wed 07/01
    resumed = the_task(app, task_id)
    assert resumed.status == Status.IN_PROGRESS.value
    assert resumed.deadline == date(2026, 1, 7)
    assert resumed.original_deadline == date(2025, 12, 15)  # the first deadline stays visible
    last = events(app, task_id)[-1]
    assert (last.from_status, last.to_status, last.payload["kind"]) == (
        "paused", "in_progress", "resumed",
    )  # fmt: skip
    assert last.payload["working_days_paused"] == 15
    assert last.payload["new_deadline"] == "2026-01-07"
    assert category(app, task_id, at(date(2025, 12, 23))) is Category.IN_PROGRESS_WITHIN_DEADLINE
    sweep(app, at(date(2025, 12, 23), 9))  # 9 working days left: the 7-day reminder is ahead
    sweep(app, at(date(2025, 12, 26), 9))  # 6 left (26, 29, 30, 31/12, 05, 06, 07/01 … )
    assert notices(app)[len(before) :] == [("before", 7, date(2026, 1, 7))]
    resumed_mail = [m for m in outbox(app) if m.kind == "task_resumed"]
    assert [m.to_email for m in resumed_mail] == [TH]
    assert "07/01/2026" in resumed_mail[0].subject


def test_a_pause_withdraws_the_reminder_not_yet_sent_but_not_the_assignment(
    app: Deps, tmp_path: Path
) -> None:
    task_id = load(app, tmp_path)
    sweep(app, at(date(2025, 11, 26), 10))
    sweep(app, at(date(2025, 12, 4), 9))  # 7 working days left: a reminder, still pending
    move(app, tasks.pause, task_id, at=at(date(2025, 12, 4), 10), actor="Chủ nhiệm VP",
         reason="Chờ ý kiến")  # fmt: skip
    statuses = {m.kind: m.status for m in outbox(app)}
    assert statuses == {"assignment": "pending", "reminder_digest": "revoked",
                        "task_paused": "pending"}  # fmt: skip


def test_resuming_to_a_date_the_authority_gives_on_a_day_off_ends_on_the_next_working_day(
    app: Deps, tmp_path: Path
) -> None:
    task_id = load(app, tmp_path)
    move(app, tasks.pause, task_id, at=at(date(2025, 12, 1)), actor="cv", reason="Chờ")
    move(app, tasks.resume, task_id, at=at(date(2025, 12, 3)), actor="cv", reason="Tiếp tục",
         calendar=app.calendar, until=date(2026, 1, 1), policies=app.policies)  # fmt: skip
    row = the_task(app, task_id)
    assert (row.deadline, row.deadline_as_written) == (date(2026, 1, 5), date(2026, 1, 1))


def test_a_side_road_is_not_taken_or_left_by_a_plain_change_of_status(
    app: Deps, tmp_path: Path
) -> None:
    task_id = load(app, tmp_path)
    with app.session() as session, pytest.raises(DomainError, match="pause"):
        tasks.change_status(session, task_id, Status.PAUSED, at=at(date(2025, 12, 1)),
                            actor="cv", note="")  # fmt: skip
    move(app, tasks.pause, task_id, at=at(date(2025, 12, 1)), actor="cv", reason="Chờ")
    with app.session() as session, pytest.raises(DomainError, match="resume"):
        tasks.change_status(session, task_id, Status.IN_PROGRESS, at=at(date(2025, 12, 2)),
                            actor="cv", note="")  # fmt: skip
    with app.session() as session, pytest.raises(IllegalTransition):
        tasks.decline(session, task_id, at=at(date(2025, 12, 2)), actor="TH", reason="Không")
    with app.session() as session, pytest.raises(DomainError, match="reason"):
        tasks.pause(session, task_id, at=at(date(2025, 12, 2)), actor="cv", reason=" ")
    with app.session() as session:  # cancelling stays a plain change
        tasks.change_status(session, task_id, Status.CANCELLED, at=at(date(2025, 12, 2)),
                            actor="cv", note="Không thực hiện nữa")  # fmt: skip
    assert the_task(app, task_id).status == Status.CANCELLED.value


# -- declined, reassigned or returned --------------------------------------------------------


def test_a_declined_task_reassigned_goes_to_the_new_head_and_the_old_units_mail_stops(
    app: Deps, tmp_path: Path
) -> None:
    task_id = load(app, tmp_path)
    sweep(app, at(date(2025, 11, 26), 10))  # the assignment to TH, not yet delivered
    move(app, tasks.decline, task_id, at=at(date(2025, 11, 27), 10), actor=TH,
         reason="Không thuộc chức năng của Vụ")  # fmt: skip
    assert category(app, task_id, at(date(2025, 11, 27), 11)) is Category.DECLINED
    declined = [m for m in outbox(app) if m.kind == "task_declined"]
    assert [m.to_email for m in declined] == [COORDINATOR]
    for day in working_days(app, date(2025, 11, 28), date(2025, 12, 5)):
        sweep(app, at(day, 9))
    assert notices(app) == [("assignment", 0, date(2025, 12, 15))]  # no reminder to TH

    move(app, tasks.reassign, task_id, to_unit="pl", at=at(date(2025, 12, 5), 10),
         actor="Chủ nhiệm VP", reason="Giao Vụ PL chủ trì", calendar=app.calendar)  # fmt: skip

    row = the_task(app, task_id)
    assert (row.status, row.lead_unit) == (Status.ASSIGNED.value, "PL")
    mail = {(m.kind, m.to_email): m.status for m in outbox(app)}
    assert mail == {
        ("assignment", TH): "revoked",
        ("task_declined", COORDINATOR): "pending",
        ("task_reassigned", TH): "pending",
        ("assignment", PL): "pending",
    }
    [new_assignment] = [m for m in outbox(app) if m.kind == "assignment" and m.to_email == PL]
    assert new_assignment.ics
    assert "15 tháng 12 năm 2025" in new_assignment.body_text
    history = events(app, task_id)  # both units stay in the history
    moves = [(e.from_status, e.to_status, e.payload.get("kind")) for e in history]
    assert moves[-2:] == [("assigned", "declined", "declined"),
                          ("declined", "assigned", "reassigned")]  # fmt: skip
    assert (history[-2].actor, history[-2].payload["unit"]) == (TH, "TH")
    assert (history[-1].payload["from_unit"], history[-1].payload["to_unit"]) == ("TH", "PL")

    sweep(app, at(date(2025, 12, 5), 15))  # no second assignment
    sweep(app, at(date(2025, 12, 8), 9))  # 5 working days left: the reminder, to PL
    later = [m for m in outbox(app) if m.created_at > at(date(2025, 12, 5), 11)]
    assert [(m.kind, m.to_email) for m in later] == [("reminder_digest", PL)]


def test_the_revoked_mail_of_the_old_unit_is_never_delivered(
    app: Deps, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    task_id = load(app, tmp_path)
    sweep(app, at(date(2025, 11, 26), 10))
    move(app, tasks.decline, task_id, at=at(date(2025, 11, 26), 11), actor=TH, reason="Không")
    move(app, tasks.reassign, task_id, to_unit="PL", at=at(date(2025, 11, 26), 12),
         actor="cv", reason="Giao PL")  # fmt: skip
    settings = app.settings.model_copy(
        update={"smtp_host": smtp_server.host, "smtp_port": smtp_server.port}
    )
    deliver(replace(app, settings=settings, clock=FixedClock(at(date(2025, 11, 26), 14))))
    to_th = [str(r.message["Subject"]) for r in smtp_server.to(TH)]
    assert [s.split("]")[0] for s in to_th] == ["[Giao lại nhiệm vụ"]  # never the assignment
    assert len(smtp_server.to(PL)) == 1  # the assignment, with its deadline
    assert {m.status for m in outbox(app)} == {"sent", "revoked"}


def test_a_declined_task_returned_to_its_unit_goes_on_with_the_answer(
    app: Deps, tmp_path: Path
) -> None:
    task_id = load(app, tmp_path)
    move(app, tasks.decline, task_id, at=at(date(2025, 11, 27)), actor=TH, reason="Không")
    move(app, tasks.return_to_unit, task_id, at=at(date(2025, 11, 28)), actor="cv",
         reason="Nhiệm vụ thuộc chức năng tổng hợp của Vụ", calendar=app.calendar)  # fmt: skip
    row = the_task(app, task_id)
    assert (row.status, row.lead_unit) == (Status.IN_PROGRESS.value, "TH")
    [answer] = [m for m in outbox(app) if m.kind == "decline_answered"]
    assert answer.to_email == TH
    assert "chức năng tổng hợp" in answer.body_text
    sweep(app, at(date(2025, 12, 4), 9))
    assert ("before", 7, date(2025, 12, 15)) in notices(app)
    with app.session() as session, pytest.raises(DomainError, match="declined"):
        tasks.reassign(session, task_id, to_unit="PL", at=at(date(2025, 12, 5)), actor="cv",
                       reason="x")  # fmt: skip


# -- extensions within limits ---------------------------------------------------------------


def test_the_third_extension_is_refused_by_the_policy_unless_the_authority_overrides(
    app: Deps, tmp_path: Path
) -> None:
    task_id = load(app, tmp_path)

    def extend(until: date, day: date, **kw: Any) -> TaskRow:
        return move(app, tasks.extend, task_id, until=until, reason="Cần thêm thời gian",
                    at=at(day), actor="Chủ nhiệm VP", calendar=app.calendar,
                    policies=app.policies, **kw)  # fmt: skip

    extend(date(2025, 12, 22), date(2025, 12, 1))
    extend(date(2025, 12, 29), date(2025, 12, 2))
    refused = extend(date(2026, 1, 5), date(2025, 12, 3))
    assert refused.deadline == date(2025, 12, 29)  # the shipped policy: two at most
    last = events(app, task_id)[-1]
    assert (last.payload["decision"], last.payload["override"]) == ("refused", False)
    assert "tối đa (2 lần)" in last.reason
    decision = [m for m in outbox(app) if m.kind == "extension_decision"][-1]
    assert "không đồng ý gia hạn" in decision.subject.lower()

    granted = extend(date(2026, 1, 5), date(2025, 12, 4), override=True)
    assert granted.deadline == date(2026, 1, 5)
    last = events(app, task_id)[-1]
    assert (last.payload["decision"], last.payload["override"]) == ("approved", True)
    assert "most allowed is 2" in last.payload["beyond_limits"]


def test_extensions_adding_more_working_days_than_allowed_are_refused(
    app: Deps, tmp_path: Path
) -> None:
    task_id = load(app, tmp_path)
    # 15/12/2025 to Wed 11/02/2026 adds 41 working days (Tết Dương lịch off): the cap is 40
    row = move(app, tasks.extend, task_id, until=date(2026, 2, 11), reason="Cần thêm",
               at=at(date(2025, 12, 1)), actor="cv", calendar=app.calendar,
               policies=app.policies)  # fmt: skip
    assert row.deadline == date(2025, 12, 15)
    assert "40" in events(app, task_id)[-1].payload["beyond_limits"]
    row = move(app, tasks.extend, task_id, until=date(2026, 2, 10), reason="Cần thêm",
               at=at(date(2025, 12, 2)), actor="cv", calendar=app.calendar,
               policies=app.policies)  # fmt: skip
    assert row.deadline == date(2026, 2, 10)  # 40 working days: within
    assert events(app, task_id)[-1].payload["working_days_added"] == 40


# -- a deadline on a day off -----------------------------------------------------------------

TET_2027 = directive("9/TB", tasks=[task("Việc đến Tết 2027", deadline="2027-02-06")])


def test_a_deadline_on_tet_2027s_first_day_ends_on_the_next_working_day(
    app: Deps, tmp_path: Path
) -> None:
    assert app.calendar.why_not_working(date(2027, 2, 6)) == "Tết Nguyên Đán"
    task_id = load(app, tmp_path, TET_2027)
    row = the_task(app, task_id)
    # Tết from Thu 04/02 to Wed 10/02/2027: the period ends at the end of Thu 11/02
    assert (row.deadline, row.deadline_as_written) == (date(2027, 2, 11), date(2027, 2, 6))
    assert category(app, task_id, at(date(2027, 2, 11), 23)) is (
        Category.IN_PROGRESS_WITHIN_DEADLINE
    )
    assert category(app, task_id, at(date(2027, 2, 12), 0, 1)) is Category.IN_PROGRESS_OVERDUE


def test_the_day_off_rule_is_a_policy_switch(app: Deps, tmp_path: Path) -> None:
    path = tmp_path / "policies.yaml"
    path.write_text("default:\n  deadline_off_day_to_next_working_day: false\n", "utf-8")
    task_id = load(replace(app, policies=read_policies(path)), tmp_path, TET_2027)
    row = the_task(app, task_id)
    assert (row.deadline, row.deadline_as_written) == (date(2027, 2, 6), None)


# -- reminders with an end -------------------------------------------------------------------


def test_overdue_reminders_taper_and_stop_once_the_top_level_is_reached(
    app: Deps, tmp_path: Path
) -> None:
    """The shipped policy: every 2 working days for 10, then every 5; levels at 3, 10 and
    20 working days overdue; no more reminders after the top level."""
    task_id = load(app, tmp_path)
    sweep(app, at(date(2025, 11, 26), 10))  # the assignment
    deadline = date(2025, 12, 15)
    seen: dict[int, list[tuple[str, int]]] = {}
    for day in working_days(app, date(2025, 12, 16), date(2026, 2, 27)):
        before = len(notices(app))
        sweep(app, at(day, 10))
        overdue = app.calendar.working_days_after(deadline, day)
        if new := notices(app)[before:]:
            seen[overdue] = [(kind, level) for kind, level, _ in new]
    assert seen == {
        1: [("overdue", 0)],
        3: [("overdue", 1), ("escalation", 1)],
        5: [("overdue", 2)],
        7: [("overdue", 3)],
        9: [("overdue", 4)],
        10: [("escalation", 2)],
        14: [("overdue", 5)],
        19: [("overdue", 6)],
        20: [("escalation", 3)],
    }
    assert the_task(app, task_id).next_check_on is None  # nothing more to say
    assert category(app, task_id, at(date(2026, 2, 27))) is Category.IN_PROGRESS_OVERDUE


# -- acting heads ----------------------------------------------------------------------------

ACTING = Person("Phó TH", "pho.th@example.vn", "Phó Vụ trưởng")


def away(app: Deps, person: str, first: date, last: date, acting: Person = ACTING) -> None:
    with app.session() as session:
        absences.add_absence(session, Absence(person, first, last, acting),
                             at=ISSUED, actor="cv")  # fmt: skip


def test_mail_goes_to_the_acting_person_only_inside_the_absence_both_days_included(
    app: Deps, tmp_path: Path
) -> None:
    load(app, tmp_path)
    sweep(app, at(date(2025, 11, 26), 10))
    away(app, TH, date(2025, 12, 4), date(2025, 12, 10))  # Thu to Wed
    sweep(app, at(date(2025, 12, 4), 9))  # 7 working days left: the first day away
    sweep(app, at(date(2025, 12, 10), 9))  # 3 left: the last day away
    sweep(app, at(date(2025, 12, 12), 9))  # 1 left: back
    got = [(m.to_email, m.cc, m.to_name) for m in outbox(app)[1:]]
    assert got == [
        (ACTING.email, [TH], "Phó TH"),
        (ACTING.email, [TH], "Phó TH"),
        (TH, [], "Trưởng TH"),
    ]
    first = outbox(app)[1]
    assert first.body_text.startswith("Kính gửi: Đồng chí Phó Vụ trưởng Vụ TH")
    # the day before the absence: to the head
    with app.session() as session:
        [view] = app.notifier().task_views(session, [session.get(TaskRow, 1)]).values()
    notifier = app.notifier()
    head = tasks_head(app)
    before = notifier.outbox_row(key="k1", kind="assignment", to=head, context={"task": view},
                                 now=at(date(2025, 12, 3), 23, 59))  # fmt: skip
    after = notifier.outbox_row(key="k2", kind="assignment", to=head, context={"task": view},
                                now=at(date(2025, 12, 11), 0, 1))  # fmt: skip
    inside = notifier.outbox_row(key="k3", kind="assignment", to=head, context={"task": view},
                                 now=at(date(2025, 12, 10), 23, 59))  # fmt: skip
    assert [r["to_email"] for r in (before, inside, after)] == [TH, ACTING.email, TH]


def tasks_head(app: Deps) -> Recipient:
    with app.session() as session:
        row = session.get(UnitRow, "TH")
        assert row is not None
        head = head_recipient(row)
    assert head is not None
    return head


def test_an_escalation_meant_for_an_absent_parent_head_goes_to_the_acting_person(
    app: Deps, tmp_path: Path
) -> None:
    load(app, tmp_path)
    sweep(app, at(date(2025, 11, 26), 10))
    vp_acting = Person("Phó VP", "pho.vp@example.vn", "Phó Chủ nhiệm")
    away(app, "vp@example.vn", date(2025, 12, 29), date(2026, 1, 9), vp_acting)
    for day in working_days(app, date(2025, 12, 16), date(2025, 12, 29)):
        sweep(app, at(day, 10))  # level 2 (the parent) at 10 working days overdue: 29/12
    [to_parent] = [m for m in outbox(app) if m.kind == "escalation" and "vp@example.vn" in
                   [m.to_email, *m.cc]]  # fmt: skip
    assert to_parent.to_email == vp_acting.email
    assert "vp@example.vn" in to_parent.cc


def test_absences_come_from_the_units_file(app: Deps, tmp_path: Path) -> None:
    path = units_file(tmp_path, *UNITS)
    text = path.read_text("utf-8") + (
        "absences:\n"
        "  - person: th@example.vn\n"
        "    from: 04/12/2025\n"
        "    to: 2025-12-10\n"
        "    acting: {name: Phó TH, title: Phó Vụ trưởng, email: pho.th@example.vn}\n"
    )
    path.write_text(text, "utf-8")
    with app.session() as session:
        imports.import_units(session, path, ISSUED)
        assert absences.import_absences(session, path, at=ISSUED, actor="cv") == 1
        [row] = absences.read_all(session, on=date(2025, 12, 10))
    assert (row.person_email, row.starts_on, row.acting_email) == (
        TH, date(2025, 12, 4), "pho.th@example.vn",
    )  # fmt: skip
    path.write_text(text.replace("2025-12-10", "2025-12-01"), "utf-8")
    with app.session() as session, pytest.raises(ImportRefused, match=r"absences\[0\]"):
        absences.import_absences(session, path, at=ISSUED, actor="cv")


def test_a_reassignment_with_a_new_deadline_tells_the_new_head_that_deadline(
    app: Deps, tmp_path: Path
) -> None:
    task_id = load(app, tmp_path)
    move(app, tasks.decline, task_id, at=at(date(2025, 11, 27)), actor=TH, reason="Không")
    # Sunday 04/01/2026 as written: the deadline in force is Monday 05/01/2026
    move(app, tasks.reassign, task_id, to_unit="PL", at=at(date(2025, 11, 28)), actor="cv",
         reason="Giao PL", calendar=app.calendar, until=date(2026, 1, 4),
         policies=app.policies)  # fmt: skip
    row = the_task(app, task_id)
    assert (row.deadline, row.deadline_as_written) == (date(2026, 1, 5), date(2026, 1, 4))
    [mail] = [m for m in outbox(app) if m.kind == "assignment" and m.to_email == PL]
    assert "ngày 05 tháng 01 năm 2026" in mail.body_text
    sweep(app, at(date(2025, 11, 28), 15))
    assert notices(app) == [("assignment", 0, date(2026, 1, 5))]  # the sweep sends no second
