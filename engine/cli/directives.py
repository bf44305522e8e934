"""`dondoc directive import` and `dondoc directives list`: entering directives and
seeing them with their counts of tasks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from engine.bootstrap import default_actor
from engine.cli.common import console, directive_app, directives_app, existing, open_app, state, t
from engine.i18n import short_date, word
from engine.intake.absences import read_absences
from engine.services import absences, imports
from engine.store import reads


@directive_app.command("import")
def directive_import(
    file: Path,
    strict: Annotated[
        bool | None,
        typer.Option("--strict/--allow-drafts", help="Từ chối cả tệp nếu nhiệm vụ thiếu 6 rõ"),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Người nhập")] = None,
) -> None:
    """Nhập văn bản chỉ đạo từ YAML, JSON hoặc Excel / import directives (YAML, JSON, XLSX)."""
    with open_app() as application, application.session() as session:
        strict_mode = application.settings.import_strict if strict is None else strict
        read_absences(existing(file))  # a workbook's «Vắng mặt» sheet: refused before anything
        result = imports.import_directives(
            session,
            existing(file),
            application.calendar,
            application.clock.now(),
            by or default_actor(),
            strict=strict_mode,
            policies=application.policies,
        )
        away = absences.import_absences(
            session, existing(file), at=application.clock.now(), actor=by or default_actor()
        )
    if away:
        console.print(t(f"Đã ghi {away} kỳ vắng mặt.", f"Recorded {away} absence(s)."))
    console.print(
        t(
            f"Đã nhập {len(result.references)} văn bản ({', '.join(result.references)}), {result.task_count} nhiệm vụ.",
            f"Imported {len(result.references)} directive(s) ({', '.join(result.references)}), {result.task_count} tasks.",
        )
    )
    if result.drafts:
        console.print(
            t(
                f"[yellow]{len(result.drafts)} nhiệm vụ lưu ở dạng dự thảo vì chưa đủ 6 rõ:[/yellow]",
                f"[yellow]{len(result.drafts)} task(s) stored as drafts, lacking some of the six clears:[/yellow]",
            )
        )
        for note in result.drafts:
            console.print(f"  - {note.where.render(state.lang)}", highlight=False)


@directives_app.command("list")
def directives_list() -> None:
    """Danh sách văn bản chỉ đạo / list directives."""
    with open_app() as application, application.session() as session:
        rows = reads.directives(session)
    table = Table(title=t("Văn bản chỉ đạo", "Directives"))
    for key in ("reference", "issued_on", "issuer", "title", "tasks", "drafts"):
        table.add_column(
            word(key, state.lang), justify="right" if key in ("tasks", "drafts") else "left"
        )
    for row in rows:
        table.add_row(
            row.reference, short_date(row.issued_on), row.issuer, row.title, str(row.tasks),
            str(row.drafts),
        )  # fmt: skip
    console.print(table)
