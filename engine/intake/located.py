"""A raw record that remembers where it came from, to name a place inside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.intake.problems import Problem

Loc = Sequence[str | int]


@dataclass
class Located:
    """One raw record and how to name a place inside it in an error message."""

    data: dict[str, Any]
    file: str
    path: str = ""  # "directives[1]" for YAML/JSON
    row: int | None = None  # first sheet/CSV row of the record
    task_rows: list[int] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # field -> column header
    # a task's field -> column header, where a task's field shares a directive's name
    task_labels: dict[str, str] = field(default_factory=dict)
    # a form counts its tasks from 1 and names them: "nhiệm vụ 1" for tasks[0]
    task_word: str = ""

    def problem(self, loc: Loc, reason_vi: str, reason_en: str) -> Problem:
        loc = list(loc)
        row = self.row
        path = self.path
        labels = self.labels
        if len(loc) >= 2 and loc[0] == "tasks" and isinstance(loc[1], int):
            index = loc[1]
            if self.task_rows:
                row = self.task_rows[index] if index < len(self.task_rows) else row
            elif self.task_word:
                path = (
                    f"{path}, {self.task_word} {index + 1}"
                    if path
                    else f"{self.task_word} {index + 1}"
                )
            else:
                path = f"{path}.tasks[{index}]" if path else f"tasks[{index}]"
            loc = loc[2:]
            labels = self.task_labels or labels
        name = dotted(loc)
        if labels and loc and isinstance(loc[0], str):
            name = labels.get(name) or labels.get(loc[0], name)
        return Problem(self.file, row, path, name, reason_vi, reason_en)


def dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
