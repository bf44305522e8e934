"""The demo data in examples/ imports cleanly and shows what the demo needs to show."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from engine.calendar_file import build_calendar, read_calendar_file
from engine.domain.calendar import WorkingCalendar
from engine.domain.model import Clear, DirectiveSpec, Recurrence, TaskSpec, Unit
from engine.intake.problems import ImportRefused
from engine.intake.readers import read_directives, read_units
from engine.intake.validate import DraftNote, validate_directives, validate_units
from engine.settings import DEFAULT_CALENDAR_FILE

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
UNITS_FILE = EXAMPLES / "units.yaml"
DIRECTIVE_FILES = sorted((EXAMPLES / "directives").glob("*.yaml"))


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return build_calendar("Asia/Ho_Chi_Minh", "VN", read_calendar_file(DEFAULT_CALENDAR_FILE))


@pytest.fixture(scope="module")
def units() -> dict[str, Unit]:
    try:
        loaded = validate_units(read_units(UNITS_FILE), existing_codes=[])
    except ImportRefused as refused:
        pytest.fail(refused.render("vi"))
    return {u.code: u for u in loaded}


def _import(
    path: Path, units: dict[str, Unit], calendar: WorkingCalendar
) -> tuple[list[DirectiveSpec], list[DraftNote]]:
    records, problems = read_directives(path)
    try:
        return validate_directives(records, units, [], calendar, reader_problems=problems)
    except ImportRefused as refused:
        pytest.fail(refused.render("vi"))


@pytest.fixture(scope="module")
def imported(
    units: dict[str, Unit], calendar: WorkingCalendar
) -> dict[str, tuple[DirectiveSpec, list[DraftNote]]]:
    out: dict[str, tuple[DirectiveSpec, list[DraftNote]]] = {}
    for path in DIRECTIVE_FILES:
        specs, drafts = _import(path, units, calendar)
        assert len(specs) == 1, f"{path.name} should hold exactly one directive"
        out[path.name] = (specs[0], drafts)
    return out


def _all_tasks(
    imported: dict[str, tuple[DirectiveSpec, list[DraftNote]]],
) -> list[tuple[DirectiveSpec, TaskSpec]]:
    return [(spec, task) for spec, _ in imported.values() for task in spec.tasks]


def test_example_units_import_without_problems(units: dict[str, Unit]) -> None:
    assert 8 <= len(units) <= 14
    assert units["VPCTN"].parent_code is None
    departments = [
        u for u in units.values() if u.code.startswith("VPCTN-") and u.code.count("-") == 1
    ]
    assert departments
    assert all(u.parent_code == "VPCTN" for u in departments)


def test_every_active_example_unit_has_a_head_with_an_example_address(
    units: dict[str, Unit],
) -> None:
    for unit in units.values():
        people = ([unit.head] if unit.head else []) + list(unit.deputies)
        assert all(p.email.endswith("@example.vn") for p in people), unit.code
        if unit.active:
            assert unit.head is not None, unit.code


def test_exactly_one_example_unit_receives_mail_in_english(units: dict[str, Unit]) -> None:
    english = [u.code for u in units.values() if u.language == "en"]
    assert len(english) == 1
    assert units[english[0]].name_en


def test_there_are_three_example_directives() -> None:
    assert len(DIRECTIVE_FILES) == 3


@pytest.mark.parametrize("path", DIRECTIVE_FILES, ids=lambda p: p.name)
def test_every_example_directive_imports_without_problems(
    path: Path, units: dict[str, Unit], calendar: WorkingCalendar
) -> None:
    specs, _ = _import(path, units, calendar)
    assert len(specs) == 1
    assert 4 <= len(specs[0].tasks) <= 8


def test_example_references_are_unique_across_files(
    imported: dict[str, tuple[DirectiveSpec, list[DraftNote]]],
) -> None:
    references = [spec.reference for spec, _ in imported.values()]
    assert len(set(references)) == len(references)


def test_examples_show_exactly_one_draft_task_and_what_it_lacks(
    imported: dict[str, tuple[DirectiveSpec, list[DraftNote]]],
) -> None:
    drafts = [note for _, notes in imported.values() for note in notes]
    assert len(drafts) == 1
    (draft,) = drafts
    assert draft.missing == (Clear.DELIVERABLE,)
    assert "còn thiếu: sản phẩm" in draft.where.render("vi")


def test_every_source_quote_is_quoted_from_its_directive_text(
    imported: dict[str, tuple[DirectiveSpec, list[DraftNote]]],
) -> None:
    for spec, task in _all_tasks(imported):
        assert task.source_quote, f"{spec.reference} task {task.number} has no source quote"
        assert task.source_quote in spec.text, f"{spec.reference} task {task.number}"


def test_no_example_deadline_falls_before_its_issue_date(
    imported: dict[str, tuple[DirectiveSpec, list[DraftNote]]],
) -> None:
    for spec, task in _all_tasks(imported):
        if task.deadline is not None:
            assert task.deadline >= spec.issued_on, f"{spec.reference} task {task.number}"


def test_examples_show_each_way_of_giving_a_deadline(
    imported: dict[str, tuple[DirectiveSpec, list[DraftNote]]],
) -> None:
    tasks = [task for _, task in _all_tasks(imported)]
    assert any(t.deadline_working_days is not None for t in tasks)
    assert any(t.recurrence is Recurrence.MONTHLY for t in tasks)
    assert any(t.recurrence is Recurrence.ONGOING and t.deadline is None for t in tasks)
    months = {(t.deadline.year, t.deadline.month) for t in tasks if t.deadline is not None}
    assert {(2025, 12), (2026, 1), (2026, 2)} <= months


def test_working_day_deadlines_skip_holidays_and_count_make_up_saturdays(
    imported: dict[str, tuple[DirectiveSpec, list[DraftNote]]],
) -> None:
    by_reference = {spec.reference: spec for spec, _ in imported.values()}
    # 10 working days from Monday 05/01/2026 count the make-up Saturday 10/01/2026.
    assert by_reference["01/TB-VPCTN"].tasks[0].deadline == date(2026, 1, 16)
    # 5 working days from Thursday 28/08/2025 skip the National Day break (30/8-02/9/2025).
    assert by_reference["32/TB-VPCTN"].tasks[3].deadline == date(2025, 9, 8)


@pytest.mark.parametrize("path", [UNITS_FILE, *DIRECTIVE_FILES], ids=lambda p: p.name)
def test_example_files_are_utf8_with_composed_vietnamese_letters(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
