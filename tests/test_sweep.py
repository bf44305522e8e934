"""The sweep on a real database (SQLite and PostgreSQL): what is planned, and only once."""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func
from sqlmodel import col, select

from engine.domain.lifecycle import Status
from engine.services import imports, tasks
from engine.services.deps import Deps
from engine.services.sweep import sweep
from engine.store.tables import NoticeRow, OutboxRow, TaskEventRow, TaskRow
from tests.builders import directive, directives_file, pending_mail, task, unit, units_file

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


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANOI)


def load(app: Deps, tmp_path: Path, *directives: dict[str, object]) -> None:
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *UNITS), ISSUED)
        imports.import_directives(
            session,
            directives_file(tmp_path, *(directives or (directive(),))),
            app.calendar,
            ISSUED,
            "cv",
        )


def notices(app: Deps) -> list[tuple[str, int]]:
    with app.session() as session:
        rows = session.exec(
            select(NoticeRow.kind, NoticeRow.level).order_by(col(NoticeRow.id))
        ).all()
    return [(kind, level) for kind, level in rows]


def outbox(app: Deps) -> list[OutboxRow]:
    with app.session() as session:
        return list(session.exec(select(OutboxRow).order_by(col(OutboxRow.id))))


def working_days(app: Deps, first: date, last: date) -> list[date]:
    calendar = app.calendar
    days, day = [], first
    while day <= last:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def test_running_the_sweep_twice_plans_each_notice_once(app: Deps, tmp_path: Path) -> None:
    load(app, tmp_path)
    first = sweep(app, at(date(2025, 11, 26), 10))
    second = sweep(app, at(date(2025, 11, 26), 10))
    assert [m["kind"] for m in first.mails] == ["assignment"]
    assert second.mails == []
    assert notices(app) == [("assignment", 0)]
    assert len(outbox(app)) == 1


def test_a_task_hears_each_reminder_once_as_its_deadline_comes_and_goes(
    app: Deps, tmp_path: Path
) -> None:
    # deadline Mon 15/12/2025; reminders 7, 3, 1 working days before, on the day, then every 2
    load(app, tmp_path)
    seen: dict[date, list[tuple[str, int]]] = {}
    for day in working_days(app, date(2025, 11, 26), date(2025, 12, 19)):
        before = len(notices(app))
        for hour in (9, 11, 15):  # several sweeps a day change nothing
            sweep(app, at(day, hour))
        new = notices(app)[before:]
        if new:
            seen[day] = new
    assert seen == {
        date(2025, 11, 26): [("assignment", 0)],
        date(2025, 12, 4): [("before", 7)],
        date(2025, 12, 10): [("before", 3)],
        date(2025, 12, 12): [("before", 1)],
        date(2025, 12, 15): [("due", 0)],
        date(2025, 12, 16): [("overdue", 0)],
        date(2025, 12, 18): [("overdue", 1), ("escalation", 1)],
    }


# The same task, deadline Mon 05/01/2026, under each priority of engine/data/policies.yaml.
# Thu 01/01 and Fri 02/01/2026 are days off and Sat 10/01/2026 is a make-up working day, so
#   working days left:    Tue 23/12 → 7, Wed 24/12 → 6, Thu 25/12 → 5, Fri 26/12 → 4,
#                         Mon 29/12 → 3, Tue 30/12 → 2, Wed 31/12 → 1 (then 01–04/01 off)
#   working days overdue: Tue 06/01 → 1, Wed 07/01 → 2, Thu 08/01 → 3, Fri 09/01 → 4,
#                         Sat 10/01 → 5, Mon 12/01 → 6, Tue 13/01 → 7, Wed 14/01 → 8,
#                         Thu 15/01 → 9, Fri 16/01 → 10
ACROSS_NEW_YEAR = directive(
    "5/TB", issued_on="2025-12-15", tasks=[task("Việc qua Tết Dương lịch", deadline="2026-01-05")]
)

