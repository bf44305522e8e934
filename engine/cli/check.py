"""`dondoc check`: the database, the mail server, the last sweep and delivery, the outbox;
one line each, and an exit code a monitor can act on (0 fine, 1 a warning, 2 failing)."""

from __future__ import annotations

import json
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table
from rich.text import Text

from engine.bootstrap import bootstrap
from engine.calendar_file import CalendarFileError
from engine.cli.common import app, console, fail, fail_on, settings, state, t
from engine.config import SetupError
from engine.i18n import pick
from engine.policy_source import PolicyFileError
from engine.services import health
from engine.services.health import Health, State

ITEM = {
    "database": ("Cơ sở dữ liệu", "Database"),
    "smtp": ("Máy chủ thư", "Mail server"),
    "sweep": ("Rà soát", "Sweep"),
    "deliver": ("Gửi thư", "Delivery"),
    "outbox": ("Hàng đợi thư", "Outbox"),
}
STATE = {
    State.OK: ("ổn", "OK"),
    State.WARNING: ("cảnh báo", "warning"),
    State.FAILING: ("lỗi", "failing"),
    State.NOT_CHECKED: ("không kiểm tra", "not checked"),
}
STYLE = {State.OK: "green", State.WARNING: "yellow", State.FAILING: "red", State.NOT_CHECKED: "dim"}


def run_checks(smtp: bool) -> Health:
    """The check, even when the database is down or was never initialised: the app's
    dependencies (the office's calendar is read from the database) are built only once
    the database has been found in order."""
    try:
        application = bootstrap(settings())
    except SetupError as exc:
        raise fail_on(exc) from exc
    state.zone = ZoneInfo(application.settings.timezone)
    try:
        database = health.database_item(application.engine)
        if database.state is not State.OK:
            now = application.clock.now()
            return health.check_without_database(application.settings, database, now, smtp=smtp)
        return health.check(application.deps(), smtp=smtp, database=database)
    except (CalendarFileError, PolicyFileError) as exc:
        raise fail(str(exc), 2) from exc
    finally:
        application.engine.dispose()


def print_health(report: Health) -> None:
    """A table of the items, each on one line, then the overall state and exit code."""
    when = f"{report.at.astimezone(state.zone):%d/%m/%Y %H:%M}"
    table = Table(title=t(f"Tình trạng dondoc — {when}", f"dondoc health — {when}"))
    for header in (t("Hạng mục", "Item"), t("Trạng thái", "State"), t("Lý do", "Reason")):
        table.add_column(header)
    for item in report.items:
        table.add_row(
            pick(ITEM.get(item.name, (item.name, item.name)), state.lang),
            label(item.state),
            Text(item.reason(state.lang)),
        )
    console.print(table)
    code = report.exit_code
    console.print(
        Text(t("Kết quả: ", "Overall: "))
        + label(report.state)
        + t(f" (mã thoát {code})", f" (exit code {code})")
    )


def label(of: State) -> Text:
    return Text(pick(STATE[of], state.lang), style=STYLE[of])


@app.command("check")
def check_command(
    no_smtp: Annotated[
        bool, typer.Option("--no-smtp", help="Không kiểm tra máy chủ thư / skip the mail server")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON")] = False,
) -> None:
    """Kiểm tra tình trạng: cơ sở dữ liệu, máy chủ thư, lần rà soát và gửi thư cuối, hàng đợi / check that dondoc is working.

    Mã thoát / exit code: 0 ổn / fine, 1 cảnh báo / a warning, 2 lỗi / failing."""
    report = run_checks(smtp=not no_smtp)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print_health(report)
    raise typer.Exit(report.exit_code)
