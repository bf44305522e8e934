"""What a person reads: labels in Vietnamese (default) and English, and date formats."""

from __future__ import annotations

from datetime import date

from engine.domain.categories import Category
from engine.domain.lifecycle import Status

STATUS = {
    Status.DRAFT: ("Dự thảo (chưa giao)", "Draft"),
    Status.ASSIGNED: ("Đã giao", "Assigned"),
    Status.IN_PROGRESS: ("Đang thực hiện", "In progress"),
    Status.SUBMITTED: ("Đã báo cáo kết quả", "Submitted"),
    Status.RETURNED: ("Trả lại, thực hiện lại", "Returned"),
    Status.EXTENSION_REQUESTED: ("Đề nghị gia hạn", "Extension requested"),
    Status.COMPLETED: ("Hoàn thành", "Completed"),
    Status.CANCELLED: ("Đã hủy", "Cancelled"),
    Status.PAUSED: ("Tạm dừng", "Paused"),
    Status.DECLINED: ("Đơn vị từ chối, chờ quyết định", "Declined, awaiting a decision"),
}

CATEGORY = {
    Category.COMPLETED_ON_TIME: ("Hoàn thành đúng hạn", "Completed on time"),
    Category.COMPLETED_LATE: ("Hoàn thành quá hạn", "Completed late"),
    Category.IN_PROGRESS_WITHIN_DEADLINE: (
        "Đang thực hiện trong hạn",
        "In progress, within deadline",
    ),
    Category.IN_PROGRESS_OVERDUE: ("Chưa hoàn thành, quá hạn", "In progress, overdue"),
    Category.ONGOING: ("Nhiệm vụ thường xuyên", "Ongoing duty"),
    Category.PAUSED: ("Tạm dừng thực hiện", "Paused"),
    Category.DECLINED: ("Đơn vị từ chối, chờ giao lại", "Declined, awaiting reassignment"),
}
NO_CATEGORY = ("Chưa giao / đã hủy", "Not assigned / cancelled")

CATEGORY_STYLE = {
    Category.COMPLETED_ON_TIME: "green",
    Category.COMPLETED_LATE: "dark_orange",
    Category.IN_PROGRESS_WITHIN_DEADLINE: "blue",
    Category.IN_PROGRESS_OVERDUE: "red",
    Category.ONGOING: "grey62",
    Category.PAUSED: "purple",
    Category.DECLINED: "magenta",
}

RECURRENCE = {
    "monthly": ("Hằng tháng", "Monthly"),
    "quarterly": ("Hằng quý", "Quarterly"),
    "yearly": ("Hằng năm", "Yearly"),
    "ongoing": ("Thường xuyên", "Ongoing"),
}

#: The terms a person reads, the one source for the mails, the CLI, the Prefect forms and
#: artifacts, the report and the web pages; the README's glossary lists them. Written as
#: they stand inside a sentence (`capital` starts one with them).
GLOSSARY = {
    "task": ("nhiệm vụ", "task"),
    "directive": ("văn bản chỉ đạo; thông báo kết luận", "directive; conclusion notice"),
    "lead_unit": ("đơn vị chủ trì", "lead unit"),
    "coordinating_unit": ("đơn vị phối hợp", "coordinating unit"),
    "unit_head": ("thủ trưởng đơn vị", "unit head"),
    "deadline": ("thời hạn", "deadline"),
    "deliverable": ("sản phẩm", "deliverable"),
    "authority": ("cấp có thẩm quyền", "approving authority"),
    "ongoing_duty": ("nhiệm vụ thường xuyên", "ongoing duty"),
    "reminder": ("nhắc việc", "reminder"),
    "follow_up": ("đôn đốc", "follow-up"),
    "due_soon": ("sắp đến hạn", "due soon"),
    "due_today": ("đến hạn hôm nay", "due today"),
    "overdue": ("quá hạn", "overdue"),
    "working_days": ("ngày làm việc", "working days"),
    "extension_request": ("đề nghị gia hạn", "extension request"),
    "escalation": ("nâng mức đôn đốc", "escalation"),
    "escalation_level": ("mức đôn đốc", "escalation level"),
    "level_1": ("đôn đốc thủ trưởng đơn vị", "urged with the unit head"),
    "level_2": ("báo cáo lãnh đạo cấp trên", "reported to the unit's superior"),
    "level_3": (
        "báo cáo Lãnh đạo Văn phòng xem xét, chỉ đạo",
        "referred to the Office leadership for direction",
    ),
    "overdue_report": ("báo cáo nhiệm vụ quá hạn", "overdue task report"),
    "office_leadership": ("Lãnh đạo Văn phòng", "Office leadership"),
    "coordinator": (
        "bộ phận theo dõi, đôn đốc thực hiện nhiệm vụ",
        "task monitoring and follow-up unit",
    ),
    "monthly_review": (
        "báo cáo tình hình thực hiện nhiệm vụ tháng",
        "monthly review of task implementation",
    ),
}

