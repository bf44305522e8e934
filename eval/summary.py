"""Print the scores of `make eval` as three separate blocks: the shared seed reports, our
own reports used for tuning (in-sample) and our own held-out reports.

Reads the JSON that the shared scorer (`score.py --json`) wrote for each set, so the
definitions (span overlap of at least half the gold quote, one-to-one matching, lenient
answers) are the scorer's own. Standard library only.

For the held-out set only the totals are printed: its per-task misses are not looked at
while tuning the rules (see eval/README.md).

Usage: python3 eval/summary.py NAME=SCORES.json [NAME=SCORES.json ...] [--detail NAME ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TITLES = {
    "seeds": "Seed reports (shared gold labels)",
    "tuning": "Our reports, in-sample (used for tuning)",
    "heldout": "Our reports, held out (never used for tuning)",
}


def block(name: str, scores: dict, detail: bool) -> list[str]:  # type: ignore[type-arg]
    matched = scores["on_matched"]
    lines = [
        f"== {TITLES.get(name, name)} ==",
        f"  reports {len(scores['per_file'])}  gold {scores['gold']}  proposed {scores['pred']}"
        f"  matched {scores['tp']}",
        f"  precision {scores['precision']:.2f}  recall {scores['recall']:.2f}"
        f"  F1 {scores['f1']:.2f}",
        f"  on matched tasks: unit {matched['assignee_accuracy']:.2f}"
        f"  deadline {matched['deadline_exact_strict']:.2f}"
        f" (lenient {matched['deadline_exact_lenient']:.2f})"
        f"  kind {matched['kind_accuracy']:.2f}"
        f"  recurrence {matched['recurring_accuracy_strict']:.2f}"
        f" (lenient {matched['recurring_accuracy_lenient']:.2f})",
    ]
    if detail:
        for stem, figures in scores["per_file"].items():
            lines.append(
                f"  - {stem}: gold {figures['gold']} proposed {figures['pred']}"
                f" matched {figures['tp']} F1 {figures['f1']:.2f}"
            )
            for miss in figures["missed_gold_ids"]:
                lines.append(f"      missed gold #{miss}")
            for extra in figures["unmatched_predictions"]:
                lines.append(f"      not a gold task: {extra}")
    return lines


def main(argv: list[str]) -> int:
    detail = set()
    sets = []
    args = iter(argv)
    for arg in args:
        if arg == "--detail":
            detail.add(next(args))
        else:
            name, _, path = arg.partition("=")
            sets.append((name, Path(path)))
    out: list[str] = []
    for name, path in sets:
        scores = json.loads(path.read_text(encoding="utf-8"))
        out += [*block(name, scores, name in detail), ""]
    print("\n".join(out).rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
