"""The `dondoc` command: Vietnamese labels by default, `--lang en` for English."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import case
from sqlmodel import col, func, select

import engine
from engine import logs, scheduler
from engine.bootstrap import App, bootstrap, default_actor
from engine.calendar_source import CalendarFileError
from engine.cli_draft import register as register_draft_commands
from engine.config import (
    ConfigError,
    SetupError,
    environment_language,
    load_settings,
    smtp_unreachable,
)
from engine.domain.calendar import DEFAULT_TIMEZONE
from engine.domain.categories import CATEGORY_ORDER
from engine.domain.errors import DomainError
from engine.domain.lifecycle import Status
from engine.domain.review import ReviewError
from engine.i18n import (
    CATEGORY_STYLE,
    KIND_LABEL,
    OUTBOX_STATUS,
    WEEKDAYS,
    category_label,
    pick,
    short_date,
    status_label,
    word,
)
from engine.intake.problems import ImportRefused
from engine.intake.schema import parse_date
from engine.policy_source import PolicyFileError
from engine.presenters import deadline_text, extended_from, standing_text
from engine.services import imports, outbox, tasks
from engine.services.calendar import set_day
from engine.services.delivery import DeliveryReport, deliver
from engine.services.drafting import file_calendar
from engine.services.instants import act_at
from engine.services.review import headline_rows, make_monthly_report
from engine.services.sweep import SweepReport, sweep
from engine.services.tasks import TaskLine
from engine.settings import Settings
from engine.store.db import check_database, missing_sqlite_file
from engine.store.tables import DirectiveRow, TaskRow, UnitRow

app = typer.Typer(
    help="dondoc — đôn đốc thực hiện nhiệm vụ / directive follow-through", no_args_is_help=True
)
units_app = typer.Typer(help="Danh mục đơn vị / the units directory", no_args_is_help=True)
directive_app = typer.Typer(help="Văn bản chỉ đạo / directives", no_args_is_help=True)
outbox_app = typer.Typer(help="Hàng đợi thư / the outbox", no_args_is_help=True)
task_app = typer.Typer(help="Một nhiệm vụ / one task", no_args_is_help=True)
calendar_app = typer.Typer(help="Lịch làm việc / the working calendar", no_args_is_help=True)
directives_app = typer.Typer(help="Danh sách văn bản / list directives", no_args_is_help=True)
tasks_app = typer.Typer(help="Danh sách nhiệm vụ / list tasks", no_args_is_help=True)
app.add_typer(units_app, name="units")
app.add_typer(directive_app, name="directive")
app.add_typer(directives_app, name="directives")
app.add_typer(task_app, name="task")
app.add_typer(outbox_app, name="outbox")
app.add_typer(tasks_app, name="tasks")
app.add_typer(calendar_app, name="calendar")
report_app = typer.Typer(help="Báo cáo / reports", no_args_is_help=True)
app.add_typer(report_app, name="report")

console = Console()
errors = Console(stderr=True)


class State:
    lang: Literal["vi", "en"] = "vi"
    lang_given: bool = False
    log_level: str | None = None
    debug: bool = False
    settings: Settings | None = None
    zone: ZoneInfo = ZoneInfo(DEFAULT_TIMEZONE)


state = State()


def _settings(log_level: str = "WARNING") -> Settings:
    """The settings, read when a command runs (never for `--help`), with logging set up
    from them: `--log-level`, else DONDOC_LOG_LEVEL, else `log_level` (INFO for `serve`)."""
    if state.settings is None:
        try:
            settings = load_settings()
        except ConfigError as exc:
            if not state.lang_given:
                state.lang = "en" if environment_language() == "en" else "vi"
            raise _fail_on(exc) from exc
        if not state.lang_given:
            state.lang = settings.lang
        logs.configure(state.log_level or settings.log_level or log_level, settings.log_format)
        state.settings = settings
    return state.settings


register_draft_commands(app, directive_app, lambda: state.lang, _settings)


def _version(show: bool) -> None:
    if show:
        typer.echo(f"dondoc {engine.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    lang: Annotated[str | None, typer.Option("--lang", help="vi (mặc định) hoặc en")] = None,
    log_level: Annotated[
        str | None,
        typer.Option(
            "--log-level",
            help="DEBUG, INFO, WARNING, ERROR (mặc định: DONDOC_LOG_LEVEL; INFO khi serve)",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="In cả traceback khi lỗi / show tracebacks")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Phiên bản / version"),
    ] = False,
) -> None:
    state.settings = None  # read afresh for each command (the tests run many in one process)
    state.debug = debug
    if lang is not None and lang not in ("vi", "en"):
        raise typer.BadParameter("--lang: vi hoặc en / vi or en")
    state.lang_given = lang is not None
    state.lang = "en" if lang == "en" else "vi"
    if log_level is not None and log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise typer.BadParameter("--log-level: DEBUG, INFO, WARNING, ERROR")
    state.log_level = log_level.upper() if log_level else None


def _t(vi: str, en: str) -> str:
    return en if state.lang == "en" else vi


def _fail(message: str, code: int = 1) -> typer.Exit:
    if state.debug:
        errors.print_exception()
    # one line, however narrow the terminal: a log reader or a script greps it whole
    errors.print(f"[red]{message}[/red]", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _fail_on(exc: SetupError) -> typer.Exit:
    """A set-up error: its one line in the reader's language, and its exit code."""
    return _fail(exc.render(state.lang), exc.exit_code)


