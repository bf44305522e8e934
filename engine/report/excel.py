"""The Excel annex: the summary by unit, and every task of the month's book, one row each,
with filters and a frozen header.

In two parts: the cells (`annex_sheets`: what each cell says, as plain data) and the file
(`write_xlsx`), so that the file can be written in a worker process (see
`engine.services.review`). Written with XlsxWriter, made for writing: openpyxl (which
still reads workbooks, in intake and in the tests) took ~14 s for the bench's annex of
39,481 rows of 17 columns. Its default mode keeps the cells until the book is closed
(some tens of MB for 40,000 rows) and writes each distinct text once, in the shared
strings; `constant_memory`, which writes rows as they come with the texts inline, is a
quarter slower in the worker (2.8 s of CPU against 2.2 s) for a file a tenth bigger.
The cells go in a column at a time, one call per column (a call per cell was a third of
the annex's time); a text is never taken for a formula or a link, days are Excel's day
numbers shown DD/MM/YYYY by their column's format, and there is no cell for None or an
empty text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from xlsxwriter import Workbook

from engine import i18n
from engine.domain.categories import Category
from engine.domain.review import Figures
from engine.report.document import ReportInput, pct
from engine.report.words import words

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
#: the task sheet's columns of days: assigned, original deadline, deadline, completed
DAY_COLUMNS = (7, 8, 9, 13)


@dataclass(frozen=True)
class Sheet:
    """One worksheet as plain data: its name, its header (labels and column widths), the
    cells under it column by column (texts, numbers, Excel day numbers in `day_columns`;
    None: no cell), of which the first `filtered` rows are in the header's filter; plain,
    so that a worker process can write it (`write_xlsx`)."""

    name: str
    labels: Sequence[str]
    widths: Sequence[int]
    columns: Sequence[Sequence[str | int | None]]
    filtered: int
    day_columns: frozenset[int] = frozenset()


def render_xlsx(data: ReportInput) -> bytes:
    return write_xlsx(annex_sheets(data))


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """The workbook of `sheets`: each with a frozen, filtered, formatted header row, its
    cells written a column at a time (one call per column), a day column's cells shown
    DD/MM/YYYY by the column's format (no format object per cell)."""
    out = io.BytesIO()
    book = Workbook(out, BOOK_OPTIONS)
    for sheet in sheets:
        page = book.add_worksheet(sheet.name)
        day_format = book.add_format({"num_format": DATE_FORMAT})
        header = book.add_format(HEADER_STYLE)
        for index, width in enumerate(sheet.widths):
            column_format = day_format if index in sheet.day_columns else None
            page.set_column(index, index, width, column_format)
        page.freeze_panes(1, 0)
        page.autofilter(0, 0, max(sheet.filtered, 1), len(sheet.labels) - 1)
        for index, label in enumerate(sheet.labels):
            page.write_string(0, index, label, header)
        for index, values in enumerate(sheet.columns):
            page.write_column(1, index, values)
    book.close()
    return out.getvalue()


def annex_sheets(data: ReportInput) -> list[Sheet]:
    """The annex's two sheets, the summary by unit and the month's book, as cells."""
    return [_summary(data), _tasks(data)]


def _summary(data: ReportInput) -> Sheet:
    lang = data.lang
    t = words(lang)
    r = data.review
    labels = [t["no"], t["unit_code"], t["unit"]]
    labels += [i18n.category_label(c, lang) for c in Category]
    labels += [t["total"], t["on_time_rate"], t["assigned_in_month"]]
    labels += [t["extensions"], *(t[f"aging_{k}"] for k in r.total.overdue_aging)]
    rows: list[tuple[int | None, str, str, Figures]] = [
        (i, u.unit, data.unit_name(u.unit), u.figures) for i, u in enumerate(r.units, 1)
    ]
    rows.append((None, "", t["total"], r.total))
    cells = [
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
    widths = [6, 12, 32, *([14] * len(Category)), 10, 12, 12, 14, 10, 10, 10]
    columns = list(zip(*cells, strict=True))
    return Sheet(t["sheet_summary"], labels, widths, columns, filtered=len(r.units))


def _tasks(data: ReportInput) -> Sheet:
    """The task sheet: the month's book, a task a row, in `TASK_COLUMNS`' order."""
    lang, lines = data.lang, data.review.lines
    t = words(lang)
    zone = data.generated_at.tzinfo
    statuses = {s: i18n.status_label(s, lang) for s in i18n.STATUS}
    categories = {c: i18n.category_label(c, lang) for c in Category}
    units = {code: data.unit_name(code) for code in {x.unit for x in lines}}
    recurrences = {key: i18n.pick(value, lang) for key, value in i18n.RECURRENCE.items()}
    overdue = [x.category is Category.IN_PROGRESS_OVERDUE for x in lines]
    levels = {x.escalation_level for x, late in zip(lines, overdue, strict=True) if late}
    level_texts = {level: _level_text(level, lang) for level in levels}
    numbers: dict[date, int] = {}

    def day(value: date | None) -> int | None:
        """Excel's number of `value`, worked out once a day."""
        if value is None:
            return None
        if value not in numbers:
            numbers[value] = (value - EXCEL_EPOCH).days
        return numbers[value]

    def local_day(value: datetime | None) -> int | None:
        return day(value.astimezone(zone).date()) if value is not None else None

    columns: list[Sequence[str | int | None]] = [
        range(1, len(lines) + 1),
        [x.id for x in lines],
        [x.reference for x in lines],
        [x.number for x in lines],
        [x.title for x in lines],
        [units[x.unit] for x in lines],
        [x.owner for x in lines],
        [local_day(x.assigned_at) for x in lines],
        [day(x.original_deadline) for x in lines],
        [day(x.deadline) for x in lines],
        [len(x.extensions) or None for x in lines],
        [statuses[x.status] for x in lines],
        [categories[x.category] for x in lines],
        [local_day(x.completed_at) for x in lines],
        [x.days_overdue if late else None for x, late in zip(lines, overdue, strict=True)],
        [level_texts[x.escalation_level] if late else None
         for x, late in zip(lines, overdue, strict=True)],
        [recurrences.get(x.recurrence) if x.recurrence else None for x in lines],
    ]  # fmt: skip
    return Sheet(
        t["sheet_tasks"],
        [t[key] for key, _ in TASK_COLUMNS],
        [w for _, w in TASK_COLUMNS],
        columns,
        filtered=len(lines),
        day_columns=frozenset(DAY_COLUMNS),
    )


def _level_text(level: int, lang: str) -> str:
    t = words(lang)
    return t.get(f"level_{level}") or t["level_n"].format(n=level)
