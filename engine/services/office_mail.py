"""Mail to the office about a unit's answer on a task: a result submitted ("[Chờ xác
nhận]"), more time asked for ("[Đề nghị gia hạn]"). The service that records the answer
puts the mail in the outbox in its own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from engine.domain.routing import Recipient
from engine.i18n import capital, term
from engine.mail.context import Upload
from engine.notify import Notifier
from engine.store.tables import TaskRow


def tell_office(
    session: Session,
    notifier: Notifier | None,
    task: TaskRow,
    kind: str,
    context: dict[str, Any],
    at: datetime,
) -> None:
    """Put a mail about a unit's answer on this task (a result submitted, more time asked
    for) to the office's coordinator in the outbox, in the same transaction as the answer:
    "[Chờ xác nhận]", "[Đề nghị gia hạn]", with the link to decide when links are on."""
    to = office_recipient(notifier) if notifier else None
    if notifier is None or to is None or task.id is None:
        return
    view = notifier.task_views(session, [task])[task.id]
    values = notifier.outbox_row(
        key=f"{kind}:{task.id}:{at.isoformat()}",
        kind=kind,
        to=to,
        context={"task": view, **context},
        now=at,
    )
    notifier.enqueue(session, [values])


def uploads_of(payload: dict[str, Any]) -> list[Upload]:
    """The files an event's payload records (`files`: name and size in bytes), as the
    office's mail lists them."""
    return [Upload(f["name"], file_size(int(f["size"]))) for f in payload.get("files", ())]


def file_size(size: int) -> str:
    """'820 B', '12 KB', '1,2 MB' (a decimal comma, as a Vietnamese reader writes it)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def send_fresh_link(
    session: Session, notifier: Notifier, task: TaskRow, to: Recipient, url: str, at: datetime
) -> None:
    """A new link to `task` for `to`, asked for from an expired one's page: one a day at
    most for each task and address, whoever asks."""
    assert task.id is not None
    view = notifier.task_views(session, [task])[task.id]
    day = at.date().isoformat()
    values = notifier.outbox_row(
        key=f"fresh_link:{task.id}:{to.email.lower()}:{day}",
        kind="fresh_link",
        to=to,
        context={"task": view, "url": url},
        now=at,
    )
    notifier.enqueue(session, [values])
    session.commit()


def office_recipient(notifier: Notifier) -> Recipient | None:
    """The office's coordinator, as a role ("Kính gửi: Bộ phận theo dõi, đôn đốc …")."""
    settings = notifier.settings
    if not settings.coordinator_email:
        return None
    return Recipient(
        name="",
        title=capital(term("coordinator", settings.lang)),
        email=settings.coordinator_email,
        unit_name="",
        language=settings.lang,
        person=False,
    )
