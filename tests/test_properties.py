"""Properties that hold for any input, checked on generated examples (hypothesis).

Each test has a fixed budget of examples and a fixed seed (`derandomize`), and keeps no
example database, so a run in CI is bounded and repeatable; a failure prints the
smallest example it found.

- The working calendar: counting and adding working days agree, across Tết, make-up
  Saturdays and year ends.
- The lifecycle as stored: any sequence of moves and extension decisions, legal or not,
  leaves a task whose event log replays, move by move through the transition table, to
  its stored status; a refused move changes nothing.
- The deadline resolver never raises, whatever the text.
- A units or directives file, however malformed, is refused whole (nothing stored) or
  imported whole, and nothing but a located refusal reaches the user.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import col, func, select

from engine.calendar_file import build_calendar, read_calendar_file
from engine.domain.calendar import WorkingCalendar
from engine.domain.errors import DomainError
from engine.domain.lifecycle import DECLINABLE, PAUSABLE, SIDE_ROADS, TRANSITIONS, Status
from engine.extract.deadline_phrases import find_deadlines, recurrence_in, resolve
from engine.intake.problems import ImportRefused
from engine.services import imports, tasks
from engine.services.deps import Deps
from engine.settings import DEFAULT_CALENDAR_FILE
from engine.store.tables import TaskEventRow, TaskRow, UnitRow
from tests.builders import STANDARD_UNITS, directive, directives_file, task, units_file
from tests.conftest import make_app

#: a bounded, repeatable run: the same examples every time, no example database
FIXED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

T0 = datetime(2025, 11, 26, 2, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return build_calendar("Asia/Ho_Chi_Minh", "VN", read_calendar_file(DEFAULT_CALENDAR_FILE))


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


# -- the working calendar ----------------------------------------------------------------


@FIXED
@given(start=days, count=st.integers(min_value=1, max_value=60))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(
    calendar: WorkingCalendar, start: date, count: int
) -> None:
    end = calendar.add_working_days(start, count)
    assert end > start
    assert calendar.is_working_day(end)
    assert calendar.working_days_after(start, end) == count
    # and not before: the day before it is still short of the count
    assert calendar.working_days_after(start, end - timedelta(days=1)) == count - 1


@FIXED
@given(a=days, b=days, c=days)
def test_working_days_between_add_up_over_consecutive_spans(
    calendar: WorkingCalendar, a: date, b: date, c: date
) -> None:
    first, middle, last = sorted((a, b, c))
    whole = calendar.working_days_after(first, last)
    assert whole == calendar.working_days_after(first, middle) + calendar.working_days_after(
        middle, last
    )
    assert calendar.working_days_after(last, first) == (0 if last > first else whole)
    assert whole <= (last - first).days


@FIXED
@given(day=days)
def test_a_day_is_a_working_day_exactly_when_nothing_names_it_otherwise(
    calendar: WorkingCalendar, day: date
) -> None:
    reason = calendar.why_not_working(day)
    assert (reason is None) == calendar.is_working_day(day)
    if day.weekday() < 5 and reason is not None:
        assert reason != "weekend"  # a weekday off is a named day off


@FIXED
@given(day=days)
def test_the_deadline_cut_off_is_the_first_instant_of_the_next_local_day(
    calendar: WorkingCalendar, day: date
) -> None:
    cut_off = calendar.end_of_day(day)
    assert calendar.local_date(cut_off) == day + timedelta(days=1)
    assert calendar.local_date(cut_off - timedelta(microseconds=1)) == day
    assert calendar.deadline_met(day, cut_off - timedelta(microseconds=1))
    assert not calendar.deadline_met(day, cut_off)


# -- the lifecycle as stored ---------------------------------------------------------------

#: how many tasks the lifecycle property draws from (one per example)
LIFECYCLE_TASKS = 70

#: the side roads' services and the states each may be taken from (issue 16)
SIDE_MOVES = {
    "pause": PAUSABLE,
    "resume": frozenset({Status.PAUSED}),
    "decline": DECLINABLE,
    "reassign": frozenset({Status.DECLINED}),
    "return": frozenset({Status.DECLINED}),
}


moves = st.lists(
    st.one_of(
        st.tuples(st.just("move"), st.sampled_from(list(Status))),
        st.tuples(st.just("extend"), st.booleans()),
        st.tuples(st.just("side"), st.sampled_from(sorted(SIDE_MOVES))),
    ),
    min_size=1,
    max_size=8,
)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Deps, Iterator[int]]]:
    """A SQLite office with many fresh tasks, handed out one per example."""
    folder = tmp_path_factory.mktemp("lifecycle")
    app = make_app(f"sqlite:///{folder / 'dondoc.db'}")
    with app.session() as session:
        imports.import_units(session, units_file(folder, *STANDARD_UNITS), T0)
        work = [task(f"Việc {i}") for i in range(LIFECYCLE_TASKS)]
        imports.import_directives(
            session, directives_file(folder, directive("9/TB", *work)), app.calendar, T0, "cv"
        )
        ids = list(session.exec(select(TaskRow.id).order_by(col(TaskRow.id))).all())
    yield app, iter(i for i in ids if i is not None)
    app.engine.dispose()


def _side(app: Deps, session: Any, task_id: int, move: str, at: datetime) -> None:
    common = {"at": at, "actor": "cv", "reason": "r"}
    if move == "pause":
        tasks.pause(session, task_id, **common)
    elif move == "resume":
        tasks.resume(session, task_id, calendar=app.calendar, **common)
    elif move == "decline":
        tasks.decline(session, task_id, **common)
    elif move == "return":
        tasks.return_to_unit(session, task_id, calendar=app.calendar, **common)
    else:
        lead = tasks.get_task(session, task_id).lead_unit
        tasks.reassign(session, task_id, to_unit="PL" if lead == "TH" else "TH",
                       calendar=app.calendar, **common)  # fmt: skip


def _stored(app: Deps, task_id: int) -> tuple[str, list[TaskEventRow]]:
    with app.session() as session:
        row = session.get(TaskRow, task_id)
        assert row is not None
        events = session.exec(
            select(TaskEventRow)
            .where(TaskEventRow.task_id == task_id)
            .order_by(col(TaskEventRow.id))
        ).all()
        return row.status, list(events)


@settings(FIXED, max_examples=LIFECYCLE_TASKS)
@given(steps=moves)
def test_any_sequence_of_moves_leaves_a_log_that_replays_to_the_stored_status(
    book: tuple[Deps, Iterator[int]], steps: list[tuple[str, Any]]
) -> None:
    app, fresh = book
    task_id = next(fresh)
    minute = itertools.count(1)
    for action, argument in steps:
        before, logged = _stored(app, task_id)
        at = T0 + timedelta(minutes=next(minute))
        with app.session() as session:
            try:
                if action == "side":
                    _side(app, session, task_id, argument, at)
                elif action == "move":
                    tasks.change_status(
                        session,
                        task_id,
                        argument,
                        at=at,
                        actor="cv",
                        note="",
                        calendar=app.calendar,
                    )
                else:
                    # a working day (a day off would end on the next one), later each time
                    later = app.calendar.add_working_days(date(2026, 1, 1), len(logged) + 1)
                    until = later if argument else None
                    tasks.extend(
                        session, task_id, until=until, reason="r", at=at, actor="cv",
                        refuse=not argument, calendar=app.calendar,
                    )  # fmt: skip
                refused = False
            except DomainError:
                refused = True
        after, log = _stored(app, task_id)
        if action == "side":
            assert refused == (Status(before) not in SIDE_MOVES[argument])
        elif action == "move":  # a plain change neither takes nor leaves a side road
            side = argument in SIDE_ROADS or (
                Status(before) in SIDE_ROADS and argument is not Status.CANCELLED
            )
            assert refused == (argument not in TRANSITIONS[Status(before)] or side)
        else:  # a decision needs a request, which only these states may make
            may_ask = Status.EXTENSION_REQUESTED in TRANSITIONS[Status(before)]
            assert refused == (before != Status.EXTENSION_REQUESTED and not may_ask)
        if refused:
            assert (after, len(log)) == (before, len(logged))
    status, log = _stored(app, task_id)
    replayed = log[0].to_status
    for change in log[1:]:
        assert change.from_status == replayed
        assert Status(change.to_status) in TRANSITIONS[Status(replayed)]
        replayed = change.to_status
    assert replayed == status


# -- the deadline resolver -----------------------------------------------------------------


@FIXED
@given(text=st.text(max_size=120), on=days)
def test_the_deadline_resolver_never_raises_on_any_text(
    calendar: WorkingCalendar, text: str, on: date
) -> None:
    resolve(text, on, calendar)
    find_deadlines(text, on, calendar)
    recurrence_in(text)


phrases = st.lists(
    st.sampled_from(
        [
            "trước ngày",
            "31/12",
            "tháng 13",
            "quý IV",
            "năm 2026",
            "Tết Nguyên đán",
            "ngày 0",
            "30/02/2026",
            "trong 0 ngày làm việc",
            "hằng tháng",
            "đầu quý",
            "giữa năm",
            "by 31 December",
            "within 5 working days",
            "99/99/9999",
            "tuần tới",
            "cuối năm",
        ]
    ),
    max_size=6,
).map(" ".join)


@FIXED
@given(text=phrases, on=days)
def test_the_deadline_resolver_never_raises_on_jumbled_deadline_words(
    calendar: WorkingCalendar, text: str, on: date
) -> None:
    resolve(text, on, calendar)
    find_deadlines(text, on, calendar)


# -- files, however malformed --------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=30),
    st.dates(),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=5)


@st.composite
def unit_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Valid units, then some fields dropped, replaced by anything, or added."""
    records = [dict(u) for u in draw(st.lists(st.sampled_from(STANDARD_UNITS), max_size=4))]
    for record in records:
        for key in draw(st.lists(st.sampled_from([*record, "parent", "aliases", "x"]), max_size=3)):
            if draw(st.booleans()):
                record.pop(key, None)
            else:
                record[key] = draw(values)
    return records


