"""dondoc: turns a leader's directive into tracked, reminded and reported work."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dondoc")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
