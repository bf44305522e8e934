"""The shipped spreadsheet template: its layout, its guide, and its example row."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from engine.intake.excel import COLUMNS, GUIDE_SHEET, SHEET, write_template
from engine.services import imports
from engine.services.deps import Deps
from engine.store.tables import TaskCoordinatorRow, TaskRow
from tests.builders import unit, units_file

TEMPLATE = Path(__file__).resolve().parent.parent / "templates/intake/directive_template.xlsx"
T0 = datetime(2025, 11, 26, 2, 0, tzinfo=UTC)


def cells(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    book = load_workbook(path, read_only=True)
    try:
        return list(book[sheet].iter_rows(values_only=True))
    finally:
        book.close()


#: the sheet's columns as an office fills them in: Vietnamese name, and the key in brackets
HEADERS = [
    ("Số hiệu văn bản", "reference"),
    ("Trích yếu", "title"),
    ("Người/cơ quan chỉ đạo", "issuer"),
    ("Ngày ban hành", "issued_on"),
    ("Cuộc họp", "meeting"),
    ("Mức ưu tiên", "priority"),
    ("STT", "number"),
    ("Nhiệm vụ", "title_task"),
    ("Nội dung chi tiết", "description"),
    ("Đơn vị chủ trì", "lead_unit"),
    ("Người phụ trách", "owner"),
    ("Đơn vị phối hợp", "coordinating_units"),
    ("Thời hạn", "deadline"),
    ("Số ngày làm việc", "deadline_working_days"),
    ("Định kỳ", "recurrence"),
    ("Sản phẩm", "deliverable"),
    ("Cấp có thẩm quyền", "authority"),
    ("Trích dẫn nguồn", "source_quote"),
]


@pytest.mark.parametrize("path", ["shipped", "regenerated"])
def test_the_template_header_is_one_cell_per_column_in_order(tmp_path: Path, path: str) -> None:
    template = TEMPLATE
    if path == "regenerated":
        template = tmp_path / "directive_template.xlsx"
        write_template(template)

    assert list(cells(template, SHEET)[0]) == [f"{vi} ({key})" for vi, key in HEADERS]
    assert [c.header for c in COLUMNS] == [f"{vi} ({key})" for vi, key in HEADERS]


def test_the_template_has_a_guide_sheet_describing_every_column() -> None:
    guide = cells(TEMPLATE, GUIDE_SHEET)

    assert guide[0] == ("Cột", "Khóa (tiếng Anh)", "Cách ghi")
    assert [row[:2] for row in guide[1:19]] == HEADERS
    assert guide[19] == (None, None, None)  # a blank row, then the two lines of advice


def test_the_template_header_row_stays_in_view_when_scrolling() -> None:
    book = load_workbook(TEMPLATE)

    assert book[SHEET].freeze_panes == "A2"


def test_the_example_row_of_the_template_imports_as_an_assigned_task(
    app: Deps, tmp_path: Path
) -> None:
    units = units_file(tmp_path, unit("VPCTN-TH"), unit("VPCTN-PL"), unit("VPCTN-DN"))
    with app.session() as session:
        imports.import_units(session, units, T0)
        result = imports.import_directives(session, TEMPLATE, app.calendar, T0, "coordinator")
        task = session.exec(select(TaskRow)).one()
        coordinators = session.exec(select(TaskCoordinatorRow.unit_code)).all()

    assert (result.references, result.task_count, result.drafts) == (["45/TB-VPCTN"], 1, [])
    assert (task.title, task.lead_unit, task.deadline, task.status) == (
        "Xây dựng Chương trình công tác năm 2026",
        "VPCTN-TH",
        date(2025, 12, 15),
        "assigned",
    )
    assert sorted(coordinators) == ["VPCTN-DN", "VPCTN-PL"]


def test_regenerating_the_template_gives_the_shipped_header_guide_and_example(
    tmp_path: Path,
) -> None:
    fresh = tmp_path / "directive_template.xlsx"

    write_template(fresh)

    for sheet in (SHEET, GUIDE_SHEET, "Vắng mặt"):
        assert cells(fresh, sheet) == cells(TEMPLATE, sheet), (
            f"sheet {sheet!r} has drifted: run write_template({str(TEMPLATE)!r})"
        )


def test_the_template_has_an_absences_sheet_and_its_rows_are_recorded(
    dondoc: Any, tmp_path: Path
) -> None:
    """Who is away and who acts for them, in the «Vắng mặt» sheet (issue 16)."""
    from engine.intake.excel import ABSENCE_COLUMNS, ABSENCE_SHEET

    book = load_workbook(TEMPLATE)
    assert [c.value for c in book[ABSENCE_SHEET][1]] == [
        f"{vi} ({key})" for key, vi in ABSENCE_COLUMNS
    ]
    filled = tmp_path / "with_absence.xlsx"
    book[ABSENCE_SHEET].append(
        ["th@example.vn", "04/12/2025", "10/12/2025", "Phó TH", "Phó Vụ trưởng",
         "pho.th@example.vn", "Đi công tác"]
    )  # fmt: skip
    book.save(filled)
    dondoc("init")
    units = (unit("VPCTN-TH"), unit("VPCTN-PL"), unit("VPCTN-DN"))  # the example row's
    dondoc("units", "import", str(units_file(tmp_path, *units)))
    out = dondoc("directive", "import", str(filled))
    assert "Đã ghi 1 kỳ vắng mặt" in out
    listed = dondoc("units", "absences", "--on", "04/12/2025")
    assert "pho.th@example.vn" in listed
    assert "Đi công tác" in listed
