"""`make prefect` as an operator runs it, and the Prefect server's own scheduler.

scripts/prefect-local.sh starts `prefect server start` (SQLite under the PREFECT_HOME given
here, analytics off), creates the dondoc work pool, runs `prefect --no-prompt deploy --all`
from the repository's root on the repository's prefect.yaml, and starts a worker. Then:
every deployment is there; the server's scheduler makes the runs of every scheduled one by
itself, at the office hours of the crons in Ha Noi; the worker takes one of the sweep's runs
to Completed; and SIGTERM to the script stops the worker and the server, leaving no process.

The sweep's next run may be hours away (08:00-16:45, Monday to Saturday, in Ha Noi), so the
test moves the start of the earliest run the scheduler made to now, as "start now" would:
the run is still the scheduler's own. The worker's clock is frozen on Thursday 18/12/2025
at 10:00 in Ha Noi, three working days after a task's deadline, so the sweep has something
to plan.

The script starts once for the module (20-35 s); the tests run in the order written, the
last one stopping it.
"""

import os

# before Prefect is imported: it reads its settings once, at import
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import asyncio
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, StateType, WorkerStatus
from prefect.client.schemas.responses import SetStateStatus
from prefect.client.schemas.sorting import FlowRunSort
from prefect.exceptions import PrefectHTTPStatusError
from prefect.states import Scheduled
from sqlmodel import col, select

from engine.services import imports
from engine.store.tables import OutboxRow
from tests.builders import STANDARD_UNITS, directive, directives_file, task, units_file
from tests.conftest import MAIL_SETTINGS, make_app
from tests.prefect_processes import (
    ROOT,
    STARTUP_TIMEOUT,
    Pid,
    PrefectServer,
    Process,
    alive,
    base_environment,
    descendants,
    free_port,
    start,
    stop_tree,
    wait_for,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)  # the directive's day, a Wednesday
LATE = datetime(2025, 12, 18, 10, 0, tzinfo=HANOI)  # the task (due 15/12) 3 working days late
SCRIPT = ROOT / "scripts" / "prefect-local.sh"
DEPLOYMENTS: list[dict[str, Any]] = yaml.safe_load(
    (ROOT / "prefect.yaml").read_text(encoding="utf-8")
)["deployments"]
SCHEDULED = sorted(d["name"] for d in DEPLOYMENTS if d.get("schedules"))
#: when each scheduled deployment may start, in Ha Noi (prefect.yaml's crons)
ON_SCHEDULE: dict[str, Callable[[datetime], bool]] = {
    "sweep": lambda t: t.minute % 15 == 0 and 8 <= t.hour <= 16 and t.weekday() < 6,
    "deliver-outbox": lambda t: t.minute % 15 == 5 and 8 <= t.hour <= 16 and t.weekday() < 6,
    "monthly-review": lambda t: (t.day, t.hour, t.minute) == (1, 7, 0),
}
SCHEDULER_TIMEOUT = 60  # the scheduler looks every second here (60 s by default)
RUN_TIMEOUT = 90  # due to completed through a worker: ~10 s here
#: a run due this soon is the worker's already (it takes runs up to 10 s ahead)
PREFETCH = timedelta(seconds=15)


@dataclass
class MakePrefect:
    """`make prefect` running: the script, the server it started, dondoc's database."""

    script: Process
    server: PrefectServer
    home: Path
    database_url: str
    #: the processes the script started, seen while it ran (the server, the worker)
    started: set[Pid] = field(default_factory=set)

    def read(self, query: Callable[[Any], Any]) -> Any:
        async def run() -> Any:
            async with self.server.client() as client:
                return await query(client)

        return asyncio.run(run())


def office_database(tmp: Path) -> str:
    """A migrated SQLite database with the standard units and the directive 45/TB-VPCTN
    (one task, due Monday 15/12/2025); its URL."""
    url = f"sqlite:///{tmp / 'dondoc.db'}"
    app = make_app(url, ISSUED)
    with app.session() as session:
        imports.import_units(session, units_file(tmp, *STANDARD_UNITS), ISSUED)
        path = directives_file(tmp, directive("45/TB-VPCTN", task()))
        imports.import_directives(session, path, app.calendar, ISSUED, "cv")
    app.engine.dispose()
    return url


@pytest.fixture(scope="module")
def make_prefect(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakePrefect]:
    tmp = tmp_path_factory.mktemp("make-prefect")
    home = tmp / "prefect-home"  # a caller's PREFECT_HOME, not demo-out/prefect
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    database_url = office_database(tmp)
    env = base_environment() | {
        "PREFECT_HOME": str(home),
        "PREFECT_PORT": str(port),
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1",
        "PREFECT_WORKER_QUERY_SECONDS": "1",  # polls every 10 s by default
        "DONDOC_DATABASE_URL": database_url,
        "DONDOC_SIMULATED_NOW": LATE.isoformat(),
    }
    env |= {f"DONDOC_{name.upper()}": value for name, value in MAIL_SETTINGS.items()}
    script = start("make-prefect", [str(SCRIPT)], env, tmp)
    server = PrefectServer(url, env, tmp, [script], {"server": home / "server.log"})
    running = MakePrefect(script, server, home, database_url)

    def worker_online() -> bool | None:
        if not server.healthy():
            return None
        running.started |= descendants(script.popen.pid)
        try:
            workers = running.read(lambda c: c.read_workers_for_work_pool("dondoc"))
        except PrefectHTTPStatusError as exc:
            if exc.response.status_code == 404:  # the pool is not there yet
                return None
            raise
        return any(w.status == WorkerStatus.ONLINE for w in workers) or None

    try:
        # server start-up, the pool, eleven deployments, `dondoc init`, the worker
        wait_for(server, "worker online", worker_online, STARTUP_TIMEOUT + 120, script)
        running.started |= descendants(script.popen.pid)
        yield running
    finally:
        stop_tree(script, running.started)  # the script gone, its tree is no longer below it