@contextmanager
def _app(
    *, need_schema: bool = True, create: bool = False, log_level: str = "WARNING"
) -> Iterator[App]:
    """Build the app and turn the errors a person can act on into clear messages.

    Unless `create` (`dondoc init`), the database must be there and answer, and (with
    `need_schema`) be up to date; nothing is created on the way."""
    application: App | None = None
    try:
        application = bootstrap(_settings(log_level))
        if not create:
            check_database(application.engine, need_schema=need_schema)
        yield application
    except SetupError as exc:
        raise _fail_on(exc) from exc
    except ImportRefused as exc:
        raise _fail(exc.render(state.lang), 2) from exc
    except (CalendarFileError, PolicyFileError) as exc:
        raise _fail(str(exc), 2) from exc
    except DomainError as exc:
        raise _fail(str(exc)) from exc
    finally:
        if application is not None:
            application.engine.dispose()


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise _fail(_t(f"Không tìm thấy tệp: {path}", f"No such file: {path}"), 2)
    return path


def _moment(application: App, text: str | None) -> datetime:
    """The instant a command acts at (`--as-of`, `--at`): now, an ISO instant, or the end
    of a local day (`act_at`)."""
    zone = application.calendar().timezone
    try:
        return act_at(text, zone, application.clock.now())
    except ValueError as exc:
        raise _fail(
            _t(f"Thời điểm không hợp lệ: {text!r}", f"Bad date or time: {text!r}"), 2
        ) from exc


def _to_date(text: str) -> date:
    try:
        day = parse_date(text)
    except ValueError as exc:
        raise _fail(_t(f"Ngày không hợp lệ: {text!r}", f"Bad date: {text!r}"), 2) from exc
    if day is None:
        raise _fail(_t("Thiếu ngày", "A date is required"), 2)
    return day


# -- init ------------------------------------------------------------------------


@app.command()
def init() -> None:
    """Tạo hoặc cập nhật cơ sở dữ liệu / create or upgrade the database."""
    with _app(create=True) as application:
        application.migrate()
        url = application.engine.url.render_as_string(hide_password=True)
        console.print(_t(f"Đã khởi tạo cơ sở dữ liệu: {url}", f"Database ready: {url}"))


# -- units -------------------------------------------------------------------------


@units_app.command("import")
def units_import(file: Path) -> None:
    """Nhập danh mục đơn vị từ YAML hoặc CSV / import units from YAML or CSV."""
    with _app() as application, application.session() as session:
        result = imports.import_units(session, _existing(file), application.clock.now())
    console.print(
        _t(
            f"Đã nhập {len(result.created)} đơn vị mới, cập nhật {len(result.updated)} đơn vị.",
            f"Imported {len(result.created)} new units, updated {len(result.updated)}.",
        )
    )