PLANNED_BY_PRIORITY = {
    # default: 7, 3, 1 days before; on the day; overdue every 2; ladder at 3, 10, 20 overdue
    "normal": {
        date(2025, 12, 15): [("assignment", 0)],  # 13 working days left: no reminder yet
        date(2025, 12, 23): [("before", 7)],
        date(2025, 12, 29): [("before", 3)],
        date(2025, 12, 31): [("before", 1)],
        date(2026, 1, 5): [("due", 0)],
        date(2026, 1, 6): [("overdue", 0)],  # 1 overdue
        date(2026, 1, 8): [("overdue", 1), ("escalation", 1)],  # 3 overdue
        date(2026, 1, 10): [("overdue", 2)],  # 5 overdue, the make-up Saturday
        date(2026, 1, 13): [("overdue", 3)],  # 7 overdue
        date(2026, 1, 15): [("overdue", 4)],  # 9 overdue
        date(2026, 1, 16): [("escalation", 2)],  # 10 overdue
    },
    # high: 5, 3, 1 days before; overdue every working day; the default ladder
    "high": {
        date(2025, 12, 15): [("assignment", 0)],
        date(2025, 12, 25): [("before", 5)],
        date(2025, 12, 29): [("before", 3)],
        date(2025, 12, 31): [("before", 1)],
        date(2026, 1, 5): [("due", 0)],
        date(2026, 1, 6): [("overdue", 0)],
        date(2026, 1, 7): [("overdue", 1)],
        date(2026, 1, 8): [("overdue", 2), ("escalation", 1)],  # 3 overdue
        date(2026, 1, 9): [("overdue", 3)],
        date(2026, 1, 10): [("overdue", 4)],
        date(2026, 1, 12): [("overdue", 5)],
        date(2026, 1, 13): [("overdue", 6)],
        date(2026, 1, 14): [("overdue", 7)],
        date(2026, 1, 15): [("overdue", 8)],
        date(2026, 1, 16): [("overdue", 9), ("escalation", 2)],  # 10 overdue
    },
    # urgent: 3, 1 days before; overdue every working day; ladder at 1, 3, 5 overdue; the
    # reminders stop once the top level is reached (stop_after_top_escalation)
    "urgent": {
        date(2025, 12, 15): [("assignment", 0)],
        date(2025, 12, 29): [("before", 3)],
        date(2025, 12, 31): [("before", 1)],
        date(2026, 1, 5): [("due", 0)],
        date(2026, 1, 6): [("overdue", 0), ("escalation", 1)],  # 1 overdue
        date(2026, 1, 7): [("overdue", 1)],
        date(2026, 1, 8): [("overdue", 2), ("escalation", 2)],  # 3 overdue
        date(2026, 1, 9): [("overdue", 3)],
        date(2026, 1, 10): [("overdue", 4), ("escalation", 3)],  # 5 overdue, a Saturday
    },
}


@pytest.mark.parametrize("priority", list(PLANNED_BY_PRIORITY))
def test_each_priority_hears_its_own_reminders_and_ladder_on_the_working_calendar(
    app: Deps, tmp_path: Path, priority: str
) -> None:
    load(app, tmp_path, ACROSS_NEW_YEAR | {"priority": priority})
    seen: dict[date, list[tuple[str, int]]] = {}
    day = date(2025, 12, 15)
    while day <= date(2026, 1, 16):  # every day, days off included: they plan nothing
        before = len(notices(app))
        for hour in (9, 15):
            sweep(app, at(day, hour))
        if new := notices(app)[before:]:
            seen[day] = new
        day += timedelta(days=1)
    assert seen == PLANNED_BY_PRIORITY[priority]


def test_each_escalation_level_is_reached_once_and_recorded(app: Deps, tmp_path: Path) -> None:
    load(app, tmp_path)
    for day in working_days(app, date(2025, 12, 16), date(2026, 1, 20)):
        sweep(app, at(day))
        sweep(app, at(day, 14))
    escalations = [level for kind, level in notices(app) if kind == "escalation"]
    assert escalations == [1, 2, 3]
    with app.session() as session:
        events = session.exec(
            select(TaskEventRow).where(col(TaskEventRow.payload).is_not(None))
        ).all()
        task_row = session.get(TaskRow, 1)
    levels = [e.payload.get("escalation_level") for e in events if "escalation_level" in e.payload]
    assert levels == [1, 2, 3]
    assert task_row is not None
    assert task_row.escalation_level == 3
    mails = {m.subject.split("]")[0] + "]": m for m in outbox(app) if m.kind == "escalation"}
    unit_level, parent_level, leader_level = (
        mails["[Đôn đốc khẩn]"],
        mails["[Báo cáo nhiệm vụ quá hạn]"],
        mails["[Báo cáo Lãnh đạo Văn phòng]"],
    )
    assert (unit_level.to_email, sorted(unit_level.cc)) == (
        "th@example.vn",
        ["pho.th@example.vn", "theodoi@example.vn"],
    )
    assert (parent_level.to_email, sorted(parent_level.cc)) == (
        "vp@example.vn",
        ["th@example.vn", "theodoi@example.vn"],
    )
    assert (leader_level.to_email, leader_level.cc) == (
        "lanhdao@example.vn",
        ["theodoi@example.vn"],
    )


