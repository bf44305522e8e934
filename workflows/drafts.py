"""Drafting a directive from the meeting's conclusions text (draft-directive-from-text),
as `dondoc directive draft` does: the proposed tasks shown as an artifact, and the draft
in the import format for the coordinator to review. Nothing is stored or assigned."""

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from pydantic import BaseModel, ConfigDict

from engine.extract.documents import DocumentRefused, read_document
from engine.presenters import in_language
from engine.services.convert import unit_from_row
from engine.services.drafting import Drafted, draft_text, draft_yaml
from engine.store import reads
from workflows.artifacts import Markdown, Publication, Table, publish
from workflows.common import (
    Run,
    RunRefused,
    blocking,
    dondoc_run,
    field,
    form_value,
    parse_form,
    refusals_fail_quietly,
)

#: the artifacts of every draft: the proposed tasks, and the draft file's text
DRAFT_KEY = "du-thao-van-ban"
DRAFT_FILE_KEY = "du-thao-van-ban-tep"


class DraftForm(BaseModel):
    """The conclusions text: pasted in the form, or a file on the worker's disk."""

    model_config = ConfigDict(title="Dự thảo từ văn bản kết luận", str_strip_whitespace=True)

    text: str = field(
        0, "Văn bản kết luận", "The meeting's conclusions, pasted (or give a path)", ""
    )
    path: str = field(
        1, "Đường dẫn tệp", "Or: a .docx, .pdf, .html or .txt file as the worker sees it", ""
    )
    meeting_date: date | None = field(
        2, "Ngày họp", "Meeting date, when the text does not give it", None
    )
    out: str = field(
        3, "Ghi dự thảo ra tệp", "Optional: write the YAML draft to this path on the worker", ""
    )


_HEADERS = {
    "vi": ("STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Định kỳ", "Loại", "Trích dẫn nguồn"),
    "en": ("No.", "Task", "Lead unit", "Deadline", "Recurrence", "Kind", "Source quote"),
}


def draft_table(drafted: Drafted, lang: str) -> Table:
    headers = _HEADERS["en" if lang == "en" else "vi"]
    rows = []
    for number, task in enumerate(drafted.extraction.tasks, start=1):
        when = f"{task.deadline:%d/%m/%Y}" if task.deadline else "—"
        if task.past:
            when += " (đã qua)" if lang == "vi" else " (past)"
        unit = task.unit_code or (f"{task.unit_name} (?)" if task.unit_name else "—")
        kind = (
            ("thường xuyên", "ongoing duty")
            if task.kind == "ongoing_duty"
            else ("nhiệm vụ", "task")
        )
        label = kind[1] if lang == "en" else kind[0]
        reason = task.kind_reason.split(" / ")[-1 if lang == "en" else 0]  # which cue decided
        values = (
            number, task.title, unit, when, task.recurrence.value if task.recurrence else "—",
            f"{label} ({reason})" if reason else label, task.quote,
        )  # fmt: skip
        rows.append(dict(zip(headers, values, strict=True)))
    extraction = drafted.extraction
    description = (
        f"Dự thảo {len(rows)} nhiệm vụ; ngày họp {drafted.issued_on:%d/%m/%Y}; "
        f"chủ trì: {extraction.issuer or '—'}. Chưa giao việc nào: chuyên viên rà soát rồi nhập."
        if lang == "vi"
        else f"Draft of {len(rows)} tasks; meeting {drafted.issued_on}; chaired by "
        f"{extraction.issuer or '—'}. Nothing is assigned: review, then import."
    )
    return Table(DRAFT_KEY, rows, description)


def _draft(run: Run, text: str, source: str, meeting_date: date | None) -> Drafted:
    with run.deps.session() as session:
        units = [unit_from_row(r) for r in reads.units(session)]
    return draft_text(text, source, units, run.calendar, meeting_date)


def _run_name() -> str:
    """'dự thảo ket-luan-hop-giao-ban.docx' (or 'dự thảo từ văn bản dán vào')."""
    path = form_value("path")
    if isinstance(path, str) and path.strip():
        return f"dự thảo {Path(path.strip()).name}"[:100]
    return "dự thảo từ văn bản dán vào"


@flow(name="draft-directive-from-text", validate_parameters=False, flow_run_name=_run_name)
@refusals_fail_quietly
async def draft_directive_from_text(request: DraftForm) -> dict[str, Any]:
    """Propose a directive's tasks from the meeting's conclusions text (lập dự thảo từ văn
    bản kết luận): each with its source sentence, unit, deadline and recurrence, matched
    against the units in the database. The draft is shown, not stored.

    Args:
        request: Văn bản kết luận và ngày họp / the conclusions text and the meeting date
    """
    async with dondoc_run(failure_key=DRAFT_KEY) as run:
        form = parse_form(DraftForm, request, run.lang)
        text, source = form.text, "form"
        if form.path:
            path = Path(form.path).expanduser()
            if not path.is_file():
                raise RunRefused(
                    f"Không tìm thấy tệp: {path}" if run.lang == "vi" else f"No such file: {path}"
                )
            try:
                text, source = read_document(path).text, path.name
            except DocumentRefused as exc:
                en = run.lang == "en"
                raise RunRefused(
                    f"{exc.name}: {exc.en}" if en else f"Tệp {exc.name}: {exc.vi}"
                ) from exc
        if not text.strip():
            raise RunRefused(
                in_language(
                    "Cần dán văn bản kết luận hoặc ghi đường dẫn tệp / paste the text or give a path",
                    run.lang,
                )
            )
        try:
            drafted = await blocking(_draft, run, text, source, form.meeting_date)
        except ValueError as exc:
            raise RunRefused(in_language(str(exc), run.lang)) from exc
        document = draft_yaml(drafted.record)
        if form.out:
            out = Path(form.out).expanduser()
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(document, encoding="utf-8")
        heading = "Dự thảo văn bản (YAML)" if run.lang == "vi" else "Draft directive (YAML)"
        await publish(
            Publication(
                [
                    draft_table(drafted, run.lang),
                    Markdown(DRAFT_FILE_KEY, f"## {heading}\n\n```yaml\n{document}```"),
                ]
            )
        )
        get_run_logger().info("%d task(s) proposed from %s", len(drafted.extraction.tasks), source)
        return {
            "tasks": len(drafted.extraction.tasks),
            "meeting_date": drafted.issued_on.isoformat(),
            "reference": drafted.record["reference"],
            "out": form.out or None,
        }
