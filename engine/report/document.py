"""The report as HTML (templates/report/), and as PDF with WeasyPrint.

The report's Jinja environment is set up as the mail's (engine/templating.py), SVG
autoescaped too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine import i18n, presenters, templating
from engine.domain.categories import Category
from engine.domain.review import MonthlyReview, ReviewedTask, lagging_units
from engine.report import charts
from engine.report.words import words
from engine.templating import environment

TEMPLATES = templating.TEMPLATES / "report"
LANGUAGES = ("vi", "en")
#: rows of the overdue and due-next-month lists in the document; the annex has them all
MAX_LISTED = 40
#: units named in the summary paragraph, as `lagging_units` ranks them
LAGGARDS_NAMED = 3


def pct(value: float | None, lang: str) -> str:
    """'33,3' (vi: decimal comma) or '33.3' (en); '—' when there is no rate."""
    if value is None:
        return "—"
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "vi" else text


def _level(level: int, lang: str) -> str:
    t = words(lang)
    return t.get(f"level_{level}") or t["level_n"].format(n=level)


ENV = environment(
    "report",
    escaped=("html", "svg"),
    filters={
        "pct": pct,
        "category": i18n.category_label,
        "status": i18n.status_label,
        "level": _level,
    },
)


@dataclass(frozen=True)
class ReportInput:
    """Everything the documents are made of."""

    review: MonthlyReview
    office: str
    lang: str
    generated_at: datetime  # local time
    unit_names: Mapping[str, str]  # code -> name in the report's language

    def unit_name(self, code: str) -> str:
        return self.unit_names.get(code) or code or "—"


def _deadline_text(line: ReviewedTask, lang: str) -> str:
    """'30/01/2026 (gia hạn từ 15/12/2025)': the deadline in force at the cut-off."""
    return presenters.deadline_text(
        line.deadline, lang, recurrence=line.recurrence, original=line.original_deadline
    )


def context(data: ReportInput) -> dict[str, Any]:
    r = data.review
    lang = data.lang
    t = words(lang)

    def name(category: Category) -> str:
        return i18n.category_label(category, lang)

    trend = charts.trend_chart(
        r.trend, name, t["rate_axis"], t["trend_chart"], lambda v: pct(v, lang)
    )
    units = charts.unit_chart(r.units, data.unit_name, name, t["unit_chart"])
    previous = r.trend[-2].figures if len(r.trend) > 1 else None
    return {
        "r": r,
        "t": t,
        "lang": lang,
        "office": data.office,
        "generated": data.generated_at,
        "categories": list(Category),
        "colours": charts.COLOURS,
        "unit_name": data.unit_name,
        "deadline_text": lambda line: _deadline_text(line, lang),
        "overdue": r.overdue[:MAX_LISTED],
        "overdue_more": max(len(r.overdue) - MAX_LISTED, 0),
        "due": r.due_next_month[:MAX_LISTED],
        "due_more": max(len(r.due_next_month) - MAX_LISTED, 0),
        "laggards": [
            (data.unit_name(u.unit), u.figures.in_progress_overdue)
            for u in lagging_units(r)[:LAGGARDS_NAMED]
        ],
        "previous": previous,
        "trend_chart": trend,
        "unit_chart": units,
    }


def summary(data: ReportInput) -> str:
    """The paragraph that opens the report ("Trong tháng 12/2025, …")."""
    if data.lang not in LANGUAGES:
        raise ValueError(f"unknown report language {data.lang!r}")
    text = ENV.get_template(f"{data.lang}/summary.txt").render(context(data))
    return " ".join(text.split())


def render_html(data: ReportInput) -> str:
    if data.lang not in LANGUAGES:
        raise ValueError(f"unknown report language {data.lang!r}")
    return ENV.get_template("report.html").render(context(data), summary=summary(data))


def render_pdf(html: str) -> bytes:
    """The same document as PDF (WeasyPrint; fonts from the system: DejaVu, Liberation)."""
    from weasyprint import HTML  # imported here: it loads Pango, and only reports need it

    pdf = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
