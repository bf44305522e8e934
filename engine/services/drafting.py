"""Drafting a directive from the meeting's conclusions text: the tasks extracted, shaped
as a draft in the import format for the coordinator to review. Nothing is stored or
assigned; `dondoc directive draft` and the draft-directive-from-text flow show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from engine.calendar_file import build_calendar, read_calendar_file
from engine.domain.calendar import WorkingCalendar
from engine.domain.model import Unit
from engine.domain.vntext import nfc
from engine.extract.documents import read_document
from engine.extract.draft import directive_record
from engine.extract.tasks import Extraction, extract
from engine.extract.units import UnitDirectory
from engine.intake.readers import read_units
from engine.intake.validate import validate_units
from engine.settings import Settings


@dataclass(frozen=True)
class Drafted:
    extraction: Extraction
    record: dict[str, Any]
    issued_on: date


def file_calendar(settings: Settings) -> WorkingCalendar:
    """The shipped calendar file (no database needed)."""
    return build_calendar(
        settings.timezone, settings.country, read_calendar_file(settings.calendar_file)
    )


def units_from_file(path: Path) -> list[Unit]:
    return validate_units(read_units(path), [])


def draft_text(
    text: str,
    source_name: str,
    units: list[Unit],
    calendar: WorkingCalendar,
    meeting_date: date | None,
) -> Drafted:
    """Extract the tasks of a conclusions text and shape them as a directive draft."""
    text = nfc(text)
    extraction = extract(text, UnitDirectory(units), calendar, meeting_date)
    issued_on = extraction.on or meeting_date
    if issued_on is None:
        raise ValueError(
            "Không tìm thấy ngày họp trong văn bản: ghi rõ --meeting-date / "
            "no meeting date in the text: give --meeting-date"
        )
    return Drafted(
        extraction, directive_record(extraction, text, source_name, issued_on), issued_on
    )


def draft_file(
    path: Path, units: list[Unit], calendar: WorkingCalendar, meeting_date: date | None
) -> Drafted:
    """Draft from a file as offices receive it (.docx, PDF with text, .html, .txt in
    UTF-8 or UTF-16); a file that cannot be read raises `DocumentRefused` (a ValueError)
    naming it."""
    return draft_text(read_document(path).text, path.name, units, calendar, meeting_date)


def draft_yaml(record: dict[str, Any]) -> str:
    header = (
        "# Dự thảo văn bản chỉ đạo, lập tự động từ văn bản kết luận cuộc họp.\n"
        "# Chuyên viên rà soát: số hiệu, đơn vị chủ trì, thời hạn, sản phẩm, cấp có thẩm quyền;\n"
        "# rồi nhập bằng `dondoc directive import`. Nhiệm vụ chưa đủ 6 rõ được lưu ở dạng dự thảo.\n"
        "# Drafted from the meeting's conclusions; review, then `dondoc directive import`.\n"
    )
    return header + yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=100)
