"""Entering directives: from the Prefect form (issue-directive) or from a file
(import-directive-file). Each is checked whole and stored with its tasks, or refused
with every problem listed, as `dondoc directive import` does."""

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from pydantic import BaseModel, ConfigDict

from engine.services import imports
from workflows.artifacts import Publication, directive_tables, directive_tag, import_table, publish
from workflows.common import (
    FORM,
    PRIORITY,
    RECURRENCE,
    PriorityChoice,
    RecurrenceChoice,
    Refused,
    Run,
    RunRefused,
    accepted,
    actor,
    attempt,
    blocking,
    code_of,
    dondoc_run,
    field,
    form_place,
    form_value,
    parse_form,
    refusals_fail_quietly,
)

#: the run artifact of every import (the directive's own artifact is keyed by reference)
IMPORT_KEY = "nhap-van-ban"


class TaskForm(BaseModel):
    """One task of the directive: the six clears (6 rõ)."""

    model_config = ConfigDict(title="Nhiệm vụ", str_strip_whitespace=True)

    number: str = field(0, "STT", "Number of the task in the directive, e.g. 4", "")
    title: str = field(1, "Nhiệm vụ", "What is to be done (rõ việc)")
    description: str = field(2, "Nội dung chi tiết", "Details", "")
    lead_unit: str | None = field(
        3,
        "Đơn vị chủ trì",
        "The one lead unit (rõ người): its name, e.g. Vụ Tổng hợp, an alias, or its code",
        None,
    )
    owner: str = field(4, "Người phụ trách", "Named person in charge (optional)", "")
    coordinating_units: list[str] = field(
        5,
        "Đơn vị phối hợp",
        "The coordinating units, each by name, alias or code",
        default_factory=list,
    )
    deadline: date | None = field(6, "Thời hạn", "Deadline date (rõ thời gian)", None)
    deadline_working_days: int | None = field(
        7, "Số ngày làm việc", "Or: the deadline is N working days from the issue date", None
    )
    recurrence: RecurrenceChoice = field(
        8, "Định kỳ", "A recurring obligation, or an ongoing duty without a deadline", None
    )
    deliverable: str = field(9, "Sản phẩm", "Expected output (rõ sản phẩm)", "")
    authority: str = field(
        10, "Cấp có thẩm quyền", "Who accepts the result and decides extensions", ""
    )
    source_quote: str = field(
        11, "Trích dẫn nguồn", "The sentence of the conclusion the task comes from", ""
    )


class DirectiveForm(BaseModel):
    """A directive and its tasks, entered by the coordinator."""

    model_config = ConfigDict(title="Văn bản chỉ đạo", str_strip_whitespace=True)

    reference: str = field(0, "Số hiệu văn bản", "Reference number, unique, e.g. 45/TB-VPCTN")
    title: str = field(1, "Trích yếu", "Title of the directive or conclusion notice")
    issuer: str = field(2, "Người/cơ quan chỉ đạo", "Who issued it")
    issued_on: date = field(3, "Ngày ban hành", "Issue date")
    meeting: str = field(4, "Cuộc họp", "The meeting it concludes (optional)", "")
    priority: PriorityChoice = field(
        5, "Mức ưu tiên", "Priority: sets the reminder and escalation policy", PRIORITY["normal"]
    )
    tasks: list[TaskForm] = field(6, "Nhiệm vụ", "The tasks assigned, at least one", min_length=1)
    text: str = field(7, "Toàn văn", "Full text of the directive (optional)", "")
    strict: bool | None = field(
        8,
        "Từ chối nếu thiếu 6 rõ",
        "Refuse the directive if a task lacks any of the six clears (empty: DONDOC_IMPORT_STRICT);"
        " otherwise such tasks are stored as drafts",
        None,
    )
    entered_by: str | None = field(
        9, "Người nhập", "Who entered it (empty: the worker's login name)", None
    )


class FileForm(BaseModel):
    """A directive file on the worker's disk."""

    model_config = ConfigDict(title="Nhập văn bản từ tệp", str_strip_whitespace=True)

    path: str = field(
        0,
        "Đường dẫn tệp",
        "Path of a .yaml, .json or .xlsx file as the worker sees it (relative to the project"
        " directory, or absolute)",
        min_length=1,
    )
    strict: bool | None = field(
        1,
        "Từ chối nếu thiếu 6 rõ",
        "Refuse the file if a task lacks any of the six clears (empty: DONDOC_IMPORT_STRICT)",
        None,
    )
    entered_by: str | None = field(
        2, "Người nhập", "Who imported it (empty: the worker's login name)", None
    )


class Options(BaseModel):
    """The entry's options, checked apart from the directive (which the intake checks)."""

    model_config = ConfigDict(extra="ignore")

    strict: bool | None = None
    entered_by: str | None = None


