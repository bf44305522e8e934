"""Sentences and clauses of a report, each with its offsets in the (NFC) source text."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_LIST_MARKER = re.compile(
    r"^\s*(?:[-+•*–]\s+|\(?[0-9]{1,2}[.)]\s+|\(?[a-zđ][.)]\s+|[IVX]{1,4}[.)]\s+)"
)
#: an item of a list written out in words ("Một là, …", "Thứ hai, …", "Firstly, …"):
#: the marker is left out of the sentence
_WORD_MARKER = re.compile(
    r"^\s*(?:(?:Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười)\s+là"
    r"|Thứ\s+(?:nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)|Trước\s+hết|Cuối\s+cùng"
    r"|First(?:ly)?|Second(?:ly)?|Third(?:ly)?|Fourth(?:ly)?|Fifth(?:ly)?|Finally|Lastly)\s*[,:]\s*"
)
_CAPTION_MARK = re.compile(
    r"(?:\b(?:Ảnh|Photo|Nguồn|Source|Video|Clip)\s*:|\bComment\s*\(|^\s*(?:Xem thêm|Read more)\b)",
    re.IGNORECASE,
)
#: words after which a full stop does not end the sentence
_ABBREVIATIONS = frozenset(
    {"tp", "ts", "ths", "gs", "pgs", "mr", "mrs", "ms", "dr", "st", "no", "vs", "v.v", "tt", "q"}
)
_END = re.compile(r"[.!?…]+[\"'”)\]]*")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    #: alone on its line and not ended by a full stop: a headline or a photo caption
    caption: bool
    #: begins with a list marker ("- ", "1. ", "a) ")
    listed: bool


@dataclass(frozen=True)
class Clause:
    """A part of a sentence between semicolons (or a colon), offsets in the source."""

    start: int
    end: int
    text: str


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "-•*–+"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".;,:"):
        end -= 1
    return start, end


def _breaks(line: str) -> list[int]:
    """Positions (after the punctuation) where a sentence ends inside one line."""
    out = []
    marker = _LIST_MARKER.match(line)
    for match in _END.finditer(line):
        end = match.end()
        if marker and end <= marker.end():
            continue  # "1. Đánh giá chung": the item's number, not a sentence of its own
        rest = line[end:]
        nxt = rest.lstrip()
        if not nxt:
            continue
        if not (nxt[0].isupper() or nxt[0] in '"“('):
            continue
        before = line[: match.start()]
        word = re.findall(r"[\w.]+$", before)
        if match.group(0) == "." and word and word[0].lower().strip(".") in _ABBREVIATIONS:
            continue
        if match.group(0) == "." and before[-1:].isdigit() and nxt[:1].isdigit():
            continue
        out.append(end)
    return out


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text`: a line break always ends one; inside a line, a full stop,
    question or exclamation mark followed by a capital letter (even with no space, as
    when two paragraphs were pasted together)."""
    out: list[Sentence] = []
    offset = 0
    for line in text.split("\n"):
        line_start = offset
        offset += len(line) + 1
        if not line.strip():
            continue
        cuts = [0, *_breaks(line), len(line)]
        pieces = []
        for a, b in itertools.pairwise(cuts):
            start, end = _strip(text, line_start + a, line_start + b)
            if end > start:
                pieces.append((start, end, text[line_start + a : line_start + b].rstrip()))
        marker = _WORD_MARKER.match(line) or _LIST_MARKER.match(line)
        if marker and pieces and pieces[0][0] < line_start + marker.end() < pieces[0][1]:
            # "1. ", "a) ", "Thứ hai, ": the item's number is not part of what it says
            pieces[0] = (line_start + marker.end(), *pieces[0][1:])
        listed_line = bool(marker)
        for start, end, raw in pieces:
            body = text[start:end]
            terminated = bool(re.search(r"[.!?…:][\"'”)\]]*$", raw))
            # a numbered heading ("1. Đánh giá chung", "II. Nhiệm vụ") reads like a caption
            caption = bool(_CAPTION_MARK.search(body)) or (
                len(pieces) == 1 and not terminated and (not listed_line or len(body.split()) <= 3)
            )
            out.append(Sentence(start, end, body, caption, listed_line))
    return out


_CLAUSE_BREAK = re.compile(r";|:(?=\s)|,\s*(?=đồng thời\b)|,\s*(?=and at the same time\b)", re.I)


def split_clauses(sentence: Sentence, source: str) -> list[Clause]:
    """The semicolon-separated parts of a sentence (", đồng thời" and a colon too)."""
    out = []
    cut = sentence.start
    for match in _CLAUSE_BREAK.finditer(sentence.text):
        end = sentence.start + match.start()
        out.append((cut, end))
        cut = sentence.start + match.end()
    out.append((cut, sentence.end))
    clauses = []
    for a, b in out:
        start, end = _strip(source, a, b)
        if end > start:
            clauses.append(Clause(start, end, source[start:end]))
    return clauses
