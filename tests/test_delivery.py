"""Delivering the outbox to a real SMTP server, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtplib.email import flatten_message
from pydantic import SecretStr
from sqlalchemy import event
from sqlmodel import col, select

from engine.clock import FixedClock
from engine.mail.message import message_from_outbox
from engine.mail.sender import SmtpSender, flatten, prepare
from engine.policy_source import read_policies
from engine.services import outbox
from engine.services.delivery import DeliveryReport, deliver
from engine.services.deps import Deps
from engine.services.outbox import OutboxError
from engine.store.tables import OutboxRow
from tests.builders import pending_mail
from tests.conftest import make_app
from tests.smtp_server import SmtpServer  # and its fixture `smtp_server`, through conftest

NOW = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)  # Monday 09:00 in Ha Noi
SATURDAY = datetime(2025, 12, 6, 2, 0, tzinfo=UTC)
EVENING = datetime(2025, 12, 1, 12, 30, tzinfo=UTC)  # 19:30 in Ha Noi
COORDINATOR = "dieuphoi@vpctn.example.vn"
HEAD = "long.nd@example.vn"
BACKOFF = 60.0
MAX_ATTEMPTS = 3


# builders


def outbox_row(n: int = 1, *, to: str = HEAD, due: datetime = NOW, **extra: Any) -> OutboxRow:
    fields: dict[str, Any] = {
        "key": f"assignment:{n}:{to}",
        "to_name": "Nguyễn Đức Long",
        "to_email": to,
        "subject": f"Giao nhiệm vụ số {n}: Xây dựng Chương trình công tác năm 2026",
        "body_text": f"Kính gửi: Đồng chí Vụ trưởng Vụ Tổng hợp\nNhiệm vụ số {n}, hạn 15/12/2025.",
        "body_html": f"<p>Kính gửi: Đồng chí Vụ trưởng Vụ Tổng hợp</p><p>Nhiệm vụ số {n}</p>",
        "message_id": f"<outbox-test{n}@vpctn.example.vn>",
        "next_attempt_at": due,
    }
    return pending_mail(NOW - timedelta(hours=1), **(fields | extra))


def insert(app: Deps, *rows: OutboxRow) -> list[int]:
    with app.session() as session:
        session.add_all(rows)
        session.commit()
        return [r.id for r in rows if r.id is not None]


def load(app: Deps, row_id: int) -> OutboxRow:
    with app.session() as session:
        row = session.get(OutboxRow, row_id)
        assert row is not None
        return row


def notices(app: Deps) -> list[OutboxRow]:
    with app.session() as session:
        query = select(OutboxRow).where(OutboxRow.kind == "delivery_failed")
        return list(session.exec(query.order_by(col(OutboxRow.id))).all())


def with_mail(app: Deps, server: SmtpServer, **settings: Any) -> Deps:
    settings = app.settings.model_copy(
        update={
            "smtp_host": server.host,
            "smtp_port": server.port,
            "smtp_timeout": 5.0,
            "mail_from": "dondoc@vpctn.example.vn",
            "office_name": "Văn phòng Chủ tịch nước",
            "coordinator_email": COORDINATOR,
            "delivery_concurrency": 4,
            "delivery_max_attempts": MAX_ATTEMPTS,
            "delivery_backoff_seconds": BACKOFF,
        }
        | settings
    )
    return replace(app, settings=settings)


@pytest.fixture
def mail_app(app: Deps, smtp_server: SmtpServer) -> Deps:
    return with_mail(app, smtp_server)


# delivering


def test_due_mail_is_delivered_with_both_parts_and_its_message_id_and_marked_sent(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    [row_id] = insert(mail_app, outbox_row(1))

    report = deliver(mail_app, now=NOW)

    assert report == DeliveryReport(sent=1)
    row = load(mail_app, row_id)
    assert (row.status, row.sent_at, row.attempts, row.claimed_until) == ("sent", NOW, 0, None)
    [got] = smtp_server.received
    assert got.rcpt_tos == (HEAD,)
    assert got.mail_from == "dondoc@vpctn.example.vn"
    assert got.message_id == "<outbox-test1@vpctn.example.vn>"
    assert str(got.message["From"]) == "Văn phòng Chủ tịch nước <dondoc@vpctn.example.vn>"
    assert "Nhiệm vụ số 1, hạn 15/12/2025." in got.part("plain")
    assert "<p>Nhiệm vụ số 1</p>" in got.part("html")


def test_delivering_again_sends_nothing_more(mail_app: Deps, smtp_server: SmtpServer) -> None:
    insert(mail_app, *(outbox_row(n) for n in range(1, 6)))

    first = deliver(mail_app, now=NOW)
    second = deliver(mail_app, now=NOW + timedelta(hours=1))

    assert (first.sent, second) == (5, DeliveryReport())
    assert sorted(smtp_server.message_ids()) == sorted(
        f"<outbox-test{n}@vpctn.example.vn>" for n in range(1, 6)
    )


def test_mail_not_yet_due_is_left_for_later(mail_app: Deps, smtp_server: SmtpServer) -> None:
    [row_id] = insert(mail_app, outbox_row(1, due=NOW + timedelta(minutes=5)))

    assert deliver(mail_app, now=NOW) == DeliveryReport()
    assert load(mail_app, row_id).status == "pending"
    assert deliver(mail_app, now=NOW + timedelta(minutes=5)).sent == 1


def test_many_messages_share_a_few_reused_connections(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    insert(mail_app, *(outbox_row(n) for n in range(1, 41)))

    assert deliver(mail_app, now=NOW, batch=15).sent == 40

    assert len(smtp_server.received) == 40
    assert len({r.peer for r in smtp_server.received}) <= 4  # delivery_concurrency


def test_a_connection_the_server_dropped_is_opened_again(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    smtp_server.drop_connections()
    insert(mail_app, *(outbox_row(n) for n in range(1, 11)))

    assert deliver(mail_app, now=NOW).sent == 10

    assert Counter(smtp_server.message_ids()) == Counter(
        f"<outbox-test{n}@vpctn.example.vn>" for n in range(1, 11)
    )


# the server down, refusing, or half-refusing


def test_mail_held_while_the_server_is_down_goes_out_once_when_it_is_back(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    ids = insert(mail_app, *(outbox_row(n) for n in range(1, 4)))
    smtp_server.stop()

    down = deliver(mail_app, now=NOW)

    assert down == DeliveryReport(retried=3, unreachable=down.unreachable)
    assert down.unreachable.startswith("SMTPConnectError: Error connecting to 127.0.0.1")
    for row in (load(mail_app, i) for i in ids):
        assert (row.status, row.attempts, row.sent_at) == ("pending", 1, None)
        assert row.next_attempt_at == NOW + timedelta(seconds=BACKOFF)
        assert "connect" in row.last_error.lower()

    smtp_server.start()
    assert deliver(mail_app, now=NOW + timedelta(seconds=BACKOFF - 1)) == DeliveryReport()
    back = deliver(mail_app, now=NOW + timedelta(seconds=BACKOFF))
    again = deliver(mail_app, now=NOW + timedelta(hours=1))

    assert (back.sent, again) == (3, DeliveryReport())
    assert sorted(smtp_server.message_ids()) == [
        f"<outbox-test{n}@vpctn.example.vn>" for n in range(1, 4)
    ]
    assert {load(mail_app, i).status for i in ids} == {"sent"}


def test_a_permanent_refusal_fails_the_row_with_the_servers_reply(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse("nobody@example.vn", "550 5.1.1 <nobody@example.vn>: mailbox unavailable")
    [row_id] = insert(mail_app, outbox_row(1, to="nobody@example.vn"))

    report = deliver(mail_app, now=NOW)

    row = load(mail_app, row_id)
    assert (row.status, row.attempts, row.sent_at) == ("failed", 1, None)
    assert "550 5.1.1 <nobody@example.vn>: mailbox unavailable" in row.last_error
    assert (report.failed, report.sent) == (1, 1)  # the row, and the coordinator's notice


def test_a_message_refused_at_data_with_5xx_fails_for_good(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse_message(HEAD, "554 5.6.0 Message rejected as spam")
    [row_id] = insert(mail_app, outbox_row(1))

    deliver(mail_app, now=NOW)

    row = load(mail_app, row_id)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "554 5.6.0 Message rejected as spam"


def test_mail_refused_for_one_copy_fails_for_that_copy_alone_and_the_coordinator_is_told(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse("gone@example.vn", "550 5.1.1 No such user")
    [row_id] = insert(mail_app, outbox_row(1, cc=["gone@example.vn"]))

    # the row (a recipient failed for good) and the coordinator's notice (sent)
    assert deliver(mail_app, now=NOW) == DeliveryReport(sent=1, failed=1)

    row = load(mail_app, row_id)
    assert (row.status, row.attempts, row.sent_at) == ("failed", 1, NOW)
    assert row.recipients == {
        HEAD: {"status": "sent", "reply": "250"},
        "gone@example.vn": {
            "status": "failed",
            "reply": "550 5.1.1 No such user <gone@example.vn>",
        },
    }
    assert row.last_error == "550 5.1.1 No such user <gone@example.vn>"
    [to_head] = smtp_server.to(HEAD)
    assert (to_head.rcpt_tos, to_head.message_id) == ((HEAD,), row.message_id)
    [notice] = notices(mail_app)
    assert notice.key == f"delivery-failed:{row_id}:1"  # the head got it: told per attempt
    [told] = smtp_server.to(COORDINATOR)
    assert str(told.message["Subject"]).endswith("Không gửi được thư tới gone@example.vn")
    assert "550 5.1.1 No such user <gone@example.vn>" in told.part("plain")

    # nothing more goes out: not to the head again, not to the refused copy
    assert deliver(mail_app, now=NOW + timedelta(hours=1)) == DeliveryReport()
    assert len(smtp_server.received) == 2


def test_the_coordinator_is_told_once_of_a_failed_mail(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse("nobody@example.vn", "550 5.1.1 mailbox unavailable")
    [row_id] = insert(mail_app, outbox_row(1, to="nobody@example.vn"))

    deliver(mail_app, now=NOW)
    deliver(mail_app, now=NOW + timedelta(hours=1))
    with mail_app.session() as session:
        outbox.retry(session, row_id, now=NOW + timedelta(hours=2))
    deliver(mail_app, now=NOW + timedelta(hours=2))
    deliver(mail_app, now=NOW + timedelta(hours=3))

    [notice] = notices(mail_app)
    assert row_id == 1  # the first row of a fresh database
    assert (notice.key, notice.to_email, notice.status) == (
        "delivery-failed:1",
        COORDINATOR,
        "sent",
    )
    # stable across retries: sha256("delivery-failed:1")[:32] at the sending domain
    assert notice.message_id == "<8b16b78430992d589bf6683648f09f59.dondoc@vpctn.example.vn>"
    [told] = smtp_server.to(COORDINATOR)
    assert told.message_id == notice.message_id
    assert "Không gửi được thư tới nobody@example.vn" in str(told.message["Subject"])
    assert "sau 1 lần thử" in told.part("plain")
    assert "550 5.1.1 mailbox unavailable" in told.part("plain")
    assert "nobody@example.vn" in told.part("html")


def test_a_failed_notice_to_the_coordinator_makes_no_notice_of_its_own(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse(COORDINATOR, "550 5.1.1 mailbox unavailable")
    smtp_server.refuse("nobody@example.vn", "550 5.1.1 mailbox unavailable")
    insert(mail_app, outbox_row(1, to="nobody@example.vn"))

    deliver(mail_app, now=NOW)
    deliver(mail_app, now=NOW + timedelta(hours=1))

    [notice] = notices(mail_app)
    assert notice.status == "failed"
    with mail_app.session() as session:
        assert len(session.exec(select(OutboxRow)).all()) == 2
    assert smtp_server.received == []


def test_the_coordinator_is_still_told_when_the_notice_template_cannot_be_rendered(
    app: Deps, smtp_server: SmtpServer
) -> None:
    app = with_mail(app, smtp_server, lang="xx")  # no templates in this language
    smtp_server.refuse("nobody@example.vn", "550 5.1.1 mailbox unavailable")
    [row_id] = insert(app, outbox_row(1, to="nobody@example.vn"))

    deliver(app, now=NOW)

    assert load(app, row_id).status == "failed"
    [told] = smtp_server.to(COORDINATOR)
    assert str(told.message["Subject"]) == "Không gửi được thư tới nobody@example.vn"
    assert "sau 1 lần: 550 5.1.1 mailbox unavailable" in told.part("plain")
    assert "nobody@example.vn" in told.part("html")


def test_without_a_coordinator_a_failed_mail_just_stays_failed(
    app: Deps, smtp_server: SmtpServer
) -> None:
    app = with_mail(app, smtp_server, coordinator_email=None)
    smtp_server.refuse("nobody@example.vn", "550 5.1.1 mailbox unavailable")
    [row_id] = insert(app, outbox_row(1, to="nobody@example.vn"))

    assert deliver(app, now=NOW) == DeliveryReport(failed=1)
    assert load(app, row_id).status == "failed"
    assert notices(app) == []


def test_a_temporary_refusal_backs_off_exponentially_then_fails(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse(HEAD, "451 4.3.0 Mailbox temporarily unavailable")
    [row_id] = insert(mail_app, outbox_row(1))

    first = deliver(mail_app, now=NOW)
    row = load(mail_app, row_id)
    assert first == DeliveryReport(retried=1)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == NOW + timedelta(seconds=BACKOFF)
    assert row.last_error == f"451 4.3.0 Mailbox temporarily unavailable <{HEAD}>"

    second_at = NOW + timedelta(seconds=BACKOFF)
    assert deliver(mail_app, now=second_at - timedelta(seconds=1)) == DeliveryReport()
    assert deliver(mail_app, now=second_at) == DeliveryReport(retried=1)
    row = load(mail_app, row_id)
    assert (row.status, row.attempts) == ("pending", 2)
    assert row.next_attempt_at == second_at + timedelta(seconds=2 * BACKOFF)

    third = deliver(mail_app, now=row.next_attempt_at)
    row = load(mail_app, row_id)
    assert (third.failed, row.status, row.attempts) == (1, "failed", MAX_ATTEMPTS)
    assert row.sent_at is None
    assert [n.key for n in notices(mail_app)] == [f"delivery-failed:{row_id}"]
    assert smtp_server.to(HEAD) == []


def test_a_crashed_deliverers_expired_claim_is_picked_up_again(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    expired, held = insert(
        mail_app,
        outbox_row(1, status="sending", claimed_until=NOW - timedelta(minutes=1)),
        outbox_row(2, status="sending", claimed_until=NOW + timedelta(minutes=5)),
    )

    # the next run says it took a row over
    assert deliver(mail_app, now=NOW) == DeliveryReport(sent=1, taken_over=1)

    assert load(mail_app, expired).status == "sent"
    assert load(mail_app, held).status == "sending"
    assert smtp_server.message_ids() == ["<outbox-test1@vpctn.example.vn>"]


@pytest.mark.parametrize("at", [SATURDAY, EVENING], ids=["saturday", "evening"])
def test_outside_office_hours_nothing_is_sent(
    mail_app: Deps, smtp_server: SmtpServer, at: datetime
) -> None:
    [row_id] = insert(mail_app, outbox_row(1, due=at - timedelta(hours=1)))

    report = deliver(mail_app, now=at)

    assert report == DeliveryReport(skipped_outside_hours=1, outside_hours=True)
    assert load(mail_app, row_id).status == "pending"
    assert smtp_server.received == []


def test_without_an_instant_the_clock_says_whether_it_is_office_hours(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    insert(mail_app, outbox_row(1, due=EVENING - timedelta(hours=1)))
    mail_app = replace(mail_app, clock=FixedClock(EVENING))

    assert deliver(mail_app) == DeliveryReport(skipped_outside_hours=1, outside_hours=True)
    assert smtp_server.received == []


def test_the_office_hours_are_those_of_the_office_policy_file(
    mail_app: Deps, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    policies = tmp_path / "policies.yaml"
    policies.write_text(
        'default:\n  office_hours: {start: "08:00", end: "20:00"}\n', encoding="utf-8"
    )
    mail_app = replace(mail_app, policies=read_policies(policies))
    insert(mail_app, outbox_row(1, due=EVENING - timedelta(hours=1)))

    assert deliver(mail_app, now=EVENING) == DeliveryReport(sent=1)
    assert smtp_server.message_ids() == ["<outbox-test1@vpctn.example.vn>"]


def meet_after_reading_what_is_due(app: Deps, meeting: threading.Barrier, met: list[bool]) -> None:
    """Hold `app`'s deliverer, once, right after it has read which rows are due and
    before it claims them, until the other deliverer has read them too."""
    waited = False

    @event.listens_for(app.engine, "after_cursor_execute")
    def meet(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        nonlocal waited
        if waited or not " ".join(statement.split()).startswith(
            "SELECT outbox.id, outbox.status FROM outbox"
        ):
            return
        waited = True
        try:
            meeting.wait()
            met.append(True)
        except threading.BrokenBarrierError:  # the other never came
            met.append(False)


def test_two_deliverers_at_once_send_each_mail_once(
    mail_app: Deps, smtp_server: SmtpServer, database_url: str
) -> None:
    insert(mail_app, *(outbox_row(n) for n in range(1, 121)))
    other = with_mail(make_app(database_url), smtp_server)
    meeting = threading.Barrier(2, timeout=30)
    met: list[bool] = []
    reports: list[DeliveryReport] = []

    def run(app: Deps) -> None:
        meet_after_reading_what_is_due(app, meeting, met)
        reports.append(deliver(app, now=NOW, batch=7))

    threads = [threading.Thread(target=run, args=(a,)) for a in (mail_app, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.engine.dispose()

    # the runs overlapped: both had read what was due before either claimed any of it
    assert met == [True, True]
    assert sum(r.sent for r in reports) == 120
    assert Counter(smtp_server.message_ids()) == Counter(
        f"<outbox-test{n}@vpctn.example.vn>" for n in range(1, 121)
    )
    with mail_app.session() as session:
        assert set(session.exec(select(OutboxRow.status)).all()) == {"sent"}


def test_mail_is_flattened_byte_for_byte_as_aiosmtplib_would_send_it() -> None:
    row = outbox_row(1, id=1, cc=["dieuphoi@vpctn.example.vn"], ics="BEGIN:VCALENDAR\r\n")
    message = message_from_outbox(row, "Văn phòng Chủ tịch nước", "dondoc@vpctn.example.vn")
    message.set_boundary("fixed-boundary")
    flatten_message(message)  # gives the inner parts their boundaries, once

    for utf8 in (False, True):
        for cte_type in ("8bit", "7bit"):
            ours = [flatten(message, utf8=utf8, cte_type=cte_type) for _ in range(2)]
            assert ours == [flatten_message(message, utf8=utf8, cte_type=cte_type)] * 2
    prepared = prepare(message)
    assert prepared.sender == "dondoc@vpctn.example.vn"
    assert prepared.recipients == (HEAD, "dieuphoi@vpctn.example.vn")
    assert not prepared.utf8


# the password


def test_the_password_stays_out_of_errors_reprs_and_logs(
    app: Deps, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server = SmtpServer(users={"dondoc": "right-Pa55word"})
    server.start()
    try:
        app = with_mail(app, server, smtp_user="dondoc", smtp_password=SecretStr("wrong-Pa55word"))
        [row_id] = insert(app, outbox_row(1))
        sender = SmtpSender.from_settings(app.settings)

        assert deliver(app, sender, now=NOW) == DeliveryReport(retried=1)
        row = load(app, row_id)
        assert row.last_error.startswith("535")
        assert "wrong-Pa55word" not in row.last_error
        assert "wrong-Pa55word" not in repr(sender)
        ours = [r for r in caplog.records if not r.name.startswith("mail.log")]
        assert all("wrong-Pa55word" not in r.getMessage() for r in ours)

        app = with_mail(app, server, smtp_user="dondoc", smtp_password=SecretStr("right-Pa55word"))
        assert deliver(app, now=NOW + timedelta(seconds=BACKOFF)).sent == 1
        assert len(server.received) == 1
    finally:
        server.stop()


# putting failed mail back


def test_retry_puts_a_failed_row_back_in_line(mail_app: Deps, smtp_server: SmtpServer) -> None:
    smtp_server.refuse(HEAD, "550 5.1.1 mailbox unavailable")
    [row_id] = insert(mail_app, outbox_row(1))
    deliver(mail_app, now=NOW)
    smtp_server.accept(HEAD)
    later = NOW + timedelta(hours=2)

    with mail_app.session() as session:
        assert outbox.retry(session, row_id, now=later) == [row_id]

    row = load(mail_app, row_id)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, later)
    assert deliver(mail_app, now=later).sent == 1
    assert load(mail_app, row_id).status == "sent"
    assert len(smtp_server.to(HEAD)) == 1


def test_retry_of_all_failed_puts_back_only_the_failed_rows(mail_app: Deps) -> None:
    failed_a, failed_b, sent = insert(
        mail_app,
        outbox_row(1, status="failed", attempts=3, last_error="550"),
        outbox_row(2, status="failed", attempts=1, last_error="550"),
        outbox_row(3, status="sent", sent_at=NOW),
    )

    with mail_app.session() as session:
        assert outbox.retry(session, all_failed=True, now=NOW) == [failed_a, failed_b]
        assert outbox.counts(session) == {"pending": 2, "sending": 0, "sent": 1, "failed": 0}
    assert load(mail_app, sent).status == "sent"


def test_retry_refuses_a_row_already_sent(mail_app: Deps) -> None:
    [row_id] = insert(mail_app, outbox_row(1, status="sent", sent_at=NOW))

    with mail_app.session() as session, pytest.raises(OutboxError, match="already sent"):
        outbox.retry(session, row_id, now=NOW)
    assert load(mail_app, row_id).status == "sent"


def test_the_outbox_lists_rows_newest_first_and_shows_one(mail_app: Deps) -> None:
    first, second, third = insert(
        mail_app,
        outbox_row(1),
        outbox_row(2, status="failed", last_error="550"),
        outbox_row(3, status="failed", last_error="550"),
    )

    with mail_app.session() as session:
        assert [r.id for r in outbox.list_rows(session)] == [third, second, first]
        assert [r.id for r in outbox.list_rows(session, "failed", limit=1)] == [third]
        assert outbox.show(session, first).subject.startswith("Giao nhiệm vụ số 1")
        with pytest.raises(OutboxError, match="no outbox row 999"):
            outbox.show(session, 999)


def test_mail_built_in_worker_processes_arrives_the_same(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    insert(
        mail_app, *(outbox_row(n, ics="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") for n in range(1, 31))
    )

    assert deliver(mail_app, now=NOW, batch=10, build_workers=2).sent == 30

    got = {r.message_id: r for r in smtp_server.received}
    assert len(smtp_server.received) == len(got) == 30
    one = got["<outbox-test7@vpctn.example.vn>"]
    assert str(one.message["From"]) == "Văn phòng Chủ tịch nước <dondoc@vpctn.example.vn>"
    assert str(one.message["To"]) == f"Nguyễn Đức Long <{HEAD}>"
    assert str(one.message["Subject"]).startswith("Giao nhiệm vụ số 7: ")
    assert "Nhiệm vụ số 7, hạn 15/12/2025." in one.part("plain")
    assert "<p>Nhiệm vụ số 7</p>" in one.part("html")
    [ics] = [p for p in one.message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert "BEGIN:VCALENDAR" in str(ics.get_content())
