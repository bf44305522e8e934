"""The one settings object (environment prefix DONDOC_), read in the composition root only."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.domain.calendar import DEFAULT_TIMEZONE

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_CALENDAR_FILE = PACKAGE_DIR / "data" / "calendar" / "vn.yaml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DONDOC_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///dondoc.db",
        description="Any SQLAlchemy URL: sqlite:///path.db or postgresql+psycopg://user@host/db",
    )
    timezone: str = DEFAULT_TIMEZONE
    country: str = "VN"
    calendar_file: Path = DEFAULT_CALENDAR_FILE
    lang: Literal["vi", "en"] = "vi"
    office_name: str = "Văn phòng Chủ tịch nước"
    import_strict: bool = Field(
        default=False,
        description="Refuse a directive file whose tasks lack any of the six clears",
    )
