"""`make demo`: the real engine and CLI on a fresh database, with a simulated clock.

It imports the example units and three directives written up from real meeting
reports, plays out what units reported over the following weeks (each change at
its own simulated instant), and prints the task table by reporting category.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import typer
from rich.panel import Panel
from rich.progress import Progress
from sqlmodel import col, select

from engine import cli
from engine.bootstrap import bootstrap
from engine.settings import Settings
from engine.store.tables import DirectiveRow, TaskRow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
OUT = ROOT / "demo-out"
AS_OF = "20/01/2026"

# (reference, task number, what happened, simulated local instant, note)
COORDINATOR = "cv.theodoi"  # chuyên viên theo dõi
AUTHORITY = "lanhdao.vpctn"  # who confirms results and decides extensions
CONFIRMING = ("completed", "returned")

STORY: list[tuple[str, str, str, str, str]] = [
    ("32/TB-VPCTN", "2", "submitted", "2025-08-29T10:00", "Đã trình hồ sơ đặc xá"),
    ("32/TB-VPCTN", "2", "completed", "2025-08-29T17:00", "Chủ nhiệm Văn phòng xác nhận"),
    ("32/TB-VPCTN", "1", "in_progress", "2025-08-29T08:30", "Đã phân công chuyên viên"),
    ("32/TB-VPCTN", "1", "submitted", "2025-09-01T15:00", "Đã hoàn thành phục vụ các sự kiện"),
    ("32/TB-VPCTN", "1", "completed", "2025-09-01T16:00", "Xác nhận hoàn thành"),
    ("32/TB-VPCTN", "3", "submitted", "2025-09-03T09:00", "Đã công bố Quyết định đặc xá"),
    ("32/TB-VPCTN", "3", "completed", "2025-09-04T10:00", "Xác nhận, chậm 2 ngày"),
    ("32/TB-VPCTN", "4", "submitted", "2025-09-05T09:00", "Đã đăng bản tin tiếng Anh"),
    ("32/TB-VPCTN", "4", "completed", "2025-09-05T11:00", "Xác nhận hoàn thành"),
    ("32/TB-VPCTN", "5", "in_progress", "2025-09-05T08:00", "Đang triển khai"),
    ("32/TB-VPCTN", "6", "in_progress", "2025-09-05T08:00", "Đang triển khai"),
    ("45/TB-VPCTN", "2", "in_progress", "2025-12-01T08:00", "Đã lập kế hoạch tổng kết"),
    ("45/TB-VPCTN", "4", "in_progress", "2025-12-01T08:00", "Đang dự thảo"),
    ("45/TB-VPCTN", "6", "in_progress", "2025-12-02T08:00", "Đang chuẩn bị"),
    (
        "45/TB-VPCTN",
        "5",
        "extend:30/01/2026",
        "2025-12-10T10:00",
        "Lịch họp Ban Chỉ đạo lùi sang tháng 1/2026",
    ),
    ("45/TB-VPCTN", "4", "submitted", "2025-12-18T16:00", "Đã trình dự thảo Chương trình"),
    (
        "45/TB-VPCTN",
        "4",
        "completed",
        "2025-12-19T23:30",
        "Xác nhận lúc 23h30 ngày hết hạn: vẫn đúng hạn",
    ),
    ("45/TB-VPCTN", "2", "submitted", "2026-01-13T15:00", "Đã gửi báo cáo tổng kết"),
    ("45/TB-VPCTN", "2", "returned", "2026-01-14T09:00", "Đề nghị bổ sung số liệu tháng 12"),
    ("45/TB-VPCTN", "2", "in_progress", "2026-01-14T10:00", "Đang bổ sung"),
    ("01/TB-VPCTN", "1", "submitted", "2026-01-15T14:00", "Đã trình Kế hoạch"),
    ("01/TB-VPCTN", "1", "completed", "2026-01-16T10:00", "Xác nhận hoàn thành"),
    ("01/TB-VPCTN", "3", "submitted", "2026-01-19T09:00", "Đã báo cáo kết quả"),
    ("01/TB-VPCTN", "3", "completed", "2026-01-19T15:00", "Xác nhận, chậm 2 ngày làm việc"),
]


def _run(*args: str, at: str | None = None, show: bool = True) -> None:
    """Run one `dondoc` command in-process, as a person would type it."""
    if at:
        os.environ["DONDOC_SIMULATED_NOW"] = at
    if show:
        clock = f"  [dim](giờ mô phỏng {at})[/dim]" if at else ""
        cli.console.print(
            f"\n[bold cyan]$ dondoc {' '.join(args)}[/bold cyan]{clock}", highlight=False
        )
    cli.console.quiet = not show
    try:
        typer.main.get_command(cli.app).main(list(args), prog_name="dondoc", standalone_mode=False)
    finally:
        cli.console.quiet = False


def _task_ids(url: str) -> dict[tuple[str, str], int]:
    application = bootstrap(Settings(database_url=url))
    with application.session() as session:
        rows = session.exec(
            select(DirectiveRow.reference, TaskRow.number, TaskRow.id).join(
                TaskRow, col(TaskRow.directive_id) == col(DirectiveRow.id)
            )
        ).all()
    application.engine.dispose()
    return {(ref, number): task_id for ref, number, task_id in rows if task_id is not None}


def main() -> None:
    if not cli.console.is_terminal:  # piped or logged: do not squeeze tables into 80 columns
        cli.console.width = 150
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    url = f"sqlite:///{OUT / 'dondoc.db'}"
    os.environ["DONDOC_DATABASE_URL"] = url
    cli.console.print(
        Panel.fit(
            "[bold]dondoc — đôn đốc thực hiện nhiệm vụ[/bold]\n"
            "Bản chạy thử: cơ sở dữ liệu mới trong demo-out/, đồng hồ mô phỏng, dữ liệu mẫu từ examples/",
            border_style="cyan",
        )
    )
    _run("init")
    _run("units", "import", "examples/units.yaml", at="2025-08-28T08:00")
    directives = sorted((EXAMPLES / "directives").glob("*.yaml"))
    for path in directives:
        issued = path.name[:10]  # files are named by issue date
        _run(
            "directive",
            "import",
            str(path.relative_to(ROOT)),
            "--by",
            COORDINATOR,
            at=f"{issued}T09:00",
        )
    _run("directives", "list")

    ids = _task_ids(url)
    story = sorted(STORY, key=lambda step: step[3])
    cli.console.print(f"\n[bold]Mô phỏng báo cáo của các đơn vị từ 29/08/2025 đến {AS_OF}[/bold]")
    with Progress(console=cli.console, transient=False) as progress:
        bar = progress.add_task("Ghi nhận tiến độ", total=len(story))
        for reference, number, action, at, note in story:
            task_id = str(ids[(reference, number)])
            if action.startswith("extend:"):
                until = action.split(":", 1)[1]
                args = [
                    "task",
                    "extend",
                    task_id,
                    "--until",
                    until,
                    "--reason",
                    note,
                    "--by",
                    AUTHORITY,
                ]
            else:
                by = AUTHORITY if action in CONFIRMING else COORDINATOR
                args = ["task", "update", task_id, "--status", action, "--note", note, "--by", by]
            _run(*args, at=at, show=False)
            progress.advance(bar)

    _run("tasks", "list", "--as-of", AS_OF, at=f"{AS_OF[6:]}-{AS_OF[3:5]}-{AS_OF[:2]}T17:00")
    _run("task", "show", str(ids[("45/TB-VPCTN", "5")]), "--as-of", AS_OF)
    cli.console.print(
        f"\n[green]Xong.[/green] Cơ sở dữ liệu: {OUT.relative_to(ROOT) / 'dondoc.db'} — thử tiếp, ví dụ:\n"
        f"  DONDOC_DATABASE_URL={url.replace(str(ROOT) + '/', '')} .venv/bin/dondoc tasks list --overdue --as-of {AS_OF}",
        highlight=False,
    )


if __name__ == "__main__":
    main()
