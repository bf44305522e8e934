"""What the report says, in Vietnamese (first) and English: labels only; sentences live
in the templates (templates/report/<lang>/)."""

from __future__ import annotations

from engine.i18n import pick

WORDS: dict[str, tuple[str, str]] = {
    "nation": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
    "motto": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    "kind": ("BÁO CÁO", "REPORT"),
    "title": (
        "Tình hình thực hiện nhiệm vụ tháng {m}",
        "Implementation of assigned tasks, {m}",
    ),
    "period": (
        "Kỳ báo cáo: từ ngày {first} đến ngày {last}; số liệu tính đến hết ngày {last}.",
        "Period: {first} to {last}; figures as of the end of {last}.",
    ),
    "s1": ("I. KẾT QUẢ CHUNG", "I. OVERALL RESULTS"),
    "s2": ("II. DIỄN BIẾN SÁU THÁNG GẦN NHẤT", "II. THE LAST SIX MONTHS"),
    "s3": ("III. KẾT QUẢ THEO ĐƠN VỊ CHỦ TRÌ", "III. RESULTS BY LEAD UNIT"),
    "s4": ("IV. NHIỆM VỤ CHƯA HOÀN THÀNH, QUÁ HẠN", "IV. OVERDUE TASKS"),
    "s5": ("V. NHIỆM VỤ ĐẾN HẠN TRONG THÁNG {m}", "V. TASKS DUE IN {m}"),
    "notes": ("Ghi chú", "Notes"),
    "total": ("Tổng số nhiệm vụ", "Tasks in the review"),
    "assigned_in_month": ("Giao trong tháng", "Assigned in the month"),
    "on_time_rate": ("Tỷ lệ hoàn thành đúng hạn", "On-time rate"),
    "extensions": ("Gia hạn: đề nghị / đồng ý", "Extensions: requested / granted"),
    "aging": ("Thời gian quá hạn", "Time overdue"),
    "aging_1-7": ("1–7 ngày", "1–7 days"),
    "aging_8-30": ("8–30 ngày", "8–30 days"),
    "aging_31+": ("trên 30 ngày", "over 30 days"),
    "escalation": ("Mức báo cáo vượt cấp", "Escalation level"),
    "level_0": ("Chưa báo cáo vượt cấp", "Not escalated"),
    "level_1": ("Mức 1: báo cáo thủ trưởng đơn vị", "Level 1: head of the unit"),
    "level_2": ("Mức 2: báo cáo đơn vị cấp trên", "Level 2: parent unit"),
    "level_3": ("Mức 3: chuyển lãnh đạo xem xét", "Level 3: referred to leadership"),
    "level_n": ("Mức {n}", "Level {n}"),
    "month": ("Tháng", "Month"),
    "unit": ("Đơn vị chủ trì", "Lead unit"),
    "no": ("STT", "No."),
    "task": ("Nhiệm vụ", "Task"),
    "directive": ("Văn bản", "Directive"),
    "owner": ("Người phụ trách", "Owner"),
    "deadline": ("Thời hạn", "Deadline"),
    "days_overdue": ("Số ngày quá hạn", "Days overdue"),
    "extended": ("gia hạn từ {old}", "extended from {old}"),
    "none_overdue": ("Không có nhiệm vụ quá hạn.", "No task is overdue."),
    "none_due": ("Không có nhiệm vụ đến hạn.", "No task falls due."),
    "none_units": ("Không có nhiệm vụ nào trong kỳ.", "No task in the period."),
    "more": (
        "… và {n} nhiệm vụ khác: xem Phụ lục (tệp Excel kèm theo).",
        "… and {n} more: see the annex (the attached Excel file).",
    ),
    "rate_note": (
        "Tỷ lệ hoàn thành đúng hạn = số nhiệm vụ hoàn thành đúng hạn / (hoàn thành đúng hạn"
        " + hoàn thành quá hạn + chưa hoàn thành, quá hạn).",
        "On-time rate = completed on time / (completed on time + completed late + overdue).",
    ),
    "book_note": (
        "Số liệu gồm các nhiệm vụ đã giao đến hết tháng, trừ nhiệm vụ đã hủy và nhiệm vụ đã"
        " hoàn thành trước tháng; trạng thái của mỗi nhiệm vụ lấy theo nhật ký thay đổi tính"
        " đến hết ngày cuối tháng, nên lập lại báo cáo vẫn cho cùng kết quả.",
        "The review counts the tasks assigned by the end of the month, less those cancelled"
        " and those completed before the month; each task's state is read from the audit"
        " trail as of the end of the month's last day, so the report comes out the same"
        " whenever it is made again.",
    ),
    "days_note": (
        "Số ngày quá hạn là số ngày theo lịch, tính đến hết tháng; nhiệm vụ được gia hạn"
        " tính theo thời hạn mới.",
        "Days overdue are calendar days, counted to the end of the month; an extended task"
        " is judged against its new deadline.",
    ),
    "annex_note": (
        "Phụ lục: danh sách toàn bộ nhiệm vụ trong kỳ (tệp Excel kèm theo).",
        "Annex: every task of the period (the attached Excel file).",
    ),
    "generated": (
        "Báo cáo do hệ thống dondoc lập tự động lúc {at}.",
        "Made automatically by dondoc at {at}.",
    ),
    "trend_chart": (
        "Số nhiệm vụ theo phân loại và tỷ lệ đúng hạn",
        "Tasks by category, on-time rate",
    ),
    "unit_chart": ("Nhiệm vụ theo đơn vị chủ trì", "Tasks by lead unit"),
    "rate_axis": ("Tỷ lệ đúng hạn (%)", "On-time rate (%)"),
    # the annex
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
    "escalation_level": ("Mức vượt cấp", "Escalation level"),
    "recurrence": ("Định kỳ", "Recurrence"),
    "yes": ("Có", "Yes"),
    "unit_code": ("Mã đơn vị", "Unit code"),
}


def words(lang: str) -> dict[str, str]:
    """Every label in one language, for a template (`t.title`)."""
    return {key: pick(pair, lang) for key, pair in WORDS.items()}