# A write that is not idempotent: retried after a commit it would refuse the reference
# as already stored, so no retries (the import is one transaction: a failed run stored
# nothing, and can simply be run again).
@task(name="store-directive", cache_policy=NO_CACHE)
async def store_record(
    run: Run, data: dict[str, Any], strict: bool, by: str
) -> imports.DirectiveImport | Refused:
    deps = run.deps
    now = deps.clock.now()
    record = form_place(data, DirectiveForm, run.lang, TaskForm)

    def store() -> imports.DirectiveImport:
        with deps.session() as session:
            return imports.import_directive_record(
                session, record, run.calendar, now, by, strict=strict
            )

    return await attempt(store)


@task(name="import-file", cache_policy=NO_CACHE)
async def store_file(
    run: Run, path: Path, strict: bool, by: str
) -> imports.DirectiveImport | Refused:
    deps = run.deps
    now = deps.clock.now()

    def store() -> imports.DirectiveImport:
        with deps.session() as session:
            return imports.import_directives(session, path, run.calendar, now, by, strict=strict)

    return await attempt(store)


def with_codes(data: dict[str, Any]) -> dict[str, Any]:
    """The form's data with its choices as the intake reads them: 'Khẩn' -> 'urgent',
    'Hằng quý' -> 'quarterly' (a code, or anything else, is left for the intake)."""
    out = dict(data)
    if "priority" in out:
        out["priority"] = code_of(PRIORITY, out["priority"])
    tasks = out.get("tasks")
    if isinstance(tasks, list):
        out["tasks"] = [
            {**t, "recurrence": code_of(RECURRENCE, t["recurrence"])}
            if isinstance(t, dict) and t.get("recurrence")
            else t
            for t in tasks
        ]
    return out


def _form_value(key: str) -> str:
    value = form_value(key)
    return str(value)[:80] if isinstance(value, str) and value.strip() else ""


def _directive_run_name() -> str:
    """'nhập văn bản 45/TB-VPCTN'."""
    return f"nhập văn bản {_form_value('reference')}".strip()


def _file_run_name() -> str:
    """'nhập tệp chi-dao-thang-12.xlsx'."""
    return f"nhập tệp {Path(_form_value('path')).name}".strip()


async def _report(run: Run, result: imports.DirectiveImport) -> dict[str, Any]:
    """Publish the tasks created and each directive's own artifact; tag the run."""
    deps, lang = run.deps, run.lang
    now = deps.clock.now()
    drafts = [note.where.render(lang) for note in result.drafts]

    def build() -> Publication:
        with deps.session() as session:
            run_table = import_table(
                session, run.calendar, now, result.references, drafts, lang, IMPORT_KEY
            )
            tables = directive_tables(session, run.calendar, now, result.references, lang)
        return Publication([run_table, *tables], [directive_tag(r) for r in result.references])

    await publish(await blocking(build))
    get_run_logger().info(
        "%s: %d task(s), %d draft(s)", ", ".join(result.references), result.task_count, len(drafts)
    )
    return {
        "references": result.references,
        "tasks": result.task_count,
        "drafts": len(result.drafts),
    }


def _strict(run: Run, given: bool | None) -> bool:
    return run.settings.import_strict if given is None else given


@flow(name="issue-directive", validate_parameters=False, flow_run_name=_directive_run_name)
@refusals_fail_quietly
async def issue_directive(directive: DirectiveForm) -> dict[str, Any]:
    """Enter a directive and its tasks from the form (nhập văn bản chỉ đạo).

    Tasks with all six clears are assigned (their lead units hear at the next sweep);
    the others are stored as drafts and the run says what they lack. A bad entry is
    refused whole, every problem located in the form.

    Args:
        directive: Văn bản chỉ đạo và các nhiệm vụ / the directive and its tasks
    """
    async with dondoc_run(failure_key=IMPORT_KEY) as run:
        raw = directive.model_dump(mode="json") if isinstance(directive, BaseModel) else directive
        if not isinstance(raw, dict):
            raise RunRefused(
                f"{FORM[run.lang]}: cần một văn bản chỉ đạo / a directive is required, got {raw!r}"
            )
        options = parse_form(Options, raw, run.lang)
        # the directive itself is checked by the intake, exactly as a file's directive
        data = with_codes({k: v for k, v in raw.items() if k not in Options.model_fields})
        stored = await store_record(
            quote(run), data, _strict(run, options.strict), actor(options.entered_by)
        )
        return await _report(run, accepted(stored))


@flow(name="import-directive-file", validate_parameters=False, flow_run_name=_file_run_name)
@refusals_fail_quietly
async def import_directive_file(request: FileForm) -> dict[str, Any]:
    """Import the directives of a YAML, JSON or Excel file (nhập văn bản từ tệp), as
    `dondoc directive import FILE` does: all of them, or none.

    Args:
        request: Tệp cần nhập / the file to import
    """
    async with dondoc_run(failure_key=IMPORT_KEY) as run:
        form = parse_form(FileForm, request, run.lang)
        path = Path(form.path).expanduser()
        if not path.is_file():
            raise RunRefused(
                f"Không tìm thấy tệp: {path}" if run.lang == "vi" else f"No such file: {path}"
            )
        stored = await store_file(
            quote(run), path, _strict(run, form.strict), actor(form.entered_by)
        )
        return await _report(run, accepted(stored))
