"""`dondoc sweep`, `dondoc deliver` and `dondoc outbox list|show|retry`: planning the
reminders and escalations into the outbox, sending it, and looking into it."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from engine.cli.common import app, console, fail, fail_on, moment, open_app, outbox_app, state, t
from engine.config import smtp_unreachable
from engine.i18n import OUTBOX_STATUS, pick
from engine.presenters import delivery_failures, delivery_summary, mail_kind, sweep_summary
from engine.services import outbox
from engine.services.delivery import DeliveryReport, deliver
from engine.services.sweep import SweepReport, sweep


def print_sweep(report: SweepReport) -> None:
    """What one sweep planned: the sentence, the mail queued, the tasks without address."""
    when = f"{report.now.astimezone(state.zone):%d/%m/%Y %H:%M}"
    console.print(sweep_summary(report, when, state.lang))
    if not report.in_office_hours:
        return
    if report.mails:
        table = Table()
        for header in (
            t("Loại", "Kind"),
            t("Gửi", "To"),
            t("Đồng gửi", "Cc"),
            t("Số việc", "Items"),
            t("Tiêu đề", "Subject"),
        ):
            table.add_column(header)
        for mail in report.mails:
            table.add_row(
                mail_kind(mail["kind"], state.lang),
                mail["to"], ", ".join(mail["cc"]), str(mail["items"]), mail["subject"],
            )  # fmt: skip
        console.print(table)
    for task_id in sorted(set(report.unaddressed)):
        console.print(
            t(
                f"[yellow]Nhiệm vụ {task_id}: không có địa chỉ người nhận.[/yellow]",
                f"[yellow]Task {task_id}: no recipient address.[/yellow]",
            )
        )


def print_delivery(report: DeliveryReport) -> None:
    console.print(delivery_summary(report, state.lang))


@app.command("sweep")
def sweep_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Thời điểm (2026-01-21T09:00); mặc định bây giờ")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ xem, không ghi gì")] = False,
) -> None:
    """Rà soát: lập thư nhắc việc, đôn đốc, báo cáo nhiệm vụ quá hạn vào hàng đợi / plan reminders and escalations."""
    with open_app() as application:
        state.zone = application.calendar.timezone
        print_sweep(sweep(application, moment(application, as_of), dry_run=dry_run))


@app.command("deliver")
def deliver_command() -> None:
    """Gửi các thư trong hàng đợi / send the mail in the outbox."""
    with open_app() as application:
        report = deliver(application)
        print_delivery(report)
        if report.unreachable:
            raise fail_on(smtp_unreachable(application.settings, report.unreachable))
        if report.failed:  # failed for good: a monitor or a script must see it
            raise fail(delivery_failures(report, state.lang))


@outbox_app.command("list")
def outbox_list(
    status: Annotated[
        str | None, typer.Option("--status", help="pending, sending, sent, failed")
    ] = None,
    limit: Annotated[int, typer.Option("--limit")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON")] = False,
) -> None:
    """Hàng đợi thư / the outbox."""
    with open_app() as application, application.session() as session:
        rows = outbox.list_rows(session, status=status, limit=limit)
        zone = application.calendar.timezone
    if as_json:
        fields = (
            "id",
            "kind",
            "status",
            "to_email",
            "cc",
            "subject",
            "attempts",
            "last_error",
            "message_id",
            "recipients",
        )
        data = [{f: getattr(r, f) for f in fields} | {
            "created_at": r.created_at.isoformat(), "sent_at": r.sent_at.isoformat() if r.sent_at else None,
            "next_attempt_at": r.next_attempt_at.isoformat()} for r in rows]  # fmt: skip
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(title=t("Hàng đợi thư", "Outbox"))
    for header in (
        "ID",
        t("Lập lúc", "Created"),
        t("Loại", "Kind"),
        t("Gửi", "To"),
        t("Tiêu đề", "Subject"),
        t("Trạng thái", "Status"),
        t("Lần gửi", "Attempts"),
    ):
        table.add_column(header)
    for row in rows:
        status_text = pick(OUTBOX_STATUS.get(row.status, (row.status, row.status)), state.lang)
        if row.last_error and row.status != "sent":
            status_text += f"\n[red]{row.last_error[:80]}[/red]"
        if row.status == "failed" and row.sent_at is not None:  # some recipients got it
            status_text += "\n" + t("(đã gửi tới người nhận khác)", "(delivered to the others)")
        table.add_row(
            str(row.id), f"{row.created_at.astimezone(zone):%d/%m/%Y %H:%M}",
            mail_kind(row.kind, state.lang),
            row.to_email, row.subject, status_text, str(row.attempts),
        )  # fmt: skip
    console.print(table)


@outbox_app.command("show")
def outbox_show(row_id: Annotated[int, typer.Argument(help="Mã thư")]) -> None:
    """Một thư trong hàng đợi, với nội dung / one outbox row with its text."""
    with open_app() as application, application.session() as session:
        row = outbox.show(session, row_id)
    console.print(f"[bold]{row.subject}[/bold]", highlight=False)
    console.print(
        f"To: {row.to_name} <{row.to_email}>" + (f"\nCc: {', '.join(row.cc)}" if row.cc else ""),
        highlight=False,
    )
    console.print(f"Message-ID: {row.message_id}\n{pick(OUTBOX_STATUS.get(row.status, (row.status, row.status)), state.lang)}"
                  f" — {row.attempts} " + t("lần gửi", "attempts") + (f" — {row.last_error}" if row.last_error else ""), highlight=False)  # fmt: skip
    for address, answer in row.recipients.items():  # what each recipient's server said
        status = pick(OUTBOX_STATUS.get(answer["status"], (answer["status"],) * 2), state.lang)
        reply = "" if answer["status"] == "sent" else f" — {answer['reply']}"
        console.print(f"  {address}: {status}{reply}", highlight=False, markup=False)
    console.print()
    console.print(row.body_text, highlight=False, markup=False)
    if row.ics:
        console.print(
            t(
                "[dim](kèm tệp lịch thoi-han.ics)[/dim]",
                "[dim](with calendar file thoi-han.ics)[/dim]",
            )
        )


@outbox_app.command("retry")
def outbox_retry(
    row_id: Annotated[int | None, typer.Argument(help="Mã thư")] = None,
    all_failed: Annotated[
        bool, typer.Option("--all-failed", help="Gửi lại mọi thư không gửi được")
    ] = False,
) -> None:
    """Gửi lại thư không gửi được / put failed mail back in line."""
    with open_app() as application, application.session() as session:
        ids = outbox.retry(session, row_id, all_failed=all_failed, now=application.clock.now())
    console.print(
        t(f"Đã đưa {len(ids)} thư vào hàng đợi gửi lại.", f"{len(ids)} mail(s) back in line.")
    )
