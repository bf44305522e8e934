"""The monthly review as a document a clerk files (Nghị định 30/2020/NĐ-CP, Phụ lục I):
number and symbol, place and date, title, body, recommendations, the closing sentence,
"Nơi nhận" beside the signature block, then the phụ lục; Times New Roman (or Liberation
Serif) at 13 pt and more, page numbers at the top from page 2. Read from the PDF's text
(pdftotext, pdffonts: poppler-utils), in Vietnamese and in English.

The review is December's book of tests/test_review_report.py, read from a real (SQLite)
database; the unit-ranking book of tests/test_lagging_units.py drives the recommendations.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from engine.domain.review import Month, MonthlyReview
from engine.report.document import (
    ReportForm,
    ReportInput,
    recommendations,
    render_html,
    render_pdf,
    summary,
)
from engine.services.deps import Deps
from engine.services.review import unit_names
from engine.settings import Settings
from tests.test_lagging_units import BOOK, december
from tests.test_review_report import HANOI, december_book, nfc, office, review_of

__all__ = ["december_book", "office"]  # the fixtures of test_review_report, used here

MADE_AT = datetime(2026, 1, 20, 10, 0, tzinfo=HANOI)
OFFICE = "Văn phòng Chủ tịch nước"
SIGNED = ReportForm(signer_name="Nguyễn Thị Thanh Hà")
#: December's book on SQLite only: the documents do not depend on the database
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils not installed"
)


def report(
    app: Deps, lang: str = "vi", month: Month = Month(2025, 12), **form: object
) -> ReportInput:
    with app.session() as session:
        names = unit_names(session, lang)
    return ReportInput(
        review=review_of(app, month),
        office=OFFICE,
        lang=lang,
        generated_at=MADE_AT,
        unit_names=names,
        form=ReportForm(**form) if form else SIGNED,  # type: ignore[arg-type]
    )


def pdf_of(data: ReportInput, tmp_path: Path) -> Path:
    path = tmp_path / f"review-{data.lang}.pdf"
    path.write_bytes(render_pdf(render_html(data)))
    return path


def poppler(*args: str) -> str:
    return nfc(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def pages(pdf: Path) -> list[str]:
    """Each page's text, its whitespace collapsed to single spaces."""
    return [" ".join(page.split()) for page in poppler("pdftotext", str(pdf), "-").split("\f")][:-1]


