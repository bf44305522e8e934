"""What a coordinator sees in Prefect: table and markdown artifacts, and run tags.

Each directive has an artifact keyed by its reference number (`van-ban-45-tb-vpctn`),
updated by every run that touches it, and each such run is tagged `van-ban:45/TB-VPCTN`.
The builders here read the database (call them in a worker thread); `publish` sends
everything to the Prefect API in one task, the only one here that retries.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from prefect import get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext
from sqlmodel import Session

from engine.domain.calendar import WorkingCalendar
from engine.domain.categories import CATEGORY_ORDER
from engine.domain.lifecycle import Status
from engine.i18n import (
    capital,
    category_label,
    pick,
    short_date,
    status_label,
    term,
    word,
)
from engine.presenters import (
    deadline_text,
    delivery_summary,
    mail_kind,
    missing_text,
    standing_text,
    sweep_summary,
)
from engine.services.delivery import DeliveryReport
from engine.services.sweep import SweepReport
from engine.services.tasks import TaskLine, list_tasks
from engine.store import reads

#: most rows a run's table shows; the rest are counted ("… and 12 more")
MAX_ROWS = 200

#: labels the CLI writes inline, for the tables here
LABELS = {
    "number": ("STT", "No."),
    "to": ("Gửi", "To"),
    "cc": ("Đồng gửi", "Cc"),
    "items": ("Số việc", "Items"),
    "subject": ("Tiêu đề", "Subject"),
    "level": (capital(term("escalation_level", "vi")), capital(term("escalation_level", "en"))),
    "attempts": ("Số lần gửi", "Attempts"),
    "error": ("Lỗi", "Error"),
    "next_attempt": ("Gửi lại lúc", "Next attempt"),
}


def label(key: str, lang: str) -> str:
    return pick(LABELS[key], lang) if key in LABELS else word(key, lang)


def headers_of(*keys: str, lang: str) -> list[str]:
    return [label(key, lang) for key in keys]


# -- names ---------------------------------------------------------------------------


def slug(text: str) -> str:
    """Lowercase ASCII letters, digits and dashes (an artifact key): '45/TB-VPCTN' ->
    '45-tb-vpctn', '12/NĐ-CP' -> '12-nd-cp'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def directive_key(reference: str) -> str:
    """The key of a directive's artifact: 'van-ban-45-tb-vpctn'."""
    return f"van-ban-{slug(reference)}"


def directive_tag(reference: str) -> str:
    """The tag of a run that touched a directive: 'van-ban:45/TB-VPCTN'."""
    return f"van-ban:{reference}"


def task_tag(task_id: int) -> str:
    return f"nhiem-vu:{task_id}"


# -- what gets published ---------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    key: str | None
    rows: list[dict[str, Any]]
    description: str = ""


@dataclass(frozen=True)
class Markdown:
    key: str | None
    markdown: str
    description: str = ""


@dataclass
class Publication:
    """Everything one run publishes: artifacts, and tags added to the run itself."""

    artifacts: list[Table | Markdown] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@task(name="publish-artifacts", retries=3, retry_delay_seconds=[2, 10, 30], cache_policy=NO_CACHE)
async def publish(publication: Publication) -> None:
    """Tag the run and create its artifacts (a new version of each key): calls to the
    Prefect API, retried when it does not answer."""
    if publication.tags:
        await tag_current_run(publication.tags)
    for artifact in publication.artifacts:
        if isinstance(artifact, Table):
            await acreate_table_artifact(
                [escaped(row) for row in artifact.rows],
                key=artifact.key,
                description=artifact.description or None,
            )
        else:
            await acreate_markdown_artifact(
                artifact.markdown, key=artifact.key, description=artifact.description or None
            )


