"""An extraction as a directive record in the import format (for the coordinator to
review, then `dondoc directive import`), and as the scorer's prediction format."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from engine.extract.tasks import DraftTask, Extraction

PLACEHOLDER_ISSUER = "Chưa xác định (chuyên viên bổ sung)"


def _notes(task: DraftTask, lang: str) -> str:
    """What the coordinator should know about a proposed task, Vietnamese first."""
    notes = []
    if task.past and task.deadline is not None:
        notes.append(
            f"Thời hạn nêu trong văn bản ({task.deadline:%d/%m/%Y}) đã qua so với ngày họp: "
            f"chưa ghi vào thời hạn, chuyên viên xem lại / the stated deadline {task.deadline} "
            "is before the meeting: not set, please review."
        )
    elif task.deadline_expression and task.deadline is not None:
        notes.append(f"Thời hạn theo văn bản / deadline as written: “{task.deadline_expression}”.")
    elif task.deadline is None and task.recurrence is None:
        notes.append("Văn bản không nêu thời hạn / the text states no deadline.")
    if task.unit_code is None and task.unit_name:
        notes.append(
            f"Đơn vị nêu trong văn bản: {task.unit_name} (chưa có trong danh mục) / "
            f"unit named in the text, not in the directory."
        )
    elif task.unit_code is None:
        notes.append("Văn bản không nêu đơn vị / the text names no unit.")
    elif not task.unit_stated:
        notes.append(
            "Đơn vị chủ trì là đơn vị dự họp (văn bản không nêu riêng) / "
            "lead unit: the unit the meeting was held with."
        )
    kind = (
        "Nhiệm vụ thường xuyên / an ongoing duty"
        if task.kind == "ongoing_duty"
        else ("Nhiệm vụ có sản phẩm / a task")
    )
    if task.kind_reason:
        notes.append(f"{kind} — căn cứ / because: {task.kind_reason}.")
    elif task.kind == "ongoing_duty":
        notes.append(f"{kind}.")
    if task.recurrence is not None and task.recurrence_reason:
        notes.append(
            f"Định kỳ / recurrence {task.recurrence.value} — căn cứ / because: "
            f"{task.recurrence_reason}."
        )
    notes.append("Dự thảo tự động từ văn bản, cần chuyên viên rà soát / drafted from the text.")
    return " ".join(notes)


def directive_record(
    extraction: Extraction, text: str, source_name: str, issued_on: date
) -> dict[str, Any]:
    """The directive in the import format. Nothing is assigned: every task lacks its
    deliverable and approving authority, so the import stores it as a draft."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:6].upper()
    on = extraction.on
    when = f" ngày {on:%d/%m/%Y}" if on else ""
    issuer = extraction.issuer or PLACEHOLDER_ISSUER
    tasks = []
    for number, task in enumerate(extraction.tasks, start=1):
        record: dict[str, Any] = {
            "number": str(number),
            "title": task.title,
            "description": _notes(task, extraction.language),
        }
        if task.unit_code:
            record["lead_unit"] = task.unit_code
        if task.coordinating:
            record["coordinating_units"] = [c for c in task.coordinating if c != task.unit_code]
        if task.deadline is not None and not task.past and task.deadline >= issued_on:
            record["deadline"] = task.deadline.isoformat()
        if task.recurrence is not None:
            record["recurrence"] = task.recurrence.value
        record["deliverable"] = ""
        record["authority"] = ""
        record["source_quote"] = task.quote
        tasks.append(record)
    return {
        "reference": f"DU-THAO-{issued_on:%Y%m%d}-{digest}",
        "title": f"Kết luận của {issuer} tại cuộc họp{when} (dự thảo từ {source_name})",
        "issuer": issuer,
        "issued_on": issued_on.isoformat(),
        "meeting": f"Cuộc họp{when}" + (f" — {extraction.meeting.basis}" if on else ""),
        "text": text,
        "tasks": tasks,
    }


def eval_record(extraction: Extraction) -> dict[str, Any]:
    """The tasks in the scorer's prediction format."""
    return {
        "tasks": [
            {
                "quote": t.quote,
                "char_start": t.start,
                "char_end": t.end,
                "summary": t.title,
                "assignee": t.unit_name,
                "deadline": t.deadline.isoformat() if t.deadline else None,
                "recurring": t.recurrence.value if t.recurrence else None,
                "kind": t.kind,
                "kind_reason": t.kind_reason,
                "recurrence_reason": t.recurrence_reason,
            }
            for t in extraction.tasks
        ]
    }
