"""The migrations build the schema the tables declare, and the sweep's claim reads the due
tasks by their index, not every open task."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event
from sqlmodel import SQLModel

import engine.store.tables  # noqa: F401  (the tables are declared on SQLModel.metadata)
from engine.services.deps import Deps
from engine.services.sweep import sweep
from tests.conftest import make_app

SWEEP_AT = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Tuesday


def test_the_migrated_schema_is_the_one_the_tables_declare(app: Deps) -> None:
    with app.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_the_claim_on_sqlite_reads_the_tasks_by_status_and_mark(sqlite_url: str) -> None:
    """SQLite has no statistics (the engine runs no ANALYZE): given only an index on the
    mark, it chose the one on (status, deadline) and read every open task."""
    app = make_app(sqlite_url)
    sent: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "FROM task JOIN directive" in statement and "next_check_on <=" in statement:
            sent.append((statement, parameters))

    event.listen(app.engine, "before_cursor_execute", keep)
    try:
        sweep(app, SWEEP_AT)
    finally:
        event.remove(app.engine, "before_cursor_execute", keep)
    [(claim, parameters)] = sent
    with app.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + claim, parameters).all()
    app.engine.dispose()
    on_task = [str(row[-1]) for row in plan if " task " in f" {row[-1]} "]
    assert on_task == [
        "SEARCH task USING INDEX ix_task_status_next_check_on (status=? AND next_check_on<?)"
    ]
