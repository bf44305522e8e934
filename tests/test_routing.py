"""Who receives which notice: the routing rule, one row per case, written out."""

from __future__ import annotations

import pytest

from engine.domain.model import Person, Unit
from engine.domain.policy import Audience, NoticeKind
from engine.domain.routing import OfficeAddresses, Recipient, Route, head_of, route

BEFORE, DUE, OVERDUE = NoticeKind.BEFORE, NoticeKind.DUE, NoticeKind.OVERDUE
ASSIGNMENT, ESCALATION = NoticeKind.ASSIGNMENT, NoticeKind.ESCALATION
UNIT, PARENT, LEADER = Audience.UNIT, Audience.PARENT, Audience.LEADER

VP = Unit(
    "VP",
    "Văn phòng",
    "Office",
    head=Person("Trần Văn Bình", "vp@example.vn", "Chánh Văn phòng"),
)
TH = Unit(
    "TH",
    "Vụ Tổng hợp",
    "General Affairs Department",
    head=Person("Nguyễn Đức Long", "th@example.vn", "Vụ trưởng"),
    deputies=(
        Person("Lê Thị Hoa", "pho1.th@example.vn", "Phó Vụ trưởng"),
        Person("Phạm Văn Nam", "pho2.th@example.vn", "Phó Vụ trưởng"),
    ),
    parent_code="VP",
)
PL = Unit("PL", "Vụ Pháp luật", head=Person("Đỗ Minh Châu", "pl@example.vn", "Vụ trưởng"))
QT = Unit("QT", "Vụ Quốc tế", parent_code="VP")  # no head yet
HT = Unit("HT", "Phòng Hợp tác", head=Person("Vũ An", "ht@example.vn"), parent_code="QT")

OFFICE = OfficeAddresses(
    leadership="lanhdao.vanphong@example.vn",
    leader="lanhdao@example.vn",
    coordinator="theodoi@example.vn",
)
NO_COORDINATOR = OfficeAddresses("lanhdao.vanphong@example.vn", "lanhdao@example.vn", None)
EMPTY_COORDINATOR = OfficeAddresses("lanhdao.vanphong@example.vn", "lanhdao@example.vn", "")
NO_LEADER = OfficeAddresses("lanhdao.vanphong@example.vn", None, "theodoi@example.vn")
NO_LEADERSHIP = OfficeAddresses(None, "lanhdao@example.vn", "theodoi@example.vn")
NOBODY = OfficeAddresses(None, None, None)
HEAD_COORDINATES = OfficeAddresses(  # the head of TH is also the office's coordinator
    "lanhdao.vanphong@example.vn", "lanhdao@example.vn", "th@example.vn"
)
LEADERSHIP_COORDINATES = OfficeAddresses(
    "lanhdao.vanphong@example.vn", "lanhdao@example.vn", "lanhdao.vanphong@example.vn"
)


