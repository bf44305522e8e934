"""Who acts for a person away, on its own (issue 16): the absence's days, both included,
and the recipient and copies of a mail on each day."""

from __future__ import annotations

from datetime import date

import pytest

from engine.domain.absence import Absence, acting_for, stand_in
from engine.domain.errors import DomainError
from engine.domain.model import Person
from engine.domain.routing import Recipient

HEAD = Recipient("Phạm Văn Thành", "Vụ trưởng", "thanhpv@example.vn", "Vụ Tổng hợp")
DEPUTY = Person("Lê Thị Mai Anh", "anhltm@example.vn", "Phó Vụ trưởng")
AWAY = Absence("ThanhPV@example.vn", date(2025, 12, 8), date(2025, 12, 12), DEPUTY)


@pytest.mark.parametrize(
    ("day", "acting"),
    [
        (date(2025, 12, 7), None),  # the day before
        (date(2025, 12, 8), DEPUTY),  # the first day
        (date(2025, 12, 10), DEPUTY),
        (date(2025, 12, 12), DEPUTY),  # the last day
        (date(2025, 12, 13), None),  # the day after
    ],
)
def test_the_acting_person_stands_in_on_the_days_of_the_absence_only(
    day: date, acting: Person | None
) -> None:
    assert acting_for("thanhpv@example.vn", day, [AWAY]) == acting


def test_mail_to_the_absent_person_goes_to_the_acting_one_with_them_in_copy() -> None:
    to, cc = stand_in(HEAD, {"theodoi@example.vn"}, [AWAY], date(2025, 12, 8))
    assert (to.name, to.title, to.email, to.unit_name) == (
        "Lê Thị Mai Anh", "Phó Vụ trưởng", "anhltm@example.vn", "Vụ Tổng hợp",
    )  # fmt: skip
    assert cc == {"theodoi@example.vn", "thanhpv@example.vn"}


def test_outside_the_absence_nothing_changes() -> None:
    assert stand_in(HEAD, {"x@example.vn"}, [AWAY], date(2025, 12, 13)) == (
        HEAD,
        frozenset({"x@example.vn"}),
    )


def test_an_absent_person_in_copy_has_the_acting_person_in_copy_beside_them() -> None:
    parent = Recipient("Trần Quốc Hưng", "Chủ nhiệm", "hungtq@example.vn", "Văn phòng")
    to, cc = stand_in(parent, {"thanhpv@example.vn"}, [AWAY], date(2025, 12, 9))
    assert to == parent
    assert cc == {"thanhpv@example.vn", "anhltm@example.vn"}


def test_the_acting_person_is_never_in_copy_of_their_own_mail() -> None:
    to, cc = stand_in(HEAD, {"anhltm@example.vn"}, [AWAY], date(2025, 12, 9))
    assert to.email == "anhltm@example.vn"
    assert cc == {"thanhpv@example.vn"}


def test_of_overlapping_absences_the_latest_started_decides() -> None:
    other = Person("Cao Đức Việt", "vietcd@example.vn", "Phó Vụ trưởng")
    later = Absence("thanhpv@example.vn", date(2025, 12, 10), date(2025, 12, 20), other)
    assert acting_for("thanhpv@example.vn", date(2025, 12, 9), [AWAY, later]) == DEPUTY
    assert acting_for("thanhpv@example.vn", date(2025, 12, 11), [later, AWAY]) == other


def test_an_absence_ending_before_it_starts_or_acting_for_oneself_is_refused() -> None:
    with pytest.raises(DomainError, match="before it starts"):
        Absence("a@example.vn", date(2025, 12, 8), date(2025, 12, 7), DEPUTY)
    with pytest.raises(DomainError, match="someone else"):
        Absence("anhltm@example.vn", date(2025, 12, 8), date(2025, 12, 9), DEPUTY)
    assert Absence("a@example.vn", date(2025, 12, 8), date(2025, 12, 8), DEPUTY).covers(
        "A@example.vn", date(2025, 12, 8)
    )
