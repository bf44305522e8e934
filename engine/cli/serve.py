"""`dondoc serve`: the embedded scheduler, sweeping and delivering in office hours."""

from __future__ import annotations

from engine import scheduler
from engine.cli.common import app, console, open_application, t


@app.command("serve")
def serve_command() -> None:
    """Chạy bộ lập lịch: rà soát và gửi thư định kỳ trong giờ làm việc / run the embedded scheduler.

    Mỗi chu kỳ ghi một dòng nhật ký (stderr) / one log line a cycle, on stderr."""
    with open_application(log_level="INFO") as application:
        interval = application.settings.serve_interval_seconds
        console.print(
            t(
                f"dondoc serve: rà soát và gửi thư mỗi {interval} giây; nhật ký ở stderr (dừng: Ctrl+C hoặc SIGTERM).",
                f"dondoc serve: sweep and delivery every {interval} s; the log goes to stderr (stop: Ctrl+C or SIGTERM).",
            )
        )
        scheduler.serve(application)
    console.print(t("Đã dừng.", "Stopped."))
