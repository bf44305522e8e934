"""The leader's weekly digest (issue 16): once a task's reminders have stopped, the top
level of its ladder reached and reported, the leader hears of it once a week, on the first
working day of the week, until it is done. On SQLite and PostgreSQL, on the shipped
calendar and policy (escalation levels at 3, 10 and 20 working days overdue).

Counted by hand: the default task's deadline is Mon 15/12/2025; Thu 01/01 and Fri 02/01/2026
are days off and Sat 10/01/2026 is worked, so the 20th working day overdue, the top level,
is Tue 13/01/2026 (ISO week 2026-W03); Mon 19/01 is the 24th, Mon 26/01 the 29th.
"""

from __future__ import annotations

import multiprocessing
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from engine.domain.calendar import WorkingCalendar
from engine.domain.leader_digest import listed, week_began, week_label
from engine.domain.lifecycle import Status
from engine.domain.policy import Policy
from engine.policy_source import PolicyFileError, read_policies
from engine.services import imports, tasks
from engine.services.delivery import deliver
from engine.services.deps import Deps
from engine.services.side_road_moves import pause
from engine.services.sweep import sweep
from engine.store.tables import OutboxRow
from tests.builders import directive, directives_file, small_calendar, task, unit, units_file
from tests.conftest import make_app
from tests.smtp_server import SmtpServer
from tests.test_sweep import HANOI, ISSUED, UNITS, _sweep_in_another_process, at, load, outbox

LEADER = "lanhdao@example.vn"
TITLE = "Xây dựng Chương trình công tác năm 2026"  # the default task of tests.builders


def digests(app: Deps) -> list[OutboxRow]:
    return [m for m in outbox(app) if m.kind == "leader_digest"]


def to_the_top(app: Deps) -> None:
    """The default task assigned, then left overdue until its ladder's top level is
    reached and reported (Tue 13/01/2026): the reminders stop there."""
    sweep(app, at(date(2025, 11, 26)))
    for day in (date(2025, 12, 18), date(2025, 12, 29), date(2026, 1, 13)):
        sweep(app, at(day))


def every_day(app: Deps, first: date, last: date) -> dict[date, list[str]]:
    """Sweep twice on every day from `first` to `last` (days off plan nothing); the keys
    of the leader's digests planned, by day."""
    planned: dict[date, list[str]] = {}
    day = first
    while day <= last:
        for hour in (9, 14):
            report = sweep(app, at(day, hour))
            keys = [m["id"] for m in report.mails if m["kind"] == "leader_digest"]
            if keys:
                planned.setdefault(day, []).extend(keys)
        day += timedelta(days=1)
    with app.session() as session:
        rows = {r.id: r.key for r in session.exec(select(OutboxRow))}
    return {day: [rows[i] for i in ids] for day, ids in planned.items()}


def test_a_task_whose_reminders_stopped_is_in_the_leaders_digest_every_week_until_done(
    app: Deps, tmp_path: Path
) -> None:
    load(app, tmp_path)
    to_the_top(app)
    assert digests(app) == []  # reported this week by the level-3 digest: nothing more

    assert every_day(app, date(2026, 1, 14), date(2026, 1, 20)) == {
        date(2026, 1, 19): [f"leader-digest:2026-W04:{LEADER}"],  # Monday; not again Tuesday
    }
    (mail,) = digests(app)
    assert (mail.to_email, mail.cc, mail.language) == (LEADER, ["theodoi@example.vn"], "vi")
    assert mail.subject == (
        "[Tổng hợp hằng tuần] 1 nhiệm vụ quá hạn chưa hoàn thành, tính đến 19/01/2026"
    )
    assert "Kính gửi: Lãnh đạo Văn phòng Chủ tịch nước" in mail.body_text
    assert (
        "Số hiệu: 45/TB-VPCTN; đơn vị chủ trì: Vụ TH; thời hạn: 15/12/2025"
        " (quá hạn 24 ngày làm việc); mức đôn đốc: báo cáo Lãnh đạo Văn phòng xem xét, chỉ đạo."
    ) in mail.body_text
    assert TITLE in mail.body_html

    assert every_day(app, date(2026, 1, 21), date(2026, 1, 27)) == {
        date(2026, 1, 26): [f"leader-digest:2026-W05:{LEADER}"],  # still open: again
    }
    assert "(quá hạn 29 ngày làm việc)" in digests(app)[-1].body_text
    with app.session() as session:
        tasks.change_status(
            session, 1, Status.SUBMITTED, at=at(date(2026, 1, 28)), actor="th", note=""
        )
        tasks.change_status(
            session, 1, Status.COMPLETED, at=at(date(2026, 1, 29)), actor="vp", note="Đạt"
        )
    assert every_day(app, date(2026, 1, 30), date(2026, 2, 10)) == {}  # done: no more
    assert len(digests(app)) == 2


