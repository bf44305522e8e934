"""A task moves on: the unit's progress, the authority's decision on a completion, and
the decision on an extension. Each is one change with its event in the task's history,
and the mail it calls for in the outbox, as `dondoc task update|extend` do."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

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
from engine.services import tasks
from engine.store import reads
from engine.store.tables import TaskRow
from workflows.artifacts import (
    Markdown,
    Publication,
    directive_table,
    directive_tag,
    local,
    publish,
    task_tag,
)
from workflows.common import Moment, Run, actor, blocking, dondoc_run, field, moment, parse_form

TASK_ID = "Task id: see `dondoc tasks list` or the directive's artifact (column Mã)"
AT = "When it happened, e.g. 2025-12-01T09:00 (empty: now); not before the task's last change"


class ProgressForm(BaseModel):
    model_config = ConfigDict(title="Báo cáo tiến độ", str_strip_whitespace=True)

    task_id: int = field(0, "Mã nhiệm vụ", TASK_ID, ge=1)
    status: Literal["in_progress", "submitted", "extension_requested"] = field(
        1,
        "Tình trạng",
        "in_progress: being done (đang thực hiện); submitted: result reported for acceptance"
        " (báo cáo kết quả); extension_requested: the unit asks for more time (đề nghị gia hạn)",
    )
    note: str = field(2, "Nội dung báo cáo", "What the unit reported", "")
    at: Moment = field(3, "Thời điểm ghi nhận", AT, None)
    reported_by: str | None = field(
        4, "Người ghi nhận", "Who recorded it (empty: the worker's login name)", None
    )


class CompletionForm(BaseModel):
    model_config = ConfigDict(title="Xác nhận kết quả", str_strip_whitespace=True)

    task_id: int = field(0, "Mã nhiệm vụ", TASK_ID, ge=1)
    decision: Literal["accept", "return"] = field(
        1,
        "Quyết định",
        "accept: the result is confirmed, the task is completed (xác nhận hoàn thành);"
        " return: refused, to be done again (từ chối xác nhận, thực hiện lại)",
    )
    note: str = field(2, "Nhận xét", "The authority's remarks or reasons", "")
    at: Moment = field(3, "Thời điểm quyết định", AT, None)
    decided_by: str | None = field(
        4, "Người quyết định", "Who decided (empty: the worker's login name)", None
    )


class ExtensionForm(BaseModel):
    model_config = ConfigDict(title="Quyết định gia hạn", str_strip_whitespace=True)

    task_id: int = field(0, "Mã nhiệm vụ", TASK_ID, ge=1)
    decision: Literal["approve", "refuse"] = field(
        1,
        "Quyết định",
        "approve: a new deadline (đồng ý gia hạn); refuse: the deadline stands"
        " (không đồng ý gia hạn)",
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
        if value is None and info.data.get("decision") == "approve":
            raise PydanticCustomError(
                "missing_deadline",
                "an approved extension needs the new deadline",
                {
                    "vi": "cần ngày gia hạn khi đồng ý gia hạn",
                    "en": "an approved extension needs the new deadline",
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


Move = Callable[[Session, Notifier], TaskRow]


# A change of state is not idempotent (a retry after the commit would be an illegal
# move), so no retries: a failed run changed nothing and can be run again.
@task(name="record-change", cache_policy=NO_CACHE)
async def record(run: Run, task_id: int, move: Move) -> Change:
    deps = run.deps

    def apply() -> Change:
        with deps.session() as session:
            before = tasks.get_task(session, task_id)
            status, deadline = before.status, before.deadline
            after = move(session, deps.notifier())
            return Change(status, deadline, after, reads.reference_of(session, task_id))

    return await blocking(apply)


async def _report(run: Run, change: Change, at: datetime, by: str, note: str) -> dict[str, Any]:
    """Publish the change where the coordinator looks, refresh the directive's artifact,
    and tag the run with the directive and the task."""
    lang, after = run.lang, change.after
    assert after.id is not None
    before = status_label(Status(change.status_before), lang)
    moved = f"{before} → {status_label(Status(after.status), lang)}"
    deadline = short_date(after.deadline) or "—"
    if change.deadline_before != after.deadline:
        deadline = f"{short_date(change.deadline_before) or '—'} → {deadline}"
    lines = [
        (word("directive", lang), change.reference),
        (word("task", lang), f"{after.number}. {after.title}" if after.number else after.title),
        (word("status", lang), moved),
        (word("deadline", lang), deadline),
        (word("note", lang), note or "—"),
        (word("who", lang), f"{by}, {local(at, run.calendar.timezone)}"),
    ]
    heading = f"{word('task', lang)} {after.id}: {status_label(Status(after.status), lang)}"
    text = f"## {heading}\n\n" + "\n".join(f"- **{k}:** {v}" for k, v in lines)

    def build() -> Publication:
        with run.deps.session() as session:
            table = directive_table(
                session, run.calendar, run.deps.clock.now(), change.reference, lang
            )
        return Publication(
            [Markdown(None, text), table], [directive_tag(change.reference), task_tag(after.id)]
        )

    await publish(await blocking(build))
    get_run_logger().info("task %s (%s): %s", after.id, change.reference, moved)
    return {
        "task_id": after.id,
        "reference": change.reference,
        "status": after.status,
        "deadline": after.deadline.isoformat() if after.deadline else None,
    }


@flow(name="record-progress", validate_parameters=False)
async def record_progress(report: ProgressForm) -> dict[str, Any]:
    """Record what a unit reported on a task (báo cáo tiến độ): being done, result
    submitted, or more time asked for.

    Args:
        report: Báo cáo của đơn vị / the unit's report
    """
    async with dondoc_run() as run:
        form = parse_form(ProgressForm, report, run.lang)
        at, by = moment(run, form.at), actor(form.reported_by)

        def move(session: Session, notifier: Notifier) -> TaskRow:
            return tasks.change_status(
                session, form.task_id, Status(form.status), at=at, actor=by, note=form.note,
                notifier=notifier, calendar=run.calendar,
            )  # fmt: skip

        change = await record(quote(run), form.task_id, quote(move))
        return await _report(run, change, at, by, form.note)


@flow(name="decide-completion", validate_parameters=False)
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

        def move(session: Session, notifier: Notifier) -> TaskRow:
            return tasks.change_status(
                session, form.task_id, to, at=at, actor=by, note=form.note, notifier=notifier,
                calendar=run.calendar,
            )  # fmt: skip

        change = await record(quote(run), form.task_id, quote(move))
        return await _report(run, change, at, by, form.note)


@flow(name="decide-extension", validate_parameters=False)
async def decide_extension(decision: ExtensionForm) -> dict[str, Any]:
    """Approve an extension with its new deadline, or refuse it; the history keeps the
    original deadline, and the lead unit is told by mail.

    Args:
        decision: Quyết định gia hạn / the decision on the extension
    """
    async with dondoc_run() as run:
        form = parse_form(ExtensionForm, decision, run.lang)
        at, by = moment(run, form.at), actor(form.decided_by)

        def move(session: Session, notifier: Notifier) -> TaskRow:
            return tasks.extend(
                session, form.task_id, until=form.new_deadline, reason=form.reason, at=at,
                actor=by, refuse=form.decision == "refuse", notifier=notifier,
                calendar=run.calendar,
            )  # fmt: skip

        change = await record(quote(run), form.task_id, quote(move))
        return await _report(run, change, at, by, form.reason)
