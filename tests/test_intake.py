"""Importing directives and units: a bad file is refused whole, every problem located.

Every case runs on SQLite and on PostgreSQL. One directive is stored before each bad
file, and each bad file starts with a good directive ahead of the bad one, so "nothing
was written" means the row counts did not move, not merely that they are zero.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlmodel import col, func, select

from engine.domain.model import Clear
from engine.intake.excel import COLUMNS, SHEET
from engine.intake.problems import ImportRefused
from engine.intake.readers import UNIT_CSV_COLUMNS
from engine.services import imports
from engine.services.deps import Deps
from engine.store.tables import (
    DirectiveRow,
    TaskCoordinatorRow,
    TaskEventRow,
    TaskRow,
    UnitRow,
)
from tests.builders import (
    STANDARD_UNITS,
    directive,
    directives_file,
    directives_sheet,
    sheet_row,
    task,
    unit,
    units_file,
)

T0 = datetime(2025, 11, 26, 2, 0, tzinfo=UTC)
STORED = "1/TB-VPCTN"  # imported before each bad file
GOOD = "2/TB-VPCTN"  # the good directive at the top of each bad file
BAD = "3/TB-VPCTN"  # the bad directive after it

# -- builders and helpers ----------------------------------------------------------------


def without(record: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in keys}


def task_row(reference: str, **cells: Any) -> dict[str, Any]:
    """A later row of the same directive: its reference and the task columns only."""
    return without(sheet_row(reference), "title", "issuer", "issued_on") | cells


def units_csv(tmp_path: Path, *rows: dict[str, str], name: str = "units.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=UNIT_CSV_COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def csv_unit(code: str, parent: str = "", **cells: str) -> dict[str, str]:
    return {
        "code": code,
        "name_vi": f"Vụ {code}",
        "head_name": f"Trưởng {code}",
        "head_title": "Vụ trưởng",
        "head_email": f"{code.lower()}@example.vn",
        "parent": parent,
    } | cells


def counts(app: Deps) -> dict[str, int]:
    with app.session() as session:
        return {
            str(table.__tablename__): session.exec(select(func.count()).select_from(table)).one()
            for table in (DirectiveRow, TaskRow, TaskEventRow, TaskCoordinatorRow)
        }


def unit_rows(app: Deps) -> list[tuple[Any, ...]]:
    with app.session() as session:
        rows = session.exec(select(UnitRow).order_by(col(UnitRow.code))).all()
        return [(r.code, r.name_vi, r.parent_code, r.head_email, r.deputies) for r in rows]


def import_directives(app: Deps, path: Path, *, strict: bool = False) -> imports.DirectiveImport:
    with app.session() as session:
        return imports.import_directives(
            session, path, app.calendar, T0, "coordinator", strict=strict
        )


def refused_whole(app: Deps, path: Path, *, strict: bool = False) -> ImportRefused:
    """Import `path`, expect it refused, and check that no row was written."""
    before = counts(app)
    with pytest.raises(ImportRefused) as refusal:
        import_directives(app, path, strict=strict)
    assert counts(app) == before
    return refusal.value


def units_refused_whole(app: Deps, path: Path) -> ImportRefused:
    before = unit_rows(app)
    with app.session() as session, pytest.raises(ImportRefused) as refusal:
        imports.import_units(session, path, T0)
    assert unit_rows(app) == before
    return refusal.value


def line_naming(message: str, *parts: str) -> str:
    """The one line of `message` that names every part."""
    lines = [line for line in message.splitlines() if all(part in line for part in parts)]
    assert len(lines) == 1, f"expected one line naming {parts} in:\n{message}"
    return lines[0]


def assert_names(
    refusal: ImportRefused,
    file: str,
    where: tuple[str, str],
    field: str,
    reason: tuple[str, str],
) -> None:
    """Both renderings name the file, the place, the field and the reason on one line."""
    for lang, place, why in (("vi", where[0], reason[0]), ("en", where[1], reason[1])):
        line_naming(refusal.render(lang), file, place, f"'{field}'", why)


@pytest.fixture
def stored(app: Deps, tmp_path: Path) -> Deps:
    """The standard units and one directive with a coordinating unit, already imported."""
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), T0)
    path = directives_file(
        tmp_path, directive(STORED, task(coordinating_units=["PL"])), name="stored.yaml"
    )
    import_directives(app, path)
    assert counts(app) == {"directive": 1, "task": 1, "task_event": 1, "task_coordinator": 1}
    return app


# -- directives in YAML and JSON -------------------------------------------------------------

TASK_0 = "directives[1].tasks[0]"

FILE_CASES = [
    pytest.param(
        directive(BAD, task(lead_unit="XX")),
        TASK_0,
        "lead_unit",
        ("mã đơn vị XX không có trong danh mục", "unknown unit code XX"),
        id="unknown-lead-unit",
    ),
    pytest.param(
        directive(BAD, task(coordinating_units=["PL", "YY"])),
        TASK_0,
        "coordinating_units",
        ("mã đơn vị YY không có trong danh mục", "unknown unit code YY"),
        id="unknown-coordinating-unit",
    ),
    pytest.param(
        directive(BAD, task(deadline="2025-11-20")),
        TASK_0,
        "deadline",
        (
            "thời hạn 20/11/2025 sớm hơn ngày ban hành 26/11/2025",
            "deadline 2025-11-20 is before the issue date 2025-11-26",
        ),
        id="deadline-before-issue-date",
    ),
    pytest.param(
        directive(GOOD),
        "directives[1]",
        "reference",
        (
            f"số hiệu {GOOD} xuất hiện hai lần trong tệp",
            f"reference {GOOD} appears twice in the file",
        ),
        id="reference-twice-in-the-file",
    ),
    pytest.param(
        directive(STORED),
        "directives[1]",
        "reference",
        (f"số hiệu {STORED} đã có trong hệ thống", f"reference {STORED} is already stored"),
        id="reference-already-stored",
    ),
    pytest.param(
        directive(BAD, task(deadline="2025-13-01")),
        TASK_0,
        "deadline",
        ("ngày không hợp lệ: '2025-13-01'", "bad date: '2025-13-01'"),
        id="bad-date-month-13",
    ),
    pytest.param(
        directive(BAD, task(deadline="31/02/2026")),
        TASK_0,
        "deadline",
        ("ngày không hợp lệ: '31/02/2026'", "bad date: '31/02/2026'"),
        id="bad-date-31-february",
    ),
    pytest.param(
        directive(BAD, issued_on="hôm qua"),
        "directives[1]",
        "issued_on",
        ("ngày không hợp lệ: 'hôm qua'", "bad date: 'hôm qua'"),
        id="bad-date-a-word",
    ),
    pytest.param(
        without(directive(BAD), "issued_on"),
        "directives[1]",
        "issued_on",
        ("bắt buộc nhưng chưa điền", "required but missing"),
        id="no-issue-date",
    ),
    pytest.param(
        directive(BAD, without(task(), "deadline") | {"dealine": "2025-12-15"}),
        TASK_0,
        "dealine",
        ("không có trường này (viết sai tên?)", "unknown field (misspelt?)"),
        id="misspelt-field",
    ),
]
JSON_CASES = [c for c in FILE_CASES if c.id.startswith(("bad-date", "reference"))]


@pytest.mark.parametrize(("bad", "where", "field", "reason"), FILE_CASES)
def test_a_bad_yaml_file_is_refused_whole_naming_file_place_field_and_reason(
    stored: Deps,
    tmp_path: Path,
    bad: dict[str, Any],
    where: str,
    field: str,
    reason: tuple[str, str],
) -> None:
    path = directives_file(tmp_path, directive(GOOD), bad)

    refusal = refused_whole(stored, path)

    assert len(refusal.problems) == 1
    assert_names(refusal, "directives.yaml", (where, where), field, reason)


@pytest.mark.parametrize(("bad", "where", "field", "reason"), JSON_CASES)
def test_a_bad_json_file_is_refused_whole_naming_file_place_field_and_reason(
    stored: Deps,
    tmp_path: Path,
    bad: dict[str, Any],
    where: str,
    field: str,
    reason: tuple[str, str],
) -> None:
    path = directives_file(tmp_path, directive(GOOD), bad, name="directives.json")

    refusal = refused_whole(stored, path)

    assert len(refusal.problems) == 1
    assert_names(refusal, "directives.json", (where, where), field, reason)


def test_a_date_typed_without_quotes_in_yaml_is_a_bad_date_not_a_crash(
    stored: Deps, tmp_path: Path
) -> None:
    path = tmp_path / "directives.yaml"
    path.write_text(
        f"directives:\n"
        f"  - reference: {BAD}\n"
        f"    title: Thông báo kết luận\n"
        f"    issuer: Chủ tịch nước\n"
        f"    issued_on: 2025-11-26\n"
        f"    tasks:\n"
        f"      - title: Xây dựng Chương trình công tác năm 2026\n"
        f"        lead_unit: TH\n"
        f"        deadline: 2025-13-01\n"
        f"        deliverable: Dự thảo Chương trình\n"
        f"        authority: Chủ nhiệm Văn phòng\n",
        encoding="utf-8",
    )

    refusal = refused_whole(stored, path)

    assert_names(
        refusal,
        "directives.yaml",
        ("directives[0].tasks[0]", "directives[0].tasks[0]"),
        "deadline",
        ("ngày không hợp lệ: '2025-13-01'", "bad date: '2025-13-01'"),
    )


def test_dates_typed_without_quotes_in_yaml_are_read_as_dates(stored: Deps, tmp_path: Path) -> None:
    path = tmp_path / "directives.yaml"
    path.write_text(
        f"directives:\n"
        f"  - reference: {BAD}\n"
        f"    title: Thông báo kết luận\n"
        f"    issuer: Chủ tịch nước\n"
        f"    issued_on: 2025-11-26\n"
        f"    tasks:\n"
        f"      - title: Xây dựng Chương trình công tác năm 2026\n"
        f"        lead_unit: TH\n"
        f"        deadline: 2025-12-15\n"
        f"        deliverable: Dự thảo Chương trình\n"
        f"        authority: Chủ nhiệm Văn phòng\n",
        encoding="utf-8",
    )

    import_directives(stored, path)

    with stored.session() as session:
        row = session.exec(select(DirectiveRow).where(DirectiveRow.reference == BAD)).one()
        deadline = session.exec(
            select(TaskRow.deadline).where(TaskRow.directive_id == row.id)
        ).one()
    assert (row.issued_on, deadline) == (date(2025, 11, 26), date(2025, 12, 15))


def test_malformed_yaml_is_refused_naming_the_line(stored: Deps, tmp_path: Path) -> None:
    path = tmp_path / "directives.yaml"
    path.write_text(
        "directives:\n"
        f"  - reference: {BAD}\n"
        "    title: Thông báo kết luận\n"
        "    issuer: Chủ tịch nước: Văn phòng\n"  # a second ':' on line 4
        "    issued_on: 2025-11-26\n",
        encoding="utf-8",
    )

    refusal = refused_whole(stored, path)

    line_naming(refusal.render("vi"), "directives.yaml", "dòng 4", "YAML sai cú pháp")
    line_naming(refusal.render("en"), "directives.yaml", "line 4", "bad YAML")


@pytest.mark.parametrize("name", ["directives.txt", "directives.xls", "directives.csv"])
def test_a_file_of_the_wrong_kind_is_refused_naming_the_kinds_accepted(
    stored: Deps, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text("reference,title\n", encoding="utf-8")

    refusal = refused_whole(stored, path)

    line_naming(refusal.render("vi"), name, "chỉ nhận tệp .yaml, .json hoặc .xlsx")
    line_naming(refusal.render("en"), name, "only .yaml, .json or .xlsx files")


def test_a_file_with_several_problems_lists_every_one_of_them(stored: Deps, tmp_path: Path) -> None:
    path = directives_file(
        tmp_path,
        directive(GOOD),
        directive(
            BAD,
            task(lead_unit="XX"),
            task(deadline="2025-11-20"),
            task(deadline="31/02/2026"),
            task(dealine="2025-12-15"),
        ),
        directive(GOOD),
        directive(STORED, task(deadline="ngày mai")),
    )

    refusal = refused_whole(stored, path)

    expected = [
        ("directives[1].tasks[0]", "'lead_unit'", "XX"),
        ("directives[1].tasks[1]", "'deadline'", "26/11/2025"),
        ("directives[1].tasks[2]", "'deadline'", "31/02/2026"),
        ("directives[1].tasks[3]", "'dealine'", "viết sai tên"),
        ("directives[2]", "'reference'", "hai lần"),
        ("directives[3]", "'reference'", "đã có"),
        ("directives[3].tasks[0]", "'deadline'", "ngày mai"),
    ]
    assert len(refusal.problems) == len(expected)
    message = refusal.render("vi")
    assert message.startswith(f"Có {len(expected)} lỗi; chưa nhập dữ liệu nào")
    for where, field, reason in expected:
        line_naming(message, "directives.yaml", where + ",", field, reason)
    assert refusal.render("en").startswith(f"{len(expected)} problem(s); nothing was imported")


# -- directives in a spreadsheet ----------------------------------------------------------------

SHEET_CASES = [
    pytest.param(
        [sheet_row(BAD, lead_unit="XX")],
        3,
        "Đơn vị chủ trì",
        ("mã đơn vị XX không có trong danh mục", "unknown unit code XX"),
        id="unknown-lead-unit",
    ),
    pytest.param(
        [sheet_row(BAD, coordinating_units="PL; YY")],
        3,
        "Đơn vị phối hợp",
        ("mã đơn vị YY không có trong danh mục", "unknown unit code YY"),
        id="unknown-coordinating-unit",
    ),
    pytest.param(
        [sheet_row(BAD), task_row(BAD, deadline="20/11/2025")],
        4,
        "Thời hạn",
        (
            "thời hạn 20/11/2025 sớm hơn ngày ban hành 26/11/2025",
            "deadline 2025-11-20 is before the issue date 2025-11-26",
        ),
        id="deadline-before-issue-date",
    ),
    pytest.param(
        [sheet_row(STORED)],
        3,
        "Số hiệu văn bản",
        (f"số hiệu {STORED} đã có trong hệ thống", f"reference {STORED} is already stored"),
        id="reference-already-stored",
    ),
    pytest.param(
        [sheet_row(BAD, deadline="2025-13-01")],
        3,
        "Thời hạn",
        ("ngày không hợp lệ: '2025-13-01'", "bad date: '2025-13-01'"),
        id="bad-date-month-13",
    ),
    pytest.param(
        [sheet_row(BAD, deadline="31/02/2026")],
        3,
        "Thời hạn",
        ("ngày không hợp lệ: '31/02/2026'", "bad date: '31/02/2026'"),
        id="bad-date-31-february",
    ),
    pytest.param(
        [sheet_row(BAD, issued_on="hôm qua")],
        3,
        "Ngày ban hành",
        ("ngày không hợp lệ: 'hôm qua'", "bad date: 'hôm qua'"),
        id="bad-date-a-word",
    ),
    pytest.param(
        [sheet_row(BAD, issued_on=None)],
        3,
        "Ngày ban hành",
        ("bắt buộc nhưng chưa điền", "required but missing"),
        id="no-issue-date",
    ),
    pytest.param(
        [sheet_row(BAD), task_row(BAD, issued_on="27/11/2025")],
        4,
        "Ngày ban hành",
        (
            "khác với dòng 3 của cùng văn bản ('26/11/2025' ≠ '27/11/2025')",
            "differs from row 3 of the same directive ('26/11/2025' ≠ '27/11/2025')",
        ),
        id="second-row-with-another-issue-date",
    ),
    pytest.param(
        [sheet_row(BAD, issued_on=date(2025, 11, 26)), task_row(BAD, issued_on="27/11/2025")],
        4,
        "Ngày ban hành",
        (
            "khác với dòng 3 của cùng văn bản ('26/11/2025' ≠ '27/11/2025')",
            "differs from row 3 of the same directive ('26/11/2025' ≠ '27/11/2025')",
        ),
        id="second-row-with-another-issue-date-after-a-real-date",
    ),
]


@pytest.mark.parametrize(("bad_rows", "row", "column", "reason"), SHEET_CASES)
def test_a_bad_spreadsheet_is_refused_whole_naming_file_row_column_and_reason(
    stored: Deps,
    tmp_path: Path,
    bad_rows: list[dict[str, Any]],
    row: int,
    column: str,
    reason: tuple[str, str],
) -> None:
    path = directives_sheet(tmp_path, [sheet_row(GOOD), *bad_rows])

    refusal = refused_whole(stored, path)

    assert len(refusal.problems) == 1
    assert_names(refusal, "directives.xlsx", (f"dòng {row}", f"row {row}"), column, reason)


def test_a_later_row_may_repeat_the_issue_date_as_text_or_as_a_date(
    stored: Deps, tmp_path: Path
) -> None:
    path = directives_sheet(
        tmp_path,
        [
            sheet_row(BAD, issued_on=date(2025, 11, 26)),
            task_row(BAD, issued_on="26/11/2025", title_task="Tổng kết công tác năm"),
        ],
    )

    result = import_directives(stored, path)

    assert (result.references, result.task_count) == ([BAD], 2)


def test_a_spreadsheet_with_several_problems_lists_every_one_of_them(
    stored: Deps, tmp_path: Path
) -> None:
    path = directives_sheet(
        tmp_path,
        [
            sheet_row(GOOD),
            sheet_row(BAD, lead_unit="XX"),
            task_row(BAD, deadline="20/11/2025"),
            task_row(BAD, deadline="31/02/2026"),
            task_row(BAD, coordinating_units="PL; YY"),
            sheet_row(STORED),
        ],
    )

    refusal = refused_whole(stored, path)

    expected = [
        ("dòng 3,", "'Đơn vị chủ trì'", "XX"),
        ("dòng 4,", "'Thời hạn'", "sớm hơn ngày ban hành"),
        ("dòng 5,", "'Thời hạn'", "31/02/2026"),
        ("dòng 6,", "'Đơn vị phối hợp'", "YY"),
        ("dòng 7,", "'Số hiệu văn bản'", "đã có"),
    ]
    assert len(refusal.problems) == len(expected)
    for where, column, reason in expected:
        line_naming(refusal.render("vi"), "directives.xlsx", where, column, reason)


def test_an_unknown_column_header_is_refused_naming_it(stored: Deps, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([*(c.header for c in COLUMNS), "Hạn chót", "Ghi chú"])
    sheet.append([sheet_row(GOOD).get(c.key) for c in COLUMNS])
    path = tmp_path / "directives.xlsx"
    book.save(path)

    refusal = refused_whole(stored, path)

    assert len(refusal.problems) == 2
    for header in ("Hạn chót", "Ghi chú"):
        line_naming(refusal.render("vi"), "directives.xlsx", "dòng 1", f"'{header}'")
        line_naming(refusal.render("en"), "directives.xlsx", "row 1", f"'{header}'")


def test_a_valid_spreadsheet_imports_each_directive_with_its_tasks(
    stored: Deps, tmp_path: Path
) -> None:
    path = directives_sheet(
        tmp_path,
        [
            sheet_row(
                GOOD,
                issued_on=date(2025, 11, 26),
                coordinating_units="PL; DN",
                deadline=date(2025, 12, 31),
            ),
            task_row(GOOD, title_task="Tổng kết công tác năm 2025", lead_unit="PL"),
            sheet_row(BAD, issued_on="01/12/2025", title_task="Báo cáo tháng", deadline=None)
            | {"recurrence": "monthly"},
            task_row(BAD, title_task="Rà soát văn bản", lead_unit="DN", deadline="2026-01-15"),
        ],
    )

    result = import_directives(stored, path)

    assert (result.references, result.task_count, result.drafts) == ([GOOD, BAD], 4, [])
    with stored.session() as session:
        directives = session.exec(
            select(DirectiveRow.reference, DirectiveRow.issued_on)
            .where(col(DirectiveRow.reference).in_([GOOD, BAD]))
            .order_by(col(DirectiveRow.id))
        ).all()
        tasks = session.exec(
            select(DirectiveRow.reference, TaskRow)
            .join(DirectiveRow, col(DirectiveRow.id) == col(TaskRow.directive_id))
            .where(col(DirectiveRow.reference).in_([GOOD, BAD]))
            .order_by(col(TaskRow.id))
        ).all()
        coordinators = session.exec(
            select(TaskCoordinatorRow.unit_code).where(TaskCoordinatorRow.task_id == tasks[0][1].id)
        ).all()
    assert [tuple(d) for d in directives] == [(GOOD, date(2025, 11, 26)), (BAD, date(2025, 12, 1))]
    assert [(ref, t.title, t.lead_unit, t.deadline, t.status) for ref, t in tasks] == [
        (GOOD, "Xây dựng Chương trình công tác năm 2026", "TH", date(2025, 12, 31), "assigned"),
        (GOOD, "Tổng kết công tác năm 2025", "PL", date(2025, 12, 15), "assigned"),
        # a monthly report given without a deadline is due on its first period's last working day
        (BAD, "Báo cáo tháng", "TH", date(2025, 12, 31), "assigned"),
        (BAD, "Rà soát văn bản", "DN", date(2026, 1, 15), "assigned"),
    ]
    assert sorted(coordinators) == ["DN", "PL"]


# -- the six clears ------------------------------------------------------------------------------


def lacking_deliverable_and_authority(tmp_path: Path, form: str) -> tuple[Path, str, str]:
    """A file whose bad directive's task has no deliverable and no authority, and where."""
    if form == "yaml":
        bad = directive(BAD, without(task(), "deliverable", "authority"))
        return directives_file(tmp_path, directive(GOOD), bad), TASK_0, TASK_0
    rows = [sheet_row(GOOD), sheet_row(BAD, deliverable=None, authority=None)]
    return directives_sheet(tmp_path, rows), "dòng 3", "row 3"