async def tag_current_run(tags: Iterable[str]) -> None:
    """Add tags to the flow run in progress (Prefect sets a run's tags when it is
    created; these are known only once the run has read its input)."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return
    run = context.flow_run
    wanted = sorted(set(run.tags) | set(tags))
    if wanted == sorted(run.tags):
        return
    async with get_client() as client:
        await client.update_flow_run(run.id, tags=wanted)
    run.tags = wanted


#: the longest description a refusal's artifact gets (the artifact itself has it all)
DESCRIPTION_LENGTH = 300


def one_line(message: str) -> str:
    """A refusal as one line (the run's log, an artifact's description): its lines
    joined, the list marks dropped."""
    lines = [line.strip().removeprefix("- ").strip() for line in message.splitlines()]
    return " ".join(line for line in lines if line)


async def publish_refusal(message: str, key: str | None, lang: str) -> None:
    """Show a refused run's message where the coordinator looks; never hide the refusal
    behind a failure to publish it."""
    heading = "Không thực hiện được" if lang == "vi" else "Not done"
    description = f"{heading}: {one_line(message)}"
    if len(description) > DESCRIPTION_LENGTH:
        description = description[: DESCRIPTION_LENGTH - 1] + "…"
    try:
        text = f"## {heading}\n\n```text\n{message}\n```"
        await publish(Publication([Markdown(key, text, description)]))
    except Exception:  # the run fails with the message anyway
        get_run_logger().warning("could not publish the refusal as an artifact", exc_info=True)


# -- tables ------------------------------------------------------------------------------

_MARKDOWN_START = re.compile(r"^(\s*)(\d+)([.)])(?=\s|$)|^(\s*)([-+*#>=~|])")
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|!])")


def md_escape(text: str) -> str:
    """Text that the UI's markdown draws as itself: "2. Rà soát" stays "2. Rà soát" (not
    a list starting at 1), "*" and "_" stay, a "<script>" stays text. One line."""
    text = " ".join(str(text).split())
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)

    def start(match: re.Match[str]) -> str:
        if match[2] is not None:
            return f"{match[1]}{match[2]}\\{match[3]}"
        return f"{match[4]}\\{match[5]}"

    return _MARKDOWN_START.sub(start, text, count=1)


def escaped(row: dict[str, Any]) -> dict[str, Any]:
    """A table artifact's row as the UI should draw it: each text cell escaped."""
    return {k: md_escape(v) if isinstance(v, str) else v for k, v in row.items()}


def cell(value: object) -> str:
    """A markdown table cell: one line, escaped."""
    return md_escape(str(value))


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |"]
    lines.append("|" + "---|" * len(headers))
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def section(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[object]], total: int, lang: str
) -> str:
    """A titled table of at most MAX_ROWS `rows` out of `total`, the rest counted."""
    return f"### {title}\n\n" + md_table(headers, rows) + _more(total, lang)


def _more(total: int, lang: str) -> str:
    left = total - MAX_ROWS
    if left <= 0:
        return ""
    return f"\n\n… và {left} dòng khác." if lang == "vi" else f"\n\n… and {left} more rows."


def unit_text(code: str | None, name: str) -> str:
    if not code:
        return "—"
    return f"{name} ({code})" if name else code


def task_text(line: TaskLine, lang: str) -> str:
    text = f"{line.number}. {line.title}" if line.number else line.title
    if line.missing:
        text += f" — {word('missing', lang)} {missing_text(line.missing, lang)}"
    return text


def task_row(line: TaskLine, lang: str, *, reference: bool = False) -> dict[str, Any]:
    """One task as a coordinator reads it, under Vietnamese (or English) headers."""
    row: dict[str, Any] = {word("reference", lang): line.reference} if reference else {}
    return row | {
        word("id", lang): line.id,
        word("task", lang): task_text(line, lang),
        word("lead_unit", lang): unit_text(line.lead_unit, line.lead_unit_name),
        word("deadline", lang): deadline_text(line.deadline, lang, recurrence=line.recurrence),
        word("status", lang): status_label(line.status, lang),
        word("category", lang): standing_text(line.standing, lang),
    }


