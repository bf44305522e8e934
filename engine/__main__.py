"""`python -m engine`: the dondoc command."""

from __future__ import annotations

from engine.cli import app

if __name__ == "__main__":
    app(prog_name="dondoc")
