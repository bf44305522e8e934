"""Units, directives and tasks as the domain sees them, with the "six clears" (6 rõ)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Recurrence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    ONGOING = "ongoing"  # nhiệm vụ thường xuyên: no deadline


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    title: str = ""


@dataclass(frozen=True)
class Unit:
    code: str
    name_vi: str
    name_en: str = ""
    head: Person | None = None
    deputies: tuple[Person, ...] = ()
    parent_code: str | None = None
    active: bool = True
    language: str = "vi"
    aliases: tuple[str, ...] = ()


class Clear(StrEnum):
    """The six clears a task needs before it can be assigned (6 rõ)."""

    WHO = "who"
    WHAT = "what"
    WHEN = "when"
    ACCOUNTABLE = "accountable"
    DELIVERABLE = "deliverable"
    AUTHORITY = "authority"

    @property
    def label_vi(self) -> str:
        return _CLEAR_VI[self]

    @property
    def label_en(self) -> str:
        return _CLEAR_EN[self]


_CLEAR_VI = {
    Clear.WHO: "đơn vị chủ trì",
    Clear.WHAT: "tên nhiệm vụ",
    Clear.WHEN: "thời hạn hoặc định kỳ",
    Clear.ACCOUNTABLE: "thủ trưởng đơn vị chủ trì",
    Clear.DELIVERABLE: "sản phẩm",
    Clear.AUTHORITY: "cấp có thẩm quyền",
}
_CLEAR_EN = {
    Clear.WHO: "lead unit",
    Clear.WHAT: "task title",
    Clear.WHEN: "deadline or recurrence",
    Clear.ACCOUNTABLE: "head of the lead unit",
    Clear.DELIVERABLE: "deliverable",
    Clear.AUTHORITY: "approving authority",
}


@dataclass(frozen=True)
class TaskSpec:
    """A task as written in a directive, before it is stored."""

    title: str
    lead_unit: str | None = None
    description: str = ""
    number: str = ""
    owner: str = ""
    coordinating_units: tuple[str, ...] = ()
    deadline: date | None = None
    deadline_working_days: int | None = None
    recurrence: Recurrence | None = None
    deliverable: str = ""
    authority: str = ""
    source_quote: str = ""


@dataclass(frozen=True)
class DirectiveSpec:
    reference: str
    title: str
    issuer: str
    issued_on: date
    meeting: str = ""
    text: str = ""
    priority: Priority = Priority.NORMAL
    tasks: tuple[TaskSpec, ...] = field(default_factory=tuple)


def describe_missing(missing: list[Clear], lang: str = "vi") -> str:
    """'chưa đủ 6 rõ, còn thiếu: sản phẩm; cấp có thẩm quyền'."""
    if lang == "en":
        return "not all six clears; missing: " + "; ".join(c.label_en for c in missing)
    return "chưa đủ 6 rõ, còn thiếu: " + "; ".join(c.label_vi for c in missing)


def missing_clears(task: TaskSpec, lead_unit: Unit | None) -> list[Clear]:
    """Which of the six clears the task lacks; empty means it can be assigned.

    `lead_unit` is the directory entry for `task.lead_unit` (None when not given).
    """
    missing: list[Clear] = []
    if not task.lead_unit:
        missing.append(Clear.WHO)
    if not task.title.strip():
        missing.append(Clear.WHAT)
    if task.deadline is None and task.deadline_working_days is None and task.recurrence is None:
        missing.append(Clear.WHEN)
    if task.lead_unit and (lead_unit is None or lead_unit.head is None):
        missing.append(Clear.ACCOUNTABLE)
    if not task.deliverable.strip():
        missing.append(Clear.DELIVERABLE)
    if not task.authority.strip():
        missing.append(Clear.AUTHORITY)
    return missing
