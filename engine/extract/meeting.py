"""What the report says about the meeting itself: its date, who chaired it, the unit it
was held with (the default addressee of the instructions) and the text's language."""

from __future__ import annotations

import calendar as _months
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from engine.domain.vntext import UPPER, fold
from engine.extract.units import Mention, UnitDirectory

_EN_MONTHS = {m.lower(): i for i, m in enumerate(_months.month_name) if m} | {
    m.lower(): i for i, m in enumerate(_months.month_abbr) if m
}


@dataclass(frozen=True)
class MeetingDate:
    day: date | None
    basis: str  # how it was found, for the coordinator
    estimated: bool = False  # only the month is known: its last day is used


def language(text: str) -> str:
    """'vi' when the text carries Vietnamese diacritics, otherwise 'en'."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "vi"
    marked = sum(1 for c in letters if fold(c) != c.lower() or c in "đĐ")
    return "vi" if marked / len(letters) > 0.03 else "en"


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year_for_month(text: str, month: int) -> int | None:
    """The year the text gives with this month ("tháng 12.2025", "December 2025"), or
    the first year it names."""
    folded = fold(text)
    match = re.search(rf"\bthang\s+0?{month}\s*(?:[/.\-]|\s+nam\s+)\s*((?:19|20)\d\d)\b", folded)
    if match:
        return int(match[1])
    names = [n for n, i in _EN_MONTHS.items() if i == month]
    match = re.search(rf"\b(?:{'|'.join(names)})\.?,?\s+((?:19|20)\d\d)\b", folded)
    if match:
        return int(match[1])
    match = re.search(r"\b((?:19|20)\d\d)\b", folded)
    return int(match[1]) if match else None


def meeting_date(text: str) -> MeetingDate:
    """The meeting's date as the report gives it.

    1. A dated header ("date 2025-11-25", "Hà Nội, ngày 25 tháng 11 năm 2025").
    2. The opening words ("Chiều 25/11", "Sáng 31.12", "On August 28"), with the year
       the text gives for that month.
    3. Otherwise an estimate: the last day of the first month the opening names
       ("work in August 2025" → 31/08/2025), marked as such.
    """
    head = fold(text[:400])
    match = re.search(r"^\s*(?:date|ngay)\s*:?\s*((?:19|20)\d\d)-(\d\d)-(\d\d)\b", head, re.M)
    if match and (day := _safe(int(match[1]), int(match[2]), int(match[3]))):
        return MeetingDate(day, f"dòng ngày ở đầu văn bản / dated header: {match[0].strip()}")
    match = re.search(r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+((?:19|20)\d\d)", head)
    if match and (day := _safe(int(match[3]), int(match[2]), int(match[1]))):
        return MeetingDate(day, f"dòng ngày ở đầu văn bản / dated header: {match[0]}")
    names = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
    # "Hanoi, 12 February 2026" (a dated header), "On 11 February 2026, …": day first
    dated = re.search(
        rf"^\s*[a-z][a-z .'-]{{1,30}},\s+(\d{{1,2}})(?:st|nd|rd|th)?\s+({names})\.?,?\s+((?:19|20)\d\d)\b",
        head,
        re.M,
    ) or re.search(
        rf"\bon\s+(?:the\s+(?:morning|afternoon|evening)\s+of\s+)?(?:\w+day,?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+({names})\.?,?\s+((?:19|20)\d\d)\b",
        fold(text[:1500]),
    )
    if dated and (day := _safe(int(dated[3]), _EN_MONTHS[dated[2]], int(dated[1]))):
        return MeetingDate(day, f"dated header or opening words: {dated[0].strip()}")
    opening = re.search(
        r"(?:^|[.\n]\s*)(?:sang|chieu|toi|trua|ngay|hom\s+nay)\s+(?:nay\s+)?(?:\(?\w+\)?\s+)?"
        r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*((?:19|20)\d\d))?(?!\d)",
        fold(text[:1500]),
    )
    if opening:
        day_, month = int(opening[1]), int(opening[2])
        year = int(opening[3]) if opening[3] else _year_for_month(text, month)
        if year and (day := _safe(year, month, day_)):
            words = " ".join(text[opening.start() : opening.end()].split()).strip(" .")
            return MeetingDate(day, f"câu mở đầu / opening words: {words}")
    names = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
    opening = re.search(
        rf"\bon\s+(?:the\s+(?:morning|afternoon|evening)\s+of\s+)?(?:\w+day,?\s+)?({names})\.?\s+(\d{{1,2}})(?:,?\s+((?:19|20)\d\d))?",
        fold(text[:1500]),
    )
    if opening:
        month, day_ = _EN_MONTHS[opening[1]], int(opening[2])
        year = int(opening[3]) if opening[3] else _year_for_month(text, month)
        if year and (day := _safe(year, month, day_)):
            return MeetingDate(day, f"opening words: {opening[0]}")
    months = re.finditer(
        rf"\b(?:thang\s+(\d{{1,2}})\s*(?:[/.\-]|\s+nam\s+)\s*|({names})\.?,?\s+)((?:19|20)\d\d)\b",
        fold(text[:1500]),
    )
    first = next(months, None)
    if first:
        month = int(first[1]) if first[1] else _EN_MONTHS[first[2]]
        if 1 <= month <= 12:
            year = int(first[3])
            day = date(year, month, _months.monthrange(year, month)[1])
            return MeetingDate(
                day, f"ước tính từ / estimated from: {first[0].strip()}", estimated=True
            )
    return MeetingDate(None, "")


_LEADER_VI = (
    r"(?:Phó\s+Thủ\s+tướng(?:\s+Chính\s+phủ)?|Thủ\s+tướng(?:\s+Chính\s+phủ)?|Phó\s+Chủ\s+tịch\s+nước|"
    r"Chủ\s+tịch\s+nước|Chủ\s+tịch\s+Quốc\s+hội|Tổng\s+Bí\s+thư|Bộ\s+trưởng(?:\s+Bộ\s+[\wÀ-ỹ]+(?:\s+[\wÀ-ỹ]+)?)?|"
    rf"Chủ\s+tịch\s+(?:UBND|Ủy\s+ban\s+nhân\s+dân)(?:\s+(?:tỉnh|thành\s+phố)\s+{UPPER}\w+(?:\s+{UPPER}\w+)*)?|"
    rf"Chủ\s+nhiệm\s+Văn\s+phòng\s+{UPPER}\w+(?:\s+\w+){{0,3}}|Bí\s+thư|Chủ\s+tịch)"
)
_LEADER_EN = (
    r"(?:Deputy\s+Prime\s+Minister|Prime\s+Minister|Vice\s+President|President|"
    r"Minister(?:\s+of\s+[A-Z][\w]+(?:\s+(?:and\s+)?[A-Z][\w]+)*)?|Chairman|Chairwoman|General\s+Secretary)"
)
_NAME = rf"({UPPER}\w+(?:\s+{UPPER}\w+){{1,3}})"
#: a leader's title, anywhere (to tell the leader's words from a unit's)
LEADER = re.compile(rf"(?<![\wÀ-ỹ])(?:{_LEADER_VI}|{_LEADER_EN})(?![\wÀ-ỹ])")


def issuer(text: str) -> str:
    """Who chaired the meeting ("Chủ tịch nước Lương Cường"), or the leader's title
    the text uses most; empty when neither is found."""
    for leader in (_LEADER_VI, _LEADER_EN):
        match = re.search(rf"({leader})\s+{_NAME}\s+(?:đã\s+)?(?:chủ\s+trì|chaired|presided)", text)
        if match:
            return f"{match[1]} {match[2]}"
    match = re.search(rf"({_LEADER_VI}|{_LEADER_EN})\s+{_NAME}", text)
    if match:
        return f"{match[1]} {match[2]}"
    titles = Counter(" ".join(m[0].split()) for m in LEADER.finditer(text))
    return titles.most_common(1)[0][0] if titles else ""


_PARTY = re.compile(
    r"\b(?:tinh uy|thanh uy|huyen uy|dang uy|ban thuong vu|party committee|standing board)\b"
)


def default_addressee(text: str, mentions: list[Mention]) -> Mention | None:
    """The unit the meeting was held with ("họp ... với Văn phòng Chủ tịch nước", "a
    meeting with the Office of the President"), else the unit named most often."""
    named = [m for m in mentions if not (m.generic and m.code is None)]
    for index, mention in enumerate(named):
        before = fold(text[max(0, mention.start - 40) : mention.start])
        if re.search(
            r"\b(?:phoi hop|cung|coordinat\w*|together)\s+(?:voi|with)\s+(?:the\s+)?$", before
        ):
            continue  # "phối hợp với Bộ Công an": a partner in a task, not the meeting's host
        if re.search(r"\b(?:voi|with)\s+(?:the\s+)?$|\bvoi\s+cac\s+[^.;]{0,25}\bthuoc\s+$", before):
            # "với Ban Thường vụ Tỉnh ủy, UBND tỉnh …", "with the Standing Board of the
            # Provincial Party Committee and the provincial People's Committee": the
            # instructions go to the government body the party body is listed with
            if _PARTY.search(fold(mention.text)):
                for other in named[index + 1 : index + 3]:
                    gap = fold(text[mention.end : other.start])
                    if re.fullmatch(r"\s*(?:,|va|and)\s*(?:the\s+)?", gap) and not _PARTY.search(
                        fold(other.text)
                    ):
                        return other
            return mention
    if not named:
        return None
    counts = Counter(m.code or m.name for m in named)
    best = counts.most_common(1)[0][0]
    return next(m for m in named if (m.code or m.name) == best)


def directory_mentions(text: str, directory: UnitDirectory, lang: str) -> list[Mention]:
    return directory.find(text, lang)
