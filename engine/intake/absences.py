"""The `absences:` list of a units file: who is away when, and who acts for them.

    absences:
      - person: thanhpv@example.vn          # the address mail is meant for
        from: 2026-03-02                    # or 02/03/2026; both days included
        to: 2026-03-13
        acting: {name: "Lê Thị Mai Anh", title: "Phó Vụ trưởng", email: "anhltm@example.vn"}
        note: "Đi công tác nước ngoài"

A workbook (the directive template) carries them in its «Vắng mặt» sheet, one row each
(columns person, from, to, acting_name, acting_title, acting_email, note). A bad entry
refuses the file whole, naming the entry.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from engine.domain.absence import Absence
from engine.domain.errors import DomainError
from engine.domain.model import Person
from engine.intake.excel import ABSENCE_SHEET
from engine.intake.readers import _load_tree, _refuse


def read_absences(path: Path) -> list[Absence]:
    """The absences of a units file (`absences:`), or of a workbook's «Vắng mặt» sheet."""
    if path.suffix.lower() == ".xlsx":
        return [_absence(path.name, i, item) for i, item in enumerate(_sheet_rows(path))]
    if path.suffix.lower() not in {".yaml", ".yml", ".json"}:
        return []
    tree = _load_tree(path)
    items = tree.get("absences") if isinstance(tree, dict) else None
    if not items:
        return []
    if not isinstance(items, list):
        raise _refuse(path.name, "'absences' phải là một danh sách", "'absences' must be a list")
    return [_absence(path.name, i, item) for i, item in enumerate(items)]


def _sheet_rows(path: Path) -> list[dict[str, Any]]:
    """The «Vắng mặt» sheet's rows as records like the units file's (none: no sheet)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # not a workbook: the directive reader refuses it with its own words
        return []
    try:
        if ABSENCE_SHEET not in book.sheetnames:
            return []
        rows = list(book[ABSENCE_SHEET].iter_rows(values_only=True))
    finally:
        book.close()
    if not rows:
        return []
    keys = [str(cell or "").rpartition("(")[2].rstrip(")").strip() for cell in rows[0]]
    out = []
    for row in rows[1:]:
        cells = {k: v for k, v in zip(keys, row, strict=False) if k and v not in (None, "")}
        if not cells:
            continue
        acting = {k: cells.pop(f"acting_{k}", "") for k in ("name", "title", "email")}
        out.append(cells | {"acting": acting})
    return out


def parse_day(value: Any) -> date:
    """'2026-03-02' or '02/03/2026' (a YAML date comes as text: see the readers)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, form).date()  # noqa: DTZ007 (a day, not an instant)
        except ValueError:
            continue
    raise ValueError(f"ngày không hợp lệ {text!r} (dd/mm/yyyy) / bad date {text!r}")


def _absence(file: str, index: int, item: Any) -> Absence:
    where = f"absences[{index}]"
    try:
        if not isinstance(item, dict):
            raise ValueError("cần một bản ghi / expected a record")
        acting = item.get("acting") or {}
        if not isinstance(acting, dict) or not acting.get("name") or not acting.get("email"):
            raise ValueError("cần người được ủy quyền (acting: name, email) / needs acting")
        person = str(item.get("person") or "").strip()
        if "@" not in person or "@" not in str(acting["email"]):
            raise ValueError("cần địa chỉ thư (person, acting.email) / needs addresses")
        return Absence(
            person_email=person.lower(),
            starts_on=parse_day(item.get("from")),
            ends_on=parse_day(item.get("to")),
            acting=Person(str(acting["name"]), str(acting["email"]), str(acting.get("title", ""))),
            note=str(item.get("note") or ""),
        )
    except (ValueError, DomainError) as exc:
        raise _refuse(file, f"{where}: {exc}", f"{where}: {exc}") from None
