"""What the coordinator's view adds to every sweep and decision in Prefect, over a big
office's year, on SQLite and PostgreSQL.

    python bench/overview.py --backend both --tasks 100000 --events 1000000 --repeat 5

The book is bench/report.py's (40 units, 2,000 directives, N tasks, E events; the same
seed). Each repeat times, at 15/01/2026 09:00 in Ha Noi:

1. overview: `engine.services.overview.overview` (every open task read with its directive
             and unit, classified on the working calendar, sorted) and the four tables
             made from it (`workflows.overview.overview_tables`), as a sweep does;
2. feed:     `engine.services.feed.pending` for a database whose feed has never run (the
             latest 2,000 changes and reminders, each with its task, directive and unit);
3. feed, caught up: `pending` once the cursor is at the end (what every run pays when
             nothing changed since the last one).

The figures are medians of the repeats; bench/RESULTS.md has the latest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import SEED, build, database, make_app, timed

from engine.services import feed
from engine.services.overview import overview
from workflows.overview import overview_tables

AT = datetime(2026, 1, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def bench(backend: str, args: argparse.Namespace) -> dict[str, list[float]]:
    print(f"\n== {backend} ==", flush=True)
    with database(backend) as url:
        app = make_app(url)
        seconds, counts = timed(build, app, args.tasks, args.events, SEED)
        print(f"built {counts['tasks']:,} tasks and {counts['events']:,} events in {seconds:.1f} s",
              flush=True)  # fmt: skip
        phases: dict[str, list[float]] = {"overview": [], "feed": [], "feed, caught up": []}
        for _ in range(args.repeat):
            with app.session() as session:
                took, view = timed(overview, session, app.calendar, AT, due_within=5)
                took_tables, tables = timed(overview_tables, view, app.calendar, "vi")
                phases["overview"].append(took + took_tables)
            with app.session() as session:
                took, batch = timed(feed.pending, session)
                phases["feed"].append(took)
            with app.session() as session:
                feed.confirm(session, batch)
                # a cursor at the very end: what a run pays when nothing changed since
                cursor = batch.cursor
                cursor.events.last, cursor.notices.last = 2**31 - 1, 2**31 - 1
                cursor.events.gaps, cursor.notices.gaps = {}, {}
                feed.cursor_store.write(session, cursor)
                session.commit()
            with app.session() as session:
                took, _ = timed(feed.pending, session)
                phases["feed, caught up"].append(took)
            with app.session() as session:  # the next repeat starts without a cursor again
                session.execute(feed.cursor_store.forget())
                session.commit()
        print(f"open tasks: {view.open_total:,}; overdue {len(view.overdue):,}, due soon "
              f"{len(view.due_soon):,}, waiting {len(view.waiting):,}, units {len(view.units)}; "
              f"table rows {[len(t.rows) for t in tables]}; feed items {len(batch.items):,}")  # fmt: skip
        for name, values in phases.items():
            print(f"{name:>16}: median {statistics.median(values):.3f} s "
                  f"(min {min(values):.3f}, max {max(values):.3f})")  # fmt: skip
        return phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {args.tasks:,} tasks, "
          f"{args.events:,} events, {args.repeat} repeats")  # fmt: skip
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        bench(backend, args)


if __name__ == "__main__":
    main()
