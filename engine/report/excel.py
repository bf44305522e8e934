"""The Excel annex: the summary by unit, and every task of the month's book, one row each,
with filters and a frozen header (openpyxl, write-only: a big office has 100,000 rows)."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from engine import i18n
from engine.domain.categories import Category
from engine.domain.review import Figures
from engine.report.document import ReportInput, pct
from engine.report.words import words

DATE_FORMAT = "DD/MM/YYYY"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F3F4F6")
WRAP = Alignment(wrap_text=True, vertical="top")

#: (label key, column width) of the task sheet, in order
TASK_COLUMNS: tuple[tuple[str, int], ...] = (
    ("no", 6),
    ("id", 8),
    ("reference", 16),
    ("number", 7),
    ("task", 60),
    ("unit", 28),
    ("owner", 20),
    ("assigned_at", 12),
    ("original_deadline", 12),
    ("deadline_in_force", 12),
    ("extensions_count", 9),
    ("status", 18),
    ("category", 24),
    ("completed_at", 12),
    ("days_overdue", 10),
    ("escalation_level", 30),
    ("recurrence", 12),
)


def _header(sheet: Any, labels: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        cells.append(cell)
    return cells


def _widths(sheet: Any, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _filtered(sheet: Any, columns: int, rows: int) -> None:
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(rows, 1) + 1}"


def render_xlsx(data: ReportInput) -> bytes:
    lang = data.lang
    t = words(lang)
    r = data.review
    book = Workbook(write_only=True)

    summary = book.create_sheet(t["sheet_summary"])
    labels = [t["no"], t["unit_code"], t["unit"]]
    labels += [i18n.category_label(c, lang) for c in Category]
    labels += [t["total"], t["on_time_rate"], t["assigned_in_month"]]
    labels += [t["extensions"], *(t[f"aging_{k}"] for k in r.total.overdue_aging)]
    _widths(summary, [6, 12, 32, *([14] * len(Category)), 10, 12, 12, 14, 10, 10, 10])
    _filtered(summary, len(labels), len(r.units))
    summary.append(_header(summary, labels))
    rows: list[tuple[int | None, str, str, Figures]] = [
        (i, u.unit, data.unit_name(u.unit), u.figures) for i, u in enumerate(r.units, 1)
    ]
    rows.append((None, "", t["total"], r.total))
    for number, code, name, f in rows:
        summary.append(
            [
                number,
                code,
                name,
                *(f.count(c) for c in Category),
                f.total,
                pct(f.on_time_rate, lang),
                f.assigned_in_month,
                f"{f.extensions_requested} / {f.extensions_granted}",
                *f.overdue_aging.values(),
            ]
        )

    tasks = book.create_sheet(t["sheet_tasks"])
    _widths(tasks, [w for _, w in TASK_COLUMNS])
    _filtered(tasks, len(TASK_COLUMNS), len(r.lines))
    tasks.append(_header(tasks, [t[key] for key, _ in TASK_COLUMNS]))
    zone = data.generated_at.tzinfo
    statuses = {s: i18n.status_label(s, lang) for s in i18n.STATUS}
    categories = {c: i18n.category_label(c, lang) for c in Category}
    units: dict[str, str] = {}
    levels: dict[int, str] = {}

    def day(value: date | None) -> WriteOnlyCell | None:
        if value is None:
            return None
        cell = WriteOnlyCell(tasks, value=value)
        cell.number_format = DATE_FORMAT
        return cell

    def local_day(value: datetime | None) -> WriteOnlyCell | None:
        return day(value.astimezone(zone).date() if value is not None else None)

    for number, line in enumerate(r.lines, start=1):
        if line.unit not in units:
            units[line.unit] = data.unit_name(line.unit)
        overdue = line.category is Category.IN_PROGRESS_OVERDUE
        if overdue and line.escalation_level not in levels:
            levels[line.escalation_level] = _level_text(line.escalation_level, lang)
        tasks.append(
            [
                number,
                line.id,
                line.reference,
                line.number,
                line.title,
                units[line.unit],
                line.owner,
                local_day(line.assigned_at),
                day(line.original_deadline),
                day(line.deadline),
                len(line.extensions) or None,
                statuses[line.status],
                categories[line.category],
                local_day(line.completed_at),
                line.days_overdue if overdue else None,
                levels[line.escalation_level] if overdue else None,
                i18n.pick(i18n.RECURRENCE[line.recurrence], lang)
                if line.recurrence in i18n.RECURRENCE
                else None,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _level_text(level: int, lang: str) -> str:
    t = words(lang)
    return t.get(f"level_{level}") or t["level_n"].format(n=level)
