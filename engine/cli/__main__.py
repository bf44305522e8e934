"""`python -m engine.cli`: the dondoc command."""

from __future__ import annotations

from engine.cli import run

if __name__ == "__main__":  # pragma: no cover
    run()
