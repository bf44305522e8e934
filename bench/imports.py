"""How long `dondoc directive import` and `dondoc units import` take on large files, and
how much memory they need.

    python bench/imports.py --rows 10000 100000 --units 10000 100000 --repeat 3
                            [--backend sqlite|postgresql|both] [--format xlsx json]
                            [--tree DIR [--tree DIR2]] [--phases] [--profile]

1. Files, in a temp folder. For each N of `--rows`, the same directives as an `.xlsx` sheet
   (XlsxWriter, shared strings, as Excel writes them) and as `.json`. Directives have 1-19
   tasks (10 on average), so N rows are about N/10 directives; their first row holds the
   directive's columns (the issue date a date cell), and one directive in ten repeats its
   issue date as text on every later row. Tasks: 70 % a date deadline, 15 % N working
   days, 15 % recurring (monthly, quarterly, ongoing); 0-2 coordinating units; one in
   twenty has no deliverable, so it is stored as a draft and the command lists it. They
   name the 57 units of a small directory (a root, 8 departments, 48 sections). For each
   N of `--units`, a units CSV of N units (a tree, ten under each, every unit with a head,
   one in three with a deputy). A file over the size limit (limits.MAX_FILE_MB) is left
   out with a note, as dondoc would refuse it. (Directives come as YAML, JSON or XLSX
   only; a CSV of directives is refused, so the CSV measured is the units file.)
2. Databases. Per backend, `dondoc init` makes an empty base, and `dondoc units import`
   of the small directory a second one. Each repeat runs on a fresh copy of its base
   (SQLite: a file copy; PostgreSQL: CREATE DATABASE … TEMPLATE), dropped afterwards.
3. One import = one child process running the real command, `python -m engine directive
   import FILE` (or `units import`), with DONDOC_DATABASE_URL set: the wall time is the
   whole command, start-up included, and the peak memory is the child's ru_maxrss, read
   by a small launcher (LAUNCHER, below). The rows stored are then counted and checked
   against the file.
   `--phases` runs the command in-process in a child of this script instead, to time
   reading, validating and storing apart; `--profile` prints a cProfile of one import.

`--tree DIR` runs the commands from another checkout (PYTHONPATH=DIR), e.g. the code before
a change: `git worktree add ../dondoc-old HEAD`, then `--tree ../dondoc-old --tree .`.
Given several trees, each repeat runs them in turn (ABAB…), so that a busy machine weighs
on each alike; the folder names label the results. This script imports nothing of the
engine, so it measures any tree.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("DONDOC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SIMULATED_NOW = "2025-12-01T09:00:00+07:00"
MAX_FILE_BYTES = 20 * 1024 * 1024  # engine.intake.limits.MAX_FILE_BYTES
SEED = 20251201

SHEET = "Nhiệm vụ"
COLUMNS = (
    "reference", "title", "issuer", "issued_on", "meeting", "priority", "number", "title_task",
    "description", "lead_unit", "owner", "coordinating_units", "deadline",
    "deadline_working_days", "recurrence", "deliverable", "authority", "source_quote",
)  # fmt: skip
UNIT_COLUMNS = (
    "code", "name_vi", "name_en", "head_name", "head_title", "head_email", "deputies",
    "parent", "active", "language", "aliases",
)  # fmt: skip
DESCRIPTION = (
    "Đơn vị chủ trì phối hợp với các đơn vị liên quan nghiên cứu, tổng hợp, xây dựng dự thảo "
    "và báo cáo Lãnh đạo Văn phòng trước khi trình Chủ tịch nước xem xét, quyết định."
)
TITLES = (
    "Xây dựng dự thảo Chương trình công tác năm 2026 của {u}",
    "Tổng hợp báo cáo tình hình thực hiện các kết luận của Chủ tịch nước tại {u}",
    "Rà soát, đề xuất sửa đổi quy chế làm việc liên quan đến {u}",
    "Chuẩn bị nội dung phục vụ buổi làm việc của Chủ tịch nước với {u}",
    "Báo cáo kết quả triển khai chuyển đổi số trong hoạt động của {u}",
)


# -- the files -------------------------------------------------------------------------------


def directory() -> list[tuple[str, str, str | None]]:
    """(code, name, parent) of the 57 units the directives name."""
    units: list[tuple[str, str, str | None]] = [("VP", "Văn phòng Chủ tịch nước", None)]
    for d in range(1, 9):
        units.append((f"V{d}", f"Vụ {d}", "VP"))
        units += [(f"V{d}P{s}", f"Phòng {s} thuộc Vụ {d}", f"V{d}") for s in range(1, 7)]
    return units


def write_units_csv(path: Path, units: list[tuple[str, str, str | None]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(UNIT_COLUMNS)
        for n, (code, name, parent) in enumerate(units):
            email = f"{code.lower()}@vpctn.example.vn"
            deputy = f"Phó {code} <pho.{code.lower()}@vpctn.example.vn>" if n % 3 == 0 else ""
            writer.writerow(
                [code, name, f"Unit {code}", f"Nguyễn Văn {code}", "Trưởng", email, deputy,
                 parent or "", "true", "vi", f"ĐV {code}"]
            )  # fmt: skip


def unit_tree(count: int) -> list[tuple[str, str, str | None]]:
    """`count` units, ten under each: DV000000 is the root."""
    return [
        (f"DV{i:06d}", f"Đơn vị số {i}", f"DV{(i - 1) // 10:06d}" if i else None)
        for i in range(count)
    ]


def directives(rows: int, seed: int) -> list[dict[str, Any]]:
    """Directives with `rows` tasks in all, each task a dict of the sheet's keys."""
    rng = random.Random(seed)
    codes = [code for code, _, _ in directory()]
    out: list[dict[str, Any]] = []
    left = rows
    while left:
        n = len(out) + 1
        issued = date(2025, 6, 2) + timedelta(days=rng.randrange(150))
        tasks = []
        for number in range(1, min(left, rng.randint(1, 19)) + 1):
            lead = rng.choice(codes)
            task: dict[str, Any] = {
                "number": str(number),
                "title_task": rng.choice(TITLES).format(u=lead),
                "lead_unit": lead,
                "authority": "Chủ nhiệm Văn phòng Chủ tịch nước",
            }
            if rng.random() < 0.5:
                task["description"] = DESCRIPTION
            if rng.random() < 0.6:
                task["owner"] = f"Chuyên viên {rng.randint(1, 400)}"
            others = rng.sample([c for c in codes if c != lead], rng.choice([0, 0, 1, 1, 2]))
            if others:
                task["coordinating_units"] = "; ".join(others)
            kind = rng.random()
            if kind < 0.70:
                task["deadline"] = issued + timedelta(days=rng.randint(5, 90))
            elif kind < 0.85:
                task["deadline_working_days"] = rng.randint(5, 30)
            else:
                task["recurrence"] = rng.choice(["monthly", "quarterly", "ongoing"])
            if rng.random() >= 0.05:
                task["deliverable"] = "Báo cáo bằng văn bản"
            task["source_quote"] = task["title_task"]
            tasks.append(task)
        out.append(
            {
                "reference": f"{n}/TB-VPCTN",
                "title": f"Thông báo kết luận của Chủ tịch nước tại cuộc họp giao ban số {n}",
                "issuer": "Chủ tịch nước",
                "issued_on": issued,
                "meeting": f"Họp giao ban Văn phòng Chủ tịch nước, phiên số {n}",
                "priority": rng.choices(["normal", "high", "urgent"], [80, 15, 5])[0],
                "repeat_date": rng.random() < 0.1,
                "tasks": tasks,
            }
        )
        left -= len(tasks)
    return out


