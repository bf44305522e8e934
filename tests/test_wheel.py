"""dondoc as an operator gets it (issue 10): the wheel built from this repository, installed
with requirements.lock into a clean virtualenv outside it, run from an empty folder. The first
sweep mails an aiosmtpd server on 127.0.0.1, and the monthly review writes its HTML, PDF and
Excel files and mails them: neither works unless the templates are inside the wheel.

Building and installing take about a minute; pip reads the lock's packages from its cache or
the registry. The dondoc commands run as subprocesses, so nothing of the repository can be
imported by them: the working copy is copied elsewhere before the build, and each command
runs in an empty folder with an environment that names neither the repository nor its venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from engine.demo import DEMO_SETTINGS
from tests.smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parent.parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
#: what `git clean -X` would remove, and the repository's own history and venv
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "demo-out", "*.db"
)
#: every file of templates/, as the wheel must carry it
TEMPLATE_FILES = sorted(
    p.relative_to(ROOT / "templates").as_posix()
    for p in (ROOT / "templates").rglob("*")
    if p.is_file()
)
DIRECTIVE = "2025-11-26_45-TB-VPCTN.yaml"  # seven tasks, issued on 26/11/2025
MAIL = DEMO_SETTINGS  # the demo office's mail settings (SMTP on 127.0.0.1, no TLS)


def run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command to its end; a failure shows what it printed. Returns stdout."""
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def clean_environment(venv: Path) -> dict[str, str]:
    """This process's environment, less anything that points at the repository or its venv
    (or configures dondoc), with the clean venv first on PATH."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DONDOC_", "PYTHON", "VIRTUAL_ENV", "PYTEST"))
    }
    paths = [p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))]
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *paths])
    env["COLUMNS"] = "200"  # rich tables on one line each in a failure's output
    return env


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working copy as `pip install .` sees it, copied so that a build leaves nothing in
    the repository and finds no build/ left over from an earlier one."""
    target = tmp_path_factory.mktemp("source") / "dondoc"
    shutil.copytree(ROOT, target, ignore=NOT_SOURCE)
    return target


