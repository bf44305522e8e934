"""The refusal of a document drafting cannot read, shared by the readers of each format
(`engine.extract.documents` and the modules it calls)."""

from __future__ import annotations


class DocumentRefused(ValueError):
    """A file drafting cannot read; the message names the file and says why."""

    def __init__(self, name: str, vi: str, en: str) -> None:
        self.name, self.vi, self.en = name, vi, en
        super().__init__(f"Tệp {name}: {vi} / {name}: {en}")


def require_text(name: str, text: str) -> None:
    """Refuse a document in which not one letter was found."""
    if not any(c.isalpha() for c in text):
        raise DocumentRefused(name, "tệp không có chữ nào", "the file holds no text")
