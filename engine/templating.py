"""The Jinja environments of everything dondoc writes for people (mail, the monthly report),
set up one way: HTML (and SVG) autoescaped, an undefined name an error rather than an empty
string, blocks trimmed, and the date filters written the Vietnamese way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

import engine
from engine import i18n

#: engine/templates/ in an installed wheel (setup.py copies it there); in a source tree or an
#: editable install, templates/ at the top of the project, where people edit them
PACKAGED = Path(engine.__file__).resolve().parent / "templates"
SOURCE = Path(engine.__file__).resolve().parent.parent / "templates"
TEMPLATES = PACKAGED if PACKAGED.is_dir() else SOURCE


def environment(
    folder: str,
    escaped: tuple[str, ...] = ("html",),
    filters: dict[str, Callable[..., Any]] | None = None,
) -> Environment:
    """The environment for `templates/<folder>/`: files ending in one of `escaped` are
    autoescaped; `short_date` and `long_date` are there, with `filters` besides."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES / folder),
        autoescape=select_autoescape(enabled_extensions=escaped, default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["short_date"] = i18n.short_date
    env.filters["long_date"] = i18n.long_date
    env.filters.update(filters or {})
    return env