@units_app.command("list")
def units_list() -> None:
    """Danh sách đơn vị / list units."""
    with _app() as application, application.session() as session:
        rows = session.exec(select(UnitRow).order_by(col(UnitRow.code))).all()
    table = Table(title=_t("Danh mục đơn vị", "Units"))
    for key in ("code", "name", "head", "parent"):
        table.add_column(word(key, state.lang))
    for row in rows:
        name = row.name_en if state.lang == "en" and row.name_en else row.name_vi
        head = f"{row.head_title} {row.head_name or ''}".strip()
        table.add_row(row.code, name, head, row.parent_code or "")
    console.print(table)


# -- directives ------------------------------------------------------------------------


@directive_app.command("import")
def directive_import(
    file: Path,
    strict: Annotated[
        bool | None,
        typer.Option("--strict/--allow-drafts", help="Từ chối cả tệp nếu nhiệm vụ thiếu 6 rõ"),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Người nhập")] = None,
) -> None:
    """Nhập văn bản chỉ đạo từ YAML, JSON hoặc Excel / import directives (YAML, JSON, XLSX)."""
    with _app() as application, application.session() as session:
        strict_mode = application.settings.import_strict if strict is None else strict
        result = imports.import_directives(
            session,
            _existing(file),
            application.calendar(),
            application.clock.now(),
            by or default_actor(),
            strict=strict_mode,
        )
    console.print(
        _t(
            f"Đã nhập {len(result.references)} văn bản ({', '.join(result.references)}), {result.task_count} nhiệm vụ.",
            f"Imported {len(result.references)} directive(s) ({', '.join(result.references)}), {result.task_count} tasks.",
        )
    )
    if result.drafts:
        console.print(
            _t(
                f"[yellow]{len(result.drafts)} nhiệm vụ lưu ở dạng dự thảo vì chưa đủ 6 rõ:[/yellow]",
                f"[yellow]{len(result.drafts)} task(s) stored as drafts, lacking some of the six clears:[/yellow]",
            )
        )
        for note in result.drafts:
            console.print(f"  - {note.where.render(state.lang)}", highlight=False)


@directives_app.command("list")
def directives_list() -> None:
    """Danh sách văn bản chỉ đạo / list directives."""
    with _app() as application, application.session() as session:
        task_count = func.count(col(TaskRow.id))
        drafts = func.sum(case((col(TaskRow.status) == Status.DRAFT.value, 1), else_=0))
        rows = session.exec(
            select(DirectiveRow, task_count, drafts)
            .join(TaskRow, col(TaskRow.directive_id) == col(DirectiveRow.id), isouter=True)
            .group_by(col(DirectiveRow.id))
            .order_by(col(DirectiveRow.issued_on), col(DirectiveRow.id))
        ).all()
    table = Table(title=_t("Văn bản chỉ đạo", "Directives"))
    for key in ("reference", "issued_on", "issuer", "title", "tasks", "drafts"):
        table.add_column(
            word(key, state.lang), justify="right" if key in ("tasks", "drafts") else "left"
        )
    for directive, count, draft_count in rows:
        table.add_row(
            directive.reference, short_date(directive.issued_on), directive.issuer,
            directive.title, str(count), str(draft_count or 0),
        )  # fmt: skip
    console.print(table)


# -- tasks -----------------------------------------------------------------------------


def render_task_table(lines: list[TaskLine], as_of: datetime, title: str | None = None) -> None:
    """Tasks grouped by reporting category, as of an instant (also used by the demo)."""
    day = short_date(as_of.date())
    heading = title or _t("Nhiệm vụ", "Tasks")
    table = Table(title=f"{heading} — {word('as_of', state.lang, d=day)}", show_lines=False)
    table.add_column(word("id", state.lang), justify="right", no_wrap=True)
    table.add_column(word("reference", state.lang), no_wrap=True)
    table.add_column(word("task", state.lang), ratio=3, min_width=30)
    table.add_column(word("lead_unit", state.lang), no_wrap=True)
    table.add_column(word("deadline", state.lang), no_wrap=True)
    table.add_column(word("status", state.lang), ratio=1)
    table.add_column(word("category", state.lang), ratio=1, min_width=16)
    order: list[object] = [*CATEGORY_ORDER, None]
    for category in order:
        group = [line for line in lines if line.standing.category == category]
        if not group:
            continue
        style = CATEGORY_STYLE.get(category) if category else "grey50"  # type: ignore[call-overload]
        table.add_section()
        for line in group:
            missing = ""
            if line.missing:
                missing = (
                    f"\n[yellow]{word('missing', state.lang)} "
                    + "; ".join(
                        m.label_en if state.lang == "en" else m.label_vi for m in line.missing
                    )
                    + "[/yellow]"
                )
            table.add_row(
                str(line.id), line.reference, f"{line.number}. {line.title}{missing}", line.lead_unit or "—",
                deadline_text(line.deadline, state.lang, recurrence=line.recurrence),
                status_label(line.status, state.lang),
                f"[{style}]{standing_text(line.standing, state.lang)}[/{style}]",
            )  # fmt: skip
    console.print(table)
    counts = [
        f"{category_label(c, state.lang)}: {sum(1 for x in lines if x.standing.category == c)}"
        for c in CATEGORY_ORDER
    ]
    console.print(f"{word('total', state.lang)}: {len(lines)} — " + " · ".join(counts))


@tasks_app.command("list")
def tasks_list(
    unit: Annotated[str | None, typer.Option("--unit", help="Mã đơn vị chủ trì")] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Trạng thái")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Chỉ nhiệm vụ quá hạn")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Tính đến ngày (15/01/2026)")] = None,
    directive: Annotated[str | None, typer.Option("--directive", help="Số hiệu văn bản")] = None,
) -> None:
    """Danh sách nhiệm vụ theo phân loại / tasks by reporting category."""
    with _app() as application, application.session() as session:
        moment = _moment(application, as_of)
        calendar = application.calendar()
        lines = tasks.list_tasks(
            session,
            calendar,
            moment,
            unit=unit,
            status=status,
            overdue_only=overdue,
            reference=directive,
        )
        if not lines:
            console.print(word("none", state.lang))
            return
        render_task_table(lines, moment.astimezone(calendar.timezone))


