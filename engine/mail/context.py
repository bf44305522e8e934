"""What the mail templates are given: plain frozen data, built by the planner.

Each template kind receives `office`, `recipient`, `lang` and the fields listed
in `KINDS`; templates use the filters `long_date`, `short_date` (see render.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.domain.routing import Recipient as Recipient  # the domain decides who receives


@dataclass(frozen=True)
class Office:
    name: str
    email: str
    signer: str  # closes every letter: "Bộ phận theo dõi, đôn đốc … — Văn phòng Chủ tịch nước"


@dataclass(frozen=True)
class TaskView:
    id: int
    number: str
    title: str
    description: str
    reference: str
    directive_title: str
    issued_on: date
    issuer: str
    lead_unit_name: str
    accountable: str  # "Vụ trưởng Nguyễn Đức Long"
    owner: str
    coordinating_units: tuple[str, ...]  # unit names
    deadline: date | None
    recurrence: str | None  # monthly | quarterly | yearly | ongoing
    deliverable: str
    authority: str


@dataclass(frozen=True)
class DueItem:
    kind: str  # before | due | overdue | escalation
    level: int  # before: working days left; overdue: n-th reminder; escalation: ladder level
    task: TaskView
    working_days_left: int = 0
    working_days_overdue: int = 0


@dataclass(frozen=True)
class FailedMail:
    to_email: str
    subject: str
    error: str
    attempts: int


@dataclass(frozen=True)
class ReportTask:
    """An overdue task named in the monthly report's mail."""

    title: str
    reference: str
    unit_name: str
    deadline: date | None
    days_overdue: int  # calendar days, as the review counts them (the mail says so)


@dataclass(frozen=True)
class MonthlyReportView:
    """The monthly review as its covering mail tells it; the documents are attached."""

    month: str  # "12/2025"
    first_day: date
    last_day: date
    summary: str  # the report's opening paragraph
    total: int
    completed_on_time: int
    completed_late: int
    in_progress_within_deadline: int
    in_progress_overdue: int
    ongoing: int
    on_time_rate: str  # "33,3%" (vi) or "33.3%" (en); "—" when nothing fell due
    most_overdue: tuple[ReportTask, ...]  # the longest overdue first, a few
    files: tuple[str, ...]  # the attachments' names


#: template kind -> the context fields it needs besides office, recipient and lang
KINDS: dict[str, tuple[str, ...]] = {
    "assignment": ("task",),
    "reminder_digest": ("items",),  # before / due items only
    "overdue": ("items",),  # at least one overdue item; may also list before / due items
    # escalation items, possibly of several units; to a leader, the failed mail nobody
    # was told of (`FailedMail`s, else empty)
    "escalation": ("items", "level", "undelivered"),
    "extension_decision": ("task", "approved", "old_deadline", "new_deadline", "reason"),
    "completion_accepted": ("task", "note"),
    "completion_returned": ("task", "note"),
    "delivery_failed": ("failed",),
    "monthly_report": ("report",),
}
