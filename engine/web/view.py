"""What the pages show of a task, from the shared presenter: the six clears as the mail
lists them (`Notifier.task_views`), the deadline in force and the original one, days
left or overdue on the working calendar, the standing, and the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from engine import presenters
from engine.domain.calendar import WorkingCalendar
from engine.domain.lifecycle import OPEN_STATES, Status
from engine.i18n import short_date, status_label
from engine.mail.context import TaskView
from engine.services.tasks import TaskDetail, TaskLine
from engine.web.words import word


@dataclass(frozen=True)
class Change:
    at: str  # "26/11/2025 09:00", in the office's zone
    actor: str
    what: str  # "Đã giao → Đang thực hiện"
    note: str
    details: tuple[str, ...]  # "Tiến độ: 40%", "Tệp: du-thao.pdf (1,2 MB)", …


@dataclass(frozen=True)
class TaskPage:
    view: TaskView
    status: Status
    status_text: str
    standing: str
    deadline: str  # in force, with what qualifies it
    original: str  # the first deadline, '—' when none
    days: str  # "còn 3 ngày làm việc", "quá hạn 5 ngày làm việc", '' when closed or no date
    overdue: bool
    history: tuple[Change, ...]


def days_text(line: TaskLine, calendar: WorkingCalendar, now: datetime, lang: str) -> str:
    if line.status not in OPEN_STATES or line.deadline is None:
        return ""
    if line.standing.overdue:
        return presenters.overdue_text(line.standing.working_days_overdue, lang)
    left = calendar.working_days_after(calendar.local_date(now), line.deadline)
    return presenters.days_left_text(left, lang)


def _status(value: str | None, lang: str) -> str:
    if value is None:
        return ""
    try:
        return status_label(Status(value), lang)
    except (ValueError, KeyError):
        return value


def _details(payload: dict[str, Any], lang: str) -> tuple[str, ...]:
    from engine.services.office_mail import file_size

    said = []
    if "progress" in payload:
        said.append(f"{word('percent', lang)}: {payload['progress']}")
    if payload.get("requested_until"):
        asked = short_date(date.fromisoformat(payload["requested_until"]))
        said.append(f"{word('new_date', lang)}: {asked}")
    if payload.get("new_deadline"):
        new = short_date(date.fromisoformat(payload["new_deadline"]))
        said.append(f"{word('deadline_now', lang)}: {new}")
    for f in payload.get("files", ()):
        said.append(f"{word('files', lang)}: {f['name']} ({file_size(int(f['size']))})")
    if "escalation_level" in payload:
        said.append(presenters.escalation_text(int(payload["escalation_level"]), lang))
    return tuple(said)


def task_page(
    detail: TaskDetail, view: TaskView, calendar: WorkingCalendar, now: datetime, lang: str
) -> TaskPage:
    line, task = detail.line, detail.task
    history = []
    for event in detail.events:
        moved = event.from_status != event.to_status
        what = (
            f"{_status(event.from_status, lang)} → {_status(event.to_status, lang)}".lstrip(" →")
            if moved
            else _status(event.to_status, lang)
        )
        local = event.at.astimezone(calendar.timezone)
        history.append(
            Change(
                at=f"{local:%d/%m/%Y %H:%M}",
                actor=event.actor,
                what=what,
                note=event.reason,
                details=_details(event.payload, lang),
            )
        )
    return TaskPage(
        view=view,
        status=line.status,
        status_text=status_label(line.status, lang),
        standing=presenters.standing_text(line.standing, lang) if line.standing.category else "",
        deadline=presenters.deadline_text(
            task.deadline, lang, recurrence=task.recurrence, original=task.original_deadline
        ),
        original=short_date(task.original_deadline or task.deadline),
        days=days_text(line, calendar, now, lang),
        overdue=line.standing.overdue,
        history=tuple(reversed(history)),  # the latest first
    )


@dataclass(frozen=True)
class UnitLine:
    id: int
    title: str
    reference: str
    deadline: str
    status: str
    days: str
    overdue: bool
    url: str


def unit_line(
    line: TaskLine, url: str, calendar: WorkingCalendar, now: datetime, lang: str
) -> UnitLine:
    return UnitLine(
        id=line.id,
        title=line.title,
        reference=line.reference,
        deadline=presenters.deadline_text(line.deadline, lang, recurrence=line.recurrence),
        status=status_label(line.status, lang),
        days=days_text(line, calendar, now, lang),
        overdue=line.standing.overdue,
        url=url,
    )
