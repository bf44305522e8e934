"""The instant to act at, read the same way by `dondoc --as-of/--at` and the flows' forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.services.instants import act_at, read_instant

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 1, 21, 2, 0, tzinfo=UTC)  # Wednesday 09:00 in Ha Noi
LAST_INSTANT_OF_5_JANUARY = datetime(2026, 1, 5, 23, 59, 59, 999999, tzinfo=HANOI)


@pytest.mark.parametrize("given", [None, ""])
def test_nothing_given_means_now(given: str | None) -> None:
    assert act_at(given, HANOI, NOW) is NOW


@pytest.mark.parametrize("text", ["05/01/2026", "5/1/2026", "2026-01-05", " 2026-01-05 "])
def test_a_day_means_its_last_instant_in_the_office_zone(text: str) -> None:
    at = act_at(text, HANOI, NOW)
    assert at == LAST_INSTANT_OF_5_JANUARY
    assert at.tzinfo is HANOI


def test_a_day_is_read_without_a_zone_until_the_office_zone_is_known() -> None:
    assert read_instant("05/01/2026") == LAST_INSTANT_OF_5_JANUARY.replace(tzinfo=None)


@pytest.mark.parametrize("text", ["2026-01-05T09:00", "2026-01-05 09:00", "2026-01-05T09:00:00"])
def test_an_instant_without_a_zone_is_read_in_the_office_zone(text: str) -> None:
    at = act_at(text, HANOI, NOW)
    assert at == datetime(2026, 1, 5, 9, 0, tzinfo=HANOI)
    assert at.tzinfo is HANOI


@pytest.mark.parametrize("text", ["2026-01-05T02:00Z", "2026-01-05T02:00+00:00"])
def test_an_instant_with_a_zone_keeps_it(text: str) -> None:
    at = act_at(text, HANOI, NOW)
    assert at == datetime(2026, 1, 5, 9, 0, tzinfo=HANOI)
    assert at.utcoffset() == timedelta(0)


def test_a_datetime_given_is_read_as_text_would_be() -> None:
    nine = datetime(2026, 1, 5, 9, 0, tzinfo=HANOI)
    assert act_at(nine.replace(tzinfo=None), HANOI, NOW) == nine
    aware = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
    assert act_at(aware, HANOI, NOW) is aware


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("hôm qua", "Invalid isoformat string"),  # a space: read as a date and time
        ("yesterday", "bad date"),
        ("31/02/2026", "bad date"),
        ("2026-13-01T09:00", "month must be in 1..12"),
        ("2026-01-05T", "Invalid isoformat string"),
        ("  ", "no date or time given"),
    ],
)
def test_text_that_is_no_instant_is_refused(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        act_at(text, HANOI, NOW)
