"""A task moves on: the unit's progress (or its refusal of the task), the authority's
decision on a completion, on an extension, on a pause, and the office's answer to a
refusal (another lead unit, or back to the unit). Each is one change with its event in the
task's history, and the mail it calls for in the outbox, as `dondoc task …` does."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Session

from engine.domain.lifecycle import Status
from engine.i18n import short_date, status_label, word
from engine.intake.schema import OptionalDate
from engine.notify import Notifier
from engine.services import lookup, tasks
from engine.services import side_road_moves as side_roads
from engine.store import reads
from engine.store.tables import TaskRow
from workflows.artifacts import (
    Markdown,
    Publication,
    directive_table,
    directive_tag,
    local,
    md_escape,
    publish,
    task_tag,
)
from workflows.common import (
    CompletionChoice,
    DeclineChoice,
    ExtensionChoice,
    Moment,
    PauseChoice,
    ProgressChoice,
    Refused,
    Run,
    TaskName,
    accepted,
    actor,
    attempt,
    blocking,
    dondoc_run,
    field,
    form_value,
    moment,
    parse_form,
    refusals_fail_quietly,
)
from workflows.events import publish_task_events
from workflows.overview import build_overview

TASK = (
    "The task: its reference and number in the directive, e.g. 45/TB-VPCTN#2, or its id"
    " (column Mã of the directive's artifact)"
)
AT = "When it happened, e.g. 2025-12-01T09:00 (empty: now); not before the task's last change"


class ProgressForm(BaseModel):
    model_config = ConfigDict(title="Báo cáo tiến độ", str_strip_whitespace=True)

    task: TaskName = field(0, "Nhiệm vụ", TASK)
    status: ProgressChoice = field(
        1,
        "Tình trạng",
        "Being done; result reported for acceptance; the unit asks for more time; the unit"
        " declines the task as outside its remit (give the reason in the report)",
    )
    note: str = field(2, "Nội dung báo cáo", "What the unit reported", "")
    at: Moment = field(3, "Thời điểm ghi nhận", AT, None)
    reported_by: str | None = field(
        4, "Người ghi nhận", "Who recorded it (empty: the worker's login name)", None
    )


class CompletionForm(BaseModel):
    model_config = ConfigDict(title="Xác nhận kết quả", str_strip_whitespace=True)

    task: TaskName = field(0, "Nhiệm vụ", TASK)
    decision: CompletionChoice = field(
        1,
        "Quyết định",
        "Accept: the result is confirmed, the task is completed; return: to be done again",
    )
    note: str = field(2, "Nhận xét", "The authority's remarks or reasons", "")
    at: Moment = field(3, "Thời điểm quyết định", AT, None)
    decided_by: str | None = field(
        4, "Người quyết định", "Who decided (empty: the worker's login name)", None
    )


class ExtensionForm(BaseModel):
    model_config = ConfigDict(title="Quyết định gia hạn", str_strip_whitespace=True)

    task: TaskName = field(0, "Nhiệm vụ", TASK)
    decision: ExtensionChoice = field(
        1,
        "Quyết định",
        "Approve: a new deadline; refuse: the deadline stands",
    )
    new_deadline: OptionalDate = field(
        2,
        "Gia hạn đến ngày",
        "The new deadline, after the current one (needed to approve)",
        None,
        validate_default=True,
    )
    reason: str = field(3, "Lý do", "Why (recorded in the task's history)", min_length=1)
    at: Moment = field(4, "Thời điểm quyết định", AT, None)
    decided_by: str | None = field(
        5, "Người quyết định", "Who decided (empty: the worker's login name)", None
    )

    @field_validator("new_deadline")
    @classmethod
    def _approval_needs_a_date(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is None and info.data.get("decision") == "approve":  # the code, once read
            raise PydanticCustomError(
                "missing_deadline",
                "an approved extension needs the new deadline",
                {
                    "vi": "cần ngày gia hạn khi đồng ý gia hạn",
                    "en": "an approved extension needs the new deadline",
                },
            )
        return value


class PauseForm(BaseModel):
    model_config = ConfigDict(title="Tạm dừng hoặc tiếp tục", str_strip_whitespace=True)

    task: TaskName = field(0, "Nhiệm vụ", TASK)
    decision: PauseChoice = field(
        1,
        "Quyết định",
        "Pause: no reminders or escalation until resumed; resume: the deadline moves on by the"
        " working days paused, or to the date given",
    )
    reason: str = field(
        2, "Lý do", "Why, e.g. waiting for another ministry's opinion", min_length=1
    )
    resume_until: OptionalDate = field(
        3,
        "Thời hạn mới khi tiếp tục",
        "When resuming: the new deadline (empty: moved on by the working days paused)",
        None,
    )
    at: Moment = field(4, "Thời điểm quyết định", AT, None)
    decided_by: str | None = field(
        5, "Người quyết định", "Who decided (empty: the worker's login name)", None
    )


class DeclineForm(BaseModel):
    model_config = ConfigDict(title="Xử lý đề nghị từ chối nhiệm vụ", str_strip_whitespace=True)

    task: TaskName = field(0, "Nhiệm vụ", TASK)
    decision: DeclineChoice = field(
        1,
        "Quyết định",
        "Give the task to another lead unit, or answer the unit that it stays with it",
    )
    to_unit: str | None = field(
        2,
        "Đơn vị chủ trì mới",
        "When giving it to another unit: its name, alias or code, e.g. Vụ Pháp luật",
        None,
    )
    new_deadline: OptionalDate = field(
        3, "Thời hạn mới", "With the new unit: a new deadline (empty: the deadline stands)", None
    )
    reason: str = field(4, "Lý do / trả lời", "The office's reasons or answer", min_length=1)
    at: Moment = field(5, "Thời điểm quyết định", AT, None)
    decided_by: str | None = field(
        6, "Người quyết định", "Who decided (empty: the worker's login name)", None
    )

    @field_validator("to_unit")
    @classmethod
    def _reassignment_needs_a_unit(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value and info.data.get("decision") == "reassign":
            raise PydanticCustomError(
                "missing_unit",
                "giving the task to another unit needs that unit",
                {
                    "vi": "cần ghi đơn vị chủ trì mới khi giao cho đơn vị khác",
                    "en": "giving the task to another unit needs that unit",
                },
            )
        return value


@dataclass(frozen=True)
class Change:
    """A task after a decision, and its status and deadline before."""

    status_before: str
    deadline_before: date | None
    after: TaskRow
    reference: str


Move = Callable[[Session, Notifier, int], TaskRow]


# A change of state is not idempotent (a retry after the commit would be an illegal
# move), so no retries: a failed run changed nothing and can be run again.
@task(name="record-change", cache_policy=NO_CACHE)
async def record(run: Run, named: str, move: Move) -> Change | Refused:
    deps = run.deps

    def apply() -> Change:
        with deps.session() as session:
            task_id = lookup.find_task(session, named)
            before = tasks.get_task(session, task_id)
            status, deadline = before.status, before.deadline
            after = move(session, deps.notifier(), task_id)
            return Change(status, deadline, after, reads.reference_of(session, task_id))

    return await attempt(apply)


def run_name(prefix: str) -> Callable[[], str]:
    """A flow-run name from the form: 'tiến độ 45/TB-VPCTN#2' (not 'crouching-jellyfish')."""

    def name() -> str:
        given = form_value("task")
        return f"{prefix} {given}"[:100] if isinstance(given, str | int) else prefix

    return name


async def _report(run: Run, change: Change, at: datetime, by: str, note: str) -> dict[str, Any]:
    """Publish the change where the coordinator looks, refresh the directive's artifact
    and the overview, publish the task's events, and tag the run with the directive and
    the task."""
    lang, after = run.lang, change.after
    assert after.id is not None
    before = status_label(Status(change.status_before), lang)
    moved = f"{before} → {status_label(Status(after.status), lang)}"
    deadline = short_date(after.deadline) or "—"
    if change.deadline_before != after.deadline:
        deadline = f"{short_date(change.deadline_before) or '—'} → {deadline}"
    handle = f"{change.reference}#{after.number}" if after.number else change.reference
    lines = [
        (word("directive", lang), change.reference),
        (word("task", lang), f"{after.number}. {after.title}" if after.number else after.title),
        (word("status", lang), moved),
        (word("deadline", lang), deadline),
        (word("note", lang), note or "—"),
        (word("who", lang), f"{by}, {local(at, run.calendar.timezone)}"),
    ]
    heading = (
        f"{word('task', lang)} {handle} ({after.id}): {status_label(Status(after.status), lang)}"
    )
    text = f"## {heading}\n\n" + "\n".join(f"- **{k}:** {md_escape(v)}" for k, v in lines)

    def build() -> Publication:
        now = run.deps.clock.now()
        with run.deps.session() as session:
            table = directive_table(session, run.calendar, now, change.reference, lang)
            overview = build_overview(
                session, run.calendar, now, lang, run.settings.overview_due_within
            )
        return Publication(
            [Markdown(None, text, f"{handle}: {moved}"), table, *overview],
            [directive_tag(change.reference), task_tag(after.id)],
        )

    await publish(await blocking(build))
    await publish_task_events(quote(run))
    get_run_logger().info("task %s (%s): %s", after.id, handle, moved)
    return {
        "task_id": after.id,
        "reference": change.reference,
        "number": after.number,
        "status": after.status,
        "deadline": after.deadline.isoformat() if after.deadline else None,
    }


@flow(name="record-progress", validate_parameters=False, flow_run_name=run_name("tiến độ"))
@refusals_fail_quietly
async def record_progress(report: ProgressForm) -> dict[str, Any]:
    """Record what a unit reported on a task (báo cáo tiến độ): being done, result
    submitted, or more time asked for.

    Args:
        report: Báo cáo của đơn vị / the unit's report
    """
    async with dondoc_run() as run:
        form = parse_form(ProgressForm, report, run.lang)
        at, by = moment(run, form.at), actor(form.reported_by)

        def move(session: Session, notifier: Notifier, task_id: int) -> TaskRow:
            if form.status == "declined":  # the unit's refusal: a side road of its own
                return side_roads.decline(
                    session, task_id, at=at, actor=by, reason=form.note, notifier=notifier
                )
            return tasks.change_status(
                session, task_id, Status(form.status), at=at, actor=by, note=form.note,
                notifier=notifier, calendar=run.calendar,
            )  # fmt: skip

        change = accepted(await record(quote(run), form.task, quote(move)))
        return await _report(run, change, at, by, form.note)


@flow(name="decide-completion", validate_parameters=False, flow_run_name=run_name("xác nhận"))
@refusals_fail_quietly
async def decide_completion(decision: CompletionForm) -> dict[str, Any]:
    """Accept a submitted result (the task is completed) or return it to be done again;
    the lead unit is told by mail.

    Args:
        decision: Quyết định của cấp có thẩm quyền / the authority's decision
    """
    async with dondoc_run() as run:
        form = parse_form(CompletionForm, decision, run.lang)
        at, by = moment(run, form.at), actor(form.decided_by)
        to = Status.COMPLETED if form.decision == "accept" else Status.RETURNED

        def move(session: Session, notifier: Notifier, task_id: int) -> TaskRow:
            return tasks.change_status(
                session, task_id, to, at=at, actor=by, note=form.note, notifier=notifier,
                calendar=run.calendar,
            )  # fmt: skip

        change = accepted(await record(quote(run), form.task, quote(move)))
        return await _report(run, change, at, by, form.note)


@flow(name="decide-extension", validate_parameters=False, flow_run_name=run_name("gia hạn"))
@refusals_fail_quietly
async def decide_extension(decision: ExtensionForm) -> dict[str, Any]:
    """Approve an extension with its new deadline, or refuse it; the history keeps the
    original deadline, and the lead unit is told by mail.

    Args:
        decision: Quyết định gia hạn / the decision on the extension
    """
    async with dondoc_run() as run:
        form = parse_form(ExtensionForm, decision, run.lang)
        at, by = moment(run, form.at), actor(form.decided_by)

        def move(session: Session, notifier: Notifier, task_id: int) -> TaskRow:
            return tasks.extend(
                session, task_id, until=form.new_deadline, reason=form.reason, at=at,
                actor=by, refuse=form.decision == "refuse", notifier=notifier,
                calendar=run.calendar,
            )  # fmt: skip

        change = accepted(await record(quote(run), form.task, quote(move)))
        return await _report(run, change, at, by, form.reason)


@flow(name="pause-task", validate_parameters=False, flow_run_name=run_name("tạm dừng/tiếp tục"))
@refusals_fail_quietly
async def pause_task(decision: PauseForm) -> dict[str, Any]:
    """Pause a task on the authority's word (tạm dừng: no reminders, no escalation, not
    overdue while paused), or resume it: the deadline moves on by the working days spent
    paused, or to the date given. The lead unit is told by mail.

    Args:
        decision: Quyết định tạm dừng hoặc tiếp tục / pause or resume
    """
    async with dondoc_run() as run:
        form = parse_form(PauseForm, decision, run.lang)
        at, by = moment(run, form.at), actor(form.decided_by)

        def move(session: Session, notifier: Notifier, task_id: int) -> TaskRow:
            if form.decision == "pause":
                return side_roads.pause(
                    session, task_id, at=at, actor=by, reason=form.reason, notifier=notifier
                )
            return side_roads.resume(
                session, task_id, at=at, actor=by, reason=form.reason, calendar=run.calendar,
                until=form.resume_until, notifier=notifier,
            )  # fmt: skip

        change = accepted(await record(quote(run), form.task, quote(move)))
        return await _report(run, change, at, by, form.reason)


@flow(name="decide-decline", validate_parameters=False, flow_run_name=run_name("xử lý từ chối"))
@refusals_fail_quietly
async def decide_decline(decision: DeclineForm) -> dict[str, Any]:
    """Answer a unit that declined a task as outside its remit: give it to another lead
    unit (the history keeps both; the old unit's links and reminders stop, the new head
    gets the assignment), or return it to the unit with the office's answer.

    Args:
        decision: Quyết định của Văn phòng / the office's decision
    """
    async with dondoc_run() as run:
        form = parse_form(DeclineForm, decision, run.lang)
        at, by = moment(run, form.at), actor(form.decided_by)

        def move(session: Session, notifier: Notifier, task_id: int) -> TaskRow:
            if form.decision == "reassign":
                assert form.to_unit is not None
                return side_roads.reassign(
                    session, task_id, to_unit=lookup.find_unit(session, form.to_unit), at=at,
                    actor=by, reason=form.reason, notifier=notifier, calendar=run.calendar,
                    until=form.new_deadline,
                )  # fmt: skip
            return side_roads.return_to_unit(
                session, task_id, at=at, actor=by, reason=form.reason, notifier=notifier,
                calendar=run.calendar,
            )  # fmt: skip

        change = accepted(await record(quote(run), form.task, quote(move)))
        return await _report(run, change, at, by, form.reason)
