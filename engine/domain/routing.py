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

#: the office's leadership, addressed as a body before the office's name, by language:
#: "Kính gửi: Lãnh đạo Văn phòng Chủ tịch nước", "Dear Leadership of …"
LEADERSHIP_TITLE = {"vi": "Lãnh đạo", "en": "Leadership"}
#: the leader's digest is the leadership's too (level 3: "báo cáo Lãnh đạo Văn phòng xem
#: xét, chỉ đạo"); known only by an address, it is addressed as the leadership
LEADER_TITLE = LEADERSHIP_TITLE


@dataclass(frozen=True)
class Recipient:
    """Who a mail is addressed to: a person ("Kính gửi: Đồng chí Vụ trưởng Vụ Pháp luật"),
    or, with `person` False, a body or a role, addressed without "Đồng chí" ("Kính gửi:
    Lãnh đạo Văn phòng Chủ tịch nước", "Kính gửi: Bộ phận theo dõi, đôn đốc …")."""

    name: str
    title: str  # "Vụ trưởng"; a body's or a role's whole title when `unit_name` is empty
    email: str
    unit_name: str
    language: str = "vi"
    person: bool = True


@dataclass(frozen=True)
class OfficeAddresses:
    """The tracking office's own addresses; None (or empty) when not configured."""

    leadership: str | None = None  # office leadership: escalations of units without a parent
    leader: str | None = None  # the leader's digest
    coordinator: str | None = None  # in copy of every escalation
    language: str = "vi"  # of the mail to those known only by their address
    name: str = ""  # the office's name: "Lãnh đạo Văn phòng Chủ tịch nước"


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


def _office(email: str | None, title: dict[str, str], office: OfficeAddresses) -> Recipient | None:
    """The office's leadership, known only by an address: a body, not a person, in the
    office's language."""
    if not email:
        return None
    return Recipient(
        name="",
        title=title.get(office.language, title["vi"]),
        email=email,
        unit_name=office.name,
        language=office.language,
        person=False,
    )


def _route(to: Recipient | None, cc: set[str]) -> Route | None:
    if to is None:
        return None
    return Route(to, frozenset(c for c in cc if c and c != to.email))
