"""How long one sweep takes over a large open book, on SQLite and PostgreSQL.

    python bench/sweep.py --backend both --tasks 100000 --repeat 5 [--profile] [--explain]
    python bench/sweep.py --backend postgresql --tasks 10000,1000000 --repeat 5 --explain

Several sizes (`--tasks 10000,1000000`) are built first, then run in turn (repeat 1 of
each, repeat 2 of each, …), so they share the same moments of a busy machine; the ratio
of the largest to the smallest is printed.

For each backend and each size it builds one database (migrated by `App.migrate()`,
then filled CHUNK tasks at a time with their coordinators, events and notices:
PostgreSQL by COPY, SQLite by SQLAlchemy Core executemany; a million tasks take 1.5-2.5
minutes and ~150 MB): 50 units (a root, 7 departments, 42 sections, each
with a head and deputies), 2,000 directives (80 % normal, 15 % high, 5 % urgent) and
N open tasks (assigned or in progress) with 0-2 coordinating units and a creation event.
Exactly D tasks are due at the sweep instant (`next_check_on` = today):

- 5 % (`--fresh`) were assigned this morning and have had no mail yet;
- the rest have a deadline that makes the policy of their priority say something new
  today: 7/5/3/1 working days before, on the day, or 1-25 working days overdue (mixed
  45 / 15 / 40 %), with the notices of the earlier days already stored, as if the
  sweep had run every working day (so today's notices are only the new ones).

Every other task has its deadline in the next 120 days and `next_check_on` in the future,
and every task has its assignment notice stored. PostgreSQL then gets `VACUUM ANALYZE`
(what autovacuum would have done by the time a sweep runs); SQLite gets nothing, as the
engine runs no ANALYZE of its own.

Each repeat runs on a fresh copy of that database (PostgreSQL: CREATE DATABASE …
TEMPLATE, STRATEGY FILE_COPY from PostgreSQL 15 on, then a CHECKPOINT; SQLite: a file
copy), in the same process, and times three calls of `sweep(app, NOW)`:

1. first:  the real work; checks tasks_checked == D, mails > 0, nobody unaddressed;
2. re-run: same instant again; the marks have moved on, so nothing is claimed and
           no outbox row may be added;
3. replay: the D marks put back to today (what a sweep that crashed after planning
           but whose marks were lost would see): D tasks claimed again, every notice
           refused by its unique key, no outbox row added. The cost of idempotency.

The steps of the sweep are timed by wrapping the module's step functions (and the SQL
by engine events, attributed to the step running); `--profile` adds one first sweep
under cProfile per backend and prints its top 20 by cumulative time; `--explain` prints,
on one more fresh copy, the plan of the claim's query as the sweep sent it (EXPLAIN
ANALYZE, BUFFERS on PostgreSQL, with the first batch of the notices' INSERT, in a
transaction rolled back; EXPLAIN QUERY PLAN on SQLite) and the scans of every other
SELECT, UPDATE and DELETE of the first sweep, flagging a scan of a whole big table.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import json
import os
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, bindparam, event, func, select, text, update
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine.services.sweep as sweep_module
import engine.services.sweep_mail as sweep_mail_module
import engine.store.reads as store_reads
from engine.bootstrap import bootstrap
from engine.clock import FixedClock
from engine.domain.calendar import WorkingCalendar
from engine.domain.policy import (
    DueNotice,
    NoticeKind,
    Policy,
    due_notices,
    next_check_on,
)
from engine.notify import Notifier
from engine.services.deps import Deps
from engine.services.sweep import SweepReport, sweep
from engine.settings import Settings
from engine.store.tables import (
    DirectiveRow,
    NoticeRow,
    OutboxRow,
    TaskCoordinatorRow,
    TaskEventRow,
    TaskRow,
    UnitRow,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=HANOI)  # a Tuesday, in office hours
PG_ADMIN_URL = os.environ.get("DONDOC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MAIL_SETTINGS = {
    "coordinator_email": "theodoi@vpctn.example.vn",
    "leadership_email": "lanhdao.vanphong@vpctn.example.vn",
    "leader_email": "lanhdao@vpctn.example.vn",
    "mail_from": "dondoc@vpctn.example.vn",
}
DIRECTIVES = 2000
CHUNK = 10_000
SEED = 20260310
OPEN_STATUSES = ("assigned", "in_progress")

TITLES = (
    "Xây dựng dự thảo Chương trình công tác năm 2026 của {u}",
    "Tổng hợp báo cáo tình hình thực hiện các kết luận của Chủ tịch nước tại {u}",
    "Rà soát, đề xuất sửa đổi quy chế làm việc liên quan đến {u}",
    "Chuẩn bị nội dung phục vụ buổi làm việc của Chủ tịch nước với {u}",
    "Báo cáo kết quả triển khai chuyển đổi số trong hoạt động của {u}",
    "Tham mưu văn bản trả lời kiến nghị của cử tri gửi {u}",
)
DESCRIPTION = (
    "Thực hiện kết luận của Chủ tịch nước tại cuộc họp giao ban, đơn vị chủ trì phối hợp "
    "với các đơn vị liên quan nghiên cứu, tổng hợp, xây dựng dự thảo và báo cáo Lãnh đạo "
    "Văn phòng trước khi trình Chủ tịch nước xem xét, quyết định. "
)


# -- the data ------------------------------------------------------------------------------


@dataclass
class Built:
    """What a built database holds, and which tasks are due."""

    due_ids: list[int]
    fresh: int
    mix: Counter[str]
    rows: dict[str, int]
    seconds: float
    size_mb: float = 0.0


def _units(rng: random.Random, now: datetime) -> list[dict[str, Any]]:
    def unit(
        code: str, name: str, title: str, parent: str | None, lang: str = "vi"
    ) -> dict[str, Any]:
        return {
            "code": code,
            "name_vi": name,
            "name_en": f"Unit {code}",
            "head_name": f"Nguyễn Văn {code}",
            "head_title": title,
            "head_email": f"{code.lower()}@vpctn.example.vn",
            "deputies": [
                {
                    "name": f"Phó {code} {n}",
                    "title": "Phó " + title,
                    "email": f"pho{n}.{code.lower()}@vpctn.example.vn",
                }
                for n in range(1, rng.randint(1, 2) + 1)
            ],
            "parent_code": parent,
            "active": True,
            "language": lang,
            "aliases": [],
            "updated_at": now,
        }

    rows = [unit("VP", "Văn phòng Chủ tịch nước", "Chủ nhiệm", None)]
    for d in range(1, 8):
        rows.append(unit(f"V{d}", f"Vụ {d}", "Vụ trưởng", "VP"))
        for s in range(1, 7):
            lang = "en" if (d, s) in {(7, 1), (7, 2), (3, 5)} else "vi"
            rows.append(unit(f"V{d}P{s}", f"Phòng {s} thuộc Vụ {d}", "Trưởng phòng", f"V{d}", lang))
    return rows


def _previous_working_days(calendar: WorkingCalendar, day: date, count: int) -> date:
    for _ in range(count):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class _DueShape:
    """A deadline that makes the policy say something new today, and what came before."""

    label: str  # before-7, due, overdue-12, …
    deadline: date
    history: tuple[DueNotice, ...]  # notices of earlier days (assignment included)
    escalation_level: int


def _due_shapes(
    calendar: WorkingCalendar, policy: Policy, today: date
) -> dict[str, list[_DueShape]]:
    """Every offset in the mix whose notices today include one not sent on an earlier day."""
    shapes: dict[str, list[_DueShape]] = {"before": [], "due": [], "overdue": []}
    offsets = [("before", k) for k in (7, 5, 3, 1)] + [("due", 0)]
    offsets += [("overdue", k) for k in range(1, 26)]
    for group, k in offsets:
        if group == "overdue":
            deadline = _previous_working_days(calendar, today, k)
        else:
            deadline = calendar.add_working_days(today, k) if k else today
        history = {DueNotice(NoticeKind.ASSIGNMENT, 0)}
        day = deadline - timedelta(days=45)  # well before the first reminder, even over Tết
        while day < today:
            if calendar.is_working_day(day):
                history.update(due_notices(deadline, day, calendar, policy))
            day += timedelta(days=1)
        new = set(due_notices(deadline, today, calendar, policy)) - history
        if new:
            level = max((n.level for n in history if n.kind is NoticeKind.ESCALATION), default=0)
            label = f"{group}-{k}" if group != "due" else "due"
            shapes[group].append(_DueShape(label, deadline, tuple(sorted(history)), level))
    return shapes


def _insert(connection: Any, table: Any, rows: list[dict[str, Any]]) -> int:
    """Rows into a table, in the build's transaction: COPY on PostgreSQL (what makes a
    million tasks quick to store), Core executemany on SQLite."""
    if not rows:
        return 0
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return len(rows)
    names = list(rows[0])
    as_json = [isinstance(table.c[name].type, JSON) for name in names]
    columns = ", ".join(f'"{name}"' for name in names)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            values = row.values()
            copy.write_row(
                [json.dumps(v) if j else v for v, j in zip(values, as_json, strict=True)]
                if any(as_json)
                else tuple(values)
            )
    return len(rows)


def build(app: Deps, tasks: int, due: int, fresh_share: float, seed: int) -> Built:
    """Fill a migrated, empty database; returns the due task ids.

    The tasks are made and stored CHUNK at a time, with their coordinators, events and
    notices, so that a million of them never sit in memory at once (the same rows, in
    the same order, as when they were all made first)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    calendar = app.calendar
    policies = app.policies
    today = calendar.local_date(NOW)
    at_0830 = datetime.combine(today, clock_time(8, 30), tzinfo=HANOI).astimezone(UTC)
    yesterday = NOW.astimezone(UTC) - timedelta(days=1)

    units = _units(rng, yesterday)
    codes = [u["code"] for u in units]
    priorities = rng.choices(["normal", "high", "urgent"], weights=[80, 15, 5], k=DIRECTIVES)
    directives: list[dict[str, Any]] = []
    for n in range(1, DIRECTIVES + 1):
        issued = date(2025, 6, 1) + timedelta(days=rng.randrange(200))  # up to mid-December
        directives.append(
            {
                "id": n,
                "reference": f"{n}/TB-VPCTN",
                "title": f"Thông báo kết luận của Chủ tịch nước tại cuộc họp số {n}",
                "issuer": "Văn phòng Chủ tịch nước",
                "issued_on": issued,
                "meeting": f"Cuộc họp giao ban số {n}",
                "text": DESCRIPTION * 4,
                "priority": priorities[n - 1],
                "created_at": datetime.combine(issued, clock_time(9), tzinfo=HANOI).astimezone(UTC),
                "created_by": "cv.nhap",
            }
        )

    shapes = {
        p: _due_shapes(calendar, policies.for_priority(p), today)
        for p in ("normal", "high", "urgent")
    }
    future_mark: dict[tuple[date, str], date] = {}

    fresh = round(due * fresh_share)
    due_ids = rng.sample(range(1, tasks + 1), due)
    fresh_ids = set(due_ids[:fresh])
    shaped_ids = set(due_ids[fresh:])

    task_rows: list[dict[str, Any]] = []
    coordinator_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    notice_rows: list[dict[str, Any]] = []
    chunk = (
        (TaskRow, task_rows),
        (TaskCoordinatorRow, coordinator_rows),
        (TaskEventRow, event_rows),
        (NoticeRow, notice_rows),
    )
    mix: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    with app.engine.begin() as connection:

        def store(model: Any, rows: list[dict[str, Any]]) -> None:
            table = model.__table__
            counts[table.name] += _insert(connection, table, rows)

        store(UnitRow, units)
        store(DirectiveRow, directives)
        for task_id in range(1, tasks + 1):
            directive = directives[rng.randrange(DIRECTIVES)]
            priority = directive["priority"]
            lead = rng.choice(codes)
            created_at = directive["created_at"]
            status = rng.choices(OPEN_STATUSES, weights=[40, 60])[0]
            recurrence = next_instance = None
            escalation_level = 0
            history: tuple[DueNotice, ...] = (DueNotice(NoticeKind.ASSIGNMENT, 0),)
            if task_id in fresh_ids:
                created_at, status = at_0830, "assigned"
                deadline = calendar.add_working_days(today, rng.randint(10, 60))
                mark = today
                history = ()
                mix["fresh assignment"] += 1
            elif task_id in shaped_ids:
                group = rng.choices(["before", "due", "overdue"], weights=[45, 15, 40])[0]
                shape = rng.choice(shapes[priority][group])
                deadline, mark = shape.deadline, today
                history, escalation_level = shape.history, shape.escalation_level
                mix[group] += 1
            else:
                deadline = today + timedelta(days=rng.randint(1, 120))
                while not calendar.is_working_day(deadline):
                    deadline -= timedelta(days=1)
                if deadline <= today:
                    deadline = calendar.add_working_days(today, 1)
                key = (deadline, priority)
                if key not in future_mark:
                    future_mark[key] = next_check_on(
                        deadline, today, calendar, policies.for_priority(priority)
                    )
                mark = future_mark[key]
                if rng.random() < 0.03:
                    recurrence, next_instance = "monthly", deadline + timedelta(days=1)
            title = rng.choice(TITLES).format(u=lead)
            task_rows.append(
                {
                    "id": task_id,
                    "directive_id": directive["id"],
                    "number": str(rng.randint(1, 12)),
                    "title": title,
                    "description": DESCRIPTION,
                    "lead_unit": lead,
                    "owner": f"Chuyên viên {rng.randint(1, 400)}",
                    "deadline": deadline,
                    "original_deadline": deadline,
                    "deadline_working_days": None,
                    "recurrence": recurrence,
                    "deliverable": "Báo cáo bằng văn bản",
                    "authority": "Chủ nhiệm Văn phòng",
                    "source_quote": title,
                    "status": status,
                    "missing": [],
                    "completed_at": None,
                    "created_at": created_at,
                    "updated_at": created_at,
                    "next_check_on": mark,
                    "escalation_level": escalation_level,
                    "series_id": None,
                    "period": 0,
                    "next_instance_on": next_instance,
                }
            )
            for code in rng.sample(
                [c for c in codes if c != lead], rng.choices([0, 1, 2], [50, 35, 15])[0]
            ):
                coordinator_rows.append({"task_id": task_id, "unit_code": code})
            event_rows.append(
                {
                    "task_id": task_id,
                    "at": created_at,
                    "actor": "cv.nhap",
                    "from_status": None,
                    "to_status": "assigned",
                    "reason": "Nhập từ tệp chi-dao.xlsx",
                    "payload": {"deadline": deadline.isoformat()},
                }
            )
            notice_rows += [
                {"task_id": task_id, "kind": n.kind.value, "level": n.level, "key_day": deadline,
                 "outbox_id": None, "created_at": yesterday}
                for n in history
            ]  # fmt: skip
            if task_id % CHUNK == 0 or task_id == tasks:
                for model, rows in chunk:
                    store(model, rows)
                    rows.clear()
        if connection.dialect.name == "postgresql":  # ids were given: move the sequences on
            for name in ("directive", "task"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                    )
                )
    if app.engine.dialect.name == "postgresql":
        with app.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return Built(sorted(due_ids), fresh, mix, dict(counts), time.perf_counter() - started)


