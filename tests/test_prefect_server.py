"""The whole way a coordinator goes, with real processes: a Prefect server (`prefect server
start`, SQLite, analytics off), `prefect deploy` from prefect.yaml, a worker on the dondoc
pool, and issue-directive triggered through the Prefect API with parameters, as the form
sends them. What counts is what lands in dondoc's database and on the run.

The server starts once for the module (10-25 s); each test gets its own database (SQLite
and PostgreSQL) and its own worker pointed at it, as a worker's DONDOC_ environment does.
Every process is started in its own process group and killed at teardown; on a failure
the assertion message carries the tail of their logs.
"""

import os
import signal

# before Prefect is imported: it reads its settings once, at import
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import asyncio
import json
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.client.schemas.objects import Artifact, FlowRun
from sqlmodel import col, select

from engine.services import imports
from engine.store.tables import TaskRow
from tests.builders import STANDARD_UNITS, units_file
from tests.conftest import MAIL_SETTINGS, in_ci, make_app
from tests.prefect_processes import PREFECT, ROOT, PrefectServer, deployed_server, start

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)  # the issue day, Wednesday, office hours
REFERENCE = "45/TB-VPCTN"
DEPLOYMENT = "issue-directive/issue-directive"
RUN_TIMEOUT = 90  # trigger to completion through a worker: 10-14 s here


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    with deployed_server(tmp_path_factory.mktemp("prefect-home"), "issue-directive") as server:
        yield server


@pytest.fixture
def office(database_url: str, tmp_path: Path) -> str:
    """A migrated database with the standard units; its URL."""
    app = make_app(database_url, NOW)
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), NOW)
    app.engine.dispose()
    return database_url


@pytest.fixture
def worker(prefect_server: PrefectServer, office: str) -> Iterator[PrefectServer]:
    """A worker on the dondoc pool whose runs work on the office's database, with the
    clock at 09:00 on 26/11/2025 in Ha Noi."""
    env = prefect_server.env | {
        "PREFECT_WORKER_QUERY_SECONDS": "1",  # polls every 10 s by default
        "DONDOC_DATABASE_URL": office,
        "DONDOC_SIMULATED_NOW": NOW.isoformat(),
    }
    env |= {f"DONDOC_{name.upper()}": value for name, value in MAIL_SETTINGS.items()}
    process = start(
        f"worker-{len(prefect_server.processes)}",
        # SIGINT stops a worker, and a process started from a background job inherits
        # it ignored: give the worker its default back (as scripts/prefect-local.sh does)
        ["env", "--default-signal=INT", PREFECT, "worker", "start", "--pool", "dondoc"],
        env,
        prefect_server.logs,
    )
    prefect_server.processes.append(process)
    try:
        yield prefect_server
    finally:
        process.stop(signal.SIGINT)  # a worker ignores SIGTERM: without it, 15 s of grace


# -- through the API -----------------------------------------------------------------------


@dataclass
class Triggered:
    run: FlowRun
    artifacts: dict[str | None, Artifact]


async def _trigger(server: PrefectServer, parameters: dict[str, Any]) -> Triggered:
    async with server.client() as client:
        deployment = await client.read_deployment_by_name(DEPLOYMENT)
        run = await client.create_flow_run_from_deployment(deployment.id, parameters=parameters)
        deadline = time.monotonic() + RUN_TIMEOUT
        while not (run.state and run.state.is_final()):
            if time.monotonic() > deadline:
                pytest.fail(server.report(f"no final state in {RUN_TIMEOUT} s: {run.state}"))
            await asyncio.sleep(0.5)
            run = await client.read_flow_run(run.id)
        artifacts = await client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
        )
    return Triggered(run, {a.key: a for a in artifacts if a.type in ("table", "markdown")})


def trigger(server: PrefectServer, parameters: dict[str, Any]) -> Triggered:
    """Create a run of issue-directive as the form's Submit does, and wait for its end."""
    return asyncio.run(_trigger(server, parameters))


def stored_tasks(url: str) -> list[TaskRow]:
    app = make_app(url, NOW)
    try:
        with app.session() as session:
            return list(session.exec(select(TaskRow).order_by(col(TaskRow.id))))
    finally:
        app.engine.dispose()


def rows(artifact: Artifact) -> list[dict[str, Any]]:
    assert artifact.type == "table"
    data = json.loads(str(artifact.data))
    assert isinstance(data, list)
    return data


# -- tests -----------------------------------------------------------------------------------


