"""The monthly review (báo cáo tình hình thực hiện nhiệm vụ tháng), as
`dondoc report monthly` makes it: the month's HTML, PDF and Excel annex written into
the worker's report folder (DONDOC_REPORT_DIR), the covering mail to the leaders put in
the outbox (once per month and recipient), and the headline table with the files'
paths published as artifacts under `bao-cao-thang-YYYY-MM`."""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from engine.domain.categories import Category
from engine.domain.review import ReviewError
from engine.i18n import term
from engine.links import report_url
from engine.report.document import pct, summary
from engine.services.review import MonthlyReport, headline_rows, make_monthly_report
from workflows.artifacts import Markdown, Publication, Table, md_escape, md_table, publish
from workflows.common import (
    LANGUAGE,
    REFUSALS,
    LanguageChoice,
    Refused,
    Run,
    RunRefused,
    accepted,
    blocking,
    dondoc_run,
    field,
    form_value,
    parse_form,
    refusals_fail_quietly,
    retry_unless_refused,
)

#: most overdue tasks the artifact lists (the annex has them all)
OVERDUE_LISTED = 30
#: who the artifact's links are signed for: the coordinators reading the Prefect UI
COORDINATORS = "prefect-ui"

#: the artifacts' key: one per month, a new version at each run
REVIEW_KEY = "bao-cao-thang"

_ISO_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_VN_MONTH = re.compile(r"^\s*(\d{1,2})/(\d{4})\s*$")


def _parse_month(value: object) -> object:
    """'2025-12' (or '12/2025', as Vietnamese write it) -> '2025-12'; empty -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        iso, vn = _ISO_MONTH.match(value), _VN_MONTH.match(value)
        year, month = (int(iso[1]), int(iso[2])) if iso else (0, 0)
        if vn:
            year, month = int(vn[2]), int(vn[1])
        if 1 <= month <= 12 and year >= 2000:
            return f"{year:04d}-{month:02d}"
    raise PydanticCustomError(
        "bad_month",
        "bad month: {value!r} (expected 2025-12)",
        {
            "value": value,
            "vi": f"tháng không hợp lệ: {value!r} (cần dạng 2025-12)",
            "en": f"bad month: {value!r} (expected 2025-12)",
        },
    )


Month = Annotated[str | None, BeforeValidator(_parse_month)]


class ReviewForm(BaseModel):
    model_config = ConfigDict(title="Báo cáo tháng", str_strip_whitespace=True)

    month: Month = field(
        0,
        "Tháng báo cáo",
        "The month reviewed, YYYY-MM, e.g. 2025-12 (empty: the previous month)",
        None,
    )
    lang: LanguageChoice = field(
        1, "Ngôn ngữ", "Language of the report", LANGUAGE["vi"], validate_default=True
    )


def previous_month(now: datetime, zone: ZoneInfo) -> str:
    """The month before the one `now` falls in, in the office's zone: '2025-12' on
    1 January 2026 at 07:00 in Ha Noi (still 31 December in UTC)."""
    local = now.astimezone(zone)
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def review_key(month: str) -> str:
    """'bao-cao-thang-2025-12'."""
    return f"{REVIEW_KEY}-{month}"


# Making the documents again is harmless, and the mail is planned under one key per month
# and recipient: a retry after a dropped connection mails no leader twice.
@task(name="make-monthly-review", retries=1, retry_delay_seconds=30, cache_policy=NO_CACHE,
      retry_condition_fn=retry_unless_refused)  # fmt: skip
async def make(run: Run, month: str, lang: str) -> MonthlyReport | Refused:
    try:
        return await blocking(
            make_monthly_report,
            run.deps,
            month,
            lang=lang,
            out_dir=run.settings.report_dir.resolve(),
        )
    except ReviewError as exc:  # the CLI's message, in the office's language
        return Refused(RunRefused(exc.message(run.lang)))
    except REFUSALS as exc:
        return Refused(exc)


def _files(report: MonthlyReport, links: Callable[[str], str | None]) -> list[str]:
    """Each file as a link a browser opens (signed, when DONDOC_PUBLIC_URL is set), or
    by its name and its path on the worker's disk."""
    out = []
    for path in report.files.paths:
        url = links(path.name)
        out.append(
            f"- [{md_escape(path.name)}]({url})" if url else f"- {md_escape(path.name)} — `{path}`"
        )
    return out


def _unit_rows(report: MonthlyReport, lang: str) -> list[list[object]]:
    data = report.files.data
    rows: list[list[object]] = []
    for u in report.review.units:
        f = u.figures
        rate = f.on_time_rate
        rows.append(
            [
                data.unit_name(u.unit),
                f.total,
                f.count(Category.COMPLETED_ON_TIME),
                f.count(Category.COMPLETED_LATE),
                f.count(Category.IN_PROGRESS_WITHIN_DEADLINE),
                f.count(Category.IN_PROGRESS_OVERDUE),
                "—" if rate is None else f"{pct(rate, lang)}%",
            ]
        )
    return rows


