"""Small explicit builders for test data: files to import, and outbox rows."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from engine.domain.calendar import WorkingCalendar, YearRules
from engine.store.tables import OutboxRow


def unit(code: str, parent: str | None = None, head: bool = True, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"code": code, "name_vi": f"Vụ {code}", "name_en": f"Department {code}"}
    if head:
        data["head"] = {
            "name": f"Trưởng {code}",
            "title": "Vụ trưởng",
            "email": f"{code.lower()}@example.vn",
        }
    if parent:
        data["parent"] = parent
    return data | extra


def units_file(tmp_path: Path, *units: dict[str, Any], name: str = "units.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"units": list(units)}, allow_unicode=True), encoding="utf-8")
    return path


def task(title: str = "Xây dựng Chương trình công tác năm 2026", **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "lead_unit": "TH",
        "deadline": "2025-12-15",
        "deliverable": "Dự thảo Chương trình",
        "authority": "Chủ nhiệm Văn phòng",
    } | extra


def directive(
    reference: str = "45/TB-VPCTN", *tasks: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "reference": reference,
        "title": "Thông báo kết luận của Chủ tịch nước",
        "issuer": "Chủ tịch nước",
        "issued_on": "2025-11-26",
        "tasks": list(tasks) or [task()],
    } | extra


def directives_file(
    tmp_path: Path, *directives: dict[str, Any], name: str = "directives.yaml"
) -> Path:
    path = tmp_path / name
    tree = {"directives": list(directives)}
    if name.endswith(".json"):
        path.write_text(json.dumps(tree, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    return path


def sheet_row(reference: str, **cells: Any) -> dict[str, Any]:
    """A directive's first row in the spreadsheet, keyed by column key: the directive's
    columns and one full task."""
    return {
        "reference": reference,
        "title": "Thông báo kết luận của Chủ tịch nước",
        "issuer": "Chủ tịch nước",
        "issued_on": "26/11/2025",
        "title_task": "Xây dựng Chương trình công tác năm 2026",
        "lead_unit": "TH",
        "deadline": "15/12/2025",
        "deliverable": "Dự thảo Chương trình",
        "authority": "Chủ nhiệm Văn phòng",
    } | cells


def directives_sheet(
    tmp_path: Path, rows: list[dict[str, Any]], name: str = "directives.xlsx"
) -> Path:
    """A workbook in the shipped layout; `rows` are keyed by column key (see engine.intake.excel)."""
    from openpyxl import Workbook

    from engine.intake.excel import COLUMNS, SHEET

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([c.header for c in COLUMNS])
    for row in rows:
        sheet.append([row.get(c.key) for c in COLUMNS])
    path = tmp_path / name
    book.save(path)
    return path


STANDARD_UNITS = (
    unit("VP"),
    unit("TH", parent="VP"),
    unit("PL", parent="VP"),
    unit("DN", parent="VP"),
)


def pending_mail(at: datetime, **fields: Any) -> OutboxRow:
    """An outbox row waiting to go since `at`: an assignment in Vietnamese, no copies, no
    .ics, never tried; `fields` give the rest (key, names, subject, bodies, Message-ID)."""
    values: dict[str, Any] = {
        "kind": "assignment",
        "language": "vi",
        "cc": [],
        "ics": None,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": at,
        "last_error": "",
        "created_at": at,
    }
    return OutboxRow(**(values | fields))


def small_calendar() -> WorkingCalendar:
    """A 2026 working calendar small enough to count by hand: New Year's Day and Tết
    (16-20/02) off, Saturday 10/01 a make-up working day; other years, weekends only."""

    def rules(year: int) -> YearRules:
        if year != 2026:
            return YearRules()
        return YearRules(
            days_off={
                date(2026, 1, 1): "Tết Dương lịch",
                **{date(2026, 2, d): "Tết Nguyên Đán" for d in range(16, 21)},
            },
            working_days={date(2026, 1, 10): "Làm bù"},
        )

    return WorkingCalendar(rules, "Asia/Ho_Chi_Minh")
