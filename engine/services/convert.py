"""Rows to domain objects and back."""

from __future__ import annotations

from datetime import datetime

from engine.domain.model import Person, Unit
from engine.store.tables import UnitRow


def unit_from_row(row: UnitRow) -> Unit:
    head = (
        Person(row.head_name, row.head_email, row.head_title)
        if row.head_name and row.head_email
        else None
    )
    return Unit(
        code=row.code,
        name_vi=row.name_vi,
        name_en=row.name_en,
        head=head,
        deputies=tuple(Person(d["name"], d["email"], d.get("title", "")) for d in row.deputies),
        parent_code=row.parent_code,
        active=row.active,
        language=row.language,
        aliases=tuple(row.aliases),
    )


def fill_unit_row(row: UnitRow, unit: Unit, now: datetime) -> UnitRow:
    row.name_vi = unit.name_vi
    row.name_en = unit.name_en
    row.head_name = unit.head.name if unit.head else None
    row.head_title = unit.head.title if unit.head else ""
    row.head_email = unit.head.email if unit.head else None
    row.deputies = [{"name": d.name, "email": d.email, "title": d.title} for d in unit.deputies]
    row.parent_code = unit.parent_code
    row.active = unit.active
    row.language = unit.language
    row.aliases = list(unit.aliases)
    row.updated_at = now
    return row