def review_markdown(report: MonthlyReport, lang: str, links: Callable[[str], str | None]) -> str:
    """The review as the UI shows it: the opening summary, the headline figures, the
    figures per unit, the overdue tasks (the most overdue first), and the files."""
    r = report.review
    en = lang == "en"
    data = report.files.data
    headline = headline_rows(r, lang)
    head_keys = list(headline[0]) if headline else []
    unit_headers = (
        ["Unit", "Tasks", "Done on time", "Done late", "Within deadline", "Overdue", "On time"]
        if en
        else [
            "Đơn vị",
            "Tổng số",
            "Xong đúng hạn",
            "Xong quá hạn",
            "Trong hạn",
            "Quá hạn",
            "Tỷ lệ đúng hạn",
        ]
    )
    overdue = [
        f"- **{md_escape(data.unit_name(t.unit))}** — {md_escape(t.reference)}"
        + (f"#{md_escape(t.number)}" if t.number else "")
        + f": {md_escape(t.title)} — "
        + (
            f"{t.days_overdue} days overdue, level {t.escalation_level}"
            if en
            else f"quá hạn {t.days_overdue} ngày, {term('escalation_level', 'vi')} {t.escalation_level}"
        )
        for t in r.overdue[:OVERDUE_LISTED]
    ]
    if len(r.overdue) > OVERDUE_LISTED:
        left = len(r.overdue) - OVERDUE_LISTED
        overdue.append(
            f"- … {left} more in the annex" if en else f"- … và {left} nhiệm vụ khác (xem Phụ lục)"
        )
    parts = [
        f"## {'Monthly review' if en else 'Báo cáo tình hình thực hiện nhiệm vụ tháng'} {r.month.label}",
        md_escape(summary(data)),
        f"### {'Headline figures' if en else 'Số liệu chính'}",
        md_table(head_keys, [list(row.values()) for row in headline]),
        f"### {'By unit' if en else 'Theo đơn vị'}",
        md_table(unit_headers, _unit_rows(report, lang)),
        f"### {'Overdue tasks' if en else 'Nhiệm vụ quá hạn'} ({len(r.overdue)})",
        "\n".join(overdue) or ("None." if en else "Không có."),
        f"### {'Files' if en else 'Tệp báo cáo'}",
        "\n".join(_files(report, links)),
    ]
    mail = report.mail
    if mail.planned:
        lead = (
            "Mail to the leaders is in the outbox: " if en else "Thư gửi lãnh đạo đã vào hàng đợi: "
        )
        parts.append(lead + md_escape(", ".join(mail.planned)))
    if mail.already:
        lead = (
            "Already mailed this month, not again: "
            if en
            else "Đã gửi trong tháng, không gửi lại: "
        )
        parts.append(lead + md_escape(", ".join(mail.already)))
    return "\n\n".join(parts)


def publication(
    report: MonthlyReport, lang: str, links: Callable[[str], str | None] = lambda _: None
) -> Publication:
    r = report.review
    key = review_key(r.month.iso)
    en = lang == "en"
    description = (
        f"Monthly review {r.month.label}: {r.total.total} tasks, {r.total.in_progress_overdue} overdue"
        if en
        else f"Báo cáo tháng {r.month.label}: {r.total.total} nhiệm vụ,"
        f" {r.total.in_progress_overdue} quá hạn"
    )
    figures = (
        f"Headline figures of {r.month.label}" if en else f"Số liệu chính tháng {r.month.label}"
    )
    return Publication(
        [
            Markdown(key, review_markdown(report, lang, links), description),
            Table(f"{key}-so-lieu", list(headline_rows(r, lang)), figures),
        ]
    )


def _run_name() -> str:
    """'báo cáo tháng 2025-12' (the month before, when none is given)."""
    month = form_value("month")
    return f"báo cáo tháng {month}" if isinstance(month, str) and month else "báo cáo tháng trước"


@flow(name="monthly-review", validate_parameters=False, flow_run_name=_run_name)
@refusals_fail_quietly
async def monthly_review(request: ReviewForm = ReviewForm()) -> dict[str, Any]:
    """The monthly review of the tasks: done on time, late, overdue, by unit, as
    `dondoc report monthly` makes it (HTML, PDF, Excel annex; mail to the leaders).

    Args:
        request: Tháng và ngôn ngữ của báo cáo / the month and language of the review
    """
    async with dondoc_run(failure_key=REVIEW_KEY) as run:
        form = parse_form(ReviewForm, request, run.lang)
        month = form.month or previous_month(run.deps.clock.now(), run.calendar.timezone)
        get_run_logger().info("monthly review of %s (%s) requested", month, form.lang)
        report = accepted(await make(quote(run), month, form.lang))
        deps = run.deps

        def link(name: str) -> str | None:  # the UI's reader: the coordinators
            return report_url(deps.settings, name, COORDINATORS, deps.clock.now)

        await publish(publication(report, form.lang, link))
        total = report.review.total
        result = {
            "month": report.review.month.iso,
            "files": [str(path) for path in report.files.paths],
            "mailed": report.mail.planned,
            "already_mailed": report.mail.already,
            "tasks": total.total,
            "overdue": total.in_progress_overdue,
            "on_time_rate": total.on_time_rate,
        }
        get_run_logger().info("monthly review: %s", result)
        return result
