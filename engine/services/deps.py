"""What a service is handed: the dependencies of one command, scheduler cycle or flow run.

`engine.bootstrap` builds a `Deps` once per command, cycle or run (the working calendar
and the policies read then, once) and passes it down; services never build their own,
and never import the bootstrap, the CLI or the flows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from engine.clock import Clock
from engine.domain.calendar import WorkingCalendar
from engine.domain.policy import Policies
from engine.notify import Notifier
from engine.settings import Settings


@dataclass(frozen=True)
class Deps:
    settings: Settings
    engine: Engine
    clock: Clock
    calendar: WorkingCalendar  # the shipped file's rules with the office's own days on top
    policies: Policies

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def notifier(self) -> Notifier:
        """The notifier, with the absences as they are now (mail to a person away goes to
        whoever acts for them)."""
        from engine.services.absences import absences

        with self.session() as session:
            return Notifier(self.settings, absences=absences(session))
