"""The report as HTML (templates/report/), and as PDF with WeasyPrint.

The document follows the form of an administrative report (Nghị định 30/2020/NĐ-CP,
Phụ lục I): the issuing body and its number and symbol, the national title and motto with
the place and date, the title, the body, the closing sentence, "Nơi nhận" beside the
signature block, then a phụ lục with the cards, the charts and the per-unit figures. What
of that form belongs to the office (symbol, place, signer, recipients) is a `ReportForm`.

The report's Jinja environment is set up as the mail's (engine/templating.py), SVG
autoescaped too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine import i18n, presenters, templating
from engine.domain.categories import Category
from engine.domain.compliance import UpdateCompliance
from engine.domain.review import MonthlyReview, ReviewedTask, lagging_units
from engine.report import charts
from engine.report.words import words
from engine.templating import environment

if TYPE_CHECKING:
    from engine.settings import Settings

TEMPLATES = templating.TEMPLATES / "report"
LANGUAGES = ("vi", "en")
#: rows of the overdue and due-next-month lists in the document; the annex has them all
MAX_LISTED = 40
#: units named in the summary paragraph, as `lagging_units` ranks them
LAGGARDS_NAMED = 3
#: units named in the recommendation to finish overdue work; the others are counted
UNITS_NAMED = 6
#: the escalation level from which an overdue task is before the office's leadership
REFERRED_LEVEL = 3


def pct(value: float | None, lang: str) -> str:
    """'33,3' (vi: decimal comma) or '33.3' (en); '—' when there is no rate."""
    if value is None:
        return "—"
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "vi" else text


def _level(level: int, lang: str) -> str:
    t = words(lang)
    return t.get(f"level_{level}") or t["level_n"].format(n=level)


def clock(moment: datetime, lang: str) -> str:
    """'10 giờ 00 ngày 20/01/2026' (vi), '10:00 on 20/01/2026' (en): an instant in prose."""
    day = i18n.short_date(moment.date())
    return words(lang)["clock"].format(h=moment.hour, m=moment.minute, day=day)


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
class ReportForm:
    """The office's parts of the form: the symbol of the number ("Số:      /BC-VPCTN",
    the number left blank for the clerk to fill in at registration unless `number` is
    given), the place of the place-and-date line, the signer's title (one line each,
    e.g. "KT. CHỦ NHIỆM" and "PHÓ CHỦ NHIỆM") and name (empty: the space is left for
    the name to be written in), the recipients and who keeps a copy besides the clerical
    office ("Lưu: VT, TH."). None: the default in the report's language
    (engine/report/words.py, `form_*`)."""

    symbol: str = "BC-VPCTN"
    number: str = ""
    place: str | None = None
    signer_title: str | None = None
    signer_name: str = ""
    recipients: tuple[str, ...] | None = None
    archive: str = "TH"

    @classmethod
    def from_settings(cls, settings: Settings) -> ReportForm:
        recipients = settings.report_recipients
        return cls(
            symbol=settings.report_symbol,
            place=settings.report_place,
            signer_title=settings.report_signer_title,
            signer_name=settings.report_signer_name,
            recipients=None if recipients is None else tuple(recipients),
            archive=settings.report_archive,
        )

    def place_in(self, lang: str) -> str:
        return self.place or words(lang)["form_place"]

    def signer_lines(self, lang: str) -> list[str]:
        """The title's lines; a literal backslash-n (as an environment variable gives it)
        breaks a line too."""
        title = self.signer_title or words(lang)["form_signer_title"]
        return [line.strip() for line in title.replace("\\n", "\n").splitlines() if line.strip()]

    def recipients_in(self, lang: str) -> list[str]:
        if self.recipients is None:
            return words(lang)["form_recipients"].splitlines()
        return [r.strip() for r in self.recipients if r.strip()]


@dataclass(frozen=True)
class ReportInput:
    """Everything the documents are made of."""

    review: MonthlyReview
    office: str
    lang: str
    generated_at: datetime  # local time
    unit_names: Mapping[str, str]  # code -> name in the report's language
    form: ReportForm = field(default_factory=ReportForm)
    #: the update-compliance rate at the cut-off (issue 16), when the policy asks for reports
    compliance: UpdateCompliance | None = None

    def unit_name(self, code: str) -> str:
        return self.unit_names.get(code) or code or "—"


def _deadline_text(line: ReviewedTask, lang: str) -> str:
    """'30/01/2026 (gia hạn từ 15/12/2025)': the deadline in force at the cut-off."""
    return presenters.deadline_text(
        line.deadline, lang, recurrence=line.recurrence, original=line.original_deadline
    )


def _place_in_directive(line: ReviewedTask, lang: str) -> str:
    """'32/TB-VPCTN, mục 5': the directive, and the task's item in it when it has one."""
    if not line.number:
        return line.reference
    return words(lang)["item_of"].format(reference=line.reference, number=line.number)


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
    lagging = [(data.unit_name(u.unit), u.figures.in_progress_overdue) for u in lagging_units(r)]
    form = data.form
    levels = r.total.escalation_levels
    return {
        "r": r,
        "t": t,
        "lang": lang,
        "office": data.office,
        "generated": data.generated_at,
        "generated_clock": clock(data.generated_at, lang),
        "categories": list(Category),
        "colours": charts.COLOURS,
        "unit_name": data.unit_name,
        "deadline_text": lambda line: _deadline_text(line, lang),
        "in_directive": lambda line: _place_in_directive(line, lang),
        "overdue": r.overdue[:MAX_LISTED],
        "overdue_more": max(len(r.overdue) - MAX_LISTED, 0),
        "due": r.due_next_month[:MAX_LISTED],
        "due_more": max(len(r.due_next_month) - MAX_LISTED, 0),
        "laggards": lagging[:LAGGARDS_NAMED],
        "overdue_units": lagging[:UNITS_NAMED],
        "overdue_units_more": max(len(lagging) - UNITS_NAMED, 0),
        "referred": sum(n for level, n in levels.items() if level >= REFERRED_LEVEL),
        "long_overdue": r.total.overdue_aging.get("31+", 0),
        "leadership": i18n.term("office_leadership", lang),
        "referred_term": i18n.term("level_3", lang),
        "previous": previous,
        "trend_chart": trend,
        "unit_chart": units,
        "number": form.number,
        "symbol": form.symbol,
        "place": form.place_in(lang),
        "signer_lines": form.signer_lines(lang),
        "signer_name": form.signer_name.strip(),
        "recipients": form.recipients_in(lang),
        "kept_by": ", ".join(["VT", form.archive.strip()] if form.archive.strip() else ["VT"]),
        "compliance": data.compliance,
        "percent": lambda v: "—" if v is None else f"{pct(v, lang)}%",
    }


