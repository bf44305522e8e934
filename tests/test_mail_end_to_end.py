"""From a stored task to a mail received by a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from engine.clock import FixedClock
from engine.scheduler import run_cycle
from engine.services import imports
from engine.services.delivery import deliver
from engine.services.deps import Deps
from engine.services.sweep import sweep
from tests.builders import directive, directives_file, task, unit, units_file
from tests.conftest import make_app
from tests.smtp_server import SmtpServer

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)
ROOT = Path(__file__).resolve().parent.parent
UNITS = (unit("VP"), unit("TH", parent="VP"), unit("PL", parent="VP"))


@pytest.fixture
def mailing_app(database_url: str, smtp_server: SmtpServer) -> Deps:
    application = make_app(
        database_url, ISSUED, smtp_host=smtp_server.host, smtp_port=smtp_server.port
    )
    yield application  # type: ignore[misc]
    application.engine.dispose()


def load(app: Deps, tmp_path: Path, *tasks: dict[str, object]) -> None:
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *UNITS), ISSUED)
        path = directives_file(tmp_path, directive("45/TB-VPCTN", *tasks))
        imports.import_directives(session, path, app.calendar, ISSUED, "cv")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=HANOI)


def test_a_sent_assignment_carries_the_task_its_deadline_and_a_calendar_file(
    mailing_app: Deps, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    title = "<script>alert(1)</script> Xây dựng Chương trình công tác năm 2026"
    load(mailing_app, tmp_path, task(title, deadline="2025-12-15", coordinating_units=["PL"]))
    sweep(mailing_app, at(date(2025, 11, 26), 10))
    report = deliver(mailing_app, now=at(date(2025, 11, 26), 10))
    assert report.sent == 1
    (mail,) = smtp_server.received
    message = mail.message
    assert set(mail.rcpt_tos) == {
        "th@example.vn",
        "pl@example.vn",
    }  # the head, coordinating units in copy
    assert "Xây dựng Chương trình công tác năm 2026" in str(message["Subject"])
    text, html = mail.part("plain"), mail.part("html")
    assert "Kính gửi: Đồng chí Vụ trưởng Vụ TH" in text
    assert "ngày 15 tháng 12 năm 2025" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    (attachment,) = [
        p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"
    ]
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == date(2025, 12, 15)


def test_sweeping_and_delivering_over_and_over_sends_each_mail_once(
    mailing_app: Deps, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    load(
        mailing_app,
        tmp_path,
        task(deadline="2025-12-15"),
        task("Việc thứ hai", deadline="2025-12-17"),
    )
    calendar = mailing_app.calendar
    day = date(2025, 11, 26)
    while day <= date(2025, 12, 31):
        if calendar.is_working_day(day):
            for hour in (9, 9, 14):
                sweep(mailing_app, at(day, hour))
                deliver(mailing_app, now=at(day, hour))
        day = date.fromordinal(day.toordinal() + 1)
    ids = smtp_server.message_ids()
    assert len(ids) == len(set(ids))  # nothing twice
    subjects = [str(r.message["Subject"]) for r in smtp_server.to("th@example.vn")]
    assert sum(s.startswith("[Giao nhiệm vụ]") for s in subjects) == 2
    assert sum(s.startswith("[Nhắc việc]") for s in subjects) >= 4
    assert any(s.startswith("[Đôn đốc]") for s in subjects)


def test_mail_planned_in_the_day_waits_for_office_hours_to_be_sent(
    mailing_app: Deps, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    load(mailing_app, tmp_path, task(deadline="2025-12-15"))
    sweep(mailing_app, at(date(2025, 11, 26), 16))
    mailing_app = replace(
        mailing_app, clock=FixedClock(at(date(2025, 11, 26), 18))
    )  # the office has closed
    planned, delivered = run_cycle(mailing_app)
    assert not planned.in_office_hours
    assert delivered.outside_hours
    assert smtp_server.received == []
    mailing_app = replace(mailing_app, clock=FixedClock(at(date(2025, 11, 29), 9)))  # a Saturday
    run_cycle(mailing_app)
    assert smtp_server.received == []
    mailing_app = replace(
        mailing_app, clock=FixedClock(at(date(2025, 12, 1), 8))
    )  # Monday, opening time
    run_cycle(mailing_app)
    assert len(smtp_server.received) == 1


def test_dondoc_serve_sweeps_and_delivers_then_stops_cleanly_on_sigterm(
    sqlite_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    application = make_app(sqlite_url, ISSUED)
    load(application, tmp_path, task(deadline="2025-12-15"))
    application.engine.dispose()
    env = os.environ | {
        "DONDOC_DATABASE_URL": sqlite_url,
        "DONDOC_SMTP_HOST": smtp_server.host,
        "DONDOC_SMTP_PORT": str(smtp_server.port),
        "DONDOC_SIMULATED_NOW": "2025-11-26T10:00:00+07:00",
        "DONDOC_SERVE_INTERVAL_SECONDS": "5",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "serve"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not smtp_server.received and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.2)
        assert len(smtp_server.received) == 1, "serve did not sweep and deliver in time"
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, output
    assert "Đã dừng." in output
    assert "INFO dondoc.serve: cycle at 2025-11-26T10:00+07:00: checked 1 task(s), " in output
    assert "planned 1 mail(s) (0 escalation(s), 0 recurring instance(s)); sent 1," in output
