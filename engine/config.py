"""Reading the settings, and the errors of a set-up a person must mend: a bad setting, a
database never initialised, a server that does not answer.

Each error names what was wrong and where (`DONDOC_SMTP_PORT='abc': …`) in both languages
and carries the exit code the commands end with: 2 for configuration, 3 for a service
that cannot be reached. Values of secret settings are never repeated back.
"""

from __future__ import annotations

import os
import re
from typing import Any

from pydantic import ValidationError

from engine.settings import Settings

#: exit codes of `dondoc` (README, "Exit codes")
EXIT_CONFIG = 2
EXIT_UNREACHABLE = 3


class SetupError(Exception):
    """A problem of the set-up, not of the input: one line a person can act on."""

    exit_code = EXIT_CONFIG

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(vi)
        self.vi = vi
        self.en = en

    def render(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


class ConfigError(SetupError):
    """A setting is wrong: its name, the value given and what it should be."""


class NotInitialised(SetupError):
    """The database does not exist yet, or its schema is behind: `dondoc init` mends it."""


class Unreachable(SetupError):
    """A server (the database, the SMTP server) did not answer or let us in."""

    exit_code = EXIT_UNREACHABLE


def environment_language() -> str:
    """The reader's language when the settings themselves could not be read: DONDOC_LANG
    if it says `en`, else Vietnamese."""
    return "en" if os.environ.get("DONDOC_LANG", "").strip().lower() == "en" else "vi"


def setting_name(field: str) -> str:
    return f"DONDOC_{field.upper()}"


_SECRET = re.compile(r"password|secret|token", re.IGNORECASE)
#: the password of user:password@host, in a URL or what was meant to be one
_CREDENTIALS = re.compile(r"(?<=:)[^:@/]+(?=@)")


def shown(field: str, value: object) -> str:
    """The value as it may be shown back: secrets hidden, a URL's password masked."""
    if _SECRET.search(field):
        return "***"
    return repr(_CREDENTIALS.sub("***", str(value), count=1))


#: what a value should have been, by pydantic's error type: (vi, en), formatted with ctx
_SHOULD_BE: dict[str, tuple[str, str]] = {
    "int_parsing": ("phải là một số nguyên", "must be a whole number"),
    "int_from_float": ("phải là một số nguyên", "must be a whole number"),
    "float_parsing": ("phải là một số", "must be a number"),
    "bool_parsing": ("phải là true hoặc false", "must be true or false"),
    "literal_error": ("phải là một trong các giá trị {expected}", "must be one of {expected}"),
    "greater_than_equal": ("phải lớn hơn hoặc bằng {ge}", "must be at least {ge}"),
    "greater_than": ("phải lớn hơn {gt}", "must be greater than {gt}"),
    "less_than_equal": ("phải nhỏ hơn hoặc bằng {le}", "must be at most {le}"),
    "less_than": ("phải nhỏ hơn {lt}", "must be less than {lt}"),
    "datetime_parsing": (
        "không phải là một thời điểm (ví dụ 2026-01-21T09:00+07:00)",
        "is not an instant (e.g. 2026-01-21T09:00+07:00)",
    ),
    "datetime_from_date_parsing": (
        "không phải là một thời điểm (ví dụ 2026-01-21T09:00+07:00)",
        "is not an instant (e.g. 2026-01-21T09:00+07:00)",
    ),
    "path_type": ("không phải là đường dẫn tệp", "is not a file path"),
    "string_type": ("phải là một chuỗi ký tự", "must be text"),
}


def _reason(error: Any) -> tuple[str, str]:
    """What was wrong, in both languages: our own validators say it in `ctx`, pydantic's
    common checks are translated, anything else keeps pydantic's English words."""
    ctx = dict(error.get("ctx") or {})
    if "vi" in ctx and "en" in ctx:
        return str(ctx["vi"]), str(ctx["en"])
    words = _SHOULD_BE.get(error["type"])
    if words is None:
        message = str(error["msg"])
        return message, message
    try:
        vi_ctx = {k: str(v).replace(" or ", " hoặc ") for k, v in ctx.items()}
        return words[0].format(**vi_ctx), words[1].format(**ctx)
    except (KeyError, IndexError):
        return words


def config_error(exc: ValidationError) -> ConfigError:
    """One line per bad setting, naming it, its value and what it should be."""
    vi: list[str] = []
    en: list[str] = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        name = setting_name(field)
        given = "" if error["type"] == "missing" else f"={shown(field, error.get('input'))}"
        reason_vi, reason_en = _reason(error)
        vi.append(f"Cấu hình sai: {name}{given} {reason_vi}.")
        en.append(f"Bad setting: {name}{given} {reason_en}.")
    return ConfigError("\n".join(vi), "\n".join(en))


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment (and .env), or a `ConfigError` naming each bad one."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise config_error(exc) from None


def smtp_unreachable(settings: Settings, reason: str) -> Unreachable:
    """The SMTP server did not answer: where it was looked for, and that the mail waits."""
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    return Unreachable(
        f"Không kết nối được máy chủ thư {where} (DONDOC_SMTP_HOST, DONDOC_SMTP_PORT): "
        f"{reason}. Thư vẫn nằm trong hàng đợi và sẽ được gửi lại.",
        f"Cannot reach the mail server {where} (DONDOC_SMTP_HOST, DONDOC_SMTP_PORT): "
        f"{reason}. The mail stays in the outbox and will be retried.",
    )
