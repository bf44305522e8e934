"""The Prefect flows under Prefect's test harness, on SQLite and PostgreSQL: what each run
leaves in dondoc's database, what it publishes, and how it fails.

The harness starts a Prefect server once for the session (20-40 s); only this module
uses it. Each flow reads its settings from the DONDOC_ environment, as on a worker.
"""

import os

# before Prefect is imported: it reads its settings once, at import
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import asyncio
import json
import logging
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import Artifact, State
from prefect.events import Event
from prefect.events.filters import EventAnyResourceFilter, EventFilter, EventRelatedFilter
from prefect.logging.handlers import APILogWorker
from sqlmodel import col, select
from typer.testing import CliRunner

from engine import cli
from engine.domain.lifecycle import Status
from engine.services import imports, tasks
from engine.services.deps import Deps
from engine.services.sweep import sweep as plan_reminders
from engine.store.tables import DirectiveRow, NoticeRow, OutboxRow, TaskEventRow, TaskRow
from tests.builders import STANDARD_UNITS, directive, directives_file, task, units_file
from tests.conftest import MAIL_SETTINGS, make_app
from tests.smtp_server import SmtpServer
from workflows.artifacts import md_escape
from workflows.common import RunRefused, parse_form
from workflows.decisions import (
    CompletionForm,
    ExtensionForm,
    PauseForm,
    ProgressForm,
    decide_completion,
    decide_decline,
    decide_extension,
    pause_task,
    record_progress,
)
from workflows.directives import (
    DirectiveForm,
    FileForm,
    TaskForm,
    import_directive_file,
    issue_directive,
)
from workflows.reminders import DeliveryForm, SweepForm, deliver_outbox, sweep
from workflows.review import ReviewForm, monthly_review, previous_month, review_key

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)  # the issue day, Wednesday, office hours
EVENING = datetime(2025, 11, 26, 19, 30, tzinfo=HANOI)
REFERENCE = "45/TB-VPCTN"
KEY = "van-ban-45-tb-vpctn"
HEADERS = ["Mã", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Trạng thái", "Phân loại"]


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def office(
    database_url: str, prefect_server: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Deps]:
    """A migrated database with the standard units, and a worker's environment that
    points the flows at it with the clock at 09:00 on 26/11/2025 in Ha Noi."""
    app = make_app(database_url, NOW)
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), NOW)
    monkeypatch.setenv("DONDOC_DATABASE_URL", database_url)
    monkeypatch.setenv("DONDOC_SIMULATED_NOW", NOW.isoformat())
    for name, value in MAIL_SETTINGS.items():
        monkeypatch.setenv(f"DONDOC_{name.upper()}", value)
    for name in ("DONDOC_LANG", "DONDOC_IMPORT_STRICT", "DONDOC_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    yield app
    app.engine.dispose()


def load(app: Deps, tmp_path: Path, *tasks_: dict[str, object]) -> None:
    """The directive 45/TB-VPCTN with its tasks, imported at NOW."""
    path = directives_file(tmp_path, directive(REFERENCE, *(tasks_ or (task(),))), name="d.yaml")
    with app.session() as session:
        imports.import_directives(session, path, app.calendar, NOW, "cv")


# -- running a flow and reading what it published ------------------------------------------


@dataclass
class Ran:
    state: State

    @property
    def id(self) -> Any:
        return self.state.state_details.flow_run_id

    def result(self) -> Any:
        assert self.state.is_completed(), self.state.message
        return self.state.result()

    def error(self) -> BaseException:
        assert self.state.is_failed(), self.state
        error = self.state.result(raise_on_failure=False)
        assert isinstance(error, BaseException)
        return error

    def artifacts(self) -> dict[str | None, Artifact]:
        """This run's artifacts by key (None: the unkeyed one), leaving out the record of
        a failed run's exception that Prefect keeps (an artifact without a type)."""

        async def read() -> list[Artifact]:
            async with get_client() as client:
                return await client.read_artifacts(
                    artifact_filter=ArtifactFilter(
                        flow_run_id=ArtifactFilterFlowRunId(any_=[self.id])
                    )
                )

        return {a.key: a for a in asyncio.run(read()) if a.type in ("table", "markdown")}

    def table(self, key: str) -> list[dict[str, Any]]:
        artifact = self.artifacts()[key]
        assert artifact.type == "table"
        rows = json.loads(str(artifact.data))
        assert isinstance(rows, list)
        return rows

    def markdown(self, key: str | None) -> str:
        artifact = self.artifacts()[key]
        assert artifact.type == "markdown"
        return " ".join(str(artifact.data).split())

    def logs(self) -> list[tuple[int, str]]:
        """The run's log lines (its tasks' included), as the UI shows them: level, text."""

        APILogWorker.drain_all()  # the run's last lines are still on their way

        async def read() -> list[tuple[int, str]]:
            async with get_client() as client:
                found = await client.read_logs(
                    LogFilter(flow_run_id=LogFilterFlowRunId(any_=[self.id]))
                )
                return [(log.level, log.message) for log in found]

        return asyncio.run(read())

    def name(self) -> str:
        async def read() -> str:
            async with get_client() as client:
                return (await client.read_flow_run(self.id)).name

        return asyncio.run(read())

    def events(self, resource: str, count: int = 0, timeout: float = 30) -> list[Event]:
        """The events this run published about `resource` (primary or related): once
        `count` of them are there (the server stores them in batches, every few seconds),
        or what is there after `timeout` seconds."""
        run_resource = f"prefect.flow-run.{self.id}"

        async def read() -> list[Event]:
            async with get_client() as client:
                page = await client.read_events(
                    filter=EventFilter(
                        any_resource=EventAnyResourceFilter(id=[resource]),
                        related=EventRelatedFilter(id=[run_resource]),
                    ),
                    limit=50,
                )
                return list(page.events)

        deadline = time.monotonic() + timeout
        found = asyncio.run(read())
        while (not count or len(found) < count) and time.monotonic() < deadline:
            time.sleep(1)
            found = asyncio.run(read())
        return found

    def tags(self) -> list[str]:
        async def read() -> list[str]:
            async with get_client() as client:
                return list((await client.read_flow_run(self.id)).tags)

        return asyncio.run(read())


def run(flow: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> Ran:
    return Ran(asyncio.run(flow(*args, return_state=True)))


def stored_tasks(app: Deps) -> list[TaskRow]:
    with app.session() as session:
        return list(session.exec(select(TaskRow).order_by(col(TaskRow.id))))


def outbox(app: Deps) -> list[OutboxRow]:
    with app.session() as session:
        return list(session.exec(select(OutboxRow).order_by(col(OutboxRow.id))))


def events(app: Deps, task_id: int) -> list[TaskEventRow]:
    with app.session() as session:
        return list(
            session.exec(
                select(TaskEventRow)
                .where(TaskEventRow.task_id == task_id)
                .order_by(col(TaskEventRow.id))
            )
        )


# -- entering directives -----------------------------------------------------------------


def test_a_directive_entered_in_the_form_is_stored_and_shown_under_its_reference(
    office: Deps,
) -> None:
    form = DirectiveForm(
        reference=REFERENCE,
        title="Thông báo kết luận của Chủ tịch nước",
        issuer="Chủ tịch nước",
        issued_on=date(2025, 11, 26),
        tasks=[
            TaskForm(
                number="4",
                title="Xây dựng Chương trình công tác năm 2026",
                lead_unit="th",
                coordinating_units=["PL"],
                deadline=date(2025, 12, 15),
                deliverable="Dự thảo Chương trình",
                authority="Chủ nhiệm Văn phòng",
            ),
            TaskForm(
                number="5", title="Tổng kết công tác năm", lead_unit="PL", deadline_working_days=10
            ),
        ],
        entered_by="Nguyễn Thu Hà",
    )
    ran = run(issue_directive, form)

    assert ran.result() == {"references": [REFERENCE], "tasks": 2, "drafts": 1}
    first, second = stored_tasks(office)
    assert (first.status, first.lead_unit, first.deadline) == ("assigned", "TH", date(2025, 12, 15))
    # 10 working days from Wednesday 26/11/2025
    assert (second.status, second.deadline) == ("draft", date(2025, 12, 10))
    assert second.missing == ["deliverable", "authority"]
    [event] = events(office, first.id or 0)
    assert (event.actor, event.reason) == ("Nguyễn Thu Hà", "Nhập từ Biểu mẫu Prefect")

    imported = ran.artifacts()["nhap-van-ban"]
    assert "Đã nhập 1 văn bản (45/TB-VPCTN), 2 nhiệm vụ." in str(imported.description)
    assert (
        "Biểu mẫu Prefect, nhiệm vụ 2: chưa đủ 6 rõ, còn thiếu: sản phẩm; cấp có thẩm quyền"
        in str(imported.description)
    )
    rows = {r["Mã"]: r for r in ran.table("nhap-van-ban")}
    assert list(rows[1]) == ["Số hiệu", *HEADERS]
    assert rows[1] == {
        "Số hiệu": REFERENCE,
        "Mã": 1,
        # escaped: the UI draws a cell as markdown, and "4. X" would be a list from 1
        "Nhiệm vụ": "4\\. Xây dựng Chương trình công tác năm 2026",
        "Đơn vị chủ trì": "Vụ TH (TH)",
        "Thời hạn": "15/12/2025",
        "Trạng thái": "Đã giao",
        "Phân loại": "Đang thực hiện trong hạn",
    }
    directive_rows = ran.table(KEY)
    assert [r["Trạng thái"] for r in directive_rows] == ["Dự thảo (chưa giao)", "Đã giao"]
    assert "còn thiếu: sản phẩm; cấp có thẩm quyền" in directive_rows[0]["Nhiệm vụ"]
    assert "van-ban:45/TB-VPCTN" in ran.tags()


def test_a_bad_entry_from_the_server_fails_the_run_with_each_problem_located(
    office: Deps,
) -> None:
    # what the server passes on from the form: it checks the schema, not the dates
    entry = {
        "reference": REFERENCE,
        "title": "Thông báo kết luận",
        "issuer": "Chủ tịch nước",
        "issued_on": "2025-11-26",
        "tasks": [{"title": "Xây dựng", "lead_unit": "XX", "deadline": "2025-13-01"}],
    }
    ran = run(issue_directive, entry)

    expected = (
        "Có 2 lỗi; chưa nhập dữ liệu nào:\n"
        "  - Biểu mẫu Prefect, nhiệm vụ 1, trường 'Đơn vị chủ trì': mã đơn vị XX không có trong"
        " danh mục\n"
        "  - Biểu mẫu Prefect, nhiệm vụ 1, trường 'Thời hạn': ngày không hợp lệ: '2025-13-01'"
        " (cần dạng 15/12/2025 hoặc 2025-12-15)"
    )
    error = ran.error()
    assert isinstance(error, RunRefused)
    assert str(error) == expected
    assert expected in str(ran.state.message)
    assert stored_tasks(office) == []
    assert "mã đơn vị XX không có trong danh mục" in ran.markdown("nhap-van-ban")
    artifact = ran.artifacts()["nhap-van-ban"]
    assert artifact.description.startswith(
        "Không thực hiện được: Có 2 lỗi; chưa nhập dữ liệu nào: Biểu mẫu Prefect, nhiệm vụ 1,"
    )
    # the run's log: the refusal on one line, in Vietnamese, and no traceback
    logs = ran.logs()
    [line] = [m for level, m in logs if level >= logging.ERROR and m.startswith("Có 2 lỗi")]
    assert line == " ".join(
        [
            "Có 2 lỗi; chưa nhập dữ liệu nào:",
            "Biểu mẫu Prefect, nhiệm vụ 1, trường 'Đơn vị chủ trì': mã đơn vị XX không có trong"
            " danh mục",
            "Biểu mẫu Prefect, nhiệm vụ 1, trường 'Thời hạn': ngày không hợp lệ: '2025-13-01'"
            " (cần dạng 15/12/2025 hoặc 2025-12-15)",
        ]
    )
    assert not [m for _, m in logs if "Traceback" in m or "ImportRefused" in m]


def test_a_directive_file_is_imported_with_its_tasks(office: Deps, tmp_path: Path) -> None:
    path = directives_file(
        tmp_path,
        directive(REFERENCE, task(), task("Tổng kết công tác năm", lead_unit="PL")),
        directive("12/TB-VPCTN", task("Theo dõi tình hình", deadline=None, recurrence="ongoing")),
    )
    ran = run(import_directive_file, FileForm(path=str(path), entered_by="cv"))

    assert ran.result() == {"references": [REFERENCE, "12/TB-VPCTN"], "tasks": 3, "drafts": 0}
    with office.session() as session:
        assert sorted(session.exec(select(DirectiveRow.reference)).all()) == [
            "12/TB-VPCTN",
            REFERENCE,
        ]
    assert [t.status for t in stored_tasks(office)] == ["assigned"] * 3
    assert [r["Số hiệu"] for r in ran.table("nhap-van-ban")] == [
        REFERENCE,
        REFERENCE,
        "12/TB-VPCTN",
    ]
    assert [r["Phân loại"] for r in ran.table("van-ban-12-tb-vpctn")] == ["Nhiệm vụ thường xuyên"]
    assert len(ran.table(KEY)) == 2
    assert {"van-ban:45/TB-VPCTN", "van-ban:12/TB-VPCTN"} <= set(ran.tags())


def test_a_refused_file_fails_the_run_with_the_message_the_cli_prints(
    office: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = directives_file(
        tmp_path,
        directive(REFERENCE, task(lead_unit="XX"), task(deadline="2025-11-01")),
        name="bad.yaml",
    )
    ran = run(import_directive_file, {"path": str(path)})

    monkeypatch.setattr(cli.errors, "width", 500)
    said = CliRunner().invoke(cli.app, ["directive", "import", str(path)])
    assert said.exit_code == 2
    error = ran.error()
    assert isinstance(error, RunRefused)
    assert str(error).splitlines() == said.stderr.strip().splitlines()
    assert str(error).startswith("Có 2 lỗi; chưa nhập dữ liệu nào:")
    assert "bad.yaml, directives[0].tasks[0], trường 'lead_unit'" in str(error)
    assert stored_tasks(office) == []


# -- reminders and mail --------------------------------------------------------------------


def test_the_sweep_plans_each_notice_once_and_shows_the_mail_and_escalations(
    office: Deps, tmp_path: Path
) -> None:
    load(office, tmp_path)  # deadline Monday 15/12/2025

    evening = run(sweep, SweepForm(as_of=EVENING))
    assert evening.result()["in_office_hours"] is False
    assert "ngoài giờ làm việc hoặc ngày nghỉ — không gửi gì" in evening.markdown("ra-soat")

    late = datetime(2025, 12, 18, 10, 0, tzinfo=HANOI)  # 3 working days overdue
    first = run(sweep, SweepForm(as_of=late))
    again = run(sweep, {"as_of": "2025-12-18T10:00:00"})  # no zone: read in Ha Noi

    assert first.result()["escalations"] == 1
    assert again.result() | {"tasks_checked": 0} == {
        "in_office_hours": True,
        "tasks_checked": 0,
        "mails": 0,
        "escalations": 0,
        "instances": 0,
    }
    with office.session() as session:
        kinds = sorted(session.exec(select(NoticeRow.kind)).all())
    assert kinds == ["assignment", "escalation", "overdue"]
    assert sorted(r.kind for r in outbox(office)) == ["assignment", "escalation", "overdue"]
    assert any(e.payload.get("escalation_level") == 1 for e in events(office, 1))

    summary = first.markdown("ra-soat")
    assert (
        "18/12/2025 10:00: kiểm tra 1 nhiệm vụ; 3 thư vào hàng đợi; 1 lần nâng mức đôn đốc"
        in summary
    )
    assert "| Giao nhiệm vụ | th@example.vn |" in summary
    assert "| Nâng mức đôn đốc |" in summary
    assert "| Mức đôn đốc |" in summary
    assert (
        "| 45/TB-VPCTN | 1 | Xây dựng Chương trình công tác năm 2026 | TH | 15/12/2025 | 1 |"
        in summary
    )
    [row] = first.table(KEY)
    assert row["Phân loại"] == "Chưa hoàn thành, quá hạn 3 ngày làm việc"
    assert KEY not in again.artifacts()  # nothing said about it: nothing to refresh


def test_a_sweep_refreshes_the_overview_tags_its_directives_and_publishes_the_changes(
    office: Deps, tmp_path: Path
) -> None:
    load(
        office,
        tmp_path,
        task(number="1"),  # due 15/12: 3 working days overdue on 18/12, level 1
        task("2. Tổng hợp báo cáo", number="2", lead_unit="PL", deadline="2025-12-22"),
    )
    late = datetime(2025, 12, 18, 10, 0, tzinfo=HANOI)
    ran = run(sweep, SweepForm(as_of=late))

    assert ran.result()["escalations"] == 1
    overdue = ran.table("tong-quan-qua-han")
    assert list(overdue[0]) == [
        "Việc", "Đơn vị", "Quá hạn (ngày LV)", "Mức đôn đốc", "Người chủ trì", "Thời hạn",
        "Nhiệm vụ",
    ]  # fmt: skip
    assert [(r["Việc"], r["Quá hạn (ngày LV)"], r["Mức đôn đốc"]) for r in overdue] == [
        ("45/TB-VPCTN#1", 3, 1)
    ]
    soon = ran.table("tong-quan-sap-den-han")
    assert [(r["Việc"], r["Còn (ngày LV)"], r["Nhiệm vụ"]) for r in soon] == [
        ("45/TB-VPCTN#2", 2, "2\\. Tổng hợp báo cáo")  # escaped: not a list from 1
    ]
    assert ran.table("tong-quan-cho-quyet-dinh") == []
    units = {r["Đơn vị"]: r for r in ran.table("tong-quan-don-vi")}
    assert (units["Vụ TH (TH)"]["Quá hạn"], units["Vụ PL (PL)"]["Sắp đến hạn"]) == (1, 1)
    assert "van-ban:45/TB-VPCTN" in ran.tags()
    assert "scheduled" not in ran.tags()  # started by hand, not by the scheduler
    assert ran.name().startswith("rà soát 18/12/2025 10:00")

    # 2 assignments, 1 escalation, 2 reminders (the overdue one, and 2 days before #2's)
    events = ran.events(f"dondoc.directive.{REFERENCE}", count=5)
    assert len(events) == 5
    by_name = sorted({e.event for e in events})
    assert by_name == [
        "dondoc.task.assigned",
        "dondoc.task.escalated",
        "dondoc.task.reminded",
    ]
    [escalated] = [e for e in events if e.event == "dondoc.task.escalated"]
    assert escalated.resource.id == "dondoc.task.1"
    assert escalated.resource["dondoc.escalation.level"] == "1"
    assert {r.role: r.id for r in escalated.related if r.role in ("directive", "unit")} == {
        "directive": "dondoc.directive.45/TB-VPCTN",
        "unit": "dondoc.unit.TH",
    }
    assert escalated.payload["summary"] == "45/TB-VPCTN#1: nâng mức đôn đốc lên mức 1"
    assert any(r.role == "flow-run" for r in escalated.related)  # the sweep that did it
    # the same changes are not published again
    second = run(sweep, SweepForm(as_of=late))
    assert second.events(f"dondoc.directive.{REFERENCE}", timeout=8) == []
    planned = ran.events("dondoc.outbox", count=1)
    assert [(e.event, e.payload["mails"]) for e in planned] == [("dondoc.outbox.planned", 5)]


def test_delivery_waits_for_office_hours_then_sends_and_lists_the_mail(
    office: Deps, tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DONDOC_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("DONDOC_SMTP_PORT", str(smtp_server.port))
    load(office, tmp_path)
    plan_reminders(office, NOW)

    evening = run(deliver_outbox, DeliveryForm(as_of=EVENING))
    assert evening.result()["waiting_for_office_hours"] == 1
    assert "Ngoài giờ làm việc: 1 thư chờ đến giờ làm việc." in evening.markdown("gui-thu")
    assert [r.status for r in outbox(office)] == ["pending"]

    ran = run(deliver_outbox)
    assert ran.result() | {"outside_hours": None} == {
        "outside_hours": None,
        "sent": 1,
        "retried": 0,
        "failed": 0,
        "taken_over": 0,
        "waiting_for_office_hours": 0,
    }
    [row] = outbox(office)
    assert (row.status, row.sent_at) == ("sent", NOW.astimezone(UTC))
    assert [r.rcpt_tos[0] for r in smtp_server.received] == ["th@example.vn"]
    summary = ran.markdown("gui-thu")
    assert "Đã gửi 1 thư." in summary
    # the subject's brackets escaped: the UI draws the cell as markdown
    assert f"| {row.id} | Giao nhiệm vụ | th@example.vn | {md_escape(row.subject)} |" in summary


def test_a_mail_refused_for_good_is_listed_with_the_servers_reply(
    office: Deps, tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DONDOC_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("DONDOC_SMTP_PORT", str(smtp_server.port))
    smtp_server.refuse("th@example.vn", "550 5.1.1 No such user")
    load(office, tmp_path)
    plan_reminders(office, NOW)

    ran = run(deliver_outbox)

    assert ran.result()["failed"] == 1
    assignment, notice = outbox(office)
    assert (assignment.status, assignment.attempts) == ("failed", 1)
    assert "550" in assignment.last_error
    assert (notice.kind, notice.status, notice.to_email) == (
        "delivery_failed",
        "sent",
        "theodoi@example.vn",
    )
    summary = ran.markdown("gui-thu")
    assert "Đã gửi 1 thư; 1 thư không gửi được." in summary
    assert "Thư không gửi được (gửi lại: dondoc outbox retry)" in summary
    assert f"| {assignment.id} | th@example.vn | {md_escape(assignment.subject)} | 1 |" in summary
    assert "No such user" in summary


# -- decisions -----------------------------------------------------------------------------


def test_progress_reported_moves_the_task_and_updates_the_directive_artifact(
    office: Deps, tmp_path: Path
) -> None:
    load(office, tmp_path, task(), task("Tổng kết công tác năm", lead_unit="PL"))
    report = ProgressForm(
        task=1, status="in_progress", note="Đã họp triển khai", reported_by="Trần Văn Nam"
    )
    ran = run(record_progress, report)

    assert ran.result() == {
        "task_id": 1,
        "reference": REFERENCE,
        "number": "1",
        "status": "in_progress",
        "deadline": "2025-12-15",
    }
    assert [t.status for t in stored_tasks(office)] == ["in_progress", "assigned"]
    last = events(office, 1)[-1]
    assert (last.from_status, last.to_status, last.actor, last.reason) == (
        "assigned",
        "in_progress",
        "Trần Văn Nam",
        "Đã họp triển khai",
    )
    assert [r["Trạng thái"] for r in ran.table(KEY)] == ["Đang thực hiện", "Đã giao"]
    note = ran.markdown(None)
    assert "Nhiệm vụ 45/TB-VPCTN#1 (1): Đang thực hiện" in note
    assert "**Trạng thái:** Đã giao → Đang thực hiện" in note
    assert {"van-ban:45/TB-VPCTN", "nhiem-vu:1"} <= set(ran.tags())


def test_a_result_is_accepted_or_returned_and_the_unit_told(office: Deps, tmp_path: Path) -> None:
    load(
        office,
        tmp_path,
        task(number="1"),
        task("Tổng kết công tác năm", lead_unit="PL", number="2"),
    )
    with office.session() as session:
        for task_id in (1, 2):
            tasks.change_status(session, task_id, Status.SUBMITTED, at=NOW, actor="cv", note="")

    # the task by its reference and number, the choice by its code or by the form's label
    accepted = run(
        decide_completion, CompletionForm(task="45/TB-VPCTN#1", decision="accept", note="Đạt")
    )
    returned = run(
        decide_completion,
        {"task": "45/TB-VPCTN #2", "decision": "Trả lại, thực hiện lại", "note": "Bổ sung số liệu"},
    )

    assert accepted.result()["status"] == "completed"
    assert returned.result()["status"] == "returned"
    first, second = stored_tasks(office)
    assert (first.status, first.completed_at) == ("completed", NOW.astimezone(UTC))
    assert second.status == "returned"
    assert events(office, 2)[-1].reason == "Bổ sung số liệu"
    assert [(r.kind, r.to_email) for r in outbox(office)] == [
        ("completion_accepted", "th@example.vn"),
        ("completion_returned", "pl@example.vn"),
    ]
    assert [r["Phân loại"] for r in returned.table(KEY)] == [
        "Hoàn thành đúng hạn",
        "Đang thực hiện trong hạn",
    ]


def test_an_approved_extension_moves_the_deadline_and_a_refused_one_keeps_it(
    office: Deps, tmp_path: Path
) -> None:
    load(office, tmp_path, task(), task("Tổng kết công tác năm", lead_unit="PL"))
    approve = ExtensionForm(
        task=1, decision="approve", new_deadline=date(2026, 1, 15), reason="Chờ số liệu"
    )
    approved = run(decide_extension, approve)
    refused = run(
        decide_extension,
        {"task": 2, "decision": "Không đồng ý gia hạn", "reason": "Không có căn cứ"},
    )

    assert approved.result()["deadline"] == "2026-01-15"
    assert refused.result()["deadline"] == "2025-12-15"
    first, second = stored_tasks(office)
    assert (first.status, first.deadline, first.original_deadline) == (
        "in_progress",
        date(2026, 1, 15),
        date(2025, 12, 15),
    )
    assert (second.status, second.deadline) == ("in_progress", date(2025, 12, 15))
    assert [e.payload.get("decision") for e in events(office, 1)] == [None, None, "approved"]
    assert events(office, 2)[-1].payload["decision"] == "refused"
    assert [r.kind for r in outbox(office)] == ["extension_decision", "extension_decision"]
    assert "**Thời hạn:** 15/12/2025 → 15/01/2026" in approved.markdown(None)
    assert [(r["Mã"], r["Thời hạn"]) for r in approved.table(KEY)] == [
        (2, "15/12/2025"),
        (1, "15/01/2026"),
    ]


def test_a_task_is_paused_and_resumed_and_a_declined_one_given_to_a_unit_named_in_words(
    office: Deps, tmp_path: Path
) -> None:
    load(office, tmp_path, task(number="1"), task("Tổng kết", number="2"))
    paused = run(pause_task, {"task": "45/TB-VPCTN#1", "decision": "Tạm dừng thực hiện",
                              "reason": "Chờ ý kiến Bộ Tư pháp"})  # fmt: skip
    assert paused.result()["status"] == "paused"
    assert paused.name() == "tạm dừng/tiếp tục 45/TB-VPCTN#1"
    resumed = run(pause_task, PauseForm(task="1", decision="resume", reason="Đã có ý kiến"))
    assert resumed.result()["status"] == "in_progress"

    declined = run(
        record_progress,
        {"task": "45/TB-VPCTN#2", "status": "Từ chối nhiệm vụ (không thuộc chức năng, nhiệm vụ"
         " của đơn vị)", "note": "Không thuộc chức năng của Vụ"},
    )  # fmt: skip
    assert declined.result()["status"] == "declined"
    waiting = declined.table("tong-quan-cho-quyet-dinh")
    assert [(r["Việc"], r["Chờ quyết định"]) for r in waiting] == [
        ("45/TB-VPCTN#2", "Đơn vị từ chối, chờ quyết định")
    ]
    unknown = run(decide_decline, {"task": "45/TB-VPCTN#2", "decision": "reassign",
                                   "to_unit": "Vụ Phap ly", "reason": "Giao Vụ Pháp luật"})  # fmt: skip
    assert "không có đơn vị 'Vụ Phap ly' trong danh mục; có phải: Vụ PL (PL)?" in str(
        unknown.error()
    )
    given = run(decide_decline, {"task": "45/TB-VPCTN#2", "decision": "Giao cho đơn vị khác chủ trì",
                                 "to_unit": "vụ pl", "reason": "Thuộc chức năng Vụ PL"})  # fmt: skip
    assert given.result()["status"] == "assigned"
    assert [t.lead_unit for t in stored_tasks(office)] == ["TH", "PL"]
    assert given.table("tong-quan-cho-quyet-dinh") == []


def test_an_illegal_decision_fails_with_the_engines_message_and_changes_nothing(
    office: Deps, tmp_path: Path
) -> None:
    load(office, tmp_path)
    ran = run(decide_completion, CompletionForm(task=1, decision="accept"))

    error = ran.error()
    assert isinstance(error, RunRefused)
    # in the office's language, with the states as a person reads them
    message = 'Không thể chuyển nhiệm vụ từ "Đã giao" sang "Hoàn thành"'
    assert str(error) == message
    assert [t.status for t in stored_tasks(office)] == ["assigned"]
    assert len(events(office, 1)) == 1
    assert message in ran.markdown(None)
    assert ran.artifacts()[None].description == f"Không thực hiện được: {message}"
    # one line in the run's log, and no traceback anywhere in it
    logs = ran.logs()
    errors = [m for level, m in logs if level >= logging.ERROR]
    assert errors[0] == message
    assert [m.startswith("Finished in state Failed(") for m in errors[1:]] == [True]
    assert not [m for _, m in logs if "Traceback" in m or "IllegalTransition" in m]


def test_bad_parameters_from_the_server_fail_the_run_before_anything_changes(
    office: Deps, tmp_path: Path
) -> None:
    load(office, tmp_path)
    ran = run(
        decide_extension,
        {"task": 1, "decision": "approve", "new_deadline": "31/02/2026", "reason": " "},
    )

    assert str(ran.error()) == (
        "Có 2 lỗi trong tham số; chưa thay đổi gì:\n"
        "  - Biểu mẫu Prefect, trường 'Gia hạn đến ngày': ngày không hợp lệ: '31/02/2026'"
        " (cần dạng 15/12/2025 hoặc 2025-12-15)\n"
        "  - Biểu mẫu Prefect, trường 'Lý do': không được để trống"
    )
    assert stored_tasks(office)[0].deadline == date(2025, 12, 15)


# -- the monthly review --------------------------------------------------------------------


def test_the_monthly_review_writes_its_files_mails_the_leaders_and_shows_the_figures(
    office: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(office, tmp_path, task(), task("Tổng kết công tác năm", deadline="2025-11-28"))
    monkeypatch.setenv("DONDOC_SIMULATED_NOW", "2025-12-01T07:00:00+07:00")
    monkeypatch.setenv("DONDOC_REPORT_DIR", str(tmp_path / "reports"))

    ran = run(monthly_review)  # the scheduled run: no month given, so November

    result = ran.result()
    assert result["month"] == "2025-11"
    assert (result["tasks"], result["overdue"]) == (2, 1)
    pdf = tmp_path / "reports" / "bao-cao-thang-2025-11.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert result["files"][1] == str(pdf)
    reports = [r for r in outbox(office) if r.kind == "monthly_report"]
    assert [r.to_email for r in reports] == ["lanhdao@example.vn", "lanhdao.vanphong@example.vn"]
    assert {a["filename"] for a in reports[0].attachments} == {
        "bao-cao-thang-2025-11.pdf",
        "bao-cao-thang-2025-11.xlsx",
    }
    table = {
        r["Phân loại"]: r["Số nhiệm vụ"] for r in ran.table(review_key("2025-11") + "-so-lieu")
    }
    assert table["Đang thực hiện trong hạn"] == 1
    assert table["Chưa hoàn thành, quá hạn"] == 1
    assert table["Tỷ lệ hoàn thành đúng hạn"] == "0,0%"
    assert str(pdf) in ran.markdown(review_key("2025-11"))

    again = run(monthly_review, ReviewForm(month="2025-11")).result()
    assert again["mailed"] == []
    assert again["already_mailed"] == ["lanhdao@example.vn", "lanhdao.vanphong@example.vn"]


def test_a_review_of_a_month_not_over_fails_saying_so_and_mails_no_one(
    office: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DONDOC_REPORT_DIR", str(tmp_path / "reports"))
    ran = run(monthly_review, ReviewForm(month="2025-11"))  # at 26/11/2025

    error = ran.error()
    assert isinstance(error, RunRefused)
    assert str(error) == (
        "tháng 11/2025 chưa kết thúc: báo cáo tháng 11/2025 lập được từ ngày 01/12/2025"
        " (hôm nay là 26/11/2025)"
    )
    assert outbox(office) == []
    assert not (tmp_path / "reports").exists()


def test_the_review_month_defaults_to_the_previous_one_in_ha_noi() -> None:
    new_year = datetime(2026, 1, 1, 7, 0, tzinfo=HANOI)  # still 31/12 in UTC
    assert previous_month(new_year.astimezone(UTC), HANOI) == "2025-12"
    assert previous_month(datetime(2025, 12, 1, 0, 30, tzinfo=HANOI), HANOI) == "2025-11"
    assert ReviewForm.model_validate({"month": "12/2025"}).month == "2025-12"
    with pytest.raises(RunRefused) as refused:
        parse_form(ReviewForm, {"month": "2025-13", "lang": "vi"}, "vi")
    assert str(refused.value) == (
        "Có 1 lỗi trong tham số; chưa thay đổi gì:\n"
        "  - Biểu mẫu Prefect, trường 'Tháng báo cáo': tháng không hợp lệ: '2025-13' (cần dạng 2025-12)"
    )


# -- drafting from the conclusions text ----------------------------------------------------


def test_a_draft_from_the_conclusions_text_is_shown_and_nothing_is_stored(
    office: Deps, tmp_path: Path
) -> None:
    from workflows.drafts import DRAFT_FILE_KEY, DRAFT_KEY, DraftForm, draft_directive_from_text

    examples = Path(__file__).resolve().parent.parent / "examples" / "units.yaml"
    with office.session() as session:
        imports.import_units(session, examples, NOW)
    report = Path(__file__).parent / "data" / "conclusions" / "hop_bo_tu_phap.txt"
    out = tmp_path / "draft.yaml"
    ran = run(draft_directive_from_text, DraftForm(path=str(report), out=str(out)))
    result = ran.result()
    assert result["tasks"] == 5
    assert result["meeting_date"] == "2025-10-14"
    rows = ran.table(DRAFT_KEY)
    assert [r["Đơn vị chủ trì"] for r in rows] == [
        "Bộ Tư pháp (?)", "Bộ Tư pháp (?)", "VPCTN", "Bộ Tư pháp (?)", "Bộ Tư pháp (?)",
    ]  # fmt: skip
    assert [r["Thời hạn"] for r in rows[:3]] == ["30/11/2025", "31/12/2025", "28/10/2025"]
    assert rows[4]["Định kỳ"] == "quarterly"
    assert rows[2]["Trích dẫn nguồn"].startswith(
        "Văn phòng Chủ tịch nước phối hợp với Bộ Ngoại giao"
    )
    markdown = ran.markdown(DRAFT_FILE_KEY)
    assert "lead_unit: VPCTN" in markdown
    assert "source_quote:" in markdown
    assert out.read_text(encoding="utf-8").count("source_quote:") == 5
    assert stored_tasks(office) == []  # a draft is shown, never stored or assigned


def test_a_draft_without_text_fails_saying_what_is_needed(office: Deps) -> None:
    from workflows.drafts import draft_directive_from_text

    ran = run(draft_directive_from_text, {"text": "  "})
    assert str(ran.error()) == "Cần dán văn bản kết luận hoặc ghi đường dẫn tệp"


def test_a_word_file_is_drafted_through_the_flow_and_a_scanned_pdf_refused_in_one_line(
    office: Deps, tmp_path: Path
) -> None:
    from tests.test_drafting_documents import write_docx, write_scanned_pdf
    from workflows.drafts import DRAFT_KEY, draft_directive_from_text

    word = write_docx(tmp_path / "ket-luan.docx")
    drafted = run(draft_directive_from_text, {"path": str(word)})
    assert drafted.name() == "dự thảo ket-luan.docx"
    assert drafted.result()["tasks"] == len(drafted.table(DRAFT_KEY)) > 0

    scanned = run(draft_directive_from_text, {"path": str(write_scanned_pdf(tmp_path / "q.pdf"))})
    message = str(scanned.error())
    assert message.startswith("Tệp q.pdf: ")
    assert " / " not in message  # the office's language only
    assert not [m for _, m in scanned.logs() if "Traceback" in m]
