"""`dondoc check`: is what dondoc needs there, and is it doing its work?

Five items, each with a state and a one-line reason in both languages: the database
(reachable, schema current), the SMTP server (answers EHLO), the last sweep and the last
delivery (recorded by the runs themselves in `service_run`), and the outbox (mail due
long ago and not sent, mail that failed). Nothing is written: the check only reads, and
says so when what it would read is not there.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import aiosmtplib
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from engine.config import SetupError, smtp_unreachable
from engine.domain.calendar import WorkingCalendar
from engine.domain.policy import Policy, in_office_hours
from engine.mail.sender import SmtpSender
from engine.presenters import count_text, delivery_counts
from engine.services.deps import Deps
from engine.settings import Settings
from engine.store.db import check_database, shown_url
from engine.store.runs import RUN_KINDS, last_runs
from engine.store.tables import OutboxRow, ServiceRunRow

#: a run older than this many scheduler intervals, in office hours, is a warning
STALE_AFTER_INTERVALS = 3
#: mail due for longer than this, in office hours, and not sent is a warning
BACKLOG_AFTER = timedelta(minutes=30)
FAILED_HINT = "dondoc outbox list --status failed"


class State(StrEnum):
    OK = "ok"
    WARNING = "warning"
    FAILING = "failing"
    NOT_CHECKED = "not_checked"  # skipped (--no-smtp), or what it needs is not there


#: the exit code of `dondoc check` for each state; the worst item decides
EXIT_CODE = {State.OK: 0, State.NOT_CHECKED: 0, State.WARNING: 1, State.FAILING: 2}


@dataclass(frozen=True)
class Item:
    name: str  # database, smtp, sweep, deliver, outbox
    state: State
    vi: str  # the reason, in Vietnamese
    en: str
    figures: dict[str, Any] = field(default_factory=dict)  # plain JSON values

    def reason(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


@dataclass(frozen=True)
class Health:
    at: datetime
    items: tuple[Item, ...]

    @property
    def exit_code(self) -> int:
        return max(EXIT_CODE[item.state] for item in self.items)

    @property
    def state(self) -> State:
        return {0: State.OK, 1: State.WARNING, 2: State.FAILING}[self.exit_code]

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable form (`dondoc check --json`)."""
        return {
            "state": self.state.value,
            "exit_code": self.exit_code,
            "at": self.at.astimezone(UTC).isoformat(),
            "items": [
                {
                    "name": item.name,
                    "state": item.state.value,
                    "reason": {"vi": item.vi, "en": item.en},
                    "figures": item.figures,
                }
                for item in self.items
            ],
        }


def check(
    deps: Deps, *, smtp: bool = True, now: datetime | None = None, database: Item | None = None
) -> Health:
    """Every item, at `now` (the app's clock by default). `database`: the database item
    when the caller has already checked it (before building `deps`)."""
    now = now or deps.clock.now()
    database = database or database_item(deps.engine)
    if database.state is not State.OK:
        return check_without_database(deps.settings, database, now, smtp=smtp)
    zone = deps.calendar.timezone
    office = _OfficeHours(deps.calendar, deps.policies.default)
    stale_after = timedelta(seconds=STALE_AFTER_INTERVALS * deps.settings.serve_interval_seconds)
    with deps.session() as session:  # read only: closed without a commit
        runs = last_runs(session)
        ran = [
            _run_item(kind, runs.get(kind), now, stale_after, office, zone) for kind in RUN_KINDS
        ]
        outbox = _outbox_item(session, now, office)
    # the mail server last, with no database connection held while it may time out
    return Health(now, (database, _smtp_or_skip(deps.settings, smtp), *ran, outbox))


def check_without_database(
    settings: Settings, database: Item, now: datetime, *, smtp: bool = True
) -> Health:
    """The check when the database is failing (`database`): the items that read it are
    not checked."""
    unchecked = [
        Item(
            name,
            State.NOT_CHECKED,
            "Không kiểm tra được: cơ sở dữ liệu chưa sẵn sàng.",
            "Could not be checked: the database is not available.",
        )
        for name in (*RUN_KINDS, "outbox")
    ]
    return Health(now, (database, _smtp_or_skip(settings, smtp), *unchecked))


# -- the database -------------------------------------------------------------------------