@pytest.mark.parametrize("form", ["yaml", "xlsx"])
def test_in_strict_mode_a_task_lacking_clears_refuses_the_file_naming_each_clear(
    stored: Deps, tmp_path: Path, form: str
) -> None:
    path, where_vi, where_en = lacking_deliverable_and_authority(tmp_path, form)

    refusal = refused_whole(stored, path, strict=True)

    assert len(refusal.problems) == 1
    vi = line_naming(refusal.render("vi"), path.name, where_vi, "thiếu")
    en = line_naming(refusal.render("en"), path.name, where_en, "missing")
    for clear in (Clear.DELIVERABLE, Clear.AUTHORITY):
        assert clear.label_vi in vi
        assert clear.label_en in en
    assert Clear.WHEN.label_vi not in vi


@pytest.mark.parametrize("form", ["yaml", "xlsx"])
def test_by_default_a_task_lacking_clears_is_stored_as_a_draft_saying_what_is_missing(
    stored: Deps, tmp_path: Path, form: str
) -> None:
    path, where_vi, where_en = lacking_deliverable_and_authority(tmp_path, form)
    before = counts(stored)

    result = import_directives(stored, path)

    assert result.references == [GOOD, BAD]
    assert counts(stored) == before | {
        "directive": before["directive"] + 2,
        "task": before["task"] + 2,
        "task_event": before["task_event"] + 2,
    }
    [draft] = result.drafts
    assert (draft.reference, draft.task_index) == (BAD, 0)
    assert draft.missing == (Clear.DELIVERABLE, Clear.AUTHORITY)
    vi, en = draft.where.render("vi"), draft.where.render("en")
    for clear in draft.missing:
        line_naming(vi, path.name, where_vi, clear.label_vi)
        line_naming(en, path.name, where_en, clear.label_en)
    with stored.session() as session:
        rows = session.exec(
            select(DirectiveRow.reference, TaskRow.status, TaskRow.missing)
            .join(DirectiveRow, col(DirectiveRow.id) == col(TaskRow.directive_id))
            .where(col(DirectiveRow.reference).in_([GOOD, BAD]))
            .order_by(col(TaskRow.id))
        ).all()
    assert [tuple(r) for r in rows] == [
        (GOOD, "assigned", []),
        (BAD, "draft", ["deliverable", "authority"]),
    ]


