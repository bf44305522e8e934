"""`dondoc serve`: the embedded scheduler (APScheduler 3.x) running the sweep and delivery,
and the monthly review at 07:00 on the 1st.

One scheduler process; fixed job ids, `replace_existing`, `coalesce`, one instance at a
time. The database, not the scheduler, holds the truth: each run asks the calendar and
the office hours whether to act, and the sweep is idempotent, so a missed or doubled
run does no harm.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from engine.bootstrap import App
from engine.clock import SystemClock
from engine.services.delivery import DeliveryReport, deliver
from engine.services.deps import Deps
from engine.services.review import MonthlyReport, make_monthly_report
from engine.services.sweep import SweepReport, sweep
from engine.store.db import shown_url
from engine.store.runs import last_runs, record_run

log = logging.getLogger("dondoc.serve")

SWEEP_JOB = "dondoc-sweep-and-deliver"
REVIEW_JOB = "dondoc-monthly-review"
MISSED_REVIEW_JOB = "dondoc-missed-monthly-review"
REVIEW_HOUR = 7  # on the 1st, in the office's zone


def run_cycle(deps: Deps) -> tuple[SweepReport, DeliveryReport]:
    """One sweep, then one delivery, each deciding for itself whether it is office hours."""
    planned = sweep(deps)
    return planned, deliver(deps)


def run_monthly_review(deps: Deps) -> MonthlyReport:
    """The review of the month before now, into the report folder, with the leaders'
    mail planned under the month's key: a second run in the month mails no one again.
    The month made is recorded (`service_run`, kind "review") for `run_missed_review`."""
    settings = deps.settings
    now = deps.clock.now()
    report = make_monthly_report(
        deps, None, lang=settings.lang, out_dir=settings.report_dir, now=now
    )
    with deps.session() as session:
        record_run(session, "review", now, {"month": report.review.month.iso})
        session.commit()
    return report


def missed_review_month(deps: Deps) -> str | None:
    """The month ("2026-01") whose review the 07:00-on-the-1st run should have made by now
    and has not (none made, or an earlier month's last); None when none is missing."""
    now = deps.clock.now().astimezone(ZoneInfo(deps.settings.timezone))
    if now.day == 1 and now.hour < REVIEW_HOUR:
        return None  # the 1st before 07:00: the scheduled run is still to come
    year, month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    due = f"{year:04d}-{month:02d}"
    with deps.session() as session:
        last = last_runs(session).get("review")
    made = str(last.summary.get("month", "")) if last else ""
    return None if made >= due else due


def run_missed_review(deps: Deps) -> MonthlyReport | None:
    """At start-up: the month's review the scheduler missed while the server was down (it
    was started after 07:00 on the 1st), made once; None when nothing was missed."""
    if missed_review_month(deps) is None:
        return None
    return run_monthly_review(deps)


def log_cycle(planned: SweepReport, delivered: DeliveryReport) -> None:
    """What one cycle did, in one line at INFO (WARNING when mail failed or the SMTP
    server could not be reached)."""
    at = planned.now.isoformat(timespec="minutes")
    if not planned.in_office_hours:
        log.info(
            "cycle at %s: outside office hours or a day off; planned nothing, "
            "%d mail(s) wait for office hours",
            at,
            delivered.skipped_outside_hours,
        )
        return
    deferred = delivered.retried + delivered.skipped_outside_hours
    level = logging.WARNING if delivered.failed or delivered.unreachable else logging.INFO
    log.log(
        level,
        "cycle at %s: checked %d task(s), planned %d mail(s) (%d escalation(s), %d recurring "
        "instance(s)); sent %d, deferred %d, failed %d%s",
        at,
        planned.tasks_checked,
        len(planned.mails),
        len(planned.escalations),
        len(planned.instances),
        delivered.sent,
        deferred,
        delivered.failed,
        f"; SMTP server unreachable: {delivered.unreachable}" if delivered.unreachable else "",
    )


def _log_review(report: MonthlyReport) -> None:
    log.info(
        "monthly review of %s: %s; mailed to %s",
        report.review.month.iso,
        ", ".join(str(p) for p in report.files.paths),
        ", ".join(report.mail.planned) or "no one new",
    )


#: every job: one instance at a time, runs missed while busy or down made up by one run
ONE_AT_A_TIME: dict[str, Any] = {
    "replace_existing": True,
    "coalesce": True,
    "max_instances": 1,
    "misfire_grace_time": None,
}


def build_scheduler(
    app: App,
    on_cycle: Callable[[SweepReport, DeliveryReport], None] = log_cycle,
    on_review: Callable[[MonthlyReport], None] = _log_review,
) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=app.settings.timezone)

    def job() -> None:
        try:
            on_cycle(*run_cycle(app.deps()))  # the calendar and policies as they are now
        except Exception:  # keep serving; the next run tries again
            log.exception("sweep/delivery cycle failed")

    scheduler.add_job(
        job,
        IntervalTrigger(
            seconds=app.settings.serve_interval_seconds, timezone=app.settings.timezone
        ),
        id=SWEEP_JOB,
        name="sweep and deliver",
        **ONE_AT_A_TIME,
        # the scheduler keeps real time, whatever clock the engine is given
        next_run_time=SystemClock().now(),  # once at start-up, then every interval
    )

    def review() -> None:
        try:
            on_review(run_monthly_review(app.deps()))
        except Exception:  # keep serving; a coordinator can make it with `dondoc report`
            log.exception("monthly review failed")

    scheduler.add_job(
        review,
        CronTrigger(day=1, hour=REVIEW_HOUR, minute=0, timezone=app.settings.timezone),
        id=REVIEW_JOB,
        name="monthly review",
        **ONE_AT_A_TIME,
    )

    def missed() -> None:
        try:
            made = run_missed_review(app.deps())
        except Exception:  # keep serving; a coordinator can make it with `dondoc report`
            log.exception("the missed monthly review failed")
            return
        if made is not None:
            on_review(made)

    scheduler.add_job(  # once at start-up: the review missed while down, if any
        missed,
        id=MISSED_REVIEW_JOB,
        name="missed monthly review",
        **ONE_AT_A_TIME,
        next_run_time=SystemClock().now(),
    )
    return scheduler


def serve(
    app: App,
    on_cycle: Callable[[SweepReport, DeliveryReport], None] = log_cycle,
    on_review: Callable[[MonthlyReport], None] = _log_review,
) -> None:
    """Run until SIGTERM or SIGINT; a running cycle finishes before the process exits."""
    scheduler = build_scheduler(app, on_cycle, on_review)
    log.info(
        "serving %s: sweep and delivery every %d s, monthly review on the 1st at 07:00 (%s)",
        shown_url(app.engine.url),
        app.settings.serve_interval_seconds,
        app.settings.timezone,
    )

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("%s: stopping after the current run", signal.Signals(signum).name)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()
    log.info("stopped")
