"""A sheet of a few thousand rows goes in whole, each row where it belongs, or not at all.

The import writes rows in bulk and reads the new ids back in the order it inserted them
(engine.services.imports), so these tests check every row, not a sample: each task under
its own directive, each coordinating unit and each first event on its own task. One
directive is stored first, so the new ids do not start at 1. `BATCH` is made small, so
the tasks go in several slices. Both run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, func, select

from engine.domain.policy import Policy, deadline_in_force
from engine.intake.excel import COLUMNS, SHEET
from engine.intake.problems import ImportRefused, Problem
from engine.services import imports
from engine.services.deps import Deps
from engine.store.tables import DirectiveRow, TaskCoordinatorRow, TaskEventRow, TaskRow
from tests.builders import STANDARD_UNITS, directive, directives_file, task, units_file

T0 = datetime(2025, 11, 26, 2, 0, tzinfo=UTC)
ISSUED = date(2025, 11, 26)
LEADS = ("TH", "PL", "DN")
#: tasks per directive, in turn: 600 directives, 3,000 rows
SIZES = (1, 2, 4, 8, 10)
ROWS = 3_000


def sheet_rows() -> list[dict[str, Any]]:
    """The rows of the sheet, keyed by column key. Task k of directive n: leads and
    coordinates by n and k, is due k % 40 + 1 days after the issue date (every tenth
    in 5 working days instead), and every seventh has no deliverable (a draft)."""
    rows: list[dict[str, Any]] = []
    n = 0
    while len(rows) < ROWS:
        n += 1
        for k in range(1, SIZES[(n - 1) % len(SIZES)] + 1):
            lead = LEADS[(n + k) % 3]
            row: dict[str, Any] = {
                "reference": f"{n}/TB-VPCTN",
                "number": str(k),
                "title_task": f"Nhiệm vụ {k} của văn bản {n}",
                "lead_unit": lead,
                "coordinating_units": "; ".join([u for u in LEADS if u != lead][: k % 3]),
                "authority": "Chủ nhiệm Văn phòng",
            }
            if k == 1:
                row |= {
                    "title": f"Thông báo kết luận số {n}",
                    "issuer": "Chủ tịch nước",
                    "issued_on": "26/11/2025",
                    "priority": ("normal", "high", "urgent")[n % 3],
                }
            if k % 10 == 0:
                row["deadline_working_days"] = 5
            else:
                row["deadline"] = ISSUED + timedelta(days=k % 40 + 1)
            if k % 7:
                row["deliverable"] = "Báo cáo"
            rows.append(row)
    assert len(rows) == ROWS
    return rows


def write_sheet(path: Path, rows: list[dict[str, Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append([c.header for c in COLUMNS])
    for row in rows:
        sheet.append([row.get(c.key) for c in COLUMNS])
    book.save(path)
    return path


def counts(app: Deps) -> dict[str, int]:
    with app.session() as session:
        return {
            str(table.__tablename__): session.exec(select(func.count()).select_from(table)).one()
            for table in (DirectiveRow, TaskRow, TaskEventRow, TaskCoordinatorRow)
        }


@pytest.fixture
def stored(app: Deps, tmp_path: Path) -> Deps:
    """The standard units and one directive already imported."""
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), T0)
        path = directives_file(tmp_path, directive("0/TB-VPCTN", task()), name="stored.yaml")
        imports.import_directives(session, path, app.calendar, T0, "coordinator")
    return app


def test_three_thousand_rows_are_stored_each_task_with_its_coordinators_and_its_event(
    stored: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "BATCH", 700)
    rows = sheet_rows()
    path = write_sheet(tmp_path / "chi-dao.xlsx", rows)

    with stored.session() as session:
        result = imports.import_directives(session, path, stored.calendar, T0, "coordinator")

    in_five_working_days = stored.calendar.add_working_days(ISSUED, 5)
    tasks = {
        (r["reference"], r["number"]): (
            r["title_task"],
            r["lead_unit"],
            # a written date on a day off ends on the next working day (the policy's default)
            deadline_in_force(r["deadline"], stored.calendar, Policy())
            if "deadline" in r
            else in_five_working_days,
            "assigned" if "deliverable" in r else "draft",
            [] if "deliverable" in r else ["deliverable"],
        )
        for r in rows
    }
    coordinators = sorted(
        (r["reference"], r["number"], code)
        for r in rows
        for code in r["coordinating_units"].split("; ")
        if code
    )
    events = {
        key: (status, {"deadline": deadline.isoformat()}, "Nhập từ tệp chi-dao.xlsx")
        for key, (_, _, deadline, status, _) in tasks.items()
    }
    assert (len(tasks), len(coordinators)) == (ROWS, 3_240)  # the builder's own sums
    assert (len(result.references), result.task_count, len(result.drafts)) == (600, ROWS, 240)
    assert counts(stored) == {
        "directive": 601,
        "task": ROWS + 1,
        "task_event": ROWS + 1,
        "task_coordinator": 3_240,  # the stored directive's task has none
    }
    new = col(DirectiveRow.reference) != "0/TB-VPCTN"
    reference, number = DirectiveRow.reference, TaskRow.number
    with stored.session() as session:
        task_query = select(
            reference,
            number,
            TaskRow.title,
            TaskRow.lead_unit,
            TaskRow.deadline,
            TaskRow.status,
            TaskRow.missing,
        )
        stored_tasks = session.exec(task_query.join(DirectiveRow).where(new)).all()
        coordinator_query = select(reference, number, TaskCoordinatorRow.unit_code).join(
            TaskRow, col(TaskRow.id) == TaskCoordinatorRow.task_id
        )
        stored_coordinators = session.exec(coordinator_query.join(DirectiveRow).where(new)).all()
        event_query = select(
            reference, number, TaskEventRow.to_status, TaskEventRow.payload, TaskEventRow.reason
        ).join(TaskRow, col(TaskRow.id) == TaskEventRow.task_id)
        stored_events = session.exec(event_query.join(DirectiveRow).where(new)).all()
        priorities = dict(session.exec(select(DirectiveRow.reference, DirectiveRow.priority)).all())

    assert len(stored_tasks) == ROWS
    assert {(r, n): tuple(values) for r, n, *values in stored_tasks} == tasks
    assert sorted(tuple(row) for row in stored_coordinators) == coordinators
    assert len(stored_events) == ROWS
    assert {(r, n): tuple(values) for r, n, *values in stored_events} == events
    assert [priorities[f"{n}/TB-VPCTN"] for n in (1, 599, 600)] == ["high", "urgent", "normal"]


def test_one_bad_row_at_the_end_of_three_thousand_refuses_the_file_and_stores_nothing(
    stored: Deps, tmp_path: Path
) -> None:
    rows = sheet_rows()
    rows[-3]["lead_unit"] = "XX"
    path = write_sheet(tmp_path / "chi-dao.xlsx", rows)
    before = counts(stored)

    with stored.session() as session, pytest.raises(ImportRefused) as refusal:
        imports.import_directives(session, path, stored.calendar, T0, "coordinator")

    assert refusal.value.problems == [
        Problem(
            "chi-dao.xlsx",
            ROWS - 1,  # the header is row 1
            "",
            "Đơn vị chủ trì",
            "mã đơn vị XX không có trong danh mục",
            "unknown unit code XX",
        )
    ]
    assert counts(stored) == before