@task_app.command("show")
def task_show(
    task_id: Annotated[int, typer.Argument(help="Mã nhiệm vụ")],
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
) -> None:
    """Chi tiết nhiệm vụ và lịch sử / a task and its history."""
    with _app() as application, application.session() as session:
        calendar = application.calendar()
        detail = tasks.task_detail(session, task_id, calendar, _moment(application, as_of))
        unit = session.get(UnitRow, detail.task.lead_unit) if detail.task.lead_unit else None
    line, task = detail.line, detail.task
    lang = state.lang
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold")
    info.add_column()
    accountable = f"{unit.head_title} {unit.head_name}".strip() if unit and unit.head_name else "—"
    rows = [
        ("directive", f"{detail.directive.reference} — {detail.directive.title}"),
        ("task", f"{line.number}. {line.title}"),
        (
            "lead_unit",
            f"{task.lead_unit or '—'} {('— ' + line.lead_unit_name) if line.lead_unit_name else ''}",
        ),
        ("accountable", accountable),
        ("owner", task.owner or "—"),
        ("coordinating_units", ", ".join(detail.coordinating_units) or "—"),
        ("deadline", deadline_text(line.deadline, lang, recurrence=line.recurrence)),
        ("deliverable", task.deliverable or "—"),
        ("authority", task.authority or "—"),
        ("status", status_label(line.status, lang)),
        ("category", standing_text(line.standing, lang)),
    ]
    if original := extended_from(task.deadline, task.original_deadline):
        rows.insert(7, ("original_deadline", short_date(original)))
    if line.missing:
        rows.append(
            ("missing", "; ".join(m.label_en if lang == "en" else m.label_vi for m in line.missing))
        )
    if task.source_quote:
        rows.append(("source_quote", f"“{task.source_quote}”"))
    for key, value in rows:
        info.add_row(word(key, lang), value)
    console.print(info)
    history = Table(title=word("history", lang))
    for key in ("when", "who", "change", "why"):
        history.add_column(word(key, lang))
    zone = calendar.timezone
    for event in detail.events:
        before = status_label(Status(event.from_status), lang) if event.from_status else "—"
        change = f"{before} → {status_label(Status(event.to_status), lang)}"
        extra = ""
        if event.payload.get("decision") == "approved":
            extra = _t(
                f" (đồng ý gia hạn đến ngày {short_date(date.fromisoformat(event.payload['new_deadline']))})",
                f" (extension approved to {event.payload['new_deadline']})",
            )
        elif event.payload.get("decision") == "refused":
            extra = _t(" (không đồng ý gia hạn)", " (extension refused)")
        history.add_row(
            f"{event.at.astimezone(zone):%d/%m/%Y %H:%M}", event.actor, change + extra, event.reason
        )
    console.print(history)