@pytest.mark.parametrize(
    ("deadline", "first", "last", "expected"),
    [
        # 20 working days after Fri 25/07/2025 is Fri 22/08; Mon 01 and Tue 02/09/2025 are
        # the National Day holiday: that week's digest goes on Wednesday 03/09
        ("2025-07-25", date(2025, 8, 22), date(2025, 9, 5),
         {date(2025, 8, 25): "2025-W35", date(2025, 9, 3): "2025-W36"}),
        # 20 working days after Wed 14/01/2026 is Wed 11/02; Tết takes the whole week of
        # 16/02 (no digest, no working day), so the next goes on Monday 23/02
        ("2026-01-14", date(2026, 2, 11), date(2026, 2, 24), {date(2026, 2, 23): "2026-W09"}),
    ],
)  # fmt: skip
def test_the_digest_goes_on_the_first_working_day_of_the_week_after_a_holiday(
    app: Deps,
    tmp_path: Path,
    deadline: str,
    first: date,
    last: date,
    expected: dict[date, str],
) -> None:
    issued = datetime.fromisoformat(deadline).replace(tzinfo=HANOI) - timedelta(days=20)
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *UNITS), issued)
        path = directives_file(
            tmp_path,
            directive("7/TB", task(deadline=deadline), issued_on=issued.date().isoformat()),
        )
        imports.import_directives(session, path, app.calendar, issued, "cv")

    planned = every_day(app, first, last)

    assert planned == {day: [f"leader-digest:{week}:{LEADER}"] for day, week in expected.items()}


def test_sweeps_started_together_in_several_processes_plan_one_digest(
    app: Deps, tmp_path: Path, database_url: str
) -> None:
    load(app, tmp_path)
    to_the_top(app)
    context = multiprocessing.get_context("spawn")
    barrier, started, queue = context.Barrier(3), context.Value("i", 0), context.Queue()
    args = (database_url, at(date(2026, 1, 19)), barrier, started, queue)
    workers = [context.Process(target=_sweep_in_another_process, args=args) for _ in range(3)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    assert [at_commit for _, at_commit in results] == [3, 3, 3]  # the sweeps overlapped
    assert sum(mails for mails, _ in results) == 1
    assert [m.key for m in digests(app)] == [f"leader-digest:2026-W04:{LEADER}"]


def test_no_digest_when_no_open_task_is_at_the_top_level(app: Deps, tmp_path: Path) -> None:
    load(
        app,
        tmp_path,
        directive(
            "1/TB",
            task("Việc dừng lại", deadline="2025-12-15"),
            task("Việc mới ở mức 2", deadline="2026-01-05"),  # 10 overdue on 19/01: level 2
            issued_on="2025-11-26",
        ),
    )
    to_the_top(app)
    with app.session() as session:  # paused: it waits, it is not overdue
        pause(session, 1, at=at(date(2026, 1, 15)), actor="vp", reason="Chờ ý kiến Bộ Tư pháp")

    assert every_day(app, date(2026, 1, 19), date(2026, 1, 20)) == {}
    assert digests(app) == []


def test_the_policy_can_turn_the_digest_off(database_url: str, tmp_path: Path) -> None:
    policy = tmp_path / "policies.yaml"
    policy.write_text(
        "default:\n  stop_after_top_escalation: true\n  leader_digest: off\n", "utf-8"
    )
    app = make_app(database_url, policy_file=policy)
    try:
        load(app, tmp_path)
        to_the_top(app)
        assert every_day(app, date(2026, 1, 19), date(2026, 1, 19)) == {}
    finally:
        app.engine.dispose()


def test_a_dry_run_plans_no_digest(app: Deps, tmp_path: Path) -> None:
    load(app, tmp_path)
    to_the_top(app)

    dry = sweep(app, at(date(2026, 1, 19)), dry_run=True)

    assert [m["kind"] for m in dry.mails] == ["leader_digest"]  # what would go out
    assert digests(app) == []
    real = sweep(app, at(date(2026, 1, 19), 10))
    assert [m["kind"] for m in real.mails] == ["leader_digest"]


# -- the mail as it arrives -----------------------------------------------------------------


@pytest.fixture
def mailing_app(database_url: str, smtp_server: SmtpServer, request: pytest.FixtureRequest) -> Any:
    overrides = getattr(request, "param", {})
    application = make_app(
        database_url, smtp_host=smtp_server.host, smtp_port=smtp_server.port, **overrides
    )
    yield application
    application.engine.dispose()


WORDS = {
    "vi": (
        "[Tổng hợp hằng tuần] 1 nhiệm vụ quá hạn chưa hoàn thành, tính đến 19/01/2026",
        "Kính gửi: Lãnh đạo Văn phòng Chủ tịch nước",
        "Số hiệu: 45/TB-VPCTN; đơn vị chủ trì: Vụ TH; thời hạn: 15/12/2025 (quá hạn 24 ngày làm việc)",
        "quá hạn 24 ngày làm việc</td>",
    ),
    "en": (
        "[Weekly summary] 1 overdue task not yet completed, as of 19 January 2026",
        "Dear Leadership of Văn phòng Chủ tịch nước,",
        "Reference: 45/TB-VPCTN; lead unit: Vụ TH; deadline: 15/12/2025 (24 working days overdue)",
        "24 working days overdue</td>",
    ),
}


@pytest.mark.parametrize(
    ("mailing_app", "lang"), [({}, "vi"), ({"lang": "en"}, "en")], indirect=["mailing_app"]
)
def test_the_digest_arrives_with_the_task_its_unit_deadline_and_days_overdue(
    mailing_app: Deps, smtp_server: SmtpServer, tmp_path: Path, lang: str
) -> None:
    load(mailing_app, tmp_path)
    to_the_top(mailing_app)
    sweep(mailing_app, at(date(2026, 1, 19)))
    deliver(mailing_app, now=at(date(2026, 1, 19), 10))

    subject, salutation, line, cell = WORDS[lang]
    tag = subject.split("]")[0]
    (received,) = [r for r in smtp_server.to(LEADER) if str(r.message["Subject"]).startswith(tag)]
    assert str(received.message["Subject"]) == subject
    assert set(received.rcpt_tos) == {LEADER, "theodoi@example.vn"}  # the coordinator in copy
    text, html = (received.part(t).replace("\r\n", "\n") for t in ("plain", "html"))
    assert text.startswith(salutation + "\n\n")
    assert line in text
    for part in (text, html):
        assert TITLE in part
    for cell_text in ("Vụ TH</td>", "15/12/2025</td>", cell):
        assert cell_text in html


def test_the_digest_is_in_the_leaders_own_language_as_the_review_picks_it(
    database_url: str, tmp_path: Path
) -> None:
    # the leader is also the head of unit VP, whose contact says English; the office is vi
    app = make_app(database_url, leader_email="vp@example.vn")
    try:
        with app.session() as session:
            units = (unit("VP", language="en"), unit("TH", parent="VP"))
            imports.import_units(session, units_file(tmp_path, *units), ISSUED)
            path = directives_file(tmp_path, directive())
            imports.import_directives(session, path, app.calendar, ISSUED, "cv")
        to_the_top(app)
        sweep(app, at(date(2026, 1, 19)))
        (mail,) = digests(app)
    finally:
        app.engine.dispose()

    assert (mail.to_email, mail.language) == ("vp@example.vn", "en")
    assert mail.subject.startswith("[Weekly summary] 1 overdue task not yet completed")
    assert mail.body_text.startswith("Dear Leadership of Văn phòng Chủ tịch nước,\n\n")


# -- the pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "level", "expected"),
    [
        (Policy(), 3, True),
        (Policy(), 2, False),
        (Policy(leader_digest="off"), 3, False),
        (Policy(escalation=()), 3, False),  # no ladder, no top
    ],
)
def test_a_task_is_listed_at_its_ladders_top_level_with_the_digest_on(
    policy: Policy, level: int, expected: bool
) -> None:
    assert listed(policy, level) is expected


