"""What each form does: the services called for a unit's answer, the office's decision,
and a fresh link asked for from an expired one."""

from __future__ import annotations

from datetime import date

from fastapi import Request

from engine.domain.errors import DomainError
from engine.domain.lifecycle import Status
from engine.domain.routing import Recipient
from engine.links import Claim, Expired, Purpose, Refused
from engine.notify import Notifier, head_recipient
from engine.services import answers, tasks
from engine.services.deps import Deps
from engine.services.office_mail import office_recipient, send_fresh_link
from engine.web import uploads
from engine.web.site import Web


class Invalid(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("bad_date") from None


def unit_action(
    web: Web,
    deps: Deps,
    claim: Claim,
    task_id: int,
    action: str,
    fields: dict[str, str],
    incoming: list[uploads.Incoming],
    lang: str,
) -> None:
    now, actor = web.now(), claim.to
    via = {"via": "web", "purpose": claim.purpose.value}
    notifier = deps.notifier()
    with deps.session() as session:
        if action == "progress":
            if not fields["percent"].isdigit():
                raise Invalid("percent")
            answers.report_progress(
                session,
                task_id,
                percent=int(fields["percent"]),
                note=fields["note"],
                at=now,
                actor=actor,
                payload=via,
            )
        elif action == "submit":
            checked = uploads.check(
                incoming, web.settings.upload_max_bytes, web.settings.upload_max_files
            )
            kept = uploads.store(checked, web.settings.upload_dir, task_id)
            try:
                answers.submit_result(
                    session,
                    task_id,
                    note=fields["note"],
                    files=kept,
                    at=now,
                    actor=actor,
                    payload=via,
                    notifier=notifier,
                    calendar=deps.calendar,
                )
            except Exception:
                uploads.remove(kept, web.settings.upload_dir, task_id)
                raise
        elif action == "extension":
            answers.request_extension(
                session,
                task_id,
                until=_date(fields["until"]),
                reason=fields["reason"],
                at=now,
                actor=actor,
                payload=via,
                notifier=notifier,
                calendar=deps.calendar,
            )
        elif action == "decline":
            if not fields["reason"]:
                raise Invalid("need_reason")
            answers.decline(
                session,
                task_id,
                reason=fields["reason"],
                at=now,
                actor=actor,
                payload=via,
                notifier=notifier,
            )


def office_action(
    web: Web,
    deps: Deps,
    claim: Claim,
    task_id: int,
    action: str,
    fields: dict[str, str],
    incoming: list[uploads.Incoming],
    lang: str,
) -> None:
    now, actor = web.now(), claim.to
    via = {"via": "web", "purpose": claim.purpose.value}
    notifier = deps.notifier()
    with deps.session() as session:
        status = Status(tasks.get_task(session, task_id).status)
        if action in ("accept", "return"):
            if status is not Status.SUBMITTED:
                raise DomainError("không có kết quả chờ xác nhận / no result awaits a decision")
            if action == "return" and not fields["reason"]:
                raise Invalid("need_reason")
            to = Status.COMPLETED if action == "accept" else Status.RETURNED
            note = fields["note"] if action == "accept" else fields["reason"]
            tasks.change_status(
                session,
                task_id,
                to,
                at=now,
                actor=actor,
                note=note,
                notifier=notifier,
                calendar=deps.calendar,
                payload=via,
            )
        else:
            if status is not Status.EXTENSION_REQUESTED:
                raise DomainError(
                    "không có đề nghị gia hạn chờ ý kiến / no extension request waits"
                )
            refuse = action == "refuse"
            tasks.extend(
                session,
                task_id,
                until=None if refuse else _date(fields["until"]),
                reason=fields["reason"],
                at=now,
                actor=actor,
                refuse=refuse,
                notifier=notifier,
                calendar=deps.calendar,
                payload=via,
            )


def send_fresh(web: Web, request: Request, token: str) -> None:
    """Queue a new link for an expired one, if it is genuine and its recipient still in
    the role; whatever happens, the page says the same."""
    if not web.settings.public_url:  # never a link made from the request's Host header
        return
    try:
        claim = web.signer.read(token)
    except Expired as exc:
        claim = exc.claim
    except Refused:
        web.refusals.refused(request.client.host if request.client else "-")
        return
    if (
        claim.purpose not in (Purpose.ACT, Purpose.DECIDE, Purpose.VIEW)
        or not claim.subject.isdigit()
    ):
        return
    deps = web.deps()
    notifier = deps.notifier()
    with deps.session() as session:
        try:
            detail = tasks.task_detail(session, int(claim.subject), deps.calendar, web.now())
        except tasks.TaskNotFound:
            return
        task = detail.task
        people = answers.people_of(detail.lead_unit)
        resolved = web.entitled(claim, task.lead_unit, task.status, people)
        if resolved is None or not resolved.to:
            return
        claim = resolved
        to = _recipient(claim, detail, notifier)
        if to is None:
            return
        url = web.links(request).task(detail.line.id, claim.to, claim.version, claim.purpose)
        send_fresh_link(session, notifier, detail.task, to, url, web.now())


def _recipient(claim: Claim, detail: tasks.TaskDetail, notifier: Notifier) -> Recipient | None:
    if claim.purpose is Purpose.DECIDE:
        office = office_recipient(notifier)
        return Recipient("", office.title, claim.to, "", office.language, False) if office else None
    unit = detail.lead_unit
    head = head_recipient(unit) if unit else None
    if head is None or unit is None:
        return None
    if head.email.lower() == claim.to:
        return head
    for deputy in unit.deputies:
        if deputy.get("email", "").lower() == claim.to:
            return Recipient(
                deputy.get("name", ""),
                deputy.get("title", ""),
                deputy["email"],
                head.unit_name,
                head.language,
            )
    return None
