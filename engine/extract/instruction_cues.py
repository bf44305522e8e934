"""The words that mark a leader's instruction in a report, and the tests a clause is put
to: the cues (yêu cầu, cần, tập trung; requested, must, will …), the openings of the
office's report and of the leader's conclusions, the verbs a task starts with, the words
of concrete work and of work-style exhortations (`kind_of`: a task or an ongoing duty,
and which cue decided), and the patterns that trim a task's title.
`engine.extract.instruction_finder` walks a report with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.domain.vntext import UPPER, fold, words
from engine.extract.sentences import Clause

PASSIVE = re.compile(r"(?:\b(?:was|were|is|are|be|been|being)|được|đã\s+được)\s+$", re.IGNORECASE)
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
class Cue:
    start: int  # offsets in the source
    end: int
    addressing: bool  # the addressee follows the cue (yêu cầu X …, requested X to …)
    weak: bool


# -- cues ------------------------------------------------------------------------------

_I = re.IGNORECASE
ADDRESSING = re.compile(
    r"(?<![\wÀ-ỹ])(?:(?<!đáp ứng )(?<!so với )(?<!theo )(?<!với )(?<!các )(?<!những )(?<!nhiều )"
    r"(?<!của )(?<!như )(?<!mọi )(?<!là )(?<!và )(?<!trước )(?<!lại )(?<!đúng )yêu\s+cầu"
    r"(?!\s+(?:cao|nhiệm\s+vụ|ngày|đặt\s+ra|của|thực\s+tiễn|chung|công\s+việc|này|đó|đề\s+ra|trên|về|mới|rất|càng|tại|trong|ở|đã|nêu|được)\b)"
    r"|(?<!các )(?<!những )(?<!theo )(?<!của )(?<!hồ sơ )(?<!văn bản )(?<!tờ trình )(?<!kiến nghị, )đề\s+nghị"
    r"(?!\s+(?:của|này|đó|tại|trong|đã|được)\b)"
    r"|đòi\s+hỏi(?!\s+(?:sự|phải\s+có|tính|nhiều|cao|rất|ngày\s+càng|thời\s+gian|nguồn)\b)|kêu\s+gọi|lưu\s+ý(?=\s+(?:các\s+|mọi\s+)?"
    + UPPER
    + r")"
    r"|request(?:ed|s)|ask(?:ed|s)|direct(?:ed|s)|instruct(?:ed|s)|urg(?:ed|es)|call(?:ed|s)?\s+(?:on|upon)"
    r"|task(?:ed|s)(?=\s+(?:the\b|(?-i:[A-Z])))|requir(?:ed|es|ing)(?=\s+(?:the|all|each|every|relevant)\b|\s+(?-i:[A-Z]))"
    r"|assign(?:ed|s)?(?=\s+(?:the\b|(?-i:[A-Z]))))(?!\w)",
    _I,
)
LEADER_VERB = re.compile(
    r"(?<![\wÀ-ỹ])(?:(?<!phát biểu )chỉ\s+đạo(?!\s+(?:của|tại|trong)\b)|giao(?:\s+cho)?(?=\s+(?:"
    + UPPER
    + r"|các|nhiệm\s+vụ)))(?!\w)"
)
MODAL = re.compile(
    r"(?<![\wÀ-ỹ])(?:cần(?!\s+thiết)(?:\s+thiết\s+phải)?|(?<!không )phải(?!\s+(?:là|chăng|không)\b)"
    r"|must|should|shall|needs?\s+to|has\s+to|have\s+to|(?:is|are)\s+to(?=\s+[a-z]+\b)"
    r"|it\s+is\s+(?:necessary|essential|important|imperative|required|needed)\s+(?:to|that|for))(?![\wÀ-ỹ])",
    _I,
)
WEAK = re.compile(
    r"(?<![\wÀ-ỹ])(?<!đã )(?:tập\s+trung|tiếp\s+tục|khẩn\s+trương|chủ\s+động|sẽ|will|continue\s+to|focus\s+on)(?![\wÀ-ỹ])",
    _I,
)
REPORT_START = re.compile(
    r"báo\s+cáo[^.;]{0,120}?\bcho\s+biết|theo\s+báo\s+cáo|\breport\b[^.;]{0,120}?\b(?:said|showed|stated|noted)\b|according\s+to\s+the\s+report",
    _I,
)
CONCLUSION = re.compile(
    r"sau\s+khi\s+nghe|kết\s+luận|phát\s+biểu\s+chỉ\s+đạo|after\s+listening|conclud|in\s+conclusion|closing\s+remarks|regarding\s+the\s+direction",
    _I,
)
CONNECTIVE = re.compile(
    r"^\s*(?:đồng\s+thời|bên\s+cạnh\s+đó|cùng\s+với\s+đó|ngoài\s+ra|mặt\s+khác|trên\s+tinh\s+thần\s+đó|vì\s+vậy|do\s+đó|"
    r"in\s+addition|additionally|also|at\s+the\s+same\s+time|besides|in\s+particular|furthermore|moreover)\b",
    _I,
)
PRAISE = re.compile(
    r"biểu\s+dương|đánh\s+giá\s+cao|ghi\s+nhận|khen|appreciated|praised|commended|acknowledged", _I
)
LIST_INTRO = re.compile(
    r"(?:một\s+số|các|những|mấy)\s+(?:nhiệm\s+vụ|nội\s+dung|việc|công\s+việc|vấn\s+đề)(?:\s+(?:trọng\s+tâm|chủ\s+yếu|cụ\s+thể|quan\s+trọng))?\s+(?:sau|sau\s+đây|như\s+sau)\b"
    r"|(?:a\s+number\s+of|the\s+following|some|several)\s+(?:key\s+|important\s+|main\s+)?(?:tasks|issues|contents|matters|things)\b",
    _I,
)

#: what was done or is under way, told as a fact (đã, vừa, đang; has, was, completed):
#: a report of results or of what another body did, not an instruction
DONE = re.compile(
    r"^\s*(?:(?:cũng|còn|vẫn|đều|mới|also|already|recently|successfully|just)\s+)*"
    r"(?:đã|vừa|đang|từng|has|have|had|was|were|is\s+being|are\s+being|(?![a-z]*eed\b)[a-z]{2,}ed)\b",
    _I,
)
#: a clause opening on a past period and telling what was done in it ("Thời gian qua, các
#: bộ đã …", "Last year, the province completed …")
PAST_OPENING = re.compile(
    r"^(?:thời\s+gian\s+(?:qua|vừa\s+qua)|(?:trong\s+)?năm\s+(?:qua|20\d\d)|vừa\s+qua|"
    r"(?:trong\s+)?(?:tháng|quý)\s+(?:qua|trước)|in\s+(?:the\s+)?past|last\s+(?:year|month|quarter)|"
    r"over\s+the\s+past|in\s+20\d\d)\b[^;]*?(?<![\wÀ-ỹ])(?:đã|vừa|has|have|had|was|were)(?![\wÀ-ỹ])",
    _I,
)
#: a forecast or a description of the situation ("sẽ là", "will be heavy"), not a task
FORECAST = re.compile(
    r"^(?:sẽ\s+(?:là|có|kết\s+thúc|diễn\s+ra|tăng|giảm|còn)|will\s+be\s+(?![a-z]+ed\b)|will\s+(?:rise|fall|increase|decrease|reach|face|continue\s+to\s+be))\b",
    _I,
)
#: the closing words of a notice ("thông báo để các đơn vị biết, thực hiện"; "hereby informs")
CLOSING = re.compile(
    r"thông\s+báo\s+(?:để|cho|tới|đến)\s+[^.;]{0,80}?(?:biết|thực\s+hiện)|xin\s+thông\s+báo"
    r"|hereby\s+(?:informs|notifies)|(?:informs|notifies)\s+[^.;]{0,60}?for\s+(?:their\s+)?(?:information|implementation)",
    _I,
)
#: where a periodic report joins a task ("… and report progress every month", "…, báo cáo
#: hằng tháng"): see `InstructionFinder._periodic_tail`
PERIODIC_TAIL = re.compile(
    r"(?:,\s*|\s+and\s+|\s+và\s+)(?=(?:report|inform|update|báo\s+cáo|cập\s+nhật)\b)", _I
)
#: the leader's conclusions announcing the list that follows ("kết luận như sau:",
#: "concluded as follows:")
CONCLUSIONS_LIST = re.compile(
    r"(?:kết\s+luận|chỉ\s+đạo|yêu\s+cầu|giao)(?:\s+(?:như\s+sau|cụ\s+thể|một\s+số\s+nội\s+dung))?\s*$"
    r"|(?:conclud\w*|direct\w*|request\w*|as\s+follows)\s*$",
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
    """chỉ đạo|chủ trì|bố trí|hướng dẫn|kiên quyết|tháo gỡ|có trách nhiệm|khẩn trương|theo dõi|
    trình bày|cho phép|tổ chức|nghiêm túc|tập trung|sớm hoàn thành|ban hành|kịp thời""".replace(
        "\n", ""
    ).split("|")
)
_VI_NOT_START_WORDS = """các những một mọi này đó trong với theo nhất đặc bởi vì do nhằm để là có công việc khi nếu
    qua từ tại về đối ở cả toàn tất hai ba chỉ như đây sau trước thì mà nên nhưng còn đã vừa đang
    từng"""
_VI_NOT_START = frozenset(_VI_NOT_START_WORDS.split())
_EN_NOT_START_WORDS = """it the this that these those a an which there they we he she in on at for with by of to as
    from its their our all both each every especially particularly including such not is are was
    were be been has have had"""
_EN_NOT_START = frozenset(_EN_NOT_START_WORDS.split())
_LEADING = re.compile(
    r"^(?:(?:đồng\s+thời|và|cũng|đặc\s+biệt|nhất\s+là|and|also|then|further|"
    r"(?:theo|trong\s+phạm\s+vi)\s+(?:đúng\s+)?chức\s+năng,?\s+nhiệm\s+vụ(?:\s+(?:được\s+giao|của\s+mình))?|"
    r"within\s+(?:their|its)\s+(?:competence|remit|functions)|"
    r"[a-z]+ly)(?:\s+|,\s*))+",
    _I,
)

#: the object of the task is a product, an event or a concrete piece of work
CONCRETE = re.compile(
    r"\b(?:chuong trinh|ke hoach|de an|du thao|ho so|phien hop|hoi nghi|dai hoi|su kien|hoat dong|"
    r"quyet dinh|nghi dinh|nghi quyet|thong tu|du an|luat|phap lenh|van ban|to trinh|tong ket|so ket|"
    r"dieu kien lam viec|co so vat chat|to chuc bo may|le ky niem|chuyen tham|tham hoi|danh muc|"
    r"quy che|bao cao ket qua|bao cao tong ket|dan so|bau cu|cong bo|"
    r"vuong mac|ton dong|no dong|kinh phi|nguon von|mat bang|nhan luc|"
    r"obstacles|bottlenecks|funding|logistics|budget|sites?|"
    r"plan|programme|program|report|dossier|decision|decree|draft|events?|meetings?|sessions?|"
    r"conference|announcement|ceremony|visits?|activities|amnesty|election|congress)\b"
)
#: the head of a work-style exhortation
EXHORTATION = re.compile(
    r"^(?:(?:can|phai|tiep tuc|se|hon nua|to|must|should|shall|will|needs? to|also)\s+)*(?:no luc|co gang|phat huy|ren luyen|giu vung|"
    r"doi moi tu duy|nang cao (?:hon nua )?(?:chat luong|trinh do|nang luc|hieu qua|tinh than|y thuc)|"
    r"day manh ung dung|tang cuong (?:ky luat|trach nhiem|phoi hop)|chu dong|tap trung cao do cho viec trien khai nhiem vu|"
    r"maximi[sz]e|promote|uphold|innovate|improve|enhance|strengthen|heighten|foster|"
    r"continue to (?:innovate|promote|improve|enhance|strengthen|uphold|maximi[sz]e))"
)
CONTINUING = re.compile(
    r"\b(?:tiep tuc (?:nam|theo doi|cap nhat|duy tri)|nam (?:chac )?tinh hinh|theo doi|thuong xuyen|"
    r"giam sat|continue to (?:monitor|follow|track|grasp)|monitor)\b"
)
LOCAL = re.compile(r"\b(?:tinh|thanh pho|province|provincial|city|municipal)\b")
LOCAL_WORD = re.compile(
    r"(?<![\wÀ-ỹ])(?<!các )(?<!những )(?<!mỗi )(?<!other )(?<!all )(?<!each )"
    r"(?:[Tt]ỉnh|the\s+province|the\s+city)(?![\wÀ-ỹ])(?!\s+(?:ủy|uỷ|lộ)\b)(?!\s+" + UPPER + r")"
)
RECIPIENT = re.compile(
    r"\b(?:gui|trinh|bao cao|den|toi|cho|ve|cua|tai|voi|to|for|with|of|from|at|on|about|by)\s+(?:the\s+|cac\s+)?$"
)
WITH = re.compile(r"(?:phoi hop(?: voi| cung)?|cung voi|voi|with|and)\s+(?:the\s+|cac\s+)?$")
TITLE_CUT = re.compile(
    r"\s+(?:để|nhằm|trong đó|nhất là|đặc biệt là|in order to|so as to|especially|particularly)\s+"
    r"|,\s*(?:bảo đảm|đảm bảo|đáp ứng|ensuring|demonstrating|meeting|in line with)\b|;",
    _I,
)
TITLE_LEAD = re.compile(
    r"^(?:(?:[^\s,;]+\s+){0,6}?(?:cần|phải)\s+|(?:sẽ|cũng|đồng\s+thời|will|must|should|to|also|needs?\s+to|"
    r"it\s+is\s+(?:necessary|essential|important)\s+to|tập\s+trung(?:\s+cao(?:\s+độ)?)?(?:\s+(?:cho|vào))?(?:\s+việc)?"
    r"|focus\s+on)\s+)+",
    _I,
)


def _lower(text: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def verb_initial(text: str, strict: bool = False) -> bool:
    """Whether a clause starts with what it asks to be done (a verb), after connectives
    and adverbs; a clause starting with a noun or a preposition does not. `strict`: only
    a verb of the lists counts, not any clause of four words or more."""
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
    if low[0] in _VI_VERBS or " ".join(low[:2]) in _VI_VERBS or low[0] in _EN_VERBS:
        return True
    return not strict and len(tokens) >= 4


def acts(after: str, strict: bool = False) -> bool:
    """Whether the words after a unit say what it is to do: a verb first, or a cue soon
    after a relative clause ("Ủy ban nhân dân các tỉnh có dự án đi qua khẩn trương …").
    Not when they tell what it did or is doing ("đã trình", "has allocated")."""
    if DONE.match(_LEADING.sub("", after.strip())):
        return False
    cue = WEAK.search(after[:80]) or MODAL.search(after[:80])
    return verb_initial(after, strict) or bool(cue)


def chunk_start(source: str, clause: Clause, at: int) -> int:
    """Where the comma-separated part of the clause holding position `at` begins."""
    comma = source.rfind(",", clause.start, at)
    start = clause.start if comma < 0 else comma + 1
    while start < at and source[start].isspace():
        start += 1
    return start


def _said(text: str, folded: str) -> str:
    """The words of `text` that a match on its folded words stands for (folding keeps
    each character in place), else the folded words themselves."""
    match = re.search(r"\s+".join(map(re.escape, folded.split())), fold(text))
    return " ".join(text[match.start() : match.end()].split()) if match else folded


def kind_of(action: str, deadline: str, periodic: str) -> tuple[str, str]:
    """The kind of a task and the cue that decided it, for the coordinator: a stated
    deadline or a periodic report makes a task; a work-style exhortation an ongoing
    duty; a concrete product or a situation to follow a task; nothing of these an
    ongoing duty."""
    folded = " ".join(words(action))
    if deadline:
        return "task", f"có thời hạn “{deadline}” / a deadline is stated"
    if periodic:
        return "task", f"báo cáo định kỳ “{periodic}” / a periodic task"
    exhortation = EXHORTATION.search(folded)
    if exhortation:
        said = _said(action, exhortation[0])
        return "ongoing_duty", (
            f"lời đôn đốc về cách làm việc (“{said}”), không nêu sản phẩm / "
            "a work-style exhortation without a product"
        )
    concrete = CONCRETE.search(folded)
    if concrete:
        return (
            "task",
            f"việc có sản phẩm cụ thể (“{_said(action, concrete[0])}”) / a concrete piece of work",
        )
    following = CONTINUING.search(folded)
    if following:
        return "task", (
            f"việc theo dõi liên tục (“{_said(action, following[0])}”) / "
            "following a situation, which goes on"
        )
    return "ongoing_duty", (
        "không có thời hạn, không nêu sản phẩm cụ thể / no deadline and no concrete product"
    )
