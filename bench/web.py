"""How fast the web app answers its two busiest pages, on SQLite and PostgreSQL.

    python bench/web.py --backend both --rate 200 --seconds 20

For each backend it builds one database (migrated by `App.migrate()`, filled through the
import service): 50 units with a head each, 100 directives of 50 tasks (5,000 open
tasks, 100 per unit, deadlines spread over four months around the instant measured), and
on the task measured five progress reports through the web's own service (a history of
seven rows). It then serves the app as `dondoc web` does (uvicorn, one process, on
127.0.0.1, access log off) in a process of its own, and from this process, for each of
the two pages —

- the task page: `/task/{id}/{token}` (the six clears, the deadlines, the history, the
  unit's forms with their CSRF tokens);
- the unit page: `/unit/{code}/{token}` (the unit's 100 open tasks, most urgent first,
  each with a freshly signed link) —

runs two loads over keep-alive HTTP/1.1 connections. The task page is measured twice:
"task", by one link (after the first request, the page as rendered is served while its
task is unchanged: `engine.web.speed.PageCache`), and "task*", by 10,000 different links
to it (each request renders the page afresh: the cost of a first visit).

1. open loop at `--rate` requests per second for `--seconds` (requests start on a fixed
   schedule whether or not the earlier ones have answered; each latency is counted from
   the instant the request was due, so a server that falls behind is charged for the
   wait): the p50, p90, p99 and max latency, and the rate achieved;
2. closed loop, `--concurrency` clients each sending its next request as soon as the
   last one answered, for `--seconds`: the most requests per second the server gives.

Every answer must be 200 and carry the page's title; anything else is counted as an
error and printed. The load average before and after each run is printed, as the machine
is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.bootstrap import bootstrap
from engine.clock import FixedClock
from engine.links import Links, Purpose, Signer, link_secret, task_version
from engine.services import answers, imports
from engine.settings import Settings

PG_ADMIN_URL = os.environ.get("DONDOC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
HOST = "127.0.0.1"
NOW = datetime(2025, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
SECRET = "bench-web-" + "k" * 40
UNITS, DIRECTIVES, TASKS_PER_DIRECTIVE = 50, 100, 50


@dataclass(frozen=True)
class Load:
    page: str
    kind: str  # "open" or "closed"
    sent: int
    errors: int
    seconds: float
    latencies: list[float]  # seconds

    def line(self) -> str:
        ms = sorted(x * 1000 for x in self.latencies) or [0.0]

        def q(p: float) -> float:
            return ms[min(len(ms) - 1, int(p * len(ms)))]

        rate = len(self.latencies) / self.seconds if self.seconds else 0.0
        return (
            f"{self.page:5} {self.kind:6} {rate:7.1f} req/s  p50 {q(0.50):6.1f} ms  "
            f"p90 {q(0.90):6.1f} ms  p99 {q(0.99):6.1f} ms  max {ms[-1]:6.1f} ms  "
            f"errors {self.errors}/{self.sent}"
        )


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


@contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench-web.db'}"
        return
    import psycopg

    name = f"bench_web_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settings_env(url: str, folder: Path) -> dict[str, str]:
    return {
        "DONDOC_DATABASE_URL": url,
        "DONDOC_SECRET_KEY": SECRET,
        "DONDOC_PUBLIC_URL": "http://bench.invalid",
        "DONDOC_SIMULATED_NOW": NOW.isoformat(),
        "DONDOC_UPLOAD_DIR": str(folder / "uploads"),
        "DONDOC_COORDINATOR_EMAIL": "theodoi@example.vn",
    }


def fill(url: str, folder: Path) -> dict[str, list[str]]:
    """The database's units and tasks; the paths of each page measured: the task page by
    one link, the same task page by 10,000 links (each signed a second apart, so that no
    request finds the page already rendered for its link), the unit page."""
    settings = Settings(
        _env_file=None, **{k[7:].lower(): v for k, v in settings_env(url, folder).items()}
    )  # type: ignore[arg-type]
    application = bootstrap(settings, clock=FixedClock(NOW))
    application.migrate()
    deps = application.deps()
    units = [
        {
            "code": f"U{n:02d}",
            "name_vi": f"Vụ số {n}",
            "head": {"name": f"Trưởng {n}", "title": "Vụ trưởng", "email": f"u{n:02d}@example.vn"},
        }
        for n in range(1, UNITS + 1)
    ]
    (folder / "units.yaml").write_text(yaml.safe_dump({"units": units}, allow_unicode=True))
    first = date(2025, 11, 3)
    directives = []
    for d in range(DIRECTIVES):
        tasks = [
            {
                "title": f"Nhiệm vụ {d * TASKS_PER_DIRECTIVE + t + 1}: xây dựng, trình đề án",
                "lead_unit": f"U{(d * TASKS_PER_DIRECTIVE + t) % UNITS + 1:02d}",
                "deadline": (first + timedelta(days=(d * 7 + t * 3) % 120)).isoformat(),
                "deliverable": "Đề án trình cấp có thẩm quyền",
                "authority": "Chủ nhiệm Văn phòng",
            }
            for t in range(TASKS_PER_DIRECTIVE)
        ]
        directives.append(
            {
                "reference": f"{d + 1}/TB-VPCTN",
                "title": "Thông báo kết luận",
                "issuer": "Chủ tịch nước",
                "issued_on": "2025-10-31",
                "tasks": tasks,
            }
        )
    (folder / "directives.yaml").write_text(
        yaml.safe_dump({"directives": directives}, allow_unicode=True)
    )
    at = datetime(2025, 11, 1, 9, 0, tzinfo=NOW.tzinfo)
    with deps.session() as session:
        imports.import_units(session, folder / "units.yaml", at)
        imports.import_directives(session, folder / "directives.yaml", deps.calendar, at, "cv")
    task_id = 1
    with deps.session() as session:
        for n in range(5):
            answers.report_progress(
                session,
                task_id,
                percent=10 * (n + 1),
                note=f"Báo cáo tiến độ lần {n + 1}",
                at=at + timedelta(days=n + 1),
                actor="u01@example.vn",
                payload={"via": "web", "purpose": "act"},
            )
        status = answers.tasks.get_task(session, task_id).status
    version = task_version("U01", status)
    links = Links("", Signer(link_secret(settings), 30, lambda: NOW))
    task_path = links.task(task_id, "u01@example.vn", version, Purpose.ACT)
    unit_path = links.unit("U01", "u01@example.vn")
    cold = []
    for n in range(10_000):
        at = NOW - timedelta(seconds=n)
        signer = Signer(link_secret(settings), 30, lambda at=at: at)
        cold.append(Links("", signer).task(task_id, "u01@example.vn", version, Purpose.ACT))
    application.engine.dispose()
    return {"task": [task_path], "task*": cold, "unit": [unit_path]}


@contextmanager
def served(url: str, folder: Path, port: int) -> Iterator[None]:
    env = os.environ | settings_env(url, folder)
    code = (
        "from engine.bootstrap import bootstrap\n"
        "from engine.web.server import serve\n"
        f"serve(bootstrap(), {HOST!r}, {port})\n"
    )
    server = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://{HOST}:{port}/web.css", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the web app did not start") from None
                time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(20)


class Connection:
    """One keep-alive HTTP/1.1 connection, as lean as a client can be (the server is
    measured, not the client: both share the machine)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection(HOST, port))

    async def get(self, path: str) -> tuple[int, bytes]:
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
        return int(head[9:12]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


def _ok(status: int, body: bytes) -> bool:
    return status == 200 and b"</title>" in body


async def open_loop(port: int, paths: list[str], rate: float, seconds: float, page: str) -> Load:
    latencies: list[float] = []
    errors = 0
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(32):
        pool.put_nowait(await Connection.open(port))

    async def one(due: float, path: str) -> None:
        nonlocal errors
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        connection = await pool.get()
        try:
            status, body = await connection.get(path)
            if _ok(status, body):
                latencies.append(time.perf_counter() - due)
            else:
                errors += 1
        except (OSError, asyncio.IncompleteReadError):
            errors += 1
            connection = await Connection.open(port)
        pool.put_nowait(connection)

    total = int(rate * seconds)
    start = time.perf_counter() + 0.5
    await asyncio.gather(*(one(start + i / rate, paths[i % len(paths)]) for i in range(total)))
    elapsed = time.perf_counter() - start
    while not pool.empty():
        pool.get_nowait().close()
    return Load(page, "open", total, errors, elapsed, latencies)


async def closed_loop(port: int, paths: list[str], clients: int, seconds: float, page: str) -> Load:
    latencies: list[float] = []
    errors = sent = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors, sent
        connection = await Connection.open(port)
        while time.perf_counter() < stop:
            began = time.perf_counter()
            sent += 1
            try:
                status, body = await connection.get(paths[sent % len(paths)])
            except (OSError, asyncio.IncompleteReadError):
                errors += 1
                connection = await Connection.open(port)
                continue
            if _ok(status, body):
                latencies.append(time.perf_counter() - began)
            else:
                errors += 1
        connection.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - start
    return Load(page, "closed", sent, errors, elapsed, latencies)


def bench(backend: str, args: argparse.Namespace) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="bench-web-") as tmp,
        database(backend, Path(tmp)) as url,
    ):
        folder = Path(tmp)
        started = time.perf_counter()
        pages = fill(url, folder)
        filled = time.perf_counter() - started
        print(
            f"\n== {backend}: {DIRECTIVES * TASKS_PER_DIRECTIVE:,} tasks filled in {filled:.1f} s"
        )
        port = free_port()
        base = f"http://{HOST}:{port}"
        with served(url, folder, port):
            for page, paths in pages.items():
                path = paths[0]
                warm = httpx.get(base + path, timeout=10)
                assert _ok(warm.status_code, warm.content), (warm.status_code, warm.text[:300])
                print(f"   {page} page: {len(warm.content):,} bytes")
                for _ in range(args.repeat):
                    before = load_average()
                    result = asyncio.run(open_loop(port, paths, args.rate, args.seconds, page))
                    print(f"   {result.line()}   load {before} -> {load_average()}")
                before = load_average()
                result = asyncio.run(closed_loop(port, paths, args.concurrency, args.seconds, page))
                print(f"   {result.line()}   load {before} -> {load_average()}")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rate", type=float, default=200.0, help="open loop: requests/s")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=2, help="open-loop runs per page")
    parser.add_argument("--concurrency", type=int, default=8, help="closed loop: clients")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {load_average()}")
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        bench(backend, args)


if __name__ == "__main__":
    main()
