"""`dondoc units import|list`: the units directory."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from engine.bootstrap import default_actor
from engine.cli.common import console, existing, open_app, state, t, units_app
from engine.i18n import word
from engine.services import absences, imports
from engine.store import reads


@units_app.command("import")
def units_import(file: Path) -> None:
    """Nhập danh mục đơn vị từ YAML hoặc CSV / import units from YAML or CSV."""
    with open_app() as application, application.session() as session:
        result = imports.import_units(session, existing(file), application.clock.now())
        away = absences.import_absences(
            session, existing(file), at=application.clock.now(), actor=default_actor()
        )
    console.print(
        t(
            f"Đã nhập {len(result.created)} đơn vị mới, cập nhật {len(result.updated)} đơn vị.",
            f"Imported {len(result.created)} new units, updated {len(result.updated)}.",
        )
    )
    if away:
        console.print(t(f"Đã ghi {away} kỳ vắng mặt.", f"Recorded {away} absence(s)."))


@units_app.command("list")
def units_list() -> None:
    """Danh sách đơn vị / list units."""
    with open_app() as application, application.session() as session:
        rows = reads.units(session)
    table = Table(title=t("Danh mục đơn vị", "Units"))
    for key in ("code", "name", "head", "parent"):
        table.add_column(word(key, state.lang))
    for row in rows:
        name = row.name_en if state.lang == "en" and row.name_en else row.name_vi
        head = f"{row.head_title} {row.head_name or ''}".strip()
        table.add_row(row.code, name, head, row.parent_code or "")
    console.print(table)
