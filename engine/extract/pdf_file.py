"""PDFs with a text layer as lines of text, a paragraph a line; a scan (pages that are only
images) refused. Called by `engine.extract.documents`."""

from __future__ import annotations

import io
import itertools
import logging
import re
import statistics
from typing import Any

from engine.extract.document_errors import DocumentRefused

MAX_PDF_PAGES = 200
#: fewer letters a page than this: the PDF is a scan (an image of the page)
_MIN_LETTERS_PER_PAGE = 20

_ENDS_PARAGRAPH = re.compile(r"[.:;!?…]['\"”)\]]*$")
_STARTS_ITEM = re.compile(
    r"^(?:[-+•*–]\s|\(?[0-9]{1,2}[.)]\s|\(?[a-zđ][.)]\s|[IVX]+\.\s|(?:Điều|Article)\s+\d)"
)


def pdf_text(data: bytes, name: str) -> tuple[str, int]:
    """The text layer, a paragraph a line: a PDF breaks paragraphs into the lines of the
    page, which the task finder would take for separate sentences. A PDF whose pages
    hold no text (a scan) is refused: reading images is not done here."""
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # its warnings on a damaged file are ours to word
    try:
        return _pdf_pages(data, name)
    finally:
        pypdf_log.setLevel(level)


def _pdf_pages(data: bytes, name: str) -> tuple[str, int]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentRefused(
                name, "PDF có mật khẩu, không đọc được", "a password-protected PDF"
            )
        pages = list(reader.pages)
        if len(pages) > MAX_PDF_PAGES:
            raise DocumentRefused(
                name,
                f"PDF quá dài ({len(pages)} trang; tối đa {MAX_PDF_PAGES})",
                f"too long a PDF ({len(pages)} pages; at most {MAX_PDF_PAGES})",
            )
        # the layout mode keeps the spaces a justified line is stretched with, and where
        # each line ends on the page: what tells a wrapped line from a paragraph's last
        texts = [_page_lines(page) for page in pages]
    except DocumentRefused:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        kind = "PdfReadError" if isinstance(exc, PdfReadError) else type(exc).__name__
        raise DocumentRefused(
            name, "tệp PDF hỏng, không đọc được", f"a damaged PDF ({kind})"
        ) from exc
    if not pages:
        raise DocumentRefused(name, "tệp PDF không có trang nào", "a PDF without pages")
    letters = sum(1 for text in texts for line, _ in text for c in line if c.isalpha())
    if letters < _MIN_LETTERS_PER_PAGE * len(pages):
        raise DocumentRefused(
            name,
            "PDF không có lớp chữ (có thể là bản quét, chỉ có hình ảnh); cần bản PDF "
            "xuất từ Word hoặc bản .docx, hoặc nhận dạng chữ (OCR) trước",
            "the PDF has no text layer (a scan: images only); give a PDF exported from "
            "Word, the .docx, or run OCR first",
        )
    measures = _measures(texts)
    return _join_pages([_unwrap(lines, *measures) for lines in texts]), len(pages)


def _join_pages(pages: list[tuple[str, bool]]) -> str:
    """The pages' paragraphs in one text; a paragraph the page break cut (its page ends
    on a full line without a full stop, and the next does not begin a list item) joined
    again."""
    text, cut = "", False
    for page, open_end in pages:
        if not page:
            continue
        if cut and not _STARTS_ITEM.match(page):
            text = f"{text} {page}"
        else:
            text = f"{text}\n{page}" if text else page
        cut = open_end
    return text


def _page_lines(page: Any) -> list[tuple[str, float | None]]:
    """The page's lines of text in reading order, each with its height on the page
    (None for a line pypdf gave no position for)."""
    lines: list[list[Any]] = [["", None]]

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        for index, part in enumerate(text.split("\n")):
            if index:
                lines.append(["", None])
            if part.strip() and lines[-1][1] is None:
                lines[-1][1] = y
            lines[-1][0] += part

    page.extract_text(visitor_text=visit)
    return [(str(text), y) for text, y in lines]


def _rows(lines: list[tuple[str, float | None]]) -> list[tuple[str, float | None]]:
    rows = [(" ".join(text.split()), y) for text, y in lines]
    return [(text, y) for text, y in rows if text]


def _measures(pages: list[list[tuple[str, float | None]]]) -> tuple[float, bool, float]:
    """Over the whole document: the line pitch inside a paragraph (the smallest, leaving
    out a superscript's), whether paragraphs are set apart by a larger gap, and the
    length of a full line."""
    pitches: list[float] = []
    full: list[int] = []
    for lines in pages:
        rows = _rows(lines)
        heights = [y for _, y in rows]
        pitches += [
            abs(b - a) for a, b in itertools.pairwise(heights) if a is not None and b is not None
        ]
        full += [len(text) for text, _ in rows if len(text) > 20]
    middle = statistics.median(pitches) if pitches else 0.0
    base = min((p for p in pitches if p >= 0.4 * middle), default=0.0)
    spaced = any(p > 1.2 * base for p in pitches)
    width = statistics.median(sorted(full)[len(full) // 2 :]) if full else 0.0
    return base, spaced, width


def _unwrap(
    lines: list[tuple[str, float | None]], base: float, spaced: bool, width: float
) -> tuple[str, bool]:
    """Lines of a page joined back into paragraphs.

    1. When the document puts more space between paragraphs than between the lines of one
       (the usual spacing after a paragraph), a paragraph ends where a line is followed
       by that larger gap, or by a list item.
    2. Otherwise (lines evenly spaced) a line ends its paragraph when it ends a sentence
       or a clause (. ; : ! ?), when the next begins a list item, or when it is clearly
       shorter than the document's full lines (a heading, a signature).

    Also whether the page ends on a full line that ends no sentence: a paragraph that
    goes on over the page.
    """
    rows = _rows(lines)
    out: list[str] = []
    current = ""
    for index, (text, y) in enumerate(rows):
        current = f"{current} {text}" if current else text
        following, below = rows[index + 1] if index + 1 < len(rows) else ("", None)
        item = bool(following and _STARTS_ITEM.match(following))
        if spaced and y is not None and below is not None:
            ends = abs(below - y) > 1.2 * base or abs(below - y) < 0.5 or item
        else:
            short = bool(width and len(text) < 0.75 * width)
            ends = bool(_ENDS_PARAGRAPH.search(text)) or short or item
        if ends or not following:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    last = rows[-1][0] if rows else ""
    open_end = bool(width) and len(last) >= 0.75 * width and not _ENDS_PARAGRAPH.search(last)
    return "\n".join(out), open_end
