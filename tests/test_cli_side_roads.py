"""`dondoc task pause|resume|decline|reassign|return`, `task extend --override` and
`dondoc units absence-add|absences|absence-remove`, as a coordinator types them (SQLite)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.builders import STANDARD_UNITS, directive, directives_file, task, units_file

Run = Callable[..., str]


@pytest.fixture
def loaded(dondoc: Run, tmp_path: Path) -> Run:
    dondoc("init")
    dondoc("units", "import", str(units_file(tmp_path, *STANDARD_UNITS)))
    path = directives_file(
        tmp_path,
        directive(
            "45/TB-VPCTN",
            task("Xây dựng Chương trình công tác năm 2026"),  # TH, due Mon 15/12/2025
            task("Việc đến Tết 2027", deadline="2027-02-06"),
        ),
    )
    dondoc("directive", "import", str(path))
    return dondoc


def test_a_pause_and_its_end_move_the_deadline_and_show_in_the_history(loaded: Run) -> None:
    out = loaded("task", "pause", "1", "--reason", "Chờ ý kiến Bộ Tư pháp",
                 "--at", "2025-12-01T10:00")  # fmt: skip
    assert "Nhiệm vụ 1: Tạm dừng" in out
    assert "Tạm dừng thực hiện" in loaded("tasks", "list")
    out = loaded("task", "resume", "1", "--reason", "Đã có ý kiến", "--at", "2025-12-05T10:00")
    assert "thời hạn 19/12/2025" in out  # 4 working days paused (02-05/12): 15/12 + 4
    shown = loaded("task", "show", "1")
    assert "Tạm dừng → Đang thực hiện (thời hạn mới 19/12/2025)" in shown


def test_a_decline_then_a_reassignment_to_another_unit(loaded: Run) -> None:
    loaded("task", "decline", "1", "--reason", "Không thuộc chức năng", "--at",
           "2025-12-01T10:00", "--by", "th@example.vn")  # fmt: skip
    out = loaded("task", "reassign", "1", "--unit", "PL", "--reason", "Giao Vụ PL",
                 "--at", "2025-12-02T10:00")  # fmt: skip
    assert "Nhiệm vụ 1: Đã giao" in out
    shown = loaded("task", "show", "1")
    assert "PL — Vụ PL" in shown
    assert "(TH → PL)" in shown
    assert "Không thuộc chức năng" in shown


def test_a_decline_returned_to_the_unit(loaded: Run) -> None:
    loaded("task", "decline", "1", "--reason", "Không", "--at", "2025-12-01T10:00")
    out = loaded("task", "return", "1", "--reason", "Thuộc chức năng của Vụ",
                 "--at", "2025-12-02T10:00")  # fmt: skip
    assert "Nhiệm vụ 1: Đang thực hiện" in out


def test_a_plain_update_cannot_pause(loaded: Run) -> None:
    out = loaded("task", "update", "1", "--status", "paused", code=1)
    assert "pause" in out


def test_the_third_extension_needs_an_override(loaded: Run) -> None:
    for n, until in enumerate(("22/12/2025", "29/12/2025", "05/01/2026"), start=1):
        out = loaded("task", "extend", "1", "--until", until, "--reason", "Thêm",
                     "--at", f"2025-12-0{n}T10:00")  # fmt: skip
    assert "thời hạn 29/12/2025" in out  # the third was refused by the policy
    out = loaded("task", "extend", "1", "--until", "05/01/2026", "--reason", "Thêm",
                 "--override", "--at", "2025-12-04T10:00")  # fmt: skip
    assert "thời hạn 05/01/2026" in out
    shown = loaded("task", "show", "1")
    assert "vượt số lần gia hạn tối đa" in shown
    assert shown.count("vượt") >= 3  # the refusal's request and decision, and the override


def test_a_deadline_on_a_day_off_shows_the_date_as_written(loaded: Run) -> None:
    shown = loaded("task", "show", "2")
    assert "11/02/2027" in shown
    assert "Ngày ghi trong văn bản (ngày nghỉ) 06/02/2027" in shown


def test_absences_are_recorded_listed_and_removed(loaded: Run) -> None:
    out = loaded("units", "absence-add", "th@example.vn", "--from", "04/12/2025", "--to",
                 "10/12/2025", "--acting-name", "Phó TH", "--acting-email",
                 "pho.th@example.vn", "--acting-title", "Phó Vụ trưởng")  # fmt: skip
    assert "Kỳ vắng mặt số 1" in out
    listed = loaded("units", "absences", "--on", "10/12/2025")
    assert "pho.th@example.vn" in listed
    assert "pho.th@example.vn" not in loaded("units", "absences", "--on", "11/12/2025")
    loaded("units", "absence-remove", "1")
    assert "pho.th@example.vn" not in loaded("units", "absences")
    out = loaded("units", "absence-add", "th@example.vn", "--from", "10/12/2025", "--to",
                 "04/12/2025", "--acting-name", "X", "--acting-email", "x@example.vn",
                 code=1)  # fmt: skip
    assert "trước ngày bắt đầu" in out
