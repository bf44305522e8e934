"""What the event log says of each task at a review's cut-offs, as the store reads it.

The store does not hand over the log: for each task it reads the few rows a review needs
(`ReviewLog`), and `states` turns those into the task's state at each cut-off. Pure:
the rows come in as plain data, the cut-offs as arguments.

A task's state at a cut-off is that of its last event before it (in the log's order:
time, then id), with the deadline its approved extensions had set by then and the
escalation level reached against that deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from engine.domain.lifecycle import Status

#: how the store hands the rows over: plain tuples, in the fields' order of the named
#: tuples below (which the tests and the documentation use). A big office's review reads
#: some 220,000 rows and keeps them until it is done: the garbage collector stops
#: tracking a plain tuple of plain values, never a named tuple, whose every one its full
#: collections walked again and again as they piled up (on the bench's rows, a third of
#: the read's time in Python, and the aggregate's full collections).
TaskFactsRow = tuple[int, str, str, str, str, str, date | None, str | None, datetime | None, int]
StepRow = tuple[int, int, str, datetime]
MarkRow = tuple[int, datetime, int, date | None, int | None, bool]


class TaskFacts(NamedTuple):
    """A task as the review reads it (a `TaskFactsRow`, named): what does not change
    over its life (its deadline does: see `Mark`), and two things its log says before the
    last cut-off."""

    id: int
    unit: str  # the lead unit's code ("" when none)
    reference: str
    number: str
    title: str
    owner: str
    original_deadline: date | None
    recurrence: str | None = None
    assigned_at: datetime | None = None  # its first move into `assigned`
    extensions_requested: int = 0  # moves into `extension_requested` in the last month


class Step(NamedTuple):
    """A task's last event in one span of the log (a `StepRow`, named): span k holds the
    events before the k-th cut-off and at or after the one before it (span 0: all before
    the first)."""

    task_id: int
    span: int
    status: str
    at: datetime


class Mark(NamedTuple):
    """An event whose payload counts here (a `MarkRow`, named): an approved extension (its
    new deadline), a deadline moved otherwise (a paused task resumed, a declined one
    reassigned with a new deadline: `extension` False), or an escalation recorded by the
    sweep (its level)."""

    task_id: int
    at: datetime
    seq: int  # the log's order (its id): breaks ties between events at one instant
    new_deadline: date | None = None
    escalation_level: int | None = None
    extension: bool = True


@dataclass(frozen=True)
class ReviewLog:
    """What the store read for the cut-offs `cutoffs` (ascending) of a review: the tasks
    created before the last one, the steps of their log, and its marks before it."""

    cutoffs: tuple[datetime, ...]
    tasks: Sequence[TaskFactsRow]
    steps: Sequence[StepRow]
    marks: Sequence[MarkRow]


class Snapshot(NamedTuple):
    """A task as its events left it just before an instant."""

    status: Status
    deadline: date | None
    completed_at: datetime | None  # when completed: its last event is the completion
    escalation_level: int  # the highest reached against the deadline in force
    extensions: tuple[tuple[date | None, date], ...]  # approved: (old, new), in order


_STATUS = {s.value: s for s in Status}


def states(
    task: TaskFactsRow,
    steps: Sequence[StepRow],
    marks: Sequence[MarkRow],
    cutoffs: Sequence[datetime],
) -> list[Snapshot | None]:
    """The task just before each of `cutoffs`, None before its first event.

    `steps` are the task's, by span; `marks` its, in the log's order. For each cut-off:
    1. the step of the latest span up to the cut-off's gives the status (and, for a
       completed task, the completion: completion ends a task's life);
    2. the marks before the cut-off set the deadline (each approved extension replaces
       it, and starts a new escalation ladder) and the level (the highest since);
    3. the state is made again only when a step or a mark changed it.
    """
    out: list[Snapshot | None] = []
    snap: Snapshot | None = None
    status: str | None = None
    at: datetime | None = None
    deadline = task[6]  # its original deadline (`TaskFacts`' order)
    level = 0
    extensions: tuple[tuple[date | None, date], ...] = ()
    s = m = 0
    last_step, last_mark = len(steps), len(marks)
    for k, cutoff in enumerate(cutoffs):
        changed = False
        while s < last_step and steps[s][1] <= k:
            _, _, status, at = steps[s]
            s, changed = s + 1, True
        while m < last_mark and marks[m][1] < cutoff:
            _, _, _, new_deadline, escalation, extension = marks[m]
            m, changed = m + 1, True
            if new_deadline is not None:
                if extension:
                    extensions += ((deadline, new_deadline),)
                deadline, level = new_deadline, 0
            if escalation is not None:
                level = max(level, escalation)
        if changed and status is not None:
            state = _STATUS[status]
            completed_at = at if state is Status.COMPLETED else None
            snap = Snapshot(state, deadline, completed_at, level, extensions)
        out.append(snap)
    return out
