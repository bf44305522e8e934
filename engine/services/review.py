"""The monthly review: read the month from the event log, write its documents, and put
the covering mail with the PDF and the annex attached in the outbox.

The figures come from `engine.domain.review` over what the audit trail says at the
month's cut-offs (read by set-based SQL, `engine.store.review_reads`), so a past month's
review says today what it said then. The mail is planned
under one key per month and recipient: running the review again (the scheduler's
catch-up, a coordinator's re-run) rewrites the files but never mails a leader twice.
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select

from engine.domain import routing
from engine.domain.calendar import WorkingCalendar
from engine.domain.categories import Category
from engine.domain.compliance import UpdateCompliance, period_start, update_compliance
from engine.domain.review import (
    TREND_MONTHS,
    Month,
    MonthlyReview,
    ReviewError,
    cutoffs,
    review,
)
from engine.i18n import category_label
from engine.mail.context import MonthlyReportView, Recipient, ReportTask
from engine.report.document import ReportForm, ReportInput, pct, render_html, render_pdf, summary
from engine.report.excel import Sheet, annex_sheets, write_xlsx
from engine.services.deps import Deps
from engine.settings import Settings
from engine.store.review_reads import progress_reported, read_review_log
from engine.store.tables import TaskRow, UnitRow
from engine.workers import start_pool, stop_pool

MAIL_KIND = "monthly_report"
#: overdue tasks named in the covering mail
MAIL_OVERDUE = 5
PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: how the leaders are addressed: as the office's leadership, a body, not a person
#: ("Kính gửi: Lãnh đạo Văn phòng Chủ tịch nước"), as the escalations address them
LEADER_TITLE = routing.LEADER_TITLE
LEADERSHIP_TITLE = routing.LEADERSHIP_TITLE


class ReviewRefused(ReviewError):
    """The review cannot be made as asked; the message says why, in both languages."""


# -- which month ---------------------------------------------------------------------------


def month_to_review(text: str | None, now: datetime, calendar: WorkingCalendar) -> Month:
    """The month asked for ('2025-12', '12/2025'), or the one before `now`'s; refused
    unless it has ended by `now` (a month's review is made once it is over)."""
    today = calendar.local_date(now)
    month = Month.parse(text) if text else Month.of(today).previous()
    if month.cutoff(calendar) > now:
        ready = month.next().first_day
        raise ReviewRefused(
            f"tháng {month.label} chưa kết thúc: báo cáo tháng {month.label} lập được"
            f" từ ngày {ready:%d/%m/%Y} (hôm nay là {today:%d/%m/%Y})",
            f"{month.iso} has not ended yet: its review can be made from"
            f" {ready.isoformat()} (today is {today.isoformat()})",
        )
    return month


# -- reading the log -----------------------------------------------------------------------


def load_review(session: Session, calendar: WorkingCalendar, month: Month) -> MonthlyReview:
    """The month's review, from what the log says at its cut-offs (read in the session's
    transaction: one snapshot)."""
    since = month.back(TREND_MONTHS - 1).start(calendar)
    log = read_review_log(session, cutoffs(month, calendar), month.start(calendar), since)
    return review(log, month, calendar)


def unit_names(session: Session, lang: str) -> dict[str, str]:
    return {
        code: (name_en if lang == "en" and name_en else name_vi)
        for code, name_vi, name_en in session.exec(
            select(UnitRow.code, UnitRow.name_vi, UnitRow.name_en)
        )
    }


# -- the documents -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFiles:
    month: Month
    html: Path
    pdf: Path
    xlsx: Path
    data: ReportInput

    @property
    def paths(self) -> tuple[Path, Path, Path]:
        return self.html, self.pdf, self.xlsx


def file_stem(month: Month, lang: str) -> str:
    return f"monthly-review-{month.iso}" if lang == "en" else f"bao-cao-thang-{month.iso}"


#: tasks in the database from which the PDF and the annex are made in worker processes:
#: below, starting them (1-3 s: processes, WeasyPrint, its fonts) costs more than it overlaps
PDF_WORKER_FROM = 5_000
#: what the workers' forkserver loads before it forks them: WeasyPrint and the documents
DOCUMENT_MODULES = ("weasyprint", render_pdf.__module__, write_xlsx.__module__)


T = TypeVar("T")


class _DocumentWorkers:
    """Two worker processes, one making the PDF (WeasyPrint), the other writing the annex
    (XlsxWriter): the two longest steps after the read, on two cores at once. One takes
    the HTML, a few hundred KB; the other the annex's cells as plain data
    (`engine.report.excel.Sheet`: texts, numbers, day numbers; some MB for 40,000 rows,
    pickled in a tenth of a second); each gives back its file's bytes.

    The annex goes to a worker rather than being written here for what XlsxWriter keeps
    until the book is closed: an object per cell, half a million for a big office, which
    the garbage collector walks again and again as they pile up, the more slowly the more
    this process holds besides (a database session, the review); a fresh worker holds
    little else (measured: 2.2 s of CPU there, 3.1-3.3 s here). The cells are made here,
    so that what the annex says is decided with the rest of the report.

    The workers are started first, on a thread, so that their start (the first time in a
    process, the forkserver's start and its import of WeasyPrint: a second or two during
    which the start waits) overlaps the read. They start and end as every worker process
    of dondoc does (`engine.workers`). When no worker can be had (one core, a daemon
    process, a platform without them, a worker that died), the documents are made here:
    the same, later."""

    def __init__(self, wanted: bool = True) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self._starting: threading.Thread | None = None
        self._started = True
        if not wanted or (os.cpu_count() or 1) < 2:
            return
        self.pool = start_pool(2, preload=DOCUMENT_MODULES)
        if self.pool is not None:
            self._starting = threading.Thread(target=self._warm, args=(self.pool,), daemon=True)
            self._starting.start()

    def _warm(self, pool: ProcessPoolExecutor) -> None:
        """Start both workers, with WeasyPrint loaded, by a small job each (a worker starts
        with a job that finds none idle)."""
        try:
            pool.submit(render_pdf, "<p></p>")
            pool.submit(write_xlsx, [])
        except (OSError, RuntimeError):  # no process to be had after all
            self._started = False

    def _ready(self) -> ProcessPoolExecutor | None:
        """The pool once its workers have started, or None when there is none."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None
            if not self._started and self.pool is not None:
                stop_pool(self.pool)
                self.pool = None
        return self.pool

    def pdf(self, html: str) -> Callable[[], bytes]:
        """Start making the PDF of `html`; call the result for its bytes."""
        return self._start(lambda: render_pdf(html), render_pdf, html)

    def xlsx(self, sheets: Sequence[Sheet]) -> Callable[[], bytes]:
        """Start writing the annex of `sheets`; call the result for its bytes."""
        return self._start(lambda: write_xlsx(sheets), write_xlsx, sheets)

    def _start(self, here: Callable[[], T], job: Callable[..., T], *args: Any) -> Callable[[], T]:
        """`job(*args)` started in a worker; the result's call waits for it, or calls
        `here()` instead when there is no worker or it is gone."""
        future: Future[T] | None = None
        pool = self._ready()
        if pool is not None:
            try:
                future = pool.submit(job, *args)
            except (OSError, RuntimeError):
                future = None

        def result() -> T:
            if future is not None:
                try:
                    return future.result()
                except BrokenProcessPool:  # the worker is gone: make it here
                    pass
            return here()

        return result

    def close(self) -> None:
        pool = self._ready()
        if pool is not None:
            stop_pool(pool)


def _compliance(
    session: Session, deps: Deps, month: Month, monthly: MonthlyReview
) -> UpdateCompliance | None:
    """The update-compliance rate at the month's cut-off, when the policy asks units to
    report progress every so many working days (`progress_report_every`)."""
    every = deps.policies.default.progress_report_every
    if not every:
        return None
    calendar = deps.calendar
    cutoff = month.cutoff(calendar)
    since = period_start(calendar.local_date(cutoff), every, calendar)
    start = datetime.combine(since, time(0), tzinfo=calendar.timezone)
    return update_compliance(monthly.lines, progress_reported(session, start, cutoff), since)


def write_report(deps: Deps, month: Month, lang: str, out_dir: Path, now: datetime) -> ReportFiles:
    """Make the HTML, the PDF and the annex of `month`, and write them into `out_dir`.

    All three are made before any is written (the PDF and the annex in two worker
    processes at once), and each is written under a temporary name then renamed: a
    failure leaves the folder as it was.
    """
    calendar = deps.calendar
    with deps.session() as session:  # a small office's PDF is made sooner here than a worker starts
        tasks = session.exec(select(func.count()).select_from(TaskRow)).one()
    workers = _DocumentWorkers(wanted=tasks >= PDF_WORKER_FROM)  # they start during the read
    try:
        with deps.session() as session:
            monthly = load_review(session, calendar, month)
            names = unit_names(session, lang)
            compliance = _compliance(session, deps, month, monthly)
        data = ReportInput(
            review=monthly,
            office=deps.settings.office_name,
            lang=lang,
            generated_at=now.astimezone(calendar.timezone),
            unit_names=names,
            form=ReportForm.from_settings(deps.settings),
            compliance=compliance,
        )
        xlsx = workers.xlsx(annex_sheets(data))  # the longer of the two: started first
        html = render_html(data)
        pdf = workers.pdf(html)
        contents = {".html": html.encode("utf-8"), ".pdf": pdf(), ".xlsx": xlsx()}
    finally:
        workers.close()
    stem = file_stem(month, lang)
    targets = {suffix: out_dir / f"{stem}{suffix}" for suffix in contents}
    written: list[Path] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for suffix, content in contents.items():
            temporary = out_dir / f".{stem}{suffix}.tmp"
            temporary.write_bytes(content)
            written.append(temporary)
        for suffix in contents:
            os.replace(out_dir / f".{stem}{suffix}.tmp", targets[suffix])
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise ReviewRefused(
            f"không ghi được báo cáo vào thư mục {out_dir}: {reason}",
            f"cannot write the report into {out_dir}: {reason}",
        ) from exc
    return ReportFiles(month, targets[".html"], targets[".pdf"], targets[".xlsx"], data)


# -- the covering mail ---------------------------------------------------------------------


@dataclass
class MailPlan:
    planned: list[str] = field(default_factory=list)  # addresses with a new mail
    already: list[str] = field(default_factory=list)  # addresses mailed this month before

    @property
    def recipients(self) -> list[str]:
        return self.planned + self.already


def mail_key(month: Month, email: str) -> str:
    return f"{MAIL_KIND}:{month.iso}:{email.lower()}"


def _view(files: ReportFiles) -> MonthlyReportView:
    data = files.data
    r = data.review
    f = r.total
    rate = pct(f.on_time_rate, data.lang)
    return MonthlyReportView(
        month=r.month.label,
        first_day=r.month.first_day,
        last_day=r.month.last_day,
        summary=summary(data),
        total=f.total,
        completed_on_time=f.completed_on_time,
        completed_late=f.completed_late,
        in_progress_within_deadline=f.in_progress_within_deadline,
        in_progress_overdue=f.in_progress_overdue,
        ongoing=f.ongoing,
        on_time_rate=rate if f.on_time_rate is None else f"{rate}%",
        most_overdue=tuple(
            ReportTask(x.title, x.reference, data.unit_name(x.unit), x.deadline, x.days_overdue)
            for x in r.overdue[:MAIL_OVERDUE]
        ),
        files=(files.pdf.name, files.xlsx.name),
    )


def _attachment(path: Path, content_type: str) -> dict[str, str]:
    return {
        "filename": path.name,
        "content_type": content_type,
        "data": base64.b64encode(path.read_bytes()).decode("ascii"),
    }


def leaders(
    settings: Settings, lang: str, languages: dict[str, str] | None = None
) -> list[Recipient]:
    """The leaders in the settings who get the review (leader, then office leadership),
    each in their own language when the contacts give one (`languages`, by address in
    lower case), else in `lang`."""
    out: list[Recipient] = []
    for email, titles in (
        (settings.leader_email, LEADER_TITLE),
        (settings.leadership_email, LEADERSHIP_TITLE),
    ):
        if email and email.lower() not in {r.email.lower() for r in out}:
            own = (languages or {}).get(email.lower(), lang)
            out.append(Recipient("", titles[own], email, settings.office_name, own, person=False))
    return out


def contact_languages(session: Session) -> dict[str, str]:
    """Each unit head's language, by address (lower case): the contacts of the units file."""
    rows = session.exec(select(UnitRow.head_email, UnitRow.language)).all()
    return {email.lower(): language for email, language in rows if email}


def plan_mail(deps: Deps, files: ReportFiles, now: datetime) -> MailPlan:
    """One mail per leader, with the PDF and the annex attached, under the month's key."""
    with deps.session() as session:
        languages = contact_languages(session)
    recipients = leaders(deps.settings, files.data.lang, languages)
    plan = MailPlan()
    if not recipients:
        return plan
    notifier = deps.notifier()
    made = {files.data.lang: files}
    rows = []
    for to in recipients:
        if to.language not in made:  # a leader who reads another language: its documents
            made[to.language] = write_report(deps, files.month, to.language, files.pdf.parent, now)
        own = made[to.language]
        attachments = [_attachment(own.pdf, PDF_TYPE), _attachment(own.xlsx, XLSX_TYPE)]
        values = notifier.outbox_row(
            key=mail_key(files.month, to.email),
            kind=MAIL_KIND,
            to=to,
            cc=[deps.settings.coordinator_email] if deps.settings.coordinator_email else [],
            context={"report": _view(own)},
            now=now,
        )
        rows.append(values | {"attachments": attachments})
    with deps.session() as session:
        inserted = notifier.enqueue(session, rows)
        session.commit()
    for to in recipients:
        key = mail_key(files.month, to.email)
        (plan.planned if key in inserted else plan.already).append(to.email)
    return plan


# -- the whole of it -----------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyReport:
    files: ReportFiles
    mail: MailPlan

    @property
    def review(self) -> MonthlyReview:
        return self.files.data.review


def make_monthly_report(
    deps: Deps,
    month: str | None,
    *,
    lang: str,
    out_dir: Path,
    now: datetime | None = None,
    mail: bool = True,
) -> MonthlyReport:
    """The review of `month` (default: the month before `now`): documents written into
    `out_dir`, and, with `mail`, the covering mail planned for the leaders."""
    if lang not in ("vi", "en"):
        raise ReviewRefused(
            f"ngôn ngữ không hợp lệ: {lang!r} (vi hoặc en)", f"bad language: {lang!r} (vi or en)"
        )
    now = now or deps.clock.now()
    chosen = month_to_review(month, now, deps.calendar)
    files = write_report(deps, chosen, lang, out_dir, now)
    plan = plan_mail(deps, files, now) if mail else MailPlan()
    return MonthlyReport(files, plan)


def headline_rows(report: MonthlyReview, lang: str) -> Sequence[dict[str, Any]]:
    """The headline table (one row per category, then the total and the rate), as the
    Prefect artifact and the CLI show it."""
    f = report.total
    label = "Category" if lang == "en" else "Phân loại"
    count = "Tasks" if lang == "en" else "Số nhiệm vụ"
    rows: list[dict[str, Any]] = [
        {label: category_label(c, lang), count: f.count(c)} for c in Category
    ]
    rows.append({label: "Total" if lang == "en" else "Tổng số", count: f.total})
    rate = pct(f.on_time_rate, lang)
    rows.append(
        {
            label: "On-time rate" if lang == "en" else "Tỷ lệ hoàn thành đúng hạn",
            count: rate if f.on_time_rate is None else f"{rate}%",
        }
    )
    return rows
