"""The policy's ends and limits on their own (issue 16): overdue reminders that taper and
stop, extensions within limits, a deadline on a day off; and the policy file's keys.

Counted by hand on the small calendar of `tests.builders` (weekends, 01/01/2026 and Tết
2026 from 16 to 20 Feb off, Saturday 10/01/2026 worked). Friday 13/03/2026 is the
deadline; the working days after it are Mon 16, Tue 17, … Fri 20, Mon 23 … (weekends only).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine.domain.policy import (
    Audience,
    DueNotice,
    EscalationStep,
    ExtensionLimits,
    NoticeKind,
    Policy,
    TaperStage,
    beyond_extension_limits,
    deadline_in_force,
    due_notices,
    next_check_on,
    overdue_reminder_days,
    reminders_stop_after,
)
from engine.policy_source import PolicyFileError, read_policies
from tests.builders import small_calendar

DEADLINE = date(2026, 3, 13)  # a Friday
TAPERED = Policy(overdue_taper=(TaperStage(2, 10), TaperStage(5)))
LADDER = (
    EscalationStep(1, 3, Audience.UNIT),
    EscalationStep(2, 10, Audience.PARENT),
    EscalationStep(3, 20, Audience.LEADER),
)
STOPPING = Policy(overdue_taper=TAPERED.overdue_taper, stop_after_top_escalation=True)


@pytest.mark.parametrize(
    ("policy", "up_to", "days"),
    [
        (Policy(), 12, [1, 3, 5, 7, 9, 11]),  # every 2, for ever
        (Policy(overdue_every=1), 4, [1, 2, 3, 4]),
        (TAPERED, 30, [1, 3, 5, 7, 9, 14, 19, 24, 29]),  # 2 for 10 days, then weekly
        (TAPERED, 13, [1, 3, 5, 7, 9]),
        (Policy(overdue_taper=(TaperStage(1, 3), TaperStage(3, 6))), 40, [1, 2, 3, 6, 9]),
        (Policy(overdue_taper=(TaperStage(3, 2),)), 40, [1]),  # one stage, ended
        (TAPERED, 0, []),
    ],
)
def test_overdue_reminder_days_follow_the_taper(
    policy: Policy, up_to: int, days: list[int]
) -> None:
    assert overdue_reminder_days(policy, up_to) == days


def test_the_reminders_stop_after_the_last_escalation_threshold_only_when_asked() -> None:
    assert reminders_stop_after(Policy()) is None
    assert reminders_stop_after(STOPPING) == 20
    assert reminders_stop_after(Policy(stop_after_top_escalation=True, escalation=())) is None


# overdue (working days after Fri 13/03/2026) -> day: 1 Mon 16/03, 9 Thu 26/03,
# 10 Fri 27/03, 14 Thu 02/04, 15 Fri 03/04, 19 Thu 09/04, 20 Fri 10/04, 21 Mon 13/04
@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 16), [DueNotice(NoticeKind.OVERDUE, 0)]),
        (date(2026, 3, 26), [DueNotice(NoticeKind.OVERDUE, 4), DueNotice(NoticeKind.ESCALATION, 1)]),
        (date(2026, 3, 27), [DueNotice(NoticeKind.OVERDUE, 4), DueNotice(NoticeKind.ESCALATION, 1),
                             DueNotice(NoticeKind.ESCALATION, 2)]),
        (date(2026, 4, 2), [DueNotice(NoticeKind.OVERDUE, 5), DueNotice(NoticeKind.ESCALATION, 1),
                            DueNotice(NoticeKind.ESCALATION, 2)]),
        (date(2026, 4, 10), [DueNotice(NoticeKind.OVERDUE, 6), *(
            DueNotice(NoticeKind.ESCALATION, n) for n in (1, 2, 3))]),
        (date(2026, 4, 13), [DueNotice(NoticeKind.ESCALATION, n) for n in (1, 2, 3)]),  # stopped
    ],
)  # fmt: skip
def test_due_notices_taper_then_stop_after_the_top_level(
    today: date, expected: list[DueNotice]
) -> None:
    assert due_notices(DEADLINE, today, small_calendar(), STOPPING) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 16), date(2026, 3, 18)),  # 1 overdue -> 3 (reminder and level 1)
        (date(2026, 3, 26), date(2026, 3, 27)),  # 9 -> level 2 at 10
        (date(2026, 3, 27), date(2026, 4, 2)),  # 10 -> the weekly reminder at 14
        (date(2026, 4, 3), date(2026, 4, 9)),  # 15 -> 19
        (date(2026, 4, 9), date(2026, 4, 10)),  # 19 -> the top level at 20
        (date(2026, 4, 10), None),  # 20: every level reached, the reminders stop
        (date(2026, 5, 4), None),
    ],
)
def test_next_check_follows_the_taper_and_ends_when_the_reminders_stop(
    today: date, expected: date | None
) -> None:
    assert next_check_on(DEADLINE, today, small_calendar(), STOPPING) == expected


def test_without_a_stop_the_next_check_keeps_coming() -> None:
    assert next_check_on(DEADLINE, date(2026, 5, 4), small_calendar(), TAPERED) is not None


@pytest.mark.parametrize(
    ("day", "switch", "expected"),
    [
        (date(2026, 3, 13), True, date(2026, 3, 13)),  # a working Friday stays
        (date(2026, 3, 14), True, date(2026, 3, 16)),  # Saturday -> Monday
        (date(2026, 2, 15), True, date(2026, 2, 23)),  # Sunday before Tết -> after it
        (date(2026, 1, 1), True, date(2026, 1, 2)),  # New Year's Day -> Friday
        (date(2026, 1, 10), True, date(2026, 1, 10)),  # a make-up working Saturday stays
        (date(2026, 3, 14), False, date(2026, 3, 14)),  # the switch off: as written
    ],
)
def test_a_deadline_on_a_day_off_ends_on_the_next_working_day(
    day: date, switch: bool, expected: date
) -> None:
    policy = Policy(deadline_off_day_to_next_working_day=switch)
    assert deadline_in_force(day, small_calendar(), policy) == expected


def test_the_switch_is_on_by_default() -> None:
    assert Policy().deadline_off_day_to_next_working_day


@pytest.mark.parametrize(
    ("limits", "granted", "days", "asked", "refused"),
    [
        (ExtensionLimits(), 9, 900, 90, False),  # no limits
        (ExtensionLimits(max_count=2), 1, 0, 5, False),
        (ExtensionLimits(max_count=2), 2, 0, 5, True),
        (ExtensionLimits(max_working_days=40), 1, 30, 10, False),  # exactly 40
        (ExtensionLimits(max_working_days=40), 1, 30, 11, True),
        (ExtensionLimits(max_count=0), 0, 0, 1, True),
    ],
)
def test_extension_limits(
    limits: ExtensionLimits, granted: int, days: int, asked: int, refused: bool
) -> None:
    why = beyond_extension_limits(limits, granted, days, asked)
    assert (why is not None) is refused
    if why:
        assert all(why)  # Vietnamese and English


def test_the_policy_file_reads_the_new_keys(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "default:\n"
        "  overdue_taper: [{every: 2, for: 10}, {every: 5}]\n"
        "  stop_after_top_escalation: true\n"
        "  extensions: {max_count: 2, max_working_days: 30}\n"
        "  deadline_off_day_to_next_working_day: false\n"
        "priorities:\n"
        "  high: {overdue_every: 1}\n",
        "utf-8",
    )
    policies = read_policies(path)
    default = policies.default
    assert default.overdue_taper == (TaperStage(2, 10), TaperStage(5))
    assert default.stop_after_top_escalation
    assert default.extensions == ExtensionLimits(2, 30)
    assert not default.deadline_off_day_to_next_working_day
    high = policies.for_priority("high")
    assert (high.overdue_taper, high.overdue_every) == ((), 1)  # a plain step replaces it
    assert high.extensions == ExtensionLimits(2, 30)  # the rest inherited


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("overdue_taper: []", "overdue_taper"),
        ("overdue_taper: [{every: 5}, {every: 2, for: 3}]", "only the last stage"),
        ("overdue_taper: [{every: 0}]", "at least 1"),
        ("overdue_taper: [{each: 2}]", "overdue_taper[0]"),
        ("extensions: {max_times: 2}", "extensions"),
        ("extensions: {max_count: -1}", "max_count"),
    ],
)
def test_a_bad_new_key_is_refused_naming_it(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"default:\n  {text}\n", "utf-8")
    with pytest.raises(PolicyFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_policies(path)


def test_the_shipped_policy_tapers_stops_and_caps() -> None:
    from engine.settings import Settings

    default = read_policies(Settings(_env_file=None).policy_file).default  # type: ignore[call-arg]
    assert default.overdue_taper == (TaperStage(2, 10), TaperStage(5))
    assert default.stop_after_top_escalation
    assert default.extensions == ExtensionLimits(2, 40)
    assert default.deadline_off_day_to_next_working_day
    assert default.escalation == LADDER
