"""The composition root: settings in, a ready `App` out."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, inspect
from sqlmodel import Session, select

from engine.calendar_source import DayRule, build_calendar, read_calendar_file
from engine.clock import Clock, FixedClock, SystemClock
from engine.domain.calendar import WorkingCalendar
from engine.domain.policy import Policies
from engine.notify import Notifier
from engine.policy_source import read_policies
from engine.settings import Settings
from engine.store.db import make_engine, upgrade
from engine.store.tables import CalendarOverrideRow


@dataclass
class App:
    settings: Settings
    engine: Engine
    clock: Clock = field(default_factory=SystemClock)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def calendar(self) -> WorkingCalendar:
        """The shipped file's rules with the office's own overrides on top."""
        rows: list[CalendarOverrideRow] = []
        if inspect(self.engine).has_table(CalendarOverrideRow.__tablename__):
            with self.session() as session:
                rows = list(session.exec(select(CalendarOverrideRow)).all())
        office = [
            DayRule(r.day, "off" if r.kind == "off" else "work", r.name, r.source) for r in rows
        ]
        return build_calendar(
            self.settings.timezone,
            self.settings.country,
            read_calendar_file(self.settings.calendar_file),
            office,
        )

    def notifier(self, calendar: WorkingCalendar | None = None) -> Notifier:
        return Notifier(self.settings, calendar or self.calendar())

    def policies(self) -> Policies:
        return read_policies(self.settings.policy_file)

    def migrate(self) -> None:
        upgrade(self.engine)


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "dondoc"


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> App:
    settings = settings or Settings()
    if clock is None:
        clock = FixedClock(settings.simulated_now) if settings.simulated_now else SystemClock()
    return App(settings=settings, engine=make_engine(settings.database_url), clock=clock)
