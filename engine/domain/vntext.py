"""Vietnamese-aware text folding: the same text with diacritics and case taken away.

`fold` keeps one character for each character of NFC text, so a position found in the
folded text is the same position in the original (quotes keep their exact offsets).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_SPECIAL = {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    base = unicodedata.normalize("NFD", char)[0]
    lowered = base.lower()
    return lowered if len(lowered) == 1 else base


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """'Văn phòng Chủ tịch nước' -> 'van phong chu tich nuoc' (same length as NFC text)."""
    return "".join(_fold_char(c) for c in nfc(text))


def fold_keep_case(text: str) -> str:
    """Like `fold`, but upper case stays upper case (for abbreviations: 'VPCTN', 'Vụ ĐN')."""
    out = []
    for char in nfc(text):
        folded = _fold_char(char)
        out.append(folded.upper() if char.isupper() else folded)
    return "".join(out)


def words(text: str) -> list[str]:
    """The folded words of a text, without punctuation."""
    cleaned = "".join(c if c.isalnum() else " " for c in fold(text))
    return cleaned.split()


def _letters(upper: bool) -> str:
    chars = (chr(i) for i in range(0x41, 0x1EFA))
    return "".join(c for c in chars if c.isalpha() and c.isupper() == upper and fold(c).isascii())


#: regular-expression classes of Vietnamese (and plain Latin) capital / small letters
UPPER = "[" + _letters(True) + "]"
LOWER = "[" + _letters(False) + "]"


def capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()
