"""`dondoc report monthly` on a SQLite file: the files it writes, what it prints, and how it
refuses a month it cannot review (in Vietnamese, or English with --lang en)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, create_engine, select

from engine.store.tables import OutboxRow
from tests.builders import STANDARD_UNITS, directive, directives_file, task, units_file


@pytest.fixture
def dondoc(dondoc, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The CLI on an office with one task completed on 12/12/2025, on 02/01/2026."""
    monkeypatch.setenv("DONDOC_LEADER_EMAIL", "lanhdao@example.vn")
    monkeypatch.setenv("DONDOC_REPORT_DIR", str(tmp_path / "reports"))
    run = dondoc

    run("init")
    run("units", "import", str(units_file(tmp_path, *STANDARD_UNITS)))
    run("directive", "import", str(directives_file(tmp_path, directive("45/TB-VPCTN", task()))))
    run("task", "update", "1", "--status", "submitted", "--at", "2025-12-12T09:00")
    run("task", "update", "1", "--status", "completed", "--at", "2025-12-12T10:00")
    monkeypatch.setenv("DONDOC_SIMULATED_NOW", "2026-01-02T07:00:00+07:00")
    return run


def outbox(url: str) -> list[OutboxRow]:
    """The review's mail in the outbox (the completion's own mail left aside)."""
    with Session(create_engine(url)) as session:
        return list(session.exec(select(OutboxRow).where(OutboxRow.kind == "monthly_report")))


def test_the_monthly_report_writes_three_files_and_prints_their_paths(
    dondoc, tmp_path: Path, sqlite_url: str
) -> None:  # type: ignore[no-untyped-def]
    out = dondoc("report", "monthly", "--month", "2025-12")
    folder = tmp_path / "reports"
    for suffix in ("html", "pdf", "xlsx"):
        path = folder / f"bao-cao-thang-2025-12.{suffix}"
        assert path.is_file()
        assert str(path) in out
    assert "Báo cáo tình hình thực hiện nhiệm vụ tháng 12/2025" in out
    assert "Hoàn thành đúng hạn 1" in out
    assert "Tỷ lệ hoàn thành đúng hạn 100,0%" in out
    assert "Đã đưa thư gửi báo cáo vào hàng đợi: lanhdao@example.vn" in out
    assert [r.kind for r in outbox(sqlite_url)] == ["monthly_report"]

    again = dondoc("report", "monthly", "--month", "12/2025", "--out", str(tmp_path / "o"))
    assert "đã có trong hàng đợi trước đó, không gửi lại: lanhdao@example.vn" in again
    assert len(outbox(sqlite_url)) == 1


def test_the_default_month_is_the_previous_one_and_english_is_on_request(
    dondoc, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = dondoc("report", "monthly", "--lang", "en", "--no-mail", "--out", str(tmp_path / "en"))
    assert "Implementation of assigned tasks, 12/2025" in out
    assert "On-time rate 100.0%" in out
    assert (tmp_path / "en" / "monthly-review-2025-12.pdf").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("report", "monthly", "--month", "2025-13"),
            "tháng không hợp lệ: '2025-13' (cần dạng 2025-12, tháng từ 1 đến 12)",
        ),
        (
            ("report", "monthly", "--month", "2026-02"),
            "tháng 02/2026 chưa kết thúc: báo cáo tháng 02/2026 lập được từ ngày 01/03/2026"
            " (hôm nay là 02/01/2026)",
        ),
        (
            ("report", "monthly", "--month", "2026-01", "--lang", "en"),
            "2026-01 has not ended yet: its review can be made from 2026-02-01"
            " (today is 2026-01-02)",
        ),
        (
            ("--lang", "en", "report", "monthly", "--month", "december"),
            "bad month: 'december' (expected 2025-12)",
        ),
        (("report", "monthly", "--lang", "fr"), "--lang: vi hoặc en, không phải 'fr'"),
    ],
)
def test_a_month_that_cannot_be_reviewed_is_refused_and_nothing_is_stored(
    dondoc, tmp_path: Path, sqlite_url: str, args: tuple[str, ...], message: str
) -> None:  # type: ignore[no-untyped-def]
    out = dondoc(*args, code=2)
    assert message in out
    assert " / " not in out  # one language at a time
    assert not (tmp_path / "reports").exists()
    assert outbox(sqlite_url) == []
