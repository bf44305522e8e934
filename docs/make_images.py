"""The README's two pictures, made again with `.venv/bin/python docs/make_images.py`
(no network, no database; WeasyPrint and pdftoppm from poppler-utils):

- docs/review-page1.png: the first page of a sample monthly review (12/2025), made by the
  report's own code (engine.report.document) from a review built here from plain data;
- docs/escalation-mail.png: the HTML part of an escalation mail (level 2, to the
  unit's superior), rendered by engine.mail.render and printed by WeasyPrint.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the engine of this checkout, installed or not

from engine.domain.categories import Category  # noqa: E402
from engine.domain.lifecycle import Status  # noqa: E402
from engine.domain.review import (  # noqa: E402
    Figures,
    Month,
    MonthlyReview,
    ReviewedTask,
    TrendPoint,
    UnitFigures,
)
from engine.mail.context import DueItem, Office, Recipient, TaskView  # noqa: E402
from engine.mail.render import render  # noqa: E402
from engine.report.document import ReportForm, ReportInput, render_html, render_pdf  # noqa: E402

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DECEMBER = Month(2025, 12)
CUTOFF_DAY = date(2026, 1, 1)  # the review's cut-off: the first instant of January
OFFICE = "Văn phòng Chủ tịch nước"
UNITS = {
    "VPCTN-DN": "Vụ Đối ngoại",
    "VPCTN-PL": "Vụ Pháp luật",
    "VPCTN-TCHC": "Vụ Tổ chức - Hành chính",
    "VPCTN-TH": "Vụ Tổng hợp",
    "VPCTN-TTTT": "Trung tâm Thông tin",
}
DPI = 60

#: the sample book of 12/2025: (unit, directive, item, title, owner, category, deadline in
#: force, original deadline, escalation level)
BOOK: tuple[tuple[str, str, str, str, str, Category, date | None, date | None, int], ...] = (
    ("VPCTN-DN", "32/TB-VPCTN", "5",
     "Chủ động triển khai, phối hợp hoàn thiện nội dung các hoạt động đối ngoại của lãnh đạo"
     " Nhà nước thời gian tới", "Vũ Hoàng Nam", Category.IN_PROGRESS_OVERDUE,
     date(2025, 10, 31), date(2025, 9, 30), 3),
    ("VPCTN-TH", "45/TB-VPCTN", "1",
     "Rà soát, không để sót lọt nhiệm vụ thường xuyên và đột xuất đến cuối năm 2025",
     "Phạm Văn Thành", Category.IN_PROGRESS_OVERDUE, date(2025, 12, 12), None, 1),
    ("VPCTN-DN", "45/TB-VPCTN", "6",
     "Chuẩn bị chu đáo các hoạt động đối nội, đối ngoại cuối năm 2025", "Trịnh Ngọc Lan",
     Category.IN_PROGRESS_OVERDUE, date(2025, 12, 24), None, 0),
    ("VPCTN-TH", "45/TB-VPCTN", "4", "Xây dựng chương trình công tác năm 2026",
     "Lê Thị Mai Anh", Category.COMPLETED_ON_TIME, date(2025, 12, 19), None, 0),
    ("VPCTN-PL", "45/TB-VPCTN", "3",
     "Đổi mới tư duy, nâng cao chất lượng tham mưu chiến lược về chức năng, nhiệm vụ của"
     " Chủ tịch nước, Phó Chủ tịch nước", "Nguyễn Đức Long", Category.COMPLETED_LATE,
     date(2025, 12, 10), None, 0),
    ("VPCTN-TCHC", "32/TB-VPCTN", "6",
     "Đổi mới phương thức, cách làm; phân công rõ người phụ trách", "Bùi Thị Hồng Nhung",
     Category.COMPLETED_ON_TIME, date(2025, 12, 15), None, 0),
    ("VPCTN-TH", "45/TB-VPCTN", "2",
     "Tổ chức tổng kết thực hiện nhiệm vụ năm 2025, triển khai nhiệm vụ năm 2026",
     "Cao Đức Việt", Category.IN_PROGRESS_WITHIN_DEADLINE, date(2026, 1, 14), None, 0),
    ("VPCTN-PL", "45/TB-VPCTN", "5",
     "Phục vụ các phiên họp của Ban Chỉ đạo Cải cách tư pháp Trung ương và Hội đồng Quốc"
     " phòng - An ninh", "Hoàng Thu Trang", Category.IN_PROGRESS_WITHIN_DEADLINE,
     date(2026, 1, 16), date(2025, 12, 18), 0),
    ("VPCTN-TTTT", "45/TB-VPCTN", "7",
     "Nắm tình hình đời sống người dân sau mưa lũ, đề xuất hoạt động thăm hỏi", "Ngô Thanh Tâm",
     Category.ONGOING, None, None, 0),
)  # fmt: skip

#: the five months before December: (on time, late, within deadline, overdue, ongoing)
EARLIER = ((0, 0, 0, 0, 0), (2, 0, 4, 0, 1), (3, 1, 2, 1, 1), (1, 0, 3, 2, 1), (2, 1, 3, 2, 1))


def _line(
    i: int, entry: tuple[str, str, str, str, str, Category, date | None, date | None, int]
) -> ReviewedTask:
    unit, reference, number, title, owner, category, deadline, original, level = entry
    overdue = category is Category.IN_PROGRESS_OVERDUE
    done = category in (Category.COMPLETED_ON_TIME, Category.COMPLETED_LATE)
    extensions = ((original, deadline),) if original and deadline else ()
    return ReviewedTask(
        id=i, unit=unit, reference=reference, number=number, title=title, owner=owner,
        recurrence="ongoing" if category is Category.ONGOING else None,
        status=Status.COMPLETED if done else Status.IN_PROGRESS, category=category,
        deadline=deadline, original_deadline=original or deadline, extensions=extensions,
        assigned_at=None, completed_at=None,
        days_overdue=(CUTOFF_DAY - deadline).days if overdue and deadline else 0,
        escalation_level=level if overdue else 0, assigned_in_month=False,
    )  # fmt: skip


def _figures(lines: list[ReviewedTask]) -> Figures:
    counts = Counter(x.category for x in lines)
    figures = Figures(**{c.value: counts[c] for c in Category})
    for x in lines:
        if x.category is Category.IN_PROGRESS_OVERDUE:
            bucket = "1-7" if x.days_overdue <= 7 else "8-30" if x.days_overdue <= 30 else "31+"
            figures.overdue_aging[bucket] += 1
            levels = figures.escalation_levels
            levels[x.escalation_level] = levels.get(x.escalation_level, 0) + 1
    figures.extensions_requested = figures.extensions_granted = sum(x.extended for x in lines)
    figures.due_next_month = sum(1 for x in lines if _due_in_january(x))
    return figures


def _due_in_january(x: ReviewedTask) -> bool:
    return x.deadline is not None and date(2026, 1, 1) <= x.deadline <= date(2026, 1, 31)


def sample_review() -> MonthlyReview:
    lines = [_line(i, entry) for i, entry in enumerate(BOOK, start=1)]
    total = _figures(lines)
    months = [Month(2025, m) for m in range(7, 12)]
    trend = [
        TrendPoint(month, Figures(**dict(zip([c.value for c in Category], row, strict=True))))
        for month, row in zip(months, EARLIER, strict=True)
    ]
    trend.append(TrendPoint(DECEMBER, total))
    overdue = sorted(
        (x for x in lines if x.category is Category.IN_PROGRESS_OVERDUE),
        key=lambda x: -x.days_overdue,
    )
    return MonthlyReview(
        month=DECEMBER,
        cutoff=datetime(2026, 1, 1, tzinfo=HANOI),
        total=total,
        units=tuple(
            UnitFigures(code, _figures([x for x in lines if x.unit == code]))
            for code in sorted({x.unit for x in lines})
        ),
        trend=tuple(trend),
        lines=tuple(lines),
        overdue=tuple(overdue),
        due_next_month=tuple(sorted((x for x in lines if _due_in_january(x)), key=lambda x: x.deadline or date.max)),
    )  # fmt: skip


def sample_report(lang: str = "vi") -> ReportInput:
    return ReportInput(
        review=sample_review(),
        office=OFFICE,
        lang=lang,
        generated_at=datetime(2026, 1, 20, 10, 0, tzinfo=HANOI),
        unit_names=UNITS,
        form=ReportForm(signer_name="Nguyễn Thị Thanh Hà"),
    )


def escalation_mail_html() -> str:
    """An escalation of level 2 (to the unit's superior) of two overdue tasks."""
    office = Office(OFFICE, "theodoi@example.vn", "Vụ Tổng hợp — bộ phận theo dõi, đôn đốc")
    recipient = Recipient("Trần Quốc Hưng", "Chủ nhiệm", "hungtq@example.vn", OFFICE)

    def task(id: int, number: str, title: str, deadline: date) -> TaskView:
        return TaskView(
            id=id, number=number, title=title, description="", reference="45/TB-VPCTN",
            directive_title="Thông báo kết luận của Chủ tịch nước tại cuộc họp giao ban"
            " tháng 11/2025", issued_on=date(2025, 11, 26), issuer="Chủ tịch nước",
            lead_unit_name="Vụ Đối ngoại", accountable="Vụ trưởng Vũ Hoàng Nam",
            owner="Trịnh Ngọc Lan", coordinating_units=("Vụ Tổng hợp",), deadline=deadline,
            recurrence=None, deliverable="Báo cáo kết quả", authority="Chủ nhiệm Văn phòng",
        )  # fmt: skip

    items = [
        DueItem("escalation", 2, task(6, "6", BOOK[2][3], date(2025, 12, 24)),
                working_days_overdue=12),
        DueItem("escalation", 2, task(9, "9", "Chuẩn bị nội dung làm việc với Đoàn đại biểu"
                " cấp cao nước ngoài đầu năm 2026", date(2025, 12, 26)), working_days_overdue=10),
    ]  # fmt: skip
    mail = render(
        "escalation", "vi", office=office, recipient=recipient, items=items, level=2,
        undelivered=[],
    )  # fmt: skip
    return mail.html


def pdf_to_png(pdf: bytes, out: Path, dpi: int, work: Path, *, crop: bool = False) -> None:
    """The first page of `pdf` as a PNG at `out`; `crop`: its blank foot cut off."""
    from PIL import Image, ImageChops  # WeasyPrint's own dependency

    source = work / "page.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
         str(source), str(work / "page")],
        check=True,
    )  # fmt: skip
    image = Image.open(work / "page.png").convert("RGB")
    if crop:  # keep the page's width, cut the background below the last line
        inside = image.crop((0, 0, image.width, image.height - dpi // 10))  # not the edge
        background = inside.getpixel((image.width // 2, inside.height - 1))
        ink = ImageChops.difference(inside, Image.new("RGB", inside.size, background)).getbbox()
        if ink is not None:
            image = image.crop((0, 0, image.width, min(image.height, ink[3] + dpi // 4)))
    image.quantize(colors=64).save(out, optimize=True)


def main() -> None:
    from weasyprint import CSS, HTML

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        review = render_pdf(render_html(sample_report()))
        pdf_to_png(review, HERE / "review-page1.png", DPI, work)
        page = CSS(string="@page { size: 180mm 297mm; margin: 0; }")
        mail = HTML(string=escalation_mail_html()).write_pdf(stylesheets=[page])
        assert mail is not None
        pdf_to_png(bytes(mail), HERE / "escalation-mail.png", 90, work, crop=True)
    for name in ("review-page1.png", "escalation-mail.png"):
        path = HERE / name
        print(f"{path.relative_to(HERE.parent)}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
