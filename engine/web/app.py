"""The web app: a fourth front end over the same services and the same task presenter.

Pages (each reached only through a signed link, `engine.links`):

    GET  /task/{id}/{token}            the task: six clears, deadlines, days, history; the
                                       unit's forms (progress, result, more time, decline)
    POST /task/{id}/{token}/{action}   progress | submit | extension | decline
    GET  /decide/{id}/{token}          the office's decision on a result or an extension
    POST /decide/{id}/{token}/{action} accept | return | approve | refuse
    GET  /task|decide/{id}/{token}/file/{n}   a submitted file, as a download
    GET  /unit/{code}/{token}          the unit's open tasks, the most urgent first
    GET  /report/{name}/{token}        a file of the monthly review
    POST /fresh                        a new link for an expired one, to the same address

Every form carries a CSRF token; every answer carries strict headers (`guard.HEADERS`);
every action is an event of the task's history with the recipient as actor and the
link's purpose; a refused link changes nothing and says nothing.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.bootstrap import App
from engine.domain.errors import DomainError
from engine.domain.lifecycle import Status
from engine.links import Claim, Expired, Purpose, task_version
from engine.mail.context import TaskView
from engine.services import answers, tasks
from engine.services.deps import Deps
from engine.web import uploads
from engine.web.actions import Invalid, office_action, send_fresh, unit_action
from engine.web.guard import Headers, RefusalLimit
from engine.web.site import (
    CSS,
    OFFICE_ACTIONS,
    UNIT_ACTIONS,
    Refusal,
    Web,
    page,
    refusal_page,
    render,
)
from engine.web.speed import reading
from engine.web.view import task_page, unit_line
from engine.web.words import word


def create_app(application: App, refusals: RefusalLimit | None = None) -> FastAPI:
    web = Web(application, refusals)
    lang0 = web.settings.lang
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, title="dondoc")
    app.state.web = web

    app.add_middleware(Headers)

    @app.exception_handler(Refusal)
    async def refused(request: Request, exc: Refusal) -> Response:
        return refusal_page(lang0, too_many=str(exc) == "too many")

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> Response:
        return refusal_page(lang0)  # a link cut or mangled: refused like any other

    @app.exception_handler(StarletteHTTPException)
    async def unknown(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (404, 405):
            return refusal_page(lang0)
        return Response(status_code=exc.status_code)

    @app.exception_handler(Expired)
    async def expired(request: Request, exc: Expired) -> Response:
        token = request.path_params.get("token", "")
        return page(
            "expired.html",
            lang0,
            403,
            token=token,
            csrf=web.forms.token(token, "fresh"),
        )

    @app.get("/web.css")
    def css() -> Response:
        return Response(CSS.read_text(encoding="utf-8"), media_type="text/css")

    @app.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        return refusal_page(lang0)

    # -- the task, for its unit (act) or an escalation's reader (view) -------------------

    def check_task(
        request: Request, session: Session, task_id: int, token: str, purposes: tuple[Purpose, ...]
    ) -> tuple[Claim, answers.TaskStamp]:
        """The link's claim, with its recipient, if it may open this task; else `Refusal`."""
        claim = web.claim(request, token, purposes, str(task_id))
        stamp = answers.task_stamp(session, task_id)
        resolved = None
        if stamp is not None:
            resolved = web.entitled(claim, stamp.lead_unit, stamp.status, stamp.people)
        if stamp is None or resolved is None:
            web.refusals.refused(request.client.host if request.client else "-")
            raise Refusal("revoked")
        return resolved, stamp

    def load_task(
        request: Request, task_id: int, token: str, purposes: tuple[Purpose, ...]
    ) -> tuple[Claim, Deps, tasks.TaskDetail, TaskView]:
        deps = web.deps()
        with reading(deps.engine) as session:
            claim, _ = check_task(request, session, task_id, token, purposes)
            try:
                detail, view = answers.task_facts(session, task_id, deps.calendar, web.now())
            except tasks.TaskNotFound:
                raise Refusal("no task") from None
        return claim, deps, detail, view

    def task_page_of(
        request: Request, task_id: int, token: str, purposes: tuple[Purpose, ...]
    ) -> HTMLResponse:
        """The page, as last rendered while nothing it shows has changed (`PageCache`)."""
        deps = web.deps()
        done = request.query_params.get("done", "")
        with reading(deps.engine) as session:
            claim, stamp = check_task(request, session, task_id, token, purposes)
            hour = int(web.now().timestamp() // 3600)
            key = ("task", task_id, token, done, stamp.changed, hour)
            html = web.pages.get(key)
            if html is None:
                try:
                    detail, view = answers.task_facts(session, task_id, deps.calendar, web.now())
                except tasks.TaskNotFound:
                    raise Refusal("no task") from None
        if html is None:
            html = task_html(request, claim, deps, detail, view, token)
            web.pages.put(key, html)
        return HTMLResponse(html)

    def lang_of(claim: Claim, detail: tasks.TaskDetail) -> str:
        if claim.purpose is Purpose.DECIDE or detail.lead_unit is None:
            return lang0
        return "en" if detail.lead_unit.language == "en" else "vi"

    def show_task(
        request: Request,
        claim: Claim,
        deps: Deps,
        detail: tasks.TaskDetail,
        view: TaskView,
        token: str,
        *,
        error: str = "",
        status: int = 200,
    ) -> HTMLResponse:
        html = task_html(request, claim, deps, detail, view, token, error=error)
        return HTMLResponse(html, status_code=status)

    def task_html(
        request: Request,
        claim: Claim,
        deps: Deps,
        detail: tasks.TaskDetail,
        view: TaskView,
        token: str,
        *,
        error: str = "",
    ) -> str:
        lang = lang_of(claim, detail)
        now = web.now()
        shown = task_page(detail, view, deps.calendar, now, lang)
        deciding = claim.purpose is Purpose.DECIDE
        kind = "decide" if deciding else "task"
        actions = OFFICE_ACTIONS if deciding else UNIT_ACTIONS
        done = request.query_params.get("done", "")
        base = f"/{kind}/{detail.line.id}/{token}"
        files = answers.submitted_files(detail)
        asked = answers.requested_until(detail)
        latest = next(
            (e for e in reversed(detail.events) if e.to_status == Status.SUBMITTED.value), None
        )
        return render(
            "decide.html" if deciding else "task.html",
            lang,
            t=shown,
            base=base,
            purpose=claim.purpose.value,
            csrf={a: web.forms.token(token, a) for a in actions},
            can=_can(shown.status, claim.purpose),
            done=f"done_{done}" if done in actions else "",
            error=error,
            files=[(i, f) for i, f in enumerate(files)],
            asked=asked.isoformat() if asked else "",
            result=latest.reason if latest else "",
            today=deps.calendar.local_date(now).isoformat(),
            max_files=web.settings.upload_max_files,
            max_size=_size(web.settings.upload_max_bytes),
        )

    @app.get("/task/{task_id}/{token}", response_class=HTMLResponse)
    def task_get(request: Request, task_id: int, token: str) -> HTMLResponse:
        return task_page_of(request, task_id, token, (Purpose.ACT, Purpose.VIEW))

    @app.get("/decide/{task_id}/{token}", response_class=HTMLResponse)
    def decide_get(request: Request, task_id: int, token: str) -> HTMLResponse:
        return task_page_of(request, task_id, token, (Purpose.DECIDE,))

    def file_of(
        request: Request, task_id: int, token: str, n: int, purposes: tuple[Purpose, ...]
    ) -> Response:
        _, _, detail, _ = load_task(request, task_id, token, purposes)
        files = answers.submitted_files(detail)
        if not 0 <= n < len(files):
            raise Refusal("no file")
        f = files[n]
        path = uploads.stored_path(web.settings.upload_dir, task_id, str(f.get("stored", "")))
        if path is None:
            raise Refusal("no file")
        response = FileResponse(path, media_type=f["type"], filename=f["name"])
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    @app.get("/task/{task_id}/{token}/file/{n}")
    def task_file(request: Request, task_id: int, token: str, n: int) -> Response:
        return file_of(request, task_id, token, n, (Purpose.ACT, Purpose.VIEW))

    @app.get("/decide/{task_id}/{token}/file/{n}")
    def decide_file(request: Request, task_id: int, token: str, n: int) -> Response:
        return file_of(request, task_id, token, n, (Purpose.DECIDE,))

    # -- the forms ----------------------------------------------------------------------

    async def answer(
        request: Request, kind: str, task_id: int, token: str, action: str
    ) -> Response:
        deciding = kind == "decide"
        if action not in (OFFICE_ACTIONS if deciding else UNIT_ACTIONS):
            raise Refusal("no such action")
        purposes = (Purpose.DECIDE,) if deciding else (Purpose.ACT,)
        loaded = await run_in_threadpool(load_task, request, task_id, token, purposes)
        claim, deps, detail, _ = loaded
        lang = lang_of(claim, detail)
        limit = web.settings.upload_max_bytes * web.settings.upload_max_files + 1024 * 1024
        length = request.headers.get("content-length")
        if length is None or not length.isdigit() or int(length) > limit:
            return await run_in_threadpool(
                show_task,
                request,
                *loaded,
                token,
                error=_said(uploads.Rejected("yêu cầu quá lớn", "the request is too large"), lang),
                status=413,
            )
        form = await request.form(max_files=web.settings.upload_max_files + 1, max_fields=20)
        if not web.forms.valid(_text(form.get("csrf")), token, action):
            return await run_in_threadpool(
                show_task,
                request,
                *loaded,
                token,
                error=word("bad_form", lang),
                status=403,
            )
        incoming = []
        for item in form.getlist("files"):
            if isinstance(item, UploadFile):
                data = await item.read(web.settings.upload_max_bytes + 1)
                incoming.append(uploads.Incoming(item.filename or "", data))
        fields = {k: _text(form.get(k)) for k in ("percent", "note", "until", "reason")}
        act = unit_action if not deciding else office_action
        try:
            await run_in_threadpool(act, web, deps, claim, task_id, action, fields, incoming, lang)
        except (DomainError, uploads.Rejected, Invalid) as exc:
            fresh = await run_in_threadpool(load_task, request, task_id, token, purposes)
            status = 413 if "vượt quá dung lượng" in str(exc) else 422
            return await run_in_threadpool(
                show_task, request, *fresh, token, error=_said(exc, lang), status=status
            )
        if action == "accept":  # closed: the link is spent, the page says it is done
            return RedirectResponse(f"/done/{action}?lang={lang}", status_code=303)
        return RedirectResponse(f"/{kind}/{task_id}/{token}?done={action}", status_code=303)

    @app.post("/task/{task_id}/{token}/{action}")
    async def task_post(request: Request, task_id: int, token: str, action: str) -> Response:
        return await answer(request, "task", task_id, token, action)

    @app.post("/decide/{task_id}/{token}/{action}")
    async def decide_post(request: Request, task_id: int, token: str, action: str) -> Response:
        return await answer(request, "decide", task_id, token, action)

    # -- the unit's page and the reports ----------------------------------------------------

    @app.get("/unit/{code}/{token}", response_class=HTMLResponse)
    def unit_get(request: Request, code: str, token: str) -> HTMLResponse:
        claim = web.claim(request, token, (Purpose.UNIT,), code)
        deps = web.deps()
        now = web.now()
        links = web.links(request)
        with reading(deps.engine) as session:
            unit = answers.get_unit(session, code)
            who = web.signer.recipient(claim, answers.people_of(unit))
            if unit is None or who is None:
                web.refusals.refused(request.client.host if request.client else "-")
                raise Refusal("not the unit's")
            hour = int(now.timestamp() // 3600)
            stamp = answers.unit_stamp(session, code)
            key = (code, str(unit.updated_at), who, links.base, hour, stamp)
            html = web.pages.get(key)
            if html is None:
                lines = answers.open_tasks_of(session, code, deps.calendar, now)
        if html is None:
            lang = "en" if unit.language == "en" else "vi"
            rows = []
            for line in lines:
                version = task_version(line.lead_unit, line.status.value)
                url = web.link_cache.task(links, line.id, who, version)
                rows.append(unit_line(line, url.removeprefix(links.base), deps.calendar, now, lang))
            name = unit.name_en if lang == "en" and unit.name_en else unit.name_vi
            html = render("unit.html", lang, unit_name=name, rows=rows)
            web.pages.put(key, html)
        return HTMLResponse(html)

    @app.get("/done/{action}", response_class=HTMLResponse)
    def done(action: str, lang: str = "vi") -> HTMLResponse:
        if action not in OFFICE_ACTIONS + UNIT_ACTIONS:
            return refusal_page(lang0)
        return page("message.html", "en" if lang == "en" else "vi", message=f"done_{action}")

    @app.get("/report/{name}/{token}")
    def report_get(request: Request, name: str, token: str) -> Response:
        claim = web.claim(request, token, (Purpose.REPORT,), name)
        folder = Path(web.settings.report_dir)
        path = folder / name
        allowed = name == Path(name).name and path.suffix in (".pdf", ".xlsx", ".html")
        reader = web.signer.recipient(claim, web.office())
        if not allowed or reader is None or not path.is_file():
            raise Refusal("no report")
        response = FileResponse(path, filename=name)
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
        )
        return response

    @app.post("/fresh", response_class=HTMLResponse)
    async def fresh(request: Request) -> HTMLResponse:
        form = await request.form(max_files=0, max_fields=4)
        token = _text(form.get("token"))
        if web.forms.valid(_text(form.get("csrf")), token, "fresh"):
            await run_in_threadpool(send_fresh, web, request, token)
        return page("message.html", lang0, message="fresh_sent")

    return app


def _said(exc: Exception, lang: str) -> str:
    if isinstance(exc, Invalid):
        return word(exc.key, lang)
    if isinstance(exc, uploads.Rejected):
        return exc.en if lang == "en" else exc.vi
    text = str(exc)
    vi, sep, en = text.partition(" / ")
    return (en if lang == "en" else vi) if sep else text


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _size(size: int) -> str:
    from engine.services.office_mail import file_size

    return file_size(size)


def _can(status: Status, purpose: Purpose) -> dict[str, bool]:
    if purpose is Purpose.DECIDE:
        return {
            "accept": status is Status.SUBMITTED,
            "return": status is Status.SUBMITTED,
            "approve": status is Status.EXTENSION_REQUESTED,
            "refuse": status is Status.EXTENSION_REQUESTED,
        }
    if purpose is not Purpose.ACT:
        return dict.fromkeys(UNIT_ACTIONS, False)
    return {
        "progress": status in answers.PROGRESS_FROM,
        "submit": status in answers.SUBMIT_FROM,
        "extension": status in answers.EXTEND_FROM,
        "decline": status in answers.DECLINE_FROM,
    }
