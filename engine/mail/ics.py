"""The deadline as an iCalendar file, attached to the assignment mail.

The event is all-day (DTSTART;VALUE=DATE): a date carries no time, so a reader in
another zone still sees the deadline on the right day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from engine.i18n import word
from engine.mail.context import TaskView

PRODID = "-//dondoc//VN"


def deadline_ics(
    task: TaskView,
    *,
    uid: str,
    stamp: datetime,
    timezone: str = "Asia/Ho_Chi_Minh",
    lang: str = "vi",
) -> str:
    """A VCALENDAR with one all-day VEVENT on the task's deadline, and a reminder the day before."""
    if task.deadline is None:
        raise ValueError(
            f"task {task.id} ({task.title!r}) has no deadline: nothing to put in a calendar"
        )
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError(f"stamp must be an aware datetime, got naive {stamp.isoformat()}")
    ZoneInfo(timezone)  # refuse an unknown zone name here rather than in the reader's calendar
    en = lang == "en"

    description = "\n".join(
        (
            f"{word('reference', lang)}: {task.reference}",
            f"{word('task', lang)}: {task.title}",
            f"{word('deliverable', lang)}: {task.deliverable}",
            f"{word('lead_unit', lang)}: {task.lead_unit_name}",
        )
    )
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-1))
    alarm.add("description", f"{'Deadline tomorrow' if en else 'Ngày mai đến hạn'}: {task.title}")

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", task.deadline)
    event.add("dtend", task.deadline + timedelta(days=1))
    event.add("summary", f"{'Deadline' if en else 'Hạn'}: {task.title}")
    event.add("description", description)
    event.add("transp", "TRANSPARENT")  # a deadline does not make the day busy
    event.add_component(alarm)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", timezone)
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical.decode("utf-8")
