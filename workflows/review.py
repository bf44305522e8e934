"""The monthly review (báo cáo tình hình thực hiện nhiệm vụ tháng): its parameters are
here; the report itself comes with its own issue (HTML, PDF and Excel), and until it
lands a run fails saying so rather than pretend."""

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger
from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from workflows.common import RunRefused, dondoc_run, field, parse_form

NOT_AVAILABLE = (
    "Báo cáo tháng chưa có trong phiên bản này / the monthly review is not available yet"
)

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


@flow(name="monthly-review", validate_parameters=False)
async def monthly_review(request: ReviewForm = ReviewForm()) -> dict[str, Any]:
    """The monthly review of the tasks: done on time, late, overdue, by unit.

    Not available yet: the run checks its parameters, then fails saying so.

    Args:
        request: Tháng và ngôn ngữ của báo cáo / the month and language of the review
    """
    async with dondoc_run(need_schema=False) as run:
        form = parse_form(ReviewForm, request, run.lang)
        month = form.month or previous_month(run.app.clock.now(), run.calendar.timezone)
        get_run_logger().info("monthly review of %s (%s) requested", month, form.lang)
        # HOOK: when the monthly review service lands, call it here for `month` and
        # `form.lang`, publish the report as an artifact (key `bao-cao-thang-YYYY-MM`)
        # and activate the schedule in prefect.yaml.
        raise RunRefused(NOT_AVAILABLE)
