"""Drafting from the files offices receive: the same conclusion notice as a UTF-8 and a
UTF-16 text file, a Word file with numbered lists and a table, a PDF made by WeasyPrint
and a saved news page gives the same tasks; a scanned PDF, damaged files, an old .doc,
text in another encoding and a file too large are refused with a message naming the file.

Every file is made here, by python-docx and WeasyPrint, from the notice below.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
import weasyprint
import yaml
from PIL import Image, ImageDraw
from pypdf import PdfReader
from typer.testing import CliRunner

from engine.calendar_file import build_calendar, read_calendar_file
from engine.cli import app
from engine.domain.calendar import WorkingCalendar
from engine.extract.documents import MAX_BYTES, DocumentRefused, read_bytes, read_document
from engine.intake.readers import read_units
from engine.intake.validate import validate_units
from engine.services.drafting import Drafted, draft_file
from engine.settings import DEFAULT_CALENDAR_FILE

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "examples" / "units.yaml"

NOTICE = """\
VĂN PHÒNG CHỦ TỊCH NƯỚC
Số: 52/TB-VPCTN
Hà Nội, ngày 02 tháng 12 năm 2025
THÔNG BÁO
Kết luận của Chủ nhiệm Văn phòng Chủ tịch nước tại cuộc họp giao ban tháng 11/2025
Ngày 01 tháng 12 năm 2025, Chủ nhiệm Văn phòng Chủ tịch nước Trần Quốc Hưng chủ trì cuộc họp giao ban với các vụ, đơn vị thuộc Văn phòng.
Thành phần | Số người
Lãnh đạo Văn phòng | 3
Lãnh đạo các vụ, đơn vị | 9
Sau khi nghe Vụ Tổng hợp báo cáo, Chủ nhiệm Văn phòng kết luận như sau:
1. Biểu dương Vụ Đối ngoại đã hoàn thành tốt việc chuẩn bị chuyến thăm cấp Nhà nước.
2. Vụ Pháp luật khẩn trương hoàn thiện hồ sơ đặc xá năm 2026, trình Chủ tịch nước trước ngày 20/12/2025; phối hợp với Bộ Ngoại giao chuẩn bị hồ sơ điều ước quốc tế trong 10 ngày làm việc.
3. Vụ Tổng hợp xây dựng Chương trình công tác năm 2026 của Văn phòng, báo cáo Lãnh đạo Văn phòng trong tháng 12/2025.
4. Vụ Tổ chức - Hành chính báo cáo hằng tháng tình hình thực hiện kỷ luật, kỷ cương hành chính.
"""
_ITEM = re.compile(r"^(\d+)\. (.*)$")


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return build_calendar("Asia/Ho_Chi_Minh", "VN", read_calendar_file(DEFAULT_CALENDAR_FILE))


def _lines() -> list[str]:
    return NOTICE.strip().split("\n")


def write_docx(path: Path) -> Path:
    """The notice as a Word file: its conclusions a real numbered list (Word draws the
    numbers; the paragraphs hold only the words), the attendance a real table."""
    document = docx.Document()
    table = None
    for line in _lines():
        if "|" in line:
            cells = [c.strip() for c in line.split("|")]
            if table is None:
                table = document.add_table(rows=0, cols=len(cells))
            for cell, value in zip(table.add_row().cells, cells, strict=True):
                cell.text = value
            continue
        table = None
        item = _ITEM.match(line)
        if item:
            document.add_paragraph(item[2], style="List Number")
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


def _page_html(lines: list[str]) -> str:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return (
        "<html><head><style>@page { size: A4; margin: 2cm } p { margin: 0 0 6pt 0;"
        " text-align: justify }</style></head>"
        f"<body style='font-family: Liberation Serif; font-size: 14pt'>{body}</body></html>"
    )


def write_pdf(path: Path) -> Path:
    """The notice printed to PDF, paragraphs wrapped over several lines of the page."""
    weasyprint.HTML(string=_page_html(_lines())).write_pdf(str(path))
    return path


def write_scanned_pdf(path: Path) -> Path:
    """A 'scanned' notice: each page only a picture of text, no text layer."""
    picture = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(picture).text((100, 100), "THONG BAO KET LUAN (ban quet)", fill="black")
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    import base64

    src = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    weasyprint.HTML(
        string=f"<html><body style='margin:0'><img src='{src}' style='width:100%'></body></html>"
    ).write_pdf(str(path))
    return path


def write_news_page(path: Path) -> Path:
    """The notice as a news site's page, saved from the browser: menus, a breadcrumb,
    share buttons, related news (with an instruction of its own), a footer, scripts."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in _lines())
    page = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Kết luận giao ban tháng 11 - Báo điện tử</title>
