"""The one settings object (environment prefix DONDOC_), read in the composition root only."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from engine.domain.calendar import DEFAULT_TIMEZONE

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_CALENDAR_FILE = PACKAGE_DIR / "data" / "calendar" / "vn.yaml"
DEFAULT_POLICY_FILE = PACKAGE_DIR / "data" / "policies.yaml"


class Settings(BaseSettings):
    """Every setting can be given as an environment variable DONDOC_<NAME>."""

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
    simulated_now: datetime | None = Field(
        default=None,
        description="Freeze the clock at this instant (demos, training, re-running a day)",
    )
    policy_file: Path = DEFAULT_POLICY_FILE

    # mail
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: Literal["none", "starttls", "tls"] = Field(
        default="none", description="none, starttls (usually port 587) or tls (implicit, port 465)"
    )
    smtp_timeout: float = 30.0
    mail_from: str = "dondoc@localhost"
    mail_signer: str | None = Field(
        default=None,
        description="The signing unit that closes every mail; unset: 'Bộ phận theo dõi, đôn "
        "đốc thực hiện nhiệm vụ — <office name>' (in English mails 'Task monitoring and "
        "follow-up unit — <office name>')",
    )
    coordinator_email: str | None = Field(
        default=None,
        description="The tracking office's coordinator: in copy of escalations, told of failed mail",
    )
    leadership_email: str | None = Field(
        default=None, description="Office leadership, for escalations of units without a parent"
    )
    leader_email: str | None = Field(
        default=None, description="The leader's digest (escalation level 3)"
    )
    delivery_concurrency: int = Field(default=10, ge=1, le=100)
    delivery_max_attempts: int = Field(default=6, ge=1)
    delivery_backoff_seconds: float = Field(
        default=60.0, gt=0, description="First retry delay; doubles each time"
    )
    delivery_lease_seconds: float = Field(
        default=120.0,
        ge=1,
        description="How long a deliverer's claim on its mail holds unless renewed (it renews "
        "it while it sends): a crashed deliverer's mail is taken over this long after",
    )

    serve_interval_seconds: int = Field(
        default=300, ge=5, description="How often `dondoc serve` runs the sweep and delivery"
    )
    overview_due_within: int = Field(
        default=5,
        ge=0,
        le=60,
        description="The coordinator's overview lists as 'due soon' the tasks whose deadline "
        "is today or within this many working days",
    )

    report_dir: Path = Field(
        default=Path("reports"),
        description="Where the monthly review's HTML, PDF and Excel files are written",
    )

    # the monthly review's form (Nghị định 30/2020/NĐ-CP); unset: the default in the
    # report's language (engine/report/words.py, `form_*`)
    report_symbol: str = Field(
        default="BC-VPCTN",
        description="The symbol of the review's number, 'Số:      /BC-VPCTN' (the number is "
        "left blank for the clerk to fill in at registration)",
    )
    report_place: str | None = Field(
        default=None, description="The place of the place-and-date line; unset: Hà Nội"
    )
    report_signer_title: str | None = Field(
        default=None,
        description="The signer's title, one line each (a newline or a literal \\n between "
        "them); unset: 'KT. CHỦ NHIỆM' / 'PHÓ CHỦ NHIỆM'",
    )
    report_signer_name: str = Field(
        default="",
        description="The signer's name; empty: the space is left for the name to be written in",
    )
    report_recipients: list[str] | None = Field(
        default=None,
        description="'Nơi nhận', as a JSON list; unset: Lãnh đạo Văn phòng, Các đơn vị thuộc "
        "Văn phòng",
    )
    report_archive: str = Field(
        default="TH",
        description="Who keeps a copy besides the clerical office: the line 'Lưu: VT, TH.'",
    )

    # the web app (`dondoc web`, `dondoc serve --web`): signed links in the mail
    public_url: str | None = Field(
        default=None,
        description="The web app's address as the mail's readers reach it (behind the "
        "office's reverse proxy: https://dondoc.example.gov.vn); unset: mail carries no links",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="The key links are signed with (32 random bytes or more, the same for "
        "every process that mails or serves); unset: a key kept in the file web_key_file",
    )
    web_key_file: Path = Field(
        default=Path("dondoc-web.key"),
        description="Where the link key is kept when DONDOC_SECRET_KEY is unset (made on "
        "first use, readable by its owner only)",
    )
    link_days: int = Field(default=30, ge=1, le=365, description="How long a link works, days")
    upload_dir: Path = Field(
        default=Path("uploads"),
        description="Where submitted results' files are kept (not served as they are)",
    )
    upload_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, description="The largest file a unit may submit"
    )
    upload_max_files: int = Field(default=5, ge=1, le=50)

    import_strict: bool = Field(
        default=False,
        description="Refuse a directive file whose tasks lack any of the six clears",
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None = Field(
        default=None,
        description="DEBUG, INFO, WARNING or ERROR; unset: INFO for `serve`, WARNING elsewhere",
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="text (one line a record) or json (one object a line)"
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_capitals(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise _invalid(
                "không phải là múi giờ đã biết (ví dụ Asia/Ho_Chi_Minh)",
                "is not a known time zone (e.g. Asia/Ho_Chi_Minh)",
            ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _a_database_url(cls, value: str) -> str:
        try:
            make_url(value)
        except (ArgumentError, ValueError):
            raise _invalid(
                "không phải là URL cơ sở dữ liệu (ví dụ sqlite:///dondoc.db hoặc "
                "postgresql+psycopg://user@host/dondoc)",
                "is not a database URL (e.g. sqlite:///dondoc.db or "
                "postgresql+psycopg://user@host/dondoc)",
            ) from None
        return value

    @model_validator(mode="after")
    def _zone_for_simulated_now(self) -> Settings:
        """A simulated instant written without a zone is read in the office's zone."""
        if self.simulated_now is not None and self.simulated_now.tzinfo is None:
            self.simulated_now = self.simulated_now.replace(tzinfo=ZoneInfo(self.timezone))
        return self


def _invalid(vi: str, en: str) -> PydanticCustomError:
    """A setting's error, worded in both languages (engine.config shows it)."""
    return PydanticCustomError("dondoc_setting", "{en}", {"vi": vi, "en": en})
