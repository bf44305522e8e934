"""The walk over a report that finds the leader's instructions: sentence by sentence and
clause by clause, each instruction becomes a `DraftTask` with its unit, coordinating
units, title, deadline, recurrence and kind. How a report is read is told in
`engine.extract.tasks`, which runs the walk; the cue words and clause tests are in
`engine.extract.instruction_cues`, the timing words in `engine.extract.deadline_phrases`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from engine.domain.calendar import WorkingCalendar
from engine.domain.model import Recurrence
from engine.domain.vntext import fold, words
from engine.extract.deadline_phrases import recurrence_in, resolve
from engine.extract.draft_task import DraftTask
from engine.extract.instruction_cues import (
    ADDRESSING,
    CLOSING,
    CONCLUSION,
    CONCLUSIONS_LIST,
    CONNECTIVE,
    CONTINUING,
    DONE,
    FORECAST,
    LEADER_VERB,
    LIST_INTRO,
    LOCAL,
    LOCAL_WORD,
    MODAL,
    PASSIVE,
    PAST_OPENING,
    PERIODIC_TAIL,
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
    kind_of,
    verb_initial,
)
from engine.extract.meeting import LEADER, default_addressee, issuer
from engine.extract.sentences import Clause, Sentence, split_clauses, split_sentences
from engine.extract.units import Mention, UnitDirectory

_PERIODIC = (Recurrence.MONTHLY, Recurrence.QUARTERLY, Recurrence.YEARLY)


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
        self.concluding = False  # the leader's conclusions have begun
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
            # "Phó Thủ tướng giao Bộ …", or in a notice's items "Giao Sở Xây dựng …": the
            # leader assigns, named or not
            opening = not self.text[clause.start : at].strip() and not in_report
            if opening or self._leader_in(chunk_start(self.text, clause, at), at):
                candidates.append(Cue(at, clause.start + match.end(), True, False))
        for match in MODAL.finditer(body):
            candidates.append(
                Cue(clause.start + match.start(), clause.start + match.end(), False, False)
            )
        for match in WEAK.finditer(body):
            at = clause.start + match.start()
            if FORECAST.match(body[match.start() :]):
                continue  # "sẽ là thời điểm …", "will be heavy": the situation, not a task
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
        # "phối hợp với Bộ Ngoại giao chuẩn bị …": a unit one works with is not the lead
        partner = first and WITH.search(
            fold(self.text[max(start, first[0].start - 30) : first[0].start])
        )
        if (
            cue is None
            and first
            and not partner
            and acts(self.text[self._subject_end(first) : end])
        ):
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
        begin = cue.end if cue else start
        # what is to be done, after its addressee ("yêu cầu Bộ Tư pháp | hoàn thiện …")
        ahead = self._mentions_in(begin, min(end, begin + 160))
        if ahead and not self.text[begin : ahead[0].start].strip(" ,"):
            begin = ahead[0].end
        action = self.text[begin:end]
        _, every, _ = recurrence_in(quote)
        periodic = every if recurrence in _PERIODIC else ""
        dated = (expression or f"{deadline:%d/%m/%Y}") if deadline is not None else ""
        kind, kind_reason = kind_of(action, dated, periodic)
        if recurrence in _PERIODIC:
            recurrence_reason = f"“{every}”"
        elif recurrence is Recurrence.ONGOING:
            recurrence_reason = f"“{every}” (nhiệm vụ thường xuyên / an ongoing duty)"
        else:
            recurrence_reason = ""
        following = CONTINUING.search(" ".join(words(action)))
        if recurrence is None and deadline is None and (kind == "ongoing_duty" or following):
            recurrence = Recurrence.ONGOING
            recurrence_reason = (
                "không thời hạn, là nhiệm vụ thường xuyên / no deadline: an ongoing duty"
                if kind == "ongoing_duty"
                else "theo dõi liên tục, không thời hạn / following a situation, no deadline"
            )
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
            kind_reason=kind_reason,
            recurrence_reason=recurrence_reason,
        )
        return task, unit

    # -- the report -------------------------------------------------------------------
    def run(self) -> list[tuple[DraftTask, bool]]:
        """The tasks, each with whether it came from a sentence the text later repeats."""
        out: list[tuple[DraftTask, bool]] = []
        in_report = False
        previous = False  # the sentence before was an instruction
        colon = False  # … and it ended announcing a list
        self.concluding = False  # the leader's conclusions have begun
        for sentence in split_sentences(self.text):
            if sentence.caption:
                continue
            if CONCLUSION.search(sentence.text):
                in_report = False
                self.concluding = True
            elif REPORT_START.search(sentence.text):
                in_report = True
                self.concluding = False
            self.announced = False
            found = self._sentence(sentence, in_report, previous, colon)
            out += [(t, False) for t in found]
            ends_list = self.text[sentence.end : sentence.end + 1] == ":"
            # "Bộ trưởng kết luận như sau:", "the Chairman concluded as follows:": the items
            # below are the leader's own words, as after an instruction
            opens = ends_list and not in_report and bool(CONCLUSIONS_LIST.search(sentence.text))
            previous = (
                bool(found) or self.announced or opens or (previous and colon and sentence.listed)
            )
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
        if CLOSING.search(sentence.text):
            return tasks  # a notice's closing words: "thông báo để các đơn vị biết, thực hiện"
        # in the conclusions, an item of a list that a unit leads is the leader's instruction
        listed = self.concluding and sentence.listed and not in_report
        # … and so is, in the conclusions, a sentence that a unit leads with a verb of
        # the lists ("Sở Xây dựng báo cáo hằng tuần …"), not with any word
        spoken = self.concluding and not in_report
        for clause in split_clauses(sentence, self.text):
            cue = self._cue(clause, in_report, context or active)
            if cue is not None:
                after = self.text[cue.end : clause.end]
                # "… yêu cầu:" with nothing after the cue, or "một số nhiệm vụ sau:":
                # the tasks are the items that follow
                if not words(after) or (LIST_INTRO.search(after) and len(words(after)) < 20):
                    active = True
                    self.announced = True
                    unit = self._lead(clause.start, clause.end, cue) or unit
                    continue
                if PRAISE.search(self.text[clause.start : cue.start]) and not cue.addressing:
                    continue
                start = self._start(clause, cue)
                cut = self._periodic_tail(start, clause.end)
                task, unit = self.task(start, cut[0] if cut else clause.end, cue, unit)
                tasks.append(task)
                if cut:
                    report, unit = self.task(cut[1], clause.end, None, unit)
                    tasks.append(report)
                active = True
            elif (
                (
                    active
                    or context
                    or self._unit_led(clause, (previous or listed) and not in_report)
                    or self._unit_led(clause, spoken, strict=True)
                )
                and (verb_initial(clause.text) or self._unit_led(clause, True))
                and not self._told_as_done(clause)
                and not PAST_OPENING.match(clause.text)
            ):
                task, unit = self.task(clause.start, clause.end, None, unit)
                tasks.append(task)
                active = True
            elif tasks:
                last = tasks[-1]
                tasks[-1] = self._extend(last, clause.end, unit)
        return tasks

    def _periodic_tail(self, start: int, end: int) -> tuple[int, int] | None:
        """Where a dated task's periodic report begins ("… before the end of the second
        quarter and report progress every month"): a task has a deadline or a
        recurrence, not both, so the report is a task of its own."""
        if self.on is None:
            return None
        body = self.text[start:end]
        for match in PERIODIC_TAIL.finditer(body):
            head, tail = body[: match.start()], body[match.end() :]
            periodic = recurrence_in(tail)[0] in _PERIODIC
            if periodic and resolve(head, self.on, self.calendar).deadline is not None:
                return start + match.start(), start + match.end()
        return None

    def _unit_led(self, clause: Clause, allowed: bool, strict: bool = False) -> bool:
        """A clause that opens with a unit and goes on with a verb ("Văn phòng Chủ tịch
        nước phối hợp với …"): in the conclusions, right after an instruction, it is one."""
        if not allowed:
            return False
        first = self._mentions_in(clause.start, clause.end)
        lead_in = self.text[clause.start : first[0].start].strip().lower() if first else "-"
        if lead_in not in ("", "the"):
            return False
        return acts(self.text[self._subject_end(first) : clause.end], strict)

    def _told_as_done(self, clause: Clause) -> bool:
        """Whether the clause tells what was done or is under way, after its subject if
        it opens with one ("tỉnh đã tổ chức thành công …", "đã hoàn thành …")."""
        if DONE.match(clause.text):
            return True
        first = self._mentions_in(clause.start, clause.end)
        if not first or self.text[clause.start : first[0].start].strip().lower() not in ("", "the"):
            return False
        return bool(DONE.match(self.text[self._subject_end(first) : clause.end]))

    def _subject_end(self, mentions: list[Mention]) -> int:
        """Where a subject of several bodies ends: "Văn phòng HĐND và UBND huyện rà soát
        …", "Bộ Tư pháp, Bộ Công an phối hợp …" (the first of them leads)."""
        end = mentions[0].end
        for other in mentions[1:]:
            if not re.fullmatch(r"\s*(?:,|và|and)\s*(?:the\s+)?", self.text[end : other.start]):
                break
            end = other.end
        return end

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
            recurrence_reason=longer.recurrence_reason
            if longer.deadline
            else task.recurrence_reason,
        )
