"""Hostile and malformed input files: each is refused whole with a located message.

Random bytes, a legacy encoding, control and bidi characters, formulas Excel never
computed, empty files, files over a limit. Each test builds its file in tmp_path,
asserts the exact problem (file, row or line, path, field, both reasons) and that
the stored data did not move. One directive and the standard units are stored
before each bad file, so "did not move" compares real rows, not empty tables.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import select

from engine.intake import limits
from engine.intake.excel import COLUMNS
from engine.intake.problems import ImportRefused, Problem
from engine.intake.readers import UNIT_CSV_COLUMNS
from engine.services import imports
from engine.services.deps import Deps
from engine.store.tables import DirectiveRow, TaskCoordinatorRow, TaskEventRow, TaskRow, UnitRow
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
from tests.conftest import IMPORTED_AT, make_app

STORED = "1/TB-VPCTN"
GOOD = "2/TB-VPCTN"
BAD = "3/TB-VPCTN"
TABLES = (UnitRow, DirectiveRow, TaskRow, TaskEventRow, TaskCoordinatorRow)

# -- builders ------------------------------------------------------------------------------


def csv_unit(code: str, parent: str = "VP", **cells: str) -> dict[str, str]:
    return {
        "code": code,
        "name_vi": f"Vụ {code}",
        "head_name": f"Trưởng {code}",
        "head_email": f"{code.lower()}@example.vn",
        "parent": parent,
    } | cells


def csv_text(*rows: dict[str, str], delimiter: str = ",") -> str:
    lines = [delimiter.join(UNIT_CSV_COLUMNS)]
    lines += [delimiter.join(row.get(c, "") for c in UNIT_CSV_COLUMNS) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def units_csv(tmp_path: Path, *rows: dict[str, str], name: str = "units.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=UNIT_CSV_COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def windows_1258(text: str) -> bytes:
    """`text` as Windows-1258 writes Vietnamese: a letter it has whole, else the letter
    with its last mark apart (ụ is u and a combining dot below)."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            out += unicodedata.normalize("NFC", parts[:-1]).encode("cp1258")
            out += parts[-1].encode("cp1258")
    return out


