"""The office's own calendar changes, stored in the database on top of the data file."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine, inspect
from sqlmodel import Session, select

from engine.calendar_file import DayKind, DayRule, build_calendar, read_calendar_file
from engine.domain.calendar import WorkingCalendar
from engine.settings import Settings
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


def office_days(engine: Engine) -> list[DayRule]:
    """The office's own days off and working days (none before the schema exists)."""
    if not inspect(engine).has_table(CalendarOverrideRow.__tablename__):
        return []
    with Session(engine) as session:
        rows = session.exec(select(CalendarOverrideRow)).all()
        return [
            DayRule(r.day, "off" if r.kind == "off" else "work", r.name, r.source) for r in rows
        ]


def office_calendar(settings: Settings, engine: Engine) -> WorkingCalendar:
    """The working calendar: public holidays, the shipped file's rules, then the office's
    own days on top."""
    return build_calendar(
        settings.timezone,
        settings.country,
        read_calendar_file(settings.calendar_file),
        office_days(engine),
    )
