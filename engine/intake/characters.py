"""Which characters an input file may hold, and how its bytes become text.

A control character (NUL, ESC, BEL, any C0 or C1 code) or a bidirectional override
in a value would reach PostgreSQL (which refuses NUL), a mail subject or a terminal
(where it can recolour, hide or reverse what a person reads). Such a value is refused
where it stands; only free text (a title, a description) may hold tabs and line breaks.
"""

from __future__ import annotations

import codecs
import re

#: C0 (tab and line breaks apart), DEL and C1 controls, raw in a YAML or JSON file
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI = "\u202a-\u202e\u2066-\u2069"
#: a one-line value (a name, a code, an email): every control, and the bidi overrides
_ONE_LINE = re.compile(rf"[\x00-\x1f\x7f-\x9f{_BIDI}]")
#: free text: the same, but tabs and line breaks (LF or CRLF) are text
_FREE_TEXT = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]|\r(?!\n)")
#: what is never printed as it is in a message
_UNPRINTABLE = re.compile(rf"[\x00-\x1f\x7f-\x9f{_BIDI}]")


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def first_unsafe(text: str, *, free_text: bool) -> tuple[int, str] | None:
    """The 1-based position and the character of the first one `text` may not hold.

    Spaces, tabs and line breaks around the value are not counted: they are trimmed."""
    pattern = _FREE_TEXT if free_text else _ONE_LINE
    if pattern.search(text) is None:  # nearly every value: none anywhere, trimmed or not
        return None
    start = len(text) - len(text.lstrip(" \t\r\n"))
    core = text.strip(" \t\r\n")
    found = pattern.search(core)
    if found is None:
        return None
    return start + found.start() + 1, found.group()[0]


def unsafe_reasons(char: str, position: int) -> tuple[str, str]:
    """Vietnamese and English reasons for a value holding `char` at `position`."""
    code = code_point(char)
    if char in "\n\r":
        return (
            f"có ký tự xuống dòng {code} (ở ký tự thứ {position}); trường này chỉ ghi trên một dòng",
            f"holds a line break {code} (character {position}); this field must be on one line",
        )
    if char == "\t":
        return (
            f"có ký tự tab {code} (ở ký tự thứ {position}); hãy thay bằng dấu cách",
            f"holds a tab {code} (character {position}); use a space instead",
        )
    if re.match(f"[{_BIDI}]", char):
        return (
            f"có ký tự đảo chiều văn bản {code} (ở ký tự thứ {position}), "
            "có thể làm chữ hiện ra sai lệch; hãy xóa ký tự này",
            f"holds the bidirectional control {code} (character {position}), "
            "which can disguise the text; delete it",
        )
    return (
        f"có ký tự điều khiển {code} (ở ký tự thứ {position}); hãy xóa ký tự này",
        f"holds the control character {code} (character {position}); delete it",
    )


def first_raw_control(text: str) -> tuple[int, int, str] | None:
    """Line, column (both 1-based) and character of the first control character that
    a YAML or JSON file may not hold as it is (its escapes, "\\e", are values)."""
    found = _RAW_CONTROL.search(text)
    if found is None:
        return None
    line_start = text.rfind("\n", 0, found.start()) + 1
    return text.count("\n", 0, found.start()) + 1, found.start() - line_start + 1, found.group()


def visible(text: str) -> str:
    """`text` with every control or bidi character shown as [U+XXXX]: a message must not
    steer the terminal it is printed on."""
    return _UNPRINTABLE.sub(lambda m: f"[{code_point(m.group())}]", text)


class NotUtf8(Exception):
    """The bytes are not UTF-8 (nor UTF-16 with its byte-order mark)."""

    def __init__(self, line: int, byte: int) -> None:
        self.line = line
        self.byte = byte
        super().__init__(f"line {line}: byte 0x{byte:02X} is not UTF-8")


def decode(raw: bytes) -> str:
    """UTF-8, with or without a byte-order mark, or UTF-16 with one.

    Raises NotUtf8 naming the line of the first byte that cannot be read."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # reads the mark and drops it
    else:
        encoding = "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode(encoding, errors="replace")
        raise NotUtf8(before.count("\n") + 1, raw[exc.start]) from exc
