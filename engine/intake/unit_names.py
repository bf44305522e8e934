"""A unit given by its name or an alias instead of its code: "Vụ Tổng hợp", "Vụ TH",
"General Affairs Department" for VPCTN-TH, matched as drafting finds units in a text
(without diacritics or case, abbreviations included). And, for a unit that matches
nothing, the closest units to offer instead."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from engine.domain.model import Unit
from engine.domain.vntext import fold
from engine.extract.units import UnitDirectory
from engine.intake.located import Located

#: how many units a refusal offers, and how alike a name must be to be offered
SUGGESTIONS = 3
CUTOFF = 0.6


def unit_code(value: str, units: Mapping[str, Unit], directory: UnitDirectory) -> str | None:
    """The code of the one unit `value` names whole (its code in any case, its name in
    either language, an alias), or None."""
    text = value.strip()
    if text.upper() in units:
        return text.upper()
    mentions = [m for m in directory.find(text) if m.code]
    codes = {m.code for m in mentions}
    covered = sum(m.end - m.start for m in mentions)
    if len(codes) == 1 and covered >= len(re.sub(r"\s+$", "", text)) - 1:
        return mentions[0].code
    return None


def closest_units(value: str, units: Mapping[str, Unit], lang: str = "vi") -> list[str]:
    """The units most like `value`, as a person reads them: 'Vụ Tổng hợp (VPCTN-TH)'."""
    names: dict[str, str] = {}
    for unit in units.values():
        if not unit.active:
            continue
        for name in (unit.code, unit.name_vi, unit.name_en, *unit.aliases):
            if name.strip():
                names.setdefault(fold(name.strip()).lower(), unit.code)
    found: list[str] = []
    for match in difflib.get_close_matches(
        fold(value.strip()).lower(), names, n=SUGGESTIONS * 3, cutoff=CUTOFF
    ):
        code = names[match]
        if code not in found:
            found.append(code)
    return [_shown(units[c], lang) for c in found[:SUGGESTIONS]]


def _shown(unit: Unit, lang: str) -> str:
    name = unit.name_en if lang == "en" and unit.name_en else unit.name_vi
    return f"{name} ({unit.code})" if name else unit.code


def resolve_unit_names(record: Located, units: Mapping[str, Unit]) -> None:
    """Replace, in the record's tasks, each unit given by name or alias with its code (in
    place, before the record is checked). What names no unit stays as it was, to be
    refused as an unknown unit with the closest ones offered."""
    tasks = record.data.get("tasks")
    if not isinstance(tasks, list):
        return
    directory = UnitDirectory(units.values())
    for task in tasks:
        if not isinstance(task, dict):
            continue
        lead = task.get("lead_unit")
        if isinstance(lead, str) and lead.strip():
            task["lead_unit"] = unit_code(lead, units, directory) or lead
        coordinating = task.get("coordinating_units")
        if isinstance(coordinating, list):
            task["coordinating_units"] = [
                (unit_code(c, units, directory) or c) if isinstance(c, str) else c
                for c in coordinating
            ]
