"""What the mail templates are given: plain frozen data, built by the planner.

Each template kind receives `office`, `recipient`, `lang` and the fields listed
in `KINDS`; templates use the filters `long_date`, `short_date` (see render.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    lead_unit: str = ""  # the lead unit's code
    link_version: str = ""  # the version its signed links carry (engine.links)


@dataclass(frozen=True)
class MailLinks:
    """The signed links a mail carries for its recipient (engine.links); all empty when
    DONDOC_PUBLIC_URL is unset. Every kind is given them, as `links`."""

    tasks: dict[int, str] = field(default_factory=dict)  # task id -> its page
    unit: str = ""  # the unit's page (digests)
    decide: str = ""  # the office's decision page (a submission, an extension request)
    files: dict[str, str] = field(default_factory=dict)  # report file name -> its address
    view_only: bool = False  # an escalation's readers see the tasks, the unit acts on them

    def task(self, task_id: int) -> str:
        return self.tasks.get(task_id, "")


NO_LINKS = MailLinks()


@dataclass(frozen=True)
class DueItem:
    kind: str  # before | due | overdue | escalation
    level: int  # before: working days left; overdue: n-th reminder; escalation: ladder level
    task: TaskView
    working_days_left: int = 0
    working_days_overdue: int = 0


@dataclass(frozen=True)
class Upload:
    """A file submitted with a result, as the office's mail lists it."""

    name: str
    size: str  # "1,2 MB"


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
    # to the leader, weekly: the tasks still open at the top level (escalation items, the
    # longest overdue first), as of the day of the sweep
    "leader_digest": ("items", "as_of"),
    "extension_decision": ("task", "approved", "old_deadline", "new_deadline", "reason"),
    "completion_accepted": ("task", "note"),
    "completion_returned": ("task", "note"),
    # to the office: a result submitted through a link ("[Chờ xác nhận]"), with the
    # files' names and sizes (`Upload`s); an extension asked for ("[Đề nghị gia hạn]")
    "result_submitted": ("task", "note", "files", "actor"),
    "extension_requested": ("task", "requested_until", "reason", "actor"),
    # a fresh link, asked for from an expired one's page, to the address it was made for
    "fresh_link": ("task", "url"),
    # the side roads (issue 16): to the lead unit's head, a pause and its end; to the
    # office's coordinator, a unit's refusal; to the old lead unit's head, the task given
    # to another unit; to the lead unit's head, the office's answer to its refusal
    "task_paused": ("task", "reason"),
    "task_resumed": ("task", "reason", "old_deadline", "new_deadline", "days"),
    "task_declined": ("task", "reason", "actor"),
    "task_reassigned": ("task", "reason", "new_unit_name"),
    "decline_answered": ("task", "reason"),
    "delivery_failed": ("failed",),
    "monthly_report": ("report",),
}
