"""What every `dondoc` command shares: the command and its groups, the consoles, the
state the main callback sets (language, log level, --debug), the settings read when a
command runs, the app built for it, and the messages it fails with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from engine import logs
from engine.bootstrap import App, bootstrap
from engine.calendar_file import CalendarFileError
from engine.config import ConfigError, SetupError, environment_language, load_settings
from engine.domain.calendar import DEFAULT_TIMEZONE
from engine.domain.errors import DomainError
from engine.intake.problems import ImportRefused
from engine.intake.schema import parse_date
from engine.policy_source import PolicyFileError
from engine.services.deps import Deps
from engine.services.instants import act_at
from engine.settings import Settings
from engine.store.db import check_database

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
report_app = typer.Typer(help="Báo cáo / reports", no_args_is_help=True)
deadline_app = typer.Typer(help="Thời hạn / deadline expressions", no_args_is_help=True)
# the order `dondoc --help` lists them in
app.add_typer(units_app, name="units")
app.add_typer(directive_app, name="directive")
app.add_typer(directives_app, name="directives")
app.add_typer(task_app, name="task")
app.add_typer(outbox_app, name="outbox")
app.add_typer(tasks_app, name="tasks")
app.add_typer(calendar_app, name="calendar")
app.add_typer(report_app, name="report")
app.add_typer(deadline_app, name="deadline")

console = Console()
errors = Console(stderr=True)

AtOption = Annotated[
    str | None, typer.Option("--at", help="Thời điểm ghi nhận (mặc định: bây giờ)")
]
ByOption = Annotated[str | None, typer.Option("--by", help="Người ghi nhận")]


class State:
    lang: Literal["vi", "en"] = "vi"
    lang_given: bool = False
    log_level: str | None = None
    debug: bool = False
    settings: Settings | None = None
    zone: ZoneInfo = ZoneInfo(DEFAULT_TIMEZONE)


state = State()


def settings(log_level: str = "WARNING") -> Settings:
    """The settings, read when a command runs (never for `--help`), with logging set up
    from them: `--log-level`, else DONDOC_LOG_LEVEL, else `log_level` (INFO for `serve`)."""
    if state.settings is None:
        try:
            read = load_settings()
        except ConfigError as exc:
            if not state.lang_given:
                state.lang = "en" if environment_language() == "en" else "vi"
            raise fail_on(exc) from exc
        if not state.lang_given:
            state.lang = read.lang
        logs.configure(state.log_level or read.log_level or log_level, read.log_format)
        state.settings = read
    return state.settings


def t(vi: str, en: str) -> str:
    """The text in the reader's language."""
    return en if state.lang == "en" else vi


def fail(message: str, code: int = 1) -> typer.Exit:
    if state.debug:
        errors.print_exception()
    # one line, however narrow the terminal: a log reader or a script greps it whole
    errors.print(f"[red]{message}[/red]", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def fail_on(exc: SetupError) -> typer.Exit:
    """A set-up error: its one line in the reader's language, and its exit code."""
    return fail(exc.render(state.lang), exc.exit_code)


@contextmanager
def open_application(
    *, need_schema: bool = True, create: bool = False, log_level: str = "WARNING"
) -> Iterator[App]:
    """Build the app and turn the errors a person can act on into clear messages.

    Unless `create` (`dondoc init`), the database must be there and answer, and (with
    `need_schema`) be up to date; nothing is created on the way."""
    application: App | None = None
    try:
        application = bootstrap(settings(log_level))
        if not create:
            check_database(application.engine, need_schema=need_schema)
        yield application
    except SetupError as exc:
        raise fail_on(exc) from exc
    except ImportRefused as exc:
        raise fail(exc.render(state.lang), 2) from exc
    except (CalendarFileError, PolicyFileError) as exc:
        raise fail(str(exc), 2) from exc
    except DomainError as exc:
        raise fail(str(exc)) from exc
    finally:
        if application is not None:
            application.engine.dispose()


@contextmanager
def open_app(
    *, need_schema: bool = True, create: bool = False, log_level: str = "WARNING"
) -> Iterator[Deps]:
    """The dependencies of this command (`open_application`'s checks and messages)."""
    with open_application(need_schema=need_schema, create=create, log_level=log_level) as built:
        yield built.deps()


def existing(path: Path) -> Path:
    if not path.is_file():
        raise fail(t(f"Không tìm thấy tệp: {path}", f"No such file: {path}"), 2)
    return path


def moment(application: Deps, text: str | None) -> datetime:
    """The instant a command acts at (`--as-of`, `--at`): now, an ISO instant, or the end
    of a local day (`act_at`)."""
    zone = application.calendar.timezone
    try:
        return act_at(text, zone, application.clock.now())
    except ValueError as exc:
        raise fail(
            t(f"Thời điểm không hợp lệ: {text!r}", f"Bad date or time: {text!r}"), 2
        ) from exc


def to_date(text: str) -> date:
    try:
        day = parse_date(text)
    except ValueError as exc:
        raise fail(t(f"Ngày không hợp lệ: {text!r}", f"Bad date: {text!r}"), 2) from exc
    if day is None:
        raise fail(t("Thiếu ngày", "A date is required"), 2)
    return day
