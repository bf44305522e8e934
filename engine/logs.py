"""One logging set-up for `dondoc serve`, the CLI and the flows.

Every record is one line on stderr: time, level, logger, message (a traceback follows its
record's line). `json` gives one JSON object a line instead, for journald and log shippers.
dondoc's own loggers are named `dondoc.*`; other libraries speak at WARNING and above
unless the level asked for is DEBUG. A password in a URL never reaches the log.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Literal, TextIO

#: the root of dondoc's loggers ("dondoc.serve", "dondoc.delivery", …)
ROOT = "dondoc"

Format = Literal["text", "json"]

_HANDLER_NAME = "dondoc"
_URL_PASSWORD = re.compile(r"(?<=://)([^:/@\s]*):[^@/\s]+@")


def _scrubbed(text: str) -> str:
    return _URL_PASSWORD.sub(r"\1:***@", text)


class TextFormatter(logging.Formatter):
    """`2026-01-21T09:00:00.123+07:00 INFO dondoc.serve: message` in the local zone."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).astimezone()
        return moment.isoformat(timespec="milliseconds")

    def format(self, record: logging.LogRecord) -> str:
        return _scrubbed(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, and the
    traceback as `exception` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _scrubbed(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = _scrubbed(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(
    level: str = "INFO", fmt: Format = "text", stream: TextIO | None = None
) -> logging.Handler:
    """Send every log record at `level` and above to stderr (or `stream`), one a line.

    Called again, it replaces the handler it set up before rather than add a second one.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(f"unknown log level {level!r}")
    logging.getLogger(ROOT).setLevel(numeric)
    # the libraries' chatter (a line for every APScheduler run) only when debugging
    root.setLevel(numeric if numeric <= logging.DEBUG else max(numeric, logging.WARNING))
    return handler
