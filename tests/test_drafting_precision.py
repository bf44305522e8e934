"""The false tasks drafting leaves out, and why each task is of its kind: one short
report for each rule, in Vietnamese and English."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine.calendar_file import build_calendar, read_calendar_file
from engine.domain.calendar import WorkingCalendar
from engine.extract.tasks import Extraction, extract
from engine.extract.units import UnitDirectory
from engine.intake.readers import read_units
from engine.intake.validate import validate_units
from engine.settings import DEFAULT_CALENDAR_FILE

UNITS = Path(__file__).resolve().parent.parent / "examples" / "units.yaml"
ON = date(2025, 12, 1)


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return build_calendar("Asia/Ho_Chi_Minh", "VN", read_calendar_file(DEFAULT_CALENDAR_FILE))


@pytest.fixture(scope="module")
def directory() -> UnitDirectory:
    return UnitDirectory(validate_units(read_units(UNITS), []))


def _draft(text: str, directory: UnitDirectory, calendar: WorkingCalendar) -> Extraction:
    return extract(text, directory, calendar, ON)


def _quotes(text: str, directory: UnitDirectory, calendar: WorkingCalendar) -> list[str]:
    return [t.quote for t in _draft(text, directory, calendar).tasks]


OPENING = "Sáng 01/12/2025, Chủ tịch nước chủ trì cuộc họp với Văn phòng Chủ tịch nước.\n"


@pytest.mark.parametrize(
    "sentence",
    [
        # praise of a unit's results
        "Chủ tịch nước biểu dương Vụ Đối ngoại đã chủ động tham mưu, kịp thời chỉ đạo.",
        # what another body did, in the third person
        "Bộ Công an đã phối hợp với Bộ Ngoại giao đưa hơn 300 công dân về nước.",
        "Thời gian qua, các bộ, cơ quan đã tích cực phối hợp, tháo gỡ nhiều vướng mắc.",
        # the situation, cut out of a longer sentence
        "Chủ tịch nước lưu ý, khối lượng công việc rất lớn, đòi hỏi sự phối hợp chặt chẽ.",
        # a reorganisation already carried out
        "Văn phòng đã hoàn thành việc sắp xếp lại các phòng thuộc Vụ Tổ chức - Hành chính.",
        # a notice's closing words
        "Văn phòng Chủ tịch nước thông báo để các đơn vị biết, thực hiện./.",
    ],
)
def test_a_sentence_that_instructs_no_one_is_not_a_task(
    sentence: str, directory: UnitDirectory, calendar: WorkingCalendar
) -> None:
    text = (
        OPENING
        + "Kết luận cuộc họp, Chủ tịch nước yêu cầu Vụ Pháp luật hoàn thiện hồ sơ đặc xá "
        + "trước ngày 20/12/2025.\n"
        + sentence
        + "\n"
    )
    assert _quotes(text, directory, calendar) == [
        "Chủ tịch nước yêu cầu Vụ Pháp luật hoàn thiện hồ sơ đặc xá trước ngày 20/12/2025"
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Ministry of Finance has already allocated VND 2 trillion for land clearance.",
        "The Office completed the merger of its two information units in March.",
        "The Deputy Prime Minister commended the Ministry of Foreign Affairs for its work.",
        "He said that the workload in the coming months will be heavy.",
        "The Office of the President hereby informs the units concerned for implementation.",
    ],
)
def test_an_english_sentence_that_instructs_no_one_is_not_a_task(
    sentence: str, directory: UnitDirectory, calendar: WorkingCalendar
) -> None:
    text = (
        "On December 1, 2025, the President chaired a meeting with the Office of the President.\n"
        "Concluding the meeting, the President asked the Legal Affairs Department to complete "
        "the amnesty dossier by December 20, 2025.\n" + sentence + "\n"
    )
    assert len(_quotes(text, directory, calendar)) == 1


def test_each_item_a_unit_leads_in_a_numbered_notice_is_a_task(
    directory: UnitDirectory, calendar: WorkingCalendar
) -> None:
    """No cue word in the items: after "kết luận như sau:" they are the leader's words."""
    text = (
        OPENING + "Sau khi nghe báo cáo, Chủ tịch nước kết luận như sau:\n"
        "1. Đánh giá chung\n"
        "Năm 2025, Văn phòng đã hoàn thành tốt các nhiệm vụ được giao.\n"
        "2. Nhiệm vụ thời gian tới\n"
        "a) Vụ Tổng hợp xây dựng Chương trình công tác năm 2026, trình trước ngày 31/12/2025.\n"
        "b) Trung tâm Thông tin cập nhật thường xuyên các hoạt động của lãnh đạo Nhà nước.\n"
    )
    got = _draft(text, directory, calendar).tasks
    assert [(t.unit_code, t.quote[:20]) for t in got] == [
        ("VPCTN-TH", "Vụ Tổng hợp xây dựng"),
        ("VPCTN-TTTT", "Trung tâm Thông tin "),
    ]
    assert (got[1].recurrence, got[1].deadline) == ("ongoing", None)


def test_a_periodic_report_joined_to_a_dated_task_is_a_task_of_its_own(
    directory: UnitDirectory, calendar: WorkingCalendar
) -> None:
    text = (
        "On December 1, 2025, the President chaired a meeting with the Office of the President.\n"
        "The Legal Affairs Department must complete the amnesty dossier by December 20, 2025 "
        "and report progress to the Office every month.\n"
    )
    first, second = _draft(text, directory, calendar).tasks
    assert (first.deadline, first.recurrence) == (date(2025, 12, 20), None)
    assert (second.unit_code, second.deadline, second.recurrence) == ("VPCTN-PL", None, "monthly")


@pytest.mark.parametrize(
    ("sentence", "kind", "because", "recurrence", "recurrence_because"),
    [
        (
            "Vụ Pháp luật hoàn thiện hồ sơ đặc xá trong quý I/2026.",
            "task",
            "có thời hạn “quý I/2026”",
            None,
            "",
        ),
        (
            "Vụ Tổng hợp báo cáo Lãnh đạo Văn phòng hằng quý.",
            "task",
            "báo cáo định kỳ “hằng quý”",
            "quarterly",
            "“hằng quý”",
        ),
        (
            "Các vụ, đơn vị cần tiếp tục nâng cao chất lượng tham mưu.",
            "ongoing_duty",
            "lời đôn đốc về cách làm việc",
            "ongoing",
            "không thời hạn, là nhiệm vụ thường xuyên",
        ),
        (
            "Vụ Đối ngoại cần theo dõi sát tình hình công dân ở nước ngoài.",
            "task",
            "việc theo dõi liên tục",
            "ongoing",
            "theo dõi liên tục, không thời hạn",
        ),
    ],
)
def test_each_task_says_which_cue_decided_its_kind_and_recurrence(
    sentence: str,
    kind: str,
    because: str,
    recurrence: str | None,
    recurrence_because: str,
    directory: UnitDirectory,
    calendar: WorkingCalendar,
) -> None:
    text = OPENING + "Kết luận cuộc họp, Chủ tịch nước yêu cầu:\n- " + sentence + "\n"
    [task] = _draft(text, directory, calendar).tasks
    assert (task.kind, task.recurrence) == (kind, recurrence)
    assert task.kind_reason.startswith(because), task.kind_reason
    assert task.recurrence_reason.startswith(recurrence_because), task.recurrence_reason