def local(at: datetime, zone: ZoneInfo) -> str:
    return f"{at.astimezone(zone):%d/%m/%Y %H:%M}"


# -- a directive -------------------------------------------------------------------------


def directive_table(
    session: Session, calendar: WorkingCalendar, now: datetime, reference: str, lang: str
) -> Table:
    """The directive's tasks and where each stands at `now`: the artifact keyed by its
    reference, a new version at every run that touches it."""
    directive = reads.directive(session, reference)
    lines = list_tasks(session, calendar, now, reference=reference)
    counts = " · ".join(
        f"{category_label(c, lang)}: {n}"
        for c in CATEGORY_ORDER
        if (n := sum(1 for x in lines if x.standing.category == c))
    )
    drafts = sum(1 for x in lines if x.status is Status.DRAFT)
    when = word("as_of", lang, d=local(now, calendar.timezone))
    description = (
        f"**{directive.reference}** — {directive.title}\n\n"
        f"{directive.issuer}, {word('issued_on', lang).lower()} {short_date(directive.issued_on)}"
        f" — {when}\n\n{word('total', lang)}: {len(lines)}" + (f" — {counts}" if counts else "")
    )
    if drafts:
        description += f" · {word('drafts', lang)}: {drafts}"
    return Table(directive_key(reference), [task_row(x, lang) for x in lines], description)


def directive_tables(
    session: Session,
    calendar: WorkingCalendar,
    now: datetime,
    references: Iterable[str],
    lang: str,
) -> list[Table | Markdown]:
    return [directive_table(session, calendar, now, r, lang) for r in sorted(set(references))]


# -- an import ---------------------------------------------------------------------------


def import_table(
    session: Session,
    calendar: WorkingCalendar,
    now: datetime,
    references: list[str],
    drafts: list[str],
    lang: str,
    key: str,
) -> Table:
    """The tasks an import created, with their units, deadlines and states; what the
    drafts lack in the description."""
    lines = [x for r in references for x in list_tasks(session, calendar, now, reference=r)]
    description = (
        f"Đã nhập {len(references)} văn bản ({', '.join(references)}), {len(lines)} nhiệm vụ."
        if lang == "vi"
        else f"Imported {len(references)} directive(s) ({', '.join(references)}), {len(lines)} tasks."
    )
    if drafts:
        description += "\n\n" + (
            f"{len(drafts)} nhiệm vụ lưu ở dạng dự thảo vì chưa đủ 6 rõ:"
            if lang == "vi"
            else f"{len(drafts)} task(s) stored as drafts, lacking some of the six clears:"
        )
        description += "".join(f"\n- {d}" for d in drafts)
    return Table(key, [task_row(x, lang, reference=True) for x in lines], description)


# -- the sweep ---------------------------------------------------------------------------


def touched_references(session: Session, report: SweepReport) -> list[str]:
    """Directives with a task this sweep said something about: a notice in one of the
    mails it queued, an escalation, a new recurring instance, or no address."""
    task_ids = {t for t, _ in report.escalations} | set(report.instances) | set(report.unaddressed)
    return reads.references_touched(session, task_ids, [m["id"] for m in report.mails])


def _deadline_of(task: reads.TaskFacts, lang: str) -> str:
    return deadline_text(task.deadline, lang, recurrence=task.recurrence)


