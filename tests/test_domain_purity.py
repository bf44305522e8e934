"""The domain is pure: standard library only, and it never reads the wall clock.

Every module under engine/domain is parsed (not imported) and its import statements and
attribute calls are checked. A failure names the file, the line and the offending import
or call.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOMAIN_DIR = REPO / "engine" / "domain"
DOMAIN_PACKAGE = "engine.domain"

#: (object, attribute) pairs that read the wall clock.
CLOCK_READS = frozenset(
    {
        ("datetime", "now"),
        ("datetime", "utcnow"),
        ("date", "today"),
        ("time", "time"),
    }
)


def _domain_files() -> list[Path]:
    return sorted(DOMAIN_DIR.rglob("*.py"))


def _label(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _package_of(path: Path) -> str:
    """The dotted package a module file lives in, e.g. 'engine.domain'."""
    return ".".join(path.parent.relative_to(REPO).parts)


def _resolve_relative(package: str, module: str | None, level: int) -> str:
    base = package.split(".")
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _is_allowed(module: str) -> bool:
    top = module.partition(".")[0]
    if top == "engine":
        return module == DOMAIN_PACKAGE or module.startswith(DOMAIN_PACKAGE + ".")
    return top in sys.stdlib_module_names


def import_problems(source: str, label: str, package: str = DOMAIN_PACKAGE) -> list[str]:
    """Each import of something outside the standard library and engine.domain."""
    problems: list[str] = []
    for node in ast.walk(ast.parse(source, filename=label)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                modules = [_resolve_relative(package, node.module, node.level)]
            else:
                modules = [node.module or ""]
        else:
            continue
        for module in modules:
            if not _is_allowed(module):
                problems.append(
                    f"{label}:{node.lineno} imports {module!r}, which is neither the "
                    f"standard library nor {DOMAIN_PACKAGE}"
                )
    return problems


def _dotted(node: ast.expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def clock_problems(source: str, label: str) -> list[str]:
    """Each call such as datetime.now() or time.time() (also datetime.datetime.now())."""
    problems: list[str] = []
    for node in ast.walk(ast.parse(source, filename=label)):
        if not isinstance(node, ast.Call):
            continue
        parts = _dotted(node.func)
        if parts and len(parts) >= 2 and (parts[-2], parts[-1]) in CLOCK_READS:
            problems.append(f"{label}:{node.lineno} reads the wall clock with {'.'.join(parts)}()")
    return problems


def test_the_domain_package_has_modules_to_check() -> None:
    labels = {_label(p) for p in _domain_files()}

    assert "engine/domain/lifecycle.py" in labels
    assert "engine/domain/calendar.py" in labels


@pytest.mark.parametrize("path", _domain_files(), ids=_label)
def test_domain_module_imports_only_the_standard_library_and_the_domain(path: Path) -> None:
    problems = import_problems(path.read_text(encoding="utf-8"), _label(path), _package_of(path))

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", _domain_files(), ids=_label)
def test_domain_module_never_reads_the_wall_clock(path: Path) -> None:
    problems = clock_problems(path.read_text(encoding="utf-8"), _label(path))

    assert not problems, "\n".join(problems)


# -- the checks themselves catch what they should ------------------------------------


@pytest.mark.parametrize(
    ("source", "culprit"),
    [
        ("import yaml\n", "'yaml'"),
        ("import os, holidays.countries\n", "'holidays.countries'"),
        ("from sqlmodel import Field\n", "'sqlmodel'"),
        ("from engine.store import repo\n", "'engine.store'"),
        ("from engine import settings\n", "'engine'"),
        ("import engine.calendar_file\n", "'engine.calendar_file'"),
        ("from .. import settings\n", "'engine'"),
        ("from ..intake import excel\n", "'engine.intake'"),
    ],
)
def test_purity_check_names_the_file_and_a_forbidden_import(source: str, culprit: str) -> None:
    problems = import_problems(source, "engine/domain/sample.py")

    assert len(problems) == 1
    assert problems[0].startswith("engine/domain/sample.py:1 imports ")
    assert culprit in problems[0]


@pytest.mark.parametrize(
    "source",
    [
        "from __future__ import annotations\n",
        "from datetime import date, datetime\nimport zoneinfo\n",
        "from collections.abc import Callable\n",
        "from engine.domain.errors import DomainError\n",
        "import engine.domain.calendar\n",
        "from . import errors\n",
        "from .lifecycle import Status\n",
    ],
)
def test_purity_check_allows_the_standard_library_and_the_domain(source: str) -> None:
    assert import_problems(source, "engine/domain/sample.py") == []


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime\nx = datetime.now(UTC)\n",
        "from datetime import datetime\nx = datetime.utcnow()\n",
        "import datetime\nx = datetime.datetime.now()\n",
        "from datetime import date\nx = date.today()\n",
        "import time\nx = time.time()\n",
    ],
)
def test_clock_check_names_the_file_and_the_call(source: str) -> None:
    problems = clock_problems(source, "engine/domain/sample.py")

    assert len(problems) == 1
    assert problems[0].startswith("engine/domain/sample.py:2 reads the wall clock with ")


def test_clock_check_allows_building_times_from_arguments() -> None:
    source = (
        "from datetime import datetime, time, timedelta\n"
        "def end(day):\n"
        "    return datetime.combine(day + timedelta(days=1), time(0))\n"
    )

    assert clock_problems(source, "engine/domain/sample.py") == []