def test_the_leaders_digest_lists_failed_mail_nobody_was_told_of_once(
    app: Deps, tmp_path: Path
) -> None:
    load(app, tmp_path)
    failed_at = at(date(2025, 12, 10))
    with app.session() as session:
        told, untold = (
            pending_mail(failed_at, key=f"failed:{n}", to_email=f"gone{n}@example.vn",
                         subject=f"Giao nhiệm vụ {n}", body_text="…", body_html="…",
                         message_id=f"<f{n}@x>", status="failed", attempts=6,
                         last_error=f"550 5.1.1 No such user <gone{n}@example.vn>")
            for n in (1, 2)
        )  # fmt: skip
        told.reported_at = failed_at  # its notice reached the coordinator
        session.add_all([told, untold])
        session.commit()
    for day in working_days(app, date(2025, 12, 16), date(2026, 1, 20)):
        sweep(app, at(day))

    digests = [m for m in outbox(app) if m.kind == "escalation"]
    lists = [m for m in digests if "chưa gửi được tới người nhận" in m.body_text]
    [leader] = lists  # once, in the first digest to a leader; none of the others
    # the level-3 digest to the leader; not the level-2 one to the parent unit's head
    assert (leader.to_email, leader.cc) == ("lanhdao@example.vn", ["theodoi@example.vn"])
    assert "- gone2@example.vn: Giao nhiệm vụ 2 (sau 6 lần thử: 550 5.1.1" in leader.body_text
    assert "gone1@example.vn" not in leader.body_text
    with app.session() as session:
        assert session.get(OutboxRow, untold.id).reported_at == leader.created_at


@pytest.mark.parametrize(
    ("moment", "why"),
    [
        (at(date(2025, 12, 15), 7, 59), "before opening"),
        (at(date(2025, 12, 15), 17, 0), "at closing time"),
        (at(date(2025, 12, 13)), "a Saturday"),
        (at(date(2026, 1, 1)), "New Year's Day"),
        (at(date(2026, 1, 2)), "the 2026 swapped day off"),
    ],
)
def test_nothing_is_planned_outside_office_hours_or_on_a_day_off(
    app: Deps, tmp_path: Path, moment: datetime, why: str
) -> None:
    load(app, tmp_path)
    report = sweep(app, moment)
    assert not report.in_office_hours, why
    assert notices(app) == []
    assert outbox(app) == []


def test_a_make_up_working_saturday_is_a_working_day_for_the_sweep(
    app: Deps, tmp_path: Path
) -> None:
    load(app, tmp_path, directive(issued_on="2026-01-05", tasks=[task(deadline="2026-01-20")]))
    report = sweep(app, at(date(2026, 1, 10)))  # Sat 10/01/2026, worked in exchange for 02/01
    assert report.in_office_hours
    assert notices(app) == [("assignment", 0), ("before", 7)]


def test_one_digest_per_recipient_lists_all_their_due_items(app: Deps, tmp_path: Path) -> None:
    load(
        app,
        tmp_path,
        directive(
            "1/TB",
            task("Việc một", deadline="2025-12-15"),
            task("Việc hai", deadline="2025-12-15"),
            task("Việc ba", deadline="2025-12-16"),
            task("Việc của Vụ PL", deadline="2025-12-15", lead_unit="PL"),
        ),
    )
    sweep(app, at(date(2025, 11, 26)))  # the assignment notices
    report = sweep(app, at(date(2025, 12, 10)))
    digests = sorted((m["to"], m["items"]) for m in report.mails)
    assert digests == [("pl@example.vn", 1), ("th@example.vn", 3)]
    th = next(
        m for m in outbox(app) if m.to_email == "th@example.vn" and m.kind == "reminder_digest"
    )
    for title in ("Việc một", "Việc hai", "Việc ba"):
        assert title in th.body_text
        assert title in th.body_html


def test_a_completed_task_hears_nothing_more(app: Deps, tmp_path: Path) -> None:
    load(app, tmp_path)
    sweep(app, at(date(2025, 11, 26)))
    with app.session() as session:
        tasks.change_status(
            session, 1, Status.SUBMITTED, at=at(date(2025, 12, 1)), actor="th", note=""
        )
        tasks.change_status(
            session, 1, Status.COMPLETED, at=at(date(2025, 12, 2)), actor="vp", note="Đạt"
        )
    for day in working_days(app, date(2025, 12, 3), date(2025, 12, 31)):
        sweep(app, at(day))
    assert notices(app) == [("assignment", 0)]
    assert [m.kind for m in outbox(app)] == ["assignment"]


