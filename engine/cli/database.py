"""`dondoc init`: create or upgrade the database."""

from __future__ import annotations

from engine.cli.common import app, console, open_app, t
from engine.store.db import upgrade


@app.command()
def init() -> None:
    """Tạo hoặc cập nhật cơ sở dữ liệu / create or upgrade the database."""
    with open_app(create=True) as application:
        upgrade(application.engine)
        url = application.engine.url.render_as_string(hide_password=True)
        console.print(t(f"Đã khởi tạo cơ sở dữ liệu: {url}", f"Database ready: {url}"))
