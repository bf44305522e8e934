"""Check raw records against the schema and against each other and the directory.

Every problem is collected before anything is refused, so a person can mend the
whole file in one pass. A value holding a control or bidi character is one problem,
named with the character, and the schema says nothing more about that value.
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
from engine.intake.characters import first_unsafe, unsafe_reasons
from engine.intake.located import Located
from engine.intake.problems import ImportRefused, Problem
from engine.intake.schema import (
    DIRECTIVE_FREE_TEXT,
    UNIT_FREE_TEXT,
    DirectiveIn,
    PersonIn,
    UnitIn,
    error_reasons,
    parse_date,
)
from engine.intake.unit_names import closest_units, resolve_unit_names


@dataclass(frozen=True)
class DraftNote:
    """A task that will be stored as a draft, and which clears it lacks."""

    reference: str
    task_index: int
    title: str
    where: Problem
    missing: tuple[Clear, ...]


M = TypeVar("M", bound=BaseModel)


Place = tuple[str | int, ...]


def _unsafe_values(
    record: Located, free_text: frozenset[str], problems: list[Problem]
) -> set[Place]:
    """Where the record holds a character it may not, each reported; the places.

    1. Walk the raw record (dicts and lists, not the keys) without recursion, each
       container once: a YAML alias repeats a container, it does not copy it.
    2. A string may hold tabs and line breaks only in a field of `free_text`
       ("tasks.title": the string keys of its place, list indexes left out), which is
       carried down the walk with the place.
    """
    found: set[Place] = set()
    seen: set[int] = set()
    stack: list[tuple[Place, str, object]] = [((), "", record.data)]
    while stack:
        path, field, value = stack.pop()
        if isinstance(value, str):
            unsafe = first_unsafe(value, free_text=field in free_text)
            if unsafe is not None:
                position, char = unsafe
                problems.append(record.problem(path, *unsafe_reasons(char, position)))
                found.add(path)
            continue
        if id(value) in seen:
            continue
        if isinstance(value, dict):
            seen.add(id(value))
            stack += [
                ((*path, k), f"{field}.{k}" if field else k, v)
                for k, v in reversed(value.items())
                if isinstance(k, str)
            ]
        elif isinstance(value, list):
            seen.add(id(value))
            stack += [((*path, i), field, v) for i, v in reversed(list(enumerate(value)))]
    return found


def _parse(
    model: type[M],
    record: Located,
    problems: list[Problem],
    free_text: frozenset[str],
    refused: Iterable[Place] = (),
) -> M | None:
    """The record as `model`, or None with its problems added; a place already `refused`
    (an unknown unit) is not refused a second time for its form."""
    unsafe = _unsafe_values(record, free_text, problems) | set(refused)
    try:
        parsed = model.model_validate(record.data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            if any(loc[: len(place)] == place for place in unsafe):
                continue  # already refused for the character, or as an unknown unit
            vi, en = error_reasons(dict(error))
            problems.append(record.problem(loc, vi, en))
        return None
    return None if unsafe - set(refused) else parsed


def _person(p: PersonIn) -> Person:
    return Person(name=p.name, email=p.email, title=p.title)


# -- units ---------------------------------------------------------------------


def validate_units(records: Iterable[Located], existing_codes: Iterable[str]) -> list[Unit]:
    problems: list[Problem] = []
    parsed: list[tuple[Located, Unit]] = []  # the models are let go as they are read
    seen: dict[str, Located] = {}
    unparsed: set[str] = set()  # refused for another field; not also an unknown parent
    for record in records:
        model = _parse(UnitIn, record, problems, UNIT_FREE_TEXT)
        if model is None:
            code = record.data.get("code")
            if isinstance(code, str):
                unparsed.add(code.strip().upper())
            continue
        if model.code in seen:
            first = seen[model.code]
            at = f"dòng {first.row}" if first.row else first.path
            at_en = f"row {first.row}" if first.row else first.path
            problems.append(
                record.problem(
                    ["code"],
                    f"mã đơn vị {model.code} trùng với {at}",
                    f"code {model.code} repeats {at_en}",
                )
            )
            continue
        seen[model.code] = record
        parsed.append((record, _unit(model)))
    known = set(existing_codes) | set(seen) | unparsed
    for record, unit in parsed:
        parent = unit.parent_code
        if parent and parent not in known:
            problems.append(
                record.problem(
                    ["parent"],
                    f"đơn vị cấp trên {parent} không có trong danh mục",
                    f"parent unit {parent} is not in the directory",
                )
            )
        if parent == unit.code:
            problems.append(
                record.problem(
                    ["parent"],
                    "đơn vị không thể là cấp trên của chính nó",
                    "a unit cannot be its own parent",
                )
            )
    loops = _parent_loops({u.code: u.parent_code for _, u in parsed})
    for record, unit in parsed:
        if unit.code in loops:
            chain, place = loops[unit.code]
            loop = " → ".join([*chain[place:], *chain[:place], unit.code])
            problems.append(
                record.problem(
                    ["parent"],
                    f"đơn vị cấp trên tạo vòng lặp: {loop}",
                    f"parent units form a loop: {loop}",
                )
            )
    if problems:
        raise ImportRefused(problems)
    return [u for _, u in parsed]


def _unit(u: UnitIn) -> Unit:
    return Unit(
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


def _parent_loops(parents: Mapping[str, str | None]) -> dict[str, tuple[list[str], int]]:
    """The units whose parents lead back to them (two or more: a unit that is its own
    parent is said apart), each with its loop and its place on it.

    1. Walk up from each unit, stopping at a unit with no parent in `parents`, at one
       this walk has passed (a loop) or at one an earlier walk has passed (nothing new
       beyond it): every unit is walked once, however deep the tree.
    2. A walk that comes back on itself has found a loop: the units from that point on.
    """
    loops: dict[str, tuple[list[str], int]] = {}
    walked: set[str] = set()
    for start in parents:
        walk: dict[str, int] = {}  # code -> its place on this walk
        code: str | None = start
        while code is not None and code in parents and code not in walked and code not in walk:
            walk[code] = len(walk)
            code = parents[code]
        if code is not None and code in walk:
            chain = list(walk)[walk[code] :]
            if len(chain) > 1:
                loops.update((member, (chain, place)) for place, member in enumerate(chain))
        walked.update(walk)
    return loops


# -- directives --------------------------------------------------------------------


def _check_unit_codes(
    record: Located, units: Mapping[str, Unit], problems: list[Problem]
) -> set[Place]:
    """Unknown or inactive unit codes, checked on the raw values so that another bad
    field in the same task does not hide them; the places refused."""
    refused: set[Place] = set()
    raw_tasks = record.data.get("tasks")
    if not isinstance(raw_tasks, list):
        return refused
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
            if first_unsafe(value, free_text=False) is not None:
                continue  # refused for the character; not also an unknown code
            code = value.strip().upper()
            unit = units.get(code)
            if unit is None:
                refused.add(("tasks", index, key))
                vi, en = closest_units(value, units, "vi"), closest_units(value, units, "en")
                named = " " in value.strip()  # a name that matched no unit, not a code
                problems.append(
                    record.problem(
                        ["tasks", index, key],
                        (f"không có đơn vị '{value.strip()}' trong danh mục" if named
                         else f"mã đơn vị {code} không có trong danh mục")
                        + (f"; có phải: {', '.join(vi)}?" if vi else ""),
                        (f"no unit '{value.strip()}' in the directory" if named
                         else f"unknown unit code {code}")
                        + (f"; did you mean: {', '.join(en)}?" if en else ""),
                    )
                )  # fmt: skip
            elif not unit.active:
                problems.append(
                    record.problem(
                        ["tasks", index, key],
                        f"đơn vị {code} đã ngừng hoạt động",
                        f"unit {code} is inactive",
                    )
                )
    return refused


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
        resolve_unit_names(record, units)
        unknown_units = _check_unit_codes(record, units, problems)
        directive = _parse(DirectiveIn, record, problems, DIRECTIVE_FREE_TEXT, unknown_units)
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
