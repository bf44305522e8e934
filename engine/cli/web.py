"""`dondoc web`: the web app of the mail's signed links, on its own."""

from __future__ import annotations

from typing import Annotated

import typer

from engine.cli.common import app, console, open_application, t

# the web app's address unless given; FastAPI is imported only when it is served
WEB_HOST, WEB_PORT = "127.0.0.1", 8000


@app.command("web")
def web_command(
    host: Annotated[
        str, typer.Option("--host", help="Địa chỉ nghe / address to listen on")
    ] = WEB_HOST,
    port: Annotated[int, typer.Option("--port", help="Cổng / port")] = WEB_PORT,
) -> None:
    """Chạy trang web của các liên kết trong thư / serve the web app of the mail's links.

    Đặt DONDOC_PUBLIC_URL là địa chỉ người nhận thư mở được (sau reverse proxy) /
    set DONDOC_PUBLIC_URL to the address the mail's readers reach."""
    from engine.web import server

    with open_application(log_level="INFO") as application:
        public = application.settings.public_url
        console.print(
            t(
                f"dondoc web: http://{host}:{port}; liên kết trong thư: {public or 'chưa đặt DONDOC_PUBLIC_URL — thư không kèm liên kết'} (dừng: Ctrl+C).",
                f"dondoc web: http://{host}:{port}; links in mail: {public or 'DONDOC_PUBLIC_URL unset — mail carries no links'} (stop: Ctrl+C).",
            )
        )
        server.serve(application, host, port)
    console.print(t("Đã dừng.", "Stopped."))
