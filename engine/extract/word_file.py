"""Word files (.docx) as lines of text: paragraphs in order, numbered and bulleted lists
with the numbers Word draws, tables a row a line. Called by `engine.extract.documents`."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

from engine.extract.document_errors import DocumentRefused, require_text


def docx_text(data: bytes, name: str) -> str:
    """Paragraphs, numbered and bulleted lists (their numbers written out, as Word shows
    them) and tables (a row a line, cells joined by ' | '), in document order."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentRefused(
            name,
            "tệp Word hỏng hoặc không phải .docx",
            "a damaged Word file, or not a .docx",
        ) from exc
    except Exception as exc:  # lxml's XMLSyntaxError and other damage inside the package
        raise DocumentRefused(
            name, "tệp Word hỏng, không đọc được", f"a damaged Word file ({type(exc).__name__})"
        ) from exc
    numbering = _Numbering(document)
    lines: list[str] = []
    for block in _blocks(document):
        lines.append(block if isinstance(block, str) else numbering.label(block))
    text = "\n".join(lines)
    require_text(name, text)
    return text


def _blocks(document: Any) -> Iterator[Any]:
    """The body's paragraphs (as python-docx paragraphs, for their numbering) and table
    rows (as text), in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is repeated by python-docx
                        continue
                    seen.add(id(cell._tc))
                    words = " ".join(p.text for p in cell.paragraphs).strip()
                    if words:
                        cells.append(words)
                yield " | ".join(cells)


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _format(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    return str(n)


class _Numbering:
    """Word's list numbers: python-docx gives a list item's text without the "1." or
    "a)" Word draws before it, which the task finder reads as a list marker."""

    _W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def __init__(self, document: Any) -> None:
        self.counters: dict[tuple[str, int], int] = {}
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(self._W + "abstractNumId"): a for a in root.iter(self._W + "abstractNum")}
        for num in root.iter(self._W + "num"):
            ref = num.find(self._W + "abstractNumId")
            definition = abstract.get(ref.get(self._W + "val") if ref is not None else None)
            if definition is None:
                continue
            num_id = str(num.get(self._W + "numId"))
            for lvl in definition.iter(self._W + "lvl"):
                level = int(lvl.get(self._W + "ilvl") or 0)
                fmt = self._val(lvl, "numFmt") or "decimal"
                pattern = self._val(lvl, "lvlText") or f"%{level + 1}."
                start = int(self._val(lvl, "start") or 1)
                self.levels[(num_id, level)] = (fmt, pattern, start)

    def _val(self, element: Element, child: str) -> str | None:
        found = element.find(self._W + child)
        return None if found is None else found.get(self._W + "val")

    def _num_pr(self, paragraph: Any) -> tuple[str, int] | None:
        """(numId, level) from the paragraph, else from its style and the styles it is
        based on."""
        sources = [paragraph._p]
        style = paragraph.style
        while style is not None:
            sources.append(style.element)
            style = style.base_style
        for element in sources:
            ppr = element.find(self._W + "pPr")
            num_pr = ppr.find(self._W + "numPr") if ppr is not None else None
            if num_pr is None:
                continue
            num_id, level = self._val(num_pr, "numId"), self._val(num_pr, "ilvl")
            if num_id is None or num_id == "0":
                return None
            return num_id, int(level or 0)
        return None

    def label(self, paragraph: Any) -> str:
        text: str = paragraph.text
        found = self._num_pr(paragraph) if text.strip() else None
        if found is None or found not in self.levels:
            return text
        num_id, level = found
        fmt, pattern, start = self.levels[found]
        if fmt in ("bullet", "none"):
            return f"- {text}" if fmt == "bullet" else text
        self.counters[found] = self.counters.get(found, start - 1) + 1
        for deeper in [k for k in self.counters if k[0] == num_id and k[1] > level]:
            del self.counters[deeper]

        def number(match: re.Match[str]) -> str:
            at = int(match[1]) - 1
            lvl = self.levels.get((num_id, at))
            value = self.counters.get((num_id, at), lvl[2] if lvl else 1)
            return _format(value, lvl[0] if lvl else "decimal")

        return re.sub(r"%(\d)", number, pattern) + " " + text
