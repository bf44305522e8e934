"""Beyond one machine: Prefect's server on PostgreSQL, its own scheduler, and two workers
polling the one `dondoc` pool. Each scheduled sweep is executed exactly once, and
dondoc's database agrees.

The sweep is deployed from prefect.yaml as it stands (its cron, its one-at-a-time limit);
the test then swaps the cron for a few runs a few seconds apart, which the server's
scheduler creates. The workers run them on dondoc's own PostgreSQL database with the
clock held at one instant, so the first run plans the mail and every later one finds
nothing left to plan: a run executed twice would show in Prefect's state history and in
its log, not in the outbox.

Everything is real and local: two throwaway PostgreSQL databases (Prefect's and
dondoc's), `prefect server start`, `prefect deploy`, two `prefect worker start`. Every
process is stopped at teardown and the test fails if any outlives it; the databases are
dropped. About 80 s.
"""

import os
import signal

# before Prefect is imported: it reads its settings once, at import
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import ast
import asyncio
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from prefect.client.schemas.actions import WorkPoolCreate, WorkPoolUpdate
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterDeploymentId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import FlowRun, Log, State, StateType
from prefect.client.schemas.schedules import RRuleSchedule
from prefect.client.schemas.sorting import FlowRunSort, LogSort
from prefect.workers.process import ProcessWorker
from sqlmodel import select

from engine.services import imports
from engine.services.sweep import SweepReport, sweep
from engine.store.tables import NoticeRow, OutboxRow, ServiceRunRow
from tests.builders import STANDARD_UNITS, directive, directives_file, task, units_file
from tests.conftest import MAIL_SETTINGS, make_app
from tests.pg import throwaway_database
from tests.prefect_processes import (
    PREFECT,
    PrefectServer,
    Process,
    free_port,
    offline_environment,
    start,
    stop_all,
    wait_for,
    wait_until_healthy,
    worker_command,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not Path("/proc/self/stat").exists(), reason="reads the process table in /proc (Linux)"
    ),
]

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)  # a Wednesday
NOW = datetime(2025, 12, 18, 10, 0, tzinfo=HANOI)  # every run's clock: 3 working days late
POOL = "dondoc"
DEPLOYMENT = "sweep/sweep"
WORKERS = ("worker-a", "worker-b")
RUNS = 4
#: between two scheduled runs: more than a run takes from its worker's claim to its end
#: (4-6 s here, 8 s with other tests running), or the deployment's one-at-a-time limit
#: cancels the next one
EVERY = 15
#: from the workers' registration to the first run
LEAD = 3
SETTLE = 45  # after the last run is due: for it, and for a run that started late

#: what the sweep flow logs at its end: the instant it acted at and its result
SWEPT = re.compile(r"^sweep at (?P<at>\S+): (?P<result>\{.*\})$")
#: what a worker logs once the server has let it claim a run and the run's process started
SUBMITTED = re.compile(r"^Flow run '(?P<name>[^']+)' submitted to infrastructure$")
SUBMITTING = re.compile(r"^Worker '(?P<worker>[^']+)' submitting flow run")
ABORTED = re.compile(r"^Aborted submission of flow run")


# -- dondoc's office ---------------------------------------------------------------------


@dataclass
class Office:
    url: str
    #: what one sweep at NOW plans, from a dry run before the workers start
    planned: SweepReport


@pytest.fixture
def office(postgres_server: str, tmp_path: Path) -> Iterator[Office]:
    """dondoc's database (a throwaway PostgreSQL one, as several machines would share):
    the standard units and one directive of two tasks, one of them 3 working days late
    at NOW, and what a single sweep at NOW would plan."""
    with throwaway_database(postgres_server) as url:
        app = make_app(url, ISSUED)
        try:
            with app.session() as session:
                imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), ISSUED)
                tasks = (
                    task(),
                    task("Tổng kết công tác năm", lead_unit="PL", deadline="2025-12-22"),
                )
                path = directives_file(tmp_path, directive("45/TB-VPCTN", *tasks))
                imports.import_directives(session, path, app.calendar, ISSUED, "cv")
            planned = sweep(app, NOW, dry_run=True)
        finally:
            app.engine.dispose()
        assert planned.mails, "a sweep at NOW should plan mail"
        yield Office(url, planned)


