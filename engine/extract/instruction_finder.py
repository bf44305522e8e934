"""The walk over a report that finds the leader's instructions: sentence by sentence and
clause by clause, each instruction becomes a `DraftTask` with its unit, coordinating
units, title, deadline, recurrence and kind. How a report is read is told in
`engine.extract.tasks`, which runs the walk; the cue words and clause tests are in
`engine.extract.instruction_cues`, the timing words in `engine.extract.deadline_phrases`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from engine.domain.calendar import WorkingCalendar
from engine.domain.model import Recurrence
from engine.domain.vntext import fold, words
from engine.extract.deadline_phrases import resolve
from engine.extract.instruction_cues import (
    ADDRESSING,
    CONCLUSION,
    CONCRETE,
    CONNECTIVE,
    CONTINUING,
    EXHORTATION,
    LEADER_VERB,
    LIST_INTRO,
    LOCAL,
    LOCAL_WORD,
    MODAL,
    PASSIVE,
    PRAISE,
    RECIPIENT,
    REPORT_START,
    TITLE_CUT,
    TITLE_LEAD,
    WEAK,
    WITH,
    Cue,
    acts,
    chunk_start,
    verb_initial,
)
from engine.extract.meeting import LEADER, default_addressee, issuer
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


class InstructionFinder:
    """The instructions of one report: `run` walks it and returns them."""

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
        if self.default is not None and LOCAL.search(fold(self.default.text)):
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
        for match in LOCAL_WORD.finditer(self.text):
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
    def _cue(self, clause: Clause, in_report: bool, context: bool) -> Cue | None:
        body = clause.text
        candidates: list[Cue] = []
        for match in ADDRESSING.finditer(body):
            passive = bool(PASSIVE.search(body[: match.start()]))
            candidates.append(
                Cue(clause.start + match.start(), clause.start + match.end(), not passive, False)
            )
        for match in LEADER_VERB.finditer(body):
            at = clause.start + match.start()
            if self._leader_in(chunk_start(self.text, clause, at), at):
                candidates.append(Cue(at, clause.start + match.end(), True, False))
        for match in MODAL.finditer(body):
            candidates.append(
                Cue(clause.start + match.start(), clause.start + match.end(), False, False)
            )
        for match in WEAK.finditer(body):
            at = clause.start + match.start()
            chunk = chunk_start(self.text, clause, at)
            subject = any(m.end <= at for m in self._mentions_in(chunk, at))
            if subject or (context and chunk == clause.start):
                candidates.append(Cue(at, clause.start + match.end(), False, True))
        if in_report:  # the office's report: only the chairing leader's own words instruct
            candidates = [
                c
                for c in candidates
                if c.addressing and self._chair_in(chunk_start(self.text, clause, c.start), c.start)
            ]
        return min(candidates, key=lambda c: c.start) if candidates else None

    # -- one task ---------------------------------------------------------------------
    def _start(self, clause: Clause, cue: Cue) -> int:
        start = chunk_start(self.text, clause, cue.start)
        subjects = self._mentions_in(start, cue.start)
        if subjects and not cue.addressing:
            return subjects[0].start
        opening = self._mentions_in(clause.start, cue.start)
        if not cue.addressing and opening and opening[0].start == clause.start:
            return clause.start  # "Ủy ban nhân dân các tỉnh, thành phố … khẩn trương …"
        return start

    def _lead(self, start: int, end: int, cue: Cue | None) -> Mention | None:
        if cue is not None and cue.addressing:
            after = self._addressee(cue.end, end)
            if after:
                return self._resolve_mention(after)
        if cue is not None:
            before = self._mentions_in(start, cue.start)
            if before:
                return self._resolve_mention(before[-1])
        first = self._mentions_in(start, min(end, start + 60))
        if cue is None and first and acts(self.text[first[0].end : end]):
            return self._resolve_mention(first[0])
        return None

    def _addressee(self, at: int, end: int) -> Mention | None:
        """The unit a cue addresses: the first one named after it that is not the
        recipient or the object of a preposition ("gửi Bộ Tài chính", "to the Office")."""
        for mention in self._mentions_in(at, min(end, at + 120)):
            before = fold(self.text[max(at, mention.start - 14) : mention.start])
            if RECIPIENT.search(before):
                continue
            return mention
        return None

    def _coordinating(self, start: int, end: int, lead: Mention | None) -> tuple[str, ...]:
        codes = []
        for mention in self._mentions_in(start, end):
            before = fold(self.text[max(start, mention.start - 30) : mention.start])
            other = mention.code and (lead is None or mention.code != lead.code)
            if other and WITH.search(before):
                codes.append(str(mention.code))
        return tuple(dict.fromkeys(codes))

    def _title(self, start: int, end: int, cue: Cue | None, lead: Mention | None) -> str:
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
        text = re.sub(
            r"^(?:and\s+relevant\s+\w+\s+to\s+|to\s+)", "", text.strip(), flags=re.IGNORECASE
        )
        text = TITLE_LEAD.sub("", text.strip())
        cut = TITLE_CUT.search(text)
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
        if EXHORTATION.search(folded):
            return "ongoing_duty"
        return "task" if CONCRETE.search(folded) else "ongoing_duty"

    def task(
        self, start: int, end: int, cue: Cue | None, inherited: Mention | None
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
        continuing = kind == "ongoing_duty" or CONTINUING.search(" ".join(words(action)))
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
            if CONCLUSION.search(sentence.text):
                in_report = False
            elif REPORT_START.search(sentence.text):
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
        context = previous and (bool(CONNECTIVE.match(sentence.text)) or sentence.listed or colon)
        if in_report:
            context = False
        tasks: list[DraftTask] = []
        active = False
        unit: Mention | None = None
        for clause in split_clauses(sentence, self.text):
            cue = self._cue(clause, in_report, context or active)
            if cue is not None:
                after = self.text[cue.end : clause.end]
                if LIST_INTRO.search(after) and len(words(after)) < 20:
                    active = True
                    self.announced = True
                    unit = self._lead(clause.start, clause.end, cue) or unit
                    continue
                if PRAISE.search(self.text[clause.start : cue.start]) and not cue.addressing:
                    continue
                start = self._start(clause, cue)
                task, unit = self.task(start, clause.end, cue, unit)
                tasks.append(task)
                active = True
            elif (active or context or self._unit_led(clause, previous and not in_report)) and (
                verb_initial(clause.text) or self._unit_led(clause, True)
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
        return acts(self.text[first[0].end : clause.end])

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
