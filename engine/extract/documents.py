"""Reading the documents an office receives as the plain text drafting works on: a Word
file (.docx), a PDF with a text layer, a web page saved from a news site (.html) and a
text file in UTF-8 or UTF-16.

Why a module of its own: the task finder reads lines and sentences, so every format is
turned into the same shape first, one paragraph or list item per line, a table row per
line; a task's `source_quote` is then an exact substring of the text this returns, which
the draft carries as the directive's text. What cannot be read is refused whole, with the
file's name and the reason, Vietnamese first: a scanned PDF (only images, no text), a
damaged or password-protected file, an old binary .doc, a file too large.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from engine.domain.vntext import nfc
from engine.extract.document_errors import DocumentRefused, require_text
from engine.extract.pdf_file import MAX_PDF_PAGES, pdf_text
from engine.extract.web_page import html_text, looks_like_html
from engine.extract.word_file import docx_text

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "MAX_PDF_PAGES",
    "Document",
    "DocumentRefused",
    "read_bytes",
    "read_document",
]

#: a conclusion notice is a few pages; a file this large is something else
MAX_BYTES = 20 * 1024 * 1024

FORMATS = ("docx", "pdf", "html", "txt")


@dataclass(frozen=True)
class Document:
    text: str  # NFC, one paragraph, list item or table row a line
    format: str  # one of FORMATS
    pages: int | None = None  # a PDF's pages


def read_document(path: Path) -> Document:
    """The text of the file at `path`, by its kind (the suffix, checked against the
    file's first bytes)."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentRefused(name, "không đọc được tệp", f"cannot read the file ({exc})") from exc
    if size > MAX_BYTES:
        limit = MAX_BYTES // (1024 * 1024)
        raise DocumentRefused(
            name,
            f"tệp quá lớn ({size / 1048576:.1f} MB; tối đa {limit} MB)".replace(".", ","),
            f"the file is too large ({size / 1048576:.1f} MB; at most {limit} MB)",
        )
    return read_bytes(path.read_bytes(), name)


def read_bytes(data: bytes, name: str) -> Document:
    """The text of a document given as bytes; `name` gives its kind and is quoted in
    refusals."""
    if len(data) > MAX_BYTES:
        raise DocumentRefused(name, "tệp quá lớn", "the file is too large")
    suffix = Path(name).suffix.lower()
    if suffix == ".doc" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentRefused(
            name,
            "tệp Word cũ (.doc) không đọc được; hãy lưu lại dưới dạng .docx hoặc PDF",
            "an old Word file (.doc) cannot be read; save it as .docx or PDF",
        )
    if suffix == ".pdf" or data.startswith(b"%PDF-"):
        text, pages = pdf_text(data, name)
        return Document(_tidy(text), "pdf", pages)
    if suffix == ".docx" or (data.startswith(b"PK\x03\x04") and suffix not in (".txt", ".html")):
        return Document(_tidy(docx_text(data, name)), "docx")
    if suffix in (".html", ".htm", ".xhtml") or looks_like_html(data):
        return Document(_tidy(html_text(_decode(data, name, html=True), name)), "html")
    # a text file is kept as written (line ends aside), so that offsets into it hold
    text = _decode(data, name).replace("\r\n", "\n").replace("\r", "\n")
    return Document(nfc(text), "txt")


def _tidy(text: str) -> str:
    """A converted document as lines: NFC, spaces collapsed, no control characters, no
    blank lines, so that the same notice gives the same text from Word, PDF or a web
    page."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    lines = (re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", line) for line in text.split("\n"))
    return "".join(f"{kept}\n" for line in lines if (kept := " ".join(line.split())))


# -- text files ---------------------------------------------------------------------------


def _decode(data: bytes, name: str, html: bool = False) -> str:
    """UTF-8 (with or without a byte-order mark) or UTF-16 (with a mark, or without one
    when every other byte is zero, as Notepad's 'Unicode' saves); a web page may also
    name its charset."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = _strict(data[3:], "utf-8", name)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _strict(data, "utf-16", name)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _fallback(data, name, html)
    if "\x00" in text:
        raise DocumentRefused(name, "tệp nhị phân, không phải văn bản", "a binary file, not text")
    require_text(name, text)
    return text


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DocumentRefused(
            name,
            f"tệp hỏng: không giải mã được theo {encoding.upper()} (byte {exc.start})",
            f"damaged: not valid {encoding.upper()} at byte {exc.start}",
        ) from exc


def _fallback(data: bytes, name: str, html: bool) -> str:
    sample = data[:4000]
    if len(sample) >= 4:
        even = sample[1::2].count(0) / max(1, len(sample[1::2]))
        odd = sample[0::2].count(0) / max(1, len(sample[0::2]))
        if even > 0.3 and odd < 0.05:
            return _strict(data, "utf-16-le", name)
        if odd > 0.3 and even < 0.05:
            return _strict(data, "utf-16-be", name)
    if html:
        declared = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", data[:4096], re.I)
        if declared:
            try:
                return data.decode(declared[1].decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
    raise DocumentRefused(
        name,
        "không phải văn bản UTF-8 hay UTF-16 (hãy lưu lại với mã UTF-8)",
        "not UTF-8 or UTF-16 text (save it again as UTF-8)",
    )
