"""The coordinator's overview in Prefect: four table artifacts at fixed keys, a new
version at every sweep and every decision, answering "what needs my attention today?"

- `tong-quan-qua-han`: the overdue tasks, highest escalation level first;
- `tong-quan-sap-den-han`: due within the next few working days, earliest first;
- `tong-quan-cho-quyet-dinh`: waiting for the office's decision, longest waiting first;
- `tong-quan-don-vi`: where each unit stands, the most overdue first.

Narrow columns first and the task's title last, so that a laptop screen shows every
column; each cell escaped (the UI draws a cell as markdown: "2. Rà soát…" would become
a list numbered from 1).
"""

from datetime import datetime
from typing import Any

from sqlmodel import Session

from engine.domain.calendar import WorkingCalendar
from engine.i18n import pick, short_date, status_label, word
from engine.services.overview import AttentionTask, Overview, overview
from workflows.artifacts import MAX_ROWS, Table, local

OVERDUE_KEY = "tong-quan-qua-han"
DUE_SOON_KEY = "tong-quan-sap-den-han"
WAITING_KEY = "tong-quan-cho-quyet-dinh"
UNITS_KEY = "tong-quan-don-vi"
KEYS = (OVERDUE_KEY, DUE_SOON_KEY, WAITING_KEY, UNITS_KEY)

HEADERS = {
    "handle": ("Việc", "Item"),
    "unit": ("Đơn vị", "Unit"),
    "overdue": ("Quá hạn (ngày LV)", "Overdue (working days)"),
    "left": ("Còn (ngày LV)", "Left (working days)"),
    "level": ("Mức đôn đốc", "Escalation level"),
    "person": ("Người chủ trì", "Lead person"),
    "deadline": ("Thời hạn", "Deadline"),
    "status": ("Trạng thái", "Status"),
    "waiting": ("Chờ quyết định", "Awaiting"),
    "since": ("Từ ngày", "Since"),
    "task": ("Nhiệm vụ", "Task"),
    "open": ("Đang theo dõi", "Open"),
    "due_soon": ("Sắp đến hạn", "Due soon"),
    "highest": ("Mức đôn đốc cao nhất", "Highest level"),
}


def _h(key: str, lang: str) -> str:
    return pick(HEADERS[key], lang)


def _unit(task: AttentionTask) -> str:
    return task.unit or "—"


def _overdue_row(t: AttentionTask, lang: str) -> dict[str, Any]:
    return {
        _h("handle", lang): t.handle,
        _h("unit", lang): _unit(t),
        _h("overdue", lang): t.working_days_overdue,
        _h("level", lang): t.escalation_level,
        _h("person", lang): t.person or "—",
        _h("deadline", lang): short_date(t.deadline),
        _h("task", lang): t.title,
    }


def _due_soon_row(t: AttentionTask, lang: str) -> dict[str, Any]:
    return {
        _h("handle", lang): t.handle,
        _h("unit", lang): _unit(t),
        _h("deadline", lang): short_date(t.deadline),
        _h("left", lang): t.working_days_left,
        _h("person", lang): t.person or "—",
        _h("status", lang): status_label(t.status, lang),
        _h("task", lang): t.title,
    }


def _waiting_row(t: AttentionTask, calendar: WorkingCalendar, lang: str) -> dict[str, Any]:
    return {
        _h("handle", lang): t.handle,
        _h("unit", lang): _unit(t),
        _h("waiting", lang): status_label(t.status, lang),
        _h("since", lang): short_date(calendar.local_date(t.since)),
        _h("deadline", lang): short_date(t.deadline) or "—",
        _h("level", lang): t.escalation_level,
        _h("task", lang): t.title,
    }


def _counted(title: str, shown: int, total: int, when: str, lang: str) -> str:
    more = ""
    if total > shown:
        more = f" (hiện {shown} đầu tiên)" if lang == "vi" else f" (first {shown} shown)"
    return f"**{title}: {total}**{more} — {when}"


def overview_tables(view: Overview, calendar: WorkingCalendar, lang: str) -> list[Table]:
    """The four overview tables of `view`, each at its fixed key."""
    when = word("as_of", lang, d=local(view.now, calendar.timezone))
    vi = lang == "vi"
    overdue = [_overdue_row(t, lang) for t in view.overdue[:MAX_ROWS]]
    due_soon = [_due_soon_row(t, lang) for t in view.due_soon[:MAX_ROWS]]
    waiting = [_waiting_row(t, calendar, lang) for t in view.waiting[:MAX_ROWS]]
    units = [
        {
            _h("unit", lang): f"{u.name} ({u.code})" if u.name else (u.code or "—"),
            _h("open", lang): u.open,
            _h("overdue", lang).split(" (")[0]: u.overdue,
            _h("due_soon", lang): u.due_soon,
            _h("waiting", lang): u.waiting,
            _h("highest", lang): u.highest_level,
        }
        for u in view.units
    ]
    soon = (
        f"Đến hạn trong {view.due_within} ngày làm việc tới"
        if vi
        else f"Due within the next {view.due_within} working days"
    )
    return [
        Table(
            OVERDUE_KEY,
            overdue,
            _counted(
                "Nhiệm vụ quá hạn" if vi else "Overdue tasks",
                len(overdue),
                len(view.overdue),
                when,
                lang,
            ),
        ),
        Table(
            DUE_SOON_KEY, due_soon, _counted(soon, len(due_soon), len(view.due_soon), when, lang)
        ),
        Table(
            WAITING_KEY,
            waiting,
            _counted(
                "Chờ Văn phòng quyết định (kết quả, gia hạn, từ chối)"
                if vi
                else "Waiting for the office's decision (results, extensions, declines)",
                len(waiting),
                len(view.waiting),
                when,
                lang,
            ),
        ),
        Table(
            UNITS_KEY,
            units,
            _counted(
                "Đơn vị có nhiệm vụ đang theo dõi" if vi else "Units with open tasks",
                len(units),
                len(view.units),
                when,
                lang,
            )
            + (f" — {view.open_total} nhiệm vụ" if vi else f" — {view.open_total} tasks"),
        ),
    ]


def build_overview(
    session: Session, calendar: WorkingCalendar, now: datetime, lang: str, due_within: int
) -> list[Table]:
    return overview_tables(overview(session, calendar, now, due_within=due_within), calendar, lang)