# -- databases -----------------------------------------------------------------------------


def make_app(url: str) -> Deps:
    settings = Settings(database_url=url, _env_file=None, **MAIL_SETTINGS)  # type: ignore[arg-type]
    app = bootstrap(settings, clock=FixedClock(NOW))
    app.migrate()
    return app.deps()


class Backend(ABC):
    """Creates the base database once and hands out fresh copies of it."""

    name: str

    @abstractmethod
    def base_url(self) -> str: ...

    @abstractmethod
    def seal(self, app: Deps) -> float:
        """Close the base after the build; its size in MB."""

    @abstractmethod
    def copy(self) -> str: ...

    @abstractmethod
    def drop(self, url: str) -> None: ...

    @abstractmethod
    def close(self) -> None: ...


class SQLiteBackend(Backend):
    name = "sqlite"

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="dondoc_bench_"))
        self.base = self.directory / "base.db"

    def base_url(self) -> str:
        return f"sqlite:///{self.base}"

    def seal(self, app: Deps) -> float:
        with app.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        app.engine.dispose()
        return self.base.stat().st_size / 2**20

    def copy(self) -> str:
        target = self.directory / f"copy_{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self.base, target)
        return f"sqlite:///{target}"

    def drop(self, url: str) -> None:
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


class PostgresBackend(Backend):
    name = "postgresql"

    def __init__(self, admin_url: str) -> None:
        import psycopg

        self.psycopg = psycopg
        self.admin_url = admin_url
        self.prefix = admin_url.rsplit("/", 1)[0].replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
        self.created: list[str] = []
        self.base = self._create(f"dondoc_bench_{uuid.uuid4().hex[:10]}")

    def _admin(self, statement: str) -> Any:
        with self.psycopg.connect(self.admin_url, autocommit=True) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchall() if statement.startswith(("SELECT", "SHOW")) else None

    def _create(self, name: str, template: str | None = None) -> str:
        clause = f" TEMPLATE {template}" if template else ""
        if template and int(self._admin("SHOW server_version_num")[0][0]) >= 150000:
            # a file copy (after a checkpoint), not the whole database through the WAL:
            # seconds for a million tasks, and no burst of WAL for the other users
            clause += " STRATEGY FILE_COPY"
        for attempt in range(50):  # a template must have no other session on it
            try:
                self._admin(f"CREATE DATABASE {name}{clause}")
                break
            except self.psycopg.errors.ObjectInUse:
                if attempt == 49:
                    raise
                time.sleep(0.2)
        self.created.append(name)
        return name

    def base_url(self) -> str:
        return f"{self.prefix}/{self.base}"

    def seal(self, app: Deps) -> float:
        app.engine.dispose()
        size = self._admin(f"SELECT pg_database_size('{self.base}')")[0][0]
        self._admin(
            f"ALTER DATABASE {self.base} WITH ALLOW_CONNECTIONS false"
        )  # keep autovacuum off it
        return float(size) / 2**20

    def copy(self) -> str:
        name = self._create(f"dondoc_bench_{uuid.uuid4().hex[:10]}", self.base)
        self._admin("CHECKPOINT")  # so the copy's own writes are not flushed during the sweep
        return f"{self.prefix}/{name}"

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if name in self.created:
            self.created.remove(name)

    def close(self) -> None:
        for name in list(self.created):
            try:
                self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            except Exception as exc:  # report it, and go on dropping the others
                print(f"could not drop {name}: {exc}", file=sys.stderr)
        self.created.clear()


