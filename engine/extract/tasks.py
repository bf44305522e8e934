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
   words (see `engine.extract.deadline_phrases`).
6. Work-style exhortations (nâng cao chất lượng, phát huy tinh thần, đổi mới tư duy …)
   without a concrete product are ongoing duties.
7. A lede that repeats an instruction of the body is one task, not two.
8. In a numbered notice, after "kết luận như sau:" / "concluded as follows:" (or a cue
   with nothing after it: "yêu cầu:"), each item a unit leads is an instruction even
   without a cue word; in the conclusions, so is a sentence a unit leads with a verb.
9. Not instructions: what was done or is under way, told as a fact (đã, vừa, đang;
   has, was, completed …: another body's decision, a reorganisation carried out), a
   clause opening on a past period ("Thời gian qua, …đã"), a forecast or the situation
   ("sẽ là", "will be heavy", "đòi hỏi sự …"), praise, and a notice's closing words
   ("thông báo để các đơn vị biết, thực hiện").
10. A periodic report joined to a dated task ("… by June and report every month") is a
   task of its own. Each task says which cue decided its kind and its recurrence.

The cue words and clause tests are in `engine.extract.instruction_cues`; the walk over
sentences and clauses (points 2 to 6, 8 to 10) is `engine.extract.instruction_finder`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.domain.calendar import WorkingCalendar
from engine.domain.vntext import words
from engine.extract.draft_task import DraftTask
from engine.extract.instruction_finder import InstructionFinder
from engine.extract.meeting import MeetingDate, issuer, language, meeting_date
from engine.extract.units import Mention, UnitDirectory

__all__ = ["DraftTask", "Extraction", "extract"]


@dataclass(frozen=True)
class Extraction:
    language: str
    meeting: MeetingDate
    on: date | None  # the date deadlines were resolved against
    issuer: str
    default_unit: Mention | None
    tasks: list[DraftTask]


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
    finder = InstructionFinder(text, directory, calendar, on, lang)
    tasks = _deduplicate([t for t, _ in finder.run()])
    return Extraction(lang, found, on, issuer(text), finder.default, tasks)
