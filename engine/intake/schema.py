"""The shape of unit and directive records, as pydantic models.

Dates are accepted as ISO (2025-12-15), the Vietnamese way (15/12/2025) or as
spreadsheet dates; anything else is a "bad date" with the value quoted. Every text
field has a length limit (engine.intake.limits).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from engine.domain.model import Priority, Recurrence
from engine.intake import limits

_VN_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _bad(kind: str, value: object, vi: str, en: str) -> PydanticCustomError:
    return PydanticCustomError(kind, en + " ({value!r})", {"value": value, "vi": vi, "en": en})


def parse_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        iso = _ISO_DATE.match(value)
        vn = _VN_DATE.match(value)
        try:
            if iso:
                return date(int(iso[1]), int(iso[2]), int(iso[3]))
            if vn:
                return date(int(vn[3]), int(vn[2]), int(vn[1]))
        except ValueError:
            pass
    raise _bad(
        "bad_date",
        value,
        f"ngày không hợp lệ: {value!r} (cần dạng 15/12/2025 hoặc 2025-12-15)",
        f"bad date: {value!r} (expected 15/12/2025 or 2025-12-15)",
    )


def _email(value: object) -> object:
    if isinstance(value, str) and not _EMAIL.match(value.strip()):
        raise _bad(
            "bad_email",
            value,
            f"địa chỉ thư điện tử không hợp lệ: {value!r}",
            f"not an email address: {value!r}",
        )
    return value.strip() if isinstance(value, str) else value


def _code(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _code_list(value: object) -> object:
    if isinstance(value, str):  # "VPCTN-PL; VPCTN-TH" from a spreadsheet cell or CSV
        value = [v for v in re.split(r"[;,]", value) if v.strip()]
    if isinstance(value, list):
        return [_code(v) for v in value]
    return value


def _blank_to_none(value: object) -> object:
    return None if value == "" else value


def _text(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else value


Date = Annotated[date, BeforeValidator(parse_date)]
OptionalDate = Annotated[date | None, BeforeValidator(parse_date)]
Email = Annotated[str, BeforeValidator(_email), Field(max_length=limits.MAX_EMAIL)]
Code = Annotated[
    str,
    BeforeValidator(_code),
    Field(pattern=r"^[A-Z0-9][A-Z0-9._-]*$", max_length=limits.MAX_CODE),
]
Text = Annotated[str, BeforeValidator(_text)]
# text of at most so many characters, and at least one where required
Reference = Annotated[Text, Field(min_length=1, max_length=limits.MAX_REFERENCE)]
Number = Annotated[Text, Field(max_length=limits.MAX_NUMBER)]
PersonText = Annotated[Text, Field(max_length=limits.MAX_PERSON)]
PersonName = Annotated[Text, Field(min_length=1, max_length=limits.MAX_PERSON)]
Name = Annotated[Text, Field(max_length=limits.MAX_NAME)]
RequiredName = Annotated[Text, Field(min_length=1, max_length=limits.MAX_NAME)]
Title = Annotated[Text, Field(max_length=limits.MAX_TITLE)]
RequiredTitle = Annotated[Text, Field(min_length=1, max_length=limits.MAX_TITLE)]
Note = Annotated[Text, Field(max_length=limits.MAX_NOTE)]
Document = Annotated[Text, Field(max_length=limits.MAX_DOCUMENT)]

#: fields that may hold tabs and line breaks ("tasks.title": a task's title); every other
#: text field is one line (engine.intake.characters)
UNIT_FREE_TEXT: frozenset[str] = frozenset()
DIRECTIVE_FREE_TEXT = frozenset(
    {
        "title", "meeting", "text",
        "tasks.title", "tasks.description", "tasks.deliverable", "tasks.source_quote",
    }
)  # fmt: skip


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonIn(_Record):
    name: PersonName
    email: Email
    title: PersonText = ""


class UnitIn(_Record):
    code: Code
    name_vi: RequiredName
    name_en: Name = ""
    head: PersonIn | None = None
    deputies: list[PersonIn] = Field(default_factory=list)
    parent: Annotated[Code | None, BeforeValidator(_blank_to_none)] = None
    active: bool = True
    language: Literal["vi", "en"] = "vi"
    aliases: list[Annotated[str, Field(max_length=limits.MAX_NAME)]] = Field(default_factory=list)


class TaskIn(_Record):
    number: Number = ""
    title: Title = ""
    description: Note = ""
    lead_unit: Annotated[Code | None, BeforeValidator(_blank_to_none)] = None
    owner: PersonText = ""
    coordinating_units: Annotated[list[Code], BeforeValidator(_code_list)] = Field(
        default_factory=list
    )
    deadline: OptionalDate = None
    deadline_working_days: Annotated[int | None, BeforeValidator(_blank_to_none)] = Field(
        default=None, ge=1, le=365
    )
    recurrence: Annotated[Recurrence | None, BeforeValidator(_blank_to_none)] = None
    deliverable: Title = ""
    authority: Name = ""
    source_quote: Note = ""

    @model_validator(mode="after")
    def _one_deadline_form(self) -> TaskIn:
        if self.deadline is not None and self.deadline_working_days is not None:
            raise _bad(
                "two_deadlines",
                "deadline",
                "chỉ ghi một trong hai: thời hạn (ngày) hoặc số ngày làm việc",
                "give either a deadline date or a number of working days, not both",
            )
        return self


class DirectiveIn(_Record):
    reference: Reference
    title: RequiredTitle
    issuer: RequiredName
    issued_on: Date
    meeting: Title = ""
    text: Document = ""
    priority: Annotated[Priority, BeforeValidator(lambda v: v or Priority.NORMAL)] = Priority.NORMAL
    tasks: list[TaskIn] = Field(min_length=1)


def error_reasons(error: dict[str, Any]) -> tuple[str, str]:
    """Vietnamese and English reasons for one pydantic error."""
    ctx = error.get("ctx") or {}
    if "vi" in ctx and "en" in ctx:
        return str(ctx["vi"]), str(ctx["en"])
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return "bắt buộc nhưng chưa điền", "required but missing"
    if kind == "extra_forbidden":
        return "không có trường này (viết sai tên?)", "unknown field (misspelt?)"
    if kind == "string_too_short":
        return "không được để trống", "must not be empty"
    if kind == "string_too_long" or (kind == "too_long" and isinstance(value, str)):
        size, limit = len(str(value)), int(ctx.get("max_length", 0))
        return (
            f"dài {limits.vi_number(size)} ký tự, vượt giới hạn {limits.vi_number(limit)} ký tự; "
            "hãy rút gọn",
            f"is {size:,} characters long, over the limit of {limit:,}; shorten it",
        )
    if kind == "too_short":
        return "cần ít nhất một mục", "needs at least one item"
    if kind == "string_pattern_mismatch":
        return (
            f"mã không hợp lệ: {value!r} (chỉ gồm chữ, số, '.', '-', '_')",
            f"bad code: {value!r} (letters, digits, '.', '-', '_' only)",
        )
    if kind == "enum":
        allowed = ctx.get("expected", "")
        return (
            f"giá trị {value!r} không hợp lệ; chọn {allowed}",
            f"{value!r} is not one of {allowed}",
        )
    return f"giá trị không hợp lệ: {error['msg']}", str(error["msg"])
