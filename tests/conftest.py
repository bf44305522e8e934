"""Shared fixtures: a fresh database per test, on SQLite and on a throwaway PostgreSQL.

PostgreSQL tests skip with a reason when no server answers, except under CI (CI=true, 1
or yes), where they fail instead: CI must run them.

No test sees the developer's set-up: every DONDOC_ variable of the shell is removed and
each test runs in an empty folder, where no `.env` is read and where a relative
`dondoc.db` or `reports/` would land. A test that needs a setting sets it itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from engine.bootstrap import bootstrap
from engine.clock import FixedClock
from engine.services.deps import Deps
from engine.settings import Settings
from tests.pg import throwaway_database

pytest_plugins = ["tests.smtp_server"]  # the `smtp_server` fixture: aiosmtpd on 127.0.0.1

PG_ADMIN_URL = os.environ.get("DONDOC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IMPORTED_AT = datetime(2025, 11, 26, 2, 0, tzinfo=UTC)  # 09:00 in Ha Noi, the issue date
#: DONDOC_ variables that steer the tests, not dondoc (Settings has no such fields)
TEST_VARIABLES = frozenset({"DONDOC_TEST_PG_URL", "DONDOC_UPDATE_DOCS"})


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.fixture(autouse=True)
def away_from_the_developers_setup(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name in list(os.environ):
        if name.startswith("DONDOC_") and name not in TEST_VARIABLES:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def _pg_reason() -> str | None:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return f"no PostgreSQL server answers at {PG_ADMIN_URL}: {exc}".splitlines()[0]


@pytest.fixture(scope="session")
def postgres_server() -> str:
    reason = _pg_reason()
    if reason is not None:
        if in_ci():
            pytest.fail(f"CI={os.environ['CI']} but {reason}")
        pytest.skip(reason)
    return PG_ADMIN_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'dondoc.db'}"
        return
    admin = request.getfixturevalue("postgres_server")
    with throwaway_database(admin) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'dondoc.db'}"


MAIL_SETTINGS = {
    "coordinator_email": "theodoi@example.vn",
    "leadership_email": "lanhdao.vanphong@example.vn",
    "leader_email": "lanhdao@example.vn",
    "mail_from": "dondoc@vpctn.example.vn",
}


def make_app(url: str, at: datetime = IMPORTED_AT, **overrides: object) -> Deps:
    settings = Settings(database_url=url, _env_file=None, **(MAIL_SETTINGS | overrides))  # type: ignore[call-arg, arg-type]
    application = bootstrap(settings, clock=FixedClock(at))
    application.migrate()
    return application.deps()


@pytest.fixture
def app(database_url: str) -> Iterator[Deps]:
    application = make_app(database_url)
    yield application
    application.engine.dispose()


#: table rules, turned into spaces so that CLI output compares on words
BOX = {ord(c): " " for c in "│┃┆"}


@pytest.fixture
def dondoc(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """`dondoc ARGS…` on a SQLite file, as a coordinator types it, on 26/11/2025 at 09:00 in
    Ha Noi: `dondoc("tasks", "list")` gives what it printed (stdout and stderr) on one
    line; a `code` other than the one expected fails the test with the output."""
    from typer.testing import CliRunner

    from engine import cli

    monkeypatch.setenv("DONDOC_DATABASE_URL", sqlite_url)
    monkeypatch.delenv("DONDOC_LANG", raising=False)
    monkeypatch.setenv("DONDOC_SIMULATED_NOW", "2025-11-26T09:00:00+07:00")
    monkeypatch.setattr(cli.console, "width", 250)  # no wrapping inside table cells
    monkeypatch.setattr(cli.errors, "width", 250)
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli.app, list(args))
        output = result.output  # stdout and stderr, as the terminal shows them
        assert result.exit_code == code, output
        return " ".join(output.translate(BOX).split())

    return run
