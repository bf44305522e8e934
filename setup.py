"""Ship templates/ inside the engine package.

The project's metadata is in pyproject.toml; this file only adds one build step. People edit
the mail, report and intake templates in templates/ at the top of the repository; a built
wheel carries them as engine/templates/, where engine.templating looks first. An editable
install (pip install -e .) has no copy and reads templates/ in the repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "templates"


class BuildPyWithTemplates(build_py):
    """build_py, then templates/ copied whole to <build_lib>/engine/templates/."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        if not TEMPLATES.is_dir():
            raise FileNotFoundError(f"{TEMPLATES}: the templates to ship are missing")
        # build/ outlives a build: cleared first, or a template deleted from templates/ ships
        shutil.rmtree(self._target(), ignore_errors=True)
        shutil.copytree(TEMPLATES, self._target())

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs: list[str] = super().get_outputs(include_bytecode)
        if self.editable_mode:
            return outputs
        return outputs + [
            str(self._target() / path.relative_to(TEMPLATES))
            for path in sorted(TEMPLATES.rglob("*"))
            if path.is_file()
        ]

    def _target(self) -> Path:
        return Path(self.build_lib) / "engine" / "templates"


setup(cmdclass={"build_py": BuildPyWithTemplates})
