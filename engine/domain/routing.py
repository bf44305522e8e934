"""Who receives a notice: the reminder policy's and the escalation ladder's recipients.

An assignment and the reminders (before, on and after the deadline) go to the lead
unit's head; an escalation goes where the policy's step sends it (`Audience`):
1. UNIT: the head, with the deputies and the coordinator in copy;
2. PARENT: the parent unit's head, or the office leadership when there is none, with
   the head and the coordinator in copy;
3. LEADER: the leader's digest (the office leadership when no leader is configured),
   with the coordinator in copy.
Everything is plain data: the caller turns its rows and settings into it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.domain.model import Unit
from engine.domain.policy import Audience, NoticeKind

LEADERSHIP_TITLE = "Lãnh đạo Văn phòng"  # "Kính gửi: Lãnh đạo Văn phòng"
LEADER_TITLE = "Lãnh đạo"


@dataclass(frozen=True)
class Recipient:
    name: str
    title: str  # "Vụ trưởng"; the salutation is "Kính gửi: Đồng chí {title} {unit_name}"
    email: str
    unit_name: str
    language: str = "vi"


@dataclass(frozen=True)
class OfficeAddresses:
    """The tracking office's own addresses; None (or empty) when not configured."""

    leadership: str | None = None  # office leadership: escalations of units without a parent
    leader: str | None = None  # the leader's digest
    coordinator: str | None = None  # in copy of every escalation
    language: str = "vi"  # of the mail to those known only by their address


@dataclass(frozen=True)
class Route:
    to: Recipient
    cc: frozenset[str] = frozenset()  # never empty strings, never `to` itself


def head_of(unit: Unit) -> Recipient | None:
    """The unit's head, addressed in the unit's language; None without an address."""
    if unit.head is None or not unit.head.email:
        return None
    return Recipient(
        name=unit.head.name,
        title=unit.head.title,
        email=unit.head.email,
        unit_name=unit.name_en if unit.language == "en" and unit.name_en else unit.name_vi,
        language=unit.language,
    )


def route(
    kind: NoticeKind,
    audience: Audience | None,
    lead: Unit | None,
    parent: Unit | None,
    office: OfficeAddresses,
    coordinating: Iterable[str] = (),
) -> Route | None:
    """Who receives a notice of `kind` on a task of the `lead` unit; None when nobody
    can (no address), which the sweep reports as unaddressed.

    `audience` is the escalation step's (ignored for other kinds); `parent` is the lead
    unit's parent, if any; `coordinating` are the coordinating units' heads' addresses,
    in copy of the assignment only.
    """
    head = head_of(lead) if lead else None
    coordinator = {office.coordinator} if office.coordinator else set()
    if kind is NoticeKind.ASSIGNMENT:
        return _route(head, set(coordinating))
    if kind is not NoticeKind.ESCALATION:
        return _route(head, set())
    if audience is Audience.UNIT:
        deputies = {d.email for d in lead.deputies} if lead else set()
        return _route(head, deputies | coordinator)
    if audience is Audience.PARENT:
        to = (head_of(parent) if parent else None) or _office(
            office.leadership, LEADERSHIP_TITLE, office
        )
        return _route(to, ({head.email} if head else set()) | coordinator)
    return _route(_office(office.leader or office.leadership, LEADER_TITLE, office), coordinator)


def _office(email: str | None, title: str, office: OfficeAddresses) -> Recipient | None:
    """Someone known only by an address of the office (the leadership, the leader)."""
    if not email:
        return None
    return Recipient(name="", title=title, email=email, unit_name="", language=office.language)


def _route(to: Recipient | None, cc: set[str]) -> Route | None:
    if to is None:
        return None
    return Route(to, frozenset(c for c in cc if c and c != to.email))
