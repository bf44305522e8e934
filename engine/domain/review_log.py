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


class TaskFacts(NamedTuple):
    """A task as the review reads it: what does not change over its life (its deadline
    does: see `Mark`), and two things its log says before the last cut-off (a named
    tuple: a big office has 100,000 of them)."""

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
    """A task's last event in one span of the log: span k holds the events before the
    k-th cut-off and at or after the one before it (span 0: all before the first)."""

    task_id: int
    span: int
    status: str
    at: datetime


class Mark(NamedTuple):
    """An event whose payload counts here: an approved extension (its new deadline) or
    an escalation recorded by the sweep (its level)."""

    task_id: int
    at: datetime
    seq: int  # the log's order (its id): breaks ties between events at one instant
    new_deadline: date | None = None
    escalation_level: int | None = None


@dataclass(frozen=True)
class ReviewLog:
    """What the store read for the cut-offs `cutoffs` (ascending) of a review: the tasks
    created before the last one, the steps of their log, and its marks before it."""

    cutoffs: tuple[datetime, ...]
    tasks: Sequence[TaskFacts]
    steps: Sequence[Step]
    marks: Sequence[Mark]


class Snapshot(NamedTuple):
    """A task as its events left it just before an instant."""

    status: Status
    deadline: date | None
    completed_at: datetime | None  # when completed: its last event is the completion
    escalation_level: int  # the highest reached against the deadline in force
    extensions: tuple[tuple[date | None, date], ...]  # approved: (old, new), in order


_STATUS = {s.value: s for s in Status}


def states(
    task: TaskFacts, steps: Sequence[Step], marks: Sequence[Mark], cutoffs: Sequence[datetime]
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
    step: Step | None = None
    deadline = task.original_deadline
    level = 0
    extensions: tuple[tuple[date | None, date], ...] = ()
    s = m = 0
    for k, cutoff in enumerate(cutoffs):
        changed = False
        while s < len(steps) and steps[s].span <= k:
            step, s, changed = steps[s], s + 1, True
        while m < len(marks) and marks[m].at < cutoff:
            mark, m, changed = marks[m], m + 1, True
            if mark.new_deadline is not None:
                extensions += ((deadline, mark.new_deadline),)
                deadline, level = mark.new_deadline, 0
            if mark.escalation_level is not None:
                level = max(level, mark.escalation_level)
        if changed and step is not None:
            status = _STATUS[step.status]
            completed_at = step.at if status is Status.COMPLETED else None
            snap = Snapshot(status, deadline, completed_at, level, extensions)
        out.append(snap)
    return out
