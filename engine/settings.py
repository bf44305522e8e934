"""The one settings object (environment prefix DONDOC_), read in the composition root only."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: Literal["none", "starttls", "tls"] = Field(
        default="none", description="none, starttls (usually port 587) or tls (implicit, port 465)"
    )
    smtp_timeout: float = 30.0
    mail_from: str = "dondoc@localhost"
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

    serve_interval_seconds: int = Field(
        default=300, ge=5, description="How often `dondoc serve` runs the sweep and delivery"
    )

    report_dir: Path = Field(
        default=Path("reports"),
        description="Where the monthly review's HTML, PDF and Excel files are written",
    )

    import_strict: bool = Field(
        default=False,
        description="Refuse a directive file whose tasks lack any of the six clears",
    )

    @model_validator(mode="after")
    def _zone_for_simulated_now(self) -> Settings:
        """A simulated instant written without a zone is read in the office's zone."""
        if self.simulated_now is not None and self.simulated_now.tzinfo is None:
            self.simulated_now = self.simulated_now.replace(tzinfo=ZoneInfo(self.timezone))
        return self