def test_a_directive_submitted_through_the_api_is_stored_by_the_worker_and_shown_on_the_run(
    worker: PrefectServer, office: str
) -> None:
    # what the deployment's form sends: JSON, dates as ISO strings
    directive = {
        "reference": REFERENCE,
        "title": "Thông báo kết luận của Chủ tịch nước",
        "issuer": "Chủ tịch nước",
        "issued_on": "2025-11-26",
        "tasks": [
            {
                "number": "4",
                "title": "Xây dựng Chương trình công tác năm 2026",
                "lead_unit": "TH",
                "coordinating_units": ["PL"],
                "deadline": "2025-12-15",
                "deliverable": "Dự thảo Chương trình",
                "authority": "Chủ nhiệm Văn phòng",
            },
            {
                "number": "5",
                "title": "Tổng kết công tác năm",
                "lead_unit": "PL",
                "deadline_working_days": 10,
                "deliverable": "Báo cáo tổng kết",
                "authority": "Chủ nhiệm Văn phòng",
            },
        ],
        "entered_by": "Nguyễn Thu Hà",
    }
    ran = trigger(worker, {"directive": directive})

    state = ran.run.state
    assert state is not None
    assert state.is_completed(), worker.report(state)
    tasks = stored_tasks(office)
    assert [(t.status, t.lead_unit, t.deadline) for t in tasks] == [
        ("assigned", "TH", date(2025, 12, 15)),
        ("assigned", "PL", date(2025, 12, 10)),  # 10 working days from Wed 26/11/2025
    ]
    imported = rows(ran.artifacts["nhap-van-ban"])  # by deadline
    assert [(r["Số hiệu"], r["Mã"], r["Đơn vị chủ trì"], r["Thời hạn"]) for r in imported] == [
        (REFERENCE, tasks[1].id, "Vụ PL (PL)", "10/12/2025"),
        (REFERENCE, tasks[0].id, "Vụ TH (TH)", "15/12/2025"),
    ]
    assert [r["Trạng thái"] for r in rows(ran.artifacts["van-ban-45-tb-vpctn"])] == [
        "Đã giao",
        "Đã giao",
    ]
    assert "van-ban:45/TB-VPCTN" in ran.run.tags


def test_a_bad_entry_through_the_api_fails_the_run_with_the_vietnamese_message(
    worker: PrefectServer, office: str
) -> None:
    # the server checks the schema, not the dates: the flow refuses the entry whole
    directive = {
        "reference": REFERENCE,
        "title": "Thông báo kết luận",
        "issuer": "Chủ tịch nước",
        "issued_on": "2025-11-26",
        "tasks": [{"title": "Xây dựng", "lead_unit": "XX", "deadline": "2025-13-01"}],
    }
    ran = trigger(worker, {"directive": directive})

    state = ran.run.state
    assert state is not None
    assert state.is_failed(), worker.report(state)
    message = str(state.message)
    assert "Có 2 lỗi; chưa nhập dữ liệu nào:" in message, worker.report(message)
    assert (
        "Biểu mẫu Prefect, nhiệm vụ 1, trường 'Đơn vị chủ trì': mã đơn vị XX không có trong"
        " danh mục" in message
    )
    assert "trường 'Thời hạn': ngày không hợp lệ: '2025-13-01'" in message
    assert stored_tasks(office) == []
    refusal = ran.artifacts["nhap-van-ban"]
    assert "mã đơn vị XX không có trong danh mục" in str(refusal.data)


# -- the form in the Prefect UI, in a real headless browser ----------------------------------

CHROMIUM = "/usr/bin/chromium"
#: the browser stays off the network but for the local server (this machine has no other)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1400,2700",
    "--virtual-time-budget=20000",  # let the UI's scripts fetch the schema and draw the form
]
#: the Vietnamese labels of the form, as the flow's parameter models declare them
FORM_LABELS = [
    "Số hiệu văn bản",
    "Trích yếu",
    "Người/cơ quan chỉ đạo",
    "Ngày ban hành",
    "Nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời hạn",
    "Số ngày làm việc",
    "Sản phẩm",
    "Cấp có thẩm quyền",
]
SCREENSHOT = ROOT / "docs" / "prefect-issue-directive-form.png"


def chromium(tmp_path: Path, url: str, *output: str) -> subprocess.CompletedProcess[bytes]:
    profile = tmp_path / f"chromium-{len(list(tmp_path.iterdir()))}"
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *output, url],
        capture_output=True,
        timeout=120,
        check=True,
    )


@pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not in_ci(),
    reason="Debian's chromium is not installed (make install brings it)",
)
def test_the_issue_directive_form_shows_vietnamese_labels_in_the_prefect_ui(
    prefect_server: PrefectServer, tmp_path: Path
) -> None:
    async def deployment_id() -> str:
        async with prefect_server.client() as client:
            return str((await client.read_deployment_by_name(DEPLOYMENT)).id)

    ui = prefect_server.url.removesuffix("/api")
    # the form as "Run > Custom run" opens it, one empty task added to show its fields
    opened = json.dumps({"directive": {"tasks": [{"title": ""}]}})
    url = f"{ui}/deployments/deployment/{asyncio.run(deployment_id())}/run?" + (
        urllib.parse.urlencode({"parameters": opened})
    )

    dom = chromium(tmp_path, url, "--dump-dom").stdout.decode("utf-8")
    missing = [label for label in FORM_LABELS if label not in dom]
    assert not missing, prefect_server.report(f"labels not in the page: {missing}", dom[-2000:])
    # optional fields are plain inputs, not the UI's "str | None" switch
    assert 'Property is type "None"' not in dom

    picture = tmp_path / "form.png"
    chromium(tmp_path, url, f"--screenshot={picture}")
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_size > 50_000  # a drawn form, not a blank page
    if os.environ.get("DONDOC_UPDATE_DOCS") == "1":  # refresh the one in docs/
        SCREENSHOT.parent.mkdir(exist_ok=True)
        SCREENSHOT.write_bytes(picture.read_bytes())