def scheduled_runs(running: MakePrefect, deployment: str) -> list[FlowRun]:
    """The deployment's runs still waiting to start, earliest first."""
    return running.read(  # type: ignore[no-any-return]
        lambda c: c.read_flow_runs(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[deployment])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))
            ),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,
        )
    )


def outbox(url: str) -> list[OutboxRow]:
    app = make_app(url, LATE)
    try:
        with app.session() as session:
            return list(session.exec(select(OutboxRow).order_by(col(OutboxRow.id))))
    finally:
        app.engine.dispose()


# -- tests, in this order --------------------------------------------------------------------


def test_make_prefect_deploys_every_deployment_in_prefect_yaml(make_prefect: MakePrefect) -> None:
    deployments = make_prefect.read(lambda c: c.read_deployments())
    by_name = {d.name: d for d in deployments}
    assert sorted(by_name) == sorted(d["name"] for d in DEPLOYMENTS), make_prefect.server.report()
    assert len(by_name) == 11
    for declared in DEPLOYMENTS:
        deployment = by_name[declared["name"]]
        assert deployment.entrypoint == declared["entrypoint"]
        assert deployment.work_pool_name == "dondoc"
        assert deployment.parameters == (declared.get("parameters") or {})
        assert deployment.enforce_parameter_schema
    # Prefect's state is where the caller's PREFECT_HOME says
    assert (make_prefect.home / "prefect.db").exists()
    assert (make_prefect.home / "server.log").exists()


def test_the_servers_scheduler_makes_the_runs_of_every_scheduled_deployment(
    make_prefect: MakePrefect,
) -> None:
    assert SCHEDULED == ["deliver-outbox", "monthly-review", "sweep"]

    def all_scheduled() -> dict[str, list[FlowRun]] | None:
        runs = {name: scheduled_runs(make_prefect, name) for name in SCHEDULED}
        return runs if all(runs.values()) else None

    runs = wait_for(
        make_prefect.server, "scheduled runs", all_scheduled, SCHEDULER_TIMEOUT, make_prefect.script
    )
    for name, made in runs.items():
        for run in made:
            # made by the server's scheduler from the deployment's schedule, not by hand
            assert run.auto_scheduled, (name, run)
            assert run.created_by is not None
            assert run.created_by.type == "SCHEDULE", (name, run.created_by)
            assert run.expected_start_time is not None
            start = run.expected_start_time.astimezone(HANOI)
            assert ON_SCHEDULE[name](start), f"{name}: {start:%a %d/%m %H:%M} in Ha Noi"
            assert start.second == 0


def test_the_worker_takes_a_sweep_run_made_by_the_scheduler_to_completed(
    make_prefect: MakePrefect,
) -> None:
    server = make_prefect.server
    earliest = wait_for(
        server,
        "scheduled sweep run",
        lambda: next(iter(scheduled_runs(make_prefect, "sweep")), None),
        SCHEDULER_TIMEOUT,
        make_prefect.script,
    )
    assert earliest.created_by is not None
    assert earliest.created_by.type == "SCHEDULE"
    assert earliest.parameters == {"request": {"dry_run": False}}
    assert earliest.expected_start_time is not None
    now = datetime.now(UTC)
    if earliest.expected_start_time > now + PREFETCH:  # due later: due now
        moved = make_prefect.read(
            lambda c: c.set_flow_run_state(earliest.id, Scheduled(scheduled_time=now))
        )
        assert moved.status == SetStateStatus.ACCEPT, server.report(moved)

    def finished() -> FlowRun | None:
        run: FlowRun = make_prefect.read(lambda c: c.read_flow_run(earliest.id))
        return run if run.state is not None and run.state.is_final() else None

    run = wait_for(server, "end of the sweep run", finished, RUN_TIMEOUT, make_prefect.script)
    assert run.state is not None
    assert run.state.is_completed(), server.report(run.state)
    # planned at the worker's 18/12/2025 10:00: the assignment, then overdue and escalated
    kinds = sorted(row.kind for row in outbox(make_prefect.database_url))
    assert kinds == ["assignment", "escalation", "overdue"], server.report()


def test_sigterm_to_make_prefect_stops_the_worker_and_the_server(
    make_prefect: MakePrefect,
) -> None:
    script = make_prefect.script
    started = alive(make_prefect.started | descendants(script.popen.pid))
    assert len(started) >= 2, make_prefect.server.report(started)  # the server, the worker

    script.popen.send_signal(signal.SIGTERM)  # to the script alone, as `kill PID` does
    code = script.popen.wait(60)

    assert code == 128 + signal.SIGTERM, make_prefect.server.report(code)
    deadline = time.monotonic() + 5  # a killed process may take a moment to be reaped
    while alive(started) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(started), make_prefect.server.report(f"left running: {alive(started)}")
    log = script.log.read_text(encoding="utf-8", errors="replace")
    assert "Stopping the worker" in log
    assert "Stopping the Prefect server" in log
    assert "Worker 'ProcessWorker" in log
    assert "stopped!" in log, make_prefect.server.report()  # by itself, not killed
