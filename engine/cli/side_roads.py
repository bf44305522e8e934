"""`dondoc task pause|resume|decline|reassign|return` (the side roads of a task's life)
and `dondoc units absence-add|absences|absence-remove` (who acts for a person away)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from engine.bootstrap import default_actor
from engine.cli.common import (
    AtOption,
    ByOption,
    console,
    open_app,
    t,
    task_app,
    to_date,
    units_app,
)
from engine.cli.tasks import _change
from engine.domain.absence import Absence
from engine.domain.model import Person
from engine.i18n import short_date
from engine.services import absences, tasks
from engine.services.deps import Deps
from engine.store.tables import TaskRow

ReasonOption = Annotated[str, typer.Option("--reason", help="Lý do / the reason")]


@task_app.command("pause")
def task_pause(
    task_id: Annotated[int, typer.Argument(help="Mã nhiệm vụ")],
    reason: ReasonOption,
    at: AtOption = None,
    by: ByOption = None,
) -> None:
    """Tạm dừng nhiệm vụ theo ý kiến cấp có thẩm quyền / pause a task (no reminders)."""

    def action(application: Deps, when: datetime, actor: str) -> TaskRow:
        with application.session() as session:
            return tasks.pause(session, task_id, at=when, actor=actor, reason=reason,
                               notifier=application.notifier())  # fmt: skip

    _change(task_id, at, by, action)


@task_app.command("resume")
def task_resume(
    task_id: Annotated[int, typer.Argument(help="Mã nhiệm vụ")],
    reason: ReasonOption,
    until: Annotated[
        str | None, typer.Option("--until", help="Thời hạn mới do cấp có thẩm quyền quyết định")
    ] = None,
    at: AtOption = None,
    by: ByOption = None,
) -> None:
    """Tiếp tục nhiệm vụ tạm dừng; thời hạn lùi theo số ngày làm việc tạm dừng / resume a
    paused task; its deadline moves by the working days paused, or to --until."""
    new = to_date(until) if until else None

    def action(application: Deps, when: datetime, actor: str) -> TaskRow:
        with application.session() as session:
            return tasks.resume(session, task_id, at=when, actor=actor, reason=reason,
                                calendar=application.calendar, until=new,
                                notifier=application.notifier(),
                                policies=application.policies)  # fmt: skip

    _change(task_id, at, by, action)


@task_app.command("decline")
def task_decline(
    task_id: Annotated[int, typer.Argument(help="Mã nhiệm vụ")],
    reason: ReasonOption,
    at: AtOption = None,
    by: ByOption = None,
) -> None:
    """Đơn vị chủ trì từ chối nhiệm vụ không thuộc chức năng / the lead unit declines."""

    def action(application: Deps, when: datetime, actor: str) -> TaskRow:
        with application.session() as session:
            return tasks.decline(session, task_id, at=when, actor=actor, reason=reason,
                                 notifier=application.notifier())  # fmt: skip

    _change(task_id, at, by, action)


@task_app.command("reassign")
def task_reassign(
    task_id: Annotated[int, typer.Argument(help="Mã nhiệm vụ")],
    unit: Annotated[str, typer.Option("--unit", help="Mã đơn vị chủ trì mới")],
    reason: ReasonOption,
    until: Annotated[str | None, typer.Option("--until", help="Thời hạn mới (nếu có)")] = None,
    at: AtOption = None,
    by: ByOption = None,
) -> None:
    """Giao lại nhiệm vụ đơn vị đã từ chối cho đơn vị khác / reassign a declined task."""
    new = to_date(until) if until else None

    def action(application: Deps, when: datetime, actor: str) -> TaskRow:
        with application.session() as session:
            return tasks.reassign(session, task_id, to_unit=unit, at=when, actor=actor,
                                  reason=reason, notifier=application.notifier(),
                                  calendar=application.calendar, until=new,
                                  policies=application.policies)  # fmt: skip

    _change(task_id, at, by, action)


@task_app.command("return")
def task_return(
    task_id: Annotated[int, typer.Argument(help="Mã nhiệm vụ")],
    reason: ReasonOption,
    at: AtOption = None,
    by: ByOption = None,
) -> None:
    """Trả lời đơn vị: nhiệm vụ vẫn do đơn vị chủ trì / return a declined task to its unit."""

    def action(application: Deps, when: datetime, actor: str) -> TaskRow:
        with application.session() as session:
            return tasks.return_to_unit(session, task_id, at=when, actor=actor, reason=reason,
                                        notifier=application.notifier(),
                                        calendar=application.calendar)  # fmt: skip

    _change(task_id, at, by, action)


# -- absences ---------------------------------------------------------------------------------


@units_app.command("absence-add")
def absence_add(
    person: Annotated[str, typer.Argument(help="Địa chỉ thư của người vắng mặt")],
    start: Annotated[str, typer.Option("--from", help="Từ ngày (dd/mm/yyyy)")],
    end: Annotated[str, typer.Option("--to", help="Đến hết ngày (dd/mm/yyyy)")],
    acting_name: Annotated[str, typer.Option("--acting-name", help="Người được ủy quyền")],
    acting_email: Annotated[str, typer.Option("--acting-email", help="Thư của người đó")],
    acting_title: Annotated[str, typer.Option("--acting-title", help="Chức vụ")] = "",
    note: Annotated[str, typer.Option("--note", help="Ghi chú")] = "",
    by: ByOption = None,
) -> None:
    """Ghi kỳ vắng mặt và người được ủy quyền / record an absence and who acts."""
    with open_app() as application, application.session() as session:
        absence = Absence(
            person.strip().lower(),
            to_date(start),
            to_date(end),
            Person(acting_name, acting_email, acting_title),
            note,
        )
        row = absences.add_absence(
            session, absence, at=application.clock.now(), actor=by or default_actor()
        )
    console.print(
        t(
            f"Kỳ vắng mặt số {row.id}: {row.person_email} từ {short_date(row.starts_on)} đến"
            f" {short_date(row.ends_on)}; thư chuyển {row.acting_name} <{row.acting_email}>.",
            f"Absence {row.id}: {row.person_email} from {row.starts_on} to {row.ends_on};"
            f" mail goes to {row.acting_name} <{row.acting_email}>.",
        )
    )


@units_app.command("absences")
def absence_list(
    on: Annotated[str | None, typer.Option("--on", help="Chỉ những kỳ có ngày này")] = None,
) -> None:
    """Các kỳ vắng mặt / the absences recorded."""
    with open_app() as application, application.session() as session:
        rows = absences.read_all(session, on=to_date(on) if on else None)
    table = Table(title=t("Vắng mặt và người được ủy quyền", "Absences and who acts"))
    for header in (t("Số", "No."), t("Người vắng", "Away"), t("Từ", "From"), t("Đến", "To"),
                   t("Người được ủy quyền", "Acting"), t("Ghi chú", "Note")):  # fmt: skip
        table.add_column(header)
    for row in rows:
        acting = f"{row.acting_title} {row.acting_name} <{row.acting_email}>".strip()
        table.add_row(str(row.id), row.person_email, short_date(row.starts_on),
                      short_date(row.ends_on), acting, row.note)  # fmt: skip
    console.print(table)


@units_app.command("absence-remove")
def absence_remove(absence_id: Annotated[int, typer.Argument(help="Số kỳ vắng mặt")]) -> None:
    """Xóa một kỳ vắng mặt / remove an absence."""
    with open_app() as application, application.session() as session:
        absences.remove_absence(session, absence_id)
    console.print(t(f"Đã xóa kỳ vắng mặt số {absence_id}.", f"Absence {absence_id} removed."))
