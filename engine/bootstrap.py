"""The composition root: settings in, the dependencies of each command, cycle or run out.

`bootstrap()` makes the long-lived part (settings, database engine, clock) without
touching the database; `App.deps()` then reads what changes between runs (the working
calendar with the office's own days, the policies) and hands services a `Deps`. A CLI
command or a flow run calls it once; `dondoc serve` once per cycle.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from sqlalchemy import Engine

from engine.clock import Clock, FixedClock, SystemClock
from engine.config import load_settings
from engine.policy_source import read_policies
from engine.services.calendar_days import office_calendar
from engine.services.deps import Deps
from engine.settings import Settings
from engine.store.db import make_engine, upgrade


@dataclass
class App:
    settings: Settings
    engine: Engine
    clock: Clock = field(default_factory=SystemClock)

    def deps(self) -> Deps:
        """The dependencies for one command, cycle or run: the calendar (the shipped
        file's rules with the office's own days on top) and the policies, read now."""
        calendar = office_calendar(self.settings, self.engine)
        policies = read_policies(self.settings.policy_file)
        return Deps(self.settings, self.engine, self.clock, calendar, policies)

    def migrate(self) -> None:
        upgrade(self.engine)


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "dondoc"


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> App:
    """The app of `settings` (read from the environment when not given); no connection yet."""
    settings = settings or load_settings()
    if clock is None:
        clock = FixedClock(settings.simulated_now) if settings.simulated_now else SystemClock()
    return App(settings=settings, engine=make_engine(settings.database_url), clock=clock)