def _change(
    task_id: int, at: str | None, by: str | None, action: Callable[[App, datetime, str], TaskRow]
) -> None:
    with _app() as application:
        task = action(application, _moment(application, at), by or default_actor())
    console.print(
        _t(
            f"Nhiệm vụ {task_id}: {status_label(Status(task.status), 'vi')}"
            + (f", thời hạn {short_date(task.deadline)}" if task.deadline else ""),
            f"Task {task_id}: {status_label(Status(task.status), 'en')}"
            + (f", deadline {task.deadline.isoformat()}" if task.deadline else ""),
        )
    )


AtOption = Annotated[
    str | None, typer.Option("--at", help="Thời điểm ghi nhận (mặc định: bây giờ)")
]
ByOption = Annotated[str | None, typer.Option("--by", help="Người ghi nhận")]


@task_app.command("update")
def task_update(
    task_id: Annotated[int, typer.Argument(help="Mã nhiệm vụ")],
    status: Annotated[Status, typer.Option("--status", help="Trạng thái mới")],
    note: Annotated[str, typer.Option("--note", help="Ghi chú / lý do")] = "",
    at: AtOption = None,
    by: ByOption = None,
) -> None:
    """Đổi trạng thái nhiệm vụ / change a task's status."""

    def action(application: App, moment: datetime, actor: str) -> TaskRow:
        with application.session() as session:
            return tasks.change_status(
                session,
                task_id,
                status,
                at=moment,
                actor=actor,
                note=note,
                notifier=application.notifier(),
            )

    _change(task_id, at, by, action)


@task_app.command("extend")
def task_extend(
    task_id: Annotated[int, typer.Argument(help="Mã nhiệm vụ")],
    reason: Annotated[str, typer.Option("--reason", help="Lý do")],
    until: Annotated[str | None, typer.Option("--until", help="Thời hạn mới (15/01/2026)")] = None,
    refuse: Annotated[bool, typer.Option("--refuse", help="Không đồng ý gia hạn")] = False,
    at: AtOption = None,
    by: ByOption = None,
) -> None:
    """Quyết định gia hạn: đồng ý đến ngày mới, hoặc không đồng ý / decide an extension."""
    new_deadline = _to_date(until) if until else None

    def action(application: App, moment: datetime, actor: str) -> TaskRow:
        with application.session() as session:
            return tasks.extend(
                session,
                task_id,
                until=new_deadline,
                reason=reason,
                at=moment,
                actor=actor,
                refuse=refuse,
                notifier=application.notifier(),
            )

    _change(task_id, at, by, action)


# -- reminders, escalation and mail ---------------------------------------------------------


