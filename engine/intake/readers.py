"""Turn a YAML, JSON, CSV or XLSX file into raw records that remember where they came from.

Before any record is read, the file must be within the size limit and its text UTF-8
(or UTF-16 with its mark); a file that is not is refused naming the first line that
cannot be read. A file with no record at all is refused too: "Imported 0" would hide it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import yaml

from engine.intake import limits
from engine.intake.characters import NotUtf8, code_point, decode, first_raw_control
from engine.intake.located import Located
from engine.intake.problems import ImportRefused, Problem
from engine.intake.sheet import read_directive_sheet

__all__ = ["UNIT_CSV_COLUMNS", "Located", "read_directives", "read_units"]

NO_UNITS = ("tệp không có đơn vị nào", "the file holds no units")
NO_DIRECTIVES = ("tệp không có văn bản chỉ đạo nào", "the file holds no directives")


def _refuse(file: str, vi: str, en: str) -> ImportRefused:
    return ImportRefused([Problem(file, None, "", "", vi, en)])


def _refuse_at_line(file: str, line: int | None, vi: str, en: str) -> ImportRefused:
    return ImportRefused([Problem(file, line, "", "", vi, en, line=True)])


def _checked_size(path: Path) -> None:
    size, limit = path.stat().st_size, limits.MAX_FILE_BYTES
    if size > limit:
        raise _refuse(
            path.name,
            f"tệp nặng {limits.file_size(size, 'vi')}, vượt giới hạn "
            f"{limits.file_size(limit, 'vi')}; hãy chia thành nhiều tệp nhỏ hơn",
            f"the file is {limits.file_size(size, 'en')}, over the limit of "
            f"{limits.file_size(limit, 'en')}; split it into smaller files",
        )


def _text(path: Path) -> str:
    """The text of a YAML, JSON or CSV file within the size limit."""
    _checked_size(path)
    try:
        return decode(path.read_bytes())
    except NotUtf8 as exc:
        excel = " (trong Excel: CSV UTF-8)" if path.suffix.lower() == ".csv" else ""
        excel_en = " (in Excel: CSV UTF-8)" if excel else ""
        raise _refuse_at_line(
            path.name,
            exc.line,
            f"tệp không dùng mã hóa UTF-8 (không đọc được byte 0x{exc.byte:02X}); "
            f"hãy lưu lại tệp với mã hóa UTF-8{excel}",
            f"the file is not UTF-8 (byte 0x{exc.byte:02X} cannot be read); "
            f"save it again with UTF-8 encoding{excel_en}",
        ) from exc


class _YamlLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text: `deadline: 2025-13-01` must reach the schema,
    which names where it is, rather than fail inside the loader with a bare ValueError."""


def _date_as_text(loader: _YamlLoader, node: yaml.Node) -> str:
    assert isinstance(node, yaml.ScalarNode)  # a timestamp is always a scalar
    return str(loader.construct_scalar(node))


_YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