@pytest.mark.parametrize("form", ["yaml", "xlsx"])
def test_in_strict_mode_an_unknown_lead_unit_is_one_problem_not_also_a_missing_head(
    stored: Deps, tmp_path: Path, form: str
) -> None:
    if form == "yaml":
        path = directives_file(tmp_path, directive(GOOD), directive(BAD, task(lead_unit="XX")))
    else:
        path = directives_sheet(tmp_path, [sheet_row(GOOD), sheet_row(BAD, lead_unit="XX")])

    refusal = refused_whole(stored, path, strict=True)

    assert [p.reason_en for p in refusal.problems] == ["unknown unit code XX"]


# -- units -------------------------------------------------------------------------------------


@pytest.fixture
def units_stored(app: Deps, tmp_path: Path) -> Deps:
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), T0)
    return app


# each bad units file first renames TH and adds KT, so "unchanged" means something
RENAMED_TH = unit("TH", parent="VP", name_vi="Vụ Tổng hợp (tên mới)")
NEW_KT = unit("KT", parent="VP")

UNIT_YAML_CASES = [
    pytest.param(
        [unit("KT", parent="VP")],
        "code",
        ("mã đơn vị KT trùng với units[1]", "code KT repeats units[1]"),
        id="duplicate-code",
    ),
    pytest.param(
        [unit("QT", parent="ZZ")],
        "parent",
        (
            "đơn vị cấp trên ZZ không có trong danh mục",
            "parent unit ZZ is not in the directory",
        ),
        id="unknown-parent",
    ),
    pytest.param(
        [unit("QT", parent="TC"), unit("TC", parent="QT")],
        "parent",
        ("đơn vị cấp trên tạo vòng lặp: QT → TC → QT", "parent units form a loop: QT → TC → QT"),
        id="parent-loop",
    ),
    pytest.param(
        [unit("QT") | {"head": {"name": "Lê Văn C", "email": "le.van.c@"}}],
        "head.email",
        (
            "địa chỉ thư điện tử không hợp lệ: 'le.van.c@'",
            "not an email address: 'le.van.c@'",
        ),
        id="bad-email",
    ),
]


