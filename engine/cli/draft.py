"""`dondoc directive draft` and `dondoc deadline resolve`: drafting a directive from the
meeting's conclusions text (`engine.services.drafting`) from the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from engine.bootstrap import bootstrap
from engine.calendar_file import CalendarFileError
from engine.cli.common import console, deadline_app, directive_app, errors, settings, state, t
from engine.config import NotInitialised, SetupError
from engine.domain.calendar import WorkingCalendar
from engine.domain.model import Unit
from engine.domain.vntext import nfc
from engine.extract.deadline_phrases import resolve
from engine.extract.draft import eval_record
from engine.intake.problems import ImportRefused
from engine.intake.schema import parse_date
from engine.services.convert import unit_from_row
from engine.services.drafting import (
    Drafted,
    draft_file,
    draft_yaml,
    file_calendar,
    units_from_file,
)
from engine.store import reads
from engine.store.db import check_database


def fail(message: str, code: int = 2) -> typer.Exit:
    errors.print(f"[red]{message}[/red]", highlight=False)
    return typer.Exit(code)


def day(text: str | None, what: str) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise fail(t(f"{what}: ngày không hợp lệ {text!r}", f"{what}: bad date {text!r}")) from exc


@deadline_app.command("resolve")
def deadline_resolve(
    text: Annotated[str, typer.Argument(help="Cụm từ chỉ thời hạn, ví dụ 'quý I/2026'")],
    on: Annotated[str, typer.Option("--on", help="Ngày họp / ngày tham chiếu (2025-11-25)")],
) -> None:
    """Đổi cụm từ thời hạn thành ngày / resolve a deadline expression (one JSON object)."""
    reference = day(on, "--on")
    assert reference is not None
    try:
        calendar = file_calendar(settings())
    except CalendarFileError as exc:
        raise fail(str(exc), 1) from exc
    typer.echo(json.dumps(resolve(nfc(text), reference, calendar).as_json()))


def stored_units() -> tuple[list[Unit], WorkingCalendar]:
    """The units directory and the office's calendar, from the database."""
    application = bootstrap(settings())
    try:
        try:
            check_database(application.engine)
        except NotInitialised as exc:
            raise fail(
                t(
                    f"{exc.vi} Hoặc dùng --units FILE (danh mục đơn vị).",
                    f"{exc.en} Or give --units FILE (the units directory).",
                ),
                exc.exit_code,
            ) from exc
        deps = application.deps()
        with deps.session() as session:
            directory = [unit_from_row(r) for r in reads.units(session)]
        return directory, deps.calendar
    finally:
        application.engine.dispose()


@directive_app.command("draft")
def directive_draft(
    file: Annotated[
        Path,
        typer.Argument(help="Văn bản kết luận: .docx, .pdf (có lớp chữ), .html, .txt (UTF-8/16)"),
    ],
    meeting_date: Annotated[
        str | None, typer.Option("--meeting-date", help="Ngày họp, nếu văn bản không ghi")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Ghi dự thảo YAML ra tệp (mặc định: in ra)")
    ] = None,
    eval_json: Annotated[
        Path | None, typer.Option("--eval-json", help="Ghi thêm các nhiệm vụ dạng JSON để chấm")
    ] = None,
    units: Annotated[
        Path | None,
        typer.Option("--units", help="Danh mục đơn vị (YAML/CSV); mặc định: trong cơ sở dữ liệu"),
    ] = None,
) -> None:
    """Lập dự thảo văn bản chỉ đạo từ văn bản kết luận / draft a directive from the text.

    Không giao việc: chuyên viên rà soát rồi mới nhập / it assigns nothing by itself."""
    if not file.is_file():
        raise fail(t(f"Không tìm thấy tệp: {file}", f"No such file: {file}"))
    given = day(meeting_date, "--meeting-date")
    try:
        if units is not None:
            if not units.is_file():
                raise fail(t(f"Không tìm thấy tệp: {units}", f"No such file: {units}"))
            directory, calendar = units_from_file(units), file_calendar(settings())
        else:
            directory, calendar = stored_units()
        drafted = draft_file(file, directory, calendar, given)
    except ImportRefused as exc:
        raise fail(exc.render(state.lang)) from exc
    except SetupError as exc:
        raise fail(exc.render(state.lang), exc.exit_code) from exc
    except (ValueError, CalendarFileError) as exc:
        raise fail(str(exc)) from exc
    if eval_json is not None:
        eval_json.parent.mkdir(parents=True, exist_ok=True)
        eval_json.write_text(
            json.dumps(eval_record(drafted.extraction), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
    document = draft_yaml(drafted.record)
    if out is None:
        typer.echo(document)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(document, encoding="utf-8")
    show(drafted, out)


def show(drafted: Drafted, out: Path) -> None:
    """The proposed tasks, and where the draft was written."""
    extraction = drafted.extraction
    meeting = extraction.meeting
    basis = f" ({meeting.basis})" if meeting.day and meeting.day == extraction.on else ""
    console.print(
        t(
            f"Ngày họp: {drafted.issued_on:%d/%m/%Y}{basis}; chủ trì: {extraction.issuer or '—'}.",
            f"Meeting date: {drafted.issued_on}{basis}; chaired by: {extraction.issuer or '—'}.",
        ),
        highlight=False,
    )
    table = Table(title=t("Nhiệm vụ đề xuất", "Proposed tasks"))
    for header in (
        t("STT", "No."),
        t("Nhiệm vụ", "Task"),
        t("Đơn vị chủ trì", "Lead unit"),
        t("Thời hạn", "Deadline"),
        t("Loại", "Kind"),
    ):
        table.add_column(header)
    for number, task in enumerate(extraction.tasks, start=1):
        when = f"{task.deadline:%d/%m/%Y}" if task.deadline else "—"
        if task.past:
            when += t(" (đã qua)", " (past)")
        if task.recurrence:
            when += f" [{task.recurrence.value}]"
        kind = (
            t("thường xuyên", "ongoing duty")
            if task.kind == "ongoing_duty"
            else t("nhiệm vụ", "task")
        )
        reason = task.kind_reason.split(" / ")[0 if state.lang != "en" else -1]
        table.add_row(
            str(number), task.title, task.unit_code or task.unit_name or "—", when,
            f"{kind} ({reason})" if reason else kind,
        )  # fmt: skip
    console.print(table)
    console.print(
        t(
            f"Đã ghi dự thảo {len(extraction.tasks)} nhiệm vụ vào {out}. Chưa giao việc nào: "
            f"chuyên viên rà soát rồi nhập bằng `dondoc directive import {out}`.",
            f"Wrote a draft of {len(extraction.tasks)} tasks to {out}. Nothing is assigned: "
            f"review it, then `dondoc directive import {out}`.",
        ),
        highlight=False,
    )
