"""`dondoc tasks list` and `dondoc task show|update|extend`: the tasks by reporting
category, one task with its history, and the decisions that move a task on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

import typer
from rich.table import Table

from engine.bootstrap import default_actor
from engine.cli.common import (
    AtOption,
    ByOption,
    console,
    moment,
    open_app,
    state,
    t,
    task_app,
    tasks_app,
    to_date,
)
from engine.domain.categories import CATEGORY_ORDER, Category
from engine.domain.lifecycle import Status
from engine.i18n import CATEGORY_STYLE, category_label, short_date, status_label, word
from engine.presenters import deadline_text, extended_from, missing_text, standing_text
from engine.services import tasks
from engine.services.deps import Deps
from engine.services.tasks import TaskLine
from engine.store.tables import TaskRow


def render_task_table(lines: list[TaskLine], as_of: datetime, title: str | None = None) -> None:
    """Tasks grouped by reporting category, as of an instant."""
    day = short_date(as_of.date())
    heading = title or t("Nhiệm vụ", "Tasks")
    table = Table(title=f"{heading} — {word('as_of', state.lang, d=day)}", show_lines=False)
    table.add_column(word("id", state.lang), justify="right", no_wrap=True)
    table.add_column(word("reference", state.lang), no_wrap=True)
    table.add_column(word("task", state.lang), ratio=3, min_width=30)
    table.add_column(word("lead_unit", state.lang), no_wrap=True)
    table.add_column(word("deadline", state.lang), no_wrap=True)
    table.add_column(word("status", state.lang), ratio=1)
    table.add_column(word("category", state.lang), ratio=1, min_width=16)
    order: list[object] = [*CATEGORY_ORDER, None]
    for category in order:
        group = [line for line in lines if line.standing.category == category]
        if not group:
            continue
        style = CATEGORY_STYLE.get(category) if category else "grey50"  # type: ignore[call-overload]
        table.add_section()
        for line in group:
            missing = ""
            if line.missing:
                missing = (
                    f"\n[yellow]{word('missing', state.lang)} "
                    f"{missing_text(line.missing, state.lang)}[/yellow]"
                )
            table.add_row(
                str(line.id), line.reference, f"{line.number}. {line.title}{missing}", line.lead_unit or "—",
                deadline_text(line.deadline, state.lang, recurrence=line.recurrence),
                status_label(line.status, state.lang),
                f"[{style}]{standing_text(line.standing, state.lang)}[/{style}]",
            )  # fmt: skip
    console.print(table)
    tally = {c: sum(1 for x in lines if x.standing.category == c) for c in CATEGORY_ORDER}
    counts = [  # the side roads (paused, declined) only when some task is on them
        f"{category_label(c, state.lang)}: {n}"
        for c, n in tally.items()
        if n or c not in (Category.PAUSED, Category.DECLINED)
    ]
    console.print(f"{word('total', state.lang)}: {len(lines)} — " + " · ".join(counts))


@tasks_app.command("list")
def tasks_list(
    unit: Annotated[str | None, typer.Option("--unit", help="Mã đơn vị chủ trì")] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Trạng thái")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Chỉ nhiệm vụ quá hạn")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Tính đến ngày (15/01/2026)")] = None,
    directive: Annotated[str | None, typer.Option("--directive", help="Số hiệu văn bản")] = None,
) -> None:
    """Danh sách nhiệm vụ theo phân loại / tasks by reporting category."""
    with open_app() as application, application.session() as session:
        at = moment(application, as_of)
        calendar = application.calendar
        lines = tasks.list_tasks(
            session,
            calendar,
            at,
            unit=unit,
            status=status,
            overdue_only=overdue,
            reference=directive,
        )
        if not lines:
            console.print(word("none", state.lang))
            return
        render_task_table(lines, at.astimezone(calendar.timezone))


@task_app.command("show")
def task_show(
    task_id: Annotated[int, typer.Argument(help="Mã nhiệm vụ")],
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
) -> None:
    """Chi tiết nhiệm vụ và lịch sử / a task and its history."""
    with open_app() as application, application.session() as session:
        calendar = application.calendar
        detail = tasks.task_detail(session, task_id, calendar, moment(application, as_of))
    line, task, unit = detail.line, detail.task, detail.lead_unit
    lang = state.lang
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold")
    info.add_column()
    accountable = f"{unit.head_title} {unit.head_name}".strip() if unit and unit.head_name else "—"
    rows = [
        ("directive", f"{detail.directive.reference} — {detail.directive.title}"),
        ("task", f"{line.number}. {line.title}"),
        (
            "lead_unit",
            f"{task.lead_unit or '—'} {('— ' + line.lead_unit_name) if line.lead_unit_name else ''}",
        ),
        ("accountable", accountable),
        ("owner", task.owner or "—"),
        ("coordinating_units", ", ".join(detail.coordinating_units) or "—"),
        ("deadline", deadline_text(line.deadline, lang, recurrence=line.recurrence)),
        ("deliverable", task.deliverable or "—"),
        ("authority", task.authority or "—"),
        ("status", status_label(line.status, lang)),
        ("category", standing_text(line.standing, lang)),
    ]
    if original := extended_from(task.deadline, task.original_deadline):
        rows.insert(7, ("original_deadline", short_date(original)))
    if task.deadline_as_written:  # a day off: the deadline ends on the next working day
        rows.insert(7, ("deadline_as_written", short_date(task.deadline_as_written)))
    if line.missing:
        rows.append(("missing", missing_text(line.missing, lang)))
    if task.source_quote:
        rows.append(("source_quote", f"“{task.source_quote}”"))
    for key, value in rows:
        info.add_row(word(key, lang), value)
    console.print(info)
    history = Table(title=word("history", lang))
    for key in ("when", "who", "change", "why"):
        history.add_column(word(key, lang))
    zone = calendar.timezone
    for event in detail.events:
        before = status_label(Status(event.from_status), lang) if event.from_status else "—"
        change = f"{before} → {status_label(Status(event.to_status), lang)}"
        extra = ""
        if event.payload.get("decision") == "approved":
            extra = t(
                f" (đồng ý gia hạn đến ngày {short_date(date.fromisoformat(event.payload['new_deadline']))})",
                f" (extension approved to {event.payload['new_deadline']})",
            )
        elif event.payload.get("decision") == "refused":
            extra = t(" (không đồng ý gia hạn)", " (extension refused)")
        if event.payload.get("override"):
            extra += t(" (vượt giới hạn)", " (beyond the limits)")
        if event.payload.get("kind") == "reassigned":
            extra += f" ({event.payload.get('from_unit')} → {event.payload.get('to_unit')})"
        moved_on = event.payload.get("kind") in ("resumed", "reassigned")
        if moved_on and event.payload.get("new_deadline"):
            moved = short_date(date.fromisoformat(event.payload["new_deadline"]))
            extra += t(f" (thời hạn mới {moved})", f" (new deadline {moved})")
        history.add_row(
            f"{event.at.astimezone(zone):%d/%m/%Y %H:%M}", event.actor, change + extra, event.reason
        )
    console.print(history)


def _change(
    task_id: int, at: str | None, by: str | None, action: Callable[[Deps, datetime, str], TaskRow]
) -> None:
    with open_app() as application:
        task = action(application, moment(application, at), by or default_actor())
    console.print(
        t(
            f"Nhiệm vụ {task_id}: {status_label(Status(task.status), 'vi')}"
            + (f", thời hạn {short_date(task.deadline)}" if task.deadline else ""),
            f"Task {task_id}: {status_label(Status(task.status), 'en')}"
            + (f", deadline {task.deadline.isoformat()}" if task.deadline else ""),
        )
    )


@task_app.command("update")
def task_update(
    task_id: Annotated[int, typer.Argument(help="Mã nhiệm vụ")],
    status: Annotated[Status, typer.Option("--status", help="Trạng thái mới")],
    note: Annotated[str, typer.Option("--note", help="Ghi chú / lý do")] = "",
    at: AtOption = None,
    by: ByOption = None,
) -> None:
    """Đổi trạng thái nhiệm vụ / change a task's status."""

    def action(application: Deps, moment: datetime, actor: str) -> TaskRow:
        with application.session() as session:
            return tasks.change_status(
                session,
                task_id,
                status,
                at=moment,
                actor=actor,
                note=note,
                notifier=application.notifier(),
                calendar=application.calendar,
            )

    _change(task_id, at, by, action)


@task_app.command("extend")
def task_extend(
    task_id: Annotated[int, typer.Argument(help="Mã nhiệm vụ")],
    reason: Annotated[str, typer.Option("--reason", help="Lý do")],
    until: Annotated[str | None, typer.Option("--until", help="Thời hạn mới (15/01/2026)")] = None,
    refuse: Annotated[bool, typer.Option("--refuse", help="Không đồng ý gia hạn")] = False,
    override: Annotated[
        bool,
        typer.Option("--override", help="Cấp có thẩm quyền đồng ý vượt giới hạn gia hạn"),
    ] = False,
    at: AtOption = None,
    by: ByOption = None,
) -> None:
    """Quyết định gia hạn: đồng ý đến ngày mới, hoặc không đồng ý / decide an extension."""
    new_deadline = to_date(until) if until else None

    def action(application: Deps, moment: datetime, actor: str) -> TaskRow:
        with application.session() as session:
            return tasks.extend(
                session,
                task_id,
                until=new_deadline,
                reason=reason,
                at=moment,
                actor=actor,
                refuse=refuse,
                notifier=application.notifier(),
                calendar=application.calendar,
                override=override,
                policies=application.policies,
            )

    _change(task_id, at, by, action)