def sweep_markdown(
    session: Session, report: SweepReport, zone: ZoneInfo, lang: str, key: str
) -> Markdown:
    """What one sweep planned: the mail queued, each escalation, new recurring tasks,
    and tasks whose notice found no address."""
    summary = sweep_summary(report, local(report.now, zone), lang)
    if not report.in_office_hours:
        return Markdown(key, f"## {summary}")
    parts = [f"## {summary}"]
    if report.mails:
        title = "Thư vào hàng đợi" if lang == "vi" else "Mail queued"
        headers = headers_of("kind", "to", "cc", "items", "subject", lang=lang)
        rows: list[tuple[object, ...]] = [
            (mail_kind(m["kind"], lang), m["to"], ", ".join(m["cc"]), m["items"], m["subject"])
            for m in report.mails[:MAX_ROWS]
        ]
        parts.append(section(title, headers, rows, len(report.mails), lang))
    facts = reads.task_facts(
        session, [t for t, _ in report.escalations] + report.instances + report.unaddressed
    )
    if report.escalations:
        title = capital(term("escalation", lang)) if lang == "vi" else "Escalations"
        headers = headers_of("reference", "id", "task", "lead_unit", "deadline", "level", lang=lang)
        escalated = [(facts[i], level) for i, level in report.escalations[:MAX_ROWS]]
        rows = [
            (f.reference, f.id, f.title, f.lead_unit or "—", _deadline_of(f, lang), level)
            for f, level in escalated
        ]
        parts.append(section(title, headers, rows, len(report.escalations), lang))
    if report.instances:
        title = "Kỳ mới của nhiệm vụ định kỳ" if lang == "vi" else "New recurring instances"
        headers = headers_of("reference", "id", "task", "deadline", lang=lang)
        rows = [
            (facts[i].reference, i, facts[i].title, _deadline_of(facts[i], lang))
            for i in report.instances[:MAX_ROWS]
        ]
        parts.append(section(title, headers, rows, len(report.instances), lang))
    if report.unaddressed:
        title = "Không có địa chỉ người nhận" if lang == "vi" else "No recipient address"
        lines = [
            f"- {facts[i].reference}, {word('task', lang).lower()} {i}: {facts[i].title}"
            for i in sorted(set(report.unaddressed))
        ]
        parts.append(f"### {title}\n\n" + "\n".join(lines))
    return Markdown(key, "\n\n".join(parts))


# -- delivery ----------------------------------------------------------------------------


def delivery_markdown(
    session: Session,
    report: DeliveryReport,
    started: datetime,
    finished: datetime,
    zone: ZoneInfo,
    lang: str,
    key: str,
) -> Markdown:
    """What one delivery did: the mail sent, and the mail that could not be (failed for
    good, or waiting to be retried) with the server's reply."""
    summary = delivery_summary(report, lang)
    if report.outside_hours:
        return Markdown(key, f"## {summary}")
    parts = [f"## {summary}"]
    sent = reads.mail_sent(session, started, finished)
    if sent:
        title = "Thư đã gửi" if lang == "vi" else "Mail sent"
        headers = headers_of("id", "kind", "to", "subject", lang=lang)
        rows: list[tuple[object, ...]] = [
            (r.id, mail_kind(r.kind, lang), r.to_email, r.subject) for r in sent[:MAX_ROWS]
        ]
        parts.append(section(title, headers, rows, len(sent), lang))
    failed = reads.mail_failed(session)
    if failed:
        title = (
            "Thư không gửi được (gửi lại: dondoc outbox retry)"
            if lang == "vi"
            else "Mail that could not be delivered (retry: dondoc outbox retry)"
        )
        headers = headers_of("id", "to", "subject", "attempts", "error", lang=lang)
        rows = [(r.id, r.to_email, r.subject, r.attempts, r.last_error) for r in failed[:MAX_ROWS]]
        parts.append(section(title, headers, rows, len(failed), lang))
    retrying = reads.mail_to_retry(session)
    if retrying:
        title = "Thư chờ gửi lại" if lang == "vi" else "Mail waiting to be retried"
        headers = headers_of("id", "to", "subject", "attempts", "next_attempt", "error", lang=lang)
        rows = [
            (r.id, r.to_email, r.subject, r.attempts, local(r.next_attempt_at, zone), r.last_error)
            for r in retrying[:MAX_ROWS]
        ]
        parts.append(section(title, headers, rows, len(retrying), lang))
    return Markdown(key, "\n\n".join(parts))
