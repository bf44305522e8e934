"""Rows to domain objects and back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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


def unit_values(unit: Unit, now: datetime) -> dict[str, Any]:
    """The columns of a unit's row, the code apart."""
    return {
        "name_vi": unit.name_vi,
        "name_en": unit.name_en,
        "head_name": unit.head.name if unit.head else None,
        "head_title": unit.head.title if unit.head else "",
        "head_email": unit.head.email if unit.head else None,
        "deputies": [{"name": d.name, "email": d.email, "title": d.title} for d in unit.deputies],
        "parent_code": unit.parent_code,
        "active": unit.active,
        "language": unit.language,
        "aliases": list(unit.aliases),
        "updated_at": now,
    }
