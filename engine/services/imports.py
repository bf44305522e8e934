"""Import units and directives from files: all or nothing, in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, update
from sqlmodel import Session, SQLModel, select

from engine.domain.calendar import WorkingCalendar
from engine.domain.lifecycle import Status
from engine.domain.model import DirectiveSpec, TaskSpec, Unit
from engine.domain.policy import Policies, Policy, deadline_in_force
from engine.domain.recurrence import next_instance_on
from engine.intake.readers import Located, read_directives, read_units
from engine.intake.validate import DraftNote, validate_directives, validate_units
from engine.services.convert import unit_from_row, unit_values
from engine.store.sql import bulk_insert
from engine.store.tables import (
    DirectiveRow,
    TaskCoordinatorRow,
    TaskEventRow,
    TaskRow,
    UnitRow,
)


@dataclass(frozen=True)
class UnitImport:
    created: list[str]
    updated: list[str]


@dataclass(frozen=True)
class DirectiveImport:
    references: list[str]
    task_count: int
    drafts: list[DraftNote]


#: rows built and sent per statement (tasks: whole directives, about this many at a time)
BATCH = 5_000
#: values in one IN (…) list; SQLite before 3.32 takes at most 999
IN_LIST = 500


def import_units(session: Session, path: Path, now: datetime) -> UnitImport:
    """Create or update units by code, in one transaction. A bad file changes nothing.

    1. New units are inserted without their parent, stored ones updated with theirs (every
       unit of the file exists by then), in executemany statements of BATCH rows;
    2. then the new units get their parents: one may name a parent later in the file.
    """
    table = _table(UnitRow)
    by_code = update(table).where(table.c.code == bindparam("b_code"))
    existing = set(session.exec(select(UnitRow.code)).all())
    units = validate_units(read_units(path), existing)
    created = [u for u in units if u.code not in existing]
    updated = [u for u in units if u.code in existing]
    connection = session.connection()
    try:
        for chunk in _chunks(created, BATCH):
            rows = [
                {"code": u.code} | unit_values(replace(u, parent_code=None), now) for u in chunk
            ]
            connection.execute(insert(table), rows)
        for chunk in _chunks(updated, BATCH):
            connection.execute(by_code, [{"b_code": u.code} | unit_values(u, now) for u in chunk])
        parents = [
            {"b_code": u.code, "parent_code": u.parent_code} for u in created if u.parent_code
        ]
        for chunk in _chunks(parents, BATCH):
            connection.execute(by_code, chunk)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return UnitImport([u.code for u in created], [u.code for u in updated])


def import_directives(
    session: Session,
    path: Path,
    calendar: WorkingCalendar,
    now: datetime,
    actor: str,
    *,
    strict: bool = False,
    policies: Policies | None = None,
) -> DirectiveImport:
    """Store every directive in the file with its tasks, or nothing at all.

    Tasks with all six clears start `assigned`; the others are stored as drafts and
    listed in the result with what they lack. A deadline on a day off ends on the next
    working day when the policy of the directive's priority says so (`policies`; the
    shipped default does), the date as written kept on the task.
    """
    units, references = _directory(session)
    records, reader_problems = read_directives(path)
    specs, drafts = validate_directives(
        records, units, references, calendar, strict=strict, reader_problems=reader_problems
    )
    count = _store_directives(
        session, specs, drafts, calendar, now, actor, f"Nhập từ tệp {path.name}", policies
    )
    return DirectiveImport([s.reference for s in specs], count, drafts)


def import_directive_record(
    session: Session,
    data: dict[str, Any] | Located,
    calendar: WorkingCalendar,
    now: datetime,
    actor: str,
    *,
    source: str = "Prefect form",
    strict: bool = False,
    policies: Policies | None = None,
) -> DirectiveImport:
    """Store one directive given as a record (a form's data, shaped like one directive
    of a YAML file), checked exactly as a file's directive is.

    Problems are located in `source` ("Prefect form, tasks[0], trường 'deadline': …"),
    or as the given `Located` names places (a form's own labels, tasks counted from 1);
    a refused record changes nothing.
    """
    units, references = _directory(session)
    record = data if isinstance(data, Located) else Located(data, source)
    source = record.file
    specs, drafts = validate_directives([record], units, references, calendar, strict=strict)
    count = _store_directives(
        session, specs, drafts, calendar, now, actor, f"Nhập từ {source}", policies
    )
    return DirectiveImport([s.reference for s in specs], count, drafts)


def _directory(session: Session) -> tuple[dict[str, Unit], set[str]]:
    """The units a directive may name, and the references already stored."""
    units = {row.code: unit_from_row(row) for row in session.exec(select(UnitRow)).all()}
    references = set(session.exec(select(DirectiveRow.reference)).all())
    return units, references


def _store_directives(
    session: Session,
    specs: list[DirectiveSpec],
    drafts: list[DraftNote],
    calendar: WorkingCalendar,
    now: datetime,
    actor: str,
    reason: str,
    policies: Policies | None = None,
) -> int:
    """Write validated directives and their tasks in one transaction; the number of tasks.

    `reason` is the first event of every task (where it came from). Rows go in as
    executemany INSERTs or a COPY (`_insert`), never one ORM object at a time:

    1. the directives, then their ids, read back by reference (unique);
    2. the tasks of a slice of whole directives (about BATCH tasks), then their ids, read
       back by directive in id order: the directives are new, so these are all their
       tasks, and ids grow in the order rows are inserted (a sequence, SQLite's rowid);
    3. that slice's coordinating units and first events, which need those ids.
    """
    connection = session.connection()
    draft_keys = {(d.reference, d.task_index): d for d in drafts}
    today = calendar.local_date(now)  # the next sweep sends the assignment notice
    count = 0
    try:
        directive_ids = _insert_directives(connection, specs, now, actor)
        for batch in _slices(specs):
            rows, tasks = [], []
            for spec in batch:
                policy = (policies or Policies()).for_priority(spec.priority.value)
                for index, written in enumerate(spec.tasks):
                    note = draft_keys.get((spec.reference, index))
                    status = Status.DRAFT if note else Status.ASSIGNED
                    directive_id = directive_ids[spec.reference]
                    task = _in_force(written, calendar, policy)
                    row = _task_values(directive_id, task, status, note, now, today)
                    row["deadline_as_written"] = (
                        written.deadline if written.deadline != task.deadline else None
                    )
                    rows.append(row)
                    tasks.append((task, status))
            _insert(connection, TaskRow, rows)
            task_ids = _task_ids(connection, [directive_ids[spec.reference] for spec in batch])
            coordinators = [
                {"task_id": task_id, "unit_code": code}
                for task_id, (task, _) in zip(task_ids, tasks, strict=True)
                for code in task.coordinating_units
            ]
            if coordinators:
                _insert(connection, TaskCoordinatorRow, coordinators)
            events = [
                {
                    "task_id": task_id,
                    "at": now,
                    "actor": actor,
                    "from_status": None,
                    "to_status": status.value,
                    "reason": reason,
                    "payload": {"deadline": task.deadline.isoformat() if task.deadline else None},
                }
                for task_id, (task, status) in zip(task_ids, tasks, strict=True)
            ]
            _insert(connection, TaskEventRow, events)
            count += len(rows)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return count


def _insert(connection: Connection, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    bulk_insert(connection, _table(model), rows)


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def _chunks(values: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _slices(specs: list[DirectiveSpec]) -> Iterator[list[DirectiveSpec]]:
    """Whole directives, about BATCH tasks at a time."""
    batch: list[DirectiveSpec] = []
    size = 0
    for spec in specs:
        batch.append(spec)
        size += len(spec.tasks)
        if size >= BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _insert_directives(
    connection: Connection, specs: list[DirectiveSpec], now: datetime, actor: str
) -> dict[str, int]:
    """Insert the directives; the id of each, by reference."""
    if not specs:
        return {}
    table = _table(DirectiveRow)
    connection.execute(insert(table), [_directive_values(spec, now, actor) for spec in specs])
    ids: dict[str, int] = {}
    for chunk in _chunks([spec.reference for spec in specs], IN_LIST):
        query = select(table.c.reference, table.c.id).where(table.c.reference.in_(chunk))
        ids.update(connection.execute(query).tuples().all())
    return ids


def _task_ids(connection: Connection, directive_ids: list[int]) -> list[int]:
    """The ids of the tasks of these (new) directives, in the order they were inserted."""
    table = _table(TaskRow)
    ids: list[int] = []
    for chunk in _chunks(directive_ids, IN_LIST):
        query = select(table.c.id).where(table.c.directive_id.in_(chunk))
        ids += connection.execute(query).scalars()
    return sorted(ids)


def _directive_values(spec: DirectiveSpec, now: datetime, actor: str) -> dict[str, Any]:
    return {
        "reference": spec.reference,
        "title": spec.title,
        "issuer": spec.issuer,
        "issued_on": spec.issued_on,
        "meeting": spec.meeting,
        "text": spec.text,
        "priority": spec.priority.value,
        "created_at": now,
        "created_by": actor,
    }


def _in_force(task: TaskSpec, calendar: WorkingCalendar, policy: Policy) -> TaskSpec:
    """The task with the deadline its written date sets (the next working day for a date
    on a day off, when the policy says so)."""
    if task.deadline is None:
        return task
    in_force = deadline_in_force(task.deadline, calendar, policy)
    return task if in_force == task.deadline else replace(task, deadline=in_force)


def _task_values(
    directive_id: int,
    task: TaskSpec,
    status: Status,
    note: DraftNote | None,
    now: datetime,
    today: date,
) -> dict[str, Any]:
    """A task row as the ORM would have written it, every column given."""
    return {
        "directive_id": directive_id,
        "number": task.number,
        "title": task.title,
        "description": task.description,
        "lead_unit": task.lead_unit,
        "owner": task.owner,
        "deadline": task.deadline,
        "original_deadline": task.deadline,
        "deadline_working_days": task.deadline_working_days,
        "recurrence": task.recurrence.value if task.recurrence else None,
        "deliverable": task.deliverable,
        "authority": task.authority,
        "source_quote": task.source_quote,
        "status": status.value,
        "missing": [c.value for c in note.missing] if note else [],
        "completed_at": None,
        "created_at": now,
        "updated_at": now,
        "next_check_on": today if status is Status.ASSIGNED else None,
        "escalation_level": 0,
        "series_id": None,
        "period": 0,
        "next_instance_on": next_instance_on(task.deadline, task.recurrence),
    }
