"""The floors of the house keep to their places (README, "Layout").

- Services (`engine/services/`), the store and the domain never import the composition
  root (`engine.bootstrap`), a front end (`engine.cli`, `engine.demo`, `engine.scheduler`)
  or the flows (`workflows`): they are handed a `Deps` and return values.
- The front ends that people drive (the CLI package and the Prefect flows) run no SQL of
  their own: they import no query builder from SQLAlchemy or SQLModel and call no
  `exec`/`execute`; they call services, read models and presenters.
- No module under `engine/` is longer than 450 lines.

Files are parsed, not imported; a failure names the file, the line and what is wrong.
Each rule is also run on a small source that breaks it, so a rule that could never fail
is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MAX_LINES = 450

#: what the middle floors must not reach up into
UPWARD = ("engine.bootstrap", "engine.cli", "engine.demo", "engine.scheduler", "workflows")
#: the lower floors: handed their dependencies, never building them
LOWER = ("engine/services", "engine/store", "engine/domain")
#: the front ends that must not query the database themselves
FRONT_ENDS = ("engine/cli", "workflows")
#: the names that build SQL, from the libraries that provide them
QUERY_BUILDERS = frozenset(
    {"select", "text", "update", "insert", "delete", "func", "col", "and_", "or_", "literal"}
)
SQL_LIBRARIES = ("sqlalchemy", "sqlmodel")
RUNS_SQL = frozenset({"exec", "execute", "scalar", "scalars"})


def python_files(*folders: str) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        path = REPO / folder
        files += [path.with_suffix(".py")] if path.with_suffix(".py").is_file() else []
        files += sorted(path.rglob("*.py")) if path.is_dir() else []
    return files


def label(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def imported(tree: ast.AST) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every absolute import in `tree`."""
    found: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, [alias.name for alias in node.names]))
    return found


def upward_imports(source: str, where: str) -> list[str]:
    """Each import of the composition root, a front end or the flows."""
    return [
        f"{where}:{line}: imports {module}"
        for line, module, _ in imported(ast.parse(source))
        if any(module == up or module.startswith(up + ".") for up in UPWARD)
    ]


def sql_in_front_end(source: str, where: str) -> list[str]:
    """Each query builder imported, and each `.exec(`/`.execute(` call."""
    tree = ast.parse(source)
    problems = [
        f"{where}:{line}: imports {name} from {module}"
        for line, module, names in imported(tree)
        if module.partition(".")[0] in SQL_LIBRARIES
        for name in names
        if name in QUERY_BUILDERS
    ]
    problems += [
        f"{where}:{node.lineno}: calls .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in RUNS_SQL
    ]
    return problems


def test_the_lower_floors_never_reach_up() -> None:
    files = python_files(*LOWER)
    assert len(files) > 20
    problems = [p for f in files for p in upward_imports(f.read_text("utf-8"), label(f))]
    assert problems == []


def test_the_cli_and_the_flows_run_no_sql_of_their_own() -> None:
    files = python_files(*FRONT_ENDS)
    assert len(files) > 8
    problems = [p for f in files for p in sql_in_front_end(f.read_text("utf-8"), label(f))]
    assert problems == []


def test_no_module_of_the_engine_is_over_450_lines() -> None:
    lengths = {label(f): len(f.read_text("utf-8").splitlines()) for f in python_files("engine")}
    assert len(lengths) > 50
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from engine.bootstrap import App\n", "x.py:1: imports engine.bootstrap"),
        ("import engine.cli.tasks\n", "x.py:1: imports engine.cli.tasks"),
        ("x = 1\nfrom workflows.common import Run\n", "x.py:2: imports workflows.common"),
    ],
)
def test_an_upward_import_is_named_with_its_line(source: str, problem: str) -> None:
    assert upward_imports(source, "x.py") == [problem]


def test_a_relative_or_sideways_import_is_not_upward() -> None:
    source = "from engine.services.deps import Deps\nfrom . import sweep\nimport engine.clis\n"
    assert upward_imports(source, "x.py") == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from sqlmodel import Session, select\n", "x.py:1: imports select from sqlmodel"),
        ("from sqlalchemy import text\n", "x.py:1: imports text from sqlalchemy"),
        ("from sqlalchemy.sql import func\n", "x.py:1: imports func from sqlalchemy.sql"),
        ("def f(s):\n    return s.exec(q).all()\n", "x.py:2: calls .exec()"),
        ("def f(c):\n    c.execute('DELETE FROM task')\n", "x.py:2: calls .execute()"),
    ],
)
def test_sql_in_a_front_end_is_named_with_its_line(source: str, problem: str) -> None:
    assert sql_in_front_end(source, "x.py") == [problem]


def test_a_presenter_call_named_like_sql_is_not_sql() -> None:
    source = (
        "from sqlmodel import Session\n"
        "from engine.presenters import deadline_text\n"
        "path.write_text(deadline_text(day, 'vi'))\n"
    )
    assert sql_in_front_end(source, "x.py") == []
