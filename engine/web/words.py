"""The web pages' own words, Vietnamese first and English second; the task's texts (its
standing, its deadline, the terms) come from `engine.presenters` and `engine.i18n` as for
every other front end."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "app": ("Theo dõi, đôn đốc thực hiện nhiệm vụ", "Task follow-up"),
    "refused_title": ("Liên kết không dùng được", "This link cannot be used"),
    "refused": (
        "Liên kết không hợp lệ, đã hết hiệu lực hoặc không dành cho trang này. Đề nghị dùng "
        "liên kết trong thư mới nhất, hoặc liên hệ bộ phận theo dõi, đôn đốc.",
        "The link is not valid, no longer in force, or not for this page. Please use the link "
        "in the latest mail, or contact the follow-up unit.",
    ),
    "too_many": (
        "Quá nhiều liên kết không hợp lệ từ máy này; đề nghị thử lại sau ít phút.",
        "Too many invalid links from this machine; please try again in a few minutes.",
    ),
    "expired_title": ("Liên kết đã hết hạn", "This link has expired"),
    "expired": (
        "Liên kết này đã hết hạn. Có thể gửi một liên kết mới tới địa chỉ thư đã nhận liên "
        "kết này.",
        "This link has expired. A new link can be sent to the address this one was mailed to.",
    ),
    "send_fresh": ("Gửi liên kết mới", "Send a new link"),
    "fresh_sent": (
        "Nếu liên kết còn được dùng, một liên kết mới đã được gửi tới địa chỉ thư ban đầu.",
        "If the link may still be used, a new one has been sent to the address it was mailed to.",
    ),
    "six_clears": ("Sáu rõ của nhiệm vụ", "The six clears"),
    "who": ("Rõ người", "Who"),
    "what": ("Rõ việc", "What"),
    "when": ("Rõ thời gian", "When"),
    "accountable": ("Rõ trách nhiệm", "Accountable"),
    "deliverable": ("Rõ sản phẩm", "Deliverable"),
    "authority": ("Rõ thẩm quyền", "Authority"),
    "lead": ("Đơn vị chủ trì", "Lead unit"),
    "coordinating": ("Đơn vị phối hợp", "Coordinating units"),
    "none": ("Không có", "None"),
    "directive": ("Văn bản", "Directive"),
    "status": ("Trạng thái", "Status"),
    "standing": ("Tình hình", "Standing"),
    "deadline_now": ("Thời hạn hiện hành", "Deadline in force"),
    "deadline_first": ("Thời hạn ban đầu", "Original deadline"),
    "history": ("Quá trình thực hiện", "History"),
    "at": ("Thời điểm", "When"),
    "actor": ("Người thực hiện", "By"),
    "change": ("Nội dung", "Change"),
    "progress_title": ("Báo cáo tiến độ", "Report progress"),
    "percent": ("Tiến độ (%)", "Progress (%)"),
    "note": ("Nội dung báo cáo", "Note"),
    "send": ("Gửi", "Send"),
    "submit_title": ("Báo cáo kết quả", "Submit the result"),
    "files": ("Tệp kèm theo", "Files"),
    "files_hint": (
        "PDF, Word, Excel, ảnh PNG/JPEG; tối đa {n} tệp, mỗi tệp không quá {size}.",
        "PDF, Word, Excel, PNG/JPEG images; up to {n} files of {size} each at most.",
    ),
    "extension_title": ("Đề nghị gia hạn", "Ask for more time"),
    "new_date": ("Đề nghị gia hạn đến ngày", "New deadline asked for"),
    "reason": ("Lý do", "Reason"),
    "decline_title": ("Từ chối nhiệm vụ", "Decline the task"),
    "decline_hint": (
        "Nhiệm vụ không thuộc chức năng, nhiệm vụ của đơn vị: nêu rõ lý do để bộ phận theo "
        "dõi trình giao lại.",
        "The task is outside the unit's remit: give the reason, so the office can reassign it.",
    ),
    "decline": ("Từ chối", "Decline"),
    "decide_title": ("Cho ý kiến", "Decision"),
    "result": ("Kết quả đơn vị báo cáo", "The unit's result"),
    "accept": ("Xác nhận hoàn thành", "Accept as completed"),
    "return": ("Trả lại, thực hiện lại", "Return to be redone"),
    "return_reason": ("Lý do trả lại (bắt buộc)", "Why it is returned (required)"),
    "comment": ("Ý kiến", "Comment"),
    "requested": ("Đơn vị đề nghị gia hạn đến", "The unit asks for a deadline of"),
    "approve": ("Đồng ý gia hạn", "Approve the extension"),
    "refuse": ("Không đồng ý gia hạn", "Refuse the extension"),
    "nothing_to_decide": (
        "Hiện không có việc chờ ý kiến đối với nhiệm vụ này.",
        "Nothing about this task is waiting for a decision.",
    ),
    "nothing_to_do": (
        "Nhiệm vụ đang ở trạng thái không cần đơn vị báo cáo thêm.",
        "The task is in a state that needs nothing more from the unit.",
    ),
    "unit_title": ("Nhiệm vụ đơn vị đang thực hiện", "The unit's open tasks"),
    "no_tasks": ("Không có nhiệm vụ nào đang thực hiện.", "No open tasks."),
    "task": ("Nhiệm vụ", "Task"),
    "deadline": ("Thời hạn", "Deadline"),
    "error": ("Chưa thực hiện được", "Not done"),
    "done_progress": ("Đã ghi nhận báo cáo tiến độ.", "Progress recorded."),
    "done_submit": (
        "Đã gửi báo cáo kết quả; bộ phận theo dõi sẽ trình cấp có thẩm quyền xác nhận.",
        "Result submitted; the office will put it to the approving authority.",
    ),
    "done_extension": ("Đã gửi đề nghị gia hạn.", "Extension request sent."),
    "done_decline": ("Đã gửi ý kiến từ chối nhiệm vụ.", "The task has been declined."),
    "done_accept": ("Đã xác nhận hoàn thành.", "Accepted as completed."),
    "done_return": ("Đã trả lại kết quả.", "The result has been returned."),
    "done_approve": ("Đã đồng ý gia hạn.", "Extension approved."),
    "done_refuse": ("Đã không đồng ý gia hạn.", "Extension refused."),
    "private": (
        "Trang này dành riêng cho người nhận thư có liên kết; không chuyển tiếp liên kết.",
        "This page is for the recipient of the mail with the link; do not forward the link.",
    ),
    "bad_form": (
        "Biểu mẫu đã hết hạn hoặc không hợp lệ; đề nghị mở lại trang và gửi lại.",
        "The form has expired or is not valid; please reload the page and send it again.",
    ),
    "bad_date": ("Ngày không hợp lệ.", "Not a valid date."),
    "need_reason": ("Cần nêu lý do.", "A reason is required."),
    "download": ("tải về", "download"),
}


def word(key: str, lang: str, **values: object) -> str:
    vi, en = WORDS[key]
    text = en if lang == "en" else vi
    return text.format(**values) if values else text
