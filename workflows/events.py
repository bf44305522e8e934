"""Every change of a task as a Prefect event, so that the Event Feed filtered by a
directive (or a unit, or a task) is its whole timeline, sweeps included.

Each event is `dondoc.task.<what>` (assigned, progress, submitted, returned, completed,
extension-requested, extension-approved, extension-refused, cancelled, escalated,
reminded, …) about the resource `dondoc.task.<id>`, with the directive
(`dondoc.directive.<reference>`) and the lead unit (`dondoc.unit.<code>`) as related
resources, besides the run that published it. The run publishes what the task history
gained since the last publication, whoever made the change (a flow, the CLI, the
embedded scheduler): `engine.services.feed` keeps the cursor in dondoc's database.

An event's id is derived from the change (and the database's feed instance), so a
change published twice is stored once by the server.
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.events import Event, RelatedResource, Resource
from prefect.events.clients import get_events_client
from prefect.events.related import related_resources_from_run_context

from engine.domain.lifecycle import Status
from engine.i18n import status_label
from engine.services import feed
from workflows.common import Run, blocking

#: the namespace of the events' ids (uuid5 of the feed instance and the change's key)
NAMESPACE = uuid.UUID("5a0f4d0e-6c1e-4a7b-9d55-0d0bd0c0ffee")
#: a change dated within this long before now keeps its own time as the event's time;
#: older ones (a past day re-run with `as_of`, a simulated clock) are dated now, with their
#: own time in the payload, so the feed, which shows recent events, still shows them
RECENT = timedelta(days=1)

OUTBOX = "dondoc.outbox"
#: the event a sweep emits when it has put mail in the outbox (prefect.yaml's trigger
#: runs deliver-outbox on it)
OUTBOX_PLANNED = "dondoc.outbox.planned"


def task_resource_id(task_id: int) -> str:
    return f"dondoc.task.{task_id}"


def directive_resource_id(reference: str) -> str:
    return f"dondoc.directive.{reference}"


def unit_resource_id(code: str) -> str:
    return f"dondoc.unit.{code}"


def _summary(item: feed.FeedItem, lang: str) -> str:
    """One line a coordinator reads in the feed."""
    head = f"{item.handle}: "
    if item.name == "escalated":
        return head + (
            f"nâng mức đôn đốc lên mức {item.level}"
            if lang == "vi"
            else f"escalated to level {item.level}"
        )
    if item.name == "reminded":
        return head + ("nhắc việc" if lang == "vi" else "reminder")
    if item.to_status:
        known = item.to_status in Status._value2member_map_
        return head + (status_label(Status(item.to_status), lang) if known else item.to_status)
    return head + item.name


def to_event(item: feed.FeedItem, instance: str, now: datetime, lang: str) -> Event:
    occurred = item.at if now - RECENT <= item.at <= now else now
    labels = {
        "prefect.resource.id": task_resource_id(item.task_id),
        "prefect.resource.name": f"{item.handle} {item.title}"[:200],
        "dondoc.directive": item.reference,
    }
    if item.unit:
        labels["dondoc.unit"] = item.unit
    if item.level is not None and item.name == "escalated":
        labels["dondoc.escalation.level"] = str(item.level)
    related = [
        RelatedResource(
            {
                "prefect.resource.id": directive_resource_id(item.reference),
                "prefect.resource.role": "directive",
                "prefect.resource.name": f"{item.reference} {item.directive_title}"[:200],
            }
        )
    ]
    if item.unit:
        related.append(
            RelatedResource(
                {
                    "prefect.resource.id": unit_resource_id(item.unit),
                    "prefect.resource.role": "unit",
                    "prefect.resource.name": item.unit_name or item.unit,
                }
            )
        )
    payload: dict[str, Any] = {
        "summary": _summary(item, lang),
        "at": item.at.isoformat(),
        "actor": item.actor,
        "from_status": item.from_status,
        "to_status": item.to_status,
        "level": item.level,
        "reason": item.reason,
        "details": item.details,
    }
    return Event(
        id=uuid.uuid5(NAMESPACE, f"{instance}:{item.key}"),
        occurred=occurred,
        event=f"dondoc.task.{item.name}",
        resource=Resource(labels),
        related=related,
        payload=payload,
    )


async def _send(events: list[Event]) -> None:
    """Send them over one connection, with the run's own resources (the flow run, its
    deployment, its tags) related to each. Raises if the server cannot be reached."""
    async with get_client() as client:
        context = await related_resources_from_run_context(client)
    async with get_events_client() as events_client:
        for event in events:
            event.related = [*event.related, *context]
            await events_client.emit(event)


# The cursor moves only after every event was sent: a failed publication is retried,
# here or by the next run (the ids make a second send harmless).
@task(name="publish-events", retries=2, retry_delay_seconds=[5, 30], cache_policy=NO_CACHE)
async def publish_task_events(run: Run) -> int:
    """Publish the task changes made since the last publication; how many."""
    deps = run.deps

    def read() -> feed.Batch:
        with deps.session() as session:
            return feed.pending(session)

    batch = await blocking(read)
    if batch.items:
        now = datetime.now(UTC)
        events = [to_event(item, batch.cursor.instance, now, run.lang) for item in batch.items]
        await _send(events)

    def confirm() -> None:
        with deps.session() as session:
            feed.confirm(session, batch)
            session.commit()

    await blocking(confirm)
    if batch.items:
        get_run_logger().info("published %d task event(s)", len(batch.items))
    return len(batch.items)


async def emit_outbox_planned(mails: int) -> None:
    """Tell the server that a sweep has put mail in the outbox: the deliver-outbox
    deployment's trigger starts a delivery at once."""
    event = Event(
        event=OUTBOX_PLANNED,
        resource=Resource({"prefect.resource.id": OUTBOX, "prefect.resource.name": "Hàng đợi thư"}),
        payload={"mails": mails},
    )
    await _send([event])
