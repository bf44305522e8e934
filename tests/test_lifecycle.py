"""The task lifecycle: one enum, one transition table, illegal moves named in full."""

from __future__ import annotations

from itertools import pairwise, product

import pytest

from engine.domain.errors import DomainError, IllegalTransition
from engine.domain.lifecycle import (
    DECLINABLE,
    OPEN_STATES,
    PAUSABLE,
    SIDE_ROADS,
    TERMINAL_STATES,
    TRANSITIONS,
    Status,
    can_move,
    check_move,
)

S = Status

#: the table of DESIGN, written out: a move added to or dropped from TRANSITIONS fails here
LEGAL_MOVES = [
    (S.DRAFT, S.ASSIGNED),
    (S.DRAFT, S.CANCELLED),
    (S.ASSIGNED, S.IN_PROGRESS),
    (S.ASSIGNED, S.SUBMITTED),
    (S.ASSIGNED, S.EXTENSION_REQUESTED),
    (S.ASSIGNED, S.CANCELLED),
    (S.IN_PROGRESS, S.SUBMITTED),
    (S.IN_PROGRESS, S.EXTENSION_REQUESTED),
    (S.IN_PROGRESS, S.CANCELLED),
    (S.SUBMITTED, S.COMPLETED),
    (S.SUBMITTED, S.RETURNED),
    (S.SUBMITTED, S.CANCELLED),
    (S.RETURNED, S.IN_PROGRESS),
    (S.RETURNED, S.SUBMITTED),
    (S.RETURNED, S.EXTENSION_REQUESTED),
    (S.RETURNED, S.CANCELLED),
    (S.EXTENSION_REQUESTED, S.IN_PROGRESS),
    (S.EXTENSION_REQUESTED, S.CANCELLED),
    # the side roads (issue 16): paused by the authority, resumed to go on with the work
    (S.ASSIGNED, S.PAUSED),
    (S.IN_PROGRESS, S.PAUSED),
    (S.RETURNED, S.PAUSED),
    (S.PAUSED, S.IN_PROGRESS),
    (S.PAUSED, S.CANCELLED),
    # declined by the lead unit; reassigned, or returned to it with an answer
    (S.ASSIGNED, S.DECLINED),
    (S.IN_PROGRESS, S.DECLINED),
    (S.DECLINED, S.ASSIGNED),
    (S.DECLINED, S.IN_PROGRESS),
    (S.DECLINED, S.CANCELLED),
]

#: every other pair of states, staying put included (100 pairs in all, 28 legal)
ILLEGAL_MOVES = [move for move in product(Status, Status) if move not in LEGAL_MOVES]


def _move_id(move: tuple[Status, Status]) -> str:
    return f"{move[0].value}->{move[1].value}"


def test_the_table_is_the_designed_one_and_nothing_more() -> None:
    assert len(ILLEGAL_MOVES) == 72
    table = {(source, target) for source, targets in TRANSITIONS.items() for target in targets}
    assert table == set(LEGAL_MOVES)


def test_the_documented_happy_path_is_in_the_table() -> None:
    path = [S.DRAFT, S.ASSIGNED, S.IN_PROGRESS, S.SUBMITTED, S.COMPLETED]

    for source, target in pairwise(path):
        check_move(source, target)


@pytest.mark.parametrize("move", LEGAL_MOVES, ids=_move_id)
def test_every_move_in_the_table_is_allowed(move: tuple[Status, Status]) -> None:
    source, target = move

    assert can_move(source, target)
    check_move(source, target)  # does not raise


@pytest.mark.parametrize("move", ILLEGAL_MOVES, ids=_move_id)
def test_an_illegal_move_raises_an_error_naming_both_states(
    move: tuple[Status, Status],
) -> None:
    source, target = move

    with pytest.raises(IllegalTransition) as caught:
        check_move(source, target)

    message = str(caught.value)
    assert f"'{source.value}'" in message
    assert f"'{target.value}'" in message
    assert caught.value.from_status == source.value
    assert caught.value.to_status == target.value
    assert not can_move(source, target)


def test_an_illegal_move_is_a_domain_error() -> None:
    with pytest.raises(DomainError):
        check_move(S.DRAFT, S.COMPLETED)


def test_the_illegal_move_message_reads_in_both_languages() -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_move(S.SUBMITTED, S.IN_PROGRESS)

    assert str(caught.value) == (
        "cannot move a task from 'submitted' to 'in_progress'"
        " / không thể chuyển nhiệm vụ từ 'submitted' sang 'in_progress'"
    )


@pytest.mark.parametrize("status", [S.COMPLETED, S.CANCELLED], ids=str)
def test_a_terminal_state_has_no_exits(status: Status) -> None:
    assert TRANSITIONS[status] == frozenset()
    assert status in TERMINAL_STATES
    for target in Status:
        assert not can_move(status, target)


def test_only_completed_and_cancelled_are_terminal() -> None:
    assert frozenset({S.COMPLETED, S.CANCELLED}) == TERMINAL_STATES


def test_every_status_has_a_row_in_the_table() -> None:
    assert set(TRANSITIONS) == set(Status)


def test_every_status_but_draft_can_be_reached() -> None:
    reachable = {target for targets in TRANSITIONS.values() for target in targets}

    assert reachable == set(Status) - {S.DRAFT}


@pytest.mark.parametrize("status", sorted(OPEN_STATES | SIDE_ROADS | {S.DRAFT}), ids=str)
def test_every_non_terminal_state_can_be_cancelled(status: Status) -> None:
    assert can_move(status, S.CANCELLED)


def test_open_states_are_those_after_assignment_and_before_an_end_off_the_side_roads() -> None:
    assert set(Status) - {S.DRAFT} - TERMINAL_STATES - SIDE_ROADS == OPEN_STATES


def test_a_paused_or_declined_task_is_not_open_so_nothing_reminds_or_escalates() -> None:
    assert not (SIDE_ROADS & OPEN_STATES)
    assert not (SIDE_ROADS & TERMINAL_STATES)


@pytest.mark.parametrize("status", sorted(PAUSABLE), ids=str)
def test_a_task_under_way_can_be_paused_and_resumes_in_progress(status: Status) -> None:
    assert can_move(status, S.PAUSED)
    assert TRANSITIONS[S.PAUSED] == {S.IN_PROGRESS, S.CANCELLED}


@pytest.mark.parametrize("status", sorted(set(Status) - PAUSABLE), ids=str)
def test_only_a_task_under_way_can_be_paused(status: Status) -> None:
    assert not can_move(status, S.PAUSED)


@pytest.mark.parametrize("status", sorted(set(Status) - DECLINABLE), ids=str)
def test_only_a_task_assigned_or_under_way_can_be_declined(status: Status) -> None:
    assert not can_move(status, S.DECLINED)


def test_a_declined_task_is_reassigned_or_returned_never_submitted_or_completed() -> None:
    assert TRANSITIONS[S.DECLINED] == {S.ASSIGNED, S.IN_PROGRESS, S.CANCELLED}
    with pytest.raises(IllegalTransition):
        check_move(S.DECLINED, S.SUBMITTED)
    with pytest.raises(IllegalTransition):
        check_move(S.PAUSED, S.SUBMITTED)