KIND_LABEL = {
    "assignment": ("Giao nhiệm vụ", "Assignment"),
    "reminder_digest": ("Nhắc việc", "Reminder"),
    "overdue": ("Đôn đốc quá hạn", "Overdue"),
    "escalation": ("Nâng mức đôn đốc", "Escalation"),
    "leader_digest": ("Tổng hợp hằng tuần", "Weekly summary"),
    "extension_decision": ("Gia hạn", "Extension decision"),
    "completion_accepted": ("Xác nhận hoàn thành", "Completion accepted"),
    "result_submitted": ("Chờ xác nhận", "Awaiting confirmation"),
    "extension_requested": ("Đề nghị gia hạn", "Extension requested"),
    "fresh_link": ("Liên kết mới", "New link"),
    "completion_returned": ("Trả lại, thực hiện lại", "Returned"),
    "delivery_failed": ("Thư không gửi được", "Delivery failed"),
    "monthly_report": ("Báo cáo tháng", "Monthly review"),
    "task_paused": ("Tạm dừng", "Paused"),
    "task_resumed": ("Tiếp tục thực hiện", "Resumed"),
    "task_declined": ("Đơn vị từ chối nhiệm vụ", "Task declined"),
    "task_reassigned": ("Giao lại nhiệm vụ", "Task reassigned"),
    "decline_answered": ("Trả lời đề nghị từ chối", "Answer to a refusal"),
}
OUTBOX_STATUS = {
    "pending": ("Chờ gửi", "Pending"),
    "sending": ("Đang gửi", "Sending"),
    "sent": ("Đã gửi", "Sent"),
    "failed": ("Không gửi được", "Failed"),
    "revoked": ("Đã hủy (không gửi)", "Withdrawn (not sent)"),
}

WORDS = {
    "id": ("Mã", "ID"),
    "directive": ("Văn bản", "Directive"),
    "reference": ("Số hiệu", "Reference"),
    "issued_on": ("Ngày ban hành", "Issued on"),
    "issuer": ("Người chỉ đạo", "Issued by"),
    "title": ("Trích yếu", "Title"),
    "task": ("Nhiệm vụ", "Task"),
    "tasks": ("Số nhiệm vụ", "Tasks"),
    "drafts": ("Dự thảo", "Drafts"),
    "lead_unit": ("Đơn vị chủ trì", "Lead unit"),
    "coordinating_units": ("Đơn vị phối hợp", "Coordinating units"),
    "owner": ("Người phụ trách", "Owner"),
    "deadline": ("Thời hạn", "Deadline"),
    "original_deadline": ("Thời hạn ban đầu", "Original deadline"),
    "deadline_as_written": ("Ngày ghi trong văn bản (ngày nghỉ)", "Date as written (a day off)"),
    "recurrence": ("Định kỳ", "Recurrence"),
    "status": ("Trạng thái", "Status"),
    "category": ("Phân loại", "Category"),
    "deliverable": ("Sản phẩm", "Deliverable"),
    "authority": ("Cấp có thẩm quyền", "Approving authority"),
    "accountable": ("Thủ trưởng chịu trách nhiệm", "Accountable head"),
    "missing": ("Chưa đủ 6 rõ, còn thiếu:", "Missing:"),
    "history": ("Lịch sử", "History"),
    "when": ("Thời điểm", "When"),
    "who": ("Người thực hiện", "Who"),
    "change": ("Thay đổi", "Change"),
    "why": ("Lý do / ghi chú", "Reason / note"),
    "note": ("Ghi chú", "Note"),
    "code": ("Mã", "Code"),
    "name": ("Tên", "Name"),
    "head": ("Thủ trưởng", "Head"),
    "parent": ("Đơn vị cấp trên", "Parent"),
    "day": ("Ngày", "Day"),
    "weekday": ("Thứ", "Weekday"),
    "kind": ("Loại", "Kind"),
    "source_quote": ("Trích dẫn nguồn", "Source quote"),
    "total": ("Tổng số", "Total"),
    "none": ("Không có nhiệm vụ nào.", "No tasks."),
    "as_of": ("tính đến {d}", "as of {d}"),
}

WEEKDAYS = (
    ("Thứ Hai", "Mon"), ("Thứ Ba", "Tue"), ("Thứ Tư", "Wed"), ("Thứ Năm", "Thu"),
    ("Thứ Sáu", "Fri"), ("Thứ Bảy", "Sat"), ("Chủ nhật", "Sun"),
)  # fmt: skip


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def word(key: str, lang: str, **kwargs: object) -> str:
    return pick(WORDS[key], lang).format(**kwargs)


def capital(text: str) -> str:
    """`text` with its first letter a capital, the rest as it is: 'Báo cáo Lãnh đạo Văn
    phòng …' (str.capitalize would lower 'Lãnh đạo')."""
    return text[:1].upper() + text[1:]


def term(key: str, lang: str) -> str:
    """A term of the glossary, as it stands inside a sentence: 'mức đôn đốc'."""
    return pick(GLOSSARY[key], lang)


def status_label(status: Status, lang: str) -> str:
    return pick(STATUS[status], lang)


def category_label(category: Category | None, lang: str) -> str:
    return pick(CATEGORY[category] if category else NO_CATEGORY, lang)


def short_date(day: date | None) -> str:
    """15/12/2025, as tables write it."""
    return "" if day is None else f"{day:%d/%m/%Y}"


def long_date(day: date, lang: str = "vi") -> str:
    """'ngày 15 tháng 12 năm 2025', as prose writes it.

    Following Decree 30/2020/NĐ-CP on administrative documents, days below 10 and the
    months January and February take a leading zero ("ngày 05 tháng 02", "tháng 3").
    """
    if lang == "en":
        return f"{day.day} {day:%B %Y}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