@pytest.mark.parametrize(
    ("kind", "audience", "lead", "parent", "office", "coordinating", "to", "cc"),
    [
        # assignment: the head, the coordinating units' heads in copy, not the coordinator
        pytest.param(ASSIGNMENT, None, TH, VP, OFFICE, ("pl@example.vn",),
                     "th@example.vn", ["pl@example.vn"], id="assignment-head-coordinating-cc"),
        pytest.param(ASSIGNMENT, None, TH, VP, OFFICE, (),
                     "th@example.vn", [], id="assignment-no-coordinating-units"),
        pytest.param(ASSIGNMENT, None, TH, VP, OFFICE, ("", "pl@example.vn", "th@example.vn"),
                     "th@example.vn", ["pl@example.vn"], id="assignment-head-not-in-its-own-copy"),
        pytest.param(ASSIGNMENT, None, QT, VP, OFFICE, ("pl@example.vn",),
                     None, None, id="assignment-unit-without-head-unaddressed"),
        # reminders (level 0): the head alone; deputies, coordinator, coordinating units not
        pytest.param(BEFORE, None, TH, VP, OFFICE, ("pl@example.vn",),
                     "th@example.vn", [], id="before-head-alone"),
        pytest.param(DUE, None, TH, VP, OFFICE, (),
                     "th@example.vn", [], id="due-head-alone"),
        pytest.param(OVERDUE, None, TH, VP, OFFICE, (),
                     "th@example.vn", [], id="overdue-head-alone"),
        pytest.param(OVERDUE, None, QT, VP, OFFICE, (),
                     None, None, id="overdue-unit-without-head-unaddressed"),
        pytest.param(BEFORE, None, None, None, OFFICE, (),
                     None, None, id="before-no-lead-unit-unaddressed"),
        # level 1: the head, the deputies and the coordinator in copy
        pytest.param(ESCALATION, UNIT, TH, VP, OFFICE, (),
                     "th@example.vn",
                     ["pho1.th@example.vn", "pho2.th@example.vn", "theodoi@example.vn"],
                     id="level-1-head-deputies-coordinator"),
        pytest.param(ESCALATION, UNIT, PL, None, OFFICE, (),
                     "pl@example.vn", ["theodoi@example.vn"], id="level-1-no-deputies"),
        pytest.param(ESCALATION, UNIT, TH, VP, NO_COORDINATOR, (),
                     "th@example.vn", ["pho1.th@example.vn", "pho2.th@example.vn"],
                     id="level-1-no-coordinator"),
        pytest.param(ESCALATION, UNIT, TH, VP, EMPTY_COORDINATOR, (),
                     "th@example.vn", ["pho1.th@example.vn", "pho2.th@example.vn"],
                     id="level-1-empty-coordinator"),
        pytest.param(ESCALATION, UNIT, TH, VP, HEAD_COORDINATES, (),
                     "th@example.vn", ["pho1.th@example.vn", "pho2.th@example.vn"],
                     id="level-1-head-is-coordinator-not-in-copy"),
        pytest.param(ESCALATION, UNIT, QT, VP, OFFICE, (),
                     None, None, id="level-1-unit-without-head-unaddressed"),
        # level 2: the parent unit's head, or the leadership; the head and coordinator in copy
        pytest.param(ESCALATION, PARENT, TH, VP, OFFICE, (),
                     "vp@example.vn", ["th@example.vn", "theodoi@example.vn"],
                     id="level-2-parent-head"),
        pytest.param(ESCALATION, PARENT, TH, VP, NO_COORDINATOR, (),
                     "vp@example.vn", ["th@example.vn"], id="level-2-parent-no-coordinator"),
        pytest.param(ESCALATION, PARENT, PL, None, OFFICE, (),
                     "lanhdao.vanphong@example.vn", ["pl@example.vn", "theodoi@example.vn"],
                     id="level-2-no-parent-leadership"),
        pytest.param(ESCALATION, PARENT, PL, None, NO_COORDINATOR, (),
                     "lanhdao.vanphong@example.vn", ["pl@example.vn"],
                     id="level-2-no-parent-leadership-no-coordinator"),
        pytest.param(ESCALATION, PARENT, HT, QT, OFFICE, (),
                     "lanhdao.vanphong@example.vn", ["ht@example.vn", "theodoi@example.vn"],
                     id="level-2-parent-without-head-leadership"),
        pytest.param(ESCALATION, PARENT, QT, VP, OFFICE, (),
                     "vp@example.vn", ["theodoi@example.vn"], id="level-2-unit-without-head"),
        pytest.param(ESCALATION, PARENT, None, None, OFFICE, (),
                     "lanhdao.vanphong@example.vn", ["theodoi@example.vn"],
                     id="level-2-no-lead-unit-leadership"),
        pytest.param(ESCALATION, PARENT, PL, None, LEADERSHIP_COORDINATES, (),
                     "lanhdao.vanphong@example.vn", ["pl@example.vn"],
                     id="level-2-leadership-is-coordinator-not-in-copy"),
        pytest.param(ESCALATION, PARENT, PL, None, NO_LEADERSHIP, (),
                     None, None, id="level-2-no-parent-no-leadership-unaddressed"),
        # level 3: the leader's digest (else the leadership), the coordinator in copy
        pytest.param(ESCALATION, LEADER, TH, VP, OFFICE, (),
                     "lanhdao@example.vn", ["theodoi@example.vn"], id="level-3-leader"),
        pytest.param(ESCALATION, LEADER, TH, VP, NO_COORDINATOR, (),
                     "lanhdao@example.vn", [], id="level-3-leader-no-coordinator"),
        pytest.param(ESCALATION, LEADER, TH, VP, NO_LEADER, (),
                     "lanhdao.vanphong@example.vn", ["theodoi@example.vn"],
                     id="level-3-no-leader-leadership"),
        pytest.param(ESCALATION, LEADER, QT, VP, OFFICE, (),
                     "lanhdao@example.vn", ["theodoi@example.vn"],
                     id="level-3-unit-without-head-still-leader"),
        pytest.param(ESCALATION, LEADER, TH, VP, NOBODY, (),
                     None, None, id="level-3-nobody-configured-unaddressed"),
    ],
)  # fmt: skip
def test_a_notice_goes_to_whom_the_rule_says(
    kind: NoticeKind,
    audience: Audience | None,
    lead: Unit | None,
    parent: Unit | None,
    office: OfficeAddresses,
    coordinating: tuple[str, ...],
    to: str | None,
    cc: list[str] | None,
) -> None:
    routed = route(kind, audience, lead, parent, office, coordinating)

    if to is None:
        assert routed is None
    else:
        assert routed is not None
        assert (routed.to.email, sorted(routed.cc)) == (to, cc)