def database_item(engine: Engine) -> Item:
    """Reachable and migrated to the current schema (`check_database`); a set-up error is
    a failing item with its message. Creates nothing, not even an empty SQLite file."""
    where = shown_url(engine.url)
    try:
        check_database(engine)
    except SetupError as exc:
        return Item("database", State.FAILING, exc.vi, exc.en, {"url": where})
    return Item(
        "database",
        State.OK,
        f"Cơ sở dữ liệu {where} trả lời; lược đồ đã cập nhật.",
        f"The database {where} answers; its schema is up to date.",
        {"url": where},
    )


# -- the SMTP server ----------------------------------------------------------------------


def _smtp_or_skip(settings: Settings, smtp: bool) -> Item:
    if smtp:
        return smtp_item(settings)
    return Item(
        "smtp", State.NOT_CHECKED, "Không kiểm tra (--no-smtp).", "Not checked (--no-smtp)."
    )


def smtp_item(settings: Settings) -> Item:
    """Connect as the deliverer does (host, port, TLS, timeout), say EHLO, log in if
    credentials are set, say QUIT: no mail is sent."""
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    figures: dict[str, Any] = {
        "host": settings.smtp_host,
        "port": settings.smtp_port,
        "tls": settings.smtp_tls,
        "user": settings.smtp_user,
    }
    sender = SmtpSender.from_settings(settings)
    try:
        server = asyncio.run(sender.probe())
    except aiosmtplib.SMTPAuthenticationError as exc:
        reason = sender.describe(exc)
        return Item(
            "smtp",
            State.FAILING,
            f"Máy chủ thư {where} từ chối đăng nhập của {settings.smtp_user} "
            f"(DONDOC_SMTP_USER, DONDOC_SMTP_PASSWORD): {reason}.",
            f"The mail server {where} refused the login of {settings.smtp_user} "
            f"(DONDOC_SMTP_USER, DONDOC_SMTP_PASSWORD): {reason}.",
            figures | {"error": reason},
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        reason = sender.describe(exc)
        error = smtp_unreachable(settings, reason)
        return Item("smtp", State.FAILING, error.vi, error.en, figures | {"error": reason})
    logged_in = f" Đăng nhập được ({settings.smtp_user})." if settings.smtp_user else ""
    logged_in_en = f" Logged in ({settings.smtp_user})." if settings.smtp_user else ""
    return Item(
        "smtp",
        State.OK,
        f"Máy chủ thư {where} trả lời EHLO ({server}).{logged_in}",
        f"The mail server {where} answers EHLO ({server}).{logged_in_en}",
        figures | {"server": server},
    )


# -- the last sweep and the last delivery ---------------------------------------------------


@dataclass(frozen=True)
class _OfficeHours:
    calendar: WorkingCalendar
    policy: Policy

    def open_throughout(self, now: datetime, window: timedelta) -> bool:
        """Open at `now` and `window` before it (office hours never span midnight): a
        scheduler has had the whole window to run. At opening time, in the evening and
        on days off, a quiet scheduler is normal."""
        return in_office_hours(now, self.calendar, self.policy) and in_office_hours(
            now - window, self.calendar, self.policy
        )


#: each kind of run: its name in Vietnamese and in English, and its command
_RUN = {
    "sweep": ("Rà soát", "sweep", "dondoc sweep"),
    "deliver": ("Gửi thư", "delivery", "dondoc deliver"),
}


def _run_item(
    kind: str,
    run: ServiceRunRow | None,
    now: datetime,
    stale_after: timedelta,
    office: _OfficeHours,
    zone: ZoneInfo,
) -> Item:
    vi_name, en_name, command = _RUN[kind]
    limit = int(stale_after.total_seconds())
    figures: dict[str, Any] = {"at": None, "age_seconds": None, "stale_after_seconds": limit}
    if run is None:
        return Item(
            kind,
            State.WARNING,
            f"{vi_name}: chưa chạy lần nào (chạy `dondoc serve`, hoặc lập lịch `{command}`).",
            f"No {en_name} has run yet (run `dondoc serve`, or schedule `{command}`).",
            figures | {"summary": None},
        )
    age = now - run.at
    figures |= {"at": run.at.isoformat(), "age_seconds": int(age.total_seconds())}
    figures |= {"summary": run.summary}
    when = f"{run.at.astimezone(zone):%d/%m/%Y %H:%M}"
    did_vi, did_en = _what_it_did(kind, run.summary)
    vi = f"{vi_name} lần cuối lúc {when}: {did_vi}."
    en = f"Last {en_name} at {when}: {did_en}."
    if age > stale_after and office.open_throughout(now, stale_after):
        ago_vi, ago_en = _duration(age, "vi"), _duration(age, "en")
        limit_vi, limit_en = _duration(stale_after, "vi"), _duration(stale_after, "en")
        return Item(
            kind,
            State.WARNING,
            f"{vi_name} lần cuối lúc {when}, cách đây {ago_vi} (quá {limit_vi} trong giờ "
            f"làm việc): bộ lập lịch (`dondoc serve`) có đang chạy không?",
            f"Last {en_name} at {when}, {ago_en} ago (more than {limit_en} in office "
            f"hours): is the scheduler (`dondoc serve`) running?",
            figures,
        )
    unreachable = run.summary.get("unreachable") if kind == "deliver" else None
    if unreachable:
        return Item(
            kind,
            State.WARNING,
            f"{vi[:-1]}; không kết nối được máy chủ thư: {unreachable}.",
            f"{en[:-1]}; the mail server could not be reached: {unreachable}.",
            figures,
        )
    return Item(kind, State.OK, vi, en, figures)


def _what_it_did(kind: str, summary: dict[str, Any]) -> tuple[str, str]:
    """The run's counts as the sweep's and the deliverer's own sentences say them."""
    n = {key: summary.get(key, 0) for key in ("tasks_checked", "mails", "escalations")}
    sent, retried, failed = (summary.get(k, 0) for k in ("sent", "retried", "failed"))

    def said(lang: str) -> str:
        if kind != "sweep":
            return delivery_counts(sent, retried, failed, lang).replace(";", ",")
        counted = (
            count_text("tasks_checked", n["tasks_checked"], lang),
            count_text("mails_queued", n["mails"], lang),
            count_text("escalations", n["escalations"], lang),
        )
        return ", ".join(counted)

    return said("vi"), said("en")


def _duration(span: timedelta, lang: str) -> str:
    """'1 ngày 3 giờ', '16 giờ 5 phút', '15 phút' / '1 d 3 h', '16 h 5 min', '15 min'."""
    minutes = int(span.total_seconds()) // 60
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    units = ("ngày", "giờ", "phút") if lang != "en" else ("d", "h", "min")
    parts = [f"{v} {u}" for v, u in zip((days, hours, minutes), units, strict=True) if v]
    if days:
        parts = parts[:2]  # a day or more: the minutes do not matter
    return " ".join(parts) or ("dưới 1 phút" if lang != "en" else "under a minute")


# -- the outbox -----------------------------------------------------------------------------


def _outbox_item(session: Session, now: datetime, office: _OfficeHours) -> Item:
    """Mail due for over BACKLOG_AFTER and not sent (judged in office hours only: outside
    them the deliverer waits on purpose), and mail that failed for good."""
    waiting = col(OutboxRow.status).in_(("pending", "sending"))
    counts = dict(
        session.exec(select(OutboxRow.status, func.count()).group_by(col(OutboxRow.status))).all()
    )
    backlog = session.exec(
        select(func.count())
        .select_from(OutboxRow)
        .where(waiting, col(OutboxRow.next_attempt_at) <= now - BACKLOG_AFTER)
    ).one()
    oldest = session.exec(select(func.min(OutboxRow.next_attempt_at)).where(waiting)).one()
    pending = counts.get("pending", 0) + counts.get("sending", 0)
    failed = counts.get("failed", 0)
    minutes = int(BACKLOG_AFTER.total_seconds()) // 60
    figures = {
        "pending": pending,
        "backlog": backlog,
        "failed": failed,
        "backlog_after_minutes": minutes,
        "oldest_due": oldest.isoformat() if oldest is not None else None,
    }
    judged = backlog > 0 and office.open_throughout(now, BACKLOG_AFTER)
    vi = [count_text("pending", pending, "vi")]
    en = [count_text("pending", pending, "en")]
    if judged:
        vi.append(f"{backlog} thư đến hạn gửi đã quá {minutes} phút mà chưa gửi")
        en.append(f"{backlog} due for more than {minutes} min and not sent")
    elif backlog:
        vi.append(f"{backlog} thư chờ đến giờ làm việc")
        en.append(f"{backlog} waiting for office hours")
    if failed:
        vi.append(f"{failed} thư không gửi được (xem `{FAILED_HINT}`)")
        en.append(f"{failed} failed (see `{FAILED_HINT}`)")
    if not (judged or failed):
        vi.append("không có thư tồn đọng hay không gửi được")
        en.append("nothing overdue, nothing failed")
    state = State.WARNING if judged or failed else State.OK
    return Item(
        "outbox", state, f"Hàng đợi: {'; '.join(vi)}.", f"Outbox: {'; '.join(en)}.", figures
    )
