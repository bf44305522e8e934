"""A task as a coordinator names it: its id ("12"), or its directive's reference and its
number in the directive ("45/TB-VPCTN#2"), the way the directive itself numbers it; and
a unit by its code, its name or an alias."""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from engine.domain.errors import DomainError
from engine.domain.lifecycle import OPEN_STATES
from engine.extract.units import UnitDirectory
from engine.intake.unit_names import closest_units, unit_code
from engine.services.convert import unit_from_row
from engine.store.tables import DirectiveRow, TaskRow, UnitRow

_BY_NUMBER = re.compile(r"^\s*(?P<reference>[^#]+?)\s*#\s*(?P<number>[^#\s]+)\s*$")


class TaskNotNamed(DomainError):
    """The text names no task, or names several."""


def find_task(session: Session, text: str | int) -> int:
    """The id of the task `text` names: '12', or '45/TB-VPCTN#2'. A recurring task's
    periods share their number: the open one is meant (the latest when none is open)."""
    given = str(text).strip()
    if given.isdigit():
        task_id = int(given)
        if session.get(TaskRow, task_id) is None:
            raise TaskNotNamed(f"không có nhiệm vụ mã {task_id} / no task with id {task_id}")
        return task_id
    match = _BY_NUMBER.match(given)
    if match is None:
        raise TaskNotNamed(
            f"'{given}' không phải mã nhiệm vụ (12) hay số hiệu#số thứ tự (45/TB-VPCTN#2)"
            f" / '{given}' is neither a task id (12) nor reference#number (45/TB-VPCTN#2)"
        )
    reference, number = match["reference"], match["number"]
    directive = session.exec(
        select(DirectiveRow).where(col(DirectiveRow.reference) == reference)
    ).first()
    if directive is None:
        directive = session.exec(
            select(DirectiveRow).where(col(DirectiveRow.reference).ilike(reference))
        ).first()
    if directive is None:
        raise TaskNotNamed(f"không có văn bản số hiệu {reference} / no directive {reference}")
    found = session.exec(
        select(TaskRow.id, TaskRow.status)
        .where(col(TaskRow.directive_id) == directive.id, col(TaskRow.number) == number)
        .order_by(col(TaskRow.id))
    ).all()
    if not found:
        raise TaskNotNamed(
            f"văn bản {directive.reference} không có nhiệm vụ số {number}"
            f" / directive {directive.reference} has no task {number}"
        )
    open_ones = [task_id for task_id, status in found if status in OPEN_STATES]
    chosen = (open_ones or [task_id for task_id, _ in found])[-1]
    assert chosen is not None
    return chosen


class UnitNotNamed(DomainError):
    """The text names no unit of the directory."""


def find_unit(session: Session, text: str) -> str:
    """The code of the unit `text` names: its code, its name (either language) or an alias,
    matched as drafting matches them; refused with the closest units offered."""
    units = {row.code: unit_from_row(row) for row in session.exec(select(UnitRow)).all()}
    code = unit_code(text, units, UnitDirectory(units.values()))
    if code is not None:
        return code
    vi, en = closest_units(text, units, "vi"), closest_units(text, units, "en")
    raise UnitNotNamed(
        f"không có đơn vị '{text.strip()}' trong danh mục"
        + (f"; có phải: {', '.join(vi)}?" if vi else "")
        + f" / no unit '{text.strip()}' in the directory"
        + (f"; did you mean: {', '.join(en)}?" if en else "")
    )
