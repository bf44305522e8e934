"""Serving the web app with uvicorn: in the foreground (`dondoc web`), or in a thread
beside the embedded scheduler (`dondoc serve --web`)."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import uvicorn

from engine.bootstrap import App
from engine.web.app import create_app

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def server(application: App, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> uvicorn.Server:
    """A uvicorn server for the app; behind the office's reverse proxy, it trusts the
    proxy's forwarded headers from 127.0.0.1 only (uvicorn's default)."""
    config = uvicorn.Config(
        create_app(application),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,  # a link's token is in its path: kept out of the logs
        server_header=False,
        proxy_headers=True,
    )
    return uvicorn.Server(config)


def serve(application: App, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve until SIGINT or SIGTERM, then return (uvicorn raises the signal again once
    it has stopped, for the handler it found: here one that lets the command end well)."""
    stopping = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, _stopped) for sig in stopping}
    try:
        server(application, host, port).run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stopped(signum: int, _frame: FrameType | None) -> None:
    """The server has stopped on this signal: nothing more to do."""


class Beside:
    """The web app in a thread of its own, stopped with the process's other work."""

    def __init__(self, application: App, host: str, port: int) -> None:
        self.server = server(application, host, port)
        self.thread = threading.Thread(target=self.server.run, name="dondoc-web", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
