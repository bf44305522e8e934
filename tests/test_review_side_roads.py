"""The monthly review leaders asked for (issue 16), from a real database (SQLite and
PostgreSQL): paused tasks apart from the overdue, declined ones counted, a paused task judged
against the deadline its pause moved, extensions by unit, the update-compliance rate, and
each leader's mail in their own language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from engine.domain.categories import Category
from engine.domain.lifecycle import Status
from engine.services import answers, imports, tasks
from engine.services.deps import Deps
from engine.services.review import make_monthly_report
from engine.store.tables import OutboxRow, TaskRow
from tests.builders import directive, directives_file, task, unit, units_file
from tests.conftest import make_app

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)
LATER = datetime(2026, 1, 5, 9, 0, tzinfo=HANOI)
UNITS = (
    unit("VP"),
    unit("TH", parent="VP"),
    unit("PL", parent="VP"),
    # the leader's contact: a unit whose head reads English
    unit("LD", head=False, language="en")
    | {"head": {"name": "Leader", "title": "Chairman", "email": "lanhdao@example.vn"}},
)


def at(month: int, day: int, hour: int = 9, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=HANOI)


@pytest.fixture
def december(database_url: str, tmp_path: Path) -> Iterator[tuple[Deps, dict[str, int]]]:
    """Five tasks and their December:
    paused: TH, due 10/12, paused on 05/12 and still paused at the cut-off;
    declined: TH, due 15/12, declined on 02/12 and not yet decided;
    resumed: PL, due 12/12, paused 01/12, resumed 08/12 (5 working days: due 19/12), done 18/12;
    extended: PL, due 31/12, extended on 10/12 to 15/01/2026; no progress reported;
    reported: TH, due 20/01/2026, progress reported on 22/12.
    """
    app = make_app(database_url, LATER)
    titles = ("paused", "declined", "resumed", "extended", "reported")
    deadlines = ("2025-12-10", "2025-12-15", "2025-12-12", "2025-12-31", "2026-01-20")
    units = ("TH", "TH", "PL", "PL", "TH")
    items = [
        task(title, deadline=d, lead_unit=u)
        for title, d, u in zip(titles, deadlines, units, strict=True)
    ]
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *UNITS), ISSUED)
        path = directives_file(tmp_path, directive("45/TB", *items))
        imports.import_directives(session, path, app.calendar, ISSUED, "cv")
        ids = dict(zip(titles, session.exec(select(TaskRow.id).order_by(col(TaskRow.id))).all(),
                       strict=True))  # fmt: skip
    with app.session() as session:
        tasks.pause(session, ids["paused"], at=at(12, 5), actor="cv", reason="Chờ ý kiến")
        tasks.decline(session, ids["declined"], at=at(12, 2), actor="th", reason="Không")
        tasks.pause(session, ids["resumed"], at=at(12, 1), actor="cv", reason="Chờ")
        tasks.resume(session, ids["resumed"], at=at(12, 8), actor="cv", reason="Tiếp",
                     calendar=app.calendar)  # fmt: skip
        for status, hour in ((Status.SUBMITTED, 9), (Status.COMPLETED, 10)):
            tasks.change_status(session, ids["resumed"], status, at=at(12, 18, hour),
                                actor="cv", note="")  # fmt: skip
        tasks.extend(session, ids["extended"], until=date(2026, 1, 15), reason="Thêm",
                     at=at(12, 10), actor="ld", calendar=app.calendar)  # fmt: skip
        answers.report_progress(session, ids["reported"], percent=40, note="Đang dự thảo",
                                at=at(12, 22), actor="th", payload={})  # fmt: skip
    yield app, ids
    app.engine.dispose()


def test_the_review_counts_the_side_roads_and_judges_the_moved_deadline(
    december: tuple[Deps, dict[str, int]], tmp_path: Path
) -> None:
    app, ids = december
    made = make_monthly_report(app, "2025-12", lang="vi", out_dir=tmp_path / "r", now=LATER)
    r = made.review
    by_id = {line.id: line for line in r.lines}
    assert by_id[ids["paused"]].category is Category.PAUSED  # due 10/12: not overdue
    assert by_id[ids["declined"]].category is Category.DECLINED
    assert by_id[ids["resumed"]].category is Category.COMPLETED_ON_TIME  # by 19/12, not 12/12
    assert by_id[ids["resumed"]].deadline == date(2025, 12, 19)
    assert by_id[ids["resumed"]].extensions == ()  # a pause's end is not an extension
    assert r.overdue == ()
    assert (r.total.paused, r.total.declined, r.total.in_progress_overdue) == (1, 1, 0)
    units = {u.unit: u.figures for u in r.units}
    assert (units["TH"].paused, units["TH"].declined) == (1, 1)
    assert (units["PL"].extensions_requested, units["PL"].extensions_granted) == (1, 1)
    assert (units["TH"].extensions_requested, units["TH"].extensions_granted) == (0, 0)

    compliance = made.files.data.compliance
    assert compliance is not None
    # the policy's 20 working days before 01/01/2026 (31/12 back to 04/12): from Thu 04/12
    assert compliance.since == date(2025, 12, 4)
    assert (compliance.total.open, compliance.total.reported) == (2, 1)
    assert compliance.units["TH"].rate == 100.0
    assert compliance.units["PL"].rate == 0.0
    html = made.files.html.read_text("utf-8")
    assert "Tỷ lệ báo cáo tiến độ đúng kỳ" in html
    assert "Tạm dừng thực hiện" in html
    assert "Đơn vị từ chối, chờ giao lại" in html


def test_each_leader_gets_the_review_in_their_own_language(
    december: tuple[Deps, dict[str, int]], tmp_path: Path
) -> None:
    app, _ = december
    out = tmp_path / "r"
    make_monthly_report(app, "2025-12", lang="vi", out_dir=out, now=LATER)
    with app.session() as session:
        mails = {
            m.to_email: m
            for m in session.exec(select(OutboxRow).where(OutboxRow.kind == "monthly_report"))
        }
    leader, leadership = mails["lanhdao@example.vn"], mails["lanhdao.vanphong@example.vn"]
    assert (leader.language, leadership.language) == ("en", "vi")
    assert [a["filename"] for a in leader.attachments] == [
        "monthly-review-2025-12.pdf",
        "monthly-review-2025-12.xlsx",
    ]
    assert [a["filename"] for a in leadership.attachments] == [
        "bao-cao-thang-2025-12.pdf",
        "bao-cao-thang-2025-12.xlsx",
    ]
    assert (out / "monthly-review-2025-12.pdf").is_file()


def test_the_update_compliance_counts_open_tasks_only() -> None:
    """Pure: of the book's open tasks (a paused or declined one is not asked), those that
    reported; the period's first day counted back in working days."""
    from engine.domain.compliance import period_start, update_compliance
    from engine.domain.review import ReviewedTask
    from tests.builders import small_calendar

    def line(task_id: int, unit: str, category: Category) -> ReviewedTask:
        return ReviewedTask(task_id, unit, "45/TB", "1", "t", "", None, Status.IN_PROGRESS,
                            category, None, None, (), None, None, 0, 0, False)  # fmt: skip

    book = [
        line(1, "TH", Category.IN_PROGRESS_WITHIN_DEADLINE),
        line(2, "TH", Category.IN_PROGRESS_OVERDUE),
        line(3, "PL", Category.ONGOING),
        line(4, "PL", Category.PAUSED),
        line(5, "PL", Category.DECLINED),
        line(6, "PL", Category.COMPLETED_ON_TIME),
    ]
    got = update_compliance(book, {1, 4, 6}, date(2026, 3, 2))
    assert (got.total.open, got.total.reported, got.total.rate) == (3, 1, 100 / 3)
    assert (got.units["TH"].rate, got.units["PL"].rate) == (50.0, 0.0)
    assert update_compliance([], set(), date(2026, 3, 2)).total.rate is None
    # 5 working days before Mon 23/02/2026 (Tết 16-20/02 off): 13, 12, 11, 10, 09/02
    assert period_start(date(2026, 2, 23), 5, small_calendar()) == date(2026, 2, 9)
