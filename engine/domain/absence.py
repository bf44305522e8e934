"""Who acts for a person away: absence periods and the mail they turn aside.

A person (known by their address) is away from one day to another, both included, and
someone acts for them (quyền Vụ trưởng, the deputy in charge). Mail meant for them then
goes to the acting person, with them in copy: they still see it, the work does not wait.
Escalations that would go to them go the same way. Pure: the absences and the day come in
as arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from engine.domain.errors import DomainError
from engine.domain.model import Person
from engine.domain.routing import Recipient


@dataclass(frozen=True)
class Absence:
    person_email: str
    starts_on: date
    ends_on: date  # included
    acting: Person
    note: str = ""

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise DomainError(
                f"ngày kết thúc {self.ends_on:%d/%m/%Y} trước ngày bắt đầu {self.starts_on:%d/%m/%Y}"
                f" / the absence ends ({self.ends_on}) before it starts ({self.starts_on})"
            )
        if self.acting.email.strip().lower() == self.person_email.strip().lower():
            raise DomainError(
                "người được ủy quyền phải là người khác / the acting person must be someone else"
            )

    def covers(self, email: str, day: date) -> bool:
        return (
            email.strip().lower() == self.person_email.strip().lower()
            and self.starts_on <= day <= self.ends_on
        )


def acting_for(email: str, day: date, absences: Iterable[Absence]) -> Person | None:
    """Who acts for `email` on `day` (the absence that started last, when several
    overlap), or None when they are not away."""
    covering = [a for a in absences if a.covers(email, day)]
    if not covering:
        return None
    return max(covering, key=lambda a: a.starts_on).acting


def stand_in(
    to: Recipient, cc: Iterable[str], absences: Sequence[Absence], day: date
) -> tuple[Recipient, frozenset[str]]:
    """The mail's recipient and copies on `day`: an absent addressee gives way to the
    person acting for them, who is addressed by their own name and title, the absent one
    in copy; an absent person in copy has the acting person in copy beside them."""
    copies = {c for c in cc if c}
    acting = acting_for(to.email, day, absences) if absences else None
    if acting is not None:
        copies.add(to.email)
        to = replace(to, name=acting.name, title=acting.title or to.title, email=acting.email,
                     person=True)  # fmt: skip
    for address in list(copies):
        stand = acting_for(address, day, absences) if absences else None
        if stand is not None:
            copies.add(stand.email)
    copies.discard(to.email)
    return to, frozenset(copies)
