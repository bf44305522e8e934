"""Delivery under faults, recipient by recipient: refusals of one of several recipients,
a deliverer that loses its lease, a long outage. Each test asserts on the outbox and on
what the real SMTP server received; on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from engine.domain.recipients import Answer, addresses, envelope, outcome
from engine.services import outbox
from engine.services.delivery import DeliveryReport, deliver
from engine.services.deps import Deps
from engine.store.tables import OutboxRow
from tests.builders import STANDARD_UNITS, directive, directives_file, units_file
from tests.conftest import make_app
from tests.smtp_server import SmtpServer
from tests.test_delivery import (
    BACKOFF,
    COORDINATOR,
    HEAD,
    MAX_ATTEMPTS,
    NOW,
    insert,
    load,
    notices,
    outbox_row,
    with_mail,
)

DEPUTY = "pho.vt@example.vn"
BUSY = "ban.nv@example.vn"
GONE = "gone@example.vn"
Dondoc = Callable[..., str]


@pytest.fixture
def mail_app(app: Deps, smtp_server: SmtpServer) -> Deps:
    return with_mail(app, smtp_server)


def rows(app: Deps) -> list[OutboxRow]:
    with app.session() as session:
        return list(session.exec(select(OutboxRow).order_by(col(OutboxRow.id))).all())


# -- one of several recipients refused -----------------------------------------------------


def test_a_recipient_refused_for_now_is_tried_again_alone_with_the_same_message_id(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse(BUSY, "451 4.2.1 Mailbox busy, try later")
    [row_id] = insert(mail_app, outbox_row(1, cc=[BUSY, DEPUTY]))

    assert deliver(mail_app, now=NOW) == DeliveryReport(retried=1)

    row = load(mail_app, row_id)
    assert (row.status, row.attempts, row.sent_at) == ("pending", 1, NOW)
    assert row.next_attempt_at == NOW + timedelta(seconds=BACKOFF)
    assert row.recipients == {
        HEAD: {"status": "sent", "reply": "250"},
        BUSY: {"status": "pending", "reply": f"451 4.2.1 Mailbox busy, try later <{BUSY}>"},
        DEPUTY: {"status": "sent", "reply": "250"},
    }
    [first] = smtp_server.received
    assert first.rcpt_tos == (HEAD, DEPUTY)

    smtp_server.accept(BUSY)
    retry_at = NOW + timedelta(seconds=BACKOFF)
    assert deliver(mail_app, now=retry_at) == DeliveryReport(sent=1)

    first, second = smtp_server.received
    assert second.rcpt_tos == (BUSY,)  # him alone: the others are not written to twice
    assert second.message_id == first.message_id == row.message_id
    assert second.message["Cc"] == first.message["Cc"]  # the headers still name everyone
    row = load(mail_app, row_id)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, NOW)
    assert {a: s["status"] for a, s in row.recipients.items()} == dict.fromkeys(
        (HEAD, BUSY, DEPUTY), "sent"
    )
    assert notices(mail_app) == []


def test_a_recipient_refused_for_now_at_every_attempt_fails_alone_and_is_reported(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse(BUSY, "451 4.2.1 Mailbox busy, try later")
    [row_id] = insert(mail_app, outbox_row(1, cc=[BUSY]))

    at = NOW
    reports = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        reports.append(deliver(mail_app, now=at))
        at = load(mail_app, row_id).next_attempt_at
        assert load(mail_app, row_id).attempts == attempt

    assert reports[:-1] == [DeliveryReport(retried=1)] * (MAX_ATTEMPTS - 1)
    assert reports[-1] == DeliveryReport(sent=1, failed=1)  # the row; the notice went
    row = load(mail_app, row_id)
    assert (row.status, row.sent_at) == ("failed", NOW)
    assert (row.recipients[HEAD]["status"], row.recipients[BUSY]["status"]) == ("sent", "failed")
    # the head once; him never (refused at RCPT TO each time); then the coordinator's notice
    assert [r.rcpt_tos for r in smtp_server.received] == [(HEAD,), (COORDINATOR,)]
    [notice] = notices(mail_app)
    assert notice.key == f"delivery-failed:{row_id}:{MAX_ATTEMPTS}"
    assert notice.status == "sent"
    assert BUSY in notice.subject
    assert "451 4.2.1 Mailbox busy" in notice.body_text
    assert load(mail_app, row_id).reported_at is not None  # the coordinator was told


def test_the_head_refused_for_good_the_others_get_it_once_and_the_coordinator_is_told(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse(GONE, "550 5.1.1 No such user")
    [row_id] = insert(mail_app, outbox_row(1, to=GONE, cc=[DEPUTY, BUSY]))

    assert deliver(mail_app, now=NOW) == DeliveryReport(sent=1, failed=1)
    assert deliver(mail_app, now=NOW + timedelta(hours=3)) == DeliveryReport()

    row = load(mail_app, row_id)
    assert (row.status, row.attempts, row.sent_at) == ("failed", 1, NOW)
    assert row.recipients[GONE] == {
        "status": "failed",
        "reply": f"550 5.1.1 No such user <{GONE}>",
    }
    to_others = [r for r in smtp_server.received if r.message_id == row.message_id]
    assert [r.rcpt_tos for r in to_others] == [(DEPUTY, BUSY)]
    [told] = smtp_server.to(COORDINATOR)
    assert str(told.message["Subject"]).endswith(f"Không gửi được thư tới {GONE}")
    assert f"550 5.1.1 No such user <{GONE}>" in told.part("plain")


def test_put_back_in_line_a_mail_goes_only_to_those_who_did_not_get_it(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse(GONE, "550 5.1.1 No such user")
    [row_id] = insert(mail_app, outbox_row(1, cc=[GONE]))
    deliver(mail_app, now=NOW)
    smtp_server.accept(GONE)  # the address was mended on the server's side

    later = NOW + timedelta(hours=1)
    with mail_app.session() as session:
        assert outbox.retry(session, row_id, now=later) == [row_id]
    assert deliver(mail_app, now=later) == DeliveryReport(sent=1)

    mails = [r for r in smtp_server.received if r.message_id == load(mail_app, row_id).message_id]
    assert [r.rcpt_tos for r in mails] == [(HEAD,), (GONE,)]
    assert load(mail_app, row_id).status == "sent"


# -- a lease lost ----------------------------------------------------------------------------


def test_a_deliverer_whose_lease_was_taken_over_sends_nothing_more(
    app: Deps, smtp_server: SmtpServer, database_url: str
) -> None:
    """A stalls on its first message past its lease; B takes the batch over and sends
    it; A, once the server answers, records nothing and sends nothing more."""
    settings = {"delivery_lease_seconds": 1.0, "delivery_concurrency": 1}
    first = with_mail(app, smtp_server, **settings)
    second = with_mail(make_app(database_url), smtp_server, **settings)
    ids = insert(first, *(outbox_row(n) for n in range(1, 6)))
    stalled = smtp_server.stall_next_message(3.0)
    reports: dict[str, DeliveryReport] = {}

    def run_first() -> None:
        reports["first"] = deliver(first, now=NOW, build_workers=0)

    thread = threading.Thread(target=run_first)
    thread.start()
    assert stalled.wait(10), "the first deliverer never sent"
    # the first one's lease, renewed to NOW + 1 s, has run out by the second one's clock
    reports["second"] = deliver(second, now=NOW + timedelta(seconds=2), build_workers=0)
    thread.join(30)
    second.engine.dispose()

    assert not thread.is_alive()
    assert reports["second"] == DeliveryReport(sent=5, taken_over=5)
    assert reports["first"] == DeliveryReport(lost=5)  # nothing recorded, nothing more sent
    assert [load(first, i).status for i in ids] == ["sent"] * 5
    counts = Counter(smtp_server.message_ids())
    # the message in flight when the lease was lost went twice (at most the concurrency)
    assert counts == Counter({f"<outbox-test{n}@vpctn.example.vn>": 1 for n in range(1, 6)}) + (
        Counter({"<outbox-test1@vpctn.example.vn>": 1})
    )
    assert all(r.claim_token is None and r.claimed_until is None for r in rows(first))


# -- a long outage ----------------------------------------------------------------------------


def test_after_a_long_outage_every_failure_is_kept_and_shown(
    mail_app: Deps, smtp_server: SmtpServer
) -> None:
    """The server is down for longer than the retries: every mail fails for good, and so
    does every notice to the coordinator; all stay failed, unreported, for the digests."""
    ids = insert(mail_app, *(outbox_row(n) for n in range(1, 4)))
    smtp_server.stop()

    at, reports = NOW, []
    while (report := deliver(mail_app, now=at)) != DeliveryReport():
        reports.append((report.sent, report.retried, report.failed, bool(report.unreachable)))
        at += timedelta(minutes=30)  # past every backoff, within the working day
    assert reports == [
        (0, 3, 0, True),
        (0, 3, 0, True),
        (0, 3, 3, True),  # the mails fail for good; their notices, made then, fail for now
        (0, 3, 0, True),
        (0, 0, 3, True),  # the notices fail for good, and make no notices of their own
    ]

    everything = rows(mail_app)
    assert [(r.kind, r.status, r.attempts) for r in everything] == [
        ("assignment", "failed", MAX_ATTEMPTS)
    ] * 3 + [("delivery_failed", "failed", MAX_ATTEMPTS)] * 3
    assert sorted(r.key for r in everything[3:]) == [f"delivery-failed:{i}" for i in ids]
    assert all(r.reported_at is None and r.sent_at is None for r in everything)
    assert all("ConnectionRefusedError" in r.last_error or "Connect" in r.last_error
               for r in everything)  # fmt: skip
    with mail_app.session() as session:
        assert [r.id for r in outbox.list_rows(session, "failed")] == [
            r.id for r in reversed(everything)
        ]
    smtp_server.start()
    assert smtp_server.received == []


# -- the rule, as a function --------------------------------------------------------------


def test_the_envelope_is_everyone_then_those_pending_then_those_who_did_not_get_it() -> None:
    assert addresses("A@x.vn", ["b@x.vn", "a@x.vn", " "]) == ["a@x.vn", "b@x.vn"]
    assert envelope("a@x.vn", ["b@x.vn"], {}) == ["a@x.vn", "b@x.vn"]
    states = {
        "a@x.vn": {"status": "sent", "reply": "250"},
        "b@x.vn": {"status": "pending", "reply": "451"},
        "c@x.vn": {"status": "failed", "reply": "550"},
    }
    assert envelope("a@x.vn", ["b@x.vn", "c@x.vn"], states) == ["b@x.vn"]
    states["b@x.vn"]["status"] = "failed"
    assert envelope("a@x.vn", ["b@x.vn", "c@x.vn"], states) == ["b@x.vn", "c@x.vn"]


def test_an_attempt_counts_only_when_someone_was_not_served() -> None:
    taken = outcome({}, ["a@x.vn", "b@x.vn"], Answer(taken=True), 0, 3)
    assert (taken.status, taken.attempts, taken.delivered, taken.failed) == (
        "sent", 0, ("a@x.vn", "b@x.vn"), ()
    )  # fmt: skip
    refused = {"b@x.vn": (False, "451 later <b@x.vn>")}
    partly = outcome({}, ["a@x.vn", "b@x.vn"], Answer(True, refused=refused), 0, 3)
    assert (partly.status, partly.attempts, partly.error) == ("pending", 1, "451 later <b@x.vn>")
    last = outcome(partly.recipients, ["b@x.vn"], Answer(True, refused=refused), 2, 3)
    assert (last.status, last.attempts, last.failed, last.delivered) == (
        "failed", 3, ("b@x.vn",), ()
    )  # fmt: skip
    down = outcome({}, ["a@x.vn"], Answer(False, permanent=False, error="refused"), 0, 3)
    assert (down.status, down.attempts, down.error) == ("pending", 1, "refused")
    dead = outcome({}, ["a@x.vn"], Answer(False, permanent=True, error="554 no"), 0, 3)
    assert (dead.status, dead.failed, dead.recipients["a@x.vn"]["reply"]) == (
        "failed", ("a@x.vn",), "554 no"
    )  # fmt: skip


# -- as the operator sees it ----------------------------------------------------------------


def test_deliver_exits_1_naming_what_failed_for_good_and_the_outbox_shows_each_recipient(
    dondoc: Dondoc, tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DONDOC_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("DONDOC_COORDINATOR_EMAIL", COORDINATOR)
    dondoc("init")
    dondoc("units", "import", str(units_file(tmp_path, *STANDARD_UNITS)))
    dondoc("directive", "import", str(directives_file(tmp_path, directive())))
    dondoc("sweep")
    smtp_server.refuse("th@example.vn", "550 5.1.1 No such user")

    out = dondoc("deliver", code=1)

    assert out == (
        "Đã gửi 1 thư; 1 thư không gửi được."
        " Có 1 thư không gửi được tới ít nhất một người nhận;"
        " xem: dondoc outbox list --status failed"
    )
    [failed] = json.loads(dondoc("outbox", "list", "--status", "failed", "--json"))
    assert (failed["kind"], failed["to_email"], failed["attempts"]) == (
        "assignment",
        "th@example.vn",
        1,
    )
    assert failed["recipients"] == {
        "th@example.vn": {"status": "failed", "reply": "550 5.1.1 No such user <th@example.vn>"}
    }
    shown = dondoc("outbox", "show", str(failed["id"]))
    assert "th@example.vn: Không gửi được — 550 5.1.1 No such user <th@example.vn>" in shown
    [told] = smtp_server.to(COORDINATOR)
    assert "th@example.vn" in str(told.message["Subject"])
    assert dondoc("deliver", code=0) == "Không có thư nào cần gửi."
