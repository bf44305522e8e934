"""Absences: who is away when, and who acts for them (from the units file, the CLI or the
Excel template). The notifier turns mail aside by them (`engine.domain.absence`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import Session, col, select

from engine.domain.absence import Absence
from engine.domain.errors import DomainError
from engine.domain.model import Person
from engine.intake.absences import read_absences
from engine.store.tables import AbsenceRow


def absence_of(row: AbsenceRow) -> Absence:
    return Absence(
        person_email=row.person_email,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        acting=Person(row.acting_name, row.acting_email, row.acting_title),
        note=row.note,
    )


def read_all(session: Session, *, on: date | None = None) -> list[AbsenceRow]:
    """Every absence (those covering the day `on`, when given), by start."""
    query = select(AbsenceRow).order_by(col(AbsenceRow.starts_on), col(AbsenceRow.id))
    if on is not None:
        query = query.where(col(AbsenceRow.starts_on) <= on, col(AbsenceRow.ends_on) >= on)
    return list(session.exec(query).all())


def absences(session: Session) -> tuple[Absence, ...]:
    """Every absence as the notifier uses them."""
    return tuple(absence_of(row) for row in read_all(session))


def _row(absence: Absence, at: datetime, actor: str) -> AbsenceRow:
    return AbsenceRow(
        person_email=absence.person_email.strip().lower(),
        starts_on=absence.starts_on,
        ends_on=absence.ends_on,
        acting_name=absence.acting.name,
        acting_title=absence.acting.title,
        acting_email=absence.acting.email.strip(),
        note=absence.note,
        created_at=at,
        created_by=actor,
    )


def add_absence(session: Session, absence: Absence, *, at: datetime, actor: str) -> AbsenceRow:
    """Record one absence; one already recorded for that person from that day is replaced."""
    try:
        _replace(session, [absence], at, actor)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return read_all(session, on=absence.starts_on)[-1]


def remove_absence(session: Session, absence_id: int) -> None:
    row = session.get(AbsenceRow, absence_id)
    if row is None:
        raise DomainError(f"không có kỳ vắng mặt số {absence_id} / no absence {absence_id}")
    session.delete(row)
    session.commit()


def import_absences(session: Session, path: Path, *, at: datetime, actor: str) -> int:
    """The `absences:` of a units file (none: nothing changes); all or nothing."""
    found = read_absences(path)
    if not found:
        return 0
    try:
        _replace(session, found, at, actor)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return len(found)


def _replace(session: Session, found: Sequence[Absence], at: datetime, actor: str) -> None:
    for absence in found:
        session.execute(
            delete(AbsenceRow).where(
                col(AbsenceRow.person_email) == absence.person_email.strip().lower(),
                col(AbsenceRow.starts_on) == absence.starts_on,
            )
        )
        session.add(_row(absence, at, actor))
    session.flush()
