"""Import units and directives from files: all or nothing, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from engine.domain.calendar import WorkingCalendar
from engine.domain.lifecycle import Status
from engine.domain.model import DirectiveSpec, Unit
from engine.domain.recurrence import next_instance_on
from engine.intake.readers import Located, read_directives, read_units
from engine.intake.validate import DraftNote, validate_directives, validate_units
from engine.services.convert import fill_unit_row, unit_from_row
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


def import_units(session: Session, path: Path, now: datetime) -> UnitImport:
    """Create or update units by code. A bad file changes nothing."""
    existing = {row.code: row for row in session.exec(select(UnitRow)).all()}
    units = validate_units(read_units(path), existing)
    created, updated = [], []
    try:
        # two passes, so a unit may name a parent that comes later in the file
        rows = []
        for unit in units:
            row = existing.get(unit.code)
            if row is None:
                row = UnitRow(code=unit.code, name_vi=unit.name_vi, updated_at=now)
                created.append(unit.code)
            else:
                updated.append(unit.code)
            rows.append(fill_unit_row(row, replace(unit, parent_code=None), now))
        session.add_all(rows)
        session.flush()
        for row, unit in zip(rows, units, strict=True):
            row.parent_code = unit.parent_code
        session.commit()
    except Exception:
        session.rollback()
        raise
    return UnitImport(created, updated)


def import_directives(
    session: Session,
    path: Path,
    calendar: WorkingCalendar,
    now: datetime,
    actor: str,
    *,
    strict: bool = False,
) -> DirectiveImport:
    """Store every directive in the file with its tasks, or nothing at all.

    Tasks with all six clears start `assigned`; the others are stored as drafts and
    listed in the result with what they lack.
    """
    units, references = _directory(session)
    records, reader_problems = read_directives(path)
    specs, drafts = validate_directives(
        records, units, references, calendar, strict=strict, reader_problems=reader_problems
    )
    count = _store_directives(
        session, specs, drafts, calendar, now, actor, f"Nhập từ tệp {path.name}"
    )
    return DirectiveImport([s.reference for s in specs], count, drafts)


def import_directive_record(
    session: Session,
    data: dict[str, Any],
    calendar: WorkingCalendar,
    now: datetime,
    actor: str,
    *,
    source: str = "Prefect form",
    strict: bool = False,
) -> DirectiveImport:
    """Store one directive given as a record (a form's data, shaped like one directive
    of a YAML file), checked exactly as a file's directive is.

    Problems are located in `source` ("Prefect form, tasks[0], trường 'deadline': …");
    a refused record changes nothing.
    """
    units, references = _directory(session)
    specs, drafts = validate_directives(
        [Located(data, source)], units, references, calendar, strict=strict
    )
    count = _store_directives(session, specs, drafts, calendar, now, actor, f"Nhập từ {source}")
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
) -> int:
    """Write validated directives and their tasks in one transaction; the number of tasks.

    `reason` is the first event of every task (where it came from).
    """
    draft_keys = {(d.reference, d.task_index): d for d in drafts}
    count = 0
    try:
        for spec in specs:
            directive = DirectiveRow(
                reference=spec.reference,
                title=spec.title,
                issuer=spec.issuer,
                issued_on=spec.issued_on,
                meeting=spec.meeting,
                text=spec.text,
                priority=spec.priority.value,
                created_at=now,
                created_by=actor,
            )
            session.add(directive)
            session.flush()
            assert directive.id is not None
            for index, task in enumerate(spec.tasks):
                note = draft_keys.get((spec.reference, index))
                status = Status.DRAFT if note else Status.ASSIGNED
                row = TaskRow(
                    directive_id=directive.id,
                    number=task.number,
                    title=task.title,
                    description=task.description,
                    lead_unit=task.lead_unit,
                    owner=task.owner,
                    deadline=task.deadline,
                    original_deadline=task.deadline,
                    deadline_working_days=task.deadline_working_days,
                    recurrence=task.recurrence.value if task.recurrence else None,
                    deliverable=task.deliverable,
                    authority=task.authority,
                    source_quote=task.source_quote,
                    status=status.value,
                    missing=[c.value for c in note.missing] if note else [],
                    created_at=now,
                    updated_at=now,
                    # the next sweep sends the assignment notice
                    next_check_on=calendar.local_date(now) if status is Status.ASSIGNED else None,
                    next_instance_on=next_instance_on(task.deadline, task.recurrence),
                )
                session.add(row)
                session.flush()
                assert row.id is not None
                for code in task.coordinating_units:
                    session.add(TaskCoordinatorRow(task_id=row.id, unit_code=code))
                session.add(
                    TaskEventRow(
                        task_id=row.id,
                        at=now,
                        actor=actor,
                        from_status=None,
                        to_status=status.value,
                        reason=reason,
                        payload={"deadline": task.deadline.isoformat() if task.deadline else None},
                    )
                )
                count += 1
        session.commit()
    except Exception:
        session.rollback()
        raise
    return count