def test_a_completion_decision_is_mailed_with_the_change(app: Deps, tmp_path: Path) -> None:
    load(app, tmp_path)
    with app.session() as session:
        notifier = app.notifier()
        tasks.change_status(
            session, 1, Status.SUBMITTED, at=at(date(2025, 12, 1)), actor="th", note=""
        )
        tasks.change_status(
            session,
            1,
            Status.RETURNED,
            at=at(date(2025, 12, 2)),
            actor="vp",
            note="Bổ sung số liệu",
            notifier=notifier,
        )
    (mail,) = outbox(app)
    assert (mail.kind, mail.to_email) == ("completion_returned", "th@example.vn")
    assert "Bổ sung số liệu" in mail.body_text


def test_an_extension_rearms_reminders_for_the_new_deadline_and_starts_a_new_ladder(
    app: Deps, tmp_path: Path
) -> None:
    load(app, tmp_path)
    for day in working_days(app, date(2025, 12, 16), date(2025, 12, 19)):
        sweep(app, at(day))
    with app.session() as session:
        tasks.extend(
            session, 1, until=date(2026, 1, 15), reason="Chờ số liệu", at=at(date(2025, 12, 19), 10),
            actor="vp", notifier=app.notifier(),
        )  # fmt: skip
        assert (row := session.get(TaskRow, 1)) is not None
        assert row.escalation_level == 0
    before = len(notices(app))
    for day in working_days(app, date(2025, 12, 22), date(2026, 1, 20)):
        sweep(app, at(day))
    assert notices(app)[before:] == [
        ("before", 7),
        ("before", 3),
        ("before", 1),
        ("due", 0),
        ("overdue", 0),
        ("overdue", 1),
        ("escalation", 1),
    ]
    assert any(m.kind == "extension_decision" for m in outbox(app))


def test_a_monthly_obligation_gets_its_next_period_once(app: Deps, tmp_path: Path) -> None:
    load(
        app,
        tmp_path,
        directive(
            "2/TB",
            task("Báo cáo tháng", deadline=None, recurrence="monthly", coordinating_units=["PL"]),
        ),
    )
    with app.session() as session:
        first = session.get(TaskRow, 1)
    assert first is not None
    assert first.deadline == date(2025, 12, 31)  # the first period's last working day
    for moment in (at(date(2026, 1, 5)), at(date(2026, 1, 5), 10), at(date(2026, 1, 6))):
        sweep(app, moment)
    with app.session() as session:
        rows = session.exec(select(TaskRow).order_by(col(TaskRow.id))).all()
    assert [(r.period, r.deadline, r.status) for r in rows] == [
        (0, date(2025, 12, 31), "assigned"),
        (1, date(2026, 1, 30), "assigned"),  # Sat 31/01 → the last working day, Fri 30/01
    ]
    assert rows[1].series_id == rows[0].id


def test_a_dry_run_writes_nothing(app: Deps, tmp_path: Path) -> None:
    load(app, tmp_path)
    report = sweep(app, at(date(2025, 12, 18)), dry_run=True)
    assert report.dry_run
    assert len(report.mails) >= 2
    assert notices(app) == []
    assert outbox(app) == []


def _sweep_in_another_process(
    url: str, moment: datetime, barrier: object, started: object, results: object
) -> None:
    """Sweep, the processes meeting right before each sweep's first statement; report
    the mail planned and how many of them had started when this one committed."""
    from tests.conftest import make_app

    application = make_app(url)
    seen: dict[str, int] = {}

    @event.listens_for(application.engine, "before_cursor_execute")
    def meet(*_: object) -> None:
        if "started" not in seen:
            # if the others never come, go on alone: the count at commit says so
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=60)  # type: ignore[attr-defined]
            with started.get_lock():  # type: ignore[attr-defined]
                started.value += 1  # type: ignore[attr-defined]
                seen["started"] = started.value  # type: ignore[attr-defined]

    @event.listens_for(application.engine, "commit")
    def committed(_conn: object) -> None:
        if "started" in seen:
            seen.setdefault("started_at_commit", started.value)  # type: ignore[attr-defined]

    report = sweep(application, moment)
    application.engine.dispose()
    results.put((len(report.mails), seen.get("started_at_commit")))  # type: ignore[attr-defined]