@pytest.mark.parametrize(("bad", "field", "reason"), UNIT_YAML_CASES)
def test_a_bad_units_yaml_file_is_refused_whole_naming_place_field_and_reason(
    units_stored: Deps,
    tmp_path: Path,
    bad: list[dict[str, Any]],
    field: str,
    reason: tuple[str, str],
) -> None:
    path = units_file(tmp_path, RENAMED_TH, NEW_KT, *bad, name="new-units.yaml")

    refusal = units_refused_whole(units_stored, path)

    assert_names(refusal, "new-units.yaml", ("units[2]", "units[2]"), field, reason)


UNIT_CSV_CASES = [
    pytest.param(
        [csv_unit("KT", "VP")],
        "code",
        ("mã đơn vị KT trùng với dòng 3", "code KT repeats row 3"),
        id="duplicate-code",
    ),
    pytest.param(
        [csv_unit("QT", "ZZ")],
        "parent",
        (
            "đơn vị cấp trên ZZ không có trong danh mục",
            "parent unit ZZ is not in the directory",
        ),
        id="unknown-parent",
    ),
    pytest.param(
        [csv_unit("QT", "TC"), csv_unit("TC", "QT")],
        "parent",
        ("đơn vị cấp trên tạo vòng lặp: QT → TC → QT", "parent units form a loop: QT → TC → QT"),
        id="parent-loop",
    ),
    pytest.param(
        [csv_unit("QT", head_email="le.van.c@")],
        "head_email",
        (
            "địa chỉ thư điện tử không hợp lệ: 'le.van.c@'",
            "not an email address: 'le.van.c@'",
        ),
        id="bad-email",
    ),
]


