"""Problems found in an input file, each located by file, row or path, and field."""

from __future__ import annotations

from dataclasses import dataclass

from engine.intake.characters import visible


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # spreadsheet/CSV row (1-based, as the program shows it)
    path: str  # "directives[0].tasks[2]" in YAML/JSON; "" in a sheet
    field: str  # the field or column; "" for the record as a whole
    reason_vi: str
    reason_en: str
    line: bool = False  # `row` is a line of a text file (YAML/JSON syntax), not a sheet row

    def render(self, lang: str = "vi") -> str:
        parts = [self.file]
        if self.row is not None:
            unit = "line" if self.line else "row"
            parts.append(f"{unit} {self.row}" if lang == "en" else f"dòng {self.row}")
        if self.path:
            parts.append(self.path)
        if self.field:
            in_sheet = self.row is not None and not self.line
            if lang == "en":
                parts.append(f"{'column' if in_sheet else 'field'} '{self.field}'")
            else:
                parts.append(f"{'cột' if in_sheet else 'trường'} '{self.field}'")
        reason = self.reason_en if lang == "en" else self.reason_vi
        return visible(f"{', '.join(parts)}: {reason}")  # a file's bytes never steer the terminal


class ImportRefused(Exception):
    """The file was refused whole; nothing was written. Carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(self.render("en"))

    def render(self, lang: str = "vi") -> str:
        head = (
            f"{len(self.problems)} problem(s); nothing was imported:"
            if lang == "en"
            else f"Có {len(self.problems)} lỗi; chưa nhập dữ liệu nào:"
        )
        return "\n".join([head, *("  - " + p.render(lang) for p in self.problems)])