def _checked(data: ReportInput) -> dict[str, Any]:
    if data.lang not in LANGUAGES:
        raise ValueError(f"unknown report language {data.lang!r}")
    return context(data)


def _summary(values: dict[str, Any]) -> str:
    text = ENV.get_template(f"{values['lang']}/summary.txt").render(values)
    return " ".join(text.split())


def _recommendations(values: dict[str, Any]) -> list[str]:
    text = ENV.get_template(f"{values['lang']}/recommendations.txt").render(values)
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def summary(data: ReportInput) -> str:
    """The paragraph that opens the report ("Trong tháng 12/2025, …")."""
    return _summary(_checked(data))


def recommendations(data: ReportInput) -> list[str]:
    """The proposals of "Kiến nghị, đề xuất", one paragraph each, from the figures."""
    return _recommendations(_checked(data))


def render_html(data: ReportInput) -> str:
    values = _checked(data)
    return ENV.get_template("report.html").render(
        values, summary=_summary(values), recommendations=_recommendations(values)
    )


def render_pdf(html: str) -> bytes:
    """The same document as PDF (WeasyPrint; the fonts from the system: Times New Roman
    or its metric twin Liberation Serif)."""
    from weasyprint import HTML  # imported here: it loads Pango, and only reports need it

    pdf = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
