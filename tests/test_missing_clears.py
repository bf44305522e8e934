"""The six clears (6 rõ) a task needs before it can be assigned."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from engine.domain.model import (
    Clear,
    Person,
    Recurrence,
    TaskSpec,
    Unit,
    describe_missing,
    missing_clears,
)

HEAD = Person(name="Nguyễn Văn An", email="an.nv@vpctn.gov.vn", title="Vụ trưởng")


def unit(head: Person | None = HEAD) -> Unit:
    return Unit(code="VTH", name_vi="Vụ Tổng hợp", name_en="General Affairs Department", head=head)


def full_task(**changes: object) -> TaskSpec:
    task = TaskSpec(
        title="Báo cáo kết quả thực hiện Nghị quyết 01 quý I",
        lead_unit="VTH",
        deadline=date(2026, 3, 31),
        deliverable="Báo cáo trình Chủ tịch nước",
        authority="Chủ tịch nước",
    )
    return replace(task, **changes)  # type: ignore[arg-type]


def test_a_task_with_all_six_clears_lacks_nothing() -> None:
    assert missing_clears(full_task(), unit()) == []


@pytest.mark.parametrize(
    ("changes", "lead_unit", "missing"),
    [
        ({"lead_unit": None}, None, Clear.WHO),
        ({"lead_unit": ""}, None, Clear.WHO),
        ({"title": ""}, unit(), Clear.WHAT),
        ({"title": "   "}, unit(), Clear.WHAT),
        ({"deadline": None}, unit(), Clear.WHEN),
        ({}, unit(head=None), Clear.ACCOUNTABLE),
        ({}, None, Clear.ACCOUNTABLE),
        ({"deliverable": ""}, unit(), Clear.DELIVERABLE),
        ({"deliverable": " \t"}, unit(), Clear.DELIVERABLE),
        ({"authority": ""}, unit(), Clear.AUTHORITY),
    ],
    ids=[
        "no-lead-unit",
        "empty-lead-unit",
        "empty-title",
        "blank-title",
        "no-deadline",
        "lead-unit-without-head",
        "lead-unit-not-in-directory",
        "empty-deliverable",
        "blank-deliverable",
        "empty-authority",
    ],
)
def test_each_missing_clear_is_reported_on_its_own(
    changes: dict[str, object], lead_unit: Unit | None, missing: Clear
) -> None:
    assert missing_clears(full_task(**changes), lead_unit) == [missing]


def test_a_lead_unit_whose_directory_entry_has_no_head_lacks_accountable() -> None:
    headless = unit(head=None)

    assert missing_clears(full_task(), headless) == [Clear.ACCOUNTABLE]


def test_no_lead_unit_is_reported_as_who_not_also_accountable() -> None:
    assert missing_clears(full_task(lead_unit=None), None) == [Clear.WHO]


@pytest.mark.parametrize(
    "when",
    [
        {"deadline": date(2026, 3, 31)},
        {"deadline_working_days": 10},
        {"recurrence": Recurrence.ONGOING},
        {"recurrence": Recurrence.MONTHLY},
    ],
    ids=["deadline", "working-days", "ongoing", "monthly"],
)
def test_any_one_of_deadline_working_days_or_recurrence_satisfies_when(
    when: dict[str, object],
) -> None:
    task = full_task(**{"deadline": None, **when})

    assert Clear.WHEN not in missing_clears(task, unit())
    assert missing_clears(task, unit()) == []


def test_an_ongoing_duty_without_a_deadline_lacks_nothing() -> None:
    task = full_task(deadline=None, recurrence=Recurrence.ONGOING)

    assert missing_clears(task, unit()) == []


def test_an_empty_task_lacks_every_clear_and_accountable_is_left_to_who() -> None:
    empty = TaskSpec(title="")

    assert missing_clears(empty, None) == [
        Clear.WHO,
        Clear.WHAT,
        Clear.WHEN,
        Clear.DELIVERABLE,
        Clear.AUTHORITY,
    ]


def test_every_clear_has_a_distinct_vietnamese_and_english_label() -> None:
    assert len({c.label_vi for c in Clear}) == len(Clear)
    assert len({c.label_en for c in Clear}) == len(Clear)
    assert all(c.label_vi and c.label_en for c in Clear)


def test_what_is_missing_reads_as_one_sentence() -> None:
    missing = [Clear.DELIVERABLE, Clear.AUTHORITY]
    assert describe_missing(missing) == "chưa đủ 6 rõ, còn thiếu: sản phẩm; cấp có thẩm quyền"
    assert (
        describe_missing(missing, "en")
        == "not all six clears; missing: deliverable; approving authority"
    )