def test_the_head_is_addressed_by_name_and_title_in_the_units_language() -> None:
    english = Unit("QT", "Vụ Quốc tế", "International Department", head=PL.head, language="en")

    assert route(BEFORE, None, TH, VP, OFFICE) == Route(
        Recipient("Nguyễn Đức Long", "Vụ trưởng", "th@example.vn", "Vụ Tổng hợp", "vi")
    )
    assert head_of(english) == Recipient(
        "Đỗ Minh Châu", "Vụ trưởng", "pl@example.vn", "International Department", "en"
    )


def test_an_english_unit_without_an_english_name_keeps_its_vietnamese_one() -> None:
    unit = Unit("QT", "Vụ Quốc tế", "", head=PL.head, language="en")

    assert head_of(unit) == Recipient(
        "Đỗ Minh Châu", "Vụ trưởng", "pl@example.vn", "Vụ Quốc tế", "en"
    )


NAMED = OfficeAddresses(
    "lanhdao.vanphong@example.vn", "lanhdao@example.vn", name="Văn phòng Chủ tịch nước"
)


@pytest.mark.parametrize(
    ("audience", "office", "expected"),
    [
        pytest.param(PARENT, NAMED,
                     Recipient("", "Lãnh đạo", "lanhdao.vanphong@example.vn",
                               "Văn phòng Chủ tịch nước", "vi", person=False),
                     id="leadership"),
        pytest.param(LEADER, NAMED,
                     Recipient("", "Lãnh đạo", "lanhdao@example.vn", "Văn phòng Chủ tịch nước",
                               "vi", person=False),
                     id="leader"),
        pytest.param(LEADER, OFFICE, Recipient("", "Lãnh đạo", "lanhdao@example.vn", "", "vi",
                                               person=False),
                     id="leader-of-an-unnamed-office"),
        pytest.param(LEADER, OfficeAddresses("lanhdao.vanphong@example.vn", language="en",
                                             name="Office of the President"),
                     Recipient("", "Leadership", "lanhdao.vanphong@example.vn",
                               "Office of the President", "en", person=False),
                     id="leadership-as-leader-in-the-office-language"),
    ],
)  # fmt: skip
def test_the_office_is_addressed_as_a_body_by_title_in_the_office_language(
    audience: Audience, office: OfficeAddresses, expected: Recipient
) -> None:
    routed = route(ESCALATION, audience, PL, None, office)

    assert routed is not None
    assert routed.to == expected


def test_an_escalation_of_a_task_without_a_lead_unit_does_not_read_the_missing_unit() -> None:
    # level 1 goes to the lead unit's head: without a lead unit nobody can receive it;
    # level 3 goes to the leader all the same, the coordinator in copy
    unit_level = route(ESCALATION, UNIT, None, None, OFFICE)
    leader_level = route(ESCALATION, LEADER, None, None, OFFICE)

    assert unit_level is None
    assert leader_level is not None
    assert (leader_level.to.email, sorted(leader_level.cc)) == (
        "lanhdao@example.vn",
        ["theodoi@example.vn"],
    )
