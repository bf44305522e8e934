"""A bad set-up, as an operator meets it: the installed `dondoc` command run in an empty
folder with one wrong DONDOC_ setting. Each gives one line naming the setting and what
was wrong (Vietnamese, English with --lang en), exit code 2 for a bad configuration and 3
for a server that does not answer, no traceback, and no file left behind.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builders import STANDARD_UNITS, directive, directives_file, units_file

DONDOC = str(Path(sys.executable).parent / "dondoc")


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    empty = tmp_path / "office"
    empty.mkdir()
    return empty


def run(folder: Path, *args: str, **settings: str) -> Ran:
    """`dondoc ARGS` in `folder` with only the given DONDOC_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")}
    env |= {f"DONDOC_{k.upper()}": v for k, v in settings.items()}
    env["COLUMNS"] = "60"  # a narrow terminal: the message must still be one line
    done = subprocess.run(
        [DONDOC, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=60
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def one_line(ran: Ran) -> str:
    """The error: one line on stderr, and no traceback anywhere."""
    assert "Traceback" not in ran.out + ran.err, ran.err
    lines = ran.err.strip().splitlines()
    assert len(lines) == 1, ran.err
    return lines[0]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_bad_smtp_port_is_named_and_help_still_works(folder: Path) -> None:
    assert run(folder, "sweep", "--help", smtp_port="abc").code == 0
    ran = run(folder, "sweep", smtp_port="abc")
    assert ran.code == 2
    assert one_line(ran) == "Cấu hình sai: DONDOC_SMTP_PORT='abc' phải là một số nguyên."
    ran = run(folder, "--lang", "en", "sweep", smtp_port="abc")
    assert one_line(ran) == "Bad setting: DONDOC_SMTP_PORT='abc' must be a whole number."
    ran = run(folder, "sweep", smtp_port="abc", lang="en")  # the office's language, unread yet
    assert one_line(ran) == "Bad setting: DONDOC_SMTP_PORT='abc' must be a whole number."
    assert list(folder.iterdir()) == []


def test_an_smtp_port_out_of_range_is_refused(folder: Path) -> None:
    ran = run(folder, "deliver", smtp_port="70000")
    assert ran.code == 2
    assert "DONDOC_SMTP_PORT='70000' phải nhỏ hơn hoặc bằng 65535" in one_line(ran)


def test_a_choice_lists_what_it_may_be_in_the_readers_language(folder: Path) -> None:
    line = one_line(run(folder, "deliver", smtp_tls="ssl"))
    assert line == (
        "Cấu hình sai: DONDOC_SMTP_TLS='ssl' phải là một trong các giá trị "
        "'none', 'starttls' hoặc 'tls'."
    )


def test_an_unknown_time_zone_is_named(folder: Path) -> None:
    ran = run(folder, "tasks", "list", timezone="Asia/Hanoi_City")
    assert ran.code == 2
    assert one_line(ran) == (
        "Cấu hình sai: DONDOC_TIMEZONE='Asia/Hanoi_City' không phải là múi giờ đã biết "
        "(ví dụ Asia/Ho_Chi_Minh)."
    )
    assert list(folder.iterdir()) == []


def test_a_database_url_that_is_not_one_is_named_without_its_password(folder: Path) -> None:
    ran = run(folder, "tasks", "list", database_url="postgres:hunter2@db-host/dondoc")
    assert ran.code == 2
    line = one_line(ran)
    assert line.startswith("Cấu hình sai: DONDOC_DATABASE_URL='postgres:***@db-host/dondoc'")
    assert "không phải là URL cơ sở dữ liệu" in line
    assert "hunter2" not in ran.err
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("mysql+pymysql://dondoc@db-host/dondoc", "No module named 'pymysql'"),
        ("oracle2://dondoc@db-host/dondoc", "Can't load plugin"),
        ("postgresql+asyncpg://dondoc@db-host/dondoc", "asyncio driver"),
    ],
)
def test_a_database_driver_that_cannot_be_used_is_named(folder: Path, url: str, why: str) -> None:
    ran = run(folder, "--lang", "en", "units", "list", database_url=url)
    assert ran.code == 2
    line = one_line(ran)
    assert line.startswith(f"Bad setting: DONDOC_DATABASE_URL='{url}': ")
    assert why in line
    assert list(folder.iterdir()) == []


