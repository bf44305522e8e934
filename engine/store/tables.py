"""The tables. Timestamps are aware UTC; calendar dates are plain dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from engine.store.types import UTCDateTime


def _utc(nullable: bool = False) -> Any:
    return Field(sa_type=UTCDateTime, nullable=nullable)


class UnitRow(SQLModel, table=True):
    __tablename__ = "unit"

    code: str = Field(primary_key=True, max_length=32)
    name_vi: str = Field(max_length=300)
    name_en: str = Field(default="", max_length=300)
    head_name: str | None = Field(default=None, max_length=200)
    head_title: str = Field(default="", max_length=200)
    head_email: str | None = Field(default=None, max_length=320)
    deputies: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    parent_code: str | None = Field(default=None, foreign_key="unit.code", max_length=32)
    active: bool = True
    language: str = Field(default="vi", max_length=2)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _utc()


class DirectiveRow(SQLModel, table=True):
    __tablename__ = "directive"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=100, unique=True)
    title: str = Field(sa_column=Column(Text, nullable=False))
    issuer: str = Field(max_length=300)
    issued_on: date
    meeting: str = Field(default="", sa_column=Column(Text, nullable=False))
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    priority: str = Field(default="normal", max_length=16)
    created_at: datetime = _utc()
    created_by: str = Field(max_length=200)


class TaskRow(SQLModel, table=True):
    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_status_deadline", "status", "deadline"),
        # the sweep's claim: open tasks whose mark has come (migration 0007)
        Index("ix_task_status_next_check_on", "status", "next_check_on"),
        Index("ix_task_next_instance_on", "next_instance_on"),
        Index("uq_task_series_period", "series_id", "period", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    directive_id: int = Field(
        sa_column=Column(ForeignKey("directive.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    number: str = Field(default="", max_length=20)
    title: str = Field(sa_column=Column(Text, nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    lead_unit: str | None = Field(default=None, foreign_key="unit.code", max_length=32, index=True)
    owner: str = Field(default="", max_length=200)
    deadline: date | None = None
    original_deadline: date | None = None
    # the date as written when it fell on a day off and the deadline in force moved to the
    # next working day (policy `deadline_off_day_to_next_working_day`; migration 0008)
    deadline_as_written: date | None = None
    deadline_working_days: int | None = None
    recurrence: str | None = Field(default=None, max_length=16)
    deliverable: str = Field(default="", sa_column=Column(Text, nullable=False))
    authority: str = Field(default="", max_length=300)
    source_quote: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(max_length=32)
    missing: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    completed_at: datetime | None = _utc(nullable=True)
    created_at: datetime = _utc()
    updated_at: datetime = _utc()
    # the sweep's marks: the local day on which something may next fall due (None: nothing
    # will), the highest escalation level reached against the deadline in force, and for
    # a recurring obligation its series, its period number and when the next one is made
    next_check_on: date | None = None
    escalation_level: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    series_id: int | None = None
    period: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_instance_on: date | None = None


class TaskCoordinatorRow(SQLModel, table=True):
    __tablename__ = "task_coordinator"

    task_id: int = Field(
        sa_column=Column(ForeignKey("task.id", ondelete="CASCADE"), primary_key=True)
    )
    unit_code: str = Field(foreign_key="unit.code", primary_key=True, max_length=32)


class TaskEventRow(SQLModel, table=True):
    """The audit trail: one row per change, never updated or deleted (a trigger refuses)."""

    __tablename__ = "task_event"
    # the monthly review reads each task's events in time order (engine/store/review_reads.py)
    __table_args__ = (Index("ix_task_event_task_id_at", "task_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    at: datetime = _utc()
    actor: str = Field(max_length=200)
    from_status: str | None = Field(default=None, max_length=32)
    to_status: str = Field(max_length=32)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AbsenceRow(SQLModel, table=True):
    """A person away (by address) from one day to another, both included, and who acts
    for them then: mail meant for them goes to the acting person, them in copy (0008)."""

    __tablename__ = "absence"
    __table_args__ = (Index("ix_absence_person_email", "person_email"),)

    id: int | None = Field(default=None, primary_key=True)
    person_email: str = Field(max_length=320)  # lower case
    starts_on: date
    ends_on: date
    acting_name: str = Field(max_length=200)
    acting_title: str = Field(default="", max_length=200)
    acting_email: str = Field(max_length=320)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = _utc()
    created_by: str = Field(max_length=200)


class CalendarOverrideRow(SQLModel, table=True):
    __tablename__ = "calendar_override"
    __table_args__ = (UniqueConstraint("day", name="uq_calendar_override_day"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date
    kind: str = Field(max_length=8)  # "off" or "work"
    name: str = Field(default="", max_length=300)
    source: str = Field(default="", max_length=300)
    created_at: datetime = _utc()
    created_by: str = Field(max_length=200)


class OutboxRow(SQLModel, table=True):
    """One message to one recipient, rendered when planned, sent by the deliverer."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True)
    kind: str = Field(max_length=40)
    language: str = Field(default="vi", max_length=2)
    to_name: str = Field(default="", max_length=200)
    to_email: str = Field(max_length=320)
    cc: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    subject: str = Field(sa_column=Column(Text, nullable=False))
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    ics: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # files sent with the mail, each {"filename", "content_type", "data" (base64)}: the row
    # holds everything the mail needs, whatever becomes of the files it was made from
    attachments: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    message_id: str = Field(max_length=300)
    status: str = Field(default="pending", max_length=16)  # pending, sending, sent, failed
    attempts: int = 0
    next_attempt_at: datetime = _utc()
    # a claim is a lease: the deliverer holding it (its token) until `claimed_until`
    claimed_until: datetime | None = _utc(nullable=True)
    claim_token: str | None = Field(default=None, max_length=36)
    # what became of each recipient, by address (lower case): {"status": "sent" | "pending"
    # | "failed", "reply": the server's answer}; empty until the first attempt
    recipients: dict[str, dict[str, str]] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = _utc()
    sent_at: datetime | None = _utc(nullable=True)
    # a row that failed for good: when the coordinator was told (its notice sent) or it was
    # listed in a leader's digest
    reported_at: datetime | None = _utc(nullable=True)


class NoticeRow(SQLModel, table=True):
    """One thing a task was due to have said about it, once: the sweep's idempotency key."""

    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("task_id", "kind", "level", "key_day", name="uq_notice_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(
        sa_column=Column(ForeignKey("task.id", ondelete="CASCADE"), nullable=False)
    )
    kind: str = Field(max_length=20)
    level: int = 0
    key_day: date  # the deadline in force when it fell due
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id", index=True)
    created_at: datetime = _utc()


class ServiceRunRow(SQLModel, table=True):
    """When the sweep and the delivery last ran and what they did, one row each (upserted
    at the end of a run; `dondoc check` reads it)."""

    __tablename__ = "service_run"

    kind: str = Field(primary_key=True, max_length=16)  # "sweep" or "deliver"
    at: datetime = _utc()  # the instant the run acted at
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
