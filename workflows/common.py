"""What every dondoc flow shares: the app from the worker's settings, parameter checks,
the instant a run acts at, and refusals that fail the run with the CLI's message.

No `from __future__ import annotations` here or in any flow module (see STACK.md).
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, ParamSpec, TypeVar

from pydantic import BaseModel, BeforeValidator, Field, ValidationError
from pydantic_core import PydanticCustomError

from engine import logs
from engine.bootstrap import bootstrap, default_actor
from engine.calendar_file import CalendarFileError
from engine.config import SetupError, environment_language, load_settings
from engine.domain.calendar import WorkingCalendar
from engine.domain.errors import DomainError
from engine.intake.problems import ImportRefused, Problem
from engine.intake.readers import Located
from engine.intake.schema import error_reasons
from engine.policy_source import PolicyFileError
from engine.services.deps import Deps
from engine.services.instants import act_at, read_instant
from engine.settings import Settings
from engine.store.db import check_database
from workflows.artifacts import publish_refusal

#: how a parameter problem is located: "Prefect form, tasks[0], trường 'deadline': …"
FORM = "Prefect form"

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=BaseModel)


class RunRefused(ValueError):
    """The run was refused with a message a person can act on: the CLI's message for the
    same mistake. Raised from a flow, it fails the run with exactly this message."""


#: errors that are about the input or the configuration: retrying cannot mend them
REFUSALS: tuple[type[Exception], ...] = (
    RunRefused,
    ImportRefused,
    DomainError,
    CalendarFileError,
    PolicyFileError,
)


def refusal_message(exc: Exception, lang: str) -> str:
    """The message `dondoc` prints for the same error."""
    if isinstance(exc, ImportRefused | SetupError):
        return exc.render(lang)
    return str(exc)


def log_to_prefect(settings: Settings) -> None:
    """dondoc's own log lines (`dondoc.*`) into the run's log in the Prefect UI, at the
    worker's DONDOC_LOG_LEVEL (INFO unless set), besides the worker's console."""
    logger = logging.getLogger(logs.ROOT)
    logger.setLevel(settings.log_level or "INFO")
    for handler in logging.getLogger("prefect.extra").handlers:
        if handler not in logger.handlers:
            logger.addHandler(handler)


def retry_unless_refused(task: object, task_run: object, state: Any) -> bool:
    """A task's `retry_condition_fn`: retry what failed on I/O (a dropped database
    connection, an unreachable API), never a refusal."""
    return not isinstance(getattr(state, "data", None), REFUSALS)


@dataclass
class Run:
    """One flow run's view of dondoc: the app built from the worker's DONDOC_ settings
    (read once, at the start of the run), its working calendar, and the language people
    read."""

    deps: Deps

    @property
    def calendar(self) -> WorkingCalendar:
        return self.deps.calendar

    @property
    def lang(self) -> str:
        return self.deps.settings.lang

    @property
    def settings(self) -> Settings:
        return self.deps.settings


@asynccontextmanager
async def dondoc_run(
    *, need_schema: bool = True, failure_key: str | None = None
) -> AsyncIterator[Run]:
    """Build the app for this run and hand it over; then dispose of its engine.

    An error a person can act on (a refused file, an illegal move, a bad parameter)
    becomes `RunRefused` with the CLI's message, so the run fails with it, and the
    message is also published as a markdown artifact (under `failure_key`, if given)
    where the coordinator looks.
    """
    try:
        settings = load_settings()
        app = bootstrap(settings)
    except SetupError as exc:  # the worker's DONDOC_ settings: the message names the bad one
        lang = environment_language()
        message = exc.render(lang)
        await publish_refusal(message, failure_key, lang)
        raise RunRefused(message) from None
    log_to_prefect(settings)
    try:
        await blocking(check_database, app.engine, need_schema=need_schema)
        yield Run(await blocking(app.deps))
    except (*REFUSALS, SetupError) as exc:  # a set-up error here: no database to work on
        message = refusal_message(exc, settings.lang)
        await publish_refusal(message, failure_key, settings.lang)
        if isinstance(exc, RunRefused):
            raise
        raise RunRefused(message) from exc
    finally:
        app.engine.dispose()


async def blocking(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a (synchronous) engine call in a worker thread, keeping the event loop free."""
    return await asyncio.to_thread(fn, *args, **kwargs)


# -- parameters ----------------------------------------------------------------------


def field(position: int, title: str, description: str, default: Any = ..., **extra: Any) -> Any:
    """A form field: a Vietnamese title, an English description, and its place in the
    form (PostgreSQL would otherwise scramble the order: the schema is JSONB).

    An optional field (default None) is shown as a plain input that may stay empty, not
    as the UI's "str | None" switch: a field left empty is not sent, and None applies."""

    def schema_extra(schema: dict[str, Any]) -> None:
        schema["position"] = position
        if default is None:
            _show_as_plain_input(schema)

    return Field(
        default,
        title=title,
        description=description,
        json_schema_extra=schema_extra,
        **extra,
    )


def _show_as_plain_input(schema: dict[str, Any]) -> None:
    """`{"anyOf": [X, {"type": "null"}], …}` -> `{**X, …}` (X alone, when it is alone)."""
    choices = [c for c in schema.get("anyOf", ()) if c != {"type": "null"}]
    if len(choices) == 1 and len(schema["anyOf"]) == 2:
        del schema["anyOf"]
        schema.update({k: v for k, v in choices[0].items() if k not in schema})
        schema.pop("default", None)


def _bad_moment(value: object) -> PydanticCustomError:
    return PydanticCustomError(
        "bad_moment",
        "bad date and time: {value!r} (expected 2026-01-21T09:00)",
        {
            "value": value,
            "vi": f"thời điểm không hợp lệ: {value!r} (cần dạng 2026-01-21T09:00)",
            "en": f"bad date and time: {value!r} (expected 2026-01-21T09:00)",
        },
    )


def _parse_moment(value: object) -> object:
    if value is None or value == "" or isinstance(value, datetime):
        return value or None
    if isinstance(value, str):
        try:
            return read_instant(value)
        except ValueError:
            pass
    raise _bad_moment(value)


#: an instant from the form, read as `dondoc --as-of` reads it (ISO 8601, or a day meaning
#: its end); without a zone it is read in the office's zone by `moment`
Moment = Annotated[datetime | None, BeforeValidator(_parse_moment)]


def parse_form(model: type[M], value: object, lang: str) -> M:
    """Check a flow's parameters inside the run (the server passes a bad date through)
    and refuse them with every problem located in the form."""
    data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        record = Located(data if isinstance(data, dict) else {}, FORM)
        problems = [record.problem(e["loc"], *error_reasons(dict(e))) for e in exc.errors()]
        raise RunRefused(render_problems(problems, lang)) from exc


def render_problems(problems: list[Problem], lang: str) -> str:
    head = (
        f"{len(problems)} problem(s) in the parameters; nothing was changed:"
        if lang == "en"
        else f"Có {len(problems)} lỗi trong tham số; chưa thay đổi gì:"
    )
    return "\n".join([head, *("  - " + p.render(lang) for p in problems)])


def moment(run: Run, value: datetime | None) -> datetime:
    """The instant a run acts at: the given one (read in the office's zone when it has
    none), or the app's clock. An `as_of` makes a re-run reproduce the same decisions."""
    return act_at(value, run.calendar.timezone, run.deps.clock.now())


def actor(given: str | None) -> str:
    """Who did it: the name given in the form, or the worker's login name."""
    return (given or "").strip() or default_actor()