@pytest.mark.parametrize(("bad", "field", "reason"), UNIT_CSV_CASES)
def test_a_bad_units_csv_file_is_refused_whole_naming_row_column_and_reason(
    units_stored: Deps,
    tmp_path: Path,
    bad: list[dict[str, str]],
    field: str,
    reason: tuple[str, str],
) -> None:
    rows = [csv_unit("TH", "VP", name_vi="Vụ Tổng hợp (tên mới)"), csv_unit("KT", "VP"), *bad]
    path = units_csv(tmp_path, *rows)

    refusal = units_refused_whole(units_stored, path)

    assert_names(refusal, "units.csv", ("dòng 4", "row 4"), field, reason)


def test_a_unit_with_a_bad_email_does_not_also_orphan_the_units_under_it(
    units_stored: Deps, tmp_path: Path
) -> None:
    path = units_file(
        tmp_path,
        unit("QT") | {"head": {"name": "Lê Văn C", "email": "le.van.c@"}},
        unit("QT1", parent="QT"),
        name="new-units.yaml",
    )

    refusal = units_refused_whole(units_stored, path)

    assert [(p.path, p.field) for p in refusal.problems] == [("units[0]", "head.email")]


def test_a_units_csv_reads_several_deputies_from_one_cell(app: Deps, tmp_path: Path) -> None:
    deputies = "Nguyễn Văn A <a@example.vn>; Trần Thị B <b@example.vn>"
    path = units_csv(tmp_path, csv_unit("VP", deputies=deputies), csv_unit("TH", "VP"))

    with app.session() as session:
        result = imports.import_units(session, path, T0)
        row = session.get(UnitRow, "VP")

    assert result.created == ["VP", "TH"]
    assert row is not None
    assert [(d["name"], d["email"]) for d in row.deputies] == [
        ("Nguyễn Văn A", "a@example.vn"),
        ("Trần Thị B", "b@example.vn"),
    ]


def test_importing_units_again_updates_them_by_code(units_stored: Deps, tmp_path: Path) -> None:
    path = units_file(tmp_path, RENAMED_TH, NEW_KT, name="new-units.yaml")

    with units_stored.session() as session:
        result = imports.import_units(session, path, T0)

    assert (result.created, result.updated) == (["KT"], ["TH"])
    names = {code: name for code, name, *_ in unit_rows(units_stored)}
    assert names == {
        "DN": "Vụ DN",
        "KT": "Vụ KT",
        "PL": "Vụ PL",
        "TH": "Vụ Tổng hợp (tên mới)",
        "VP": "Vụ VP",
    }
