"""`dondoc serve`: the embedded scheduler, sweeping and delivering in office hours."""

from __future__ import annotations

from typing import Annotated

import typer

from engine import scheduler
from engine.cli.common import app, console, open_application, t

# the web app's address unless given; FastAPI is imported only when it is served
WEB_HOST, WEB_PORT = "127.0.0.1", 8000


@app.command("serve")
def serve_command(
    web: Annotated[
        bool, typer.Option("--web", help="Chạy cả trang web / serve the web app too")
    ] = False,
    host: Annotated[str, typer.Option("--host", help="Trang web: địa chỉ / web: address")] = (
        WEB_HOST
    ),
    port: Annotated[int, typer.Option("--port", help="Trang web: cổng / web: port")] = WEB_PORT,
) -> None:
    """Chạy bộ lập lịch: rà soát và gửi thư định kỳ trong giờ làm việc / run the embedded scheduler.

    Mỗi chu kỳ ghi một dòng nhật ký (stderr) / one log line a cycle, on stderr. Với --web,
    cả trang web của các liên kết trong thư / with --web, the web app of the mail's links."""
    with open_application(log_level="INFO") as application:
        beside = None
        if web:
            from engine.web import server

            beside = server.Beside(application, host, port)
        if beside is not None:
            beside.start()
            console.print(t(f"Trang web: http://{host}:{port}", f"Web app: http://{host}:{port}"))
        interval = application.settings.serve_interval_seconds
        console.print(
            t(
                f"dondoc serve: rà soát và gửi thư mỗi {interval} giây; nhật ký ở stderr (dừng: Ctrl+C hoặc SIGTERM).",
                f"dondoc serve: sweep and delivery every {interval} s; the log goes to stderr (stop: Ctrl+C or SIGTERM).",
            )
        )
        try:
            scheduler.serve(application)
        finally:
            if beside is not None:
                beside.stop()
    console.print(t("Đã dừng.", "Stopped."))
