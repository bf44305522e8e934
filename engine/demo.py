"""`make demo`: the real engine and CLI on a fresh database, with a simulated clock.

It imports the example units and three directives written up from real meeting
reports, plays out what units reported over the following weeks (each change at
its own simulated instant), and prints the task table by reporting category.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import typer
from rich.panel import Panel
from rich.progress import Progress
from rich.table import Table

from engine import cli
from engine.bootstrap import bootstrap
from engine.config import load_settings
from engine.presenters import mail_kind
from engine.store import reads
from engine.store.tables import OutboxRow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
OUT = ROOT / "demo-out"
AS_OF = "20/01/2026"
REPORT_MONTH = "2025-12"  # the last full month of the simulation
REPORT_AT = "2026-01-20T10:00"

# (reference, task number, what happened, simulated local instant, note)
COORDINATOR = "cv.theodoi"  # chuyên viên theo dõi
DEMO_SETTINGS = {
    "DONDOC_SMTP_HOST": "127.0.0.1",
    "DONDOC_SMTP_TLS": "none",
    "DONDOC_MAIL_FROM": "dondoc@vpctn.example.vn",
    "DONDOC_COORDINATOR_EMAIL": "theodoi@vpctn.example.vn",
    "DONDOC_LEADERSHIP_EMAIL": "lanhdao.vanphong@vpctn.example.vn",
    "DONDOC_LEADER_EMAIL": "thuky.chutich@vpctn.example.vn",
    # the web app of the mail's links (`make demo-web` serves it on this address)
    "DONDOC_PUBLIC_URL": "http://127.0.0.1:8765",
    "DONDOC_WEB_KEY_FILE": str(OUT / "web.key"),
    "DONDOC_UPLOAD_DIR": str(OUT / "uploads"),
}
WEB_AT = "2026-01-20T17:00"  # `make demo-web`: the page's clock stands where the demo ended
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
    ("32/TB-VPCTN", "5", "submitted", "2025-09-29T15:00", "Đã gửi báo cáo quý III"),
    ("32/TB-VPCTN", "5", "completed", "2025-09-30T10:00", "Xác nhận báo cáo quý III"),
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
    # the side roads (issue 16): a pause while another body decides, its end moving the
    # deadline by the working days paused; a unit declining a task and the office giving it
    # to another unit (the acting head is in examples/units.yaml: `absences`)
    ("45/TB-VPCTN", "6", "pause", "2025-12-08T10:00", "Chờ ý kiến của Bộ Ngoại giao về lịch"),
    ("45/TB-VPCTN", "6", "resume", "2025-12-22T10:00", "Bộ Ngoại giao đã có ý kiến"),
    ("01/TB-VPCTN", "5", "decline", "2026-01-07T10:00", "Không thuộc chức năng của Vụ Tổng hợp"),
    ("01/TB-VPCTN", "5", "reassign:VPCTN-TCHC", "2026-01-08T09:00", "Giao Vụ TCHC chủ trì"),
]
#: the side roads' commands, and who takes each step
SIDE_ROADS = {"pause": AUTHORITY, "resume": AUTHORITY, "decline": "thanhpv@example.vn",
              "reassign": COORDINATOR}  # fmt: skip


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
    application = bootstrap(load_settings(database_url=url)).deps()
    with application.session() as session:
        ids = reads.task_ids(session)
    application.engine.dispose()
    return ids


class MailSink:
    """A local SMTP server (aiosmtpd on 127.0.0.1) that saves every mail as an .eml file."""

    def __init__(self, folder: Path) -> None:
        from aiosmtpd.controller import Controller

        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.count += 1
        to = envelope.rcpt_tos[0].split("@")[0] if envelope.rcpt_tos else "unknown"
        (self.folder / f"{self.count:03d}-{to}.eml").write_bytes(envelope.original_content)
        return "250 OK"

    def __enter__(self) -> MailSink:
        self.controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.controller.stop()


def _timeline(
    ids: Callable[[], dict[tuple[str, str], int]],
) -> list[tuple[str, str, Callable[[], list[str]], bool]]:
    """Every simulated step, in time order: (instant, label, dondoc arguments, shown?)."""
    steps: list[tuple[str, str, Callable[[], list[str]], bool]] = []
    for path in sorted((EXAMPLES / "directives").glob("*.yaml")):
        issued = path.name[:10]  # files are named by issue date
        args = ["directive", "import", str(path.relative_to(ROOT)), "--by", COORDINATOR]
        steps.append((f"{issued}T08:45", "import", lambda a=args: a, True))  # type: ignore[misc]
    for reference, number, action, at, note in STORY:

        def story_args(
            ref: str = reference, num: str = number, act: str = action, why: str = note
        ) -> list[str]:
            task_id = str(ids()[(ref, num)])
            if act.startswith("extend:"):
                until = act.split(":", 1)[1]
                return [
                    "task",
                    "extend",
                    task_id,
                    "--until",
                    until,
                    "--reason",
                    why,
                    "--by",
                    AUTHORITY,
                ]
            move, _, unit = act.partition(":")
            if move in SIDE_ROADS:
                where = ["--unit", unit] if unit else []
                return ["task", move, task_id, *where, "--reason", why, "--by", SIDE_ROADS[move]]
            by = AUTHORITY if act in CONFIRMING else COORDINATOR
            return ["task", "update", task_id, "--status", act, "--note", why, "--by", by]

        steps.append((at, "story", story_args, False))
    day, last = date(2025, 8, 28), date(int(AS_OF[6:]), int(AS_OF[3:5]), int(AS_OF[:2]))
    while day <= last:  # the scheduler's runs: the sweep decides whether it is a working day
        steps.append((f"{day.isoformat()}T09:30", "sweep", lambda: ["sweep"], False))
        steps.append((f"{day.isoformat()}T09:31", "deliver", lambda: ["deliver"], False))
        day += timedelta(days=1)
    return sorted(steps, key=lambda step: step[0])


def _sent_table(url: str) -> None:
    """What was sent to whom, and why: one line per recipient and kind of mail."""
    application = bootstrap(load_settings(database_url=url)).deps()
    with application.session() as session:
        rows = reads.mail_sent(session)
    application.engine.dispose()
    zone = ZoneInfo(application.settings.timezone)
    groups: dict[tuple[str, str], list[OutboxRow]] = {}
    for row in rows:
        groups.setdefault((row.to_email, row.kind), []).append(row)
    table = Table(title=f"Thư đã gửi: {len(rows)} thư, mỗi thư một tệp .eml trong demo-out/mail/")
    for header in ("Người nhận", "Loại thư (vì sao)", "Số thư", "Ngày gửi", "Tiêu đề thư gần nhất"):
        table.add_column(header)
    for (email, kind), mails in sorted(groups.items(), key=lambda g: (g[0][0], g[1][0].id or 0)):
        days = sorted({(m.sent_at or m.created_at).astimezone(zone).date() for m in mails})
        span = f"{days[0]:%d/%m/%Y}" + (f" – {days[-1]:%d/%m/%Y}" if len(days) > 1 else "")
        name = mails[-1].to_name
        table.add_row(
            f"{name} <{email}>" if name else email,
            mail_kind(kind, "vi"),
            str(len(mails)),
            span,
            mails[-1].subject,
        )
    cli.console.print(table)


def main() -> None:
    if not cli.console.is_terminal:  # piped or logged: do not squeeze tables into 80 columns
        cli.console.width = 160
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    url = f"sqlite:///{OUT / 'dondoc.db'}"
    os.environ |= {"DONDOC_DATABASE_URL": url} | DEMO_SETTINGS
    cli.console.print(
        Panel.fit(
            "[bold]dondoc — đôn đốc thực hiện nhiệm vụ[/bold]\n"
            "Bản chạy thử: cơ sở dữ liệu mới trong demo-out/, đồng hồ mô phỏng, "
            "máy chủ thư cục bộ (các thư lưu ở demo-out/mail/), dữ liệu mẫu từ examples/",
            border_style="cyan",
        )
    )
    with MailSink(OUT / "mail") as sink:
        os.environ["DONDOC_SMTP_PORT"] = str(sink.port)
        _run("init")
        _run("units", "import", "examples/units.yaml", at="2025-08-28T08:00")
        steps = _timeline(lambda: _task_ids(url))
        with Progress(console=cli.console) as progress:
            bar = progress.add_task(
                "Mô phỏng từng ngày: rà soát, gửi thư, ghi nhận báo cáo", total=len(steps)
            )
            for at, _label, arguments, shown in steps:
                progress.update(
                    bar, description=f"Ngày {at[8:10]}/{at[5:7]}/{at[:4]} — {sink.count} thư"
                )
                _run(*arguments(), at=at, show=shown)
                progress.advance(bar)
        _run("directives", "list")
        # the monthly review of the last full month, mailed to the leaders with its files
        reports = str((OUT / "reports").relative_to(ROOT))
        _run("report", "monthly", "--month", REPORT_MONTH, "--out", reports, at=REPORT_AT)
        _run("deliver", at=REPORT_AT, show=False)
        _sent_table(url)
    _run("tasks", "list", "--as-of", AS_OF, at=f"{AS_OF[6:]}-{AS_OF[3:5]}-{AS_OF[:2]}T17:00")
    _run("task", "show", str(_task_ids(url)[("45/TB-VPCTN", "5")]), "--as-of", AS_OF)
    mail_files = sorted((OUT / "mail").glob("*.eml"))
    report_files = sorted((OUT / "reports").glob("*.*"))
    cli.console.print(
        f"\n[green]Xong.[/green] {len(mail_files)} thư đã lưu trong demo-out/mail/ "
        f"(mở bằng trình đọc thư, ví dụ {mail_files[0].name if mail_files else ''}).\n"
        f"Báo cáo tháng {REPORT_MONTH[5:]}/{REPORT_MONTH[:4]}: "
        + ", ".join(str(p.relative_to(ROOT)) for p in report_files)
        + "\n"
        f"Thử tiếp: DONDOC_DATABASE_URL=sqlite:///demo-out/dondoc.db .venv/bin/dondoc tasks list --overdue --as-of {AS_OF}",
        highlight=False,
    )
    found = _a_link()
    if found:
        cli.console.print(
            f"Trang web của đơn vị, từ thư {found[1]} (chạy [bold]make demo-web[/bold] rồi mở):\n{found[0]}",
            highlight=False,
            soft_wrap=True,
        )


def _a_link() -> tuple[str, str] | None:
    """A unit head's task link that works when `make demo-web` serves the page, from the
    latest mail of the demo's mailbox that carries one."""
    import re
    from datetime import datetime
    from email import message_from_bytes, policy

    from engine.links import Purpose, Refused, Signer, link_secret

    settings = load_settings()  # main() and web() put the demo's settings in the environment
    at = datetime.fromisoformat(WEB_AT).replace(tzinfo=ZoneInfo(settings.timezone))
    signer = Signer(link_secret(settings), settings.link_days, lambda: at)
    base = re.escape(DEMO_SETTINGS["DONDOC_PUBLIC_URL"])
    for path in sorted((OUT / "mail").glob("*.eml"), reverse=True):
        body = message_from_bytes(path.read_bytes(), policy=policy.default).get_body(("plain",))
        text = body.get_content() if body is not None else ""
        for link in re.findall(base + r"/task/\S+", text):
            try:
                if signer.read(link.rsplit("/", 1)[1]).purpose is Purpose.ACT:
                    return link, path.name
            except Refused:
                continue
    return None


def web() -> None:
    """`make demo-web`: the demo's web app on 127.0.0.1 until Ctrl+C, its clock where the
    demo ended, so that the links printed by `make demo` work."""
    url = f"sqlite:///{OUT / 'dondoc.db'}"
    if not (OUT / "dondoc.db").exists():
        raise SystemExit("Chưa có demo-out/: chạy make demo trước / run make demo first")
    os.environ |= {"DONDOC_DATABASE_URL": url, "DONDOC_SIMULATED_NOW": WEB_AT} | DEMO_SETTINGS
    found = _a_link()
    if found:
        cli.console.print(f"Mở / open: {found[0]}", highlight=False, soft_wrap=True)
    cli.app(["web", "--host", "127.0.0.1", "--port", "8765"], prog_name="dondoc")


if __name__ == "__main__":
    import sys

    web() if sys.argv[1:] == ["web"] else main()
