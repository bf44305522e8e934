"""The office's own calendar changes, stored in the database on top of the data file."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from engine.calendar_source import DayKind
from engine.store.tables import CalendarOverrideRow


def set_day(
    session: Session, day: date, kind: DayKind, *, name: str, source: str, actor: str, now: datetime
) -> CalendarOverrideRow:
    """Mark `day` as a day off or a working day for this office (replacing an earlier mark)."""
    row = session.exec(select(CalendarOverrideRow).where(CalendarOverrideRow.day == day)).first()
    if row is None:
        row = CalendarOverrideRow(day=day, kind=kind, created_at=now, created_by=actor)
    row.kind, row.name, row.source, row.created_at, row.created_by = kind, name, source, now, actor
    session.add(row)
    session.commit()
    return row
