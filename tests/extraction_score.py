"""Scoring proposed tasks against our own labelled reports (tests/data/conclusions/heldin).

The gold files follow the labelling format of the shared extraction gold: each task has
an exact quote with its character offsets (and optional alt_quotes), an assignee, a
resolved deadline, a recurrence and a kind; `assignee_aliases` lists the names that count
for an assignee, `lenient` the other defensible deadline/recurrence answers.

A proposal matches a gold task when its span covers at least half the characters of the
gold quote (or of one of its alt_quotes); each proposal and each gold task is matched at
most once (augmenting paths, so one long proposal cannot take two gold tasks).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from engine.calendar_file import build_calendar, read_calendar_file
from engine.extract.draft import eval_record
from engine.extract.tasks import extract
from engine.extract.units import UnitDirectory
from engine.settings import DEFAULT_CALENDAR_FILE

HELDIN = Path(__file__).parent / "data" / "conclusions" / "heldin"
THRESHOLD = 0.5


@dataclass
class Figures:
    gold: int = 0
    proposed: int = 0
    matched: int = 0
    assignee_ok: int = 0
    deadline_ok: int = 0  # strict
    deadline_lenient_ok: int = 0
    recurring_ok: int = 0
    kind_ok: int = 0
    misses: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def rate(self, hits: int) -> float:
        return hits / self.matched if self.matched else 0.0


def _name(text: str | None) -> str:
    folded = unicodedata.normalize("NFC", text or "").casefold()
    folded = re.sub(r"[()\[\].,;:\"']", " ", folded)
    folded = re.sub(r"^\s*the\s+", "", folded)
    return " ".join(folded.split())


def _covered(gold_task: dict[str, Any], span: range) -> float:
    best = 0.0
    spans = [gold_task, *gold_task.get("alt_quotes", [])]
    for s in spans:
        a, b = s["char_start"], s["char_end"]
        inside = max(0, min(b, span.stop) - max(a, span.start))
        best = max(best, inside / (b - a))
    return best


def _match(weights: list[list[float]]) -> dict[int, int]:
    """Proposal index -> gold index, as many pairs as possible, best overlaps first."""
    owner: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        options = [j for j, w in enumerate(weights[i]) if w >= THRESHOLD]
        for j in sorted(options, key=lambda j: -weights[i][j]):
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or place(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in sorted(range(len(weights)), key=lambda i: -max(weights[i], default=0.0)):
        place(i, set())
    return {i: j for j, i in owner.items()}


def score_file(gold_path: Path, directory: UnitDirectory, figures: Figures) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = unicodedata.normalize("NFC", (gold_path.parent.parent / gold["source"]).read_text())
    calendar = build_calendar("Asia/Ho_Chi_Minh", "VN", read_calendar_file(DEFAULT_CALENDAR_FILE))
    on = date.fromisoformat(gold["meeting_date"]) if gold.get("meeting_date") else None
    proposed = eval_record(extract(text, directory, calendar, on))["tasks"]
    tasks = gold["tasks"]
    weights = [
        [_covered(g, range(p["char_start"], p["char_end"])) for g in tasks] for p in proposed
    ]
    pairs = _match(weights)
    aliases = gold.get("assignee_aliases", {})
    stem = gold_path.stem
    figures.gold += len(tasks)
    figures.proposed += len(proposed)
    figures.matched += len(pairs)
    for j, g in enumerate(tasks):
        if j not in pairs.values():
            figures.misses.append(f"{stem}#{g['id']}: {g['quote'][:70]}")
    for i, p in enumerate(proposed):
        if i not in pairs:
            figures.extra.append(f"{stem}: {p['quote'][:70]}")
    for i, j in pairs.items():
        p, g = proposed[i], tasks[j]
        lenient = g.get("lenient", {})
        names = {_name(g["assignee"])} | {_name(a) for a in aliases.get(g["assignee"], [])}
        checks = {
            "assignee": bool(p["assignee"]) and _name(p["assignee"]) in names,
            "deadline": p["deadline"] == g["deadline"],
            "recurring": p["recurring"] == g["recurring"],
            "kind": p["kind"] == g["kind"],
        }
        figures.assignee_ok += checks["assignee"]
        figures.deadline_ok += checks["deadline"]
        figures.deadline_lenient_ok += checks["deadline"] or p["deadline"] in lenient.get(
            "deadline", []
        )
        figures.recurring_ok += checks["recurring"] or p["recurring"] in lenient.get(
            "recurring", []
        )
        figures.kind_ok += checks["kind"]
        bad = [k for k, ok in checks.items() if not ok]
        if bad:
            got = {k: p[k] for k in bad}
            want = {k: g[k] for k in bad}
            figures.wrong.append(f"{stem}#{g['id']}: got {got} want {want}")


def score_all(directory: UnitDirectory, folder: Path = HELDIN) -> Figures:
    figures = Figures()
    for gold_path in sorted((folder / "gold").glob("*.json")):
        score_file(gold_path, directory, figures)
    return figures


if __name__ == "__main__":  # a report for the engineer: python -m tests.extraction_score
    from engine.intake.readers import read_units
    from engine.intake.validate import validate_units

    units = Path(__file__).resolve().parent.parent / "examples" / "units.yaml"
    found = score_all(UnitDirectory(validate_units(read_units(units), [])))
    print(
        f"gold {found.gold} proposed {found.proposed} matched {found.matched} "
        f"P {found.precision:.3f} R {found.recall:.3f} F1 {found.f1:.3f} | "
        f"assignee {found.rate(found.assignee_ok):.3f} deadline {found.rate(found.deadline_ok):.3f} "
        f"(lenient {found.rate(found.deadline_lenient_ok):.3f}) "
        f"recurring {found.rate(found.recurring_ok):.3f} kind {found.rate(found.kind_ok):.3f}"
    )
    for line in ["MISSED", *found.misses, "EXTRA", *found.extra, "WRONG", *found.wrong]:
        print(line)
