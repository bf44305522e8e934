"""The monthly review from a real database (SQLite and PostgreSQL): its figures against an
independent SQL count over the event log (and, in test_review_sql.py, against a replay of
the log), its documents (PDF text, Excel annex), and its mail to the leaders via the outbox."""

from __future__ import annotations

import email
import email.policy
import random
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import col, select

from engine.domain.categories import Category
from engine.domain.lifecycle import Status
from engine.domain.review import BadMonth, Month, MonthlyReview, ReviewError
from engine.mail.message import message_from_outbox
from engine.services import imports, tasks
from engine.services import review as review_service
from engine.services.deps import Deps
from engine.services.review import ReviewRefused, load_review, make_monthly_report, month_to_review
from engine.store.tables import OutboxRow, TaskRow
from tests.builders import STANDARD_UNITS, directive, directives_file, task, units_file
from tests.conftest import make_app

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)
DECEMBER = Month(2025, 12)
LATER = datetime(2026, 1, 20, 9, 0, tzinfo=HANOI)  # when the review is made


def at(month: int, day: int, hour: int = 9, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=HANOI)


@pytest.fixture
def office(database_url: str, tmp_path: Path) -> Iterator[Deps]:
    app = make_app(database_url, LATER)
    with app.session() as session:
        imports.import_units(session, units_file(tmp_path, *STANDARD_UNITS), ISSUED)
    yield app
    app.engine.dispose()


def load(app: Deps, tmp_path: Path, *items: dict[str, object]) -> list[int]:
    path = directives_file(tmp_path, directive("45/TB-VPCTN", *items), name="d.yaml")
    with app.session() as session:
        imports.import_directives(session, path, app.calendar, ISSUED, "cv")
        return [t.id for t in session.exec(select(TaskRow).order_by(col(TaskRow.id))) if t.id]


def move(app: Deps, task_id: int, *steps: tuple[Status, datetime]) -> None:
    with app.session() as session:
        for status, when in steps:
            tasks.change_status(session, task_id, status, at=when, actor="cv", note="")


def done(app: Deps, task_id: int, when: datetime) -> None:
    move(app, task_id, (Status.SUBMITTED, when - timedelta(hours=1)), (Status.COMPLETED, when))


@pytest.fixture
def december_book(office: Deps, tmp_path: Path) -> Deps:
    """Five tasks of 45/TB-VPCTN and what became of them (see the expectations below)."""
    on_time, late, extended, overdue, cancelled, ongoing = load(
        office,
        tmp_path,
        task("Xây dựng Chương trình công tác năm 2026", deadline="2025-12-15", owner="Trần Hoa"),
        task("Tổng kết công tác năm", deadline="2025-12-10", lead_unit="PL"),
        task("Phục vụ phiên họp Ban Chỉ đạo", deadline="2025-12-05"),
        task("Chuẩn bị hoạt động đối ngoại cuối năm", deadline="2025-12-20", lead_unit="DN"),
        task("Rà soát quy chế", deadline="2025-12-10", lead_unit="PL"),
        task("Theo dõi tình hình", deadline=None, recurrence="ongoing"),
    )
    done(office, on_time, at(12, 12))
    done(office, late, at(12, 16))
    with office.session() as session:
        tasks.extend(
            session, extended, until=date(2026, 1, 15), reason="Lùi lịch họp", at=at(12, 3),
            actor="ld",
        )  # fmt: skip
    move(office, cancelled, (Status.CANCELLED, at(12, 8)))
    done(office, overdue, at(1, 5, year=2026))  # after December: its review ignores it
    assert ongoing
    return office


def review_of(app: Deps, month: Month = DECEMBER) -> MonthlyReview:
    with app.session() as session:
        return load_review(session, app.calendar, month)


def counts(r: MonthlyReview) -> dict[str, int]:
    return {c.value: r.total.count(c) for c in Category}


