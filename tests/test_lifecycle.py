"""The task lifecycle: one enum, one transition table, illegal moves named in full."""

from __future__ import annotations

from itertools import pairwise, product

import pytest

from engine.domain.errors import DomainError, IllegalTransition
from engine.domain.lifecycle import (
    OPEN_STATES,
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
]

#: every other pair of states, staying put included (64 pairs in all, 18 legal)
ILLEGAL_MOVES = [move for move in product(Status, Status) if move not in LEGAL_MOVES]


def _move_id(move: tuple[Status, Status]) -> str:
    return f"{move[0].value}->{move[1].value}"


def test_the_table_is_the_designed_one_and_nothing_more() -> None:
    assert len(ILLEGAL_MOVES) == 46
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


@pytest.mark.parametrize("status", sorted(OPEN_STATES | {S.DRAFT}), ids=str)
def test_every_non_terminal_state_can_be_cancelled(status: Status) -> None:
    assert can_move(status, S.CANCELLED)


def test_open_states_are_those_after_assignment_and_before_an_end() -> None:
    assert set(Status) - {S.DRAFT} - TERMINAL_STATES == OPEN_STATES