def _load_tree(path: Path) -> Any:
    text = _text(path)
    if not text.strip():
        return None  # an empty file holds no records
    raw = first_raw_control(text)
    if raw is not None:  # YAML and JSON refuse it too, but without saying where or which
        line, column, char = raw
        raise _refuse_at_line(
            path.name,
            line,
            f"có ký tự điều khiển {code_point(char)} (ở ký tự thứ {column} của dòng); "
            "hãy xóa ký tự này",
            f"holds the control character {code_point(char)} (character {column} of the line); "
            "delete it",
        )
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_YamlLoader)  # a SafeLoader: plain data only
    except json.JSONDecodeError as exc:
        raise _refuse_at_line(
            path.name, exc.lineno, f"JSON sai cú pháp: {exc.msg}", f"bad JSON: {exc.msg}"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at: int | None = mark.line + 1 if mark is not None else None
        if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
            at = text.count("\n", 0, exc.position) + 1
        reason = getattr(exc, "problem", None) or str(exc)
        raise _refuse_at_line(
            path.name, at, f"YAML sai cú pháp: {reason}", f"bad YAML: {reason}"
        ) from exc
    except RecursionError as exc:
        raise _refuse(
            path.name,
            "các mục lồng nhau quá sâu; tệp không đúng cấu trúc",
            "items are nested too deep; the file is not laid out as expected",
        ) from exc


def _records(
    tree: Any, file: str, key: str, single_marker: str, empty: tuple[str, str]
) -> list[Located]:
    """Records under `key:` (a list), a bare list, or one record at the top level."""
    if tree is None or tree == []:
        raise _refuse(file, *empty)
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
    if items is None or items == []:
        raise _refuse(file, *empty)
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
#: a unit's field -> its CSV column, one mapping shared by every row (a file may have 100,000)
_UNIT_CSV_LABELS = {f"head.{k}": f"head_{k}" for k in ("name", "title", "email")}


def read_units(path: Path) -> list[Located]:
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml", ".json"}:
        records = _records(_load_tree(path), path.name, "units", "code", NO_UNITS)
    elif suffix == ".csv":
        records = _read_unit_csv(path)
    else:
        raise _refuse(
            path.name, "chỉ nhận tệp .yaml, .json hoặc .csv", "only .yaml, .json or .csv files"
        )
    if len(records) > limits.MAX_ROWS:
        raise _refuse(path.name, *limits.over_rows("đơn vị", "units"))
    return records


def _delimiter(text: str) -> str:
    """',' as written by most programs; ';' by Excel where the list separator is ';'
    (Vietnamese regional settings); a tab by Excel's "Unicode Text" (UTF-16)."""
    header = text.partition("\n")[0]
    return max(",;\t", key=lambda d: sum(c.strip() in UNIT_CSV_COLUMNS for c in header.split(d)))


def _read_unit_csv(path: Path) -> list[Located]:
    text = _text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    out: list[Located] = []
    try:
        unknown = [c for c in reader.fieldnames or [] if c not in UNIT_CSV_COLUMNS]
        if unknown:
            raise _refuse(
                path.name,
                f"cột không được hỗ trợ: {', '.join(unknown)}",
                f"unknown columns: {', '.join(unknown)}",
            )
        for row_number, row in enumerate(reader, start=2):
            record = _unit_row(path.name, row_number, row)
            if record is not None:
                out.append(record)
            if len(out) > limits.MAX_ROWS:
                raise _refuse(path.name, *limits.over_rows("dòng đơn vị", "unit rows"))
    except csv.Error as exc:
        raise _refuse_at_line(
            path.name, reader.line_num, f"CSV sai cú pháp: {exc}", f"bad CSV: {exc}"
        ) from exc
    if not out:
        raise _refuse(path.name, *NO_UNITS)
    return out


def _unit_row(file: str, row_number: int, row: dict[str | Any, Any]) -> Located | None:
    """One unit from a CSV row; None for a row with every cell blank (Excel writes them)."""
    extra = row.pop(None, None)  # cells beyond the header
    if extra and any(str(v).strip() for v in extra):
        raise ImportRefused(
            [
                Problem(
                    file,
                    row_number,
                    "",
                    "",
                    "dòng có nhiều ô hơn dòng tiêu đề (thừa dấu phân cách?)",
                    "the row has more cells than the header (a stray separator?)",
                )
            ]
        )
    data: dict[str, Any] = {k: v for k, v in row.items() if v not in (None, "")}
    if not any(str(v).strip() for v in data.values()):
        return None
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
    return Located(data, file, row=row_number, labels=_UNIT_CSV_LABELS)


def _person(text: str) -> dict[str, str]:
    """'Nguyễn Văn A <a@example.vn>' -> {'name': ..., 'email': ...}."""
    name, _, rest = text.partition("<")
    return {"name": name.strip(), "email": rest.rstrip("> ").strip()}


# -- directives ------------------------------------------------------------------


def read_directives(path: Path) -> tuple[list[Located], list[Problem]]:
    """The directive records, and problems the reader found (a sheet's conflicting rows)."""
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml", ".json"}:
        tree = _load_tree(path)
        records = _records(tree, path.name, "directives", "reference", NO_DIRECTIVES)
        tasks = sum(len(t) for r in records if isinstance(t := r.data.get("tasks"), list))
        if tasks > limits.MAX_ROWS:
            raise _refuse(path.name, *limits.over_rows("nhiệm vụ", "tasks"))
        return records, []
    if suffix == ".xlsx":
        _checked_size(path)
        return read_directive_sheet(path)
    raise _refuse(
        path.name, "chỉ nhận tệp .yaml, .json hoặc .xlsx", "only .yaml, .json or .xlsx files"
    )