# -- timing the steps ------------------------------------------------------------------------


@dataclass
class Phases:
    """Wall time per step (nested steps are inside their parent), and SQL time per step."""

    wall: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: Counter[str] = field(default_factory=Counter)
    sql: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    statements: Counter[str] = field(default_factory=Counter)
    stack: list[str] = field(default_factory=lambda: ["(outside the steps)"])
    # what was sent, in order: (step, statement, parameters, executemany); for --explain
    sent: list[tuple[str, str, Any, bool]] = field(default_factory=list)


WRAPPED_STEPS = {  # (owner, attribute) -> shown as
    (sweep_module, "_create_instances"): "2 recurring instances",
    (sweep_module, "_claim_due"): "3 claim (select, policy, advance marks)",
    (sweep_module, "_insert_notices"): "4 insert notices",
    (sweep_module, "_record_escalations"): "5 escalation events + levels",
    (sweep_module, "plan_mail"): "6 plan mail",
    (Notifier, "task_views"): "6.1 task views",
    (store_reads, "coordinating_heads"): "6.2 coordinating heads (per assignment)",
    (Notifier, "outbox_row"): "6.3 render mail (outbox_row)",
    (sweep_mail_module, "deadline_ics"): "6.4 .ics for assignments",
    (Notifier, "enqueue"): "6.5 enqueue outbox rows",
}


