"""Subject and address headers that read back exactly as written, whatever their length.

Python 3.11 folds a long non-ASCII header into several RFC 2047 encoded-words and may put
the space between two words in the gap between two encoded-words, where mail readers
ignore it ("công bố và" arrives as "công bốvà", python/cpython#92081). The headers here
fold themselves instead: each encoded-word carries its own spaces, so the gaps between
encoded-words hold nothing but folding. The email policy writes a header value that has a
`name` as its `fold()` makes it, and keeps such a value as it is when it is set.

Python 3.11's parser, unlike mail readers, keeps the gap between two encoded-words of a
display name as a space (python/cpython#128110): it reads a name long enough for two
encoded-words with one space doubled.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from email.headerregistry import (
    Address,
    BaseHeader,
    Group,
    UniqueAddressHeader,
    UniqueUnstructuredHeader,
)
from email.policy import Policy
from string import ascii_letters, digits
from typing import Any, TypeVar

MAX_LINE = 78  # RFC 5322 2.1.1: a line SHOULD be at most 78 characters
MAX_ANY_LINE = 998  # RFC 5322 2.1.1: MUST
MAX_ENCODED_LINE = 76  # RFC 2047 2: a line holding an encoded-word
MAX_ENCODED_WORD = 75  # RFC 2047 2

#: RFC 5322 atext: what the words of a display name may hold unquoted
_ATEXT = frozenset(ascii_letters + digits + "!#$%&'*+-/=?^_`{|}~")
#: what the Q encoding may leave as it is, in a display name too (RFC 2047 5 (3))
_Q_SAFE = frozenset(ascii_letters + digits + "!*+-/")
_Q_ONE_EACH = str.maketrans(dict.fromkeys(_Q_SAFE | {" "}))
#: a word with the whitespace after it; leading whitespace on its own
_PIECES = re.compile(r"\S+\s*|\s+")


def fold_text(name: str, text: str, policy: Policy) -> str:
    """An unstructured header (Subject), `Name: text`, as lines ending with the policy's
    linesep; the text written as `words` says."""
    limit = _limit(policy)
    atoms = words(text, _utf8(policy), limit=limit, indent=len(name) + 2)
    return _lines(name, atoms, limit, policy.linesep)


def fold_addresses(name: str, addresses: Sequence[Address], policy: Policy) -> str:
    """An address header (From, To, Cc): each display name written as `words` says, each
    address whole and after it, a comma between mailboxes."""
    limit, utf8 = _limit(policy), _utf8(policy)
    atoms: list[str] = []
    for address in addresses:
        addr_spec = address.addr_spec
        if not (addr_spec.isascii() or utf8):
            raise ValueError(f"{name}: {addr_spec} is not ASCII; it can only go as SMTPUTF8")
        if atoms:
            atoms[-1] += ","
        indent = 1 if atoms else len(name) + 2
        atoms += words(address.display_name, utf8, limit=limit, indent=indent, phrase=True)
        atoms.append(f"<{addr_spec}>" if address.display_name else addr_spec)
    return _lines(name, atoms, limit, policy.linesep)


def words(text: str, utf8: bool, *, limit: int, indent: int, phrase: bool = False) -> list[str]:
    """`text` as the words of a header whose first line has `indent` characters before it.

    1. When every word of `text` may stand in the header as it is (printable ASCII, or any
       printable text under a UTF-8 policy; only atext in a display name, a `phrase`) and
       fits on a line, the words are written as they are, a line broken before a space.
    2. Otherwise the whole text is written as encoded-words, each carrying its own spaces
       and as long as its line allows; a word too long for one is split between
       characters (readers join encoded-words without the whitespace between them).
    """
    if not text:
        return []
    split = text.split(" ")
    if _as_is(split, phrase, utf8, first_room=limit - indent, room=limit - 1):
        return split
    limit = min(limit, MAX_ENCODED_LINE)
    first_room, room = (min(MAX_ENCODED_WORD, limit - n) for n in (indent, 1))
    return encoded_words(text, first_room=first_room, room=room)


def encoded_words(text: str, *, first_room: int, room: int) -> list[str]:
    """`text` as UTF-8 encoded-words whose decoded texts, joined, give `text` back: the
    first at most `first_room` characters long, the others at most `room`. A word stays
    whole in one, with the whitespace after it, unless it is too long for any."""
    out: list[str] = []
    chunk, size = "", (0, 0)
    for piece in _PIECES.findall(text):
        piece_size = _size(piece)
        if chunk and _length(_add(size, piece_size)) > (room if out else first_room):
            out.append(encode_word(chunk))  # the piece begins the next encoded-word
            chunk, size = "", (0, 0)
        if _length(_add(size, piece_size)) <= (room if out else first_room):
            chunk, size = chunk + piece, _add(size, piece_size)
            continue
        for char in piece:  # too long for an encoded-word of its own
            char_size = _size(char)
            if chunk and _length(_add(size, char_size)) > (room if out else first_room):
                out.append(encode_word(chunk))
                chunk, size = "", (0, 0)
            chunk, size = chunk + char, _add(size, char_size)
    if chunk:
        out.append(encode_word(chunk))
    return out


def encode_word(text: str) -> str:
    """One encoded-word, Q or B, whichever is shorter; Q only leaves letters, digits and
    `!*+-/` as they are, so the word may stand in a display name too."""
    octets, q_length = _size(text)
    if q_length > 4 * -(-octets // 3):
        return f"=?utf-8?b?{base64.b64encode(text.encode('utf-8')).decode('ascii')}?="
    q = "".join(
        char if char in _Q_SAFE else "_" if char == " " else _q_escape(char) for char in text
    )
    return f"=?utf-8?q?{q}?="


def _q_escape(char: str) -> str:
    return "".join(f"={byte:02X}" for byte in char.encode("utf-8"))


def _size(text: str) -> tuple[int, int]:
    """The UTF-8 length of `text`, and the length of its Q encoding."""
    octets = len(text.encode("utf-8"))
    escaped = len(text.translate(_Q_ONE_EACH))  # these take =XX a byte, the others one each
    return octets, 3 * octets - 2 * (len(text) - escaped)


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return a[0] + b[0], a[1] + b[1]


def _length(size: tuple[int, int]) -> int:
    """How long `encode_word` makes a text of this size."""
    octets, q_length = size
    return len("=?utf-8?b??=") + min(4 * -(-octets // 3), q_length)


def _as_is(split: list[str], phrase: bool, utf8: bool, *, first_room: int, room: int) -> bool:
    """Whether the words of a text split at single spaces can be written unencoded."""
    for index, word in enumerate(split):
        if not word or len(word) > (room if index else first_room) or "=?" in word:
            return False  # an empty word: the text had a leading, trailing or double space
        for char in word:
            if char.isascii():
                if (char not in _ATEXT) if phrase else not ("!" <= char <= "~"):
                    return False
            elif not (utf8 and char.isprintable()):
                return False
    return True


def _lines(name: str, atoms: list[str], limit: int, linesep: str) -> str:
    """`Name:` and the atoms, a space before each, a new line begun before an atom that
    would pass the limit (76 on a header with encoded-words)."""
    if any(atom.startswith("=?") for atom in atoms):
        limit = min(limit, MAX_ENCODED_LINE)
    lines = [f"{name}:"]
    for index, atom in enumerate(atoms):
        if index and len(lines[-1]) + 1 + len(atom) > limit:
            lines.append("")
        lines[-1] += f" {atom}"
    return linesep.join(lines) + linesep


def _limit(policy: Policy) -> int:
    return min(policy.max_line_length or MAX_LINE, MAX_ANY_LINE)


def _utf8(policy: Policy) -> bool:
    return bool(getattr(policy, "utf8", False))  # an EmailPolicy's; compat32 has none


_Header = TypeVar("_Header", bound=BaseHeader)


def _restore(cls: type[_Header], value: str) -> _Header:
    return str.__new__(cls, value)


# The header registry makes its classes the same way, (kind, BaseHeader); typeshed types the
# kinds' max_count and init apart from BaseHeader's, hence the ignores.
class TextHeader(UniqueUnstructuredHeader, BaseHeader):  # type: ignore[misc]
    """An unstructured header (Subject) holding exactly the text given: `TextHeader("Subject",
    text)`. The text is taken as it is, never decoded ("=?…?=" in it stays literal)."""

    @classmethod
    def parse(cls, value: str, kwds: dict[str, Any]) -> None:
        if "\r" in value or "\n" in value:
            raise ValueError("Header values may not contain linefeed or carriage return characters")
        kwds["decoded"] = value
        kwds["parse_tree"] = None  # only the standard library's fold() reads it

    def fold(self, *, policy: Policy) -> str:
        return fold_text(self.name, str(self), policy)

    def __reduce__(self) -> tuple[Any, ...]:  # the standard one would rebuild a plain header
        return _restore, (type(self), str(self)), self.__getstate__()


class AddressListHeader(UniqueAddressHeader, BaseHeader):  # type: ignore[misc]
    """From, To or Cc: `AddressListHeader("To", Address(name, user, domain))`, or a list of
    Address. Its `addresses` and `str()` are the standard library's (aiosmtplib reads the
    envelope from them); its display names are folded here."""

    @classmethod
    def parse(cls, value: str | Address | Sequence[Address], kwds: dict[str, Any]) -> None:
        given: list[object] = [value] if isinstance(value, Address) else list(value)
        addresses = [a for a in given if isinstance(a, Address)]
        if not addresses or len(addresses) < len(given):
            raise TypeError(f"an AddressListHeader is made from Address objects: {value!r}")
        kwds["groups"] = [Group(None, [a]) for a in addresses]
        kwds["decoded"] = ", ".join(str(a) for a in addresses)
        kwds["parse_tree"] = None

    def fold(self, *, policy: Policy) -> str:
        return fold_addresses(self.name, self.addresses, policy)

    def __reduce__(self) -> tuple[Any, ...]:
        return _restore, (type(self), str(self)), self.__getstate__()