# -- the cluster: server, deployment, two workers --------------------------------------


@dataclass
class Cluster:
    server: PrefectServer
    workers: list[Process]
    #: the instants the scheduler was asked to schedule the sweep at
    due: list[datetime]


@pytest.fixture
def cluster(postgres_server: str, office: Office, tmp_path: Path) -> Iterator[Cluster]:
    """Prefect's server on its own PostgreSQL database, the sweep deployed from
    prefect.yaml, two workers on the pool, and RUNS scheduled runs EVERY seconds apart.

    1. Start the server (its scheduler looks every second) and wait for it to answer.
    2. Create the pool, paused: the workers, started now, take nothing from it yet.
    3. Deploy the sweep and remove its cron schedule (the server deletes the runs it
       had scheduled from it), so no run of the sweep is left.
    4. Once the server lists both workers, resume the pool and give the sweep an RRULE
       of RUNS instants, the first LEAD seconds on: the scheduler creates their runs.
    """
    processes: list[tuple[Process, signal.Signals]] = []  # in the order to stop them
    with throwaway_database(postgres_server, prefix="prefect_test") as prefect_db:
        home = tmp_path / "prefect"
        home.mkdir()
        port = free_port()
        env = offline_environment(home, f"http://127.0.0.1:{port}/api")
        server = PrefectServer(env["PREFECT_API_URL"], env, home)
        try:
            server_env = env | {
                "PREFECT_API_DATABASE_CONNECTION_URL": prefect_db.replace(
                    "postgresql+psycopg://", "postgresql+asyncpg://", 1
                ),
                "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1",  # 60 by default
            }
            command = [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)]
            process = start("server", command, server_env, home)
            server.processes.append(process)
            processes.append((process, signal.SIGTERM))
            wait_until_healthy(server, process)
            asyncio.run(_create_paused_pool(server))

            worker_env = env | {
                "PREFECT_WORKER_QUERY_SECONDS": "1",  # 10 by default
                # claim a run when it is due, not 10 s before: an early claim would
                # meet the previous run still holding the deployment's one slot
                "PREFECT_WORKER_PREFETCH_SECONDS": "0",
                "DONDOC_DATABASE_URL": office.url,
                "DONDOC_SIMULATED_NOW": NOW.isoformat(),
            }
            worker_env |= {f"DONDOC_{k.upper()}": v for k, v in MAIL_SETTINGS.items()}
            workers = []
            for name in WORKERS:
                worker = start(name, worker_command(POOL, "--name", name), worker_env, home)
                server.processes.append(worker)
                processes.insert(0, (worker, signal.SIGINT))  # before the server
                workers.append(worker)

            server.prefect("--no-prompt", "deploy", "--name", "sweep")
            asyncio.run(_drop_schedules(server))
            wait_for(server, "both workers on the pool", lambda: asyncio.run(_workers(server)),
                     60, *server.processes)  # fmt: skip

            first = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=LEAD + 1)
            asyncio.run(_schedule(server, first))
            due = [first + timedelta(seconds=EVERY * n) for n in range(RUNS)]
            yield Cluster(server, workers, due)
        finally:
            left = stop_all(processes)
            assert not left, server.report(f"outlived their stop (now killed): {left}")


async def _create_paused_pool(server: PrefectServer) -> None:
    """As `prefect work-pool create dondoc --type process --paused` does, in-process: a
    CLI's start costs seconds here."""
    pool = WorkPoolCreate(
        name=POOL,
        type="process",
        base_job_template=ProcessWorker.get_default_base_job_template(),
        is_paused=True,
    )
    async with server.client() as client:
        await client.create_work_pool(pool)


async def _drop_schedules(server: PrefectServer) -> None:
    async with server.client() as client:
        deployment = await client.read_deployment_by_name(DEPLOYMENT)
        assert deployment.schedules, "prefect.yaml gives the sweep its cron"
        for schedule in deployment.schedules:
            await client.delete_deployment_schedule(deployment.id, schedule.id)