def print_sweep(report: SweepReport) -> None:
    """What one sweep planned (also used by `serve` and the demo)."""
    local = report.now.astimezone(state.zone)
    when = f"{local:%d/%m/%Y %H:%M}"
    if not report.in_office_hours:
        console.print(
            _t(
                f"{when}: ngoài giờ làm việc hoặc ngày nghỉ — không gửi gì.",
                f"{when}: outside office hours or a day off — nothing planned.",
            )
        )
        return
    prefix = _t("Bản thử: ", "Dry run: ") if report.dry_run else ""
    console.print(
        prefix
        + _t(
            f"{when}: kiểm tra {report.tasks_checked} nhiệm vụ; {len(report.mails)} thư vào hàng đợi; "
            f"{len(report.escalations)} lần báo cáo vượt cấp; {len(report.instances)} kỳ mới của nhiệm vụ định kỳ.",
            f"{when}: checked {report.tasks_checked} tasks; {len(report.mails)} mails queued; "
            f"{len(report.escalations)} escalations; {len(report.instances)} new recurring instances.",
        )
    )
    if report.mails:
        table = Table()
        for header in (
            _t("Loại", "Kind"),
            _t("Gửi", "To"),
            _t("Đồng gửi", "Cc"),
            _t("Số việc", "Items"),
            _t("Tiêu đề", "Subject"),
        ):
            table.add_column(header)
        for mail in report.mails:
            table.add_row(
                pick(KIND_LABEL.get(mail["kind"], (mail["kind"], mail["kind"])), state.lang),
                mail["to"], ", ".join(mail["cc"]), str(mail["items"]), mail["subject"],
            )  # fmt: skip
        console.print(table)
    for task_id in sorted(set(report.unaddressed)):
        console.print(
            _t(
                f"[yellow]Nhiệm vụ {task_id}: không có địa chỉ người nhận.[/yellow]",
                f"[yellow]Task {task_id}: no recipient address.[/yellow]",
            )
        )


def print_delivery(report: DeliveryReport) -> None:
    if report.outside_hours:
        console.print(
            _t(
                f"Ngoài giờ làm việc: {report.skipped_outside_hours} thư chờ đến giờ làm việc.",
                f"Outside office hours: {report.skipped_outside_hours} mails wait for office hours.",
            )
        )
        return
    console.print(
        _t(
            f"Đã gửi {report.sent} thư; {report.retried} thư sẽ gửi lại sau; {report.failed} thư không gửi được.",
            f"Sent {report.sent}; {report.retried} will be retried; {report.failed} failed.",
        )
    )


@app.command("sweep")
def sweep_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Thời điểm (2026-01-21T09:00); mặc định bây giờ")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ xem, không ghi gì")] = False,
) -> None:
    """Rà soát: lập thư nhắc việc, đôn đốc, báo cáo vượt cấp vào hàng đợi / plan reminders and escalations."""
    with _app() as application:
        state.zone = application.calendar().timezone
        print_sweep(sweep(application, _moment(application, as_of), dry_run=dry_run))


@app.command("deliver")
def deliver_command() -> None:
    """Gửi các thư trong hàng đợi / send the mail in the outbox."""
    with _app() as application:
        report = deliver(application)
        print_delivery(report)
        if report.unreachable:
            raise _fail_on(smtp_unreachable(application.settings, report.unreachable))


@outbox_app.command("list")
def outbox_list(
    status: Annotated[
        str | None, typer.Option("--status", help="pending, sending, sent, failed")
    ] = None,
    limit: Annotated[int, typer.Option("--limit")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON")] = False,
) -> None:
    """Hàng đợi thư / the outbox."""
    with _app() as application, application.session() as session:
        rows = outbox.list_rows(session, status=status, limit=limit)
        zone = application.calendar().timezone
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
        )
        data = [{f: getattr(r, f) for f in fields} | {
            "created_at": r.created_at.isoformat(), "sent_at": r.sent_at.isoformat() if r.sent_at else None,
            "next_attempt_at": r.next_attempt_at.isoformat()} for r in rows]  # fmt: skip
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(title=_t("Hàng đợi thư", "Outbox"))
    for header in (
        "ID",
        _t("Lập lúc", "Created"),
        _t("Loại", "Kind"),
        _t("Gửi", "To"),
        _t("Tiêu đề", "Subject"),
        _t("Trạng thái", "Status"),
        _t("Lần gửi", "Attempts"),
    ):
        table.add_column(header)
    for row in rows:
        status_text = pick(OUTBOX_STATUS.get(row.status, (row.status, row.status)), state.lang)
        if row.last_error and row.status != "sent":
            status_text += f"\n[red]{row.last_error[:80]}[/red]"
        table.add_row(
            str(row.id), f"{row.created_at.astimezone(zone):%d/%m/%Y %H:%M}",
            pick(KIND_LABEL.get(row.kind, (row.kind, row.kind)), state.lang),
            row.to_email, row.subject, status_text, str(row.attempts),
        )  # fmt: skip
    console.print(table)


