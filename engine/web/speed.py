"""The web app's speed-ups, in one place, each measured by bench/web.py (bench/RESULTS.md,
"web"): what every request of a day asks again is remembered.

- `Remembering`: the office's working calendar, remembering its counts of working days
  between two dates. A unit page counts, for each of its tasks, the working days from
  today to the deadline (days left, due soon) or from the deadline to today (overdue),
  day by day; every request of the day asks the same pairs.
- `LinkCache`: the signed links a unit page gives each of its tasks, remade at most once
  an hour for the same task, recipient and version (a link's age then errs by an hour at
  most, against its 30 days).
- `PageCache`: a page as last rendered, while what it shows is unchanged: a unit page
  while one aggregate query over the unit's tasks says the same; a task or decision page
  while one indexed query (`answers.task_stamp`: the task's last change, its last event,
  its unit's row) says the same, for the same link and hour. What those queries do not
  see — a directive's title re-imported, a coordinating unit renamed — shows within the
  hour.
- `reading`: on PostgreSQL, the pages' reads outside any transaction: no BEGIN and no
  ROLLBACK, two round trips fewer for each page (a page may then, in a race, show a
  status and a history read a moment apart; every action reads and writes in its own
  transaction, through the services). On SQLite, where there is no round trip to save
  and switching the connection's mode costs more than it saves, a plain session.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from engine.domain.calendar import WorkingCalendar
from engine.links import Links

MAX_PAIRS = 50_000
LINK_SECONDS = 3600.0
MAX_LINKS = 20_000


class Remembering(WorkingCalendar):
    """`calendar`, with `working_days_after` remembered (the calendar is rebuilt, and so
    forgotten, whenever the web app reads the office's days again)."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.__dict__.update(calendar.__dict__)
        self._counts: dict[tuple[date, date], int] = {}

    def working_days_after(self, start: date, end: date) -> int:
        key = (start, end)
        count = self._counts.get(key)
        if count is None:
            count = super().working_days_after(start, end)
            if len(self._counts) >= MAX_PAIRS:
                self._counts.clear()
            self._counts[key] = count
        return count


class LinkCache:
    """Signed links to tasks, remade when older than `LINK_SECONDS`."""

    def __init__(self) -> None:
        self._made: OrderedDict[tuple[str, int, str, str], tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def task(self, links: Links, task_id: int, to: str, version: str) -> str:
        key = (links.base, task_id, to, version)
        now = time.monotonic()
        with self._lock:
            made = self._made.get(key)
            if made is not None and now - made[0] < LINK_SECONDS:
                return made[1]
        url = links.task(task_id, to, version)
        with self._lock:
            self._made[key] = (now, url)
            self._made.move_to_end(key)
            while len(self._made) > MAX_LINKS:
                self._made.popitem(last=False)
        return url


class PageCache:
    """Unit pages as last rendered, kept while nothing they show can have changed: the
    key holds the unit's row, a stamp of its tasks (`answers.unit_stamp`), the recipient,
    the office's day and the hour (the age of the links on the page)."""

    def __init__(self, size: int = 500) -> None:
        self.size = size
        self._pages: OrderedDict[tuple[object, ...], str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> str | None:
        with self._lock:
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
            return html

    def put(self, key: tuple[object, ...], html: str) -> None:
        with self._lock:
            self._pages[key] = html
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session for a page that only reads, in autocommit on PostgreSQL (see the module)."""
    if engine.dialect.name != "postgresql":
        with Session(engine, expire_on_commit=False) as session:
            yield session
        return
    with engine.connect() as connection:
        quick = connection.execution_options(isolation_level="AUTOCOMMIT")
        with Session(quick, expire_on_commit=False) as session:
            yield session
