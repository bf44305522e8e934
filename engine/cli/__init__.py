"""The `dondoc` command: Vietnamese labels by default, `--lang en` for English.

One module per group of commands; `common` holds the command itself, its groups, the
consoles and what every command shares. Importing a group's module registers its
commands, in the order `dondoc --help` lists them.
"""

from __future__ import annotations

from typing import Annotated

import typer

import engine

# first, so that `directive draft` is listed before `directive import`
from engine.cli import draft  # noqa: F401

# isort: split
from engine.cli import (  # noqa: F401
    calendar,
    database,
    directives,
    mail,
    report,
    serve,
    side_roads,
    tasks,
    units,
    web,
)

# isort: split
# last, so that `check` is listed after `serve`
from engine.cli import check  # noqa: F401
from engine.cli.common import app, console, errors, state

__all__ = ["app", "console", "errors", "run"]


def _version(show: bool) -> None:
    if show:
        typer.echo(f"dondoc {engine.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    lang: Annotated[str | None, typer.Option("--lang", help="vi (mặc định) hoặc en")] = None,
    log_level: Annotated[
        str | None,
        typer.Option(
            "--log-level",
            help="DEBUG, INFO, WARNING, ERROR (mặc định: DONDOC_LOG_LEVEL; INFO khi serve)",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="In cả traceback khi lỗi / show tracebacks")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Phiên bản / version"),
    ] = False,
) -> None:
    state.settings = None  # read afresh for each command (the tests run many in one process)
    state.debug = debug
    if lang is not None and lang not in ("vi", "en"):
        raise typer.BadParameter("--lang: vi hoặc en / vi or en")
    state.lang_given = lang is not None
    state.lang = "en" if lang == "en" else "vi"
    if log_level is not None and log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise typer.BadParameter("--log-level: DEBUG, INFO, WARNING, ERROR")
    state.log_level = log_level.upper() if log_level else None


def run() -> None:  # pragma: no cover - console entry for `python -m engine.cli`
    app(prog_name="dondoc")
