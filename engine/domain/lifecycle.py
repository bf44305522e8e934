"""The task lifecycle: one status enum and one transition table.

    draft -> assigned -> in_progress -> submitted -> completed
                                        submitted -> returned -> in_progress
    assigned | in_progress | returned -> extension_requested
    extension_requested -> in_progress   (approved with a new deadline, or refused)
    any open state -> cancelled

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


S = Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.DRAFT: frozenset({S.ASSIGNED, S.CANCELLED}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.SUBMITTED, S.EXTENSION_REQUESTED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.SUBMITTED, S.EXTENSION_REQUESTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.COMPLETED, S.RETURNED, S.CANCELLED}),
    S.RETURNED: frozenset({S.IN_PROGRESS, S.SUBMITTED, S.EXTENSION_REQUESTED, S.CANCELLED}),
    S.EXTENSION_REQUESTED: frozenset({S.IN_PROGRESS, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}

#: States in which the task is still owed: reminders, escalation and "overdue" apply.
OPEN_STATES: frozenset[Status] = frozenset(
    {S.ASSIGNED, S.IN_PROGRESS, S.SUBMITTED, S.RETURNED, S.EXTENSION_REQUESTED}
)
TERMINAL_STATES: frozenset[Status] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


def can_move(from_status: Status, to_status: Status) -> bool:
    return to_status in TRANSITIONS[from_status]


def check_move(from_status: Status, to_status: Status) -> None:
    """Raise `IllegalTransition`, naming both states, unless the move is in the table."""
    if not can_move(from_status, to_status):
        raise IllegalTransition(from_status.value, to_status.value)