async def _workers(server: PrefectServer) -> bool | None:
    async with server.client() as client:
        workers = await client.read_workers_for_work_pool(POOL)
    return {w.name for w in workers} == set(WORKERS) or None


async def _schedule(server: PrefectServer, first: datetime) -> None:
    rule = f"DTSTART:{first:%Y%m%dT%H%M%S}\nRRULE:FREQ=SECONDLY;INTERVAL={EVERY};COUNT={RUNS}"
    async with server.client() as client:
        await client.update_work_pool(POOL, WorkPoolUpdate(is_paused=False))
        deployment = await client.read_deployment_by_name(DEPLOYMENT)
        await client.create_deployment_schedules(
            deployment.id, [(RRuleSchedule(rrule=rule, timezone="UTC"), True)]
        )


# -- what Prefect recorded -------------------------------------------------------------------


@dataclass
class Recorded:
    runs: list[FlowRun]  # by expected start
    states: dict[UUID, list[State]]  # each run's state history, in order
    logs: dict[UUID, list[Log]]


async def _runs(server: PrefectServer) -> list[FlowRun]:
    async with server.client() as client:
        deployment = await client.read_deployment_by_name(DEPLOYMENT)
        return await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                deployment_id=FlowRunFilterDeploymentId(any_=[deployment.id])
            ),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,
        )


def runs_created(cluster: Cluster) -> list[FlowRun] | None:
    runs = asyncio.run(_runs(cluster.server))
    return runs if len(runs) >= RUNS else None


def runs_ended(cluster: Cluster) -> list[FlowRun] | None:
    if datetime.now(UTC) < cluster.due[-1]:
        return None  # not yet: spare the CPU the runs need
    runs = asyncio.run(_runs(cluster.server))
    return runs if all(r.state and r.state.is_final() for r in runs) else None


async def _record(server: PrefectServer, runs: list[FlowRun]) -> Recorded:
    async with server.client() as client:
        states = {r.id: await client.read_flow_run_states(r.id) for r in runs}
        logs = await client.read_logs(
            LogFilter(flow_run_id=LogFilterFlowRunId(any_=[r.id for r in runs])),
            sort=LogSort.TIMESTAMP_ASC,
        )
    by_run: dict[UUID, list[Log]] = {r.id: [] for r in runs}
    for log in logs:
        assert log.flow_run_id is not None
        by_run[log.flow_run_id].append(log)
    return Recorded(runs, states, by_run)


def recorded(cluster: Cluster, runs: list[FlowRun]) -> Recorded | None:
    """What Prefect holds about the runs, once every run's log has its sweep line (a
    run ships its log lines in batches: they may come a moment after its end)."""
    found = asyncio.run(_record(cluster.server, runs))
    every = all(any(SWEPT.match(log.message) for log in found.logs[r.id]) for r in runs)
    return found if every else None


def handed_over(cluster: Cluster, names: list[str]) -> dict[str, list[str]] | None:
    """Which worker started each run's process (by the name the scheduler gave it), from
    the workers' own logs, once every run shows in one."""
    logs = {w.name: w.log.read_text(encoding="utf-8", errors="replace") for w in cluster.workers}
    found = {
        run: [name for name, text in logs.items() if f"Flow run '{run}' submitted" in text]
        for run in names
    }
    return found if all(found.values()) else None


def history(states: list[State]) -> str:
    return ", ".join(f"{s.timestamp:%H:%M:%S.%f} {s.name} ({s.message or ''})" for s in states)


def matching(pattern: re.Pattern[str], logs: list[Log]) -> list[re.Match[str]]:
    return [m for log in logs if (m := pattern.match(log.message))]


def dondoc_rows(url: str) -> tuple[list[OutboxRow], list[NoticeRow], list[ServiceRunRow]]:
    app = make_app(url, NOW)
    try:
        with app.session() as session:
            return (
                list(session.exec(select(OutboxRow))),
                list(session.exec(select(NoticeRow))),
                list(session.exec(select(ServiceRunRow))),
            )
    finally:
        app.engine.dispose()


def mail(kind: str, to: str, cc: list[str], subject: str) -> tuple[str, str, tuple[str, ...], str]:
    return kind, to, tuple(sorted(cc)), subject


