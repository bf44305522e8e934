"""How fast dondoc's deliverer drains the outbox, against a bare aiosmtplib loop.

    python bench/delivery.py --messages 5000

Starts aiosmtpd on 127.0.0.1 (a handler that only counts), then, three times each:

- dondoc: a throwaway SQLite database with N outbox rows (multipart text + HTML of about
  3 KB and a 600-byte .ics), timed from `deliver()` until every row is marked sent, as
  configured by default (a big batch is built in worker processes, `mail_builders`);
- dondoc-1p: the same, every message built in the deliverer's own process
  (`build_workers=0`): claim, build, send, record on one core, as the bare loop does;
- bare: the same N rows, in memory, each built into its message as dondoc builds it
  (`message_from_outbox`) and sent by a loop of aiosmtplib clients with the same
  concurrency, each reusing its one connection: the same work but the database's, the
  fair baseline;
- prebuilt: the same messages built beforehand (not timed; afresh for each run) and sent
  by the same loop: sending alone (aiosmtplib flattens each message as it sends it), for
  reference. It leaves out building, which costs about as much as flattening and sending.

The SMTP server runs in a process of its own, as a real relay would. Prints the medians
in messages per second and the ratios to the bare loop and to the prebuilt one.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

import aiosmtplib

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.bootstrap import bootstrap
from engine.mail.message import message_from_outbox
from engine.notify import message_id
from engine.services.delivery import deliver
from engine.services.deps import Deps
from engine.settings import Settings
from engine.store.tables import OutboxRow

HOST = "127.0.0.1"
OFFICE = "Văn phòng Chủ tịch nước"
MAIL_FROM = "dondoc@vpctn.example.vn"
NOW = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)
PARAGRAPH = (
    "Thực hiện Thông báo số 45/TB-VPCTN ngày 26/11/2025 kết luận của Chủ tịch nước, "
    "Văn phòng đề nghị Vụ Tổng hợp chủ trì, phối hợp với các đơn vị liên quan xây dựng "
    "dự thảo Chương trình công tác năm 2026, báo cáo trước ngày 15/12/2025. "
)
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//dondoc//VI\r\nMETHOD:PUBLISH\r\n"
    "BEGIN:VEVENT\r\nUID:task-{n}@vpctn.example.vn\r\nDTSTAMP:20251201T020000Z\r\n"
    "DTSTART;VALUE=DATE:20251215\r\nDTEND;VALUE=DATE:20251216\r\n"
    "SUMMARY:Hạn: Xây dựng dự thảo Chương trình công tác năm 2026 (nhiệm vụ {n})\r\n"
    "DESCRIPTION:Thông báo 45/TB-VPCTN. Chủ trì: Vụ Tổng hợp. Sản phẩm: Dự thảo "
    "Chương trình công tác năm 2026. Thẩm quyền: Chủ nhiệm Văn phòng.\r\n"
    "BEGIN:VALARM\r\nTRIGGER:-P3D\r\nACTION:DISPLAY\r\nDESCRIPTION:Nhắc hạn\r\nEND:VALARM\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


# the server: a separate process, as a real relay would be


class Counter:
    def __init__(self, count: Synchronized[int]) -> None:
        self.count = count

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


def _serve(port: int, count: Synchronized[int], ready: Any, stop: Any) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(Counter(count), hostname=HOST, port=port, server_hostname="bench")
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


# the data


def rows(count: int) -> Iterator[OutboxRow]:
    text = "Kính gửi: Đồng chí Vụ trưởng Vụ Tổng hợp\n\n" + PARAGRAPH * 5
    for n in range(count):
        html = (
            "<!doctype html><html><body><p>Kính gửi: Đồng chí Vụ trưởng Vụ Tổng hợp</p>"
            + f"<p>{PARAGRAPH}</p>" * 5
            + f"<p>Nhiệm vụ số {n}</p></body></html>"
        )
        key = f"bench:{n}"
        yield OutboxRow(
            key=key,
            kind="assignment",
            to_name="Nguyễn Đức Long",
            to_email=f"unit{n % 50}@example.vn",
            cc=["dieuphoi@vpctn.example.vn"],
            subject=f"Giao nhiệm vụ số {n}: Xây dựng Chương trình công tác năm 2026",
            body_text=f"{text}\nNhiệm vụ số {n}\n",
            body_html=html,
            ics=ICS.format(n=n),
            message_id=message_id(key, MAIL_FROM),
            next_attempt_at=NOW,
            created_at=NOW,
        )


def make_app(directory: Path, port: int, concurrency: int) -> Deps:
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{directory / 'bench.db'}",
        smtp_host=HOST,
        smtp_port=port,
        mail_from=MAIL_FROM,
        office_name=OFFICE,
        delivery_concurrency=concurrency,
    )
    app = bootstrap(settings)
    app.migrate()
    return app.deps()


# the contestants


def run_dondoc(
    port: int, messages: int, concurrency: int, batch: int, build_workers: int | None
) -> float:
    with tempfile.TemporaryDirectory() as directory:
        app = make_app(Path(directory), port, concurrency)
        with app.session() as session:
            session.add_all(rows(messages))
            session.commit()
        started = time.perf_counter()
        # as of NOW, a Monday morning: in office hours whenever the bench is run
        report = deliver(app, now=NOW, batch=batch, build_workers=build_workers)
        elapsed = time.perf_counter() - started
        app.engine.dispose()
    if report.sent != messages:
        raise SystemExit(f"dondoc sent {report.sent} of {messages}: {report}")
    return elapsed


def build(row: OutboxRow) -> EmailMessage:
    return message_from_outbox(row, OFFICE, MAIL_FROM)


async def _bare(port: int, work: Iterable[EmailMessage], concurrency: int) -> int:
    """Send each message of `work` (built as it is taken, if it is built lazily)."""
    messages = iter(work)
    sent = 0

    async def worker() -> None:
        nonlocal sent
        client = aiosmtplib.SMTP(hostname=HOST, port=port, start_tls=False)
        await client.connect()
        for message in messages:
            await client.send_message(message)
            sent += 1
        await client.quit()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return sent


def run_bare(
    port: int, work: Callable[[], Iterable[EmailMessage]], count: int, concurrency: int
) -> float:
    """Time the loop over `work()`, made before the clock starts: a list is built
    untimed, a lazy iterable as it is sent."""
    messages = work()
    started = time.perf_counter()
    sent = asyncio.run(_bare(port, messages, concurrency))
    elapsed = time.perf_counter() - started
    if sent != count:
        raise SystemExit(f"the bare loop sent {sent} of {count}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=10, help="as delivery_concurrency")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    port = free_port()
    context = multiprocessing.get_context("spawn")
    count = context.Value("q", 0)
    ready, stop = context.Event(), context.Event()
    server = context.Process(target=_serve, args=(port, count, ready, stop), daemon=True)
    server.start()
    if not ready.wait(30):
        raise SystemExit("the SMTP server did not start")

    n = args.messages
    stored = list(rows(n))
    size = len(build(stored[0]).as_bytes())
    contestants: dict[str, Callable[[], float]] = {
        "dondoc": lambda: run_dondoc(port, n, args.concurrency, args.batch, None),
        "dondoc-1p": lambda: run_dondoc(port, n, args.concurrency, args.batch, 0),
        "bare": lambda: run_bare(port, lambda: map(build, stored), n, args.concurrency),
        "prebuilt": lambda: run_bare(port, lambda: [build(r) for r in stored], n, args.concurrency),
    }
    rates: dict[str, list[float]] = {name: [] for name in contestants}
    try:
        for repeat in range(1, args.repeats + 1):
            for name, run in contestants.items():
                before = count.value
                elapsed = run()
                received = count.value - before
                if received != args.messages:
                    raise SystemExit(f"{name}: the server received {received} of {args.messages}")
                rates[name].append(args.messages / elapsed)
                print(f"run {repeat} {name:>9}: {rates[name][-1]:6.1f} msg/s ({elapsed:.2f} s)")
    finally:
        stop.set()
        server.join(10)

    median = {name: statistics.median(r) for name, r in rates.items()}
    print(
        f"\n{args.messages} messages of {size / 1024:.1f} KiB, concurrency {args.concurrency},"
        f" batch {args.batch}, {args.repeats} runs each, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}"
    )
    for name in contestants:
        to_bare, to_prebuilt = median[name] / median["bare"], median[name] / median["prebuilt"]
        print(
            f"median {name:>9}: {median[name]:6.1f} msg/s  ({to_bare:.0%} of bare,"
            f" {to_prebuilt:.0%} of prebuilt)"
        )


if __name__ == "__main__":
    main()