<script>window.dataLayer = [{{"yêu cầu": "Bộ Tài chính khẩn trương"}}];</script>
<style>.menu {{ color: red }}</style></head>
<body><header class="site-header"><nav class="menu"><ul><li><a href="/">Trang chủ</a></li>
<li><a href="/thoi-su">Thời sự</a></li><li><a href="/kinh-te">Kinh tế</a></li></ul></nav></header>
<div class="breadcrumb"><a href="/">Chính trị</a> › Thông báo</div>
<div class="container"><article class="detail"><h1>Kết luận giao ban tháng 11/2025</h1>
{body}
<div class="social-share">Chia sẻ: Facebook · Zalo</div></article>
<aside class="related-news"><h3>Tin liên quan</h3><p>Thủ tướng yêu cầu Bộ Tài chính khẩn
trương trình Chính phủ dự thảo Nghị định trước ngày 15/12/2025.</p></aside></div>
<footer><p>Bản quyền © Báo điện tử. Ghi rõ nguồn khi phát hành lại thông tin.</p></footer>
</body></html>"""
    path.write_text(page, encoding="utf-8")
    return path


def _draft(path: Path, calendar: WorkingCalendar) -> Drafted:
    return draft_file(path, validate_units(read_units(UNITS), []), calendar, None)


def _tasks(drafted: Drafted) -> list[tuple[object, ...]]:
    return [
        (t.quote, t.title, t.unit_code, t.unit_name, t.deadline, t.recurrence, t.kind, t.past)
        for t in drafted.extraction.tasks
    ]


def test_the_same_notice_drafts_the_same_tasks_from_text_word_pdf_and_a_news_page(
    tmp_path: Path, calendar: WorkingCalendar
) -> None:
    text = tmp_path / "52-TB-VPCTN.txt"
    text.write_text(NOTICE, encoding="utf-8")
    expected = _tasks(_draft(text, calendar))
    # the notice's four instructions, as the text-file drafting finds them
    assert [(t[2], str(t[4]), t[5]) for t in expected] == [
        ("VPCTN-PL", "2025-12-20", None),
        ("VPCTN-PL", "2025-12-16", None),
        ("VPCTN-TH", "2025-12-31", None),
        ("VPCTN-TCHC", "None", "monthly"),
    ]
    made = {
        "docx": write_docx(tmp_path / "52-TB-VPCTN.docx"),
        "pdf": write_pdf(tmp_path / "52-TB-VPCTN.pdf"),
        "html": write_news_page(tmp_path / "52-TB-VPCTN.html"),
    }
    for kind, path in made.items():
        drafted = _draft(path, calendar)
        assert _tasks(drafted) == expected, kind
        record = drafted.record
        assert all(task["source_quote"] in record["text"] for task in record["tasks"]), kind
        assert path.name in record["title"]


def test_word_numbered_lists_and_tables_come_out_as_lines(tmp_path: Path) -> None:
    text = read_document(write_docx(tmp_path / "tb.docx")).text
    assert text == NOTICE  # the numbers Word draws, each table row one line


def test_a_pdf_gives_back_its_paragraphs_not_its_printed_lines(tmp_path: Path) -> None:
    got = read_document(write_pdf(tmp_path / "tb.pdf"))
    assert (got.format, got.pages) == ("pdf", 1)
    assert got.text == NOTICE


def test_a_news_page_gives_the_article_without_menus_related_news_or_footer(
    tmp_path: Path,
) -> None:
    text = read_document(write_news_page(tmp_path / "bao.html")).text
    assert text.startswith("Kết luận giao ban tháng 11/2025\nVĂN PHÒNG CHỦ TỊCH NƯỚC\n")
    for chrome in (
        "Trang chủ",
        "Chính trị",
        "Chia sẻ",
        "Tin liên quan",
        "Bộ Tài chính",
        "Bản quyền",
    ):
        assert chrome not in text, chrome


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
     ("utf-16-le", b""), ("utf-8", b"")],
)  # fmt: skip
def test_a_text_file_in_utf8_or_utf16_reads_the_same(
    tmp_path: Path, encoding: str, bom: bytes
) -> None:
    path = tmp_path / "tb.txt"
    path.write_bytes(bom + NOTICE.replace("\n", "\r\n").encode(encoding))
    assert read_document(path).text == NOTICE


def _refusal(path: Path) -> str:
    result = CliRunner().invoke(
        app, ["directive", "draft", str(path), "--units", str(UNITS), "--out", "draft.yaml"]
    )
    assert result.exit_code == 2, result.output
    assert not Path("draft.yaml").exists()
    return " ".join(result.output.split())


def test_a_scanned_pdf_is_refused_naming_the_file(tmp_path: Path) -> None:
    scanned = write_scanned_pdf(tmp_path / "thong-bao-scan.pdf")
    message = _refusal(scanned)
    assert message.startswith("Tệp thong-bao-scan.pdf: PDF không có lớp chữ (có thể là bản quét")
    assert "no text layer" in message


def _truncated_pdf(tmp_path: Path) -> bytes:
    return write_pdf(tmp_path / "whole.pdf").read_bytes()[:700]


@pytest.mark.parametrize(
    ("name", "make", "vi"),
    [
        ("hong.pdf", _truncated_pdf, "tệp PDF hỏng"),
        ("hong.docx", lambda _: b"PK\x03\x04" + bytes(range(256)) * 4, "tệp Word hỏng"),
        ("rac.docx", lambda _: bytes(range(256)) * 8, "tệp Word hỏng"),
        ("cu.doc", lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "tệp Word cũ (.doc)"),
        ("latin1.txt", lambda _: "Thông báo, Hà Nôi".encode("latin-1"), "không phải văn bản UTF-8"),
        ("rong.txt", lambda _: b"\n \n", "tệp không có chữ nào"),
    ],
)  # fmt: skip
def test_a_damaged_or_unreadable_file_is_refused_naming_the_file(
    tmp_path: Path, name: str, make: object, vi: str
) -> None:
    path = tmp_path / name
    path.write_bytes(make(tmp_path))  # type: ignore[operator]
    message = _refusal(path)
    assert message.startswith(f"Tệp {name}: {vi}"), message


def test_a_word_file_without_its_document_part_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(DocumentRefused) as refused:
        read_bytes(buffer.getvalue(), "thieu.docx")
    assert refused.value.vi.startswith("tệp Word hỏng")


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "lon.txt"
    with path.open("wb") as handle:  # sparse: nothing of it is written to disk
        handle.truncate(MAX_BYTES + 1)
    message = _refusal(path)
    assert message.startswith("Tệp lon.txt: tệp quá lớn (20,0 MB; tối đa 20 MB)")
    assert "the file is too large (20.0 MB; at most 20 MB)" in message


def test_a_draft_from_a_word_file_imports_with_quotes_of_its_text(
    tmp_path: Path, calendar: WorkingCalendar
) -> None:
    out = tmp_path / "draft.yaml"
    source = write_docx(tmp_path / "52-TB-VPCTN.docx")
    result = CliRunner().invoke(
        app, ["directive", "draft", str(source), "--units", str(UNITS), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert draft["text"] == NOTICE
    assert [t["lead_unit"] for t in draft["tasks"]] == [
        "VPCTN-PL", "VPCTN-PL", "VPCTN-TH", "VPCTN-TCHC",
    ]  # fmt: skip
    assert all(t["source_quote"] in NOTICE for t in draft["tasks"])


def test_a_news_page_without_an_article_element_gives_the_block_of_paragraphs(
    tmp_path: Path,
) -> None:
    """Many sites mark nothing: the article is the block whose own paragraphs hold the
    most text, and its headline stands outside it."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in _lines())
    page = (
        '<html><head><meta charset="utf-8"></head><body>'
        '<div id="top"><a href="/">Trang chủ</a> <a href="/xa-hoi">Xã hội</a></div>'
        "<div class='title-wrap'><h1>Kết luận giao ban tháng 11/2025</h1></div>"
        "<div class='sapo'><p>Tóm tắt ngắn.</p></div>"
        f"<div class='detail-content'>{body}</div>"
        "<div class='box-news'><p>Thủ tướng yêu cầu Bộ Tài chính trình Chính phủ.</p></div>"
        "</body></html>"
    )
    path = tmp_path / "bao.htm"
    path.write_bytes(page.encode("utf-8"))
    text = read_document(path).text
    assert text == "Kết luận giao ban tháng 11/2025\n" + NOTICE


def test_a_long_pdf_gives_back_its_paragraphs_across_page_breaks(tmp_path: Path) -> None:
    """Forty items over three pages: a paragraph the page break cuts is one again."""
    items = [
        f"{n}. Vụ Tổng hợp rà soát, tổng hợp tình hình thực hiện nhiệm vụ số {n} của các vụ, "
        f"đơn vị thuộc Văn phòng, báo cáo Lãnh đạo Văn phòng trước ngày {n % 28 + 1}/12/2025."
        for n in range(1, 41)
    ]
    lines = [*_lines()[:10], *items]
    path = tmp_path / "dai.pdf"
    page = _page_html(lines).replace(
        "text-align: justify", "text-align: justify; orphans: 1; widows: 1"
    )
    weasyprint.HTML(string=page).write_pdf(str(path))
    # the test is about a cut paragraph: some page must end in the middle of one
    ends = [p.extract_text().rstrip()[-1:] for p in PdfReader(str(path)).pages[:-1]]
    assert any(end != "." for end in ends), ends
    got = read_document(path)
    assert (got.pages or 0) >= 3
    assert got.text == "\n".join(lines) + "\n"