def test_the_december_review_from_the_log(december_book: Deps) -> None:
    r = review_of(december_book)
    # one task in each category of the straight road, none paused or declined
    assert counts(r) == dict.fromkeys(Category, 1) | {Category.PAUSED: 0, Category.DECLINED: 0}
    assert r.total.on_time_rate == pytest.approx(100 / 3)
    assert (r.total.extensions_requested, r.total.extensions_granted) == (1, 1)
    [overdue] = r.overdue
    # due Saturday 20/12 as written: the deadline in force is Monday 22/12 (a deadline on a
    # day off ends on the next working day), 10 days before the cut-off
    assert (overdue.title, overdue.days_overdue) == ("Chuẩn bị hoạt động đối ngoại cuối năm", 10)
    [due] = r.due_next_month
    assert due.extensions == ((date(2025, 12, 5), date(2026, 1, 15)),)
    by_unit = {u.unit: u.figures.total for u in r.units}
    assert by_unit == {"TH": 3, "PL": 1, "DN": 1}


def test_a_review_made_again_later_says_the_same(december_book: Deps, tmp_path: Path) -> None:
    first = review_of(december_book)
    # January goes on: the extended task is completed, the ongoing one cancelled
    with december_book.session() as session:
        ids = [t.id for t in session.exec(select(TaskRow).order_by(col(TaskRow.id))) if t.id]
    done(december_book, ids[2], at(1, 14, year=2026))
    move(december_book, ids[5], (Status.CANCELLED, at(1, 15, year=2026)))
    assert review_of(december_book) == first
    january = review_of(december_book, Month(2026, 1))
    assert january.total.completed_on_time == 1  # the extended task, by 15/01
    assert january.total.ongoing == 0


# -- an independent count over the log -------------------------------------------------------

COUNT_SQL = """
WITH last_event AS (
    SELECT task_id, to_status,
           ROW_NUMBER() OVER (PARTITION BY task_id ORDER BY at DESC, id DESC) AS n
    FROM task_event WHERE at < :cutoff
),
extended AS (
    SELECT task_id, {new_deadline} AS deadline,
           ROW_NUMBER() OVER (PARTITION BY task_id ORDER BY at DESC, id DESC) AS n
    FROM task_event
    WHERE at < :cutoff AND from_status = 'extension_requested' AND to_status = 'in_progress'
      AND {new_deadline} IS NOT NULL
),
completed AS (
    SELECT task_id, MAX({local_day}) AS day
    FROM task_event WHERE at < :cutoff AND to_status = 'completed' GROUP BY task_id
),
book AS (
    SELECT l.to_status AS status, c.day AS done_on,
           CAST(COALESCE(x.deadline, {original}) AS DATE) AS deadline
    FROM last_event l
    JOIN task t ON t.id = l.task_id
    LEFT JOIN extended x ON x.task_id = l.task_id AND x.n = 1
    LEFT JOIN completed c ON c.task_id = l.task_id
    WHERE l.n = 1
)
SELECT
  SUM(CASE WHEN status = 'completed' AND done_on >= :first
           AND (deadline IS NULL OR done_on <= deadline) THEN 1 ELSE 0 END),
  SUM(CASE WHEN status = 'completed' AND done_on >= :first AND done_on > deadline
           THEN 1 ELSE 0 END),
  SUM(CASE WHEN status IN ({open}) AND deadline > :last THEN 1 ELSE 0 END),
  SUM(CASE WHEN status IN ({open}) AND deadline <= :last THEN 1 ELSE 0 END),
  SUM(CASE WHEN status IN ({open}) AND deadline IS NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN status = 'paused' THEN 1 ELSE 0 END),
  SUM(CASE WHEN status = 'declined' THEN 1 ELSE 0 END)
FROM book
"""