@pytest.fixture(scope="module")
def wheel(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheelhouse")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", folder, source], source)
    (built,) = folder.glob("dondoc-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A new virtualenv (no system site-packages) with the wheel installed under the lock;
    removed afterwards, as it takes some 360 MB."""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    run([sys.executable, "-m", "venv", folder], folder.parent)
    lock = ROOT / "requirements.lock"
    run([folder / "bin/python", "-m", "pip", "install", "-q", "-c", lock, wheel], folder.parent)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def dondoc(venv: Path, tmp_path: Path, smtp_server: SmtpServer) -> Callable[..., str]:
    """`dondoc ARGS…` from the clean venv in an empty folder (tmp_path/office), the clock
    at `at` in Ha Noi, mail going to `smtp_server`; the database and the reports land in
    that folder by default."""
    office = tmp_path / "office"
    office.mkdir()
    env = clean_environment(venv) | MAIL | {"DONDOC_SMTP_PORT": str(smtp_server.port)}

    def dondoc(*args: str | Path, at: str) -> str:
        return run(["dondoc", *args], office, env | {"DONDOC_SIMULATED_NOW": f"{at}:00+07:00"})

    return dondoc


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of a received mail."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert isinstance(text, EmailMessage)
    assert isinstance(html, EmailMessage)
    return str(text.get_content()), str(html.get_content())


def test_the_wheel_carries_the_templates_the_data_and_the_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [t for t in TEMPLATE_FILES if f"engine/templates/{t}" not in names]
    assert not missing, (
        f"{wheel.name} lacks {len(missing)} templates as engine/templates/: {missing[:3]}…"
    )
    for name in (
        "engine/__main__.py",
        "engine/data/policies.yaml",
        "engine/data/calendar/vn.yaml",
        "engine/store/migrations/env.py",
        "engine/store/migrations/script.py.mako",
        "engine/store/migrations/versions/0001_initial_schema.py",
    ):
        assert name in names, f"{wheel.name} lacks {name}"
    assert not [n for n in names if n.startswith("templates/")], "templates/ at the top level"


def test_a_wheel_built_from_the_sdist_carries_the_templates(source: Path, tmp_path: Path) -> None:
    """What `python -m build` does: the sdist first (MANIFEST.in), then a wheel from it."""
    builder = tmp_path / "builder"
    run([sys.executable, "-m", "venv", builder], tmp_path)
    # the build backend pyproject.toml asks for, as pip's build isolation installs it
    run([builder / "bin/python", "-m", "pip", "install", "-q", "setuptools>=70"], tmp_path)
    dist = tmp_path / "dist"
    hook = f"from setuptools import build_meta; print(build_meta.build_sdist({str(dist)!r}))"
    sdist = dist / run([builder / "bin/python", "-c", hook], source).split()[-1]
    with tarfile.open(sdist) as archive:
        packed = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert {f"templates/{t}" for t in TEMPLATE_FILES} <= packed
    assert {"setup.py", "MANIFEST.in", "engine/data/policies.yaml"} <= packed
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, sdist], tmp_path)
    (wheel,) = dist.glob("dondoc-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"engine/templates/{t}" for t in TEMPLATE_FILES} <= names


def test_the_installed_wheel_reads_its_own_templates_and_runs_as_python_m_engine(
    venv: Path, tmp_path: Path
) -> None:
    env = clean_environment(venv)
    where = run(
        ["python", "-c", "import engine.templating as t; print(t.__file__); print(t.TEMPLATES)"],
        tmp_path,
        env,
    ).splitlines()
    site = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert Path(where[0]).is_relative_to(site / "site-packages" / "engine"), where
    assert Path(where[1]) == site / "site-packages" / "engine" / "templates"
    assert run(["dondoc", "--version"], tmp_path, env).strip() == f"dondoc {VERSION}"
    assert run(["python", "-m", "engine", "--version"], tmp_path, env).strip() == (
        f"dondoc {VERSION}"
    )
    assert "Usage: dondoc" in run(["python", "-m", "engine", "--help"], tmp_path, env)


def test_the_installed_dondoc_mails_the_first_sweep_and_the_monthly_review(
    dondoc: Callable[..., str], tmp_path: Path, smtp_server: SmtpServer
) -> None:
    office = tmp_path / "office"
    shutil.copy(ROOT / "examples" / "units.yaml", office)
    shutil.copy(ROOT / "examples" / "directives" / DIRECTIVE, office)

    assert "sqlite:///dondoc.db" in dondoc("init", at="2025-11-26T08:00")
    assert "13" in dondoc("units", "import", "units.yaml", at="2025-11-26T08:10")
    assert "45/TB-VPCTN" in dondoc("directive", "import", DIRECTIVE, at="2025-11-26T08:45")

    # the first sweep: the assignments of the six complete tasks, then the reminders
    dondoc("sweep", at="2025-12-03T09:30")
    assert "Đã gửi 6 thư" in dondoc("deliver", at="2025-12-03T09:31")
    dondoc("sweep", at="2025-12-10T09:30")
    assert "Đã gửi 2 thư" in dondoc("deliver", at="2025-12-10T09:31")
    subjects = [str(r.message["Subject"]) for r in smtp_server.received]
    assert sum(s.startswith("[Giao nhiệm vụ]") for s in subjects) == 6, subjects
    assert sum(s.startswith("[Nhắc việc]") for s in subjects) == 2, subjects
    (reminder,) = [
        r for r in smtp_server.to("thanhpv@example.vn") if "[Nhắc việc]" in r.message["Subject"]
    ]
    assert reminder.mail_from == "dondoc@vpctn.example.vn"
    text, html = parts(reminder.message)
    assert "Xây dựng chương trình công tác năm 2026" in text
    assert "Xây dựng chương trình công tác năm 2026" in html
    assert "<html" in html
    assert "{{" not in text + html

    # the monthly review of December, on the first working days of January
    out = dondoc("report", "monthly", "--month", "2025-12", at="2026-01-05T09:00")
    reports = office / "reports"
    files = {s: reports / f"bao-cao-thang-2025-12.{s}" for s in ("html", "pdf", "xlsx")}
    for path in files.values():
        assert path.is_file(), out
        assert f"reports/{path.name}" in out
    assert "Tình hình thực hiện nhiệm vụ tháng 12/2025" in files["html"].read_text()
    assert "<svg" in files["html"].read_text()  # templates/report/chart.svg
    assert files["pdf"].read_bytes().startswith(b"%PDF-")
    assert zipfile.ZipFile(files["xlsx"]).testzip() is None
    assert "Đã gửi 2 thư" in dondoc("deliver", at="2026-01-05T09:01")

    for leader in ("thuky.chutich@vpctn.example.vn", "lanhdao.vanphong@vpctn.example.vn"):
        (mail,) = smtp_server.to(leader)
        assert str(mail.message["Subject"]).startswith("[Báo cáo tháng]")
        text, html = parts(mail.message)
        assert "12/2025" in text
        assert "12/2025" in html
        attached = {p.get_filename(): p.get_content() for p in mail.message.iter_attachments()}
        assert attached == {
            "bao-cao-thang-2025-12.pdf": files["pdf"].read_bytes(),
            "bao-cao-thang-2025-12.xlsx": files["xlsx"].read_bytes(),
        }