@pytest.mark.parametrize(
    ("day", "label", "monday"),
    [
        (date(2026, 1, 19), "2026-W04", date(2026, 1, 19)),
        (date(2026, 1, 10), "2026-W02", date(2026, 1, 5)),  # a make-up working Saturday
        (date(2025, 12, 31), "2026-W01", date(2025, 12, 29)),  # the ISO year, not the calendar's
    ],
)
def test_the_week_is_the_iso_week_begun_on_monday_in_the_offices_zone(
    day: date, label: str, monday: date
) -> None:
    calendar: WorkingCalendar = small_calendar()
    assert week_label(day) == label
    assert week_began(day, calendar) == datetime(
        monday.year, monday.month, monday.day, tzinfo=HANOI
    )


def test_the_policy_file_reads_the_switch(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "default:\n  leader_digest: off\npriorities:\n  urgent: {leader_digest: weekly}\n"
    )
    policies = read_policies(path)
    assert (policies.default.leader_digest, policies.for_priority("urgent").leader_digest) == (
        "off",
        "weekly",
    )
    path.write_text("default:\n  leader_digest: daily\n")
    with pytest.raises(PolicyFileError, match="leader_digest: expected weekly or off"):
        read_policies(path)
    assert Policy().leader_digest == "weekly"


def test_the_shipped_policy_mails_the_digest_weekly() -> None:
    from engine.settings import Settings

    shipped = read_policies(Settings(_env_file=None).policy_file)  # type: ignore[call-arg]
    assert all(
        p.leader_digest == "weekly" for p in (shipped.default, *shipped.by_priority.values())
    )
