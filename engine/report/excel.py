"""The Excel annex: the summary by unit, and every task of the month's book, one row each,
with filters and a frozen header.

Written with XlsxWriter, made for writing: openpyxl (which still reads workbooks, in
intake and in the tests) took ~14 s for the bench's annex of 39,481 rows of 17 columns.
Its default mode keeps the cells until the book is closed (some tens of MB for 40,000
rows) and writes each distinct text once, in the shared strings; `constant_memory`, which
writes rows as they come with the texts inline, was a third slower. The cells go in a
column at a time, one call per column (a call per cell was a third of the annex's time);
a text is never taken for a formula or a link, days are Excel's day numbers shown
DD/MM/YYYY, and there is no cell for None or an empty text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

from xlsxwriter import Workbook

from engine import i18n
from engine.domain.categories import Category
from engine.domain.review import Figures
from engine.report.document import ReportInput, pct
from engine.report.words import words

Cell = str | int | date | None
DATE_FORMAT = "DD/MM/YYYY"
#: day 0 of Excel's calendar for days after 28/02/1900 (it counts a 29/02/1900 that was not)
EXCEL_EPOCH = date(1899, 12, 30)
#: texts are written as texts, never taken for formulas or links
BOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
HEADER_STYLE = {"bold": True, "bg_color": "#F3F4F6", "text_wrap": True, "valign": "top"}

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


class _Sheet:
    """One worksheet with a frozen, filtered, formatted header row, filled row by row."""

    def __init__(
        self, book: Workbook, name: str, labels: Sequence[str], widths: Sequence[int], rows: int
    ) -> None:
        self.sheet = book.add_worksheet(name)
        self.day_format = book.add_format({"num_format": DATE_FORMAT})
        self.days: dict[date, int] = {}
        header = book.add_format(HEADER_STYLE)
        for index, width in enumerate(widths):
            self.sheet.set_column(index, index, width)
        self.sheet.freeze_panes(1, 0)
        self.sheet.autofilter(0, 0, max(rows, 1), len(labels) - 1)
        for index, label in enumerate(labels):
            self.sheet.write_string(0, index, label, header)

    def fill(self, rows: Sequence[Sequence[Cell]]) -> None:
        """The rows under the header: texts and numbers a column at a time (one call per
        column), days as Excel's day numbers shown DD/MM/YYYY; no cell for None or an
        empty text."""
        sheet, days = self.sheet, self.days
        for index, values in enumerate(zip(*rows, strict=True)):
            if not any(isinstance(value, date) for value in values):
                sheet.write_column(1, index, values)
                continue
            for row, value in enumerate(values, start=1):
                if isinstance(value, date):
                    if value not in days:
                        days[value] = (value - EXCEL_EPOCH).days
                    sheet.write_number(row, index, days[value], self.day_format)


def render_xlsx(data: ReportInput) -> bytes:
    lang = data.lang
    t = words(lang)
    r = data.review
    out = io.BytesIO()
    book = Workbook(out, BOOK_OPTIONS)

    labels = [t["no"], t["unit_code"], t["unit"]]
    labels += [i18n.category_label(c, lang) for c in Category]
    labels += [t["total"], t["on_time_rate"], t["assigned_in_month"]]
    labels += [t["extensions"], *(t[f"aging_{k}"] for k in r.total.overdue_aging)]
    summary = _Sheet(
        book,
        t["sheet_summary"],
        labels,
        [6, 12, 32, *([14] * len(Category)), 10, 12, 12, 14, 10, 10, 10],
        len(r.units),
    )
    rows: list[tuple[int | None, str, str, Figures]] = [
        (i, u.unit, data.unit_name(u.unit), u.figures) for i, u in enumerate(r.units, 1)
    ]
    rows.append((None, "", t["total"], r.total))
    summary.fill(
        [
            (
                number,
                code,
                name,
                *(f.count(c) for c in Category),
                f.total,
                pct(f.on_time_rate, lang),
                f.assigned_in_month,
                f"{f.extensions_requested} / {f.extensions_granted}",
                *f.overdue_aging.values(),
            )
            for number, code, name, f in rows
        ]
    )

    tasks = _Sheet(
        book,
        t["sheet_tasks"],
        [t[key] for key, _ in TASK_COLUMNS],
        [w for _, w in TASK_COLUMNS],
        len(r.lines),
    )
    zone = data.generated_at.tzinfo
    statuses = {s: i18n.status_label(s, lang) for s in i18n.STATUS}
    categories = {c: i18n.category_label(c, lang) for c in Category}
    units: dict[str, str] = {}
    levels: dict[int, str] = {}

    def local_day(value: datetime | None) -> date | None:
        return value.astimezone(zone).date() if value is not None else None

    lines: list[tuple[Cell, ...]] = []
    for number, line in enumerate(r.lines, start=1):
        if line.unit not in units:
            units[line.unit] = data.unit_name(line.unit)
        overdue = line.category is Category.IN_PROGRESS_OVERDUE
        if overdue and line.escalation_level not in levels:
            levels[line.escalation_level] = _level_text(line.escalation_level, lang)
        lines.append(
            (
                number,
                line.id,
                line.reference,
                line.number,
                line.title,
                units[line.unit],
                line.owner,
                local_day(line.assigned_at),
                line.original_deadline,
                line.deadline,
                len(line.extensions) or None,
                statuses[line.status],
                categories[line.category],
                local_day(line.completed_at),
                line.days_overdue if overdue else None,
                levels[line.escalation_level] if overdue else None,
                i18n.pick(i18n.RECURRENCE[line.recurrence], lang)
                if line.recurrence in i18n.RECURRENCE
                else None,
            )
        )
    tasks.fill(lines)
    book.close()
    return out.getvalue()


def _level_text(level: int, lang: str) -> str:
    t = words(lang)
    return t.get(f"level_{level}") or t["level_n"].format(n=level)
