"""The database engine and sessions; migrations run through Alembic.

Only `upgrade` (`dondoc init`) creates a database: a command that reads finds out first
whether there is one, and says "run `dondoc init`" rather than leave an empty file behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

from engine.config import ConfigError, NotInitialised, Unreachable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

#: seconds to wait for a PostgreSQL server before saying it does not answer
CONNECT_TIMEOUT = 10

_SETTING = "DONDOC_DATABASE_URL"


def shown_url(url: str | URL) -> str:
    """The URL as it may be printed or logged: no password."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets foreign keys and a busy timeout.

    A URL whose database kind or driver is not installed, or an asyncio driver (dondoc's
    engine is synchronous), is a `ConfigError` naming the setting."""
    try:
        return _make_engine(url, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise ConfigError(
            f"Cấu hình sai: {_SETTING}={shown_url(url)!r}: không dùng được loại cơ sở dữ liệu "
            f"hoặc trình điều khiển này ({exc}). Dùng sqlite:///… hoặc postgresql+psycopg://…",
            f"Bad setting: {_SETTING}={shown_url(url)!r}: this kind of database or driver "
            f"cannot be used ({exc}). Use sqlite:///… or postgresql+psycopg://…",
        ) from None


def _make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_dialect().is_async:
        raise ArgumentError(f"{parsed.drivername} is an asyncio driver")
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_driver_name() == "psycopg" and "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite database (None for another database or one in memory)."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None  # a URI: SQLite decides what it opens
    return Path(database)


def missing_sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite database that does not exist yet, if that is what `url` names."""
    path = sqlite_file(url)
    return path if path is not None and not path.is_file() else None


def check_database(engine: Engine, *, need_schema: bool = True) -> None:
    """Make sure the database is there and answers, and (`need_schema`) that `dondoc init`
    has brought it up to date; else `NotInitialised` or `Unreachable`. Creates nothing."""
    where = shown_url(engine.url)
    path = missing_sqlite_file(engine.url)
    if path is not None:
        raise NotInitialised(
            f"Chưa có cơ sở dữ liệu tại {path}: chạy `dondoc init` "
            f"(hoặc đặt {_SETTING} cho đúng cơ sở dữ liệu).",
            f"There is no database at {path}: run `dondoc init` "
            f"(or set {_SETTING} to the right database).",
        )
    try:
        connection = engine.connect()
    except (OperationalError, InterfaceError) as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise Unreachable(
            f"Không kết nối được cơ sở dữ liệu {where} ({_SETTING}): {reason}",
            f"Cannot connect to the database {where} ({_SETTING}): {reason}",
        ) from None
    with connection:
        current = not need_schema or _is_current(engine, connection)
    if not current:
        raise NotInitialised(
            f"Cơ sở dữ liệu {where} chưa được khởi tạo hoặc chưa cập nhật: chạy `dondoc init`.",
            f"The database {where} is not initialised or not up to date: run `dondoc init`.",
        )


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (idempotent), creating a SQLite file and its
    folder when there is none."""
    path = sqlite_file(engine.url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(_alembic_config(engine), revision)


def schema_is_current(engine: Engine) -> bool:
    with engine.connect() as connection:
        return _is_current(engine, connection)


def _is_current(engine: Engine, connection: Connection) -> bool:
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    return MigrationContext.configure(connection).get_current_revision() == head
