"""The monthly review (báo cáo tình hình thực hiện nhiệm vụ tháng), as
`dondoc report monthly` makes it: the month's HTML, PDF and Excel annex written into
the worker's report folder (DONDOC_REPORT_DIR), the covering mail to the leaders put in
the outbox (once per month and recipient), and the headline table with the files'
paths published as artifacts under `bao-cao-thang-YYYY-MM`."""

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from engine.domain.review import ReviewError
from engine.services.review import MonthlyReport, headline_rows, make_monthly_report
from workflows.artifacts import Markdown, Publication, Table, publish
from workflows.common import (
    Run,
    RunRefused,
    blocking,
    dondoc_run,
    field,
    parse_form,
    retry_unless_refused,
)

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
    lang: Literal["vi", "en"] = field(1, "Ngôn ngữ", "Language of the report", "vi")


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
async def make(run: Run, month: str, lang: str) -> MonthlyReport:
    try:
        return await blocking(
            make_monthly_report,
            run.deps,
            month,
            lang=lang,
            out_dir=run.settings.report_dir.resolve(),
        )
    except ReviewError as exc:  # the CLI's message, in the office's language
        raise RunRefused(exc.message(run.lang)) from exc


def publication(report: MonthlyReport, lang: str) -> Publication:
    r = report.review
    key = review_key(r.month.iso)
    files = report.files
    en = lang == "en"
    lines = [
        f"## {'Monthly review' if en else 'Báo cáo tình hình thực hiện nhiệm vụ tháng'}"
        f" {r.month.label}",
        "",
        *(f"- [{path.name}]({path.as_uri()}) — `{path}`" for path in files.paths),
        "",
    ]
    mail = report.mail
    if mail.planned:
        lines.append(
            (
                "Mail to the leaders is in the outbox: "
                if en
                else "Thư gửi lãnh đạo đã vào hàng đợi: "
            )
            + ", ".join(mail.planned)
        )
    if mail.already:
        lines.append(
            (
                "Already mailed this month, not again: "
                if en
                else "Đã gửi trong tháng, không gửi lại: "
            )
            + ", ".join(mail.already)
        )
    description = (
        f"Headline figures of {r.month.label}" if en else f"Số liệu chính tháng {r.month.label}"
    )
    return Publication(
        [
            Table(key, list(headline_rows(r, lang)), description),
            Markdown(f"{key}-tep", "\n".join(lines), "Files" if en else "Tệp báo cáo"),
        ]
    )


@flow(name="monthly-review", validate_parameters=False)
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
        report = await make(quote(run), month, form.lang)
        await publish(publication(report, form.lang))
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