def _units_text(records: list[dict[str, Any]], suffix: str) -> str:
    if suffix == ".json":
        return json.dumps({"units": records}, ensure_ascii=False, default=str)
    if suffix == ".yaml":
        return yaml.safe_dump({"units": records}, allow_unicode=True)
    out = io.StringIO()
    writer = csv.writer(out)
    columns = sorted({k for r in records for k in r if k != "head"})
    writer.writerow(columns)
    writer.writerows([[r.get(c, "") for c in columns] for r in records])
    return out.getvalue()


def _refusal(load: Callable[[], object]) -> ImportRefused | None:
    """The refusal `load()` raised, or None if it imported."""
    try:
        load()
    except ImportRefused as refused:
        return refused
    return None


def _import_units(app: Deps, path: Path) -> None:
    with app.session() as session:
        imports.import_units(session, path, T0)


def _codes(app: Deps) -> list[str]:
    with app.session() as session:
        return sorted(session.exec(select(UnitRow.code)).all())


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Deps, Path]]:
    folder = tmp_path_factory.mktemp("files")
    app = make_app(f"sqlite:///{folder / 'dondoc.db'}")
    yield app, folder
    app.engine.dispose()


@FIXED
@given(records=unit_records(), suffix=st.sampled_from([".yaml", ".json", ".csv"]))
def test_a_malformed_units_file_is_refused_whole_or_imported_whole(
    office: tuple[Deps, Path], records: list[dict[str, Any]], suffix: str
) -> None:
    app, folder = office
    path = folder / f"units{suffix}"
    path.write_text(_units_text(records, suffix), encoding="utf-8")
    before = _codes(app)
    refused = _refusal(lambda: _import_units(app, path))
    event("refused" if refused else "imported")
    if refused is not None:
        assert refused.problems
        assert {p.file for p in refused.problems} == {path.name}
        assert _codes(app) == before
    else:
        codes = {str(r["code"]) for r in records if "code" in r}
        assert set(_codes(app)) == set(before) | codes


@FIXED
@given(garbage=st.binary(max_size=200), suffix=st.sampled_from([".yaml", ".json", ".csv", ".xlsx"]))
def test_random_bytes_are_refused_whole_with_a_located_message(
    office: tuple[Deps, Path], garbage: bytes, suffix: str
) -> None:
    app, folder = office
    units, sheet = folder / f"units{suffix}", folder / f"directives{suffix}"
    units.write_bytes(garbage)
    sheet.write_bytes(garbage)
    before = _codes(app)
    with app.session() as session:
        for path, refused in (
            (units, _refusal(lambda: imports.import_units(session, units, T0))),
            (
                sheet,
                _refusal(lambda: imports.import_directives(session, sheet, app.calendar, T0, "cv")),
            ),
        ):
            assert refused is not None
            assert {p.file for p in refused.problems} == {path.name}
    assert _codes(app) == before
    with app.session() as session:
        assert session.exec(select(func.count()).select_from(TaskRow)).one() == 0