@pytest.mark.parametrize("sweeps", [2, 3])
def test_sweeps_started_together_in_several_processes_plan_exactly_the_mail_of_one(
    app: Deps, tmp_path: Path, database_url: str, sweeps: int
) -> None:
    load(
        app,
        tmp_path,
        directive(
            "3/TB",
            *(
                task(f"Việc {i}", deadline="2025-12-15", lead_unit=("TH", "PL")[i % 2])
                for i in range(40)
            ),
        ),
    )
    sweep(app, at(date(2025, 11, 26)))  # assignments out of the way
    context = multiprocessing.get_context("spawn")
    barrier, started, queue = context.Barrier(sweeps), context.Value("i", 0), context.Queue()
    moment = at(date(2025, 12, 18))
    workers = [
        context.Process(
            target=_sweep_in_another_process, args=(database_url, moment, barrier, started, queue)
        )
        for _ in range(sweeps)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    # the runs overlapped: each committed only after all of them had started
    assert [at_commit for _, at_commit in results] == [sweeps] * sweeps
    with app.session() as session:
        per_key = session.exec(
            select(NoticeRow.task_id, NoticeRow.kind, NoticeRow.level, func.count()).group_by(
                NoticeRow.task_id, NoticeRow.kind, NoticeRow.level
            )
        ).all()
        escalation_events = session.exec(
            select(func.count())
            .select_from(TaskEventRow)
            .where(TaskEventRow.actor == "dondoc (tự động)")
        ).one()
    assert all(count == 1 for *_, count in per_key)
    assert sorted((kind, level) for _, kind, level, _ in per_key).count(("escalation", 1)) == 40
    assert escalation_events == 40  # one level-1 event per task, not two
    # the mail of one sweep: one mail per recipient and kind, whoever planned it
    planned = [(m.to_email, m.kind) for m in outbox(app) if m.kind != "assignment"]
    assert sorted(planned) == [
        ("pl@example.vn", "escalation"),
        ("pl@example.vn", "overdue"),
        ("th@example.vn", "escalation"),
        ("th@example.vn", "overdue"),
    ]
    assert sum(mails for mails, _ in results) == len(planned)


#: the claim's first step: reading the open tasks whose mark has come (see `_claim_due`)
READ_DUE = (
    "FROM task JOIN directive ON directive.id = task.directive_id WHERE task.next_check_on <="
)


@pytest.mark.postgres
def test_on_postgresql_a_second_sweep_reads_what_is_due_only_after_the_first_has_committed(
    tmp_path: Path, postgres_server: str
) -> None:
    """Two sweeps reading at the same moment with SKIP LOCKED would each lock a part of
    the due tasks and mail each head twice; one waits for the other instead. The first
    holds its transaction open after its read until the second has started, and a while
    more: the second's read comes after the first's commit."""
    from tests.conftest import make_app
    from tests.pg import throwaway_database

    with throwaway_database(postgres_server) as url:
        first, second = make_app(url), make_app(url)
        load(first, tmp_path)
        sweep(first, at(date(2025, 11, 26)))  # assignments out of the way
        moment = at(date(2025, 12, 18))
        first_read, second_started = threading.Event(), threading.Event()
        times: dict[str, float] = {}

        def reads_due(statement: str) -> bool:
            return READ_DUE in " ".join(statement.split())

        @event.listens_for(first.engine, "after_cursor_execute")
        def hold(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            if reads_due(statement):
                first_read.set()
                assert second_started.wait(timeout=30)
                time.sleep(0.5)  # time enough for the second to read, were it free to

        @event.listens_for(first.engine, "commit")
        def committed(_conn: object) -> None:
            times.setdefault("first committed", time.monotonic())

        @event.listens_for(second.engine, "before_cursor_execute")
        def starting(*_: object) -> None:
            second_started.set()

        @event.listens_for(second.engine, "after_cursor_execute")
        def read(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            if reads_due(statement):
                times.setdefault("second read", time.monotonic())

        reports: dict[str, int] = {}
        sweeping = threading.Thread(
            target=lambda: reports.setdefault("first", len(sweep(first, moment).mails))
        )
        sweeping.start()
        assert first_read.wait(timeout=30)
        reports["second"] = len(sweep(second, moment).mails)
        sweeping.join(timeout=60)
        first.engine.dispose()
        second.engine.dispose()
    assert times["second read"] > times["first committed"]
    assert reports["first"] > 0
    assert reports["second"] == 0