@contextmanager
def instrumented(app: Deps) -> Iterator[Phases]:
    """Wrap the sweep's steps and count SQL per step, for the length of one sweep."""
    phases = Phases()
    originals: list[tuple[Any, str, Any]] = []

    def wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            phases.stack.append(name)
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases.wall[name] += time.perf_counter() - started
                phases.calls[name] += 1
                phases.stack.pop()

        return timed

    for (owner, attribute), name in WRAPPED_STEPS.items():
        original = owner.__dict__[attribute]
        originals.append((owner, attribute, original))
        setattr(owner, attribute, wrap(name, original))
    commit = Session.commit
    originals.append((Session, "commit", commit))
    Session.commit = wrap("7 commit", commit)  # type: ignore[method-assign]

    def before(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())
        phases.sent.append((phases.stack[-1], statement, parameters, many))

    def after(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        elapsed = time.perf_counter() - conn.info["bench_started"].pop()
        phases.sql[phases.stack[-1]] += elapsed
        phases.statements[phases.stack[-1]] += 1

    event.listen(app.engine, "before_cursor_execute", before)
    event.listen(app.engine, "after_cursor_execute", after)
    try:
        yield phases
    finally:
        event.remove(app.engine, "before_cursor_execute", before)
        event.remove(app.engine, "after_cursor_execute", after)
        for owner, attribute, original in originals:
            setattr(owner, attribute, original)


# -- one repeat ----------------------------------------------------------------------------------


@dataclass
class Run:
    first: float
    rerun: float
    replay: float
    notices: int
    mails: int
    events: int
    kinds: Counter[str]
    phases: Phases
    replay_phases: Phases


def _count(app: Deps, table: Any) -> int:
    with app.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def timed_sweep(app: Deps) -> tuple[float, SweepReport, Phases]:
    with instrumented(app) as phases:
        started = time.perf_counter()
        report = sweep(app, NOW)
        elapsed = time.perf_counter() - started
    return elapsed, report, phases


def one_repeat(backend: Backend, built: Built) -> Run:
    url = backend.copy()
    app = make_app(url)
    try:
        outbox_table, notice_table = OutboxRow.__table__, NoticeRow.__table__  # type: ignore[attr-defined]
        event_table = TaskEventRow.__table__  # type: ignore[attr-defined]
        notices_before, events_before = _count(app, notice_table), _count(app, event_table)

        first, report, phases = timed_sweep(app)
        due = len(built.due_ids)
        outbox_after = _count(app, outbox_table)
        notices = _count(app, notice_table) - notices_before
        events = _count(app, event_table) - events_before
        problems = []
        if report.tasks_checked != due:
            problems.append(f"tasks_checked {report.tasks_checked} != {due}")
        if not report.mails or outbox_after != len(report.mails):
            problems.append(f"{len(report.mails)} mails reported, {outbox_after} outbox rows")
        if report.unaddressed:
            problems.append(f"{len(report.unaddressed)} notices had no recipient")
        if report.instances:
            problems.append(f"{len(report.instances)} recurring instances made")
        if notices < due or sum(report.notices.values()) != notices:
            problems.append(f"{notices} notices stored for {due} due tasks ({report.notices})")

        rerun, again, _ = timed_sweep(app)
        if again.tasks_checked or again.mails or _count(app, outbox_table) != outbox_after:
            problems.append(
                f"the re-run planned something: {again.tasks_checked} checked, {len(again.mails)} mails"
            )

        with app.engine.begin() as connection:  # put the D marks back where they were
            today = NOW.astimezone(HANOI).date()
            connection.execute(
                update(TaskRow.__table__)  # type: ignore[attr-defined]
                .where(TaskRow.__table__.c.id.in_(bindparam("ids", expanding=True)))  # type: ignore[attr-defined]
                .values(next_check_on=today),
                {"ids": built.due_ids},
            )
        replay, replayed, replay_phases = timed_sweep(app)
        if replayed.tasks_checked != due:
            problems.append(f"the replay checked {replayed.tasks_checked} tasks, not {due}")
        if replayed.mails or _count(app, outbox_table) != outbox_after:
            problems.append(f"the replay planned {len(replayed.mails)} mails")
        if _count(app, notice_table) - notices_before != notices:
            problems.append("the replay stored notices")
        if problems:
            raise SystemExit(f"{backend.name}: " + "; ".join(problems))
        kinds = Counter(m["kind"] for m in report.mails)
        return Run(
            first, rerun, replay, notices, len(report.mails), events, kinds, phases, replay_phases
        )
    finally:
        app.engine.dispose()
        backend.drop(url)


def profile_first_sweep(backend: Backend, top: int = 20) -> str:
    url = backend.copy()
    app = make_app(url)
    try:
        profiler = cProfile.Profile()
        profiler.enable()
        sweep(app, NOW)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(12)
        return out.getvalue()
    finally:
        app.engine.dispose()
        backend.drop(url)


CLAIM_STEP = WRAPPED_STEPS[(sweep_module, "_claim_due")]
NOTICE_STEP = WRAPPED_STEPS[(sweep_module, "_insert_notices")]
BIG_TABLES = ("task", "task_event", "notice", "task_coordinator")
WHOLE_SCAN = re.compile(r"(?:Seq Scan on|SCAN) (\w+)")  # PostgreSQL's and SQLite's words


def _short(statement: str) -> str:
    """A statement on one line, a long select list cut to its first and last columns."""
    line = " ".join(statement.split())
    head, found, rest = line.partition(" FROM ")
    columns = head.removeprefix("SELECT ").split(", ")
    if not found or not head.startswith("SELECT ") or len(columns) <= 3:
        return line
    return f"SELECT {columns[0]}, … ({len(columns) - 2} more), {columns[-1]} FROM {rest}"


def explain(backend: Backend, sent: list[tuple[str, str, Any, bool]]) -> str:
    """The plans of what one first sweep sent, on a fresh copy (so as cold as the timed
    sweeps): the claim's own query (its first statement, FOR UPDATE … SKIP LOCKED and
    parameters as sent) and, on PostgreSQL, the first batch of its notices' INSERT … ON
    CONFLICT DO NOTHING, with ANALYZE and BUFFERS, in a transaction rolled back; then,
    for every other SELECT, UPDATE or DELETE, the scans its plan makes (an executemany
    with its first parameters), so a scan of a whole big table shows."""
    url = backend.copy()
    app = make_app(url)
    postgres = app.engine.dialect.name == "postgresql"
    lines: list[str] = []
    try:
        with app.engine.connect() as connection:
            claim = next(s for s in sent if s[0] == CLAIM_STEP)
            analysed = [claim]
            if postgres:  # and the first batch of notices, under their unique key
                analysed += [
                    next(s for s in sent if s[0] == NOTICE_STEP and s[1].startswith("INSERT"))
                ]
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
            for step, statement, parameters, _ in analysed:
                lines.append(f"  {step}: {_short(statement)[:300]}")
                plan = connection.exec_driver_sql(prefix + statement, parameters).all()
                lines += ("    " + " | ".join(str(c) for c in row) for row in plan)
            connection.rollback()
            seen: set[str] = {claim[1]}
            lines.append("  every other SELECT/UPDATE/DELETE of the sweep, by step: its scans")
            for step, statement, parameters, many in sent:
                verb = statement.lstrip().split(None, 1)[0].upper()
                if statement in seen or verb not in ("SELECT", "UPDATE", "DELETE"):
                    continue
                seen.add(statement)
                first = parameters[0] if many else parameters
                prefix = "EXPLAIN (COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
                plan = connection.exec_driver_sql(prefix + statement, first).all()
                scans = [
                    " ".join(str(row[-1]).split()).removeprefix("-> ")
                    for row in plan
                    if "Scan" in str(row[-1]) or "SCAN" in str(row[-1])
                ]
                whole = [m for s in scans if (m := WHOLE_SCAN.match(s)) and m[1] in BIG_TABLES]
                flag = "  <-- WHOLE BIG TABLE" if whole else ""
                lines.append(
                    f"    {step[:24]:24} {_short(statement)[:70]:70} "
                    f"{'; '.join(scans) or '(no scan)'}{flag}"
                )
            connection.rollback()
        return "\n".join(lines)
    finally:
        app.engine.dispose()
        backend.drop(url)


# -- report -------------------------------------------------------------------------------------


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):7.3f} s   min {min(values):7.3f}   max {max(values):7.3f}"