def in_order(text: str, *parts: str) -> None:
    """Each of `parts` is in `text`, each after the one before."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not found after {text[max(at - 60, 0) : at]!r}"
        at = found + len(part)


# -- the form --------------------------------------------------------------------------------


@needs_poppler
@ON_SQLITE
def test_the_review_has_the_parts_of_a_report_in_their_order(
    december_book: Deps, tmp_path: Path
) -> None:
    data = report(december_book)
    text = " ".join(pages(pdf_of(data, tmp_path)))
    in_order(
        text,
        "VĂN PHÒNG CHỦ TỊCH NƯỚC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: /BC-VPCTN",  # the number left blank, to be filled in at registration
        "Hà Nội, ngày 20 tháng 01 năm 2026",
        "BÁO CÁO",
        "Tình hình thực hiện nhiệm vụ tháng 12/2025",
        "I. KẾT QUẢ CHUNG",
        "Trong tháng 12/2025, 1 nhiệm vụ hoàn thành đúng hạn, đạt 33,3%",
        "II. NHIỆM VỤ CHƯA HOÀN THÀNH, QUÁ HẠN",
        "Chuẩn bị hoạt động đối ngoại cuối năm",
        "45/TB-VPCTN, mục 4",
        "III. NHIỆM VỤ ĐẾN HẠN TRONG THÁNG 01/2026",
        "Phục vụ phiên họp Ban Chỉ đạo",
        "IV. KIẾN NGHỊ, ĐỀ XUẤT",
        "1. Đề nghị Lãnh đạo Văn phòng chỉ đạo Vụ DN khẩn trương hoàn thành 1 nhiệm vụ chưa"
        " hoàn thành, đã quá hạn (danh sách tại mục II)",
        "2. Đề nghị các đơn vị chủ trì 1 nhiệm vụ đến hạn trong tháng 01/2026",
        "Trên đây là báo cáo tình hình thực hiện nhiệm vụ tháng 12/2025 của Văn phòng Chủ tịch"
        " nước./.",
        "Nơi nhận:",
        "- Lãnh đạo Văn phòng;",
        "- Các đơn vị thuộc Văn phòng;",
        "- Lưu: VT, TH.",
        "Phụ lục",
        "(Kèm theo Báo cáo số /BC-VPCTN ngày 20 tháng 01 năm 2026 của Văn phòng Chủ tịch nước)",
        "1. Nhiệm vụ theo phân loại",
        "2. Diễn biến sáu tháng gần nhất",
        "3. Kết quả theo đơn vị chủ trì",
        "lúc 10 giờ 00 ngày 20/01/2026",
    )
    # the signature block beside "Nơi nhận": its title, then the name
    assert re.search(r"KT\. CHỦ NHIỆM .*PHÓ CHỦ NHIỆM .*Nguyễn Thị Thanh Hà", text)
    assert text.index("./.") < text.index("KT. CHỦ NHIỆM") < text.index("Phụ lục")
    # calendar days, and it says so: in the column's header and in the notes
    assert '<th class="days">Số ngày quá hạn (tính cả ngày nghỉ)</th>' in render_html(data)
    assert "Số ngày quá hạn là số ngày theo lịch (tính cả ngày nghỉ)" in text
    assert "vượt cấp" not in text.lower()
    assert "45/TB-VPCTN (4)" not in text
    assert "10:00" not in text


@needs_poppler
@ON_SQLITE
def test_the_english_review_has_the_same_parts_in_english(
    december_book: Deps, tmp_path: Path
) -> None:
    data = report(december_book, "en")
    text = " ".join(pages(pdf_of(data, tmp_path)))
    in_order(
        text,
        "SOCIALIST REPUBLIC OF VIET NAM",
        "No.: /BC-VPCTN",
        "Ha Noi, 20 January 2026",
        "REPORT",
        "Implementation of assigned tasks, 12/2025",
        "II. OVERDUE TASKS",
        "45/TB-VPCTN, item 4",
        "IV. RECOMMENDATIONS",
        "1. We propose that the Office leadership direct Department DN to complete its 1"
        " overdue task(s) without delay",
        "This concludes the report of Văn phòng Chủ tịch nước on the implementation of"
        " assigned tasks in 12/2025.",
        "Recipients:",
        "- Office leadership;",
        "- Archived: VT, TH.",
        "Annex",
        "(Attached to Report No. /BC-VPCTN of 20 January 2026, Văn phòng Chủ tịch nước)",
        "10:00 on 20/01/2026",
    )
    assert re.search(
        r"FOR THE CHIEF OF OFFICE .*DEPUTY CHIEF OF OFFICE .*Nguyễn Thị Thanh Hà", text
    )
    assert '<th class="days">Days overdue (calendar days)</th>' in render_html(data)
    assert "Days overdue are calendar days (days off included)" in text
    for vietnamese in ("Nơi nhận", "Lưu:", "Kiến nghị", "KIẾN NGHỊ", "Phụ lục", "giờ"):
        assert vietnamese not in text


# -- typography ------------------------------------------------------------------------------


@needs_poppler
@ON_SQLITE
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_text_is_times_new_roman_or_its_metric_twin_at_13_pt_and_more(
    december_book: Deps, tmp_path: Path, lang: str
) -> None:
    data = report(december_book, lang)
    html = render_html(data)
    body = re.search(r"\bbody \{[^}]*\}", html)
    assert body is not None
    assert 'font-family: "Times New Roman", "Liberation Serif", serif' in body.group()
    size = re.search(r"font-size: ([\d.]+)pt", body.group())
    assert size is not None
    assert 13 <= float(size.group(1)) <= 14
    # the tables: 12 pt, a list 11 pt, a wide one of the phụ lục 10.5 pt
    assert (
        min(float(s) for s in re.findall(r"table\.data[^{]*\{[^}]*font-size: ([\d.]+)pt", html))
        >= 10
    )
    assert "sans" not in html.lower()  # no sans face anywhere, the charts' labels too

    pdf = pdf_of(data, tmp_path)
    fonts = poppler("pdffonts", str(pdf)).splitlines()[2:]
    names = {line.split()[0].split("+")[-1] for line in fonts}
    assert names
    assert all(re.match(r"(Liberation-?Serif|Times)", n) for n in names), names
    assert all(line.split()[-5] == "yes" for line in fonts)  # embedded
    # the opening paragraph's first word: a line of 13 pt Times is ~14.4 pt high (ascent +
    # descent, 1.107 em); of 12 pt, ~13.3
    first = "Trong" if lang == "vi" else "In"
    boxes = poppler("pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-")
    heights = [
        float(y2) - float(y1)
        for y1, y2, word in re.findall(
            r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<', boxes
        )
        if word == first
    ]
    assert heights
    assert max(heights) >= 13 * 1.05, heights


@needs_poppler
@ON_SQLITE
def test_page_numbers_stand_at_the_top_from_page_2_and_the_annex_counts_its_own(
    december_book: Deps, tmp_path: Path
) -> None:
    texts = pages(pdf_of(report(december_book), tmp_path))
    annex = next(i for i, page in enumerate(texts) if page.startswith("Phụ lục"))
    assert texts[0].startswith("VĂN PHÒNG CHỦ TỊCH NƯỚC")  # no number on the first page
    for i in range(1, annex):
        assert texts[i].split()[0] == str(i + 1), texts[i][:40]
    # the phụ lục begins a page, and is numbered on its own, from its second page
    assert annex >= 2
    for i in range(annex + 1, len(texts)):
        assert texts[i].split()[0] == str(i - annex + 1), texts[i][:40]


# -- the office's settings -------------------------------------------------------------------


def test_the_office_settings_make_the_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DONDOC_REPORT_SYMBOL", "BC-VPTW")
    monkeypatch.setenv("DONDOC_REPORT_PLACE", "Đà Nẵng")
    monkeypatch.setenv("DONDOC_REPORT_SIGNER_TITLE", r"TL. CHỦ NHIỆM\nCHÁNH VĂN PHÒNG")
    monkeypatch.setenv("DONDOC_REPORT_RECIPIENTS", '["Như trên", "Chủ tịch nước (để báo cáo)"]')
    monkeypatch.setenv("DONDOC_REPORT_ARCHIVE", "TH(02)")
    form = ReportForm.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    html = render_html(unlagging(form))
    assert 'Số: <span class="number"></span>/BC-VPTW' in html
    assert "Đà Nẵng, ngày 02 tháng 01 năm 2026" in html
    assert "<p>TL. CHỦ NHIỆM</p>\n<p>CHÁNH VĂN PHÒNG</p>" in html
    assert (
        "<p>- Như trên;</p>\n<p>- Chủ tịch nước (để báo cáo);</p>\n<p>- Lưu: VT, TH(02).</p>"
        in html
    )
    # no name: the space is left for the signature and the name
    assert '<div class="space"></div>\n<p class="name"></p>' in html


def test_a_given_number_fills_the_number_line_and_the_defaults_need_no_settings() -> None:
    html = render_html(unlagging(ReportForm(number="12")))
    assert 'Số: <span class="number">12</span>/BC-VPCTN' in html
    assert '(Kèm theo Báo cáo số <span class="number">12</span>/BC-VPCTN ngày 02' in html
    default = ReportForm.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    assert default == ReportForm()
    assert default.signer_lines("vi") == ["KT. CHỦ NHIỆM", "PHÓ CHỦ NHIỆM"]
    assert default.recipients_in("vi") == ["Lãnh đạo Văn phòng", "Các đơn vị thuộc Văn phòng"]
    assert default.place_in("en") == "Ha Noi"
    old = ReportInput(unlagging().review, OFFICE, "vi", MADE_AT, {})  # callers without a form
    assert old.form == ReportForm()


# -- the recommendations ---------------------------------------------------------------------


def unlagging(form: ReportForm = SIGNED, review: MonthlyReview | None = None) -> ReportInput:
    """The report on test_lagging_units' book (five units with overdue work), made on
    02/01/2026."""
    return ReportInput(
        review=review or december(BOOK),
        office=OFFICE,
        lang="vi",
        generated_at=datetime(2026, 1, 2, 8, 0, tzinfo=HANOI),
        unit_names={code: f"Vụ {code}" for code in BOOK},
        form=form,
    )


def test_the_recommendation_names_the_lagging_units_in_their_order() -> None:
    [first] = recommendations(unlagging())
    assert first == (
        "Đề nghị Lãnh đạo Văn phòng chỉ đạo các đơn vị: Vụ TH (3 nhiệm vụ), Vụ DN (2 nhiệm vụ),"
        " Vụ PL (2 nhiệm vụ), Vụ QT (2 nhiệm vụ), Vụ KH (2 nhiệm vụ) khẩn trương hoàn thành 11"
        " nhiệm vụ chưa hoàn thành, đã quá hạn (danh sách tại mục II); trường hợp chưa thể hoàn"
        " thành, báo cáo rõ lý do và đề xuất thời hạn hoàn thành mới để cấp có thẩm quyền xem xét."
    )


def test_tasks_before_the_office_leadership_get_their_own_recommendation() -> None:
    review = december(BOOK)
    review.total.escalation_levels.update({1: 4, 3: 2})
    proposals = recommendations(unlagging(review=review))
    assert proposals[1] == (
        "Đối với 2 nhiệm vụ đã báo cáo Lãnh đạo Văn phòng xem xét, chỉ đạo mà đơn vị chủ trì vẫn"
        " chưa hoàn thành, đề nghị Lãnh đạo Văn phòng có ý kiến chỉ đạo cụ thể đối với từng"
        " nhiệm vụ."
    )


@ON_SQLITE
def test_a_month_with_nothing_overdue_says_so_plainly(december_book: Deps) -> None:
    november = report(december_book, month=Month(2025, 11))  # all five within their deadline
    assert november.review.total.in_progress_overdue == 0
    assert recommendations(november) == [
        "Tính đến hết ngày 30/11/2025, không có nhiệm vụ nào chưa hoàn thành, quá hạn; không"
        " có kiến nghị về việc chậm thực hiện nhiệm vụ.",
        "Đề nghị các đơn vị chủ trì 5 nhiệm vụ đến hạn trong tháng 12/2025 (danh sách tại mục"
        " III) chủ động triển khai, bảo đảm hoàn thành đúng thời hạn.",
    ]
    words = summary(november) + " ".join(recommendations(november))
    assert "không có nhiệm vụ nào quá hạn" in words
    assert not re.search(r"\b0 nhiệm vụ", words)
    october = report(december_book, month=Month(2025, 10))  # before the directive
    assert recommendations(october) == [
        "Trong tháng 10/2025 không có nhiệm vụ nào phải theo dõi; không có kiến nghị, đề xuất."
    ]
