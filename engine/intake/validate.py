"""Check raw records against the schema and against each other and the directory.

Every problem is collected before anything is refused, so a person can mend the
whole file in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from engine.domain.calendar import WorkingCalendar
from engine.domain.model import (
    Clear,
    DirectiveSpec,
    Person,
    TaskSpec,
    Unit,
    describe_missing,
    missing_clears,
)
from engine.domain.recurrence import PERIODIC, first_deadline
from engine.intake.problems import ImportRefused, Problem
from engine.intake.readers import Located
from engine.intake.schema import DirectiveIn, PersonIn, UnitIn, error_reasons, parse_date


@dataclass(frozen=True)
class DraftNote:
    """A task that will be stored as a draft, and which clears it lacks."""

    reference: str
    task_index: int
    title: str
    where: Problem
    missing: tuple[Clear, ...]


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], record: Located, problems: list[Problem]) -> M | None:
    try:
        return model.model_validate(record.data)
    except ValidationError as exc:
        for error in exc.errors():
            vi, en = error_reasons(dict(error))
            problems.append(record.problem(error["loc"], vi, en))
        return None


def _person(p: PersonIn) -> Person:
    return Person(name=p.name, email=p.email, title=p.title)


# -- units ---------------------------------------------------------------------


def validate_units(records: Iterable[Located], existing_codes: Iterable[str]) -> list[Unit]:
    problems: list[Problem] = []
    parsed: list[tuple[Located, UnitIn]] = []
    seen: dict[str, Located] = {}
    unparsed: set[str] = set()  # refused for another field; not also an unknown parent
    for record in records:
        unit = _parse(UnitIn, record, problems)
        if unit is None:
            code = record.data.get("code")
            if isinstance(code, str):
                unparsed.add(code.strip().upper())
            continue
        if unit.code in seen:
            first = seen[unit.code]
            at = f"dòng {first.row}" if first.row else first.path
            at_en = f"row {first.row}" if first.row else first.path
            problems.append(
                record.problem(
                    ["code"],
                    f"mã đơn vị {unit.code} trùng với {at}",
                    f"code {unit.code} repeats {at_en}",
                )
            )
            continue
        seen[unit.code] = record
        parsed.append((record, unit))
    known = set(existing_codes) | set(seen) | unparsed
    for record, unit in parsed:
        if unit.parent and unit.parent not in known:
            problems.append(
                record.problem(
                    ["parent"],
                    f"đơn vị cấp trên {unit.parent} không có trong danh mục",
                    f"parent unit {unit.parent} is not in the directory",
                )
            )
        if unit.parent == unit.code:
            problems.append(
                record.problem(
                    ["parent"],
                    "đơn vị không thể là cấp trên của chính nó",
                    "a unit cannot be its own parent",
                )
            )
    parents = {u.code: u.parent for _, u in parsed}
    for record, unit in parsed:
        chain, code = [unit.code], unit.parent
        while code in parents and code not in chain:
            chain.append(code)
            code = parents[code]
        if code == unit.code and len(chain) > 1:
            loop = " → ".join([*chain, unit.code])
            problems.append(
                record.problem(
                    ["parent"],
                    f"đơn vị cấp trên tạo vòng lặp: {loop}",
                    f"parent units form a loop: {loop}",
                )
            )
    if problems:
        raise ImportRefused(problems)
    return [
        Unit(
            code=u.code,
            name_vi=u.name_vi,
            name_en=u.name_en,
            head=_person(u.head) if u.head else None,
            deputies=tuple(_person(d) for d in u.deputies),
            parent_code=u.parent,
            active=u.active,
            language=u.language,
            aliases=tuple(u.aliases),
        )
        for _, u in parsed
    ]


# -- directives --------------------------------------------------------------------


def _check_unit_codes(record: Located, units: Mapping[str, Unit], problems: list[Problem]) -> None:
    """Unknown or inactive unit codes, checked on the raw values so that another bad
    field in the same task does not hide them."""
    raw_tasks = record.data.get("tasks")
    if not isinstance(raw_tasks, list):
        return
    for index, raw in enumerate(raw_tasks):
        if not isinstance(raw, dict):
            continue
        coordinating = raw.get("coordinating_units") or []
        if isinstance(coordinating, str):
            coordinating = [c for c in re.split(r"[;,]", coordinating) if c.strip()]
        pairs = [("lead_unit", raw.get("lead_unit"))]
        if isinstance(coordinating, list):
            pairs += [("coordinating_units", c) for c in coordinating]
        for key, value in pairs:
            if not isinstance(value, str) or not value.strip():
                continue
            code = value.strip().upper()
            unit = units.get(code)
            if unit is None:
                problems.append(
                    record.problem(
                        ["tasks", index, key],
                        f"mã đơn vị {code} không có trong danh mục",
                        f"unknown unit code {code}",
                    )
                )
            elif not unit.active:
                problems.append(
                    record.problem(
                        ["tasks", index, key],
                        f"đơn vị {code} đã ngừng hoạt động",
                        f"unit {code} is inactive",
                    )
                )


def _check_reference(
    record: Located,
    reference: str,
    existing: set[str],
    seen: dict[str, Located],
    problems: list[Problem],
) -> None:
    if reference in existing:
        problems.append(
            record.problem(
                ["reference"],
                f"số hiệu {reference} đã có trong hệ thống",
                f"reference {reference} is already stored",
            )
        )
    elif reference in seen:
        problems.append(
            record.problem(
                ["reference"],
                f"số hiệu {reference} xuất hiện hai lần trong tệp",
                f"reference {reference} appears twice in the file",
            )
        )
    seen.setdefault(reference, record)


def _check_deadline(
    record: Located,
    index: int,
    deadline: date | None,
    issued_on: date | None,
    problems: list[Problem],
) -> None:
    if deadline is not None and issued_on is not None and deadline < issued_on:
        problems.append(
            record.problem(
                ["tasks", index, "deadline"],
                f"thời hạn {deadline:%d/%m/%Y} sớm hơn ngày ban hành {issued_on:%d/%m/%Y}",
                f"deadline {deadline} is before the issue date {issued_on}",
            )
        )


def _readable_parts(record: Located) -> tuple[str, date | None, list[date | None]]:
    """The reference, issue date and task deadlines of a record that failed the schema,
    each where it can be read on its own (a bad one is already reported)."""

    def readable_date(value: object) -> date | None:
        try:
            return parse_date(value)
        except PydanticCustomError:
            return None

    raw_reference = record.data.get("reference")
    reference = str(raw_reference).strip() if isinstance(raw_reference, str | int) else ""
    raw_tasks = record.data.get("tasks")
    deadlines = [
        readable_date(t.get("deadline")) if isinstance(t, dict) else None
        for t in (raw_tasks if isinstance(raw_tasks, list) else [])
    ]
    return reference, readable_date(record.data.get("issued_on")), deadlines


def validate_directives(
    records: Iterable[Located],
    units: Mapping[str, Unit],
    existing_references: Iterable[str],
    calendar: WorkingCalendar,
    *,
    strict: bool = False,
    reader_problems: Iterable[Problem] = (),
) -> tuple[list[DirectiveSpec], list[DraftNote]]:
    """Directives ready to store, and the tasks among them that will be drafts.

    With `strict`, a task lacking any of the six clears is a problem that refuses
    the file instead of a draft.
    """
    problems = list(reader_problems)
    existing = set(existing_references)
    seen: dict[str, Located] = {}
    specs: list[DirectiveSpec] = []
    drafts: list[DraftNote] = []
    for record in records:
        _check_unit_codes(record, units, problems)
        directive = _parse(DirectiveIn, record, problems)
        if directive is None:
            reference, issued_on, deadlines = _readable_parts(record)
            if reference:
                _check_reference(record, reference, existing, seen, problems)
            for index, deadline in enumerate(deadlines):
                _check_deadline(record, index, deadline, issued_on, problems)
            continue
        _check_reference(record, directive.reference, existing, seen, problems)
        tasks: list[TaskSpec] = []
        for index, task in enumerate(directive.tasks):
            at: list[str | int] = ["tasks", index]
            if task.lead_unit and task.lead_unit in task.coordinating_units:
                problems.append(
                    record.problem(
                        [*at, "coordinating_units"],
                        f"{task.lead_unit} đã là đơn vị chủ trì, không ghi thêm là đơn vị phối hợp",
                        f"{task.lead_unit} is the lead unit; it cannot also coordinate",
                    )
                )
            _check_deadline(record, index, task.deadline, directive.issued_on, problems)
            deadline = task.deadline
            if task.deadline_working_days is not None:
                deadline = calendar.add_working_days(
                    directive.issued_on, task.deadline_working_days
                )
            elif deadline is None and task.recurrence in PERIODIC:
                deadline = first_deadline(directive.issued_on, task.recurrence, calendar)
            spec = TaskSpec(
                title=task.title,
                lead_unit=task.lead_unit,
                description=task.description,
                number=task.number or str(index + 1),
                owner=task.owner,
                coordinating_units=tuple(dict.fromkeys(task.coordinating_units)),
                deadline=deadline,
                deadline_working_days=task.deadline_working_days,
                recurrence=task.recurrence,
                deliverable=task.deliverable,
                authority=task.authority,
                source_quote=task.source_quote,
            )
            missing = missing_clears(spec, units.get(task.lead_unit or ""))
            if task.lead_unit and task.lead_unit not in units:
                # already refused as an unknown unit; its missing head is not a second problem
                missing = [c for c in missing if c is not Clear.ACCOUNTABLE]
            if missing:
                note = record.problem(
                    at,
                    describe_missing(missing, "vi"),
                    describe_missing(missing, "en"),
                )
                if strict:
                    problems.append(note)
                else:
                    drafts.append(
                        DraftNote(directive.reference, index, task.title, note, tuple(missing))
                    )
            tasks.append(spec)
        specs.append(
            DirectiveSpec(
                reference=directive.reference,
                title=directive.title,
                issuer=directive.issuer,
                issued_on=directive.issued_on,
                meeting=directive.meeting,
                text=directive.text,
                priority=directive.priority,
                tasks=tuple(tasks),
            )
        )
    if problems:
        raise ImportRefused(problems)
    return specs, drafts