def write_xlsx(path: Path, records: list[dict[str, Any]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet(SHEET)
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, COLUMNS)
    row = 1
    for record in records:
        for index, task in enumerate(record["tasks"]):
            cells: dict[str, Any] = dict(task)
            if index == 0:
                cells |= {k: record[k] for k in COLUMNS[:6]}
            else:
                cells["reference"] = record["reference"]
                if record["repeat_date"]:
                    cells["issued_on"] = f"{record['issued_on']:%d/%m/%Y}"
            for column, key in enumerate(COLUMNS):
                value = cells.get(key)
                if isinstance(value, date):
                    sheet.write_datetime(row, column, value, day)
                elif value is not None:
                    sheet.write(row, column, value)
            row += 1
    book.close()


def write_json(path: Path, records: list[dict[str, Any]]) -> None:
    def task(cells: dict[str, Any]) -> dict[str, Any]:
        out = {("title" if k == "title_task" else k): v for k, v in cells.items()}
        if "deadline" in out:
            out["deadline"] = f"{out['deadline']:%d/%m/%Y}"
        return out

    body = [
        {k: record[k] for k in COLUMNS[:6]}
        | {"issued_on": f"{record['issued_on']:%d/%m/%Y}"}
        | {"tasks": [task(t) for t in record["tasks"]]}
        for record in records
    ]
    path.write_text(json.dumps({"directives": body}, ensure_ascii=False), encoding="utf-8")


@dataclass(frozen=True)
class Counts:
    """Rows a file should leave in the database (beyond its base)."""

    units: int = 0
    directives: int = 0
    tasks: int = 0
    coordinators: int = 0
    drafts: int = 0


def counts_of(records: list[dict[str, Any]]) -> Counts:
    tasks = [t for r in records for t in r["tasks"]]
    return Counts(
        directives=len(records),
        tasks=len(tasks),
        coordinators=sum(len(t["coordinating_units"].split(";")) for t in tasks if "coordinating_units" in t),
        drafts=sum("deliverable" not in t for t in tasks),
    )  # fmt: skip


@dataclass
class Job:
    """One file to import, how, into which base, and what it should store."""

    label: str  # "directives xlsx"
    rows: int
    path: Path
    command: tuple[str, ...]
    base: str  # "empty" or "directory"
    expect: Counts

    def __post_init__(self) -> None:
        self.size_mb = self.path.stat().st_size / 2**20


def make_jobs(folder: Path, args: argparse.Namespace) -> list[Job]:
    jobs: list[Job] = []
    for rows in args.rows:
        records = directives(rows, args.seed)
        for kind in args.format:
            path = folder / f"chi-dao-{rows}.{kind}"
            (write_xlsx if kind == "xlsx" else write_json)(path, records)
            label = f"directives {kind}"
            jobs.append(Job(label, rows, path, ("directive", "import"), "directory", counts_of(records)))  # fmt: skip
    for count in args.units:
        path = folder / f"don-vi-{count}.csv"
        write_units_csv(path, unit_tree(count))
        jobs.append(
            Job("units csv", count, path, ("units", "import"), "empty", Counts(units=count))
        )
    for job in jobs:
        if job.size_mb * 2**20 > MAX_FILE_BYTES:
            print(f"note: {job.path.name} is {job.size_mb:.1f} MB, over the 20 MB limit; left out")
    return [job for job in jobs if job.size_mb * 2**20 <= MAX_FILE_BYTES]


# -- databases -------------------------------------------------------------------------------


class SQLite:
    name = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def create(self) -> str:
        return f"sqlite:///{self.folder / f'db_{uuid.uuid4().hex[:8]}.db'}"

    def copy(self, base: str) -> str:
        url = self.create()
        shutil.copyfile(base.removeprefix("sqlite:///"), url.removeprefix("sqlite:///"))
        return url

    def drop(self, url: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        pass


class PostgreSQL:
    name = "postgresql"

    def __init__(self, admin_url: str) -> None:
        import psycopg

        self.psycopg = psycopg
        self.admin_url = admin_url
        self.prefix = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        self.created: list[str] = []

    def _admin(self, statement: str) -> None:
        with self.psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(statement)

    def create(self, template: str | None = None) -> str:
        name = f"dondoc_bench_import_{uuid.uuid4().hex[:10]}"
        self._admin(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        self.created.append(name)
        return f"{self.prefix}/{name}"

    def copy(self, base: str) -> str:
        url = self.create(template=base.rsplit("/", 1)[1])
        self._admin("CHECKPOINT")  # the copy's pages are not written out during the import
        return url

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.created.remove(name)

    def close(self) -> None:
        for name in list(self.created):
            self.drop(f"{self.prefix}/{name}")


def stored(url: str) -> Counts:
    """What the database holds; every task must have exactly one event."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:

            def number(query: str) -> int:
                return int(connection.execute(text(query)).scalar_one())

            events, tasks = (
                number("SELECT count(*) FROM task_event"),
                number("SELECT count(*) FROM task"),
            )
            if events != tasks:
                raise SystemExit(f"{events} events for {tasks} tasks")
            return Counts(
                number("SELECT count(*) FROM unit"),
                number("SELECT count(*) FROM directive"),
                tasks,
                number("SELECT count(*) FROM task_coordinator"),
                number("SELECT count(*) FROM task WHERE status = 'draft'"),
            )
    finally:
        engine.dispose()


# -- running a command -----------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_mb: float
    phases: dict[str, float] = field(default_factory=dict)


def child_env(tree: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")}
    return env | {
        "PYTHONPATH": str(tree),
        "DONDOC_DATABASE_URL": url,
        "DONDOC_SIMULATED_NOW": SIMULATED_NOW,
    }


#: runs a command and writes its wall time, exit code and peak RSS (KB) to the file argv[1].
#: A process started from this script would report this script's own peak as its ru_maxrss
#: (Linux copies the high-water mark on fork and keeps it across exec), and this script
#: holds the generated rows; this small launcher's children start from its few MB instead.
LAUNCHER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - started
code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": seconds, "code": code, "maxrss_kb": usage.ru_maxrss}, out)
"""


def dondoc(tree: Path, url: str, *args: str, phases: bool = False) -> Run:
    """`python -m engine ARGS…` from `tree` in a child process: its wall time and peak RSS.

    With `phases`, this script's --child runs the same command in-process and reports the
    time spent reading, validating and in the whole import service."""
    command = [sys.executable, *([__file__, "--child"] if phases else ["-m", "engine"]), *args]
    with tempfile.TemporaryDirectory() as folder:
        report, out, err = Path(folder, "report.json"), Path(folder, "out"), Path(folder, "err")
        with out.open("wb") as stdout, err.open("wb") as stderr:
            subprocess.run(
                [sys.executable, "-c", LAUNCHER, str(report), *command],
                env=child_env(tree, url),
                cwd=folder,
                stdout=stdout,
                stderr=stderr,
                check=True,
            )
        measured = json.loads(report.read_text())
        errors = err.read_text("utf-8", "replace")
    if measured["code"] != 0:
        raise SystemExit(f"{' '.join(args)} failed ({measured['code']}):\n{errors[-3000:]}")
    timings = json.loads(errors.strip().splitlines()[-1]) if phases else {}
    return Run(measured["seconds"], measured["maxrss_kb"] / 1024, timings)  # KB on Linux


def child(args: list[str], profile: bool) -> None:
    """Run `dondoc ARGS…` in this process, timing the import's steps (--phases)."""
    import cProfile
    import functools
    import pstats

    import engine.services.imports as imports
    from engine.cli import app

    timings: dict[str, float] = {}

    def timed(name: str, function: Any) -> Any:
        @functools.wraps(function)
        def wrapper(*a: Any, **k: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    steps = {
        "read": ("read_directives", "read_units"),
        "validate": ("validate_directives", "validate_units"),
        "service": ("import_directives", "import_units"),
    }
    for name, attributes in steps.items():
        for attribute in attributes:
            setattr(imports, attribute, timed(name, getattr(imports, attribute)))
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    try:
        app(args, prog_name="dondoc", standalone_mode=False)
    finally:
        if profiler:
            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
            stats.sort_stats("cumulative").print_stats(25)
            stats.sort_stats("tottime").print_stats(15)
    timings["command"] = time.perf_counter() - started
    timings["store"] = timings["service"] - timings["read"] - timings["validate"]
    print(json.dumps(timings), file=sys.stderr)


def profile_output(tree: Path, url: str, job: Job) -> str:
    command = [sys.executable, __file__, "--child", "--profile", *job.command, str(job.path)]
    done = subprocess.run(
        command, env=child_env(tree, url), capture_output=True, text=True, check=True
    )
    start = done.stdout.find("function calls")
    return f"cProfile of one {job.label} import of {job.rows:,} rows:\n" + done.stdout[start:]


# -- the bench -------------------------------------------------------------------------------


@dataclass
class Result:
    backend: str
    tree: str
    job: Job
    runs: list[Run] = field(default_factory=list)


def bench(
    backend: SQLite | PostgreSQL,
    trees: list[Path],
    jobs: list[Job],
    folder: Path,
    args: argparse.Namespace,
) -> list[Result]:
    """Each job `--repeat` times on each tree, the trees taking turns (ABAB…), so that
    each sees the machine as it is at that moment."""
    units = folder / "units.csv"
    write_units_csv(units, directory())
    bases: dict[Path, dict[str, str]] = {}
    for tree in trees:  # each tree's own migrations
        bases[tree] = {"empty": backend.create()}
        dondoc(tree, bases[tree]["empty"], "init")
        bases[tree]["directory"] = backend.copy(bases[tree]["empty"])
        dondoc(tree, bases[tree]["directory"], "units", "import", str(units))
    before = {name: stored(url) for name, url in bases[trees[0]].items()}
    results: list[Result] = []
    try:
        for job in jobs:
            by_tree = {tree: Result(backend.name, tree.name, job) for tree in trees}
            for n in range(1, args.repeat + 1):
                for tree in trees:
                    run = one_import(
                        backend, tree, bases[tree][job.base], job, before[job.base], args
                    )
                    by_tree[tree].runs.append(run)
                    steps = "  ".join(f"{k} {v:.2f}" for k, v in run.phases.items())
                    print(
                        f"  {backend.name:10} {tree.name:10} {job.label:15} {job.rows:>7,} repeat {n}: "
                        f"{run.seconds:7.2f} s  peak {run.peak_mb:5.0f} MB  load {os.getloadavg()[0]:.2f}  {steps}",
                        flush=True,
                    )
            results += by_tree.values()
            if args.profile:
                for tree in trees:
                    url = backend.copy(bases[tree][job.base])
                    try:
                        print(f"[{tree.name}] " + profile_output(tree, url, job))
                    finally:
                        backend.drop(url)
    finally:
        for urls in bases.values():
            for url in urls.values():
                backend.drop(url)
    return results


def one_import(
    backend: SQLite | PostgreSQL,
    tree: Path,
    base: str,
    job: Job,
    before: Counts,
    args: argparse.Namespace,
) -> Run:
    """One import into a fresh copy of `base`; what it stored must be what the file holds."""
    url = backend.copy(base)
    try:
        run = dondoc(tree, url, *job.command, str(job.path), phases=args.phases)
        after = stored(url)
    finally:
        backend.drop(url)
    added = Counts(
        *(a - b for a, b in zip(vars(after).values(), vars(before).values(), strict=True))
    )
    if added != job.expect:
        raise SystemExit(
            f"{backend.name} {tree.name} {job.label} {job.rows}: stored {added}, expected {job.expect}"
        )
    return run


def table(results: list[Result]) -> str:
    lines = [
        "| backend | tree | file | rows | size MB | median s | min–max s | peak MB (median) | runs |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        seconds = [run.seconds for run in r.runs]
        peak = statistics.median(run.peak_mb for run in r.runs)
        lines.append(
            f"| {r.backend} | {r.tree} | {r.job.label} | {r.job.rows:,} | {r.job.size_mb:.1f} "
            f"| {statistics.median(seconds):.2f} | {min(seconds):.2f}–{max(seconds):.2f} | {peak:.0f} | {len(seconds)} |"
        )
    if any(run.phases for r in results for run in r.runs):
        lines += [
            "",
            "| backend | tree | file | rows | read s | validate s | store s | command s |",
            "|---|---|---|---:|---:|---:|---:|---:|",
        ]
        for r in results:
            med = {
                k: statistics.median(run.phases[k] for run in r.runs)
                for k in ("read", "validate", "store", "command")
            }
            lines.append(
                f"| {r.backend} | {r.tree} | {r.job.label} | {r.job.rows:,} | {med['read']:.2f} "
                f"| {med['validate']:.2f} | {med['store']:.2f} | {med['command']:.2f} |"
            )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        profile = sys.argv[2] == "--profile"
        child(sys.argv[3:] if profile else sys.argv[2:], profile)
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--units", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--format", nargs="+", choices=["xlsx", "json"], default=["xlsx", "json"])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--tree",
        action="append",
        help="a checkout whose engine is run (repeatable: the trees take turns); default this one",
    )
    parser.add_argument("--phases", action="store_true", help="time read, validate and store apart")
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of one import per file"
    )
    parser.add_argument(
        "--pg-url", default=PG_ADMIN_URL, help="an admin URL that may CREATE DATABASE"
    )
    args = parser.parse_args()
    trees = [Path(tree).resolve() for tree in args.tree or [REPO]]
    if len({tree.name for tree in trees}) < len(trees):
        parser.error("the trees must have different folder names (they label the results)")
    print(
        f"dondoc import bench: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the start"
    )
    for tree in trees:
        startup = dondoc(tree, "sqlite:///unused.db", "--help")
        print(
            f"tree {tree.name}: `dondoc --help` takes {startup.seconds:.2f} s and {startup.peak_mb:.0f} MB"
        )
    folder = Path(tempfile.mkdtemp(prefix="dondoc_bench_import_"))
    results: list[Result] = []
    try:
        jobs = make_jobs(folder, args)
        for job in jobs:
            print(f"{job.path.name}: {job.size_mb:.1f} MB, {job.expect}")
        names = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
        for name in names:
            backend = SQLite(folder) if name == "sqlite" else PostgreSQL(args.pg_url)
            try:
                results += bench(backend, trees, jobs, folder, args)
            finally:
                backend.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\nload average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(table(results))


if __name__ == "__main__":
    main()