def test_an_unreachable_postgresql_exits_3_without_its_password(folder: Path) -> None:
    url = f"postgresql+psycopg://dondoc:hunter2@127.0.0.1:{closed_port()}/dondoc"
    ran = run(folder, "tasks", "list", database_url=url)
    assert ran.code == 3
    line = one_line(ran)
    assert line.startswith("Không kết nối được cơ sở dữ liệu postgresql+psycopg://dondoc:***@")
    assert "(DONDOC_DATABASE_URL)" in line
    assert "hunter2" not in ran.err
    assert list(folder.iterdir()) == []


def test_reading_a_mistyped_sqlite_path_creates_nothing(folder: Path) -> None:
    for command in (["tasks", "list"], ["units", "list"], ["outbox", "list"]):
        ran = run(folder, *command, database_url="sqlite:///data/dondco.db")
        assert ran.code == 2
        assert one_line(ran) == (
            "Chưa có cơ sở dữ liệu tại data/dondco.db: chạy `dondoc init` "
            "(hoặc đặt DONDOC_DATABASE_URL cho đúng cơ sở dữ liệu)."
        )
    ran = run(folder, "calendar", "show", "2026", database_url="sqlite:///data/dondco.db")
    assert ran.code == 0
    assert "Chưa có cơ sở dữ liệu: lịch chưa gồm ngày nghỉ, ngày làm bù riêng" in ran.err
    assert "Tết Nguyên Đán" in ran.out
    assert list(folder.iterdir()) == []


def test_a_database_file_without_the_schema_says_run_init(folder: Path) -> None:
    (folder / "dondoc.db").write_bytes(b"")
    ran = run(folder, "--lang", "en", "directives", "list")
    assert ran.code == 2
    assert one_line(ran) == (
        "The database sqlite:///dondoc.db is not initialised or not up to date: run `dondoc init`."
    )


def test_debug_shows_the_traceback_as_well(folder: Path) -> None:
    ran = run(folder, "--debug", "tasks", "list", smtp_port="abc")
    assert ran.code == 2
    assert "Traceback" in ran.err
    assert ran.err.strip().endswith("phải là một số nguyên.")


def test_an_unreachable_smtp_server_exits_3_and_the_mail_waits(folder: Path) -> None:
    port = str(closed_port())
    office = {
        "simulated_now": "2025-12-11T09:00:00+07:00",  # a Thursday, office hours
        "smtp_port": port,
        "coordinator_email": "theodoi@example.vn",
    }
    assert run(folder, "init", **office).code == 0
    units = units_file(folder, *STANDARD_UNITS)
    assert run(folder, "units", "import", str(units), **office).code == 0
    directives = directives_file(folder, directive())
    assert run(folder, "directive", "import", str(directives), **office).code == 0
    assert run(folder, "sweep", **office).code == 0

    ran = run(folder, "deliver", **office)
    assert ran.code == 3
    assert "Traceback" not in ran.err
    line = ran.err.strip().splitlines()[-1]
    assert line.startswith(
        f"Không kết nối được máy chủ thư 127.0.0.1:{port} (DONDOC_SMTP_HOST, DONDOC_SMTP_PORT): "
    )
    assert line.endswith("Thư vẫn nằm trong hàng đợi và sẽ được gửi lại.")
    waiting = run(folder, "outbox", "list", "--json", **office)
    assert waiting.code == 0
    assert '"status": "pending"' in waiting.out
    assert '"status": "sent"' not in waiting.out
