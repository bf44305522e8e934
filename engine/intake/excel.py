"""The directive spreadsheet: one row per task, directive columns repeated or left blank.

Rows that share a reference number form one directive; its columns (reference,
title, issuer, issue date, meeting, priority) need only be filled on its first row,
and a later row that fills them differently is an error. The shipped template is
`templates/intake/directive_template.xlsx` (written by `write_template`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SHEET = "Nhiệm vụ"
GUIDE_SHEET = "Hướng dẫn"
#: who is away when, and who acts for them (issue 16): read by `engine.intake.absences`
ABSENCE_SHEET = "Vắng mặt"
ABSENCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("person", "Người vắng mặt (thư điện tử)"),
    ("from", "Từ ngày"),
    ("to", "Đến hết ngày"),
    ("acting_name", "Người được ủy quyền"),
    ("acting_title", "Chức vụ người được ủy quyền"),
    ("acting_email", "Thư điện tử người được ủy quyền"),
    ("note", "Ghi chú"),
)


@dataclass(frozen=True)
class Column:
    key: str
    vi: str
    note_vi: str
    directive_level: bool = False

    @property
    def header(self) -> str:
        return f"{self.vi} ({self.key})"


COLUMNS: tuple[Column, ...] = (
    Column("reference", "Số hiệu văn bản", "Ví dụ 45/TB-VPCTN. Bắt buộc.", True),
    Column("title", "Trích yếu", "Tên văn bản chỉ đạo / thông báo kết luận. Bắt buộc.", True),
    Column("issuer", "Người/cơ quan chỉ đạo", "Ví dụ: Chủ tịch nước. Bắt buộc.", True),
    Column("issued_on", "Ngày ban hành", "Ngày, dạng 26/11/2025. Bắt buộc.", True),
    Column("meeting", "Cuộc họp", "Cuộc họp nguồn của kết luận.", True),
    Column("priority", "Mức ưu tiên", "normal, high hoặc urgent; để trống là normal.", True),
    Column("number", "STT", "Số thứ tự nhiệm vụ trong văn bản."),
    Column("title_task", "Nhiệm vụ", "Tên nhiệm vụ (rõ việc)."),
    Column("description", "Nội dung chi tiết", "Mô tả thêm nếu cần."),
    Column("lead_unit", "Đơn vị chủ trì", "Mã đơn vị trong danh mục (rõ người)."),
    Column("owner", "Người phụ trách", "Họ tên người được giao, nếu có."),
    Column("coordinating_units", "Đơn vị phối hợp", "Các mã đơn vị, cách nhau bởi dấu ;"),
    Column("deadline", "Thời hạn", "Ngày, dạng 15/12/2025 (rõ thời gian)."),
    Column(
        "deadline_working_days", "Số ngày làm việc", "Hoặc: số ngày làm việc kể từ ngày ban hành."
    ),
    Column("recurrence", "Định kỳ", "monthly, quarterly, yearly hoặc ongoing (thường xuyên)."),
    Column("deliverable", "Sản phẩm", "Ví dụ: Báo cáo, Tờ trình (rõ sản phẩm)."),
    Column("authority", "Cấp có thẩm quyền", "Người nghiệm thu, cho gia hạn (rõ thẩm quyền)."),
    Column("source_quote", "Trích dẫn nguồn", "Câu gốc trong văn bản, nếu có."),
)

#: the task's own "title" column is keyed title_task in the sheet, title in the record
TASK_FIELD = {"title_task": "title"}


def match_header(cell: object) -> Column | None:
    if not isinstance(cell, str):
        return None
    text = " ".join(cell.split()).casefold()
    for column in COLUMNS:
        if text in {column.header.casefold(), column.vi.casefold(), column.key}:
            return column
    return None


def write_template(path: Path) -> None:
    """Write the empty template with its guide sheet and one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([c.header for c in COLUMNS])
    example = {
        "reference": "45/TB-VPCTN",
        "title": "Thông báo kết luận của Chủ tịch nước tại cuộc họp giao ban",
        "issuer": "Chủ tịch nước",
        "issued_on": "26/11/2025",
        "meeting": "Họp giao ban Văn phòng Chủ tịch nước ngày 25/11/2025",
        "priority": "normal",
        "number": "1",
        "title_task": "Xây dựng Chương trình công tác năm 2026",
        "lead_unit": "VPCTN-TH",
        "coordinating_units": "VPCTN-PL; VPCTN-DN",
        "deadline": "15/12/2025",
        "deliverable": "Dự thảo Chương trình công tác năm 2026",
        "authority": "Chủ nhiệm Văn phòng Chủ tịch nước",
    }
    sheet.append([example.get(c.key, "") for c in COLUMNS])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = (
            22 if column.key != "title_task" else 48
        )
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}1"

    guide = book.create_sheet(GUIDE_SHEET)
    guide.append(["Cột", "Khóa (tiếng Anh)", "Cách ghi"])
    for column in COLUMNS:
        guide.append([column.vi, column.key, column.note_vi])
    guide.append([])
    guide.append(["Mỗi dòng là một nhiệm vụ. Các dòng cùng số hiệu thuộc một văn bản;"])
    guide.append(["các cột của văn bản chỉ cần ghi ở dòng đầu tiên của văn bản đó."])
    for cell in guide[1]:
        cell.font = bold
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 24
    guide.column_dimensions["C"].width = 70

    away = book.create_sheet(ABSENCE_SHEET)
    away.append([f"{vi} ({key})" for key, vi in ABSENCE_COLUMNS])
    for index in range(1, len(ABSENCE_COLUMNS) + 1):
        away.cell(row=1, column=index).font = bold
        away.column_dimensions[get_column_letter(index)].width = 26
    guide.append([])
    guide.append([f"Trang «{ABSENCE_SHEET}»: người vắng mặt, từ ngày, đến hết ngày (26/11/2025)"])
    guide.append(["và người được ủy quyền: thư gửi người vắng mặt được gửi người được ủy quyền."])
    book.save(path)