def phase_table(all_phases: list[Phases]) -> str:
    names = sorted({n for p in all_phases for n in (*p.wall, *p.sql)})
    lines = [
        f"    {'step (median over repeats; SQL = own statements)':48} {'wall s':>8} {'calls':>6} {'SQL s':>8} {'stmts':>6}"
    ]
    for name in names:
        wall = statistics.median(p.wall.get(name, 0.0) for p in all_phases)
        sql = statistics.median(p.sql.get(name, 0.0) for p in all_phases)
        calls = int(statistics.median(p.calls.get(name, 0) for p in all_phases))
        statements = int(statistics.median(p.statements.get(name, 0) for p in all_phases))
        indent = "  " if "." in name.split()[0] else ""
        lines.append(f"    {indent + name:48} {wall:8.3f} {calls:6d} {sql:8.3f} {statements:6d}")
    return "\n".join(lines)


def summary(backend: Backend, runs: list[Run], args: argparse.Namespace) -> None:
    print(f"first sweep  {spread([r.first for r in runs])}")
    print(f"re-run       {spread([r.rerun for r in runs])}")
    print(f"replay       {spread([r.replay for r in runs])}")
    kinds = runs[0].kinds
    print(
        f"planned per first sweep: notices {statistics.median(r.notices for r in runs):.0f}, "
        f"mails {statistics.median(r.mails for r in runs):.0f} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}), "
        f"events {statistics.median(r.events for r in runs):.0f}"
    )
    print("first sweep, by step:\n" + phase_table([r.phases for r in runs]))
    print("replay, by step:\n" + phase_table([r.replay_phases for r in runs]))
    if args.explain:
        print("plans of the first sweep's statements:\n" + explain(backend, runs[0].phases.sent))
    if backend.name == "postgresql":
        verdict = "met" if statistics.median(r.first for r in runs) <= 2.0 else "NOT met"
        print(f"target (first sweep within 2 s on PostgreSQL): {verdict}")
    if args.profile:
        print("cProfile of one more first sweep:\n" + profile_first_sweep(backend))


