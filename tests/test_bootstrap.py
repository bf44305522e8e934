"""The composition root: what `App.deps()` reads, and that it reads it once per run.

A command, a scheduler cycle or a flow run gets one `Deps`: the office's calendar and
policies as they were when it started. The next one sees what changed in between.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

from engine.bootstrap import App, bootstrap
from engine.clock import FixedClock
from engine.services.calendar_days import set_day
from engine.settings import Settings

NOW = datetime(2025, 11, 26, 2, 0, tzinfo=UTC)
FRIDAY = date(2025, 11, 28)


def make(tmp_path: Path, **settings: object) -> App:
    values = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite:///{tmp_path / 'dondoc.db'}", **settings
    )
    app = bootstrap(values, clock=FixedClock(NOW))
    app.migrate()
    return app


def test_the_policies_come_from_the_office_policy_file(tmp_path: Path) -> None:
    policies = tmp_path / "policies.yaml"
    policies.write_text(
        'default:\n  office_hours: {start: "07:30", end: "20:00"}\n'
        "priorities:\n  urgent: {overdue_every: 1}\n",
        encoding="utf-8",
    )
    deps = make(tmp_path, policy_file=policies).deps()
    assert (deps.policies.default.office_start, deps.policies.default.office_end) == (
        time(7, 30),
        time(20, 0),
    )
    assert deps.policies.for_priority("urgent").overdue_every == 1
    assert deps.policies.for_priority("normal").overdue_every == 2


def test_a_run_keeps_the_calendar_it_started_with_and_the_next_run_sees_the_change(
    tmp_path: Path,
) -> None:
    app = make(tmp_path)
    before = app.deps()
    assert before.calendar.is_working_day(FRIDAY)
    with before.session() as session:
        set_day(session, FRIDAY, "off", name="Nghỉ bù", source="QĐ 1", actor="cv", now=NOW)

    assert before.calendar.is_working_day(FRIDAY)  # read once, at the start of the run
    after = app.deps()
    assert not after.calendar.is_working_day(FRIDAY)
    assert after.calendar.why_not_working(FRIDAY) == "Nghỉ bù"
    assert after.engine is before.engine  # one engine for the life of the process
    app.engine.dispose()


def test_the_zone_and_the_clock_are_the_settings_and_the_given_clock(tmp_path: Path) -> None:
    deps = make(tmp_path, timezone="Asia/Tokyo").deps()
    assert str(deps.calendar.timezone) == "Asia/Tokyo"
    assert deps.clock.now() == NOW
