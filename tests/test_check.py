"""`dondoc check`: what an operator or a monitor reads, and the exit code it acts on.

Through the CLI on a SQLite file (the `dondoc` fixture, on 26/11/2025 at 09:00 in Ha
Noi), and through the service on SQLite and PostgreSQL alike; a real aiosmtpd server on
127.0.0.1, and a port nobody listens on for a server that is down.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from engine.bootstrap import bootstrap
from engine.services import health, imports
from engine.services.delivery import deliver
from engine.services.deps import Deps
from engine.services.health import State
from engine.services.sweep import sweep
from engine.settings import Settings
from engine.store.db import sqlite_file
from engine.store.runs import last_runs
from engine.store.tables import OutboxRow
from tests.builders import STANDARD_UNITS, directive, directives_file, pending_mail, units_file
from tests.conftest import make_app
from tests.smtp_server import SmtpServer, free_port

Dondoc = Callable[..., str]

MONDAY = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)  # Monday 01/12/2025, 09:00 in Ha Noi
EVENING = datetime(2025, 12, 1, 12, 30, tzinfo=UTC)  # 19:30 in Ha Noi


def words(out: str) -> str:
    """The output's words with the table's rules taken out."""
    return " ".join(re.sub("[\u2500-\u257f]", " ", out).split())


def load(app: Deps, tmp_path: Path) -> None:
    """The four standard units and one directive of one task, for TH, due 15/12/2025."""
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), MONDAY)
        imports.import_directives(
            session, directives_file(tmp_path, directive()), app.calendar, MONDAY, "cv"
        )


def mail(n: int, due: datetime, status: str = "pending") -> OutboxRow:
    return pending_mail(
        due,
        key=f"test:{n}",
        to_email=f"nguoi{n}@example.vn",
        subject=f"Thư số {n}",
        body_text=f"Thư số {n}",
        body_html=f"<p>Thư số {n}</p>",
        message_id=f"<check-test{n}@example.vn>",
        status=status,
    )


@pytest.fixture
def mail_app(database_url: str, smtp_server: SmtpServer) -> Iterator[Deps]:
    application = make_app(database_url, MONDAY, smtp_port=smtp_server.port)
    yield application
    application.engine.dispose()


# -- through the CLI --------------------------------------------------------------------


@pytest.fixture
def office(dondoc: Dondoc, tmp_path: Path) -> Dondoc:
    """An initialised office: the standard units, and a directive of one task."""
    dondoc("init")
    dondoc("units", "import", str(units_file(tmp_path, *STANDARD_UNITS)))
    dondoc("directive", "import", str(directives_file(tmp_path, directive())))
    return dondoc


def test_all_fine_after_a_sweep_and_a_delivery_exits_0(
    office: Dondoc, sqlite_url: str, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DONDOC_SMTP_PORT", str(smtp_server.port))
    office("sweep")
    office("deliver")
    assert len(smtp_server.received) == 1
    out = office("check", code=0)
    port = smtp_server.port
    assert words(out) == (
        "Tình trạng dondoc — 26/11/2025 09:00 Hạng mục Trạng thái Lý do"
        f" Cơ sở dữ liệu ổn Cơ sở dữ liệu {sqlite_url} trả lời; lược đồ đã cập nhật."
        f" Máy chủ thư ổn Máy chủ thư 127.0.0.1:{port} trả lời EHLO (smtp.test)."
        " Rà soát ổn Rà soát lần cuối lúc 26/11/2025 09:00: kiểm tra 1 nhiệm vụ,"
        " 1 thư vào hàng đợi, không có nhiệm vụ nào phải nâng mức đôn đốc."
        " Gửi thư ổn Gửi thư lần cuối lúc 26/11/2025 09:00: đã gửi 1 thư."
        " Hàng đợi thư ổn Hàng đợi: không có thư nào chờ gửi; không có thư tồn đọng hay không"
        " gửi được."
        " Kết quả: ổn (mã thoát 0)"
    )
    assert len(smtp_server.received) == 1  # EHLO and QUIT: no mail


def test_the_check_speaks_english_on_request(
    office: Dondoc, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DONDOC_SMTP_PORT", str(smtp_server.port))
    office("sweep")
    office("deliver")
    out = words(office("--lang", "en", "check", code=0))
    assert out.startswith("dondoc health — 26/11/2025 09:00 Item State Reason Database OK")
    assert (
        "Sweep OK Last sweep at 26/11/2025 09:00: checked 1 task, 1 mail queued, no escalations."
        in out
    )
    assert "Delivery OK Last delivery at 26/11/2025 09:00: sent 1 mail." in out
    assert out.endswith("Overall: OK (exit code 0)")


def test_an_smtp_server_that_is_down_fails_naming_host_and_port(
    office: Dondoc, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()  # nobody listens there
    monkeypatch.setenv("DONDOC_SMTP_PORT", str(port))
    out = words(office("check", code=2))
    assert (
        f"Máy chủ thư lỗi Không kết nối được máy chủ thư 127.0.0.1:{port}"
        " (DONDOC_SMTP_HOST, DONDOC_SMTP_PORT): SMTPConnectError:"
    ) in out
    assert out.endswith("Kết quả: lỗi (mã thoát 2)")


def test_a_database_never_initialised_fails_with_the_init_hint_and_is_not_created(
    dondoc: Dondoc, sqlite_url: str
) -> None:
    out = words(dondoc("check", "--no-smtp", code=2))
    path = sqlite_file(sqlite_url)
    assert path is not None
    assert (
        f"Cơ sở dữ liệu lỗi Chưa có cơ sở dữ liệu tại {path}: chạy `dondoc init`"
        " (hoặc đặt DONDOC_DATABASE_URL cho đúng cơ sở dữ liệu)."
        " Máy chủ thư không kiểm tra Không kiểm tra (--no-smtp)."
        " Rà soát không kiểm tra Không kiểm tra được: cơ sở dữ liệu chưa sẵn sàng."
        " Gửi thư không kiểm tra Không kiểm tra được: cơ sở dữ liệu chưa sẵn sàng."
        " Hàng đợi thư không kiểm tra Không kiểm tra được: cơ sở dữ liệu chưa sẵn sàng."
        " Kết quả: lỗi (mã thoát 2)"
    ) in out
    assert not path.exists()  # the check creates nothing


def test_a_database_server_that_does_not_answer_fails_and_the_rest_is_not_checked(
    dondoc: Dondoc, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()  # nobody listens there
    monkeypatch.setenv(
        "DONDOC_DATABASE_URL", f"postgresql+psycopg://dondoc@127.0.0.1:{port}/dondoc"
    )
    out = words(dondoc("--lang", "en", "check", "--no-smtp", code=2))
    assert (
        f"Database failing Cannot connect to the database"
        f" postgresql+psycopg://dondoc@127.0.0.1:{port}/dondoc (DONDOC_DATABASE_URL):"
    ) in out
    assert out.count("not checked Could not be checked: the database is not available.") == 3
    assert out.endswith("Overall: failing (exit code 2)")


def test_never_swept_nor_delivered_is_a_warning_exit_1(office: Dondoc) -> None:
    out = words(office("check", "--no-smtp", code=1))
    assert (
        "Rà soát cảnh báo Rà soát: chưa chạy lần nào (chạy `dondoc serve`,"
        " hoặc lập lịch `dondoc sweep`)."
        " Gửi thư cảnh báo Gửi thư: chưa chạy lần nào (chạy `dondoc serve`,"
        " hoặc lập lịch `dondoc deliver`)."
    ) in out
    assert out.endswith("Kết quả: cảnh báo (mã thoát 1)")


def test_the_json_says_the_same_with_its_figures(
    office: Dondoc, sqlite_url: str, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DONDOC_SMTP_PORT", str(smtp_server.port))
    office("sweep")
    office("sweep", "--dry-run")
    result = json.loads(office("check", "--json", code=1))  # swept, never delivered
    assert (result["state"], result["exit_code"], result["at"]) == (
        "warning",
        1,
        "2025-11-26T02:00:00+00:00",
    )
    items = {item["name"]: item for item in result["items"]}
    assert list(items) == ["database", "smtp", "sweep", "deliver", "outbox"]
    assert {name: item["state"] for name, item in items.items()} == {
        "database": "ok",
        "smtp": "ok",
        "sweep": "ok",
        "deliver": "warning",
        "outbox": "ok",
    }
    assert items["database"]["figures"] == {"url": sqlite_url}
    assert items["smtp"]["figures"] == {
        "host": "127.0.0.1",
        "port": smtp_server.port,
        "tls": "none",
        "user": None,
        "server": "smtp.test",
    }
    assert items["sweep"]["figures"] == {
        "at": "2025-11-26T02:00:00+00:00",
        "age_seconds": 0,
        "stale_after_seconds": 900,
        "summary": {"tasks_checked": 1, "mails": 1, "escalations": 0, "instances": 0},
    }
    assert items["deliver"]["reason"] == {
        "vi": "Gửi thư: chưa chạy lần nào (chạy `dondoc serve`, hoặc lập lịch `dondoc deliver`).",
        "en": "No delivery has run yet (run `dondoc serve`, or schedule `dondoc deliver`).",
    }
    assert items["outbox"]["figures"] == {
        "pending": 1,
        "backlog": 0,
        "failed": 0,
        "backlog_after_minutes": 30,
        "oldest_due": "2025-11-26T02:00:00+00:00",
    }
    assert items["outbox"]["reason"]["en"] == "Outbox: 1 pending; nothing overdue, nothing failed."


# -- through the service, on SQLite and PostgreSQL ------------------------------------------


def test_the_sweep_and_the_delivery_record_their_runs_and_a_dry_run_does_not(
    mail_app: Deps, tmp_path: Path
) -> None:
    load(mail_app, tmp_path)
    sweep(mail_app, MONDAY, dry_run=True)
    sweep(mail_app, EVENING)  # outside office hours: nothing done, nothing recorded
    deliver(mail_app, now=EVENING)
    with mail_app.session() as session:
        assert last_runs(session) == {}
    sweep(mail_app, MONDAY)
    deliver(mail_app, now=MONDAY + timedelta(minutes=1))
    with mail_app.session() as session:
        runs = {kind: (row.at, row.summary) for kind, row in last_runs(session).items()}
    assert runs == {
        "sweep": (MONDAY, {"tasks_checked": 1, "mails": 1, "escalations": 0, "instances": 0}),
        "deliver": (
            MONDAY + timedelta(minutes=1),
            {"sent": 1, "retried": 0, "failed": 0, "unreachable": "", "taken_over": 0},
        ),
    }


def test_a_rerun_of_an_earlier_instant_leaves_the_later_record(app: Deps) -> None:
    sweep(app, MONDAY + timedelta(hours=2))
    sweep(app, MONDAY)  # `dondoc sweep --as-of` a past instant
    with app.session() as session:
        assert last_runs(session)["sweep"].at == MONDAY + timedelta(hours=2)


def test_all_fine_after_a_sweep_and_a_delivery(mail_app: Deps, tmp_path: Path) -> None:
    load(mail_app, tmp_path)
    sweep(mail_app, MONDAY)
    deliver(mail_app, now=MONDAY)
    report = health.check(mail_app, now=MONDAY + timedelta(minutes=5))
    assert [(item.name, item.state) for item in report.items] == [
        ("database", State.OK),
        ("smtp", State.OK),
        ("sweep", State.OK),
        ("deliver", State.OK),
        ("outbox", State.OK),
    ]
    assert (report.state, report.exit_code) == (State.OK, 0)
    assert report.items[3].figures["age_seconds"] == 300


def test_a_database_not_initialised_fails_and_the_rest_is_not_checked(database_url: str) -> None:
    application = bootstrap(Settings(database_url=database_url, _env_file=None))  # type: ignore[call-arg]
    try:
        database = health.database_item(application.engine)
        report = health.check_without_database(application.settings, database, MONDAY, smtp=False)
    finally:
        application.engine.dispose()
    assert database.state is State.FAILING
    assert "`dondoc init`" in database.vi
    assert "`dondoc init`" in database.en
    assert [item.state for item in report.items] == [
        State.FAILING,
        *[State.NOT_CHECKED] * 4,
    ]
    assert report.exit_code == 2


def test_failed_mail_and_an_old_backlog_are_warnings_with_their_counts(app: Deps) -> None:
    with app.session() as session:
        session.add_all(
            [
                mail(1, MONDAY - timedelta(hours=2)),
                mail(2, MONDAY - timedelta(minutes=31)),
                mail(3, MONDAY - timedelta(minutes=29)),  # not yet 30 minutes: no backlog
                mail(4, MONDAY - timedelta(days=1), status="failed"),
                mail(5, MONDAY - timedelta(days=1), status="failed"),
                mail(6, MONDAY - timedelta(days=1), status="sent"),
            ]
        )
        session.commit()
    outbox = health.check(app, smtp=False, now=MONDAY).items[-1]
    assert outbox.state is State.WARNING
    assert outbox.figures == {
        "pending": 3,
        "backlog": 2,
        "failed": 2,
        "backlog_after_minutes": 30,
        "oldest_due": (MONDAY - timedelta(hours=2)).isoformat(),
    }
    assert outbox.vi == (
        "Hàng đợi: 3 thư chờ gửi; 2 thư đến hạn gửi đã quá 30 phút mà chưa gửi;"
        " 2 thư không gửi được (xem `dondoc outbox list --status failed`)."
    )
    assert outbox.en == (
        "Outbox: 3 pending; 2 due for more than 30 min and not sent;"
        " 2 failed (see `dondoc outbox list --status failed`)."
    )


def test_mail_waiting_outside_office_hours_is_no_warning(app: Deps) -> None:
    with app.session() as session:
        session.add(mail(1, EVENING - timedelta(hours=2)))
        session.commit()
    outbox = health.check(app, smtp=False, now=EVENING).items[-1]
    assert outbox.state is State.OK
    assert (
        outbox.en
        == "Outbox: 1 pending; 1 waiting for office hours; nothing overdue, nothing failed."
    )


@pytest.mark.parametrize(
    ("checked_at", "state"),
    [
        (MONDAY + timedelta(minutes=14), State.OK),
        (MONDAY + timedelta(minutes=16), State.WARNING),  # over 3 × 300 s in office hours
        (EVENING, State.OK),  # the scheduler sleeps at night
        (datetime(2025, 12, 2, 1, 10, tzinfo=UTC), State.OK),  # 08:10: the office just opened
        (datetime(2025, 12, 2, 1, 20, tzinfo=UTC), State.WARNING),  # 08:20: nothing since 08:00
        (datetime(2025, 12, 6, 3, 0, tzinfo=UTC), State.OK),  # Saturday: a day off
    ],
)
def test_a_quiet_scheduler_is_a_warning_only_in_office_hours(
    sqlite_url: str, checked_at: datetime, state: State
) -> None:
    app = make_app(sqlite_url, MONDAY)
    sweep(app, MONDAY)
    item = health.check(app, smtp=False, now=checked_at).items[2]
    app.engine.dispose()
    assert (item.name, item.state) == ("sweep", state)


def test_a_stale_sweep_says_when_and_how_long_ago(sqlite_url: str) -> None:
    app = make_app(sqlite_url, MONDAY)
    sweep(app, MONDAY)
    item = health.check(app, smtp=False, now=MONDAY + timedelta(days=1, minutes=90)).items[2]
    app.engine.dispose()
    assert item.vi == (
        "Rà soát lần cuối lúc 01/12/2025 09:00, cách đây 1 ngày 1 giờ (quá 15 phút trong giờ"
        " làm việc): bộ lập lịch (`dondoc serve`) có đang chạy không?"
    )
    assert item.en == (
        "Last sweep at 01/12/2025 09:00, 1 d 1 h ago (more than 15 min in office hours):"
        " is the scheduler (`dondoc serve`) running?"
    )


def test_a_login_is_checked_and_a_refused_one_fails_without_the_password(sqlite_url: str) -> None:
    server = SmtpServer(users={"dondoc": "dung-mat-khau"})
    server.start()
    try:
        settings = {"smtp_port": server.port, "smtp_user": "dondoc"}
        good = make_app(sqlite_url, MONDAY, **settings, smtp_password=SecretStr("dung-mat-khau"))
        bad = make_app(sqlite_url, MONDAY, **settings, smtp_password=SecretStr("sai-mat-khau"))
        accepted = health.smtp_item(good.settings)
        refused = health.smtp_item(bad.settings)
        good.engine.dispose()
        bad.engine.dispose()
    finally:
        server.stop()
    assert accepted.state is State.OK
    assert (
        accepted.en
        == f"The mail server 127.0.0.1:{server.port} answers EHLO (smtp.test). Logged in (dondoc)."
    )
    assert refused.state is State.FAILING
    assert refused.vi.startswith(
        f"Máy chủ thư 127.0.0.1:{server.port} từ chối đăng nhập của dondoc"
        " (DONDOC_SMTP_USER, DONDOC_SMTP_PASSWORD): 535"
    )
    assert "sai-mat-khau" not in refused.vi + refused.en + json.dumps(refused.figures)
