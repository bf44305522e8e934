"""The coordinator's day through real processes: a Prefect server (`prefect server start`,
its own scheduler, triggers and event services), `prefect deploy` from prefect.yaml, a
worker on the dondoc pool, an aiosmtpd server for the mail.

After a sweep over a prepared book (run through the API, as "Run" in the UI does):
- the overview artifacts at their fixed keys hold the expected rows;
- prefect.yaml's trigger has run deliver-outbox on the sweep's event, with no schedule
  involved, and the mail has reached the SMTP server;
- a decision taken in the decide-completion form leaves the "waiting" overview;
- the events API filtered by the directive returns its assignment, reminder, escalation
  and completion events;
- the monthly review is readable as a markdown artifact.
With Debian's chromium (headless) the UI pages are drawn and, with DONDOC_UPDATE_DOCS=1,
saved as the README's pictures in docs/.
"""

import os
import signal

# before Prefect is imported: it reads its settings once, at import
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import asyncio
import json
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from prefect.blocks.notifications import CustomWebhookNotificationBlock
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
)
from prefect.client.schemas.objects import Artifact, FlowRun
from prefect.client.schemas.sorting import ArtifactSort
from prefect.events import Event, Resource
from prefect.events.clients import PrefectEventsClient
from prefect.events.filters import EventAnyResourceFilter, EventFilter, EventOccurredFilter

from tests.books import MORNING, REFERENCE, attention_book
from tests.conftest import MAIL_SETTINGS, in_ci
from tests.prefect_processes import (
    ROOT,
    PrefectServer,
    deployed_server,
    free_port,
    start,
    wait_for,
    worker_command,
)
from tests.smtp_server import SmtpServer

NOW = MORNING
DEPLOYMENTS = ("sweep", "deliver-outbox", "decide-completion", "monthly-review")
RUN_TIMEOUT = 120
CHROMIUM = "/usr/bin/chromium"
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    with deployed_server(tmp_path_factory.mktemp("prefect-home"), *DEPLOYMENTS) as server:
        yield server


@pytest.fixture
def worker(
    prefect_server: PrefectServer, database_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> Iterator[PrefectServer]:
    attention_book(database_url, tmp_path).engine.dispose()
    env = prefect_server.env | {
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "DONDOC_DATABASE_URL": database_url,
        "DONDOC_SIMULATED_NOW": NOW.isoformat(),
        "DONDOC_SMTP_HOST": smtp_server.host,
        "DONDOC_SMTP_PORT": str(smtp_server.port),
        "DONDOC_REPORT_DIR": str(tmp_path / "reports"),
    }
    env |= {f"DONDOC_{name.upper()}": value for name, value in MAIL_SETTINGS.items()}
    process = start(
        f"worker-{len(prefect_server.processes)}",
        worker_command("dondoc"),
        env,
        prefect_server.logs,
    )
    prefect_server.processes.append(process)
    try:
        yield prefect_server
    finally:
        process.stop(signal.SIGINT)


# -- through the API ---------------------------------------------------------------------------


def run_deployment(server: PrefectServer, name: str, parameters: dict[str, Any]) -> FlowRun:
    """Create a run as the form's Submit does, and wait for its end."""

    async def go() -> FlowRun:
        async with server.client() as client:
            deployment = await client.read_deployment_by_name(f"{name}/{name}")
            run = await client.create_flow_run_from_deployment(deployment.id, parameters=parameters)
            deadline = time.monotonic() + RUN_TIMEOUT
            while not (run.state and run.state.is_final()):
                if time.monotonic() > deadline:
                    pytest.fail(server.report(f"{name}: no final state: {run.state}"))
                await asyncio.sleep(0.5)
                run = await client.read_flow_run(run.id)
            return run

    run = asyncio.run(go())
    assert run.state is not None
    assert run.state.is_completed(), server.report(run.state)
    return run


def runs_of(server: PrefectServer, name: str) -> list[FlowRun]:
    async def read() -> list[FlowRun]:
        async with server.client() as client:
            deployment = await client.read_deployment_by_name(f"{name}/{name}")
            return await client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
                flow_run_filter=FlowRunFilter(),
            )

    return asyncio.run(read())


def latest(server: PrefectServer, key: str) -> Artifact:
    async def read() -> Artifact:
        async with server.client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
                sort=ArtifactSort.CREATED_DESC,
                limit=1,
            )
        assert found, server.report(f"no artifact {key}")
        return found[0]

    return asyncio.run(read())


def rows(server: PrefectServer, key: str) -> list[dict[str, Any]]:
    artifact = latest(server, key)
    assert artifact.type == "table"
    data = json.loads(str(artifact.data))
    assert isinstance(data, list)
    return data


