"""A real `dondoc deliver`, killed with SIGKILL in the middle of a batch.

The process builds its messages in worker processes (a batch of several hundred rows, as
configured), sends them to a real SMTP server, and is killed while it sends. What must
hold: each mail arrives at least once, and at most `delivery_concurrency` of them twice,
with the same Message-ID; no row is held past the killed deliverer's lease, and the next
run takes them over and says so; no process of the killed one is left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from engine.services.delivery import deliver
from engine.services.deps import Deps
from engine.store.tables import OutboxRow
from tests.smtp_server import SmtpServer
from tests.test_delivery import NOW, insert, outbox_row, with_mail

ROWS = 400  # one batch, big enough to be built in worker processes
CONCURRENCY = 4
LEASE = 60.0  # seconds: far longer than the run, so that only the kill stops it
KILL_AFTER = 60  # mails received


def processes_marked(mark: str) -> list[str]:
    """The processes whose environment carries `mark` (the killed one's children inherit
    it): pid and command line of each."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"DONDOC_TEST_MARK={mark}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append(f"{entry.name}: {command[:120]}")
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find leftover processes")
def test_a_deliverer_killed_mid_batch_resends_at_most_its_concurrency(
    app: Deps, smtp_server: SmtpServer, database_url: str
) -> None:
    app = with_mail(
        app, smtp_server, delivery_concurrency=CONCURRENCY, delivery_lease_seconds=LEASE
    )
    insert(app, *(outbox_row(n) for n in range(1, ROWS + 1)))
    mark = uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")} | {
        "DONDOC_DATABASE_URL": database_url,
        "DONDOC_SIMULATED_NOW": NOW.isoformat(),  # Monday 09:00 in Ha Noi: office hours
        "DONDOC_SMTP_HOST": smtp_server.host,
        "DONDOC_SMTP_PORT": str(smtp_server.port),
        "DONDOC_MAIL_FROM": "dondoc@vpctn.example.vn",
        "DONDOC_COORDINATOR_EMAIL": "dieuphoi@vpctn.example.vn",
        "DONDOC_DELIVERY_CONCURRENCY": str(CONCURRENCY),
        "DONDOC_DELIVERY_LEASE_SECONDS": str(LEASE),
        "DONDOC_TEST_MARK": mark,
    }
    # the server takes its time with each message, so that the kill lands mid-batch
    smtp_server.handler.delay = 0.01
    process = subprocess.Popen(
        [sys.executable, "-m", "engine", "deliver"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(lambda: len(smtp_server.received) >= KILL_AFTER, 60, f"{KILL_AFTER} mails")
        helpers = processes_marked(mark)
        assert process.poll() is None, "the deliverer ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        if process.stdout is not None:
            process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()
    killed_at = len(smtp_server.received)
    assert killed_at < ROWS  # killed mid-batch
    smtp_server.handler.delay = 0.0

    # the worker processes it had (building the big batch), then none of its processes
    assert len(helpers) > 1, helpers
    wait_for(lambda: not processes_marked(mark), 10, "the killed deliverer's processes to end")

    with app.session() as session:
        held = session.exec(
            select(func.count(), func.max(OutboxRow.claimed_until)).where(
                col(OutboxRow.status) == "sending"
            )
        ).one()
    sending, held_until = held
    assert 0 < sending < ROWS - KILL_AFTER + CONCURRENCY + 1
    assert held_until <= NOW + timedelta(seconds=LEASE)  # nobody holds them past the lease

    # before the lease has run out, another run leaves them alone
    assert deliver(app, now=NOW + timedelta(seconds=LEASE - 1)).sent == 0
    again = deliver(app, now=NOW + timedelta(seconds=LEASE + 1))
    assert again.taken_over == sending
    assert again.sent == sending

    with app.session() as session:
        statuses = Counter(session.exec(select(OutboxRow.status)).all())
    assert statuses == Counter({"sent": ROWS})
    counts = Counter(smtp_server.message_ids())
    expected = {f"<outbox-test{n}@vpctn.example.vn>" for n in range(1, ROWS + 1)}
    assert set(counts) == expected  # every mail arrived
    twice = {message_id: n for message_id, n in counts.items() if n > 1}
    assert max(counts.values()) <= 2
    print(f"killed after {killed_at} mails; {sending} left sending; sent twice: {len(twice)}")
    assert len(twice) <= CONCURRENCY, (killed_at, twice)
