"""What a coordinator types into a Prefect form, and what the artifacts show back:

- units by code, name or alias (matched as drafting matches them), an unknown one refused
  with the closest units offered; positions counted from 1, fields by the form's titles;
- choices by the Vietnamese label the form shows (or the code the API takes);
- table cells escaped, checked on the markdown as a CommonMark renderer draws it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from pydantic import BaseModel
from sqlmodel import col, select

from engine.intake.problems import ImportRefused
from engine.services import imports
from engine.services.deps import Deps
from engine.store.tables import TaskCoordinatorRow, TaskRow
from tests.builders import units_file
from tests.conftest import make_app
from workflows.artifacts import escaped, md_escape, md_table
from workflows.common import RunRefused, form_place, parse_form
from workflows.decisions import CompletionForm, ProgressForm
from workflows.directives import DirectiveForm, TaskForm, with_codes

AT = datetime(2025, 11, 26, 2, 0, tzinfo=UTC)

UNITS = (
    {"code": "VPCTN-TH", "name_vi": "Vụ Tổng hợp", "name_en": "General Affairs Department",
     "aliases": ["Tổng hợp", "Vụ TH"], "head": {"name": "Phạm Văn Thành", "email": "th@vpctn.vn"}},
    {"code": "VPCTN-PL", "name_vi": "Vụ Pháp luật", "name_en": "Legal Affairs Department",
     "head": {"name": "Lê Thị Hà", "email": "pl@vpctn.vn"}},
    {"code": "VPCTN-DN", "name_vi": "Vụ Đối ngoại", "name_en": "Foreign Affairs Department",
     "head": {"name": "Vũ Hoàng Nam", "email": "dn@vpctn.vn"}},
)  # fmt: skip


@pytest.fixture
def office(database_url: str, tmp_path: Path) -> Deps:
    app = make_app(database_url, AT)
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *UNITS), AT)
    return app


def entry(*tasks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """What the form sends: a directive with `tasks`, each with the six clears."""
    base = {"deadline": "2025-12-15", "deliverable": "Báo cáo", "authority": "Chủ nhiệm"}
    return {
        "reference": "45/TB-VPCTN",
        "title": "Thông báo kết luận",
        "issuer": "Chủ tịch nước",
        "issued_on": "2025-11-26",
        "tasks": [base | t for t in tasks],
    } | extra


def enter(app: Deps, data: dict[str, Any], lang: str = "vi") -> imports.DirectiveImport:
    record = form_place(with_codes(data), DirectiveForm, lang, TaskForm)
    with app.session() as session:
        return imports.import_directive_record(session, record, app.calendar, AT, "cv")


def stored(app: Deps) -> list[tuple[str | None, list[str], str, str | None]]:
    with app.session() as session:
        tasks = session.exec(select(TaskRow).order_by(col(TaskRow.id))).all()
        coordinating = session.exec(select(TaskCoordinatorRow)).all()
        return [
            (
                t.lead_unit,
                sorted(c.unit_code for c in coordinating if c.task_id == t.id),
                t.status,
                t.recurrence,
            )
            for t in tasks
        ]


def test_units_are_taken_by_name_alias_english_name_or_code_in_any_case(office: Deps) -> None:
    enter(
        office,
        entry(
            {"title": "Một", "lead_unit": "Vụ Tổng hợp", "coordinating_units": ["vụ pháp luật"]},
            {"title": "Hai", "lead_unit": "Tổng hợp", "coordinating_units": ["VPCTN-dn"]},
            {"title": "Ba", "lead_unit": "Legal Affairs Department"},
            {"title": "Bốn", "lead_unit": "vpctn-th", "coordinating_units": ["Vụ Doi ngoai"]},
        ),
    )
    assert [(lead, coordinating) for lead, coordinating, _, _ in stored(office)] == [
        ("VPCTN-TH", ["VPCTN-PL"]),
        ("VPCTN-TH", ["VPCTN-DN"]),
        ("VPCTN-PL", []),
        ("VPCTN-TH", ["VPCTN-DN"]),
    ]


def test_an_unknown_unit_is_refused_with_the_closest_ones_offered(office: Deps) -> None:
    with pytest.raises(ImportRefused) as refused:
        enter(
            office,
            entry(
                {"title": "Một", "lead_unit": "Vụ Tổng hợp"},
                {"title": "Hai", "lead_unit": "Vụ Tông hơp chung"},
                {"title": "Ba", "lead_unit": "Vụ Ngoại giao", "coordinating_units": ["XX"]},
            ),
        )
    message = refused.value.render("vi")
    assert message.splitlines() == [
        "Có 3 lỗi; chưa nhập dữ liệu nào:",
        "  - Biểu mẫu Prefect, nhiệm vụ 2, trường 'Đơn vị chủ trì': không có đơn vị"
        " 'Vụ Tông hơp chung' trong danh mục; có phải: Vụ Tổng hợp (VPCTN-TH)?",
        "  - Biểu mẫu Prefect, nhiệm vụ 3, trường 'Đơn vị chủ trì': không có đơn vị"
        " 'Vụ Ngoại giao' trong danh mục; có phải: Vụ Đối ngoại (VPCTN-DN)?",
        "  - Biểu mẫu Prefect, nhiệm vụ 3, trường 'Đơn vị phối hợp': mã đơn vị XX không có"
        " trong danh mục",
    ]
    english = refused.value.render("en")
    assert "did you mean: General Affairs Department (VPCTN-TH)?" in english
    assert stored(office) == []  # refused whole


def test_an_english_form_names_places_in_english_counting_tasks_from_1(office: Deps) -> None:
    with pytest.raises(ImportRefused) as refused:
        enter(office, entry({"title": "Một", "lead_unit": "TH", "deadline": "2025-13-01"}), "en")
    message = refused.value.render("en")
    assert "Prefect form, task 1, field 'deadline': bad date" in message
    assert "field 'lead_unit': unknown unit code TH" in message


def test_choices_are_taken_by_the_forms_vietnamese_label(office: Deps) -> None:
    enter(
        office,
        entry(
            {"title": "Báo cáo tháng", "lead_unit": "Vụ TH", "recurrence": "Hằng tháng",
             "deadline": "2025-12-31"},
            priority="Khẩn",
        ),
    )  # fmt: skip
    assert [(lead, status, recurrence) for lead, _, status, recurrence in stored(office)] == [
        ("VPCTN-TH", "assigned", "monthly")
    ]


@pytest.mark.parametrize(
    ("model", "given", "field", "code"),
    [
        (ProgressForm, "Đề nghị gia hạn", "status", "extension_requested"),
        (ProgressForm, "submitted", "status", "submitted"),
        (CompletionForm, "xác nhận hoàn thành", "decision", "accept"),
        (CompletionForm, "Trả lại, thực hiện lại", "decision", "return"),
    ],
)
def test_a_decision_form_takes_the_label_and_gives_the_flow_the_code(
    model: type[BaseModel], given: str, field: str, code: str
) -> None:
    form = parse_form(model, {"task": "45/TB-VPCTN#2", field: given}, "vi")
    assert getattr(form, field) == code
    assert form.task == "45/TB-VPCTN#2"  # type: ignore[attr-defined]


def test_a_choice_not_offered_is_refused_with_the_choices(office: Deps) -> None:
    with pytest.raises(RunRefused) as refused:
        parse_form(CompletionForm, {"task": 3, "decision": "đồng ý"}, "vi")
    assert str(refused.value).splitlines() == [
        "Có 1 lỗi trong tham số; chưa thay đổi gì:",
        "  - Biểu mẫu Prefect, trường 'Quyết định': không có lựa chọn 'đồng ý'; chọn một trong:"
        " 'Xác nhận hoàn thành', 'Trả lại, thực hiện lại'",
    ]


def test_the_forms_drop_downs_show_the_vietnamese_labels() -> None:
    schema = CompletionForm.model_json_schema()
    assert schema["properties"]["decision"]["enum"] == [
        "Xác nhận hoàn thành",
        "Trả lại, thực hiện lại",
    ]
    task = TaskForm.model_json_schema()["properties"]["recurrence"]
    assert task["enum"] == ["Hằng tháng", "Hằng quý", "Hằng năm", "Thường xuyên, không có thời hạn"]
    priority = DirectiveForm.model_json_schema()["properties"]["priority"]
    assert (priority["enum"], priority["default"]) == (["Thường", "Cao", "Khẩn"], "Thường")


# -- cells as the UI draws them -------------------------------------------------------------

MARKDOWN = MarkdownIt("commonmark")

HOSTILE = [
    "2. Rà soát, không để sót lọt nhiệm vụ",
    "12) Tổng kết",
    "- gạch đầu dòng",
    "+ cộng",
    "# tiêu đề",
    "> trích",
    "*quan trọng* và __gấp__",
    "[bấm vào đây](http://example.invalid)",
    "<script>alert(1)</script>",
    "`mã` | ống",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_is_drawn_as_the_text_itself(text: str) -> None:
    html = MARKDOWN.render(md_escape(text))
    assert html == f"<p>{_html_text(text)}</p>\n"


def _html_text(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def test_without_escaping_a_numbered_title_would_be_drawn_as_a_list_from_1() -> None:
    # what the issue saw: "2. Rà soát…" shown as "1."
    assert MARKDOWN.render("2. Rà soát").startswith('<ol start="2">')
    assert MARKDOWN.render(md_escape("2. Rà soát")) == "<p>2. Rà soát</p>\n"


def test_a_table_artifacts_rows_are_escaped_cell_by_cell_numbers_kept() -> None:
    row = escaped({"Việc": "45/TB-VPCTN#2", "Nhiệm vụ": "2. Tổng hợp", "Mức đôn đốc": 2})
    assert row == {"Việc": "45/TB-VPCTN#2", "Nhiệm vụ": "2\\. Tổng hợp", "Mức đôn đốc": 2}
    assert MARKDOWN.render(row["Nhiệm vụ"]) == "<p>2. Tổng hợp</p>\n"


def test_a_markdown_table_keeps_its_columns_whatever_a_cell_holds() -> None:
    table = md_table(["Việc", "Nhiệm vụ"], [["1", "a | b"], ["2", "- c"]])
    html = MarkdownIt("commonmark").enable("table").render(table)
    assert html.count("<tr>") == 3
    assert "<td>a | b</td>" in html
    assert "<td>- c</td>" in html
