"""What every dondoc flow shares: the app from the worker's settings, parameter checks,
the instant a run acts at, and refusals that fail the run with the CLI's message.

No `from __future__ import annotations` here or in any flow module (see STACK.md).
"""

import asyncio
import functools
import logging
import os
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from prefect import get_run_logger
from prefect.client.schemas.objects import State
from prefect.context import FlowRunContext
from prefect.runtime import flow_run
from prefect.states import Failed
from pydantic import BaseModel, BeforeValidator, Field, ValidationError, WithJsonSchema
from pydantic_core import PydanticCustomError

from engine import logs
from engine.bootstrap import bootstrap, default_actor
from engine.calendar_file import CalendarFileError
from engine.config import SetupError, environment_language, load_settings
from engine.domain.calendar import DEFAULT_TIMEZONE, WorkingCalendar
from engine.domain.errors import DomainError, IllegalTransition
from engine.intake.problems import ImportRefused, Problem
from engine.intake.readers import Located
from engine.intake.schema import error_reasons
from engine.policy_source import PolicyFileError
from engine.presenters import illegal_move_text, in_language
from engine.services.deps import Deps
from engine.services.instants import act_at, read_instant
from engine.settings import Settings
from engine.store.db import check_database
from workflows.artifacts import one_line, publish_refusal, tag_current_run

#: how a parameter problem is located: "Biểu mẫu Prefect, nhiệm vụ 1, trường 'Thời hạn': …"
FORM = {"vi": "Biểu mẫu Prefect", "en": "Prefect form"}
#: how the form names the n-th task of a directive (counted from 1)
TASK_WORD = {"vi": "nhiệm vụ", "en": "task"}

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
    """The message `dondoc` prints for the same error, in the office's language when the
    engine wrote both ("không có nhiệm vụ số 12 / no task with id 12")."""
    if isinstance(exc, ImportRefused | SetupError):
        return exc.render(lang)
    if isinstance(exc, IllegalTransition):
        return illegal_move_text(exc, lang)
    if isinstance(exc, DomainError):
        return in_language(str(exc), lang)
    return str(exc)


def log_to_prefect(settings: Settings) -> None:
    """dondoc's own log lines (`dondoc.*`) into the run's log in the Prefect UI, at the
    worker's DONDOC_LOG_LEVEL (INFO unless set), besides the worker's console."""
    logger = logging.getLogger(logs.ROOT)
    logger.setLevel(settings.log_level or "INFO")
    for handler in logging.getLogger("prefect.extra").handlers:
        if handler not in logger.handlers:
            logger.addHandler(handler)


def form_value(key: str) -> object:
    """A field of the run's form (its one parameter, a dict from the server or a model
    when called directly), for the run's name; None when it is not there."""
    form = next(iter((flow_run.parameters or {}).values()), None)
    return form.get(key) if isinstance(form, dict) else getattr(form, key, None)


def office_time_name(prefix: str) -> Callable[[], str]:
    """A flow-run name from the instant the run acts at, in the office's zone: 'rà soát
    21/01/2026 09:00' (the `as_of` given in the form, else now)."""

    def name() -> str:
        zone = ZoneInfo(os.environ.get("DONDOC_TIMEZONE") or DEFAULT_TIMEZONE)
        given = form_value("as_of")
        at: datetime | None = None
        try:
            at = _parse_moment(given) if given else None  # type: ignore[assignment]
            simulated = os.environ.get("DONDOC_SIMULATED_NOW")
            at = at or (read_instant(simulated) if simulated else None)
        except (ValueError, PydanticCustomError):
            at = None
        at = at or datetime.now(zone)
        local = at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)
        return f"{prefix} {local:%d/%m/%Y %H:%M}"

    return name


async def tag_if_scheduled() -> None:
    """Tag 'scheduled' a run the server's scheduler made (not one a person started from
    a scheduled deployment)."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None or not context.flow_run.auto_scheduled:
        return
    try:
        await tag_current_run(["scheduled"])
    except Exception:  # a tag is not worth failing the run
        get_run_logger().warning("could not tag the run as scheduled", exc_info=True)


def retry_unless_refused(task: object, task_run: object, state: Any) -> bool:
    """A task's `retry_condition_fn`: retry what failed on I/O (a dropped database
    connection, an unreachable API), never a refusal."""
    return not isinstance(getattr(state, "data", None), REFUSALS)


@dataclass(frozen=True)
class Refused:
    """What a Prefect task returns instead of raising a refusal: a task that raises has
    its traceback in the run's log, and a refusal is a message, not a fault."""

    error: Exception


async def attempt(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R | Refused:
    """Run an engine call in a worker thread (see `blocking`); a refusal is returned."""
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except REFUSALS as exc:
        return Refused(exc)


def accepted(outcome: R | Refused) -> R:
    """The task's result, or its refusal raised in the flow (inside `dondoc_run`, which
    publishes it and fails the run with it)."""
    if isinstance(outcome, Refused):
        raise outcome.error
    return outcome


def refusals_fail_quietly(
    fn: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R | State]]:
    """Under `@flow`: a refused run ends Failed with its message, logged as one line in
    the office's language, without a traceback (it is the coordinator's mistake to
    mend, not a fault to debug)."""

    @functools.wraps(fn)
    async def flow_body(*args: P.args, **kwargs: P.kwargs) -> R | State:
        try:
            return await fn(*args, **kwargs)
        except RunRefused as exc:
            get_run_logger().error(one_line(str(exc)))
            return Failed(message=str(exc), data=exc)

    return flow_body


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
    await tag_if_scheduled()
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
        record = form_place(data if isinstance(data, dict) else {}, model, lang)
        problems = [record.problem(e["loc"], *error_reasons(dict(e))) for e in exc.errors()]
        raise RunRefused(render_problems(problems, lang)) from exc


