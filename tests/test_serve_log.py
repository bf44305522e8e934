"""`dondoc serve` as an operator runs it: a real process, its log on stderr.

Each line carries time, level and logger; each cycle says what it did; a cycle that
raises is logged once with its traceback and the next cycle runs; SIGTERM stops it
cleanly; DONDOC_LOG_FORMAT=json gives one JSON object a line; no password is logged.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine.settings import DEFAULT_POLICY_FILE
from tests.builders import STANDARD_UNITS, directive, directives_file, units_file

DONDOC = str(Path(sys.executable).parent / "dondoc")
SECRET = "hunter2-not-for-logs"
#: 2026-01-21T09:00:00.123+07:00 INFO dondoc.serve: …
LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d (DEBUG|INFO|WARNING|ERROR|CRITICAL) "
    r"[\w.]+: "
)


def settings(folder: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")}
    return env | {
        "DONDOC_DATABASE_URL": f"sqlite:///{folder / 'dondoc.db'}",
        "DONDOC_SIMULATED_NOW": "2025-12-11T09:00:00+07:00",  # Thursday, office hours
        "DONDOC_SERVE_INTERVAL_SECONDS": "5",
        "DONDOC_SMTP_PORT": "9",  # nothing listens there: delivery fails, for now
        "DONDOC_SMTP_USER": "dondoc",
        "DONDOC_SMTP_PASSWORD": SECRET,
        "DONDOC_COORDINATOR_EMAIL": "theodoi@example.vn",
        "DONDOC_POLICY_FILE": str(folder / "policies.yaml"),
        **more,
    }


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """A database with units and a directive whose task is due for a reminder."""
    (tmp_path / "policies.yaml").write_bytes(DEFAULT_POLICY_FILE.read_bytes())
    env = settings(tmp_path)
    for args in (
        ["init"],
        ["units", "import", str(units_file(tmp_path, *STANDARD_UNITS))],
        ["directive", "import", str(directives_file(tmp_path, directive()))],
    ):
        subprocess.run([DONDOC, *args], env=env, cwd=tmp_path, check=True, capture_output=True)
    return tmp_path


class Serving:
    """`dondoc serve` in the background, its stderr read line by line into `lines`."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.log = folder / "serve.log"
        self._file = self.log.open("wb")
        self.process = subprocess.Popen(
            [DONDOC, "serve"], env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=self._file
        )

    @property
    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()

    def wait_for(self, found: Callable[[list[str]], bool], timeout: float = 60) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.lines
            if found(lines):
                return lines
            assert self.process.poll() is None, "serve stopped:\n" + "\n".join(lines)
            time.sleep(0.2)
        raise AssertionError("not seen in time; the log:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self._file.close()


@pytest.fixture
def serve(office: Path) -> Iterator[Callable[..., Serving]]:
    started: list[Serving] = []

    def start(**more: str) -> Serving:
        started.append(Serving(office, settings(office, **more)))
        return started[-1]

    yield start
    for serving in started:
        serving.stop()


def cycles(lines: list[str]) -> list[str]:
    return [line for line in lines if "dondoc.serve: cycle at " in line]


def test_each_cycle_is_one_log_line_and_a_failing_cycle_does_not_stop_serve(
    office: Path, serve: Callable[..., Serving]
) -> None:
    serving = serve()
    first = serving.wait_for(lambda lines: len(cycles(lines)) >= 1)
    line = cycles(first)[0]
    assert LINE.match(line), line
    assert "WARNING dondoc.serve: cycle at 2025-12-11T09:00+07:00: checked 1 task(s)" in line
    # the assignment and a reminder, both waiting: the SMTP server does not answer
    assert "planned 2 mail(s) (0 escalation(s), 0 recurring instance(s))" in line
    assert "sent 0, deferred 2, failed 0; SMTP server unreachable: SMTPConnectError" in line

    # the office breaks its policy file: the next cycle fails, and is logged once
    policies = office / "policies.yaml"
    good = policies.read_bytes()
    policies.write_text("reminders: [this is not a policy\n", encoding="utf-8")
    failed = serving.wait_for(lambda lines: any("cycle failed" in x for x in lines))
    failures = [x for x in failed if "cycle failed" in x]
    assert len(failures) == 1
    assert LINE.match(failures[0])
    assert " ERROR dondoc.serve: " in failures[0]
    assert "Traceback (most recent call last):" in failed[failed.index(failures[0]) + 1]

    # mended, the next cycle runs as before
    policies.write_bytes(good)
    done = len(cycles(failed))
    serving.wait_for(lambda lines: len(cycles(lines)) > done)

    assert serving.stop() == 0
    lines = serving.lines
    assert "INFO dondoc.serve: SIGTERM: stopping after the current run" in "\n".join(lines)
    assert lines[-1].endswith("INFO dondoc.serve: stopped")
    starts = [x for x in lines if LINE.match(x)]
    assert starts[0].endswith(
        f"INFO dondoc.serve: serving sqlite:///{office / 'dondoc.db'}: sweep and delivery "
        "every 5 s, monthly review on the 1st at 07:00 (Asia/Ho_Chi_Minh)"
    )
    # every line is a record or part of the one traceback
    traceback_from = lines.index(failures[0])
    for number, line in enumerate(lines):
        assert LINE.match(line) or number > traceback_from, line
    assert SECRET not in serving.log.read_text(encoding="utf-8")


def test_json_log_is_one_object_a_line(office: Path, serve: Callable[..., Serving]) -> None:
    serving = serve(DONDOC_LOG_FORMAT="json")
    serving.wait_for(lambda lines: any("cycle at" in x for x in lines))
    assert serving.stop() == 0
    records = [json.loads(line) for line in serving.lines]
    assert all(set(r) >= {"time", "level", "logger", "message"} for r in records)
    cycle = next(r for r in records if r["message"].startswith("cycle at"))
    assert cycle["logger"] == "dondoc.serve"
    assert cycle["level"] == "WARNING"
    assert records[-1]["message"] == "stopped"
    assert SECRET not in serving.log.read_text(encoding="utf-8")


def test_the_log_level_can_be_raised(office: Path, serve: Callable[..., Serving]) -> None:
    serving = serve(DONDOC_LOG_LEVEL="error")
    time.sleep(7)  # long enough for a cycle
    assert serving.stop() == 0
    assert serving.lines == []
