"""How long the monthly review takes over a big office's year, on SQLite and PostgreSQL.

    python bench/report.py --backend both --tasks 100000 --events 1000000 --repeat 3

For each backend it builds one database (migrated by `App.migrate()`, then filled with
bulk inserts: SQLite `executemany` on the raw connection, PostgreSQL `COPY`): 40 units,
2,000 directives, N tasks created from January 2025 to mid-January 2026 (deadline 10-90
days after creation, 8 % ongoing duties without one) and exactly E events. Each task's
life, in time order: assigned; in progress; some rounds of submitted / returned /
in progress (spread so the events add up to exactly E); for 20 % an extension requested
and approved (new deadline 10-40 days later); for a task past its deadline, escalations
at levels 1-3 (events from a state to itself, as the sweep records them); then 70 %
completed (submitted, completed: a quarter of them late), 5 % cancelled, the rest open.
Some events fall after December, so the cut-off has work to do. PostgreSQL then gets
`VACUUM ANALYZE`.

Each repeat times, for the review of 12/2025 (the state at the end of December and the
trend of six months, from the log):

1. read:      the three set-based queries of `read_review_log` (engine/store/review_reads.py:
              each task in one of the six books, with its first assignment and extension
              requests (the database leaves out those whose log ended before the trend
              began); each task's last event in each span between the six cut-offs, a
              window over the log on its `task_event (task_id, at)` index; the extension
              approvals and escalations);
2. aggregate: `engine.domain.review.review` over what was read (pure Python);
3. html, pdf, xlsx: the three documents, one after the other: the HTML and the PDF from
              it (WeasyPrint) in this process; the annex's cells here (`annex_sheets`) and
              its file (`write_xlsx`, XlsxWriter) in a worker process, as the command
              writes it (the time includes handing the cells over);
4. total:     `make_monthly_report(…, mail=False)` end to end, files written (one more
              read and aggregation, as the command does it, then the PDF and the annex
              made in two worker processes at once, so total < the sum of the steps).

Nothing is tuned around the timings: the garbage collector runs as it always does, and
the review is read and aggregated in one process (only the documents are made in
workers).

With `--profile`, one more review (`make_monthly_report`) runs under cProfile after the
repeats, and the functions taking the most time, cumulative and own, are printed (this
process only: the documents' workers show as the wait for their results).

The mail is left out of the timings (it base64-encodes the two files once and inserts
two outbox rows); the same data make every repeat, so medians are over identical work.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.bootstrap import bootstrap
from engine.clock import FixedClock
from engine.domain.review import TREND_MONTHS, Month, cutoffs, review
from engine.report.document import ReportInput, render_html, render_pdf
from engine.report.excel import annex_sheets, write_xlsx
from engine.services.deps import Deps
from engine.services.review import DOCUMENT_MODULES, make_monthly_report, unit_names
from engine.settings import Settings
from engine.store.review_reads import read_review_log
from engine.workers import start_pool, stop_pool
from tests.pg import throwaway_database

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MONTH = Month(2025, 12)
NOW = datetime(2026, 1, 20, 9, 0, tzinfo=HANOI)
START = datetime(2025, 1, 2, 8, 0, tzinfo=HANOI)
END = datetime(2026, 1, 15, 17, 0, tzinfo=HANOI)
PG_ADMIN_URL = os.environ.get("DONDOC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
UNITS = 40
DIRECTIVES = 2000
SEED = 20251231
TITLES = (
    "Xây dựng dự thảo Chương trình công tác năm 2026 của {u}",
    "Tổng hợp báo cáo tình hình thực hiện các kết luận của Chủ tịch nước tại {u}",
    "Rà soát, đề xuất sửa đổi quy chế làm việc liên quan đến {u}",
    "Chuẩn bị nội dung phục vụ buổi làm việc của Chủ tịch nước với {u}",
    "Báo cáo kết quả triển khai chuyển đổi số trong hoạt động của {u}",
)


# -- the data ---------------------------------------------------------------------------


def _lives(rng: random.Random, tasks: int, events: int) -> Iterator[dict[str, Any]]:
    """Each task with its events (time order), the rounds spread to make exactly `events`."""
    span = (END - START).total_seconds()
    plans = []
    base = 0
    for task_id in range(1, tasks + 1):
        created = START + timedelta(seconds=rng.random() * span)
        ongoing = rng.random() < 0.08
        deadline = None if ongoing else created.date() + timedelta(days=rng.randint(10, 90))
        extend = deadline is not None and rng.random() < 0.2
        roll = rng.random()
        end = "completed" if roll < 0.7 else "cancelled" if roll < 0.75 else "open"
        count = (
            2 + (2 if extend else 0) + (2 if end == "completed" else 1 if end == "cancelled" else 0)
        )
        plans.append([task_id, created, deadline, extend, end, count, 0])
        base += count
    extra = events - base
    if extra < 0:
        raise SystemExit(f"{events} events are too few for {tasks} tasks (need {base})")
    rounds, rest = divmod(extra, 3)
    for i in range(rounds):  # rounds of submitted / returned / in progress, evenly
        plans[i % tasks][6] += 1
    for plan in plans:
        yield _life(rng, *plan, escalations=0)
    for i in range(rest):  # the last one or two: escalations recorded on open tasks
        yield {"extra": _escalation(plans[i][0], plans[i][1] + timedelta(days=200), i + 1)}


def _escalation(task_id: int, at: datetime, level: int) -> dict[str, Any]:
    return {
        "task_id": task_id, "at": at, "from_status": "in_progress", "to_status": "in_progress",
        "payload": {"escalation_level": level, "working_days_overdue": 3 * level},
    }  # fmt: skip


def _life(
    rng: random.Random,
    task_id: int,
    created: datetime,
    deadline: date | None,
    extend: bool,
    end: str,
    _count: int,
    rounds: int,
    escalations: int,
) -> dict[str, Any]:
    at = created
    out: list[dict[str, Any]] = []

    def add(frm: str | None, to: str, payload: dict[str, Any] | None = None) -> None:
        out.append(
            {"task_id": task_id, "at": at, "from_status": frm, "to_status": to,
             "payload": payload or {}}
        )  # fmt: skip

    def step(days: float) -> datetime:
        return at + timedelta(days=days * rng.random() + 0.01)

    add(None, "assigned", {"deadline": deadline.isoformat() if deadline else None})
    at = step(3)
    add("assigned", "in_progress")
    for _ in range(rounds):
        at = step(6)
        add("in_progress", "submitted")
        at = step(2)
        add("submitted", "returned")
        at = step(1)
        add("returned", "in_progress")
    if extend and deadline is not None:
        at = step(8)
        add("in_progress", "extension_requested", {"requested_until": None})
        new = deadline + timedelta(days=rng.randint(10, 40))
        add("extension_requested", "in_progress",
            {"decision": "approved", "old_deadline": deadline.isoformat(),
             "new_deadline": new.isoformat()})  # fmt: skip
        deadline = new
    if end == "completed":
        late = rng.random() < 0.25
        due = datetime.combine(deadline, datetime.min.time(), HANOI) if deadline else at
        finish = (
            due + timedelta(days=rng.uniform(1, 20))
            if late
            else max(at, due - timedelta(days=rng.uniform(0, 8)))
        )
        at = max(at, finish - timedelta(hours=2))
        add("in_progress", "submitted")
        at = max(at + timedelta(minutes=5), finish)
        add("submitted", "completed")
    elif end == "cancelled":
        at = step(20)
        add("in_progress", "cancelled")
    return {"task_id": task_id, "created": created, "deadline": deadline, "events": out,
            "status": out[-1]["to_status"], "completed_at": at if end == "completed" else None}  # fmt: skip


def build(app: Deps, tasks: int, events: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    now = START.astimezone(UTC)
    raw = app.engine.raw_connection()
    postgres = app.engine.dialect.name == "postgresql"
    try:
        cursor = raw.cursor()
        units = [
            (f"U{i:02d}", f"Vụ số {i:02d}", f"Department {i:02d}") for i in range(1, UNITS + 1)
        ]
        _rows(cursor, postgres, "unit", ("code", "name_vi", "name_en", "head_name", "head_title",
              "head_email", "deputies", "active", "language", "aliases", "updated_at"),
              [(c, vi, en, f"Trưởng {c}", "Vụ trưởng", f"{c.lower()}@example.vn", "[]", True,
                "vi", "[]", now) for c, vi, en in units])  # fmt: skip
        _rows(cursor, postgres, "directive", ("id", "reference", "title", "issuer", "issued_on",
              "meeting", "text", "priority", "created_at", "created_by"),
              [(i, f"{i}/TB-VPCTN", f"Thông báo kết luận số {i}", "Chủ tịch nước", START.date(),
                "", "", "normal", now, "bench") for i in range(1, DIRECTIVES + 1)])  # fmt: skip
        task_rows: list[tuple[Any, ...]] = []
        event_rows: list[tuple[Any, ...]] = []
        for life in _lives(rng, tasks, events):
            if "extra" in life:
                e = life["extra"]
                event_rows.append(_event(e, postgres))
                continue
            unit = units[life["task_id"] % UNITS][0]
            original = life["events"][0]["payload"]["deadline"]
            task_rows.append((
                life["task_id"], 1 + life["task_id"] % DIRECTIVES, str(1 + life["task_id"] % 9),
                TITLES[life["task_id"] % len(TITLES)].format(u=f"Vụ số {unit[1:]}"), "", unit,
                f"Chuyên viên {life['task_id'] % 97}", life["deadline"],
                date.fromisoformat(original) if original else None,
                None if original else "ongoing", "", "", "", life["status"], "[]",
                life["completed_at"], life["created"], life["created"], 0, 0,
            ))  # fmt: skip
            event_rows.extend(_event(e, postgres) for e in life["events"])
        _rows(cursor, postgres, "task", ("id", "directive_id", "number", "title", "description",
              "lead_unit", "owner", "deadline", "original_deadline", "recurrence", "deliverable",
              "authority", "source_quote", "status", "missing", "completed_at", "created_at",
              "updated_at", "escalation_level", "period"), task_rows)  # fmt: skip
        _rows(cursor, postgres, "task_event", ("task_id", "at", "actor", "from_status",
              "to_status", "reason", "payload"), event_rows)  # fmt: skip
        raw.commit()
    finally:
        raw.close()
    if postgres:
        with app.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
    return {"tasks": len(task_rows), "events": len(event_rows)}


def _event(e: dict[str, Any], postgres: bool) -> tuple[Any, ...]:
    import json

    at = e["at"].astimezone(UTC)
    return (e["task_id"], at if postgres else at.replace(tzinfo=None).isoformat(sep=" "),
            "bench", e["from_status"], e["to_status"], "", json.dumps(e["payload"]))  # fmt: skip


def _rows(
    cursor: Any, postgres: bool, table: str, columns: tuple[str, ...], rows: list[Any]
) -> None:
    names = ", ".join(columns)
    if postgres:
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        if isinstance(value, date):
            return value.isoformat()
        return value

    cursor.executemany(
        f"INSERT INTO {table} ({names}) VALUES ({marks})",
        ([plain(v) for v in row] for row in rows),
    )


# -- the backends -----------------------------------------------------------------------


def make_app(url: str) -> Deps:
    settings = Settings(database_url=url, _env_file=None, lang="vi")  # type: ignore[call-arg]
    app = bootstrap(settings, clock=FixedClock(NOW))
    app.migrate()
    return app.deps()


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="dondoc-bench-"))
        try:
            yield f"sqlite:///{folder / 'bench.db'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    with throwaway_database(PG_ADMIN_URL, prefix="dondoc_bench") as url:
        yield url


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - started, value


def bench(backend: str, args: argparse.Namespace) -> dict[str, list[float]]:
    print(f"\n== {backend} ==", flush=True)
    with database(backend) as url:
        app = make_app(url)
        seconds, counts = timed(build, app, args.tasks, args.events, SEED)
        print(f"built {counts['tasks']:,} tasks and {counts['events']:,} events in {seconds:.1f} s",
              flush=True)  # fmt: skip
        calendar = app.calendar
        instants = cutoffs(MONTH, calendar)
        phases: dict[str, list[float]] = {}
        out = Path(tempfile.mkdtemp(prefix="dondoc-report-"))
        worker = start_pool(1, preload=DOCUMENT_MODULES)  # the command's start, once

        def annex(data: ReportInput) -> bytes:
            sheets = annex_sheets(data)
            return (
                write_xlsx(sheets) if worker is None else worker.submit(write_xlsx, sheets).result()
            )

        if worker is not None:
            worker.submit(write_xlsx, []).result()
        try:
            for repeat in range(args.repeat):
                with app.session() as session:
                    t_read, log = timed(read_review_log, session, instants, MONTH.start(calendar),
                                        MONTH.back(TREND_MONTHS - 1).start(calendar))  # fmt: skip
                    names = unit_names(session, "vi")
                t_agg, r = timed(review, log, MONTH, calendar)
                read = (len(log.tasks), len(log.steps), len(log.marks))
                del log  # as the command does, which keeps only the review
                data = ReportInput(r, "Văn phòng Chủ tịch nước", "vi", NOW, names)
                t_html, html = timed(render_html, data)
                t_pdf, pdf = timed(render_pdf, html)
                t_xlsx, xlsx = timed(annex, data)
                t_total, made = timed(
                    make_monthly_report, app, MONTH.iso, lang="vi", out_dir=out, mail=False
                )
                assert made.review == r
                for name, value in (("read", t_read), ("aggregate", t_agg), ("html", t_html),
                                    ("pdf", t_pdf), ("xlsx", t_xlsx), ("total", t_total)):  # fmt: skip
                    phases.setdefault(name, []).append(value)
                print(
                    f"  repeat {repeat + 1}: read {t_read:.2f} s, aggregate {t_agg:.2f}, "
                    f"html {t_html:.2f}, pdf {t_pdf:.2f}, xlsx {t_xlsx:.2f}, "
                    f"total {t_total:.2f}",
                    flush=True,
                )
            print(
                f"  rows read: {read[0]:,} tasks, {read[1]:,} steps, {read[2]:,} marks; "
                f"December's book "
                f"{r.total.total:,} tasks (on time {r.total.completed_on_time:,}, late "
                f"{r.total.completed_late:,}, within {r.total.in_progress_within_deadline:,}, "
                f"overdue {r.total.in_progress_overdue:,}, ongoing {r.total.ongoing:,}); "
                f"PDF {len(pdf) / 1024:.0f} KiB, xlsx {len(xlsx) / 1024 / 1024:.1f} MiB"
            )
            if args.profile:
                profile(app, out, args.profile)
        finally:
            if worker is not None:
                stop_pool(worker)
            shutil.rmtree(out, ignore_errors=True)
            app.engine.dispose()
    for name, values in phases.items():
        print(f"  {name:10} median {statistics.median(values):6.2f} s   "
              f"min {min(values):6.2f}   max {max(values):6.2f}")  # fmt: skip
    return phases


def profile(app: Deps, out: Path, top: int) -> None:
    """One more review under cProfile: the `top` functions by cumulative, then own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    make_monthly_report(app, MONTH.iso, lang="vi", out_dir=out, mail=False)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(order).print_stats(top)
        print(f"\n  -- profile of one review, by {order} time --")
        print(text.getvalue().split("\n\n", 1)[-1].rstrip(), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--profile", type=int, nargs="?", const=30, default=0, metavar="TOP",
        help="after the repeats, profile one review and print its TOP functions (30)",
    )  # fmt: skip
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; {args.tasks:,} tasks, {args.events:,} events, "
          f"review of {MONTH.label}, {args.repeat} repeats")  # fmt: skip
    results = {}
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        results[backend] = bench(backend, args)
    if "postgresql" in results:
        total = statistics.median(results["postgresql"]["total"])
        verdict = "met" if total < 10 else "NOT met"
        print(f"\ntarget < 10 s on PostgreSQL (total, median): {total:.2f} s — {verdict}")


if __name__ == "__main__":
    main()
