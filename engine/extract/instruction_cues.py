"""The words that mark a leader's instruction in a report, and the tests a clause is put
to: the cues (yêu cầu, cần, tập trung; requested, must, will …), the openings of the
office's report and of the leader's conclusions, the verbs a task starts with, the words
of concrete work and of work-style exhortations, and the patterns that trim a task's
title. `engine.extract.instruction_finder` walks a report with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.domain.vntext import UPPER
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
    r"|đòi\s+hỏi|kêu\s+gọi|lưu\s+ý(?=\s+(?:các\s+|mọi\s+)?" + UPPER + r")"
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
    r"|must|should|needs?\s+to|has\s+to|have\s+to"
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
CONCRETE = re.compile(
    r"\b(?:chuong trinh|ke hoach|de an|du thao|ho so|phien hop|hoi nghi|dai hoi|su kien|hoat dong|"
    r"quyet dinh|nghi dinh|nghi quyet|thong tu|du an|luat|phap lenh|van ban|to trinh|tong ket|so ket|"
    r"dieu kien lam viec|co so vat chat|to chuc bo may|le ky niem|chuyen tham|tham hoi|danh muc|"
    r"quy che|bao cao ket qua|bao cao tong ket|dan so|bau cu|cong bo|"
    r"plan|programme|program|report|dossier|decision|decree|draft|events?|meetings?|sessions?|"
    r"conference|announcement|ceremony|visits?|activities|amnesty|election|congress)\b"
)
#: the head of a work-style exhortation
EXHORTATION = re.compile(
    r"^(?:(?:can|phai|tiep tuc|se|hon nua)\s+)*(?:no luc|co gang|phat huy|ren luyen|giu vung|"
    r"doi moi tu duy|nang cao (?:hon nua )?(?:chat luong|trinh do|nang luc|hieu qua|tinh than|y thuc)|"
    r"day manh ung dung|tang cuong (?:ky luat|trach nhiem|phoi hop)|chu dong|tap trung cao do cho viec trien khai nhiem vu|"
    r"maximi[sz]e|promote|uphold|innovate|improve|enhance|strengthen|heighten|foster|"
    r"continue to (?:innovate|promote|improve|enhance|strengthen|uphold|maximi[sz]e))"
)
CONTINUING = re.compile(
    r"\b(?:tiep tuc (?:nam|theo doi|cap nhat|duy tri)|nam (?:chac )?tinh hinh|theo doi|thuong xuyen|"
    r"continue to (?:monitor|follow|track|grasp)|monitor)\b"
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


def verb_initial(text: str) -> bool:
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


def acts(after: str) -> bool:
    """Whether the words after a unit say what it is to do: a verb first, or a cue soon
    after a relative clause ("Ủy ban nhân dân các tỉnh có dự án đi qua khẩn trương …")."""
    return verb_initial(after) or bool(WEAK.search(after[:80]) or MODAL.search(after[:80]))


def chunk_start(source: str, clause: Clause, at: int) -> int:
    """Where the comma-separated part of the clause holding position `at` begins."""
    comma = source.rfind(",", clause.start, at)
    start = clause.start if comma < 0 else comma + 1
    while start < at and source[start].isspace():
        start += 1
    return start
