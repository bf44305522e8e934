"""`dondoc calendar show|set`: the working calendar, and the office's own days."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from engine.bootstrap import default_actor
from engine.calendar_file import CalendarFileError
from engine.cli.common import (
    ByOption,
    calendar_app,
    console,
    errors,
    fail,
    open_app,
    settings,
    state,
    t,
    to_date,
)
from engine.i18n import WEEKDAYS, pick, short_date, word
from engine.services.calendar_days import set_day
from engine.services.drafting import file_calendar
from engine.store.db import missing_sqlite_file


@calendar_app.command("show")
def calendar_show(year: Annotated[int, typer.Argument(help="Năm")]) -> None:
    """Ngày nghỉ và ngày làm bù trong năm / days off and make-up working days of a year."""
    configured = settings()
    if missing_sqlite_file(configured.database_url) is None:
        with open_app(need_schema=False) as application:
            calendar = application.calendar
    else:  # no database yet: the shipped calendar, and nothing created to show it
        try:
            calendar = file_calendar(configured)
        except CalendarFileError as exc:
            raise fail(str(exc), 2) from exc
        errors.print(
            t(
                "Chưa có cơ sở dữ liệu: lịch chưa gồm ngày nghỉ, ngày làm bù riêng của cơ quan.",
                "No database yet: the calendar has none of the office's own days.",
            ),
            soft_wrap=True,
        )
    rules = calendar.rules(year)
    table = Table(title=t(f"Lịch làm việc năm {year}", f"Working calendar {year}"))
    for key in ("day", "weekday", "kind", "name"):
        table.add_column(word(key, state.lang))
    entries = [
        (d, t("Nghỉ", "Day off"), n, "red") for d, n in rules.days_off.items() if d.weekday() < 5
    ]
    entries += [
        (d, t("Làm việc", "Working day"), n, "green") for d, n in rules.working_days.items()
    ]
    for day, kind, name, style in sorted(entries):
        table.add_row(
            short_date(day),
            pick(WEEKDAYS[day.weekday()], state.lang),
            f"[{style}]{kind}[/{style}]",
            name,
        )
    console.print(table)
    months = [len(calendar.working_days_in(year, m)) for m in range(1, 13)]
    console.print(
        t("Số ngày làm việc theo tháng: ", "Working days per month: ")
        + " · ".join(f"{m}: {n}" for m, n in enumerate(months, start=1))
        + f" — {t('cả năm', 'year')}: {sum(months)}"
    )


@calendar_app.command("set")
def calendar_set(
    day: Annotated[str, typer.Argument(help="Ngày (10/01/2026)")],
    off: Annotated[bool, typer.Option("--off/--work", help="Ngày nghỉ hoặc ngày làm bù")],
    name: Annotated[str, typer.Option("--name", help="Tên ngày")] = "",
    source: Annotated[str, typer.Option("--source", help="Căn cứ (văn bản)")] = "",
    by: ByOption = None,
) -> None:
    """Đánh dấu ngày nghỉ / ngày làm bù riêng của cơ quan / mark an office day off or working day."""
    target = to_date(day)
    with open_app() as application, application.session() as session:
        set_day(
            session, target, "off" if off else "work", name=name, source=source,
            actor=by or default_actor(), now=application.clock.now(),
        )  # fmt: skip
    kind = t("ngày nghỉ", "a day off") if off else t("ngày làm việc", "a working day")
    console.print(
        t(f"Đã ghi {short_date(target)} là {kind}.", f"{target.isoformat()} is now {kind}.")
    )
