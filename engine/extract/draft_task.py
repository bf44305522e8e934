"""One proposed task, as the task finder (`engine.extract.instruction_finder`) makes it
and the draft (`engine.extract.draft`) shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.domain.model import Recurrence


@dataclass(frozen=True)
class DraftTask:
    start: int
    end: int
    quote: str
    title: str
    unit_code: str | None  # in the directory; None when not found there
    unit_name: str  # the directory's name, or the words of the text
    unit_stated: bool  # named in the instruction (not the meeting's default addressee)
    coordinating: tuple[str, ...]  # directory codes
    deadline: date | None
    deadline_expression: str
    recurrence: Recurrence | None
    past: bool
    kind: str  # "task" or "ongoing_duty"
    #: which cue decided the kind and the recurrence, Vietnamese / English, for the reviewer
    kind_reason: str = ""
    recurrence_reason: str = ""