def event_names(server: PrefectServer, resource: str, since: datetime) -> list[tuple[str, str]]:
    """The events about `resource` published since `since` (the module's server also
    holds those of the other database's run of the test)."""

    async def read() -> list[tuple[str, str]]:
        async with server.client() as client:
            page = await client.read_events(
                filter=EventFilter(
                    any_resource=EventAnyResourceFilter(id=[resource]),
                    occurred=EventOccurredFilter(since=since),
                ),
                limit=50,
            )
            found = list(page.events)
            while page.next_page and len(found) < 500:
                page = await client.read_events_page(page.next_page)
                found += page.events
        return [(e.event, e.resource.id) for e in found]

    return asyncio.run(read())


# -- the test ------------------------------------------------------------------------------------


def test_a_coordinators_day_through_a_real_server_and_worker(
    worker: PrefectServer, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    server = worker
    started = datetime.now(UTC)
    sweep = run_deployment(server, "sweep", {"request": {"dry_run": False}})
    assert sweep.name.startswith("rà soát 17/12/2025 09:00"), sweep.name
    assert f"van-ban:{REFERENCE}" in sweep.tags
    assert "scheduled" not in sweep.tags  # a person started it

    # the overview, at its fixed keys
    overdue = rows(server, "tong-quan-qua-han")
    assert [
        (r["Việc"], r["Đơn vị"], r["Quá hạn (ngày LV)"], r["Mức đôn đốc"]) for r in overdue
    ] == [
        ("45/TB-VPCTN#1", "TH", 18, 2),
        ("45/TB-VPCTN#2", "PL", 3, 1),
    ]
    assert overdue[1]["Nhiệm vụ"] == "2\\. Tổng hợp báo cáo"
    assert [(r["Việc"], r["Còn (ngày LV)"]) for r in rows(server, "tong-quan-sap-den-han")] == [
        ("45/TB-VPCTN#3", 2)
    ]
    waiting = rows(server, "tong-quan-cho-quyet-dinh")
    assert [(r["Việc"], r["Chờ quyết định"]) for r in waiting] == [
        ("45/TB-VPCTN#4", "Đã báo cáo kết quả")
    ]
    by_unit = {r["Đơn vị"]: r["Quá hạn"] for r in rows(server, "tong-quan-don-vi")}
    assert by_unit == {"Vụ TH (TH)": 1, "Vụ PL (PL)": 1, "Vụ DN (DN)": 0}

    # the trigger: a delivery made by the automation, not by the scheduler
    def delivered() -> FlowRun | None:
        done = [r for r in runs_of(server, "deliver-outbox") if r.state and r.state.is_final()]
        return done[0] if done else None

    delivery = wait_for(server, "a delivery after the sweep", delivered, 90)
    assert delivery.state is not None
    assert delivery.state.is_completed(), server.report()
    assert not delivery.auto_scheduled
    assert delivery.created_by is not None
    assert delivery.created_by.type == "AUTOMATION"
    assert "scheduled" not in delivery.tags
    mail = wait_for(server, "the mail", lambda: smtp_server.received[4:] or None, 30)
    assert mail, server.report(delivery.state.message)

    # a decision in the form: the result of task 4 accepted, by reference and number
    decision = run_deployment(
        server,
        "decide-completion",
        {"decision": {"task": "45/TB-VPCTN#4", "decision": "Xác nhận hoàn thành", "note": "Đạt"}},
    )
    assert decision.name == "xác nhận 45/TB-VPCTN#4"
    assert rows(server, "tong-quan-cho-quyet-dinh") == []

    # the directive's whole timeline in the events API
    resource = f"dondoc.directive.{REFERENCE}"

    def timeline() -> list[tuple[str, str]] | None:
        found = event_names(server, resource, started)
        names = {name for name, _ in found}
        wanted = {"dondoc.task.assigned", "dondoc.task.reminded", "dondoc.task.escalated",
                  "dondoc.task.completed"}  # fmt: skip
        have_four = ("dondoc.task.completed", "dondoc.task.4") in found
        return found if wanted <= names and have_four else None

    found = wait_for(server, "the directive's events", timeline, 60)
    assert found.count(("dondoc.task.assigned", "dondoc.task.1")) == 1
    assert ("dondoc.task.escalated", "dondoc.task.1") in found
    assert ("dondoc.task.reminded", "dondoc.task.3") in found

    # the monthly review, readable in the UI
    review = run_deployment(
        server, "monthly-review", {"request": {"month": "2025-11", "lang": "Tiếng Việt"}}
    )
    assert review.name == "báo cáo tháng 2025-11"
    text = str(latest(server, "bao-cao-thang-2025-11").data)
    assert "## Báo cáo tình hình thực hiện nhiệm vụ tháng 11/2025" in text
    assert "### Theo đơn vị" in text
    assert "### Nhiệm vụ quá hạn" in text

    if Path(CHROMIUM).exists() or in_ci():
        pictures(server, resource, tmp_path)


# -- the UI in a browser -------------------------------------------------------------------------

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--virtual-time-budget=20000",
]


