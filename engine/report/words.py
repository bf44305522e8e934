"""What the report says, in Vietnamese (first) and English: labels only; sentences live
in the templates (templates/report/<lang>/). The terms of escalation come from the one
glossary (engine.i18n.GLOSSARY), so that the report says what the mails and the CLI say."""

from __future__ import annotations

from engine.i18n import GLOSSARY, capital, pick


def _glossary(key: str, vi_form: str = "{}", en_form: str = "{}") -> tuple[str, str]:
    """The glossary's term `key` in both languages, each put into its form, capitalised."""
    vi, en = GLOSSARY[key]
    return capital(vi_form.format(vi)), capital(en_form.format(en))


def _level(n: int) -> tuple[str, str]:
    """'Mức 2: báo cáo lãnh đạo cấp trên': what was done at escalation level `n`."""
    vi, en = GLOSSARY[f"level_{n}"]
    return f"Mức {n}: {vi}", f"Level {n}: {en}"


WORDS: dict[str, tuple[str, str]] = {
    # the form of Nghị định 30/2020/NĐ-CP
    "nation": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
    "motto": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    "number_label": ("Số:", "No.:"),
    "kind": ("BÁO CÁO", "REPORT"),
    "title": (
        "Tình hình thực hiện nhiệm vụ tháng {m}",
        "Implementation of assigned tasks, {m}",
    ),
    "period": (
        "Kỳ báo cáo: từ ngày {first} đến ngày {last}; số liệu tính đến hết ngày {last}.",
        "Period: {first} to {last}; figures as of the end of {last}.",
    ),
    "closing": (
        "Trên đây là báo cáo tình hình thực hiện nhiệm vụ tháng {m} của {office}./.",
        "This concludes the report of {office} on the implementation of assigned tasks in {m}.",
    ),
    "recipients": ("Nơi nhận:", "Recipients:"),
    "archive": ("Lưu: {kept_by}.", "Archived: {kept_by}."),  # "VT, TH": VT the clerks
    # the office's defaults (engine.report.document.ReportForm), one line each
    "form_place": ("Hà Nội", "Ha Noi"),
    "form_signer_title": (
        "KT. CHỦ NHIỆM\nPHÓ CHỦ NHIỆM",
        "FOR THE CHIEF OF OFFICE\nDEPUTY CHIEF OF OFFICE",
    ),
    "form_recipients": (
        "Lãnh đạo Văn phòng\nCác đơn vị thuộc Văn phòng",
        "Office leadership\nUnits of the Office",
    ),
    # the body
    "s1": ("I. KẾT QUẢ CHUNG", "I. OVERALL RESULTS"),
    "s2": ("II. NHIỆM VỤ CHƯA HOÀN THÀNH, QUÁ HẠN", "II. OVERDUE TASKS"),
    "s3": ("III. NHIỆM VỤ ĐẾN HẠN TRONG THÁNG {m}", "III. TASKS DUE IN {m}"),
    "s4": ("IV. KIẾN NGHỊ, ĐỀ XUẤT", "IV. RECOMMENDATIONS"),
    "figures_caption": ("Số liệu chủ yếu", "Key figures"),
    "item": ("Nội dung", "Item"),
    "figure": ("Số liệu", "Figure"),
    "total": ("Tổng số nhiệm vụ", "Tasks in the review"),
    "assigned_in_month": ("Giao trong tháng", "Assigned in the month"),
    "of_which_assigned": ("trong đó: giao trong tháng", "of which assigned in the month"),
    "on_time_rate": ("Tỷ lệ hoàn thành đúng hạn", "On-time rate"),
    "extensions": ("Gia hạn: đề nghị / đồng ý", "Extensions: requested / granted"),
    "extensions_short": ("Gia hạn (đề nghị / đồng ý)", "Extensions (requested / granted)"),
    "update_compliance": ("Tỷ lệ báo cáo tiến độ đúng kỳ", "Update-compliance rate"),
    "update_compliance_note": (
        "{reported}/{open} nhiệm vụ đang thực hiện có báo cáo tiến độ hoặc kết quả từ ngày {since}",
        "{reported} of {open} open tasks reported progress or a result since {since}",
    ),
    "due_next": ("Nhiệm vụ đến hạn trong tháng {m}", "Tasks due in {m}"),
    "aging": ("Thời gian quá hạn", "Time overdue"),
    "aging_1-7": ("1–7 ngày", "1–7 days"),
    "aging_8-30": ("8–30 ngày", "8–30 days"),
    "aging_31+": ("trên 30 ngày", "over 30 days"),
    "overdue_by": ("quá hạn {span}", "overdue {span}"),
    "escalation": _glossary("escalation_level"),
    "level_0": _glossary("escalation", "chưa {}", "no {} yet"),
    "level_1": _level(1),
    "level_2": _level(2),
    "level_3": _level(3),
    "level_n": ("Mức {n}", "Level {n}"),
    "month": ("Tháng", "Month"),
    "unit": ("Đơn vị chủ trì", "Lead unit"),
    "no": ("STT", "No."),
    "task": ("Nhiệm vụ", "Task"),
    "directive": ("Văn bản", "Directive"),
    "item_of": ("{reference}, mục {number}", "{reference}, item {number}"),
    "owner": ("Người phụ trách", "Owner"),
    "deadline": ("Thời hạn", "Deadline"),
    "days_overdue": (
        "Số ngày quá hạn (tính cả ngày nghỉ)",
        "Days overdue (calendar days)",
    ),
    "extended": ("gia hạn từ {old}", "extended from {old}"),
    "none_overdue": (
        "Không có nhiệm vụ nào chưa hoàn thành, quá hạn.",
        "No task is overdue.",
    ),
    "none_due": ("Không có nhiệm vụ nào đến hạn.", "No task falls due."),
    "none_units": ("Không có nhiệm vụ nào trong kỳ.", "No task in the period."),
    "more": (
        "… và {n} nhiệm vụ khác: xem tệp Excel kèm theo.",
        "… and {n} more: see the attached Excel file.",
    ),
    # the appendix (phụ lục)
    "annex_kind": ("Phụ lục", "Annex"),
    "annex_title": (
        "SỐ LIỆU THỰC HIỆN NHIỆM VỤ THÁNG {m}",
        "FIGURES OF THE IMPLEMENTATION OF TASKS, {m}",
    ),
    "annex_of": ("(Kèm theo Báo cáo số", "(Attached to Report No."),  # the number follows
    "annex_of_end": ("{date} của {office})", "of {date}, {office})"),
    "a1": ("1. Nhiệm vụ theo phân loại", "1. Tasks by category"),
    "a2": ("2. Diễn biến sáu tháng gần nhất", "2. The last six months"),
    "a3": ("3. Kết quả theo đơn vị chủ trì", "3. Results by lead unit"),
    "notes": ("Ghi chú", "Notes"),
    "rate_note": (
        "Tỷ lệ hoàn thành đúng hạn = số nhiệm vụ hoàn thành đúng hạn / (hoàn thành đúng hạn"
        " + hoàn thành quá hạn + chưa hoàn thành, quá hạn).",
        "On-time rate = completed on time / (completed on time + completed late + overdue).",
    ),
    "days_note": (
        "Số ngày quá hạn là số ngày theo lịch (tính cả ngày nghỉ), tính đến hết tháng; nhiệm"
        " vụ được gia hạn tính theo thời hạn mới.",
        "Days overdue are calendar days (days off included), counted to the end of the month;"
        " an extended task is judged against its new deadline.",
    ),
    "annex_note": (
        "Danh sách toàn bộ nhiệm vụ trong kỳ: tệp Excel kèm theo.",
        "Every task of the period: the attached Excel file.",
    ),
    "generated": (
        "Số liệu do hệ thống dondoc tổng hợp tự động lúc {at}.",
        "Compiled automatically by dondoc at {at}.",
    ),
    "clock": ("{h:02d} giờ {m:02d} ngày {day}", "{h:02d}:{m:02d} on {day}"),
    "trend_chart": (
        "Số nhiệm vụ theo phân loại và tỷ lệ đúng hạn",
        "Tasks by category, on-time rate",
    ),
    "unit_chart": ("Nhiệm vụ theo đơn vị chủ trì", "Tasks by lead unit"),
    "rate_axis": ("Tỷ lệ đúng hạn (%)", "On-time rate (%)"),
    # the Excel annex (engine/report/excel.py)
    "sheet_summary": ("Tổng hợp", "Summary"),
    "sheet_tasks": ("Danh sách nhiệm vụ", "Tasks"),
    "id": ("Mã", "ID"),
    "reference": ("Số hiệu văn bản", "Directive"),
    "number": ("Số TT", "Item"),
    "original_deadline": ("Thời hạn ban đầu", "Original deadline"),
    "deadline_in_force": ("Thời hạn (đang áp dụng)", "Deadline in force"),
    "extensions_count": ("Số lần gia hạn", "Extensions"),
    "status": ("Trạng thái", "Status"),
    "category": ("Phân loại", "Category"),
    "assigned_at": ("Ngày giao", "Assigned on"),
    "completed_at": ("Ngày hoàn thành", "Completed on"),
    "escalation_level": _glossary("escalation_level"),
    "recurrence": ("Định kỳ", "Recurrence"),
    "yes": ("Có", "Yes"),
    "unit_code": ("Mã đơn vị", "Unit code"),
}


def words(lang: str) -> dict[str, str]:
    """Every label in one language, for a template (`t.title`)."""
    return {key: pick(pair, lang) for key, pair in WORDS.items()}