def sql_counts(app: Deps, month: Month) -> dict[str, int]:
    """The month's categories by SQL alone: each task's last event before the cut-off, its
    latest approved extension, its completion day in Hà Nội (UTC+7, no summer time)."""
    postgres = app.engine.dialect.name == "postgresql"
    query = COUNT_SQL.format(
        new_deadline="CAST(payload->>'new_deadline' AS DATE)"
        if postgres
        else "json_extract(payload, '$.new_deadline')",
        local_day="CAST(at AT TIME ZONE 'Asia/Ho_Chi_Minh' AS DATE)"
        if postgres
        else "date(at, '+7 hours')",
        original="t.original_deadline",
        open=", ".join(f"'{s}'" for s in ("assigned", "in_progress", "submitted", "returned",
                                           "extension_requested")),
    )  # fmt: skip
    if not postgres:
        query = query.replace("CAST(COALESCE(x.deadline, t.original_deadline) AS DATE)",
                              "COALESCE(x.deadline, t.original_deadline)")  # fmt: skip
    cutoff = month.cutoff(app.calendar)
    params = {
        "cutoff": cutoff if postgres else cutoff.astimezone(ZoneInfo("UTC")).replace(tzinfo=None),
        "first": month.first_day if postgres else month.first_day.isoformat(),
        "last": month.last_day if postgres else month.last_day.isoformat(),
    }
    with app.engine.connect() as connection:
        row = connection.execute(text(query), params).one()
    names = [c.value for c in Category]
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


@pytest.fixture
def random_book(office: Deps, tmp_path: Path) -> Deps:
    """Forty tasks with seeded random lives from November to January, through the real
    services."""
    rng = random.Random(20251231)
    items = []
    for i in range(40):
        deadline = date(2025, 11, 28) + timedelta(days=rng.randrange(0, 70))
        ongoing = i % 9 == 0
        items.append(
            task(
                f"Nhiệm vụ số {i}",
                lead_unit=rng.choice(["TH", "PL", "DN"]),
                deadline=None if ongoing else deadline.isoformat(),
                **({"recurrence": "ongoing"} if ongoing else {}),
            )
        )
    ids = load(office, tmp_path, *items)
    for task_id in ids:
        when = ISSUED + timedelta(days=rng.randrange(1, 20), hours=rng.randrange(0, 9))
        roll = rng.random()
        with office.session() as session:
            row = session.get(TaskRow, task_id)
            assert row is not None
            deadline = row.deadline
        if roll < 0.15:
            move(office, task_id, (Status.CANCELLED, when))
            continue
        move(office, task_id, (Status.IN_PROGRESS, when))
        when += timedelta(days=rng.randrange(1, 15))
        if roll < 0.4 and deadline is not None:
            with office.session() as session:
                tasks.extend(
                    session, task_id, until=deadline + timedelta(days=rng.randrange(3, 30)),
                    reason="Xin gia hạn", at=when, actor="ld",
                )  # fmt: skip
            when += timedelta(days=rng.randrange(1, 20))
        if roll < 0.8:
            done(office, task_id, when + timedelta(hours=rng.choice([0, 15, 23])))
    return office


def test_the_headline_counts_match_an_independent_sql_count(random_book: Deps) -> None:
    """Each month's counts from the report and from SQL must agree."""
    for month in (Month(2025, 11), DECEMBER, Month(2026, 1)):
        r = review_of(random_book, month)
        assert counts(r) == sql_counts(random_book, month), month
    assert review_of(random_book).total.total > 10  # the book is not trivially empty


# -- the documents ---------------------------------------------------------------------------


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("in_a_worker", [False, True], ids=["pdf-here", "pdf-in-a-worker"])
def test_the_pdf_reads_in_vietnamese_with_its_diacritics(
    december_book: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_a_worker: bool
) -> None:
    # a big office's PDF is made in a worker process: here both ways, on the same book
    monkeypatch.setattr(review_service, "PDF_WORKER_FROM", 0 if in_a_worker else 10**9)
    workers: list[review_service._DocumentWorkers] = []
    started = review_service._DocumentWorkers.__init__

    def spy(self: review_service._DocumentWorkers, wanted: bool = True) -> None:
        started(self, wanted)
        workers.append(self)

    monkeypatch.setattr(review_service._DocumentWorkers, "__init__", spy)
    made = make_monthly_report(december_book, "2025-12", lang="vi", out_dir=tmp_path / "out")
    assert [w.pool is not None for w in workers] == [in_a_worker]
    pdf = made.files.pdf
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    [png] = list(tmp_path.glob("page*.png"))
    assert png.read_bytes().startswith(b"\x89PNG")
    words = nfc(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
    )
    flat = " ".join(words.split())
    for heading in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Tình hình thực hiện nhiệm vụ tháng 12/2025",
        "I. KẾT QUẢ CHUNG",
        "2. Diễn biến sáu tháng gần nhất",
        "3. Kết quả theo đơn vị chủ trì",
        "II. NHIỆM VỤ CHƯA HOÀN THÀNH, QUÁ HẠN",
        "III. NHIỆM VỤ ĐẾN HẠN TRONG THÁNG 01/2026",
        "Trong tháng 12/2025, 1 nhiệm vụ hoàn thành đúng hạn, đạt 33,3%",
        "Chuẩn bị hoạt động đối ngoại cuối năm",
    ):
        assert heading in flat, heading
    html = made.files.html.read_text(encoding="utf-8")
    assert "<svg" in html
    assert "gia hạn từ 05/12/2025" in html  # the extension, shown with the due task


