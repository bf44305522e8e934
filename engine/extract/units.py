"""Finding units in a text: the directory's names, English names, aliases, codes and
abbreviations ("VPCTN", "Văn phòng CTN" for "Văn phòng Chủ tịch nước"), compared
without diacritics or case; and names of bodies that are not in the directory."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from engine.domain.model import Unit
from engine.domain.vntext import UPPER, fold, fold_keep_case


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    code: str | None  # None: a body that is not in the directory
    name: str  # the directory's name (in the text's language), or the words of the text
    generic: bool = False  # "Văn phòng", "the Office": the meeting's addressee by default


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w and w[0].isalnum()).upper()


def _variants(unit: Unit) -> tuple[set[str], set[str]]:
    """Names compared without case, and abbreviations compared with it."""
    names: set[str] = set()
    abbreviations: set[str] = {fold_keep_case(unit.code)}
    for name in (unit.name_vi, unit.name_en, *unit.aliases):
        if not name.strip():
            continue
        if name.isupper() and " " not in name.strip():
            abbreviations.add(fold_keep_case(name.strip()))
            continue
        folded = " ".join(re.sub(r"[^\w\s-]", " ", fold(name)).split())
        names.add(folded)
        if folded.startswith("the "):
            names.add(folded[4:])
    parts = [w for w in re.split(r"[\s-]+", fold_keep_case(unit.name_vi)) if w]
    if len(parts) >= 3:
        abbreviations.add(_initials(parts))
        for keep in range(1, len(parts) - 1):  # "Văn phòng CTN", "Vụ TCHC"
            abbreviations.add(" ".join(parts[:keep]) + " " + _initials(parts[keep:]))
    return names, abbreviations


#: heads of names of public bodies, for bodies the directory does not hold
_VI_HEADS = (
    "Bộ Tư lệnh|Bộ|Tổng cục|Cục|Vụ|Ban|Sở|Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Ủy ban|Uỷ ban|"
    "Văn phòng|Viện kiểm sát nhân dân|Viện|Trung tâm|Học viện|Thanh tra|Kiểm toán|Ngân hàng|"
    "Đài|Thông tấn xã|Tòa án nhân dân|Tòa án|Hội đồng|Tập đoàn|Tổng công ty|Công an|Đảng ủy|"
    "Liên đoàn|Mặt trận|Hội"
)
_EN_HEADS = (
    "Ministry|Office|Department|Committee|Commission|Agency|Council|Bank|Court|Procuracy|"
    "Inspectorate|Authority|Board|Centre|Center|Institute|Academy|Union|Front|Command|"
    "Government Office|People's Committee"
)
#: a local body: "UBND tỉnh Quảng Trị", "Ủy ban nhân dân các tỉnh, thành phố", "Sở Y tế tỉnh"
_VI_LOCAL = (
    r"(?:Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|UBND|Hội\s+đồng\s+nhân\s+dân|HĐND)"
    r"\s+(?:(?:các|những)\s+tỉnh(?:,\s*thành\s+phố(?:\s+trực\s+thuộc\s+Trung\s+ương)?)?"
    rf"|(?:tỉnh|thành\s+phố|TP\.?|huyện|quận|thị\s+xã|xã|phường)(?:\s+{UPPER}[\w-]*(?:\s+{UPPER}[\w-]*){{0,3}})?)"
)
_VI_BODY = re.compile(
    rf"(?<!\w)(?:{_VI_LOCAL}|(?:{_VI_HEADS})(?:\s+{UPPER}[\w-]*(?:\s+[^\W\d_][\w-]*){{0,6}}))"
)
_EN_BODY = re.compile(
    rf"\b(?:the\s+)?(?:(?:[A-Z][a-z]+\s+){{0,2}}(?:[Pp]rovincial|[Mm]unicipal|[Dd]istrict|[Cc]ity)\s+)?(?:{_EN_HEADS})(?:\s+(?:of|for|on|and)\s+(?:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)*"
)
_VI_STOP = re.compile(
    r"\s+(?:cần|phải|tập trung|tiếp tục|chủ trì|phối hợp|khẩn trương|chủ động|sớm|nghiên cứu|"
    r"xây dựng|rà soát|hoàn thiện|báo cáo|tổ chức|triển khai|thực hiện|đẩy mạnh|nâng cao|"
    r"chuẩn bị|và|với|trong|theo|tại|để|về|của|có|là|đã|sẽ|được|cùng)(?:\s|$).*$"
)
_GENERIC = frozenset(
    {"van phong", "the office", "office", "bo", "the ministry", "ministry", "ban", "vu", "cuc"}
)


def _trim_vi(name: str) -> str:
    """'Bộ Tư pháp rà soát …' -> 'Bộ Tư pháp': a name runs while its words are capitalised
    or follow a capitalised word (at most two), up to a verb or a function word."""
    cut = _VI_STOP.search(name)
    if cut:
        name = name[: cut.start()]
    tokens = name.split()
    if re.match(_VI_LOCAL, name):
        return name
    kept, small = tokens[:2], 0
    for i, token in enumerate(tokens[2:], start=2):
        ahead = tokens[i + 1 : i + 3]
        if token[0].isupper():
            small = 0
        elif (
            token == "-"
            or (small < 1 and not (i > 2 and tokens[i - 2][0].isupper()))
            or any(t[0].isupper() for t in ahead)
        ):
            # one small syllable after a capital ("Xây dựng"), but not after a proper
            # name ("Mỹ Thuận"); more only on the way to another capital ("Nông nghiệp
            # và Môi trường", "Quản lý dự án Mỹ Thuận")
            small += token != "-"
        else:
            break
        kept.append(token)
    return (
        " ".join(kept)
        if kept == tokens
        else name[: name.find(" ".join(kept)) + len(" ".join(kept))]
    )


class UnitDirectory:
    """The units a draft may name, and how to find them in a text."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self.units = {u.code: u for u in units if u.active}
        self._names: list[tuple[str, str]] = []
        self._abbreviations: list[tuple[str, str]] = []
        for unit in self.units.values():
            names, abbreviations = _variants(unit)
            self._names += [(n, unit.code) for n in names]
            self._abbreviations += [(a, unit.code) for a in abbreviations]
        self._names.sort(key=lambda p: -len(p[0]))
        self._abbreviations.sort(key=lambda p: -len(p[0]))

    def name(self, code: str, lang: str) -> str:
        unit = self.units[code]
        return unit.name_en if lang == "en" and unit.name_en else unit.name_vi

    def find(self, text: str, lang: str = "vi") -> list[Mention]:
        """Unit mentions in `text`, longest first where they overlap, in text order."""
        folded, cased = fold(text), fold_keep_case(text)
        taken: list[tuple[int, int]] = []
        found: list[Mention] = []

        def free(start: int, end: int) -> bool:
            return not any(start < e and s < end for s, e in taken)

        for variants, haystack in ((self._names, folded), (self._abbreviations, cased)):
            for variant, code in variants:
                regex = r"(?<![\w])" + re.escape(variant).replace(r"\ ", r"\s+") + r"(?![\w])"
                for match in re.finditer(regex, haystack):
                    start, end = match.span()
                    if not free(start, end):
                        continue
                    generic = variant in _GENERIC
                    if generic and re.match(rf"\s+{UPPER}", text[end : end + 3]):
                        continue  # "Văn phòng Chính phủ" is another office
                    taken.append((start, end))
                    found.append(
                        Mention(start, end, text[start:end], code, self.name(code, lang), generic)
                    )
        for pattern in (_VI_BODY, _EN_BODY):
            for match in pattern.finditer(text):
                start = match.start()
                raw = _trim_vi(match[0]) if pattern is _VI_BODY else match[0].rstrip()
                end = start + len(raw)
                if end > start and free(start, end):
                    taken.append((start, end))
                    generic = fold(raw) in _GENERIC
                    found.append(Mention(start, end, raw, None, raw, generic))
        for match in re.finditer(r"(?i)\b(?:the\s+office|the\s+ministry|văn\s+phòng)\b", text):
            start, end = match.span()
            if free(start, end):
                taken.append((start, end))
                found.append(Mention(start, end, match[0], None, match[0], generic=True))
        return sorted(found, key=lambda m: m.start)
