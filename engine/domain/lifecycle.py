"""The task lifecycle: one status enum and one transition table.

    draft -> assigned -> in_progress -> submitted -> completed
                                        submitted -> returned -> in_progress
    assigned | in_progress | returned -> extension_requested
    extension_requested -> in_progress   (approved with a new deadline, or refused)
    any open state -> cancelled

The side roads (issue 16):

    assigned | in_progress | returned -> paused      (the authority pauses: tạm dừng)
    paused -> in_progress                            (resumed: the work goes on)
    assigned | in_progress -> declined               (the lead unit declines: từ chối)
    declined -> assigned                             (the coordinator reassigns it)
    declined -> in_progress                          (or returns it to the unit, answered)
    paused | declined -> cancelled

A paused or a declined task is not open: no reminder, no escalation, never overdue while
it waits (see `engine.domain.categories`); each move onto a side road has its own service
(`engine.services.tasks.pause`, `resume`, `decline`, `reassign`, `return_to_unit`), which
a plain change of status does not replace.

Overdue is not a state: see `engine.domain.categories`.
"""

from __future__ import annotations

from enum import StrEnum

from engine.domain.errors import IllegalTransition


class Status(StrEnum):
    DRAFT = "draft"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    EXTENSION_REQUESTED = "extension_requested"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    PAUSED = "paused"  # tạm dừng: waiting for another body's decision
    DECLINED = "declined"  # từ chối nhiệm vụ: the lead unit says it is not its remit


S = Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.DRAFT: frozenset({S.ASSIGNED, S.CANCELLED}),
    S.ASSIGNED: frozenset(
        {S.IN_PROGRESS, S.SUBMITTED, S.EXTENSION_REQUESTED, S.CANCELLED, S.PAUSED, S.DECLINED}
    ),
    S.IN_PROGRESS: frozenset(
        {S.SUBMITTED, S.EXTENSION_REQUESTED, S.CANCELLED, S.PAUSED, S.DECLINED}
    ),
    S.SUBMITTED: frozenset({S.COMPLETED, S.RETURNED, S.CANCELLED}),
    S.RETURNED: frozenset(
        {S.IN_PROGRESS, S.SUBMITTED, S.EXTENSION_REQUESTED, S.CANCELLED, S.PAUSED}
    ),
    S.EXTENSION_REQUESTED: frozenset({S.IN_PROGRESS, S.CANCELLED}),
    S.PAUSED: frozenset({S.IN_PROGRESS, S.CANCELLED}),
    S.DECLINED: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}

#: States in which the task is still owed: reminders, escalation and "overdue" apply.
OPEN_STATES: frozenset[Status] = frozenset(
    {S.ASSIGNED, S.IN_PROGRESS, S.SUBMITTED, S.RETURNED, S.EXTENSION_REQUESTED}
)
TERMINAL_STATES: frozenset[Status] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
#: States off the straight road: the task waits (for another body, or for the office's
#: decision on a unit's refusal); its clock and its reminders stop, it is not overdue.
SIDE_ROADS: frozenset[Status] = frozenset({S.PAUSED, S.DECLINED})
#: States a task can be paused from, and the lead unit can decline from.
PAUSABLE: frozenset[Status] = frozenset({S.ASSIGNED, S.IN_PROGRESS, S.RETURNED})
DECLINABLE: frozenset[Status] = frozenset({S.ASSIGNED, S.IN_PROGRESS})


def can_move(from_status: Status, to_status: Status) -> bool:
    return to_status in TRANSITIONS[from_status]


def check_move(from_status: Status, to_status: Status) -> None:
    """Raise `IllegalTransition`, naming both states, unless the move is in the table."""
    if not can_move(from_status, to_status):
        raise IllegalTransition(from_status.value, to_status.value)
