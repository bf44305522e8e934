"""The task finder: the leader's instructions in a report, one proposed task each.

How a report is read:

1. It is cut into sentences; headlines and photo captions are left out.
2. A sentence between the office's report ("Báo cáo … cho biết", "The report … said")
   and the leader's conclusions ("Sau khi nghe", "kết luận", "After listening") is the
   report: only words the leader is said to have spoken there can instruct.
3. An instruction has a cue: the leader asks someone (yêu cầu, đề nghị, giao, chỉ đạo,
   đòi hỏi; requested, asked, directed, requiring …), or a unit must do something
   (cần, phải; must, should, it is necessary to), or — in the conclusions, with a unit
   as the subject or right after another instruction — will do it (tập trung, tiếp tục;
   will, continue to). Nouns that look like cues ("yêu cầu ngày càng cao", "đáp ứng
   yêu cầu", "nhiệm vụ được giao", "giao ban") are not.
4. A sentence's clauses (between semicolons) that start with a verb after an instruction
   are further tasks with their own objects; clauses that do not ("trong đó …", "nhất
   là …", "it is …") belong to the task before them. A clause that only announces a
   list ("tập trung vào một số nhiệm vụ sau", "focus on a number of tasks") is none.
5. The unit is the one the cue addresses or the clause's subject, else the one the
   meeting was held with. The deadline and recurrence come from the clause's own timing
   words (see `engine.domain.deadlines`).
6. Work-style exhortations (nâng cao chất lượng, phát huy tinh thần, đổi mới tư duy …)
   without a concrete product are ongoing duties.
7. A lede that repeats an instruction of the body is one task, not two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from engine.domain.calendar import WorkingCalendar
from engine.domain.deadlines import resolve
from engine.domain.model import Recurrence
from engine.domain.vntext import UPPER, fold, words
from engine.extract.meeting import (
    LEADER,
    MeetingDate,
    default_addressee,
    issuer,
    language,
    meeting_date,
)
from engine.extract.sentences import Clause, Sentence, split_clauses, split_sentences
from engine.extract.units import Mention, UnitDirectory


@dataclass(frozen=True)
class DraftTask:
    start: int
    end: int
    quote: str
    title: str
    unit_code: str | None  # in the directory; None when not found there
    unit_name: str  # the directory's name, or the words of the text
    unit_stated: bool  # named in the instruction (not the meeting's default addressee)
    coordinating: tuple[str, ...]  # directory codes
    deadline: date | None
    deadline_expression: str
    recurrence: Recurrence | None
    past: bool
    kind: str  # "task" or "ongoing_duty"


@dataclass(frozen=True)
class Extraction:
    language: str
    meeting: MeetingDate
    on: date | None  # the date deadlines were resolved against
    issuer: str
    default_unit: Mention | None
    tasks: list[DraftTask]


_PASSIVE = re.compile(r"(?:\b(?:was|were|is|are|be|been|being)|được|đã\s+được)\s+$", re.IGNORECASE)
#: the verbs of a list item in English, which start with a capital
_EN_VERBS = frozenset(
    [
        "complete",
        "develop",
        "continue",
        "review",
        "submit",
        "ensure",
        "strengthen",
        "prepare",
        "focus",
        "promote",
        "improve",
        "build",
        "organise",
        "organize",
        "implement",
        "accelerate",
        "speed",
        "carry",
        "step",
        "coordinate",
        "study",
        "propose",
        "report",
        "take",
        "consider",
        "finalise",
        "finalize",
        "enhance",
        "conduct",
        "monitor",
        "establish",
        "expand",
        "mobilise",
        "mobilize",
        "set",
        "update",
        "issue",
        "draft",
        "research",
        "boost",
        "maintain",
        "direct",
        "closely",
        "actively",
        "proactively",
        "urgently",
        "resolutely",
        "promptly",
        "send",
        "speed",
        "upgrade",
        "assign",
        "allocate",
        "arrange",
        "accelerate",
        "innovate",
        "pay",
        "attend",
        "perfect",
        "renovate",
        "tighten",
        "handle",
        "resolve",
        "settle",
    ]
)


@dataclass(frozen=True)
class _Cue:
    start: int  # offsets in the source
    end: int
    addressing: bool  # the addressee follows the cue (yêu cầu X …, requested X to …)
    weak: bool


# -- cues ------------------------------------------------------------------------------

_I = re.IGNORECASE
_ADDRESSING = re.compile(
    r"(?<![\wÀ-ỹ])(?:(?<!đáp ứng )(?<!so với )(?<!theo )(?<!với )(?<!các )(?<!những )(?<!nhiều )"
    r"(?<!của )(?<!như )(?<!mọi )(?<!là )(?<!và )(?<!trước )(?<!lại )(?<!đúng )yêu\s+cầu"
    r"(?!\s+(?:cao|nhiệm\s+vụ|ngày|đặt\s+ra|của|thực\s+tiễn|chung|công\s+việc|này|đó|đề\s+ra|trên|về|mới|rất|càng|tại|trong|ở|đã|nêu|được)\b)"
    r"|(?<!các )(?<!những )(?<!theo )(?<!của )(?<!hồ sơ )(?<!văn bản )(?<!tờ trình )(?<!kiến nghị, )đề\s+nghị"
    r"(?!\s+(?:của|này|đó|tại|trong|đã|được)\b)"
    r"|đòi\s+hỏi|kêu\s+gọi|lưu\s+ý(?=\s+(?:các\s+|mọi\s+)?" + UPPER + r")"
    r"|request(?:ed|s)|ask(?:ed|s)|direct(?:ed|s)|instruct(?:ed|s)|urg(?:ed|es)|call(?:ed|s)?\s+(?:on|upon)"
    r"|task(?:ed|s)(?=\s+(?:the\b|(?-i:[A-Z])))|requir(?:ed|es|ing)(?=\s+(?:the|all|each|every|relevant)\b|\s+(?-i:[A-Z]))"
    r"|assign(?:ed|s)?(?=\s+(?:the\b|(?-i:[A-Z]))))(?!\w)",
    _I,
)
_LEADER_VERB = re.compile(
    r"(?<![\wÀ-ỹ])(?:(?<!phát biểu )chỉ\s+đạo(?!\s+(?:của|tại|trong)\b)|giao(?:\s+cho)?(?=\s+(?:"
    + UPPER
    + r"|các|nhiệm\s+vụ)))(?!\w)"
)
_MODAL = re.compile(
    r"(?<![\wÀ-ỹ])(?:cần(?!\s+thiết)(?:\s+thiết\s+phải)?|(?<!không )phải(?!\s+(?:là|chăng|không)\b)"
    r"|must|should|needs?\s+to|has\s+to|have\s+to"
    r"|it\s+is\s+(?:necessary|essential|important|imperative|required|needed)\s+(?:to|that|for))(?![\wÀ-ỹ])",
    _I,
)
_WEAK = re.compile(
    r"(?<![\wÀ-ỹ])(?<!đã )(?:tập\s+trung|tiếp\s+tục|khẩn\s+trương|chủ\s+động|sẽ|will|continue\s+to|focus\s+on)(?![\wÀ-ỹ])",
    _I,
)
_REPORT_START = re.compile(
    r"báo\s+cáo[^.;]{0,120}?\bcho\s+biết|theo\s+báo\s+cáo|\breport\b[^.;]{0,120}?\b(?:said|showed|stated|noted)\b|according\s+to\s+the\s+report",
    _I,
)
_CONCLUSION = re.compile(
    r"sau\s+khi\s+nghe|kết\s+luận|phát\s+biểu\s+chỉ\s+đạo|after\s+listening|conclud|in\s+conclusion|closing\s+remarks|regarding\s+the\s+direction",
    _I,
)
_CONNECTIVE = re.compile(
    r"^\s*(?:đồng\s+thời|bên\s+cạnh\s+đó|cùng\s+với\s+đó|ngoài\s+ra|mặt\s+khác|trên\s+tinh\s+thần\s+đó|vì\s+vậy|do\s+đó|"
    r"in\s+addition|additionally|also|at\s+the\s+same\s+time|besides|in\s+particular|furthermore|moreover)\b",
    _I,
)
_PRAISE = re.compile(
    r"biểu\s+dương|đánh\s+giá\s+cao|ghi\s+nhận|khen|appreciated|praised|commended|acknowledged", _I
)
_LIST_INTRO = re.compile(
    r"(?:một\s+số|các|những|mấy)\s+(?:nhiệm\s+vụ|nội\s+dung|việc|công\s+việc|vấn\s+đề)(?:\s+(?:trọng\s+tâm|chủ\s+yếu|cụ\s+thể|quan\s+trọng))?\s+(?:sau|sau\s+đây|như\s+sau)\b"
    r"|(?:a\s+number\s+of|the\s+following|some|several)\s+(?:key\s+|important\s+|main\s+)?(?:tasks|issues|contents|matters|things)\b",
    _I,
)

# -- verbs and words ------------------------------------------------------------------

_VI_VERBS_WORDS = """tiếp tục nâng cao phối hợp đẩy mạnh triển khai chuẩn bị xây dựng phục vụ tổ chức rà soát
    hoàn thiện hoàn thành hoàn chỉnh tham mưu tập trung chủ động nghiên cứu đề xuất báo cáo kiểm tra
    theo dõi đôn đốc tăng cường bảo đảm đảm bảo thực hiện khẩn trương sớm ban hành trình hướng dẫn
    tuyên truyền quán triệt nắm đánh giá tổng kết sơ kết cải cách đổi mới ứng dụng phát huy giữ vững
    rèn luyện nỗ lực cố gắng làm quan tâm chăm lo kiện toàn sắp xếp lập soạn gửi cung cấp phổ biến
    công bố xử lý giải quyết khắc phục chỉ đạo lãnh đạo thúc đẩy ưu tiên bố trí huy động mở rộng
    phát triển duy trì siết nâng cấp tăng giảm phấn đấu bám sát lựa chọn chuyển tiếp thu tổng hợp
    rút kinh nghiệm đề cao tránh không kịp thời tích cực thường xuyên đẩy nhanh hoàn tất cập nhật
    số hoá số hóa chuẩn hoá chuẩn hóa thống nhất phân công giao rà soát trình"""
_VI_VERBS = frozenset(_VI_VERBS_WORDS.split())
#: two-syllable verbs whose first syllable alone would read as another word
_VI_COMPOUND_VERBS = frozenset(
    """chỉ đạo|chủ trì|bố trí|hướng dẫn|kiên quyết|tháo gỡ|có trách nhiệm|khẩn trương|
    trình bày|cho phép|tổ chức|nghiêm túc|tập trung|sớm hoàn thành|ban hành|kịp thời""".replace(
        "\n", ""
    ).split("|")
)
_VI_NOT_START_WORDS = """các những một mọi này đó trong với theo nhất đặc bởi vì do nhằm để là có công việc khi nếu
    qua từ tại về đối ở cả toàn tất hai ba chỉ như đây sau trước thì mà nên nhưng còn"""
_VI_NOT_START = frozenset(_VI_NOT_START_WORDS.split())
_EN_NOT_START_WORDS = """it the this that these those a an which there they we he she in on at for with by of to as
    from its their our all both each every especially particularly including such not is are was
    were be been"""
_EN_NOT_START = frozenset(_EN_NOT_START_WORDS.split())
_LEADING = re.compile(
    r"^(?:(?:đồng\s+thời|và|cũng|đặc\s+biệt|nhất\s+là|and|also|then|further|"
    r"[a-z]+ly)(?:\s+|,\s*))+",
    _I,
)

#: the object of the task is a product, an event or a concrete piece of work
_CONCRETE = re.compile(
    r"\b(?:chuong trinh|ke hoach|de an|du thao|ho so|phien hop|hoi nghi|dai hoi|su kien|hoat dong|"
    r"quyet dinh|nghi dinh|nghi quyet|thong tu|du an|luat|phap lenh|van ban|to trinh|tong ket|so ket|"
    r"dieu kien lam viec|co so vat chat|to chuc bo may|le ky niem|chuyen tham|tham hoi|danh muc|"
    r"quy che|bao cao ket qua|bao cao tong ket|dan so|bau cu|cong bo|"
    r"plan|programme|program|report|dossier|decision|decree|draft|events?|meetings?|sessions?|"
    r"conference|announcement|ceremony|visits?|activities|amnesty|election|congress)\b"
)
#: the head of a work-style exhortation
_EXHORTATION = re.compile(
    r"^(?:(?:can|phai|tiep tuc|se|hon nua)\s+)*(?:no luc|co gang|phat huy|ren luyen|giu vung|"
    r"doi moi tu duy|nang cao (?:hon nua )?(?:chat luong|trinh do|nang luc|hieu qua|tinh than|y thuc)|"
    r"day manh ung dung|tang cuong (?:ky luat|trach nhiem|phoi hop)|chu dong|tap trung cao do cho viec trien khai nhiem vu|"
    r"maximi[sz]e|promote|uphold|innovate|improve|enhance|strengthen|heighten|foster|"
    r"continue to (?:innovate|promote|improve|enhance|strengthen|uphold|maximi[sz]e))"
)
_CONTINUING = re.compile(
    r"\b(?:tiep tuc (?:nam|theo doi|cap nhat|duy tri)|nam (?:chac )?tinh hinh|theo doi|thuong xuyen|"
    r"continue to (?:monitor|follow|track|grasp)|monitor)\b"
)
_LOCAL = re.compile(r"\b(?:tinh|thanh pho|province|provincial|city|municipal)\b")
_LOCAL_WORD = re.compile(
    r"(?<![\wÀ-ỹ])(?<!các )(?<!những )(?<!mỗi )(?<!other )(?<!all )(?<!each )"
    r"(?:[Tt]ỉnh|the\s+province|the\s+city)(?![\wÀ-ỹ])(?!\s+(?:ủy|uỷ|lộ)\b)(?!\s+" + UPPER + r")"
)
_RECIPIENT = re.compile(
    r"\b(?:gui|trinh|bao cao|den|toi|cho|ve|cua|tai|voi|to|for|with|of|from|at|on|about|by)\s+(?:the\s+|cac\s+)?$"
)
_WITH = re.compile(r"(?:phoi hop(?: voi| cung)?|cung voi|voi|with|and)\s+(?:the\s+|cac\s+)?$")
_TITLE_CUT = re.compile(
    r"\s+(?:để|nhằm|trong đó|nhất là|đặc biệt là|in order to|so as to|especially|particularly)\s+"
    r"|,\s*(?:bảo đảm|đảm bảo|đáp ứng|ensuring|demonstrating|meeting|in line with)\b|;",
    _I,
)
_TITLE_LEAD = re.compile(
    r"^(?:(?:[^\s,;]+\s+){0,6}?(?:cần|phải)\s+|(?:sẽ|cũng|đồng\s+thời|will|must|should|to|also|needs?\s+to|"
    r"it\s+is\s+(?:necessary|essential|important)\s+to|tập\s+trung(?:\s+cao(?:\s+độ)?)?(?:\s+(?:cho|vào))?(?:\s+việc)?"
    r"|focus\s+on)\s+)+",
    _I,
)


def _lower(text: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _verb_initial(text: str) -> bool:
    """Whether a clause starts with what it asks to be done (a verb), after connectives
    and adverbs; a clause starting with a noun or a preposition does not."""
    stripped = _LEADING.sub("", text.strip())
    tokens = re.findall(r"[\wÀ-ỹ'-]+", stripped)
    if not tokens:
        return False
    first = tokens[0]
    low = [t.lower() for t in tokens]
    if " ".join(low[:2]) in _VI_COMPOUND_VERBS:
        return True
    if first[0].isupper() and not (
        low[0] in _VI_VERBS or " ".join(low[:2]) in _VI_VERBS or low[0] in _EN_VERBS
    ):
        return False
    if low[0] in _EN_NOT_START or low[0] in _VI_NOT_START:
        return False
    if low[0] in _VI_VERBS or " ".join(low[:2]) in _VI_VERBS:
        return True
    return len(tokens) >= 4


def _acts(after: str) -> bool:
    """Whether the words after a unit say what it is to do: a verb first, or a cue soon
    after a relative clause ("Ủy ban nhân dân các tỉnh có dự án đi qua khẩn trương …")."""
    return _verb_initial(after) or bool(_WEAK.search(after[:80]) or _MODAL.search(after[:80]))


def _chunk_start(source: str, clause: Clause, at: int) -> int:
    """Where the comma-separated part of the clause holding position `at` begins."""
    comma = source.rfind(",", clause.start, at)
    start = clause.start if comma < 0 else comma + 1
    while start < at and source[start].isspace():
        start += 1
    return start


class _Finder:
    def __init__(
        self,
        text: str,
        directory: UnitDirectory,
        calendar: WorkingCalendar,
        on: date | None,
        lang: str,
    ) -> None:
        self.text = text
        self.directory = directory
        self.calendar = calendar
        self.on = on
        self.lang = lang
        self.announced = False  # the sentence read last announced a list of tasks
        self.mentions = directory.find(text, lang)
        self.default = default_addressee(text, self.mentions)
        if self.default is not None and _LOCAL.search(fold(self.default.text)):
            self.mentions = self._with_local_words(self.mentions)
        chair = LEADER.match(issuer(text))
        self.chair = " ".join(fold(chair[0]).split()) if chair else ""
        spans = [(m.start, m.end) for m in self.mentions]
        self.leaders = [
            (m.start(), m.end())
            for m in LEADER.finditer(text)
            if not any(s <= m.start() < e for s, e in spans)
        ]

    # -- units ------------------------------------------------------------------------
    def _with_local_words(self, mentions: list[Mention]) -> list[Mention]:
        """When the meeting was held with a province or a city, "tỉnh" / "the province"
        on its own names it (not "các tỉnh", "other provinces")."""
        taken = [(m.start, m.end) for m in mentions]
        extra = []
        for match in _LOCAL_WORD.finditer(self.text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            extra.append(Mention(start, end, match[0], None, match[0], generic=True))
        return sorted([*mentions, *extra], key=lambda m: m.start)

    def _resolve_mention(self, mention: Mention | None) -> Mention | None:
        if mention is not None and mention.generic and mention.code is None:
            return self.default
        return mention

    def _mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]

    def _leader_in(self, start: int, end: int) -> bool:
        return any(start <= s and e <= end for s, e in self.leaders)

    def _chair_in(self, start: int, end: int) -> bool:
        """Whether the leader chairing the meeting (by the title the text gives them) is
        named here: in the office's report a minister's or a chairman's own requests are
        part of the report."""
        if not self.chair:
            return self._leader_in(start, end)
        return any(
            start <= s and e <= end and fold(self.text[s:e]) == self.chair for s, e in self.leaders
        )

    # -- cues -------------------------------------------------------------------------
    def _cue(self, clause: Clause, in_report: bool, context: bool) -> _Cue | None:
        body = clause.text
        candidates: list[_Cue] = []
        for match in _ADDRESSING.finditer(body):
            passive = bool(_PASSIVE.search(body[: match.start()]))
            candidates.append(
                _Cue(clause.start + match.start(), clause.start + match.end(), not passive, False)
            )
        for match in _LEADER_VERB.finditer(body):
            at = clause.start + match.start()
            if self._leader_in(_chunk_start(self.text, clause, at), at):
                candidates.append(_Cue(at, clause.start + match.end(), True, False))
        for match in _MODAL.finditer(body):
            candidates.append(
                _Cue(clause.start + match.start(), clause.start + match.end(), False, False)
            )
        for match in _WEAK.finditer(body):
            at = clause.start + match.start()
            chunk = _chunk_start(self.text, clause, at)
            subject = any(m.end <= at for m in self._mentions_in(chunk, at))
            if subject or (context and chunk == clause.start):
                candidates.append(_Cue(at, clause.start + match.end(), False, True))
        if in_report:  # the office's report: only the chairing leader's own words instruct
            candidates = [
                c
                for c in candidates
                if c.addressing
                and self._chair_in(_chunk_start(self.text, clause, c.start), c.start)
            ]
        return min(candidates, key=lambda c: c.start) if candidates else None

    # -- one task ---------------------------------------------------------------------
    def _start(self, clause: Clause, cue: _Cue) -> int:
        start = _chunk_start(self.text, clause, cue.start)
        subjects = self._mentions_in(start, cue.start)
        if subjects and not cue.addressing:
            return subjects[0].start
        opening = self._mentions_in(clause.start, cue.start)
        if not cue.addressing and opening and opening[0].start == clause.start:
            return clause.start  # "Ủy ban nhân dân các tỉnh, thành phố … khẩn trương …"
        return start

    def _lead(self, start: int, end: int, cue: _Cue | None) -> Mention | None:
        if cue is not None and cue.addressing:
            after = self._addressee(cue.end, end)
            if after:
                return self._resolve_mention(after)
        if cue is not None:
            before = self._mentions_in(start, cue.start)
            if before:
                return self._resolve_mention(before[-1])
        first = self._mentions_in(start, min(end, start + 60))
        if cue is None and first and _acts(self.text[first[0].end : end]):
            return self._resolve_mention(first[0])
        return None

    def _addressee(self, at: int, end: int) -> Mention | None:
        """The unit a cue addresses: the first one named after it that is not the
        recipient or the object of a preposition ("gửi Bộ Tài chính", "to the Office")."""
        for mention in self._mentions_in(at, min(end, at + 120)):
            before = fold(self.text[max(at, mention.start - 14) : mention.start])
            if _RECIPIENT.search(before):
                continue
            return mention
        return None

    def _coordinating(self, start: int, end: int, lead: Mention | None) -> tuple[str, ...]:
        codes = []
        for mention in self._mentions_in(start, end):
            before = fold(self.text[max(start, mention.start - 30) : mention.start])
            other = mention.code and (lead is None or mention.code != lead.code)
            if other and _WITH.search(before):
                codes.append(str(mention.code))
        return tuple(dict.fromkeys(codes))

    def _title(self, start: int, end: int, cue: _Cue | None, lead: Mention | None) -> str:
        begin = start if cue is None else (cue.start if cue.weak else cue.end)
        if lead is not None and cue is not None and cue.addressing:
            mention = next(iter(self._mentions_in(cue.end, min(end, cue.end + 120))), None)
            if mention is not None:
                begin = mention.end
        opening = self._mentions_in(begin, end)
        if cue is None and opening and opening[0].start == begin:
            begin = opening[0].end
        text = self.text[begin:end]
        text = re.sub(r"^\s*(?:và\s+(?:các\s+)?[^,]{0,40}?\s+)?(?:to\s+)?", "", text)
        text = re.sub(r"^(?:and\s+relevant\s+\w+\s+to\s+|to\s+)", "", text.strip(), flags=_I)
        text = _TITLE_LEAD.sub("", text.strip())
        cut = _TITLE_CUT.search(text)
        if cut and cut.start() > 15:
            text = text[: cut.start()]
        tokens = text.split()
        if len(tokens) > 16:
            text = " ".join(tokens[:16])
            text = text[: text.rfind(",")] if "," in text[30:] else text + "…"
        text = text.strip(" ,;:.")
        return text[:1].upper() + text[1:] if text else ""

    def _kind(self, action: str, has_deadline: bool) -> str:
        folded = " ".join(words(action))
        if has_deadline:
            return "task"
        if _EXHORTATION.search(folded):
            return "ongoing_duty"
        return "task" if _CONCRETE.search(folded) else "ongoing_duty"

    def task(
        self, start: int, end: int, cue: _Cue | None, inherited: Mention | None
    ) -> tuple[DraftTask, Mention | None]:
        lead = self._lead(start, end, cue)
        stated = lead is not None
        unit = lead or inherited or self.default
        quote = self.text[start:end]
        if self.on is not None:
            resolved = resolve(quote, self.on, self.calendar)
            deadline, recurrence, past = resolved.deadline, resolved.recurrence, resolved.past
            expression = resolved.expression
        else:
            deadline, recurrence, past, expression = None, None, False, ""
        action = self.text[cue.end if cue else start : end]
        periodic = recurrence in (Recurrence.MONTHLY, Recurrence.QUARTERLY, Recurrence.YEARLY)
        kind = self._kind(action, deadline is not None or periodic)
        continuing = kind == "ongoing_duty" or _CONTINUING.search(" ".join(words(action)))
        if recurrence is None and deadline is None and continuing:
            recurrence = Recurrence.ONGOING
        code = unit.code if unit else None
        name = unit.name if unit else ""
        task = DraftTask(
            start=start,
            end=end,
            quote=quote,
            title=self._title(start, end, cue, lead),
            unit_code=code,
            unit_name=name,
            unit_stated=stated,
            coordinating=self._coordinating(start, end, unit),
            deadline=deadline,
            deadline_expression=expression,
            recurrence=recurrence,
            past=past,
            kind=kind,
        )
        return task, unit

    # -- the report -------------------------------------------------------------------
    def run(self) -> list[tuple[DraftTask, bool]]:
        """The tasks, each with whether it came from a sentence the text later repeats."""
        out: list[tuple[DraftTask, bool]] = []
        in_report = False
        previous = False  # the sentence before was an instruction
        colon = False  # … and it ended announcing a list
        for sentence in split_sentences(self.text):
            if sentence.caption:
                continue
            if _CONCLUSION.search(sentence.text):
                in_report = False
            elif _REPORT_START.search(sentence.text):
                in_report = True
            self.announced = False
            found = self._sentence(sentence, in_report, previous, colon)
            out += [(t, False) for t in found]
            previous = bool(found) or self.announced or (previous and colon and sentence.listed)
            ends_list = self.text[sentence.end : sentence.end + 1] == ":"
            colon = ends_list or (colon and sentence.listed)
        return out

    def _sentence(
        self, sentence: Sentence, in_report: bool, previous: bool, colon: bool
    ) -> list[DraftTask]:
        context = previous and (bool(_CONNECTIVE.match(sentence.text)) or sentence.listed or colon)
        if in_report:
            context = False
        tasks: list[DraftTask] = []
        active = False
        unit: Mention | None = None
        for clause in split_clauses(sentence, self.text):
            cue = self._cue(clause, in_report, context or active)
            if cue is not None:
                after = self.text[cue.end : clause.end]
                if _LIST_INTRO.search(after) and len(words(after)) < 20:
                    active = True
                    self.announced = True
                    unit = self._lead(clause.start, clause.end, cue) or unit
                    continue
                if _PRAISE.search(self.text[clause.start : cue.start]) and not cue.addressing:
                    continue
                start = self._start(clause, cue)
                task, unit = self.task(start, clause.end, cue, unit)
                tasks.append(task)
                active = True
            elif (active or context or self._unit_led(clause, previous and not in_report)) and (
                _verb_initial(clause.text) or self._unit_led(clause, True)
            ):
                task, unit = self.task(clause.start, clause.end, None, unit)
                tasks.append(task)
                active = True
            elif tasks:
                last = tasks[-1]
                tasks[-1] = self._extend(last, clause.end, unit)
        return tasks

    def _unit_led(self, clause: Clause, allowed: bool) -> bool:
        """A clause that opens with a unit and goes on with a verb ("Văn phòng Chủ tịch
        nước phối hợp với …"): in the conclusions, right after an instruction, it is one."""
        if not allowed:
            return False
        first = self._mentions_in(clause.start, clause.end)
        if not first or first[0].start != clause.start:
            return False
        return _acts(self.text[first[0].end : clause.end])

    def _extend(self, task: DraftTask, end: int, unit: Mention | None) -> DraftTask:
        """The task with a clause that belongs to it ("…; trong đó …") added."""
        longer, _ = self.task(task.start, end, None, unit)
        return replace(
            task,
            end=end,
            quote=self.text[task.start : end],
            deadline=longer.deadline,
            deadline_expression=longer.deadline_expression,
            past=longer.past,
            recurrence=longer.recurrence if longer.deadline else task.recurrence,
        )


def _content(task: DraftTask) -> set[str]:
    stop = {"va", "cac", "nhung", "cua", "the", "and", "of", "to", "in", "trong", "cho", "voi"}
    return {w for w in words(task.title) if w not in stop and len(w) > 1}


def _deduplicate(tasks: list[DraftTask]) -> list[DraftTask]:
    """Drop a task whose words another task holds almost all of (a lede repeating the
    body); the longer, more detailed one stays."""
    keep = list(tasks)
    for task in tasks:
        mine = _content(task)
        if not mine or task not in keep:
            continue
        for other in keep:
            if other is task:
                continue
            theirs = _content(other)
            shared = len(mine & theirs)
            if shared / len(mine) >= 0.8 and len(theirs) >= len(mine) and len(mine) >= 4:
                keep.remove(task)
                break
    return keep


def extract(
    text: str,
    directory: UnitDirectory,
    calendar: WorkingCalendar,
    meeting_on: date | None = None,
) -> Extraction:
    """Propose the tasks of a report. `meeting_on` (the coordinator's date) wins over
    the date the text gives; without either, no deadline is resolved."""
    lang = language(text)
    found = meeting_date(text)
    on = meeting_on or found.day
    finder = _Finder(text, directory, calendar, on, lang)
    tasks = _deduplicate([t for t, _ in finder.run()])
    return Extraction(lang, found, on, issuer(text), finder.default, tasks)