def bench(name: str, args: argparse.Namespace) -> None:
    """Build one database per size, then run the repeats of every size in turn (repeat 1
    of each size, then repeat 2 of each, …), so that the sizes share the same moments of
    a busy machine and their ratio means something."""
    sizes: list[int] = args.tasks
    backends: dict[int, Backend] = {}
    built: dict[int, Built] = {}
    try:
        for tasks in sizes:
            print(f"\n== {name}: {tasks:,} open tasks, {args.due:,} due, {args.repeat} repeats ==")
            backend = backends[tasks] = (
                SQLiteBackend() if name == "sqlite" else PostgresBackend(args.pg_url)
            )
            app = make_app(backend.base_url())
            built[tasks] = build(app, tasks, args.due, args.fresh, args.seed)
            built[tasks].size_mb = backend.seal(app)
            print(
                f"built in {built[tasks].seconds:.1f} s, {built[tasks].size_mb:.0f} MB: "
                + ", ".join(f"{k} {v:,}" for k, v in built[tasks].rows.items())
            )
            print("due mix: " + ", ".join(f"{k} {v}" for k, v in sorted(built[tasks].mix.items())))

        label = {tasks: f"{tasks:,} tasks: " if len(sizes) > 1 else "" for tasks in sizes}
        for n in range(args.warmup):  # Jinja's template cache, SQLAlchemy's statement cache
            for tasks in sizes:
                run = one_repeat(backends[tasks], built[tasks])
                print(
                    f"  warm-up {n + 1}: {label[tasks]}first {run.first:6.3f} s   re-run {run.rerun:6.3f} s   replay {run.replay:6.3f} s   (not counted)"
                )
        runs: dict[int, list[Run]] = {tasks: [] for tasks in sizes}
        for n in range(1, args.repeat + 1):
            for tasks in sizes:
                run = one_repeat(backends[tasks], built[tasks])
                runs[tasks].append(run)
                print(
                    f"  repeat {n}: {label[tasks]}first {run.first:6.3f} s   re-run {run.rerun:6.3f} s   replay {run.replay:6.3f} s   "
                    f"planned {run.notices} notices, {run.mails} mails, {run.events} events   "
                    f"(load {os.getloadavg()[0]:.2f})"
                )
        print(f"load average {os.getloadavg()[0]:.2f} (1 min) after the repeats")
        for tasks in sizes:
            print(f"\n-- {name}, {tasks:,} open tasks --")
            summary(backends[tasks], runs[tasks], args)
        if len(sizes) > 1:
            small, large = min(sizes), max(sizes)
            medians = {t: statistics.median(r.first for r in runs[t]) for t in (small, large)}
            ratio = medians[large] / medians[small]
            pairs = [b.first / a.first for a, b in zip(runs[small], runs[large], strict=True)]
            verdict = "met" if ratio < 2 and medians[large] < 2 else "NOT met"
            print(
                f"\nfirst sweep, {large:,} against {small:,} open tasks: ratio of the medians "
                f"{ratio:.2f} ({medians[large]:.3f} / {medians[small]:.3f} s), of each repeat's "
                f"pair {min(pairs):.2f}-{max(pairs):.2f}; "
                f"target (ratio < 2, {large:,} under 2 s): {verdict}"
            )
    finally:
        for backend in backends.values():
            backend.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--tasks",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[100_000],
        help="open tasks; several, comma-separated (10000,1000000), are run in turn",
    )
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--fresh", type=float, default=0.05, help="share of the due tasks assigned today"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--warmup", type=int, default=1, help="uncounted repeats first (0: see a cold process)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of one first sweep"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the claim query's plan (ANALYZE, BUFFERS) and the scans of the sweep's others",
    )
    parser.add_argument(
        "--pg-url", default=PG_ADMIN_URL, help="an admin URL that may CREATE DATABASE"
    )
    args = parser.parse_args()
    if not 0 < args.due <= min(args.tasks):
        parser.error("--due must be between 1 and --tasks")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    print(
        f"dondoc sweep bench, now = {NOW.isoformat()}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start"
    )
    names = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for name in names:
        bench(name, args)


if __name__ == "__main__":
    main()