@outbox_app.command("show")
def outbox_show(row_id: Annotated[int, typer.Argument(help="Mã thư")]) -> None:
    """Một thư trong hàng đợi, với nội dung / one outbox row with its text."""
    with _app() as application, application.session() as session:
        row = outbox.show(session, row_id)
    console.print(f"[bold]{row.subject}[/bold]", highlight=False)
    console.print(
        f"To: {row.to_name} <{row.to_email}>" + (f"\nCc: {', '.join(row.cc)}" if row.cc else ""),
        highlight=False,
    )
    console.print(f"Message-ID: {row.message_id}\n{pick(OUTBOX_STATUS.get(row.status, (row.status, row.status)), state.lang)}"
                  f" — {row.attempts} " + _t("lần gửi", "attempts") + (f" — {row.last_error}" if row.last_error else ""), highlight=False)  # fmt: skip
    console.print()
    console.print(row.body_text, highlight=False, markup=False)
    if row.ics:
        console.print(
            _t(
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
    with _app() as application, application.session() as session:
        ids = outbox.retry(session, row_id, all_failed=all_failed, now=application.clock.now())
    console.print(
        _t(f"Đã đưa {len(ids)} thư vào hàng đợi gửi lại.", f"{len(ids)} mail(s) back in line.")
    )


@app.command("serve")
def serve_command() -> None:
    """Chạy bộ lập lịch: rà soát và gửi thư định kỳ trong giờ làm việc / run the embedded scheduler.

    Mỗi chu kỳ ghi một dòng nhật ký (stderr) / one log line a cycle, on stderr."""
    with _app(log_level="INFO") as application:
        interval = application.settings.serve_interval_seconds
        console.print(
            _t(
                f"dondoc serve: rà soát và gửi thư mỗi {interval} giây; nhật ký ở stderr (dừng: Ctrl+C hoặc SIGTERM).",
                f"dondoc serve: sweep and delivery every {interval} s; the log goes to stderr (stop: Ctrl+C or SIGTERM).",
            )
        )
        scheduler.serve(application)
    console.print(_t("Đã dừng.", "Stopped."))


# -- calendar ------------------------------------------------------------------------


@calendar_app.command("show")
def calendar_show(year: Annotated[int, typer.Argument(help="Năm")]) -> None:
    """Ngày nghỉ và ngày làm bù trong năm / days off and make-up working days of a year."""
    settings = _settings()
    if missing_sqlite_file(settings.database_url) is None:
        with _app(need_schema=False) as application:
            calendar = application.calendar()
    else:  # no database yet: the shipped calendar, and nothing created to show it
        try:
            calendar = file_calendar(settings)
        except CalendarFileError as exc:
            raise _fail(str(exc), 2) from exc
        errors.print(
            _t(
                "Chưa có cơ sở dữ liệu: lịch chưa gồm ngày nghỉ, ngày làm bù riêng của cơ quan.",
                "No database yet: the calendar has none of the office's own days.",
            ),
            soft_wrap=True,
        )
    rules = calendar.rules(year)
    table = Table(title=_t(f"Lịch làm việc năm {year}", f"Working calendar {year}"))
    for key in ("day", "weekday", "kind", "name"):
        table.add_column(word(key, state.lang))
    entries = [
        (d, _t("Nghỉ", "Day off"), n, "red") for d, n in rules.days_off.items() if d.weekday() < 5
    ]
    entries += [
        (d, _t("Làm việc", "Working day"), n, "green") for d, n in rules.working_days.items()
    ]
    for day, kind, name, style in sorted(entries):
        table.add_row(
            short_date(day),
            pick(WEEKDAYS[day.weekday()], state.lang),
            f"[{style}]{kind}[/{style}]",
            name,
        )
    console.print(table)
    months = [len(calendar.working_days_in(year, m)) for m in range(1, 13)]
    console.print(
        _t("Số ngày làm việc theo tháng: ", "Working days per month: ")
        + " · ".join(f"{m}: {n}" for m, n in enumerate(months, start=1))
        + f" — {_t('cả năm', 'year')}: {sum(months)}"
    )


@calendar_app.command("set")
def calendar_set(
    day: Annotated[str, typer.Argument(help="Ngày (10/01/2026)")],
    off: Annotated[bool, typer.Option("--off/--work", help="Ngày nghỉ hoặc ngày làm bù")],
    name: Annotated[str, typer.Option("--name", help="Tên ngày")] = "",
    source: Annotated[str, typer.Option("--source", help="Căn cứ (văn bản)")] = "",
    by: ByOption = None,
) -> None:
    """Đánh dấu ngày nghỉ / ngày làm bù riêng của cơ quan / mark an office day off or working day."""
    target = _to_date(day)
    with _app() as application, application.session() as session:
        set_day(
            session, target, "off" if off else "work", name=name, source=source,
            actor=by or default_actor(), now=application.clock.now(),
        )  # fmt: skip
    kind = _t("ngày nghỉ", "a day off") if off else _t("ngày làm việc", "a working day")
    console.print(
        _t(f"Đã ghi {short_date(target)} là {kind}.", f"{target.isoformat()} is now {kind}.")
    )


# -- the monthly review --------------------------------------------------------------


@report_app.command("monthly")
def report_monthly(
    month: Annotated[
        str | None,
        typer.Option("--month", help="Tháng báo cáo, 2025-12 (mặc định: tháng trước)"),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Ngôn ngữ của báo cáo: vi (mặc định) hoặc en")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Thư mục ghi báo cáo (mặc định: reports/)")
    ] = None,
    mail: Annotated[
        bool, typer.Option("--mail/--no-mail", help="Gửi báo cáo cho lãnh đạo qua hàng đợi thư")
    ] = True,
) -> None:
    """Báo cáo tình hình thực hiện nhiệm vụ tháng: HTML, PDF, Excel / the monthly review."""
    if lang is not None:
        if lang not in ("vi", "en"):
            raise _fail(
                _t(f"--lang: vi hoặc en, không phải {lang!r}", f"--lang: vi or en, not {lang!r}"), 2
            )
        state.lang = "en" if lang == "en" else "vi"
        state.lang_given = True
    with _app() as application:
        folder = out or application.settings.report_dir
        try:
            made = make_monthly_report(
                application, month, lang=state.lang, out_dir=folder, mail=mail
            )
        except ReviewError as exc:
            raise _fail(exc.message(state.lang), 2) from exc
    r = made.review
    table = Table(
        title=_t(
            f"Báo cáo tình hình thực hiện nhiệm vụ tháng {r.month.label}",
            f"Implementation of assigned tasks, {r.month.label}",
        )
    )
    rows = headline_rows(r, state.lang)
    for header in rows[0]:
        table.add_column(header, justify="right" if header in ("Số nhiệm vụ", "Tasks") else "left")
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    console.print(table)
    for path in made.files.paths:
        console.print(str(path), highlight=False)
    plan = made.mail
    if plan.planned:
        console.print(
            _t(
                f"Đã đưa thư gửi báo cáo vào hàng đợi: {', '.join(plan.planned)} (gửi bằng `dondoc deliver`).",
                f"The covering mail is in the outbox for: {', '.join(plan.planned)} (sent by `dondoc deliver`).",
            )
        )
    if plan.already:
        console.print(
            _t(
                f"Thư báo cáo tháng {r.month.label} đã có trong hàng đợi trước đó, không gửi lại: {', '.join(plan.already)}.",
                f"The {r.month.iso} review was already mailed to: {', '.join(plan.already)}; not again.",
            )
        )
    if mail and not plan.recipients:
        console.print(
            _t(
                "Chưa cấu hình địa chỉ lãnh đạo (DONDOC_LEADER_EMAIL, DONDOC_LEADERSHIP_EMAIL): không gửi thư.",
                "No leader address is set (DONDOC_LEADER_EMAIL, DONDOC_LEADERSHIP_EMAIL): no mail.",
            )
        )


def run() -> None:  # pragma: no cover - console entry for `python -m engine.cli`
    app(prog_name="dondoc")


if __name__ == "__main__":  # pragma: no cover
    run()