def test_the_english_report_says_the_same_in_english(december_book: Deps, tmp_path: Path) -> None:
    made = make_monthly_report(december_book, "2025-12", lang="en", out_dir=tmp_path, mail=False)
    assert made.files.html.name == "monthly-review-2025-12.html"
    html = made.files.html.read_text(encoding="utf-8")
    assert "In 12/2025, 1 task(s) were completed on time, 33.3% of those completed or due" in html
    assert "II. OVERDUE TASKS" in html
    assert "Hoàn thành" not in html


def test_the_annex_lists_every_task_with_filters_and_a_frozen_header(
    december_book: Deps, tmp_path: Path
) -> None:
    made = make_monthly_report(december_book, "2025-12", lang="vi", out_dir=tmp_path, mail=False)
    book = load_workbook(made.files.xlsx)
    assert book.sheetnames == ["Tổng hợp", "Danh sách nhiệm vụ"]
    sheet = book["Danh sách nhiệm vụ"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:Q6"
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[4] == "Nhiệm vụ"
    assert len(body) == made.review.total.total == 5
    by_title = {row[4]: row for row in body}
    extended = by_title["Phục vụ phiên họp Ban Chỉ đạo"]
    assert extended[8].date() == date(2025, 12, 5)  # original deadline
    assert extended[9].date() == date(2026, 1, 15)  # in force
    assert extended[10] == 1
    overdue = by_title["Chuẩn bị hoạt động đối ngoại cuối năm"]
    assert (overdue[12], overdue[14]) == ("Chưa hoàn thành, quá hạn", 10)  # from Mon 22/12
    summary = book["Tổng hợp"]
    assert summary.freeze_panes == "A2"
    assert [r[1] for r in summary.iter_rows(min_row=2, values_only=True)] == [
        "DN",
        "PL",
        "TH",
        None,
    ]


def cells(path: Path) -> list[list[tuple[object, str]]]:
    """Every cell of every sheet of the workbook at `path`: its value and its format."""
    book = load_workbook(path)
    return [
        [(cell.value, cell.number_format) for row in book[name].iter_rows() for cell in row]
        for name in book.sheetnames
    ]


def test_the_annex_written_in_a_worker_has_the_cells_of_the_one_written_here(
    december_book: Deps, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a big office's annex is written in a worker process from its cells as plain data
    made = {}
    for where, threshold in (("here", 10**9), ("worker", 0)):
        monkeypatch.setattr(review_service, "PDF_WORKER_FROM", threshold)
        made[where] = make_monthly_report(
            december_book, "2025-12", lang="vi", out_dir=tmp_path / where, mail=False
        )
    assert cells(made["worker"].files.xlsx) == cells(made["here"].files.xlsx)
    days = {
        (value, number_format)
        for value, number_format in cells(made["worker"].files.xlsx)[1]
        if isinstance(value, datetime)
    }
    assert days
    assert {number_format for _, number_format in days} == {"DD/MM/YYYY"}


# -- the mail --------------------------------------------------------------------------------


def outbox(app: Deps) -> list[OutboxRow]:
    with app.session() as session:
        return list(session.exec(select(OutboxRow).order_by(col(OutboxRow.id))))


def test_the_leaders_get_one_mail_each_with_the_pdf_and_the_annex(
    december_book: Deps, tmp_path: Path
) -> None:
    made = make_monthly_report(december_book, "2025-12", lang="vi", out_dir=tmp_path)
    assert made.mail.planned == ["lanhdao@example.vn", "lanhdao.vanphong@example.vn"]
    rows = outbox(december_book)
    assert [r.to_email for r in rows] == made.mail.planned
    row = rows[0]
    assert row.kind == "monthly_report"
    assert row.cc == ["theodoi@example.vn"]
    assert row.subject == (
        "[Báo cáo tháng] Tình hình thực hiện nhiệm vụ tháng 12/2025 — hoàn thành đúng hạn 33,3%"
    )
    assert "Kính gửi: Lãnh đạo Văn phòng Chủ tịch nước\n" in row.body_text  # a body: no "Đồng chí"
    assert "Chuẩn bị hoạt động đối ngoại cuối năm" in row.body_text  # the longest overdue
    message = message_from_outbox(row, "Văn phòng", "dondoc@vpctn.example.vn")
    parsed = email.message_from_bytes(bytes(message), policy=email.policy.default)
    files = {p.get_filename(): p for p in parsed.iter_attachments()}
    assert sorted(files) == ["bao-cao-thang-2025-12.pdf", "bao-cao-thang-2025-12.xlsx"]
    pdf = files["bao-cao-thang-2025-12.pdf"]
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content() == made.files.pdf.read_bytes()


def test_making_the_review_again_mails_no_one_twice(december_book: Deps, tmp_path: Path) -> None:
    make_monthly_report(december_book, "2025-12", lang="vi", out_dir=tmp_path)
    again = make_monthly_report(december_book, "2025-12", lang="vi", out_dir=tmp_path)
    assert again.mail.planned == []
    assert again.mail.already == ["lanhdao@example.vn", "lanhdao.vanphong@example.vn"]
    assert Counter(r.kind for r in outbox(december_book)) == {"monthly_report": 2}


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "error", "vi", "en"),
    [
        (
            "2025-13",
            BadMonth,
            "tháng không hợp lệ: '2025-13' (cần dạng 2025-12, tháng từ 1 đến 12)",
            "bad month: '2025-13' (expected 2025-12, month 1 to 12)",
        ),
        (
            "2026-01",
            ReviewRefused,
            "tháng 01/2026 chưa kết thúc: báo cáo tháng 01/2026 lập được từ ngày 01/02/2026"
            " (hôm nay là 20/01/2026)",
            "2026-01 has not ended yet: its review can be made from 2026-02-01"
            " (today is 2026-01-20)",
        ),
        (
            "2026-05",
            ReviewRefused,
            "tháng 05/2026 chưa kết thúc: báo cáo tháng 05/2026 lập được từ ngày 01/06/2026"
            " (hôm nay là 20/01/2026)",
            "2026-05 has not ended yet: its review can be made from 2026-06-01"
            " (today is 2026-01-20)",
        ),
    ],
    ids=["no-13th-month", "this-month", "a-later-month"],
)
def test_a_month_that_cannot_be_reviewed_is_refused_and_nothing_is_written(
    december_book: Deps, tmp_path: Path, month: str, error: type[ReviewError], vi: str, en: str
) -> None:
    with pytest.raises(error, match=f"^{re.escape(f'{vi} / {en}')}$") as refused:
        make_monthly_report(december_book, month, lang="vi", out_dir=tmp_path / "out")
    assert refused.type is error
    assert (refused.value.message("vi"), refused.value.message("en")) == (vi, en)
    assert not (tmp_path / "out").exists()
    assert outbox(december_book) == []


def test_the_default_month_is_the_one_before_in_ha_noi(office: Deps) -> None:
    calendar = office.calendar
    new_year = datetime(2026, 1, 1, 7, 0, tzinfo=HANOI)
    assert month_to_review(None, new_year, calendar) == DECEMBER
    assert month_to_review("12/2025", new_year, calendar) == DECEMBER
    with pytest.raises(ReviewRefused):
        month_to_review("2026-01", new_year, calendar)


def test_an_unwritable_folder_is_named_and_nothing_is_mailed(
    december_book: Deps, tmp_path: Path
) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(ReviewRefused, match="không ghi được báo cáo vào thư mục"):
        make_monthly_report(december_book, "2025-12", lang="vi", out_dir=blocker / "x")
    assert outbox(december_book) == []