def form_labels(model: type[BaseModel], lang: str) -> dict[str, str]:
    """Each field by the title the form shows (Vietnamese), or by its name in English."""
    if lang == "en":
        return {}
    return {name: info.title for name, info in model.model_fields.items() if info.title}


def form_place(
    data: dict[str, Any],
    model: type[BaseModel],
    lang: str,
    task_model: type[BaseModel] | None = None,
) -> Located:
    """How a problem in this form's data is named: the form, the n-th task counted from
    1, the field by the title the coordinator sees ("Biểu mẫu Prefect, nhiệm vụ 1,
    trường 'Đơn vị chủ trì': …")."""
    return Located(
        data,
        FORM.get(lang, FORM["vi"]),
        labels=form_labels(model, lang),
        task_labels=form_labels(task_model, lang) if task_model else {},
        task_word=TASK_WORD.get(lang, TASK_WORD["vi"]),
    )


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


# -- choices shown in Vietnamese ---------------------------------------------------------

#: a form's choices: each code (what the engine and the API take) and the label the form
#: shows; either is accepted, the code is what the flow gets
Choices = dict[str, str]

PROGRESS: Choices = {
    "in_progress": "Đang thực hiện",
    "submitted": "Đã báo cáo kết quả, chờ xác nhận",
    "extension_requested": "Đề nghị gia hạn",
    "declined": "Từ chối nhiệm vụ (không thuộc chức năng, nhiệm vụ của đơn vị)",
}
PAUSE: Choices = {"pause": "Tạm dừng thực hiện", "resume": "Tiếp tục thực hiện"}
DECLINE: Choices = {
    "reassign": "Giao cho đơn vị khác chủ trì",
    "return": "Không chấp nhận, đơn vị tiếp tục thực hiện",
}
COMPLETION: Choices = {"accept": "Xác nhận hoàn thành", "return": "Trả lại, thực hiện lại"}
EXTENSION: Choices = {"approve": "Đồng ý gia hạn", "refuse": "Không đồng ý gia hạn"}
PRIORITY: Choices = {"normal": "Thường", "high": "Cao", "urgent": "Khẩn"}
RECURRENCE: Choices = {
    "monthly": "Hằng tháng",
    "quarterly": "Hằng quý",
    "yearly": "Hằng năm",
    "ongoing": "Thường xuyên, không có thời hạn",
}
LANGUAGE: Choices = {"vi": "Tiếng Việt", "en": "English"}


def to_code(choices: Choices) -> Callable[[object], object]:
    """A validator: a label or a code (in any case) -> the code; anything else refused
    with the labels to choose from."""
    by_text = {k.casefold(): k for k in choices} | {v.casefold(): k for k, v in choices.items()}

    def read(value: object) -> object:
        if value is None or value == "":
            return None
        if isinstance(value, str) and (code := by_text.get(value.strip().casefold())):
            return code
        listed = ", ".join(f"'{label}'" for label in choices.values())
        raise PydanticCustomError(
            "bad_choice",
            "not one of the choices: {value!r}",
            {
                "value": value,
                "vi": f"không có lựa chọn {value!r}; chọn một trong: {listed}",
                "en": f"not one of the choices: {value!r}; choose {listed}",
            },
        )

    return read


def shown_as(choices: Choices) -> WithJsonSchema:
    """The form's drop-down: the labels."""
    return WithJsonSchema({"type": "string", "enum": list(choices.values())})


def code_of(choices: Choices, value: object) -> object:
    """A raw form value (a label, a code, or something else) -> its code, or itself."""
    try:
        return to_code(choices)(value)
    except PydanticCustomError:
        return value


ProgressChoice = Annotated[str, BeforeValidator(to_code(PROGRESS)), shown_as(PROGRESS)]
CompletionChoice = Annotated[str, BeforeValidator(to_code(COMPLETION)), shown_as(COMPLETION)]
ExtensionChoice = Annotated[str, BeforeValidator(to_code(EXTENSION)), shown_as(EXTENSION)]
PriorityChoice = Annotated[str, BeforeValidator(to_code(PRIORITY)), shown_as(PRIORITY)]
RecurrenceChoice = Annotated[str | None, BeforeValidator(to_code(RECURRENCE)), shown_as(RECURRENCE)]
LanguageChoice = Annotated[str, BeforeValidator(to_code(LANGUAGE)), shown_as(LANGUAGE)]
PauseChoice = Annotated[str, BeforeValidator(to_code(PAUSE)), shown_as(PAUSE)]
DeclineChoice = Annotated[str, BeforeValidator(to_code(DECLINE)), shown_as(DECLINE)]


def _task_name(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise PydanticCustomError(
        "bad_task",
        "name the task: 45/TB-VPCTN#2, or its id",
        {
            "vi": "cần ghi nhiệm vụ: số hiệu#số thứ tự (45/TB-VPCTN#2) hoặc mã (12)",
            "en": "name the task: reference#number (45/TB-VPCTN#2) or its id (12)",
        },
    )


#: a task as the coordinator names it: '45/TB-VPCTN#2', or its id '12'
TaskName = Annotated[str, BeforeValidator(_task_name)]