def chromium(tmp_path: Path, url: str, *output: str, size: str = "1400,1000") -> bytes:
    profile = tmp_path / f"chromium-{len(list(tmp_path.iterdir()))}"
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--window-size={size}", f"--user-data-dir={profile}", *output, url],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def pictures(server: PrefectServer, resource: str, tmp_path: Path) -> None:
    """Each page drawn by the UI shows what the API holds; saved to docs/ on request."""
    ui = server.url.removesuffix("/api")
    overdue = latest(server, "tong-quan-qua-han").id
    review = latest(server, "bao-cao-thang-2025-11").id
    pages = {
        "prefect-overview-overdue.png": (
            f"{ui}/artifacts/artifact/{overdue}",
            "Tổng hợp báo cáo",
        ),
        "prefect-directive-events.png": (
            f"{ui}/events?" + urllib.parse.urlencode({"resource": resource}),
            "dondoc.task.completed",
        ),
        "prefect-monthly-review.png": (
            f"{ui}/artifacts/artifact/{review}",
            "Báo cáo tình hình thực hiện nhiệm vụ tháng 11/2025",
        ),
    }
    for name, (url, expected) in pages.items():
        dom = chromium(tmp_path, url, "--dump-dom").decode("utf-8")
        assert expected in dom, server.report(f"{url}: no {expected!r} in the page", dom[-3000:])
        if name == "prefect-overview-overdue.png":
            assert "2. Tổng hợp báo cáo" in dom  # drawn as itself, not as a list from 1
        picture = tmp_path / name
        chromium(tmp_path, url, f"--screenshot={picture}")
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        if os.environ.get("DONDOC_UPDATE_DOCS") == "1":
            (DOCS / name).write_bytes(picture.read_bytes())


class Webhook:
    """A local HTTP endpoint standing for the office's messaging gateway: what it is
    posted, as JSON."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                owner.received.append(json.loads(self.rfile.read(length) or b"{}"))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()


def test_the_example_automation_tells_the_leadership_of_a_level_3_escalation(
    prefect_server: PrefectServer, tmp_path: Path
) -> None:
    """docs/automation-level-3.yaml, created as its comments say (a notification block,
    its id in the file, `prefect automation create --from-file`), fires on a level-3
    escalation event and not on a level-2 one."""
    hook = Webhook()
    try:

        async def make_block() -> UUID:
            async with prefect_server.client() as client:
                block = CustomWebhookNotificationBlock(
                    name="dondoc",
                    url=hook.url,
                    json_data={"subject": "{{subject}}", "body": "{{body}}"},
                    allow_private_urls=True,
                )
                return await block._save("cong-nhan-tin", overwrite=True, client=client)

        block_id = asyncio.run(make_block())
        spec = (DOCS / "automation-level-3.yaml").read_text(encoding="utf-8")
        assert "00000000-0000-0000-0000-000000000000" in spec
        spec = spec.replace("00000000-0000-0000-0000-000000000000", str(block_id))
        (tmp_path / "automation.yaml").write_text(spec, encoding="utf-8")
        prefect_server.prefect(
            "automation", "create", "--from-file", str(tmp_path / "automation.yaml")
        )

        async def emit(level: int, task_id: int) -> None:
            event = Event(
                event="dondoc.task.escalated",
                resource=Resource(
                    {
                        "prefect.resource.id": f"dondoc.task.{task_id}",
                        "prefect.resource.name": f"45/TB-VPCTN#{task_id} Rà soát",
                        "dondoc.directive": "45/TB-VPCTN",
                        "dondoc.unit": "TH",
                        "dondoc.escalation.level": str(level),
                    }
                ),
                payload={"reason": f"Quá hạn: nâng mức đôn đốc lên mức {level}", "at": "x"},
            )
            async with PrefectEventsClient(api_url=prefect_server.url) as events:
                await events.emit(event)

        asyncio.run(emit(2, 7))
        asyncio.run(emit(3, 8))
        posted = wait_for(prefect_server, "the notification", lambda: hook.received or None, 60)
        time.sleep(3)  # a notification for the level-2 event would have come by now
        assert len(hook.received) == 1, hook.received
        assert posted[0]["subject"] == "[Đôn đốc mức 3] 45/TB-VPCTN#8 Rà soát"
        assert "đơn vị chủ trì TH" in posted[0]["body"]
        assert "nâng mức đôn đốc lên mức 3" in posted[0]["body"]
    finally:
        hook.close()
