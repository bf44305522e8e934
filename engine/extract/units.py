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
    "Liên đoàn|Mặt trận|Hội|Chi cục|Phòng|Bệnh viện|Trường|Kho bạc|Bảo hiểm xã hội"
)
_EN_HEADS = (
    "Ministry|Office|Department|Committee|Commission|Agency|Council|Bank|Court|Procuracy|"
    "Inspectorate|Authority|Board|Centre|Center|Institute|Academy|Union|Front|Command|"
    "Government Office|People's Committee|Administration|Directorate|Treasury|Customs"
)
#: a local body: "UBND tỉnh Quảng Trị", "Ủy ban nhân dân các tỉnh, thành phố", "Sở Y tế tỉnh"
_VI_LOCAL = (
    r"(?:Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|UBND|Hội\s+đồng\s+nhân\s+dân|HĐND)"
    r"\s+(?:(?:các|những)\s+(?:tỉnh|huyện|quận|xã|phường|thị\s+xã|thành\s+phố)"
    r"(?:,\s*(?:thành\s+phố|thị\s+xã|quận|huyện)(?:\s+trực\s+thuộc\s+Trung\s+ương)?)*"
    rf"|(?:tỉnh|thành\s+phố|TP\.?|huyện|quận|thị\s+xã|xã|phường)(?:\s+{UPPER}[\w-]*(?:\s+{UPPER}[\w-]*){{0,3}})?)"
)
_VI_BODY = re.compile(
    rf"(?<!\w)(?:{_VI_LOCAL}|(?:{_VI_HEADS})(?:[ \t]+{UPPER}[\w-]*(?:[ \t]+[^\W\d_][\w-]*){{0,6}}"
    # "Công an tỉnh", "Sở Y tế thành phố": a local body named by its level
    rf"|[ \t]+(?:tỉnh|thành[ \t]+phố|huyện|quận|thị[ \t]+xã)(?![\wÀ-ỹ])(?:[ \t]+{UPPER}[\w-]*){{0,3}}))"
)
_EN_BODY = re.compile(
    rf"\b(?:the\s+)?(?:(?:[A-Z][a-z]+\s+){{0,2}}(?:[Pp]rovincial|[Mm]unicipal|[Dd]istrict|[Cc]ity)\s+|(?:(?!The\b)[A-Z][a-z]+\s+){{1,3}}(?=(?:{_EN_HEADS})\b))?(?:{_EN_HEADS})s?(?:\s+(?:of|for|on|and)\s+(?:the\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)*"
)
_VI_STOP = re.compile(
    r"\s+(?:cần|phải|tập trung|tiếp tục|chủ trì|phối hợp|khẩn trương|chủ động|sớm|nghiên cứu|"
    r"xây dựng|rà soát|hoàn thiện|báo cáo|tổ chức|triển khai|thực hiện|đẩy mạnh|nâng cao|"
    r"chuẩn bị|và|với|trong|theo|tại|để|về|của|có|là|đã|sẽ|được|cùng)(?:\s|$).*$"
)
#: bodies named together, not by name: the units of the office the meeting was held with
#: ("các vụ, đơn vị", "the units") stand for it; other bodies ("các bộ, ngành", "the
#: relevant ministries and agencies") are an addressee of their own
_VI_COLLECTIVE = re.compile(
    r"(?<![\wÀ-ỹ])(?:[Cc]ác|[Nn]hững|[Mm]ọi)\s+(?:bộ|cục|vụ|sở|ban|phòng|ngành|đơn\s+vị|cơ\s+quan|địa\s+phương|"
    r"xã|phường|thị\s+trấn|trường(?:\s+học)?|bệnh\s+viện|doanh\s+nghiệp|(?:tổng\s+)?công\s+ty(?:\s+điện\s+lực)?|tập\s+đoàn)"
    r"(?:(?:,\s*|\s+và\s+|\s+)(?:bộ|cục|vụ|sở|ban|phòng|ngành|đơn\s+vị|cơ\s+quan(?:\s+ngang\s+bộ)?|địa\s+phương|"
    r"xã|phường|thị\s+trấn|trường(?:\s+học)?|bệnh\s+viện|doanh\s+nghiệp|(?:tổng\s+)?công\s+ty|tập\s+đoàn)(?![\wÀ-ỹ]))*"
    r"(?:\s+(?:liên\s+quan|trực\s+thuộc|thuộc\s+Bộ|ngang\s+bộ|chuyên\s+môn|đại\s+diện\s+Việt\s+Nam\s+ở\s+nước\s+ngoài))?(?![\wÀ-ỹ])"
)
_EN_COLLECTIVE = re.compile(
    r"\b(?:the\s+)?(?:(?:relevant|concerned|other|all)\s+)?(?i:ministries|agencies|units|departments|localities|provinces|sectors|hospitals|schools|enterprises|communes)"
    r"(?:(?:,\s*|\s+and\s+)(?:ministries|agencies|units|departments|localities|provinces|sectors|hospitals|schools|enterprises|communes))*(?:\s+concerned)?\b"
)
_INTERNAL = re.compile(
    r"^(?:(?:cac|nhung|moi|the|all|relevant|other)\s+)*(?:(?:cuc|vu|don vi|units?|departments?)(?:,?\s*|\s+va\s+|\s+and\s+))+(?:lien quan|truc thuoc|thuoc bo|concerned)?$"
)
#: an acronym standing as the subject of an instruction ("EVN must …", "UBND phải …")
_ACRONYM_SUBJECT = re.compile(
    r"(?<![\w(])[A-Z][A-Z0-9]{1,5}(?![\w)])(?=\s+(?:must|should|shall|will|needs?\s+to|has\s+to|is\s+to|"
    r"cần|phải|chủ\s+trì|khẩn\s+trương|tập\s+trung|tiếp\s+tục)\b)"
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


#: words that begin what a named body is to do: where a subject's name ends
_PREDICATE = re.compile(
    r"\s+(?:cần|phải|khẩn\s+trương|tập\s+trung|tiếp\s+tục|chủ\s+trì|phối\s+hợp|chủ\s+động|sớm|"
    r"rà\s+soát|tổng\s+hợp|báo\s+cáo|theo\s+dõi|nâng\s+cao|nâng\s+cấp|hoàn\s+thành|hoàn\s+thiện|"
    r"nghiên\s+cứu|bố\s+trí|tăng\s+cường|đẩy\s+nhanh|đẩy\s+mạnh|triển\s+khai|thực\s+hiện|"
    r"chuẩn\s+bị|cập\s+nhật|xử\s+lý|bảo\s+đảm|đảm\s+bảo|quan\s+tâm|ban\s+hành|trình\s+(?=[A-ZĐ])|"
    r"thường\s+xuyên|kịp\s+thời|quyết\s+liệt|vào\s+cuộc|số\s+hóa|số\s+hoá)(?=[\s,;.:]|$)"
)
#: words no name of a body holds
_NOT_NAME = re.compile(
    r"(?<!\w)(?:của|trong|theo|với|để|về|tại|cho|khi|là|đã|sẽ|đang|được|có|không|nhằm|nếu|cũng|"
    r"đề\s+nghị|yêu\s+cầu|giao(?!\s+thông)|chỉ\s+đạo|đồng\s+thời)(?!\w)"
)


def _subject_name(text: str, start: int, trimmed: str) -> str:
    """The whole name of a body that is the subject of what follows ("Trung tâm Dự báo
    khí tượng thủy văn quốc gia nâng cao …", "Vụ Kế hoạch - Tài chính tổng hợp …"):
    the words up to the verb, when none of them is a function word; at most one comma
    inside ("Cục Quản lý đê điều và Phòng, chống thiên tai chủ trì …")."""
    window = text[start : start + 160].split("\n", 1)[0]
    # a comma goes on with the name before a small word or a capital that heads no body
    # ("Sở Văn hóa, Thể thao và Du lịch"), not before another body ("Bộ Tư pháp, Bộ …")
    stop = re.search(rf"[;:.()]|,(?!\s*(?:[a-zà-ỹđ]|(?!(?:{_VI_HEADS})\b){UPPER}))", window)
    window = window[: stop.start()] if stop else window
    verb = _PREDICATE.search(window, len(trimmed) - 1)
    if verb is None:
        return trimmed
    name = window[: verb.start()].rstrip(" ,")
    if len(name) <= len(trimmed) or len(name.split()) > 16 or _NOT_NAME.search(name):
        return trimmed
    if name.count(",") > 1 or re.match(_VI_LOCAL, trimmed) or _VI_BODY.search(name[len(trimmed) :]):
        return trimmed  # a local body's name is whole; another body's head ends this one
    return name


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
            at = 0
            while hit := pattern.search(text, at):
                start = hit.start()
                if pattern is _VI_BODY:
                    raw = _subject_name(text, start, _trim_vi(hit[0]))
                else:
                    raw = hit[0].rstrip()
                end = start + len(raw)
                # search again after the name as trimmed, not after all the match took:
                # "Văn phòng HĐND và UBND huyện" holds a second body
                at = max(end, start + 1)
                if end > start and free(start, end):
                    taken.append((start, end))
                    generic = fold(raw) in _GENERIC
                    found.append(Mention(start, end, raw, None, raw, generic))
        for pattern in (_VI_COLLECTIVE, _EN_COLLECTIVE, _ACRONYM_SUBJECT):
            for match in pattern.finditer(text):
                start, end = match.span()
                if free(start, end):
                    taken.append((start, end))
                    internal = bool(_INTERNAL.match(fold(match[0])))
                    found.append(Mention(start, end, match[0], None, match[0], generic=internal))
        # "Tập đoàn Điện lực Việt Nam (EVN)": the acronym names the same body afterwards
        for body in list(found):
            defined = re.match(r"\s*\(([A-Z][A-Z0-9]{1,7})\)", text[body.end : body.end + 12])
            if defined is None:
                continue
            for match in re.finditer(rf"(?<![\w(]){defined[1]}(?![\w)])", text):
                start, end = match.span()
                if free(start, end):
                    taken.append((start, end))
                    found.append(Mention(start, end, match[0], body.code, body.name, body.generic))
        for match in re.finditer(r"(?i)\b(?:the\s+office|the\s+ministry|văn\s+phòng)\b", text):
            start, end = match.span()
            if free(start, end):
                taken.append((start, end))
                found.append(Mention(start, end, match[0], None, match[0], generic=True))
        return sorted(found, key=lambda m: m.start)