# -- the test ----------------------------------------------------------------------------------


def test_two_workers_on_a_postgresql_server_run_each_scheduled_sweep_exactly_once(
    cluster: Cluster, office: Office
) -> None:
    server, watched = cluster.server, cluster.server.processes
    runs = wait_for(server, f"{RUNS} scheduled runs", lambda: runs_created(cluster), 15, *watched)
    assert [r.expected_start_time for r in runs] == cluster.due, server.report(runs)
    assert all(r.auto_scheduled for r in runs)  # made by the server's scheduler
    # the names the scheduler gave them: the workers' logs use these; each run renames
    # itself after what it is about when it starts ("rà soát 18/12/2025 10:00")
    given = {r.id: r.name for r in runs}

    wait_until = max((cluster.due[-1] - datetime.now(UTC)).total_seconds(), 0) + SETTLE
    runs = wait_for(
        server, "an end to every run", lambda: runs_ended(cluster), wait_until, *watched
    )
    found = wait_for(server, "the sweep's log line", lambda: recorded(cluster, runs), 20, *watched)
    report = server.report(
        *(f"{r.name} due {r.expected_start_time}: {history(found.states[r.id])}" for r in runs)
    )

    # -- Prefect: each run claimed by one worker, run once, completed ----------------
    assert len(runs) == RUNS, report  # the scheduler made no other
    assert asyncio.run(_workers(server)), report  # both workers still on the pool
    for run in runs:
        assert run.state is not None
        assert run.state.is_completed(), report
        assert run.run_count == 1, report
        # one claim (Pending), one hand-over to a process (Submitting), one execution
        after_scheduled = [x.name for x in found.states[run.id] if x.type != StateType.SCHEDULED]
        assert after_scheduled == ["Pending", "Submitting", "Running", "Completed"], report
        logs = found.logs[run.id]
        assert [m["name"] for m in matching(SUBMITTED, logs)] == [given[run.id]], report
        assert run.name == "rà soát 18/12/2025 10:00", report
        assert "scheduled" in run.tags, report  # the scheduler made it: the flow says so
        # a worker that lost the race for a run says so: every other claim was refused
        claims = matching(SUBMITTING, logs)
        assert {m["worker"] for m in claims} <= set(WORKERS), report
        assert len(claims) - len(matching(ABORTED, logs)) == 1, report

    # -- the workers' logs: each run started by one of them --------------------------
    started_by = wait_for(server, "each run in a worker's log",
                          lambda: handed_over(cluster, list(given.values())), 10, *watched)  # fmt: skip
    assert all(len(names) == 1 for names in started_by.values()), (started_by, report)
    # both may have run some, or one all: who wins a run is luck, not asserted
    print("runs started by", dict(Counter(names[0] for names in started_by.values())))

    # -- the runs' own account: one sweep line each, the first planned it all --------
    swept = [matching(SWEPT, found.logs[r.id]) for r in runs]
    assert [len(lines) for lines in swept] == [1] * RUNS, report
    results = [ast.literal_eval(lines[0]["result"]) for lines in swept]
    assert {datetime.fromisoformat(lines[0]["at"]) for lines in swept} == {NOW}
    assert [r["mails"] for r in results] == [len(office.planned.mails)] + [0] * (RUNS - 1)

    # -- dondoc's database: the mail of one sweep, once --------------------------------
    outbox, notices, service_runs = dondoc_rows(office.url)
    assert sorted(mail(r.kind, r.to_email, r.cc, r.subject) for r in outbox) == sorted(
        mail(m["kind"], m["to"], m["cc"], m["subject"]) for m in office.planned.mails
    )
    assert Counter(n.kind for n in notices) == office.planned.notices
    assert {n.outbox_id for n in notices} == {r.id for r in outbox}
    # one row per kind of run, upserted by each: it holds the last run's result
    # (besides the event feed's cursor, kind "feed")
    assert [(r.kind, r.at, r.summary) for r in service_runs if r.kind != "feed"] == [
        ("sweep", NOW, {k: v for k, v in results[-1].items() if k != "in_office_hours"})
    ]
