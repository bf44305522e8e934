"""The scheduled pair: the sweep plans reminders and escalations into the outbox, and
deliver-outbox sends it. Both check the working calendar and office hours themselves,
so a run at night, at a weekend or on a holiday does nothing."""

from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from pydantic import BaseModel, ConfigDict

from engine.presenters import delivery_failures
from engine.services import delivery
from engine.services import sweep as sweeping
from workflows.artifacts import (
    Publication,
    delivery_markdown,
    directive_tables,
    directive_tag,
    publish,
    sweep_markdown,
    touched_references,
)
from workflows.common import (
    Moment,
    Run,
    blocking,
    dondoc_run,
    field,
    moment,
    office_time_name,
    parse_form,
    refusals_fail_quietly,
    retry_unless_refused,
)
from workflows.events import emit_outbox_planned, publish_task_events
from workflows.overview import build_overview

SWEEP_KEY = "ra-soat"
DELIVERY_KEY = "gui-thu"
#: most directive artifacts one sweep refreshes (each is one API call)
MAX_DIRECTIVES = 100


class SweepForm(BaseModel):
    model_config = ConfigDict(title="Rà soát nhắc việc", str_strip_whitespace=True)

    as_of: Moment = field(
        0,
        "Rà soát tại thời điểm",
        "Sweep as of this instant, e.g. 2026-01-21T09:00 (empty: now); re-running with the"
        " same instant plans nothing twice",
        None,
    )
    dry_run: bool = field(1, "Chỉ xem thử", "Show what would be planned, and store nothing", False)


class DeliveryForm(BaseModel):
    model_config = ConfigDict(title="Gửi thư trong hàng đợi", str_strip_whitespace=True)

    as_of: Moment = field(
        0,
        "Gửi tại thời điểm",
        "Deliver as of this instant (empty: now): which mail is due, and office hours",
        None,
    )


# The sweep is idempotent (every notice has a unique key, all in one transaction), so
# a run cut off by a dropped connection is safely tried again.
@task(name="plan-reminders", retries=2, retry_delay_seconds=30, cache_policy=NO_CACHE,
      retry_condition_fn=retry_unless_refused)  # fmt: skip
async def plan(run: Run, now: datetime, dry_run: bool) -> sweeping.SweepReport:
    return await blocking(sweeping.sweep, run.deps, now, dry_run=dry_run)


# Delivery claims its rows and records each result under the claim: a retry sends only
# what is still due, never a mail twice.
@task(name="send-mail", retries=2, retry_delay_seconds=60, cache_policy=NO_CACHE,
      retry_condition_fn=retry_unless_refused)  # fmt: skip
async def send(run: Run, now: datetime | None) -> delivery.DeliveryReport:
    return await blocking(delivery.deliver, run.deps, now=now)


@flow(name="sweep", validate_parameters=False, flow_run_name=office_time_name("rà soát"))
@refusals_fail_quietly
async def sweep(request: SweepForm = SweepForm()) -> dict[str, Any]:
    """Plan the reminders, escalations and recurring tasks due now into the outbox
    (rà soát, nhắc việc, đôn đốc), as `dondoc sweep` does.

    Args:
        request: Thời điểm rà soát / when to sweep
    """
    async with dondoc_run(failure_key=SWEEP_KEY) as run:
        form = parse_form(SweepForm, request, run.lang)
        now = moment(run, form.as_of)
        report = await plan(quote(run), now, form.dry_run)

        def build() -> Publication:
            with run.deps.session() as session:
                summary = sweep_markdown(
                    session, report, run.calendar.timezone, run.lang, SWEEP_KEY
                )
                touched = [] if report.dry_run else touched_references(session, report)
                tables = directive_tables(
                    session, run.calendar, now, touched[:MAX_DIRECTIVES], run.lang
                )
                overview = build_overview(
                    session, run.calendar, now, run.lang, run.settings.overview_due_within
                )
            tags = [directive_tag(r) for r in touched[:MAX_DIRECTIVES]]
            return Publication([summary, *tables, *overview], tags)

        await publish(await blocking(build))
        if not report.dry_run:
            await publish_task_events(quote(run))
            if report.mails:  # prefect.yaml's trigger starts deliver-outbox on this
                await emit_outbox_planned(len(report.mails))
        result = {
            "in_office_hours": report.in_office_hours,
            "tasks_checked": report.tasks_checked,
            "mails": len(report.mails),
            "escalations": len(report.escalations),
            "instances": len(report.instances),
        }
        get_run_logger().info("sweep at %s: %s", now.isoformat(), result)
        return result


@flow(
    name="deliver-outbox",
    validate_parameters=False,
    flow_run_name=office_time_name("gửi thư"),
)
@refusals_fail_quietly
async def deliver_outbox(request: DeliveryForm = DeliveryForm()) -> dict[str, Any]:
    """Send the mail due in the outbox (gửi thư), as `dondoc deliver` does: nothing
    outside office hours; a temporary failure is retried later, a permanent one is
    kept with the server's reply and the coordinator is told.

    Args:
        request: Thời điểm gửi / when to deliver
    """
    async with dondoc_run(failure_key=DELIVERY_KEY) as run:
        form = parse_form(DeliveryForm, request, run.lang)
        started = moment(run, form.as_of)
        report = await send(quote(run), started if form.as_of else None)
        finished = started if form.as_of else run.deps.clock.now()

        def build() -> Publication:
            with run.deps.session() as session:
                return Publication(
                    [
                        delivery_markdown(
                            session,
                            report,
                            started,
                            finished,
                            run.calendar.timezone,
                            run.lang,
                            DELIVERY_KEY,
                        )
                    ]
                )

        await publish(await blocking(build))
        result = {
            "outside_hours": report.outside_hours,
            "sent": report.sent,
            "retried": report.retried,
            "failed": report.failed,
            "taken_over": report.taken_over,
            "waiting_for_office_hours": report.skipped_outside_hours,
        }
        logger = get_run_logger()
        logger.info("delivery: %s", result)
        if report.failed:  # as `dondoc deliver` exits 1: the run's log says it plainly
            logger.warning(delivery_failures(report, run.lang))
        return result
