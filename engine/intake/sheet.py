"""Read the directive spreadsheet (see engine.intake.excel) into one record per reference.

The sheet is streamed once, values only, and a row is looked at in the columns the header
names only (a row may run to column XFD). A workbook that holds formulas is streamed
twice in step, once for the values Excel saved and once for the formulas: a formula cell
with no saved value (a workbook written by a program and never opened in Excel) would
otherwise read as empty without a word.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic_core import PydanticCustomError

from engine.intake import limits
from engine.intake.excel import COLUMNS, SHEET, TASK_FIELD, Column, match_header
from engine.intake.located import Located
from engine.intake.problems import ImportRefused, Problem
from engine.intake.schema import parse_date

#: how Excel writes a character XML cannot hold (ESC is _x001B_); openpyxl leaves it as is
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
#: the start of a formula element, <f> or <x:f t="shared"/>; also matches some text, which
#: only costs the slower exact read
_FORMULA_TAG = re.compile(rb"[<:]f[\s/>]")
_CHUNK = 1 << 20
_NO_FORMULAS: Mapping[int, object] = MappingProxyType({})
_KEYS = {c.key: c for c in COLUMNS}


def _refuse(file: str, vi: str, en: str) -> ImportRefused:
    return ImportRefused([Problem(file, None, "", "", vi, en)])


def _cell_text(value: object) -> object:
    if isinstance(value, str) and "_x" in value:
        return _EXCEL_ESCAPE.sub(lambda m: chr(int(m[1], 16)), value)
    return value


def _workbook_errors() -> tuple[type[BaseException], ...]:
    """What openpyxl raises on a file that is not a sound workbook (a zip of XML)."""
    from openpyxl.utils.exceptions import InvalidFileException

    return (
        InvalidFileException, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error,
        EOFError, OSError, KeyError, IndexError, ValueError, TypeError, SyntaxError,
    )  # fmt: skip


Row = tuple[int, Sequence[Any], Mapping[int, object]]


def _holds_formula(path: Path) -> bool:
    """Whether any XML part of the workbook may hold a formula, read in chunks (a part
    may be large) that overlap by the length of a match."""
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if not name.lower().endswith(".xml"):
                continue
            with book.open(name) as part:
                tail = b""
                while chunk := part.read(_CHUNK):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-3:]
    return False


def _rows(path: Path) -> Iterator[Row]:
    """Each row's number, its values, and the formulas of its cells that have no saved
    value, by column index.

    1. A workbook with no formula at all (a sheet people typed) is read once: what Excel
       saved is all there is.
    2. Otherwise the saved values and the formulas are read in step, the saved ones as
       cells, for their type: an empty text result is saved as type "str" with no value.
    """
    from openpyxl import load_workbook

    try:
        with ExitStack() as books:
            saved = load_workbook(path, read_only=True, data_only=True)
            books.callback(saved.close)
            if not _holds_formula(path):
                values = _sheet(saved).iter_rows(values_only=True)
                for number, row in enumerate(values, start=1):
                    yield number, row, _NO_FORMULAS
                return
            written = load_workbook(path, read_only=True, data_only=False)
            books.callback(written.close)
            pairs = zip(
                _sheet(saved).iter_rows(), _sheet(written).iter_rows(values_only=True), strict=True
            )
            for number, (cells, formulas) in enumerate(pairs, start=1):
                unsaved = {
                    index: formula
                    for index, (cell, formula) in enumerate(zip(cells, formulas, strict=False))
                    if cell.value is None and formula is not None and cell.data_type != "str"
                }
                yield number, [c.value for c in cells], unsaved
    except _workbook_errors() as exc:
        raise _refuse(
            path.name,
            "không đọc được tệp Excel: tệp bị hỏng hoặc không phải tệp .xlsx; "
            "hãy mở tệp bằng Excel rồi lưu lại dưới dạng Excel Workbook (.xlsx)",
            "cannot read the workbook: the file is damaged or not an .xlsx file; "
            "open it in Excel and save it as an Excel Workbook (.xlsx)",
        ) from exc


def _sheet(book: Any) -> Any:
    return book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]


def _unsaved_formula(file: str, row: int, column: str, formula: object) -> Problem:
    shown = f" '{formula}'" if isinstance(formula, str) and len(formula) <= 60 else ""
    return Problem(
        file, row, "", column,
        f"ô có công thức{shown} nhưng chưa có giá trị đã lưu (tệp do chương trình tạo, "
        "chưa mở bằng Excel); hãy mở tệp bằng Excel rồi lưu lại, hoặc gõ giá trị thay cho công thức",
        f"the cell holds a formula{shown} with no saved value (the file was written by a "
        "program, never opened in Excel); open and save it in Excel, or type the values",
    )  # fmt: skip


def _shown(value: object) -> str:
    """A cell as the sheet shows it: a date as 26/11/2025."""
    if isinstance(value, date):  # a datetime is a date too
        return f"{value:%d/%m/%Y}"
    return str(value).strip()


def _same_cell(first: object, other: object) -> bool:
    """Whether a directive's column says the same on two rows (a date cell and
    '26/11/2025' typed as text are the same issue date)."""
    if isinstance(first, date) or isinstance(other, date):
        try:
            return parse_date(first) == parse_date(other)
        except PydanticCustomError:
            return False
    return _shown(first) == _shown(other)


def _columns(file: str, header: Row | None) -> dict[int, Column]:
    """The known column at each index of the header row; an unknown header, or one that
    is an unsaved formula, refuses the file."""
    from openpyxl.utils import get_column_letter

    _, values, unsaved = header or (1, [], _NO_FORMULAS)
    columns: dict[int, Column] = {}
    problems: list[Problem] = []
    for index, value in enumerate(values):
        cell, formula = _cell_text(value), unsaved.get(index)
        column = match_header(cell)
        if formula is not None:
            problems.append(_unsaved_formula(file, 1, get_column_letter(index + 1), formula))
        elif column is not None:
            columns[index] = column
        elif cell not in (None, ""):
            problems.append(
                Problem(
                    file,
                    1,
                    "",
                    str(cell),
                    "không nhận ra tiêu đề cột này (xem trang Hướng dẫn)",
                    "unknown column header (see the Hướng dẫn sheet)",
                )
            )
    if problems:
        raise ImportRefused(problems)
    if not any(c.key == "reference" for c in columns.values()):
        raise _refuse(file, "thiếu cột 'Số hiệu văn bản'", "no 'reference' column")
    return columns


def read_directive_sheet(path: Path) -> tuple[list[Located], list[Problem]]:
    """The directives of a workbook, and the rows that contradict an earlier row."""
    rows = _rows(path)
    columns = _columns(path.name, next(rows, None))
    labels = {c.key: c.vi for c in COLUMNS if c.directive_level}
    task_labels = {TASK_FIELD.get(c.key, c.key): c.vi for c in COLUMNS if not c.directive_level}

    groups: dict[str, Located] = {}
    problems: list[Problem] = []
    unsaved: list[Problem] = []
    task_rows = 0
    for row_number, values, formulas in rows:
        width = len(values)
        cells = {
            column.key: _cell_text(values[i])
            for i, column in columns.items()
            if i < width and values[i] not in (None, "")
        }
        unsaved += [
            _unsaved_formula(path.name, row_number, columns[i].vi, f)
            for i, f in formulas.items()
            if i in columns
        ]
        if not cells:
            continue
        task_rows += 1
        if task_rows > limits.MAX_ROWS:
            raise _refuse(path.name, *limits.over_rows("dòng nhiệm vụ", "task rows"))
        reference = str(cells.get("reference", "")).strip()
        if not reference:
            problems.append(
                Problem(
                    path.name,
                    row_number,
                    "",
                    labels["reference"],
                    "thiếu số hiệu văn bản",
                    "reference number is missing",
                )
            )
            continue
        record = groups.get(reference)
        if record is None:
            record = Located(
                {"tasks": []},
                path.name,
                row=row_number,
                labels=labels,
                task_labels=task_labels,
            )
            groups[reference] = record
        task: dict[str, Any] = {}
        for key, value in cells.items():
            column = _KEYS[key]
            if not column.directive_level:
                task[TASK_FIELD.get(key, key)] = value
            elif key not in record.data:
                record.data[key] = value
            elif not _same_cell(record.data[key], value):
                first, this = _shown(record.data[key]), _shown(value)
                problems.append(
                    Problem(
                        path.name, row_number, "", column.vi,
                        f"khác với dòng {record.row} của cùng văn bản ('{first}' ≠ '{this}')",
                        f"differs from row {record.row} of the same directive ('{first}' ≠ '{this}')",
                    )
                )  # fmt: skip
        record.data["tasks"].append(task)
        record.task_rows.append(row_number)
    if unsaved:  # the rest may only be what the missing values caused
        raise ImportRefused(unsaved)
    if not groups and not problems:
        raise _refuse(path.name, "bảng tính không có nhiệm vụ nào", "the sheet holds no task rows")
    return list(groups.values()), problems