def with_cell_xml(path: Path, cell: str, xml: str) -> None:
    """Replace cell `cell` (B3) of the first sheet with `xml`, as another program wrote it."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet, count = re.subn(rf'<c r="{cell}"[^>]*(/>|>.*?</c>)', xml, sheet)
    assert count == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)


def column(key: str) -> str:
    """The letter of a column of the shipped layout."""
    index = next(i for i, c in enumerate(COLUMNS) if c.key == key)
    return chr(ord("A") + index)


def header(key: str) -> str:
    return next(c.vi for c in COLUMNS if c.key == key)


# -- the database before and after -----------------------------------------------------------


def snapshot(app: Deps) -> dict[str, list[str]]:
    """Every row of every table the imports write."""
    with app.session() as session:
        return {
            str(table.__tablename__): sorted(
                repr(sorted(row.model_dump().items())) for row in session.exec(select(table))
            )
            for table in TABLES
        }


def store(app: Deps, tmp_path: Path) -> Deps:
    folder = tmp_path / "stored"
    folder.mkdir()
    with app.session() as session:
        imports.import_units(session, units_file(folder, *STANDARD_UNITS), IMPORTED_AT)
        path = directives_file(folder, directive(STORED, task(coordinating_units=["PL"])))
        imports.import_directives(session, path, app.calendar, IMPORTED_AT, "coordinator")
    return app


@pytest.fixture
def stored(sqlite_url: str, tmp_path: Path) -> Iterator[Deps]:
    """A SQLite database with the standard units and one directive."""
    app = make_app(sqlite_url)
    yield store(app, tmp_path)
    app.engine.dispose()


def import_file(app: Deps, path: Path) -> object:
    """Import units (a file named units…) or directives (any other name)."""
    with app.session() as session:
        if path.name.startswith("units"):
            return imports.import_units(session, path, IMPORTED_AT)
        return imports.import_directives(session, path, app.calendar, IMPORTED_AT, "cv")


def refused(app: Deps, path: Path) -> list[Problem]:
    """Import `path`, expect it refused whole, and check that no row moved."""
    before = snapshot(app)
    with pytest.raises(ImportRefused) as refusal:
        import_file(app, path)
    assert snapshot(app) == before
    return refusal.value.problems


def control(code: str, at: int) -> tuple[str, str]:
    return (
        f"có ký tự điều khiển {code} (ở ký tự thứ {at}); hãy xóa ký tự này",
        f"holds the control character {code} (character {at}); delete it",
    )


def bidi(code: str, at: int) -> tuple[str, str]:
    return (
        f"có ký tự đảo chiều văn bản {code} (ở ký tự thứ {at}), "
        "có thể làm chữ hiện ra sai lệch; hãy xóa ký tự này",
        f"holds the bidirectional control {code} (character {at}), "
        "which can disguise the text; delete it",
    )


# -- 1. not a workbook -------------------------------------------------------------------------

DAMAGED_WORKBOOK = (
    "không đọc được tệp Excel: tệp bị hỏng hoặc không phải tệp .xlsx; "
    "hãy mở tệp bằng Excel rồi lưu lại dưới dạng Excel Workbook (.xlsx)",
    "cannot read the workbook: the file is damaged or not an .xlsx file; "
    "open it in Excel and save it as an Excel Workbook (.xlsx)",
)


def test_random_bytes_named_xlsx_are_refused_as_a_damaged_workbook(
    stored: Deps, tmp_path: Path
) -> None:
    path = tmp_path / "directives.xlsx"
    path.write_bytes(bytes(range(256)) * 40)

    assert refused(stored, path) == [Problem("directives.xlsx", None, "", "", *DAMAGED_WORKBOOK)]


# -- 2. encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encode", "name_vi", "byte"),
    [
        pytest.param(windows_1258, "Vụ Tổng hợp", 0xF2, id="windows-1258"),
        pytest.param(lambda t: t.encode("cp1252"), "Phòng Hành chính", 0xF2, id="windows-1252"),
    ],
)
def test_a_units_csv_in_a_windows_code_page_is_refused_naming_the_line_and_how_to_save_it(
    stored: Deps, tmp_path: Path, encode: Callable[[str], bytes], name_vi: str, byte: int
) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(
        encode(
            csv_text(
                csv_unit("KT", name_vi="Ke toan", head_name="Tran Van A"),
                csv_unit("QT", name_vi=name_vi, head_name="Tran Van B"),
            )
        )
    )

    assert refused(stored, path) == [
        Problem(
            "units.csv",
            3,
            "",
            "",
            f"tệp không dùng mã hóa UTF-8 (không đọc được byte 0x{byte:02X}); "
            "hãy lưu lại tệp với mã hóa UTF-8 (trong Excel: CSV UTF-8)",
            f"the file is not UTF-8 (byte 0x{byte:02X} cannot be read); "
            "save it again with UTF-8 encoding (in Excel: CSV UTF-8)",
            line=True,
        )
    ]


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        pytest.param("units.csv", "utf-16", "\t", id="excel-unicode-text"),
        pytest.param("units.csv", "utf-16-be", ",", id="csv-utf-16-big-endian"),
        pytest.param("units.csv", "utf-8-sig", ";", id="csv-utf-8-bom-semicolons"),
        pytest.param("units.yaml", "utf-16", "", id="yaml-utf-16"),
    ],
)
def test_utf16_with_a_bom_and_utf8_with_a_bom_are_read_as_vietnamese_text(
    stored: Deps, tmp_path: Path, name: str, encoding: str, delimiter: str
) -> None:
    path = tmp_path / name
    if name.endswith(".csv"):
        text = csv_text(csv_unit("KT", name_vi="Vụ Kế hoạch – Tài chính"), delimiter=delimiter)
    else:
        text = yaml.safe_dump(
            {"units": [unit("KT", parent="VP", name_vi="Vụ Kế hoạch – Tài chính")]},
            allow_unicode=True,
        )
    mark = "\ufeff" if encoding == "utf-16-be" else ""  # utf-16 writes its own mark
    path.write_bytes((mark + text).encode(encoding))

    import_file(stored, path)

    with stored.session() as session:
        row = session.get(UnitRow, "KT")
    assert row is not None
    assert (row.name_vi, row.parent_code) == ("Vụ Kế hoạch – Tài chính", "VP")


# -- 3. control and bidi characters ----------------------------------------------------------


@pytest.fixture
def stored_anywhere(app: Deps, tmp_path: Path) -> Deps:
    """The same stored data, on SQLite and on PostgreSQL."""
    return store(app, tmp_path)


def test_a_nul_byte_in_a_title_is_refused_before_it_reaches_the_database(
    stored_anywhere: Deps, tmp_path: Path
) -> None:
    title = "Thông báo\x00 kết luận"
    path = directives_file(tmp_path, directive(GOOD), directive(BAD, title=title))

    assert refused(stored_anywhere, path) == [
        Problem("directives.yaml", None, "directives[1]", "title", *control("U+0000", 10))
    ]


@pytest.mark.parametrize(
    ("bad", "where", "field", "reasons"),
    [
        pytest.param(
            directive(BAD, task(title="Báo cáo\x1b[31m tháng")),
            "directives[1].tasks[0]",
            "title",
            control("U+001B", 8),
            id="esc-in-a-task-title",
        ),
        pytest.param(
            directive(BAD, issuer="Chủ tịch\x07 nước"),
            "directives[1]",
            "issuer",
            control("U+0007", 9),
            id="bel-in-the-issuer",
        ),
        pytest.param(
            directive(BAD, task(owner="Nguyễn \u202eA nĂV")),
            "directives[1].tasks[0]",
            "owner",
            bidi("U+202E", 8),
            id="right-to-left-override-in-an-owner",
        ),
        pytest.param(
            directive(BAD, task(description="Báo cáo\x0bquý")),
            "directives[1].tasks[0]",
            "description",
            control("U+000B", 8),
            id="vertical-tab-in-a-description",
        ),
        pytest.param(
            directive(BAD, task(lead_unit="T\x00H")),
            "directives[1].tasks[0]",
            "lead_unit",
            control("U+0000", 2),
            id="nul-in-a-unit-code",
        ),
        pytest.param(
            directive(BAD, issuer="Chủ tịch\nnước"),
            "directives[1]",
            "issuer",
            (
                "có ký tự xuống dòng U+000A (ở ký tự thứ 9); trường này chỉ ghi trên một dòng",
                "holds a line break U+000A (character 9); this field must be on one line",
            ),
            id="line-break-in-a-one-line-field",
        ),
    ],
)
@pytest.mark.parametrize("name", ["directives.yaml", "directives.json"])
def test_a_control_or_bidi_character_in_a_directives_file_is_refused_naming_it(
    stored: Deps,
    tmp_path: Path,
    name: str,
    bad: dict[str, Any],
    where: str,
    field: str,
    reasons: tuple[str, str],
) -> None:
    path = directives_file(tmp_path, directive(GOOD), bad, name=name)

    assert refused(stored, path) == [Problem(name, None, where, field, *reasons)]


def test_tabs_and_line_breaks_are_kept_in_free_text(stored: Deps, tmp_path: Path) -> None:
    description = "Bước 1:\tRà soát.\r\nBước 2:\tBáo cáo."
    path = directives_file(tmp_path, directive(BAD, task(description=description)))

    import_file(stored, path)

    with stored.session() as session:
        stored_description = session.exec(
            select(TaskRow.description).join(DirectiveRow).where(DirectiveRow.reference == BAD)
        ).one()
    assert stored_description == description


@pytest.mark.parametrize(
    ("row", "field", "reasons"),
    [
        pytest.param({"name_vi": "Vụ\x00 Kế hoạch"}, "name_vi", control("U+0000", 3), id="nul"),
        pytest.param({"head_name": "Lê\x1b[2J Văn C"}, "head_name", control("U+001B", 3), id="esc"),
        pytest.param(
            {"head_email": "kt@example.vn\u202e"}, "head_email", bidi("U+202E", 14), id="rlo"
        ),
        pytest.param({"aliases": "Vụ KH;K\x07T"}, "aliases[1]", control("U+0007", 2), id="bel"),
    ],
)
def test_a_control_or_bidi_character_in_a_units_csv_is_refused_naming_row_and_column(
    stored: Deps, tmp_path: Path, row: dict[str, str], field: str, reasons: tuple[str, str]
) -> None:
    path = units_csv(tmp_path, csv_unit("QT"), csv_unit("KT", **row))

    assert refused(stored, path) == [Problem("units.csv", 3, "", field, *reasons)]


def test_a_bel_in_a_units_yaml_name_is_refused_naming_path_and_field(
    stored: Deps, tmp_path: Path
) -> None:
    bad = unit("KT", parent="VP") | {"head": {"name": "Lê Văn\x07 C", "email": "c@example.vn"}}
    path = units_file(tmp_path, unit("QT", parent="VP"), bad)

    assert refused(stored, path) == [
        Problem("units.yaml", None, "units[1]", "head.name", *control("U+0007", 7))
    ]


def test_a_control_character_written_raw_in_a_yaml_file_is_refused_naming_the_line(
    stored: Deps, tmp_path: Path
) -> None:
    path = tmp_path / "directives.yaml"
    lines = [
        "directives:",
        f"  - reference: {BAD}",
        "    title: Thông báo kết luận",
        "    issuer: Chủ tịch\x00 nước",
        "    issued_on: 2025-11-26",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert refused(stored, path) == [
        Problem(
            "directives.yaml",
            4,
            "",
            "",
            "có ký tự điều khiển U+0000 (ở ký tự thứ 21 của dòng); hãy xóa ký tự này",
            "holds the control character U+0000 (character 21 of the line); delete it",
            line=True,
        )
    ]


@pytest.mark.parametrize(
    ("cells", "column_key", "reasons"),
    [
        pytest.param(
            {"title_task": "Xây dựng_x001B_ Chương trình"},
            "title_task",
            control("U+001B", 9),
            id="esc-as-excel-writes-it",
        ),
        pytest.param({"issuer": "Chủ tịch_x0000_ nước"}, "issuer", control("U+0000", 9), id="nul"),
        pytest.param({"title": "Thông báo \u202ekết luận"}, "title", bidi("U+202E", 11), id="rlo"),
    ],
)
def test_a_control_or_bidi_character_in_a_sheet_cell_is_refused_naming_row_and_column(
    stored: Deps,
    tmp_path: Path,
    cells: dict[str, str],
    column_key: str,
    reasons: tuple[str, str],
) -> None:
    path = directives_sheet(tmp_path, [sheet_row(GOOD), sheet_row(BAD, **cells)])

    assert refused(stored, path) == [
        Problem("directives.xlsx", 3, "", header(column_key), *reasons)
    ]


# -- 4. the directive's title and the task's title ---------------------------------------------


def test_each_title_in_a_sheet_is_reported_against_its_own_column(
    stored: Deps, tmp_path: Path
) -> None:
    rows = [
        sheet_row(GOOD),
        sheet_row(BAD, title=None),
        sheet_row("4/TB-VPCTN", title_task="x" * (limits.MAX_TITLE + 1)),
    ]
    path = directives_sheet(tmp_path, rows)

    assert refused(stored, path) == [
        Problem(
            "directives.xlsx",
            3,
            "",
            "Trích yếu",
            "bắt buộc nhưng chưa điền",
            "required but missing",
        ),
        Problem(
            "directives.xlsx",
            4,
            "",
            "Nhiệm vụ",
            "dài 2.001 ký tự, vượt giới hạn 2.000 ký tự; hãy rút gọn",
            "is 2,001 characters long, over the limit of 2,000; shorten it",
        ),
    ]


# -- 5. formulas ----------------------------------------------------------------------------------


def test_a_formula_cell_without_a_saved_value_is_refused_naming_the_cell(
    stored: Deps, tmp_path: Path
) -> None:
    formula = "=DATE(2025,12,15)"
    path = directives_sheet(tmp_path, [sheet_row(GOOD), sheet_row(BAD, deadline=formula)])

    assert refused(stored, path) == [
        Problem(
            "directives.xlsx",
            3,
            "",
            "Thời hạn",
            f"ô có công thức '{formula}' nhưng chưa có giá trị đã lưu (tệp do chương trình "
            "tạo, chưa mở bằng Excel); hãy mở tệp bằng Excel rồi lưu lại, hoặc gõ giá trị "
            "thay cho công thức",
            f"the cell holds a formula '{formula}' with no saved value (the file was written "
            "by a program, never opened in Excel); open and save it in Excel, or type the values",
        )
    ]


def test_formulas_whose_values_excel_saved_are_read_as_those_values(
    stored: Deps, tmp_path: Path
) -> None:
    path = directives_sheet(tmp_path, [sheet_row(BAD, description="…")])
    deliverable, description = f"{column('deliverable')}2", f"{column('description')}2"
    with_cell_xml(
        path,
        deliverable,
        f'<c r="{deliverable}" t="str"><f>"Báo "&amp;"cáo"</f><v>Báo cáo</v></c>',
    )
    with_cell_xml(  # an empty text result, as Excel saves =IF(…;"";…)
        path, description, f'<c r="{description}" t="str"><f>IF(1,"","x")</f><v></v></c>'
    )

    import_file(stored, path)

    with stored.session() as session:
        row = session.exec(
            select(TaskRow).join(DirectiveRow).where(DirectiveRow.reference == BAD)
        ).one()
    assert (row.deliverable, row.description) == ("Báo cáo", "")


# -- 6. empty files ---------------------------------------------------------------------------

NO_UNITS = ("tệp không có đơn vị nào", "the file holds no units")
NO_DIRECTIVES = ("tệp không có văn bản chỉ đạo nào", "the file holds no directives")


@pytest.mark.parametrize(
    ("name", "text", "reasons"),
    [
        pytest.param("units.csv", csv_text(), NO_UNITS, id="csv-header-only"),
        pytest.param("units.csv", "", NO_UNITS, id="csv-nothing"),
        pytest.param("units.csv", csv_text({}, {}), NO_UNITS, id="csv-blank-rows"),
        pytest.param("units.yaml", "units: []\n", NO_UNITS, id="yaml-empty-list"),
        pytest.param("units.yaml", "", NO_UNITS, id="yaml-nothing"),
        pytest.param("units.json", "[]", NO_UNITS, id="json-empty-list"),
        pytest.param("directives.yaml", "directives: []\n", NO_DIRECTIVES, id="directives-yaml"),
        pytest.param("directives.json", '{"directives": []}', NO_DIRECTIVES, id="directives-json"),
    ],
)
def test_a_file_with_no_records_is_refused_rather_than_importing_nothing(
    stored: Deps, tmp_path: Path, name: str, text: str, reasons: tuple[str, str]
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    assert refused(stored, path) == [Problem(name, None, "", "", *reasons)]


# -- 7. limits --------------------------------------------------------------------------------


def over_length(size: int, limit: int) -> tuple[str, str]:
    return (
        f"dài {limits.vi_number(size)} ký tự, vượt giới hạn {limits.vi_number(limit)} ký tự; "
        "hãy rút gọn",
        f"is {size:,} characters long, over the limit of {limit:,}; shorten it",
    )


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        pytest.param(
            lambda tmp: units_csv(tmp, csv_unit("KT", name_vi="V" * (limits.MAX_NAME + 1))),
            Problem("units.csv", 2, "", "name_vi", *over_length(301, 300)),
            id="unit-name-in-csv",
        ),
        pytest.param(
            lambda tmp: directives_file(
                tmp, directive(BAD, task(title="N" * (limits.MAX_TITLE + 1)))
            ),
            Problem(
                "directives.yaml", None, "directives[0].tasks[0]", "title", *over_length(2001, 2000)
            ),
            id="task-title-in-yaml",
        ),
        pytest.param(
            lambda tmp: directives_sheet(
                tmp, [sheet_row(BAD, description="M" * (limits.MAX_NOTE + 1))]
            ),
            Problem("directives.xlsx", 2, "", "Nội dung chi tiết", *over_length(10_001, 10_000)),
            id="description-in-a-sheet",
        ),
        pytest.param(
            lambda tmp: directives_file(tmp, directive("R" * (limits.MAX_REFERENCE + 1))),
            Problem("directives.yaml", None, "directives[0]", "reference", *over_length(101, 100)),
            id="reference-in-yaml",
        ),
    ],
)
def test_a_text_longer_than_its_limit_is_refused_naming_the_limit(
    stored: Deps, tmp_path: Path, make: Callable[[Path], Path], expected: Problem
) -> None:
    assert refused(stored, make(tmp_path)) == [expected]


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(
    stored: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1024)
    path = units_file(tmp_path, unit("KT", parent="VP"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "#" * (2048 - len(text.encode()) - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size == 2048
    sheet = directives_sheet(tmp_path, [sheet_row(BAD)])

    assert refused(stored, path) == [
        Problem(
            "units.yaml",
            None,
            "",
            "",
            "tệp nặng 2 KB, vượt giới hạn 1 KB; hãy chia thành nhiều tệp nhỏ hơn",
            "the file is 2 KB, over the limit of 1 KB; split it into smaller files",
        )
    ]
    [problem] = refused(stored, sheet)
    assert "vượt giới hạn 1 KB" in problem.reason_vi
    assert "over the limit of 1 KB" in problem.reason_en


@pytest.mark.parametrize(
    ("make", "what"),
    [
        pytest.param(
            lambda tmp: units_csv(tmp, csv_unit("KT"), csv_unit("QT"), csv_unit("TC")),
            ("dòng đơn vị", "unit rows"),
            id="units-csv",
        ),
        pytest.param(
            lambda tmp: directives_sheet(tmp, [sheet_row(BAD), sheet_row(BAD), sheet_row(BAD)]),
            ("dòng nhiệm vụ", "task rows"),
            id="sheet",
        ),
        pytest.param(
            lambda tmp: directives_file(tmp, directive(GOOD, task(), task()), directive(BAD)),
            ("nhiệm vụ", "tasks"),
            id="directives-yaml",
        ),
    ],
)
def test_a_file_with_more_rows_than_the_limit_is_refused_naming_the_limit(
    stored: Deps,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: Callable[[Path], Path],
    what: tuple[str, str],
) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 2)
    path = make(tmp_path)

    assert refused(stored, path) == [
        Problem(
            path.name,
            None,
            "",
            "",
            f"tệp có hơn 2 {what[0]}, vượt giới hạn; hãy chia thành nhiều tệp nhỏ hơn",
            f"the file has more than 2 {what[1]}, over the limit; split it into smaller files",
        )
    ]


# -- through the command line -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "directives.xlsx",
            bytes(range(256)) * 8,
            f"directives.xlsx: {DAMAGED_WORKBOOK[0]}",
            id="random-bytes-as-xlsx",
        ),
        pytest.param(
            "units.csv",
            windows_1258(csv_text(csv_unit("KT", name_vi="Vụ Kế hoạch"))),
            "units.csv, dòng 2: tệp không dùng mã hóa UTF-8 (không đọc được byte 0xF2); "
            "hãy lưu lại tệp với mã hóa UTF-8 (trong Excel: CSV UTF-8)",
            id="windows-1258-csv",
        ),
    ],
)
def test_a_hostile_file_given_to_the_cli_gives_the_message_and_exit_code_2(
    dondoc: Callable[..., str], tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    dondoc("init")
    path = tmp_path / name
    path.write_bytes(content)
    command = ("units", "import") if name.startswith("units") else ("directive", "import")

    output = dondoc(*command, str(path), code=2)

    assert output.startswith(f"Có 1 lỗi; chưa nhập dữ liệu nào: - {message}")
    assert "Traceback" not in output


def test_a_message_never_prints_a_control_character_of_the_file(tmp_path: Path) -> None:
    problem = Problem("a\x1b[2J.yaml", None, "", "x\u202ey", "lý do", "reason")

    assert problem.render("en") == "a[U+001B][2J.yaml, field 'x[U+202E]y': reason"


def test_json_escapes_of_control_characters_are_refused_like_raw_ones(
    stored: Deps, tmp_path: Path
) -> None:
    path = tmp_path / "directives.json"
    path.write_text(json.dumps({"directives": [directive(BAD + "\x1b")]}), encoding="utf-8")

    assert refused(stored, path) == [
        Problem("directives.json", None, "directives[0]", "reference", *control("U+001B", 11))
    ]
