"""`dondoc report monthly`: the monthly review of the tasks, its files and its mail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from engine.cli.common import console, fail, open_app, report_app, state, t
from engine.domain.review import ReviewError
from engine.services.review import headline_rows, make_monthly_report


@report_app.command("monthly")
def report_monthly(
    month: Annotated[
        str | None,
        typer.Option("--month", help="Tháng báo cáo, 2025-12 (mặc định: tháng trước)"),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Ngôn ngữ của báo cáo: vi (mặc định) hoặc en")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Thư mục ghi báo cáo (mặc định: reports/)")
    ] = None,
    mail: Annotated[
        bool, typer.Option("--mail/--no-mail", help="Gửi báo cáo cho lãnh đạo qua hàng đợi thư")
    ] = True,
) -> None:
    """Báo cáo tình hình thực hiện nhiệm vụ tháng: HTML, PDF, Excel / the monthly review."""
    if lang is not None:
        if lang not in ("vi", "en"):
            raise fail(
                t(f"--lang: vi hoặc en, không phải {lang!r}", f"--lang: vi or en, not {lang!r}"), 2
            )
        state.lang = "en" if lang == "en" else "vi"
        state.lang_given = True
    with open_app() as application:
        folder = out or application.settings.report_dir
        try:
            made = make_monthly_report(
                application, month, lang=state.lang, out_dir=folder, mail=mail
            )
        except ReviewError as exc:
            raise fail(exc.message(state.lang), 2) from exc
    r = made.review
    table = Table(
        title=t(
            f"Báo cáo tình hình thực hiện nhiệm vụ tháng {r.month.label}",
            f"Implementation of assigned tasks, {r.month.label}",
        )
    )
    rows = headline_rows(r, state.lang)
    for header in rows[0]:
        table.add_column(header, justify="right" if header in ("Số nhiệm vụ", "Tasks") else "left")
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    console.print(table)
    for path in made.files.paths:
        console.print(str(path), highlight=False)
    plan = made.mail
    if plan.planned:
        console.print(
            t(
                f"Đã đưa thư gửi báo cáo vào hàng đợi: {', '.join(plan.planned)} (gửi bằng `dondoc deliver`).",
                f"The covering mail is in the outbox for: {', '.join(plan.planned)} (sent by `dondoc deliver`).",
            )
        )
    if plan.already:
        console.print(
            t(
                f"Thư báo cáo tháng {r.month.label} đã có trong hàng đợi trước đó, không gửi lại: {', '.join(plan.already)}.",
                f"The {r.month.iso} review was already mailed to: {', '.join(plan.already)}; not again.",
            )
        )
    if mail and not plan.recipients:
        console.print(
            t(
                "Chưa cấu hình địa chỉ lãnh đạo (DONDOC_LEADER_EMAIL, DONDOC_LEADERSHIP_EMAIL): không gửi thư.",
                "No leader address is set (DONDOC_LEADER_EMAIL, DONDOC_LEADERSHIP_EMAIL): no mail.",
            )
        )
