"""A submitted result's files: checked by what they contain (not by their name or the
type the browser claims), limited in size and number, named safely, and kept outside
anything served as it is (`DONDOC_UPLOAD_DIR/<task id>/<random name>`).

The event of the submission records each file's safe name, size, type, SHA-256 and
stored name; the pages serve a file back only through a valid link, as a download.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: what a unit may submit, by content: the type and the extension it is saved with
PDF, DOCX, XLSX, PNG, JPEG = (
    ("application/pdf", ".pdf"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("image/png", ".png"),
    ("image/jpeg", ".jpg"),
)
READ_CHUNK = 64 * 1024


class Rejected(ValueError):
    """A file refused, with the reason in both languages."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


@dataclass(frozen=True)
class Incoming:
    name: str  # as the browser sent it
    data: bytes


def sniff(data: bytes) -> tuple[str, str] | None:
    """The type of `data` by its content, among those accepted; None otherwise."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    return None


def safe_name(name: str, extension: str) -> str:
    """A file name fit to show and to save as: the last part of what was sent, NFC,
    without control characters, separators or leading dots, at most 100 characters,
    ending in the extension its content calls for."""
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = re.sub(r'[<>:"|?*;]', "_", base).strip().lstrip(".")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem.strip()[:100] or "tep"
    return stem + extension


def check(files: list[Incoming], max_bytes: int, max_files: int) -> list[tuple[Incoming, str, str]]:
    """Each file with its type and extension, or `Rejected` for the first that is not
    accepted (none is kept then)."""
    files = [f for f in files if f.name or f.data]  # an empty file field
    if len(files) > max_files:
        raise Rejected(f"tối đa {max_files} tệp", f"{max_files} files at most")
    checked = []
    for f in files:
        if len(f.data) > max_bytes:
            raise Rejected(
                f"tệp {f.name} vượt quá dung lượng cho phép", f"{f.name} is larger than allowed"
            )
        if not f.data:
            raise Rejected(f"tệp {f.name} rỗng", f"{f.name} is empty")
        kind = sniff(f.data)
        if kind is None:
            raise Rejected(
                f"tệp {f.name} không thuộc loại được nhận (PDF, Word, Excel, PNG, JPEG)",
                f"{f.name} is not of an accepted type (PDF, Word, Excel, PNG, JPEG)",
            )
        checked.append((f, *kind))
    return checked


def store(
    checked: list[tuple[Incoming, str, str]], folder: Path, task_id: int
) -> list[dict[str, Any]]:
    """Write each file under `folder/<task id>/` with a random name; what the event
    records of each."""
    target = folder / str(task_id)
    target.mkdir(parents=True, exist_ok=True)
    kept = []
    for f, content_type, extension in checked:
        stored = secrets.token_hex(16) + extension
        (target / stored).write_bytes(f.data)
        kept.append(
            {
                "name": safe_name(f.name, extension),
                "size": len(f.data),
                "type": content_type,
                "sha256": hashlib.sha256(f.data).hexdigest(),
                "stored": stored,
            }
        )
    return kept


def remove(kept: list[dict[str, Any]], folder: Path, task_id: int) -> None:
    """Undo `store` when the submission could not be recorded."""
    for f in kept:
        (folder / str(task_id) / f["stored"]).unlink(missing_ok=True)


def stored_path(folder: Path, task_id: int, stored: str) -> Path | None:
    """Where a recorded file is, if its stored name is one `store` makes and it exists."""
    if not re.fullmatch(r"[0-9a-f]{32}\.(pdf|docx|xlsx|png|jpg)", stored):
        return None
    path = folder / str(task_id) / stored
    return path if path.is_file() else None
