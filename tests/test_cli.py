"""The `dondoc` command end to end on a SQLite file: what a coordinator types and reads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer

from engine import cli
from tests.builders import STANDARD_UNITS, directive, directives_file, task, units_file


@pytest.fixture
def loaded(dondoc, tmp_path: Path):  # type: ignore[no-untyped-def]
    dondoc("init")
    dondoc("units", "import", str(units_file(tmp_path, *STANDARD_UNITS)))
    path = directives_file(
        tmp_path,
        directive(
            "45/TB-VPCTN",
            task("Xây dựng Chương trình công tác năm 2026"),
            task(
                "Tổng kết công tác năm",
                deadline="2026-01-20",
                lead_unit="PL",
                coordinating_units=["TH"],
            ),
            task("Theo dõi tình hình", deadline=None, recurrence="ongoing"),
        ),
    )
    dondoc("directive", "import", str(path))
    return dondoc


def test_a_command_before_init_says_to_run_init(dondoc) -> None:  # type: ignore[no-untyped-def]
    out = dondoc("directives", "list", code=2)
    assert "dondoc init" in out


def test_importing_a_directive_reports_what_was_stored(dondoc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dondoc("init")
    dondoc("units", "import", str(units_file(tmp_path, *STANDARD_UNITS)))
    out = dondoc("directive", "import", str(directives_file(tmp_path, directive())))
    assert "Đã nhập 1 văn bản (45/TB-VPCTN), 1 nhiệm vụ." in out


def test_the_task_list_groups_tasks_by_reporting_category(loaded) -> None:  # type: ignore[no-untyped-def]
    out = loaded("tasks", "list", "--as-of", "05/01/2026")
    assert "tính đến 05/01/2026" in out
    assert "Chưa hoàn thành, quá hạn" in out
    # after 15/12/2025: 16–19, 22–26, 29–31 Dec, then 1 and 2 Jan off, then 5 Jan
    assert "quá hạn 13 ngày làm việc" in out
    assert "Đang thực hiện trong hạn" in out
    assert "Nhiệm vụ thường xuyên" in out
    assert out.index("Chưa hoàn thành, quá hạn") < out.index("Nhiệm vụ thường xuyên")


def test_the_task_list_speaks_english_on_request(loaded) -> None:  # type: ignore[no-untyped-def]
    out = loaded("--lang", "en", "tasks", "list", "--as-of", "2026-01-05")
    assert "as of 05/01/2026" in out
    assert "In progress, overdue" in out
    assert "13 working days overdue" in out


def table(out: str) -> str:
    """The output's words with the table's rules taken out: title, header, rows, totals."""
    return " ".join(re.sub("[\u2500-\u257f]", " ", out).split())


HEADER = "Mã Số hiệu Nhiệm vụ Đơn vị chủ trì Thời hạn Trạng thái Phân loại"
# the three tasks of `loaded`, as listed on 05/01/2026 (task 1: 13 working days overdue)
ROW_1 = (
    "1 45/TB-VPCTN 1. Xây dựng Chương trình công tác năm 2026 TH 15/12/2025 Đã giao"
    " Chưa hoàn thành, quá hạn 13 ngày làm việc"
)
ROW_2 = "2 45/TB-VPCTN 2. Tổng kết công tác năm PL 20/01/2026 Đã giao Đang thực hiện trong hạn"
ROW_3 = "3 45/TB-VPCTN 3. Theo dõi tình hình TH Thường xuyên Đã giao Nhiệm vụ thường xuyên"
# task 1 on 26/11/2025, the day of issue: still in time
ROW_1_IN_TIME = (
    "1 45/TB-VPCTN 1. Xây dựng Chương trình công tác năm 2026 TH 15/12/2025 Đã giao"
    " Đang thực hiện trong hạn"
)


def totals(in_time: int, overdue: int, ongoing: int) -> str:
    return (
        f"Tổng số: {in_time + overdue + ongoing} — Hoàn thành đúng hạn: 0"
        f" · Hoàn thành quá hạn: 0 · Đang thực hiện trong hạn: {in_time}"
        f" · Chưa hoàn thành, quá hạn: {overdue} · Nhiệm vụ thường xuyên: {ongoing}"
    )


def test_filters_narrow_the_task_list(loaded) -> None:  # type: ignore[no-untyped-def]
    by_unit = loaded("tasks", "list", "--unit", "TH", "--as-of", "05/01/2026")
    assert table(by_unit) == (
        f"Nhiệm vụ — tính đến 05/01/2026 {HEADER} {ROW_1} {ROW_3} {totals(0, 1, 1)}"
    )
    overdue = loaded("tasks", "list", "--overdue", "--as-of", "05/01/2026")
    assert table(overdue) == f"Nhiệm vụ — tính đến 05/01/2026 {HEADER} {ROW_1} {totals(0, 1, 0)}"
    loaded("task", "update", "2", "--status", "in_progress", "--at", "2025-11-26T09:00")
    assigned = loaded("tasks", "list", "--status", "assigned")
    assert table(assigned) == (
        f"Nhiệm vụ — tính đến 26/11/2025 {HEADER} {ROW_1_IN_TIME} {ROW_3} {totals(1, 0, 1)}"
    )
    in_progress = loaded("tasks", "list", "--status", "in_progress")
    assert table(in_progress) == (
        f"Nhiệm vụ — tính đến 26/11/2025 {HEADER} 2 45/TB-VPCTN 2. Tổng kết công tác năm PL"
        f" 20/01/2026 Đang thực hiện Đang thực hiện trong hạn {totals(1, 0, 0)}"
    )


def test_a_status_update_shows_in_the_task_history(loaded) -> None:  # type: ignore[no-untyped-def]
    loaded(
        "task",
        "update",
        "1",
        "--status",
        "in_progress",
        "--note",
        "Đã giao chuyên viên",
        "--at",
        "2025-12-01T09:00",
        "--by",
        "vu.th",
    )
    out = loaded("task", "show", "1")
    assert "Đã giao → Đang thực hiện" in out
    assert "Đã giao chuyên viên" in out
    assert "01/12/2025 09:00" in out  # shown in Ha Noi time
    assert "vu.th" in out


def test_an_illegal_update_names_both_states_and_fails(loaded) -> None:  # type: ignore[no-untyped-def]
    out = loaded("task", "update", "1", "--status", "completed", code=1)
    assert "'assigned'" in out
    assert "'completed'" in out


def test_an_extension_shows_the_new_deadline_and_the_original(loaded) -> None:  # type: ignore[no-untyped-def]
    out = loaded(
        "task",
        "extend",
        "1",
        "--until",
        "15/01/2026",
        "--reason",
        "Chờ ý kiến các bộ",
        "--at",
        "2025-12-10T10:00",
    )
    assert "thời hạn 15/01/2026" in out
    shown = loaded("task", "show", "1")
    assert "Thời hạn ban đầu 15/12/2025" in shown
    assert "đồng ý gia hạn đến ngày 15/01/2026" in shown


def test_a_missing_task_is_reported_plainly(loaded) -> None:  # type: ignore[no-untyped-def]
    assert "không có nhiệm vụ số 99" in loaded("task", "show", "99", code=1)


def test_a_missing_file_is_reported_plainly(dondoc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dondoc("init")
    out = dondoc("directive", "import", str(tmp_path / "khong-co.yaml"), code=2)
    assert "Không tìm thấy tệp" in out


def test_a_refused_import_lists_each_problem_and_exits_2(loaded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = directives_file(
        tmp_path, directive("46/TB", task(lead_unit="XX", deadline="2025-13-01")), name="bad.yaml"
    )
    out = loaded("directive", "import", str(bad), code=2)
    assert "Có 2 lỗi; chưa nhập dữ liệu nào" in out
    assert (
        "bad.yaml, directives[0].tasks[0], trường 'lead_unit': mã đơn vị XX không có trong danh mục"
        in out
    )
    assert "trường 'deadline': ngày không hợp lệ: '2025-13-01'" in out
    assert "46/TB" not in loaded("directives", "list")


def test_drafts_are_stored_and_what_they_lack_is_said(loaded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = directives_file(tmp_path, directive("47/TB", task(deliverable="")), name="draft.yaml")
    out = loaded("directive", "import", str(path))
    assert "1 nhiệm vụ lưu ở dạng dự thảo vì chưa đủ 6 rõ" in out
    assert "directives[0].tasks[0]: chưa đủ 6 rõ, còn thiếu: sản phẩm" in out
    assert "Dự thảo (chưa giao)" in loaded("tasks", "list", "--directive", "47/TB")
    strict = directives_file(tmp_path, directive("48/TB", task(deliverable="")), name="strict.yaml")
    assert "còn thiếu: sản phẩm" in loaded("directive", "import", "--strict", str(strict), code=2)


def test_assigning_a_draft_is_refused_until_its_clears_are_complete(loaded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    loaded(
        "directive",
        "import",
        str(directives_file(tmp_path, directive("47/TB", task(authority="")), name="d.yaml")),
    )
    out = loaded("task", "update", "4", "--status", "assigned", code=1)
    assert "chưa đủ 6 rõ, còn thiếu: cấp có thẩm quyền" in out


def test_the_calendar_shows_tet_and_the_make_up_saturday(dondoc) -> None:  # type: ignore[no-untyped-def]
    out = dondoc("calendar", "show", "2026")
    assert "17/02/2026 Thứ Ba Nghỉ Tết Nguyên Đán" in out
    assert "10/01/2026 Thứ Bảy Làm việc" in out


def test_an_office_day_off_changes_the_calendar(loaded) -> None:  # type: ignore[no-untyped-def]
    loaded("calendar", "set", "29/12/2025", "--off", "--name", "Nghỉ theo quyết định của cơ quan")
    assert "29/12/2025 Thứ Hai Nghỉ Nghỉ theo quyết định của cơ quan" in loaded(
        "calendar", "show", "2025"
    )


def test_a_dry_run_sweep_says_what_it_would_send_and_stores_nothing(loaded) -> None:  # type: ignore[no-untyped-def]
    out = loaded("sweep", "--as-of", "2025-12-18T09:00", "--dry-run")
    assert "Bản thử:" in out
    assert "Giao nhiệm vụ" in out
    assert "th@example.vn" in out
    assert json.loads(loaded("outbox", "list", "--json")) == []


def test_the_sweep_fills_the_outbox_and_outbox_show_prints_the_mail(loaded) -> None:  # type: ignore[no-untyped-def]
    assert "ngoài giờ làm việc" in loaded("sweep", "--as-of", "2025-12-18T18:30")
    out = loaded("sweep", "--as-of", "2025-12-18T09:00")
    assert "thư vào hàng đợi" in out
    rows = json.loads(loaded("outbox", "list", "--json"))
    assert [
        (r["id"], r["kind"], r["status"], r["to_email"], r["cc"], r["subject"], r["attempts"])
        for r in rows
    ] == [
        (5, "escalation", "pending", "th@example.vn", [],
         "[Đôn đốc khẩn] 1 nhiệm vụ quá hạn cần Đồng chí trực tiếp chỉ đạo", 0),
        (4, "overdue", "pending", "th@example.vn", [],
         "[Đôn đốc] 1 nhiệm vụ quá hạn chưa hoàn thành", 0),
        # the assignments in the tasks' order
        (3, "assignment", "pending", "th@example.vn", [],
         "[Giao nhiệm vụ] Theo dõi tình hình — nhiệm vụ thường xuyên", 0),
        (2, "assignment", "pending", "pl@example.vn", ["th@example.vn"],
         "[Giao nhiệm vụ] Tổng kết công tác năm — thời hạn 20/01/2026", 0),
        (1, "assignment", "pending", "th@example.vn", [],
         "[Giao nhiệm vụ] Xây dựng Chương trình công tác năm 2026 — thời hạn 15/12/2025", 0),
    ]  # fmt: skip
    assignment = next(r for r in rows if r["kind"] == "assignment")
    shown = loaded("outbox", "show", str(assignment["id"]))
    assert "Kính gửi: Đồng chí Vụ trưởng" in shown
    assert "Chờ gửi" in loaded("outbox", "list")


def test_the_units_and_the_directives_are_listed_with_their_counts(loaded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert re.findall(r"(\w+) Vụ \1", loaded("units", "list")) == ["DN", "PL", "TH", "VP"]
    draft = directive(
        "46/TB-VPCTN", task("Chưa rõ thời hạn", deadline=None), issued_on="2025-11-27"
    )
    loaded("directive", "import", str(directives_file(tmp_path, draft, name="d.yaml")))
    listed = loaded("--lang", "en", "directives", "list")
    title = "Chủ tịch nước Thông báo kết luận của Chủ tịch nước"
    assert f"45/TB-VPCTN 26/11/2025 {title} 3 0" in listed
    assert f"46/TB-VPCTN 27/11/2025 {title} 1 1" in listed
    assert listed.index("45/TB-VPCTN") < listed.index("46/TB-VPCTN")


def test_the_help_lists_the_commands_and_groups_in_their_order() -> None:
    command = typer.main.get_command(cli.app)
    groups = ["units", "directive", "directives", "task", "outbox", "tasks", "calendar"]
    assert list(command.commands) == [  # type: ignore[attr-defined]
        *("init", "sweep", "deliver", "serve", "web", "check"),
        *groups,
        "report",
        "deadline",
    ]
    directive_group = command.commands["directive"]  # type: ignore[attr-defined]
    assert list(directive_group.commands) == ["draft", "import"]
