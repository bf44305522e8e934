"""Turn a YAML, JSON, CSV or XLSX file into raw records that remember where they came from."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic_core import PydanticCustomError

from engine.intake.excel import COLUMNS, SHEET, TASK_FIELD, Column, match_header
from engine.intake.problems import ImportRefused, Problem
from engine.intake.schema import parse_date

Loc = Sequence[str | int]


@dataclass
class Located:
    """One raw record and how to name a place inside it in an error message."""

    data: dict[str, Any]
    file: str
    path: str = ""  # "directives[1]" for YAML/JSON
    row: int | None = None  # first sheet/CSV row of the record
    task_rows: list[int] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # field -> column header

    def problem(self, loc: Loc, reason_vi: str, reason_en: str) -> Problem:
        loc = list(loc)
        row = self.row
        path = self.path
        if len(loc) >= 2 and loc[0] == "tasks" and isinstance(loc[1], int):
            index = loc[1]
            if self.task_rows:
                row = self.task_rows[index] if index < len(self.task_rows) else row
            else:
                path = f"{path}.tasks[{index}]" if path else f"tasks[{index}]"
            loc = loc[2:]
        name = _dotted(loc)
        if self.labels and loc and isinstance(loc[0], str):
            name = self.labels.get(name) or self.labels.get(loc[0], name)
        return Problem(self.file, row, path, name, reason_vi, reason_en)


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _refuse(file: str, vi: str, en: str) -> ImportRefused:
    return ImportRefused([Problem(file, None, "", "", vi, en)])


class _YamlLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text: `deadline: 2025-13-01` must reach the schema,
    which names where it is, rather than fail inside the loader with a bare ValueError."""


def _date_as_text(loader: _YamlLoader, node: yaml.Node) -> str:
    assert isinstance(node, yaml.ScalarNode)  # a timestamp is always a scalar
    return str(loader.construct_scalar(node))


_YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


def _load_tree(path: Path) -> Any:
    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_YamlLoader)  # a SafeLoader: plain data only
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            [
                Problem(
                    path.name,
                    exc.lineno,
                    "",
                    "",
                    f"JSON sai cú pháp: {exc.msg}",
                    f"bad JSON: {exc.msg}",
                    line=True,
                )
            ]
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise ImportRefused(
            [
                Problem(
                    path.name,
                    line,
                    "",
                    "",
                    f"YAML sai cú pháp: {reason}",
                    f"bad YAML: {reason}",
                    line=True,
                )
            ]
        ) from exc


def _records(tree: Any, file: str, key: str, single_marker: str) -> list[Located]:
    """Records under `key:` (a list), a bare list, or one record at the top level."""
    if isinstance(tree, dict) and key in tree:
        items, base = tree[key], key
    elif isinstance(tree, dict) and single_marker in tree:
        return [Located(tree, file)]
    elif isinstance(tree, list):
        items, base = tree, ""
    else:
        raise _refuse(
            file,
            f"không tìm thấy danh sách '{key}' trong tệp",
            f"no '{key}' list found in the file",
        )
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise _refuse(
            file, f"'{key}' phải là một danh sách bản ghi", f"'{key}' must be a list of records"
        )
    return [
        Located(item, file, f"{base}[{i}]" if base else f"[{i}]") for i, item in enumerate(items)
    ]


# -- units ---------------------------------------------------------------------

UNIT_CSV_COLUMNS = (
    "code", "name_vi", "name_en", "head_name", "head_title", "head_email",
    "deputies", "parent", "active", "language", "aliases",
)  # fmt: skip


def read_units(path: Path) -> list[Located]:
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml", ".json"}:
        return _records(_load_tree(path), path.name, "units", "code")
    if suffix == ".csv":
        return _read_unit_csv(path)
    raise _refuse(
        path.name, "chỉ nhận tệp .yaml, .json hoặc .csv", "only .yaml, .json or .csv files"
    )


def _read_unit_csv(path: Path) -> list[Located]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        unknown = [c for c in reader.fieldnames or [] if c not in UNIT_CSV_COLUMNS]
        if unknown:
            raise _refuse(
                path.name,
                f"cột không được hỗ trợ: {', '.join(unknown)}",
                f"unknown columns: {', '.join(unknown)}",
            )
        out = []
        for row_number, row in enumerate(reader, start=2):
            data: dict[str, Any] = {k: v for k, v in row.items() if v not in (None, "")}
            head = {
                k.removeprefix("head_"): data.pop(k)
                for k in ("head_name", "head_title", "head_email")
                if k in data
            }
            if head:
                data["head"] = head
            if "deputies" in data:
                data["deputies"] = [_person(p) for p in data["deputies"].split(";") if p.strip()]
            if "aliases" in data:
                data["aliases"] = [a.strip() for a in data["aliases"].split(";") if a.strip()]
            if "active" in data:
                data["active"] = data["active"].strip().lower() not in {"0", "false", "no", "không"}
            labels = {f"head.{k}": f"head_{k}" for k in ("name", "title", "email")}
            out.append(Located(data, path.name, row=row_number, labels=labels))
        return out


def _person(text: str) -> dict[str, str]:
    """'Nguyễn Văn A <a@example.vn>' -> {'name': ..., 'email': ...}."""
    name, _, rest = text.partition("<")
    return {"name": name.strip(), "email": rest.rstrip("> ").strip()}


# -- directives ------------------------------------------------------------------


def read_directives(path: Path) -> tuple[list[Located], list[Problem]]:
    """The directive records, and problems the reader found (a sheet's conflicting rows)."""
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml", ".json"}:
        return _records(_load_tree(path), path.name, "directives", "reference"), []
    if suffix == ".xlsx":
        return _read_directive_sheet(path)
    raise _refuse(
        path.name, "chỉ nhận tệp .yaml, .json hoặc .xlsx", "only .yaml, .json or .xlsx files"
    )


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


def _read_directive_sheet(path: Path) -> tuple[list[Located], list[Problem]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise _refuse(
            path.name, f"không đọc được tệp Excel: {exc}", f"cannot read the workbook: {exc}"
        ) from exc
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns: dict[int, Column] = {}
    unknown: list[Problem] = []
    for index, cell in enumerate(header):
        column = match_header(cell)
        if column is not None:
            columns[index] = column
        elif cell not in (None, ""):
            unknown.append(
                Problem(
                    path.name,
                    1,
                    "",
                    str(cell),
                    "không nhận ra tiêu đề cột này (xem trang Hướng dẫn)",
                    "unknown column header (see the Hướng dẫn sheet)",
                )
            )
    if unknown:
        raise ImportRefused(unknown)
    if not any(c.key == "reference" for c in columns.values()):
        raise _refuse(path.name, "thiếu cột 'Số hiệu văn bản'", "no 'reference' column")
    labels = {TASK_FIELD.get(c.key, c.key): c.vi for c in COLUMNS}

    groups: dict[str, Located] = {}
    problems: list[Problem] = []
    for row_number, values in enumerate(rows, start=2):
        cells = {
            columns[i].key: v for i, v in enumerate(values) if i in columns and v not in (None, "")
        }
        if not cells:
            continue
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
            record = Located({"tasks": []}, path.name, row=row_number, labels=labels)
            groups[reference] = record
        task: dict[str, Any] = {}
        for key, value in cells.items():
            column = next(c for c in COLUMNS if c.key == key)
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
    book.close()
    if not groups and not problems:
        raise _refuse(path.name, "bảng tính không có nhiệm vụ nào", "the sheet holds no task rows")
    return list(groups.values()), problems
