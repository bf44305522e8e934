"""The web app behind the mail's signed links, driven over HTTP (Starlette's test client)
on SQLite and PostgreSQL: the unit answers, the office decides, every step an event and
a mail; and every way a link or a form can be wrong changes nothing.

The browser's walk through the same pages, from mail captured by a real SMTP server, is
in test_web_browser.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, update
from sqlmodel import col, select

from engine.bootstrap import App, bootstrap
from engine.clock import FixedClock
from engine.domain.lifecycle import Status
from engine.links import Purpose, Signer, link_secret
from engine.services import imports, tasks
from engine.services.deps import Deps
from engine.services.sweep import sweep
from engine.settings import Settings
from engine.store.tables import OutboxRow, TaskEventRow, TaskRow, UnitRow
from engine.web.app import create_app
from engine.web.guard import RefusalLimit
from tests.builders import directive, directives_file, task, unit, units_file
from tests.conftest import MAIL_SETTINGS

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED = datetime(2025, 11, 26, 9, 0, tzinfo=HANOI)
SECRET = "s3cret-for-tests-only-" + "x" * 30
PUBLIC = "http://testserver"
UNITS = (unit("VP"), unit("TH", parent="VP"), unit("PL", parent="VP"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LINK = re.compile(r"http://testserver/(?:task|decide|unit)/[^\s\"<>]+")


@dataclass
class Site:
    app: App
    deps: Deps
    clock: FixedClock
    client: TestClient
    uploads: Path

    def outbox(self, kind: str | None = None, to: str | None = None) -> list[OutboxRow]:
        with self.deps.session() as session:
            query = select(OutboxRow).order_by(col(OutboxRow.id))
            if kind:
                query = query.where(OutboxRow.kind == kind)
            if to:
                query = query.where(OutboxRow.to_email == to)
            return list(session.exec(query).all())

    def link(self, kind: str, to: str, page: str = "task") -> str:
        """The (last) link to `page` in the last mail of `kind` to `to`, as a path."""
        (*_, row) = self.outbox(kind, to)
        found = [u for u in LINK.findall(row.body_text) if f"/{page}/" in u]
        assert found, f"no /{page}/ link in the {kind} mail to {to}:\n{row.body_text}"
        assert found[-1] in row.body_html  # the HTML part carries the same link
        return found[-1].removeprefix(PUBLIC)

    def task(self, task_id: int = 1) -> TaskRow:
        with self.deps.session() as session:
            row = session.get(TaskRow, task_id)
            assert row is not None
            return row

    def events(self, task_id: int = 1) -> list[TaskEventRow]:
        with self.deps.session() as session:
            query = select(TaskEventRow).where(TaskEventRow.task_id == task_id)
            return list(session.exec(query.order_by(col(TaskEventRow.id))).all())

    def state(self) -> tuple[Any, ...]:
        """Everything an answer could change: tasks, events, mail, stored files."""
        with self.deps.session() as session:
            rows = session.exec(select(TaskRow).order_by(col(TaskRow.id))).all()
            tasks_now = [(t.status, t.deadline, t.lead_unit, t.updated_at) for t in rows]
            events = session.exec(select(func.count()).select_from(TaskEventRow)).one()
            mails = session.exec(select(func.count()).select_from(OutboxRow)).one()
        files = sorted(p.name for p in self.uploads.rglob("*") if p.is_file())
        return tasks_now, events, mails, files

    def form(self, path: str, action: str) -> dict[str, str]:
        """The CSRF token of the form posting to `action` on the page at `path`."""
        page = self.client.get(path)
        assert page.status_code == 200, page.text
        match = re.search(
            rf'action="[^"]*/{action}"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)"',
            page.text,
        )
        assert match, f"no {action} form on {path}"
        return {"csrf": match.group(1)}

    def post(self, path: str, action: str, data: dict[str, str], **kwargs: Any) -> Any:
        fields = self.form(path, action) | data
        return self.client.post(f"{path}/{action}", data=fields, follow_redirects=False, **kwargs)


def open_site(url: str, root: Path, *tasks_: dict[str, Any], **overrides: Any) -> Site:
    uploads = root / "uploads"
    given = {
        "public_url": PUBLIC,
        "secret_key": SECRET,
        "upload_dir": uploads,
        "report_dir": root / "reports",
    }
    settings = Settings(database_url=url, _env_file=None, **(MAIL_SETTINGS | given | overrides))  # type: ignore[call-arg, arg-type]
    clock = FixedClock(ISSUED)
    application = bootstrap(settings, clock=clock)
    application.migrate()
    deps = application.deps()
    with deps.session() as session:
        imports.import_units(session, units_file(root, *UNITS), ISSUED)
        path = directives_file(root, directive("45/TB-VPCTN", *(tasks_ or [task(lead_unit="TH")])))
        imports.import_directives(session, path, deps.calendar, ISSUED, "cv")
    sweep(deps, ISSUED)  # the assignment mails, with their links
    client = TestClient(create_app(application, RefusalLimit(limit=1000)))
    return Site(application, deps, clock, client, uploads)


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[Site]:
    s = open_site(database_url, tmp_path)
    yield s
    s.client.close()
    s.app.engine.dispose()


@pytest.fixture
def site_lite(sqlite_url: str, tmp_path: Path) -> Iterator[Site]:
    s = open_site(sqlite_url, tmp_path, upload_max_bytes=4096)
    yield s
    s.client.close()
    s.app.engine.dispose()


def later(s: Site, **delta: float) -> None:
    s.clock.at = s.clock.at + timedelta(**delta)


# --- the unit answers, the office decides ------------------------------------------------


def test_the_assignment_mail_links_to_a_page_with_the_six_clears_deadline_and_days(
    site: Site,
) -> None:
    path = site.link("assignment", "th@example.vn")
    page = site.client.get(path)

    assert page.status_code == 200
    text = page.text
    assert '<html lang="vi">' in text
    assert "Xây dựng Chương trình công tác năm 2026" in text
    for clear in ("Rõ người", "Rõ việc", "Rõ thời gian", "Rõ trách nhiệm", "Rõ sản phẩm"):
        assert clear in text
    assert "Vụ TH" in text
    assert "Dự thảo Chương trình" in text
    assert "Chủ nhiệm Văn phòng" in text
    assert "15/12/2025" in text
    assert "còn 13 ngày làm việc" in text  # 27/11 … 15/12, weekends off
    for form in ("progress", "submit", "extension"):
        assert f'{path}/{form}"' in text
    assert "<script" not in text


def test_a_unit_reports_progress_submits_a_file_and_the_office_returns_then_accepts(
    site: Site,
) -> None:
    path = site.link("assignment", "th@example.vn")
    later(site, hours=1)
    answer = site.post(path, "progress", {"percent": "40", "note": "Đã có dự thảo lần 1"})
    assert answer.status_code == 303
    assert site.task().status == Status.IN_PROGRESS
    assert "Đã ghi nhận báo cáo tiến độ" in site.client.get(answer.headers["location"]).text

    later(site, hours=1)
    site.post(path, "progress", {"percent": "70", "note": "Đang lấy ý kiến"})
    later(site, hours=1)
    files = {"files": ("Dự thảo chương trình.pdf", PDF, "application/pdf")}
    answer = site.post(path, "submit", {"note": "Đã hoàn thành dự thảo"}, files=files)
    assert answer.status_code == 303, answer.text
    assert site.task().status == Status.SUBMITTED

    moves = [(e.from_status, e.to_status, e.actor, e.payload.get("purpose")) for e in site.events()]
    assert moves[1:] == [
        ("assigned", "in_progress", "th@example.vn", "act"),
        ("in_progress", "in_progress", "th@example.vn", "act"),
        ("in_progress", "submitted", "th@example.vn", "act"),
    ]
    assert site.events()[2].payload["progress"] == 70
    (stored,) = site.events()[-1].payload["files"]
    assert stored["name"] == "Dự thảo chương trình.pdf"
    assert (site.uploads / "1" / stored["stored"]).read_bytes() == PDF

    (mail,) = site.outbox("result_submitted", "theodoi@example.vn")
    assert mail.subject.startswith("[Chờ xác nhận] Xây dựng Chương trình")
    assert "Dự thảo chương trình.pdf" in mail.body_text
    decide = site.link("result_submitted", "theodoi@example.vn", "decide")
    page = site.client.get(decide)
    assert "Đã hoàn thành dự thảo" in page.text
    download = site.client.get(f"{decide}/file/0")
    assert download.content == PDF
    assert "attachment" in download.headers["content-disposition"]

    later(site, hours=1)
    refused = site.post(decide, "return", {"reason": ""})  # a return needs its reason
    assert refused.status_code == 422
    assert site.task().status == Status.SUBMITTED
    site.post(decide, "return", {"reason": "Bổ sung số liệu năm 2025"})
    assert site.task().status == Status.RETURNED
    (returned,) = site.outbox("completion_returned", "th@example.vn")
    assert "Bổ sung số liệu năm 2025" in returned.body_text
    assert site.events()[-1].actor == "theodoi@example.vn"
    assert site.events()[-1].payload["purpose"] == "decide"

    later(site, hours=1)
    site.post(path, "submit", {"note": "Đã bổ sung số liệu"})  # the unit's link still works
    later(site, hours=1)
    decide = site.link("result_submitted", "theodoi@example.vn", "decide")
    answer = site.post(decide, "accept", {"note": "Đạt yêu cầu"})
    assert answer.status_code == 303
    assert site.client.get(answer.headers["location"]).status_code == 200
    assert site.task().status == Status.COMPLETED
    assert site.outbox("completion_accepted", "th@example.vn")
    # closing the task revoked its links
    assert site.client.get(path).status_code == 403
    assert site.client.get(decide).status_code == 403


def test_a_unit_asks_for_more_time_and_the_office_approves_the_date_it_asked_for(
    site: Site,
) -> None:
    path = site.link("assignment", "th@example.vn")
    later(site, hours=2)
    site.post(path, "extension", {"until": "2026-01-15", "reason": "Chờ ý kiến Bộ Tư pháp"})
    assert site.task().status == Status.EXTENSION_REQUESTED
    (mail,) = site.outbox("extension_requested", "theodoi@example.vn")
    assert mail.subject.startswith("[Đề nghị gia hạn] ")
    assert "ngày 15 tháng 01 năm 2026" in mail.body_text or "15/01/2026" in mail.body_text

    decide = site.link("extension_requested", "theodoi@example.vn", "decide")
    page = site.client.get(decide)
    assert 'value="2026-01-15"' in page.text  # the date asked for, prefilled
    later(site, hours=1)
    answer = site.post(decide, "approve", {"until": "2026-01-15", "reason": "Đồng ý"})
    assert answer.status_code == 303
    row = site.task()
    assert (row.status, row.deadline) == (Status.IN_PROGRESS, date(2026, 1, 15))
    assert row.original_deadline == date(2025, 12, 15)
    last = site.events()[-1]
    assert last.payload["decision"] == "approved"
    assert last.payload["purpose"] == "decide"
    (told,) = site.outbox("extension_decision", "th@example.vn")
    assert "15/01/2026" in told.body_text or "15 tháng 01 năm 2026" in told.body_text
    # the unit's page now shows both deadlines
    text = site.client.get(path).text
    assert "15/01/2026 (gia hạn từ 15/12/2025)" in text


def test_the_unit_page_from_a_digest_lists_only_the_units_open_tasks_most_urgent_first(
    sqlite_url: str, tmp_path: Path
) -> None:
    s = open_site(
        sqlite_url,
        tmp_path,
        task("Việc sau", lead_unit="TH", deadline="2025-12-20"),
        task("Việc gấp", lead_unit="TH", deadline="2025-12-01"),
        task("Việc của Vụ PL", lead_unit="PL", deadline="2025-12-01"),
    )
    s.clock.at = datetime(2025, 12, 3, 9, 0, tzinfo=HANOI)
    sweep(s.deps, s.clock.at)  # overdue and reminder digests
    path = s.link("overdue", "th@example.vn", "unit")
    page = s.client.get(path)
    assert page.status_code == 200
    assert page.text.index("Việc gấp") < page.text.index("Việc sau")
    assert "Việc của Vụ PL" not in page.text
    assert "quá hạn 2 ngày làm việc" in page.text
    # the page's links open each task
    first = re.search(r'href="(/task/\d+/[^"]+)"', page.text)
    assert first
    assert s.client.get(first.group(1)).status_code == 200
    # the page shows what changed since it was last shown
    assert "Đã báo cáo kết quả" not in page.text
    s.clock.at += timedelta(minutes=5)
    s.post(first.group(1), "submit", {"note": "Xong"})
    assert "Đã báo cáo kết quả" in s.client.get(path).text
    # the same link for another unit
    assert s.client.get(path.replace("/unit/TH/", "/unit/PL/")).status_code == 403


# --- links and forms that must change nothing ----------------------------------------------


def test_a_link_with_one_character_changed_is_refused_and_changes_nothing(site: Site) -> None:
    path = site.link("assignment", "th@example.vn")
    token_at = path.rindex("/") + 10
    swapped = "A" if path[token_at] != "A" else "B"
    tampered = path[:token_at] + swapped + path[token_at + 1 :]
    before = site.state()
    page = site.client.get(tampered)
    assert page.status_code == 403
    assert "Xây dựng" not in page.text
    answer = site.client.post(
        f"{tampered}/progress", data={"percent": "50", "note": "x", "csrf": "x"}
    )
    assert answer.status_code == 403
    assert site.state() == before


def test_an_expired_link_offers_a_fresh_one_to_the_same_address_and_tells_nothing(
    site_lite: Site,
) -> None:
    s = site_lite
    path = s.link("assignment", "th@example.vn")
    later(s, days=31)
    before = s.state()
    page = s.client.get(path)
    assert page.status_code == 403
    assert "hết hạn" in page.text
    assert "Xây dựng" not in page.text
    assert "15/12/2025" not in page.text
    assert s.client.post(f"{path}/progress", data={"percent": "5"}).status_code == 403
    assert s.state() == before

    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    token = path.rsplit("/", 1)[1]
    assert csrf
    sent = s.client.post("/fresh", data={"token": token, "csrf": csrf.group(1)})
    assert sent.status_code == 200
    (fresh,) = s.outbox("fresh_link")
    assert fresh.to_email == "th@example.vn"
    new = s.link("fresh_link", "th@example.vn")
    assert new != path
    assert s.client.get(new).status_code == 200
    # asking again the same day sends nothing more
    s.client.post("/fresh", data={"token": token, "csrf": csrf.group(1)})
    assert len(s.outbox("fresh_link")) == 1


def test_reassigning_the_task_revokes_its_links(site: Site) -> None:
    path = site.link("assignment", "th@example.vn")
    with site.deps.session() as session:  # a change of the lead unit, whoever makes it
        session.execute(update(TaskRow).where(col(TaskRow.id) == 1).values(lead_unit="PL"))
        session.commit()
    before = site.state()
    assert site.client.get(path).status_code == 403
    assert site.client.post(f"{path}/progress", data={"percent": "5"}).status_code == 403
    assert site.state() == before


def test_a_link_for_another_task_or_a_former_head_is_refused(
    sqlite_url: str, tmp_path: Path
) -> None:
    s = open_site(sqlite_url, tmp_path, task("Một", lead_unit="TH"), task("Hai", lead_unit="PL"))
    path = s.link("assignment", "th@example.vn")
    before = s.state()
    other = path.replace("/task/1/", "/task/2/")
    assert s.client.get(other).status_code == 403
    # signed for task 2, but for TH's head, who is not PL's
    signer = Signer(link_secret(s.app.settings), 30, s.clock.now)
    version = path.rsplit("/", 1)[1]
    forged = signer.token(Purpose.ACT, "2", "th@example.vn", signer.read(version).version)
    assert s.client.get(f"/task/2/{forged}").status_code == 403
    # the unit's head changes: the former head's link stops working
    with s.deps.session() as session:
        session.execute(
            update(UnitRow).where(col(UnitRow.code) == "TH").values(head_email="moi@example.vn")
        )
        session.commit()
    assert s.client.get(path).status_code == 403
    assert s.state()[:2] == before[:2]


def test_a_form_without_its_csrf_token_or_with_anothers_changes_nothing(site: Site) -> None:
    path = site.link("assignment", "th@example.vn")
    before = site.state()
    bare = site.client.post(f"{path}/progress", data={"percent": "50", "note": "x"})
    assert bare.status_code == 403
    assert "Biểu mẫu đã hết hạn hoặc không hợp lệ" in bare.text
    other = site.form(path, "extension")  # a genuine token, for another form
    crossed = site.client.post(f"{path}/progress", data={"percent": "50"} | other)
    assert crossed.status_code == 403
    assert site.state() == before


def test_an_upload_over_the_limit_or_of_a_refused_type_changes_nothing(site_lite: Site) -> None:
    s = site_lite
    path = s.link("assignment", "th@example.vn")
    before = s.state()
    big = {"files": ("bao-cao.pdf", PDF + b"0" * 5000, "application/pdf")}
    answer = s.post(path, "submit", {"note": "Kết quả"}, files=big)
    assert answer.status_code == 413
    assert s.state() == before
    for name, data in (
        ("bao-cao.pdf", b"<html><script>alert(1)</script></html>"),  # a PDF by name only
        ("run.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("bang.xlsx", b"PK\x03\x04not really a zip"),
    ):
        answer = s.post(path, "submit", {"note": "Kết quả"}, files={"files": (name, data)})
        assert answer.status_code == 422, name
        assert "không thuộc loại được nhận" in answer.text
        assert s.state() == before


def test_markup_in_a_title_and_a_note_is_inert_on_the_page_and_in_mail(
    sqlite_url: str, tmp_path: Path
) -> None:
    title = '<script>alert("t")</script><img src=x onerror=alert(1)> Rà soát'
    s = open_site(sqlite_url, tmp_path, task(title, lead_unit="TH"))
    path = s.link("assignment", "th@example.vn")
    note = "<b>xong</b><script>alert('n')</script>"
    later(s, hours=1)
    s.post(path, "submit", {"note": note})
    for page in (
        s.client.get(path).text,
        s.client.get(s.link("result_submitted", "theodoi@example.vn", "decide")).text,
    ):
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "<b>xong" not in page
        assert "&lt;script&gt;alert" in page
    (mail,) = s.outbox("result_submitted")
    assert "<script>alert" not in mail.body_html
    assert "&lt;b&gt;xong" in mail.body_html


def test_every_answer_carries_strict_headers(site: Site) -> None:
    path = site.link("assignment", "th@example.vn")
    for response in (site.client.get(path), site.client.get(path + "x"), site.client.get("/")):
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "script-src" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"


def test_too_many_refused_links_from_one_client_are_answered_slowly_for_a_while(
    site: Site,
) -> None:
    client = TestClient(create_app(site.app, RefusalLimit(limit=5, window=60)))
    path = site.link("assignment", "th@example.vn")
    assert client.get(path).status_code == 200
    for n in range(5):
        assert client.get(f"/task/1/guess{n}").status_code == 403
    assert client.get(path).status_code == 429  # even a good link, for now


# --- the links each mail carries -----------------------------------------------------------


def test_reminders_carry_each_tasks_link_and_the_units_and_escalations_a_read_only_one(
    sqlite_url: str, tmp_path: Path
) -> None:
    s = open_site(
        sqlite_url,
        tmp_path,
        task("Việc một", lead_unit="TH", deadline="2025-12-01"),
        task("Việc hai", lead_unit="TH", deadline="2025-12-01"),
    )
    s.clock.at = datetime(2025, 11, 27, 9, 0, tzinfo=HANOI)  # 1 working day before
    sweep(s.deps, s.clock.at)
    (digest,) = s.outbox("reminder_digest", "th@example.vn")
    links = LINK.findall(digest.body_text)
    assert len([u for u in links if "/task/1/" in u or "/task/2/" in u]) == 2
    assert any("/unit/TH/" in u for u in links)
    assert all(u in digest.body_html for u in links)

    s.clock.at = datetime(2025, 12, 31, 9, 0, tzinfo=HANOI)  # long overdue: escalated
    sweep(s.deps, s.clock.at)
    escalations = s.outbox("escalation")
    assert escalations
    for mail in escalations:
        path = next(u for u in LINK.findall(mail.body_text)).removeprefix(PUBLIC)
        page = s.client.get(path)
        assert page.status_code == 200, mail.to_email
        assert "Việc" in page.text
        assert "<form" not in page.text  # the reader sees; the unit acts
        before = s.state()
        assert s.client.post(f"{path}/progress", data={"percent": "9"}).status_code == 403
        assert s.state() == before


def test_a_unit_declines_a_task_outside_its_remit_and_the_office_is_told(site: Site) -> None:
    path = site.link("assignment", "th@example.vn")
    later(site, hours=1)
    assert site.post(path, "decline", {"reason": ""}).status_code == 422
    answer = site.post(path, "decline", {"reason": "Thuộc chức năng của Vụ PL"})
    assert answer.status_code == 303
    assert site.task().status == Status.DECLINED
    last = site.events()[-1]
    assert (last.actor, last.payload["purpose"]) == ("th@example.vn", "act")
    assert site.outbox("task_declined", "theodoi@example.vn")


def test_a_units_link_does_not_open_the_decision_page_nor_the_offices_the_units_forms(
    site: Site,
) -> None:
    path = site.link("assignment", "th@example.vn")
    later(site, hours=1)
    site.post(path, "submit", {"note": "Xong"})
    decide = site.link("result_submitted", "theodoi@example.vn", "decide")
    before = site.state()
    assert site.client.get(path.replace("/task/", "/decide/")).status_code == 403
    assert site.client.get(decide.replace("/decide/", "/task/")).status_code == 403
    crossed = path.replace("/task/", "/decide/")
    assert site.client.post(f"{crossed}/accept", data={"csrf": "x"}).status_code == 403
    assert site.state() == before


def test_the_monthly_reviews_files_are_served_behind_the_leaders_signed_links(
    site: Site,
) -> None:
    from engine.links import report_url

    folder = site.app.settings.report_dir
    folder.mkdir(parents=True)
    (folder / "bao-cao-2025-12.pdf").write_bytes(PDF)
    url = report_url(site.app.settings, "bao-cao-2025-12.pdf", "lanhdao@example.vn", site.clock.now)
    assert url is not None
    path = url.removeprefix(PUBLIC)
    got = site.client.get(path)
    assert got.status_code == 200
    assert got.content == PDF
    # another file under the same link, a unit head's link, a name that climbs out
    assert site.client.get(path.replace("2025-12.pdf", "2025-11.pdf")).status_code == 403
    unit_head = report_url(
        site.app.settings, "bao-cao-2025-12.pdf", "th@example.vn", site.clock.now
    )
    assert unit_head is not None
    assert site.client.get(unit_head.removeprefix(PUBLIC)).status_code == 403
    climbing = report_url(site.app.settings, "../dondoc.db", "lanhdao@example.vn", site.clock.now)
    assert climbing is not None
    assert site.client.get(climbing.removeprefix(PUBLIC)).status_code in (403, 404)


def test_a_declined_task_given_to_another_unit_no_longer_opens_from_the_first_units_link(
    site: Site,
) -> None:
    path = site.link("assignment", "th@example.vn")
    later(site, hours=1)
    site.post(path, "decline", {"reason": "Không thuộc chức năng của Vụ TH"})
    later(site, hours=1)
    with site.deps.session() as session:
        tasks.reassign(
            session,
            1,
            to_unit="PL",
            at=site.clock.at,
            actor="cv",
            reason="Giao Vụ PL chủ trì",
            notifier=site.deps.notifier(),
            calendar=site.deps.calendar,
        )
    before = site.state()
    assert site.client.get(path).status_code == 403
    assert site.client.post(f"{path}/progress", data={"percent": "5"}).status_code == 403
    assert site.state() == before


def test_a_unit_that_works_in_english_gets_its_pages_in_english(
    sqlite_url: str, tmp_path: Path
) -> None:
    s = open_site(sqlite_url, tmp_path, task(lead_unit="TH"))
    with s.deps.session() as session:
        session.execute(update(UnitRow).where(col(UnitRow.code) == "TH").values(language="en"))
        session.commit()
    page = s.client.get(s.link("assignment", "th@example.vn"))
    assert '<html lang="en">' in page.text
    assert "The six clears" in page.text
    assert "Report progress" in page.text


# --- the uploads' checks, one by one --------------------------------------------------------


def test_a_file_is_known_by_its_content_and_saved_under_a_safe_name(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from engine.web import uploads

    book = tmp_path / "bang.xlsx"
    Workbook().save(book)
    assert uploads.sniff(book.read_bytes()) == uploads.XLSX
    assert uploads.sniff(PDF) == uploads.PDF
    assert uploads.sniff(b"GIF89a") is None
    assert uploads.safe_name("../../etc/passwd.pdf", ".pdf") == "passwd.pdf"
    assert uploads.safe_name("C:\\Users\\a\\Báo cáo\x00\n.exe", ".pdf") == "Báo cáo.pdf"
    assert uploads.safe_name("...", ".pdf") == "tep.pdf"
    assert (
        uploads.safe_name('<img src=x onerror="1">.docx', ".docx") == "_img src=x onerror=_1__.docx"
    )
    assert uploads.stored_path(tmp_path, 1, "../../x.pdf") is None


@pytest.mark.parametrize("command", [["web"], ["serve", "--web"]], ids=["web", "serve --web"])
def test_dondoc_web_and_serve_web_serve_the_pages_until_stopped(
    command: list[str], sqlite_url: str, tmp_path: Path
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    import httpx

    from tests.smtp_server import free_port

    s = open_site(sqlite_url, tmp_path)
    path = s.link("assignment", "th@example.vn")
    port = free_port()
    env = os.environ | {
        "DONDOC_DATABASE_URL": sqlite_url,
        "DONDOC_SECRET_KEY": SECRET,
        "DONDOC_PUBLIC_URL": PUBLIC,
        "DONDOC_SIMULATED_NOW": ISSUED.isoformat(),
    }
    argv = [sys.executable, "-m", "engine", *command, "--port", str(port)]
    server = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "dondoc web did not answer"
                assert server.poll() is None, server.stdout
                time.sleep(0.3)
        assert page.status_code == 200
        assert "Xây dựng Chương trình công tác năm 2026" in page.text
        assert "server" not in page.headers  # no server banner
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=20)[0].decode()
    assert server.returncode == 0, output
    assert path.rsplit("/", 1)[1] not in output  # no token in the log


def test_a_mangled_or_unknown_address_gets_the_same_plain_refusal(site: Site) -> None:
    for path in ("/task/abc/xyz", "/task/1", "/nowhere", "/decide/1/x/file/zz"):
        page = site.client.get(path)
        assert page.status_code == 403, path
        assert "Liên kết không hợp lệ" in page.text
        assert "detail" not in page.text


def test_the_leaders_review_mail_links_its_files_and_the_links_open_them(site: Site) -> None:
    from engine.domain.routing import Recipient
    from tests.test_mail_templates import fields_for

    folder = site.app.settings.report_dir
    folder.mkdir(parents=True)
    (folder / "bao-cao-thang-2025-12.pdf").write_bytes(PDF)
    leader = Recipient("", "Lãnh đạo Văn phòng", "lanhdao@example.vn", "", "vi", person=False)
    row = site.deps.notifier().outbox_row(
        key="monthly_report:test",
        kind="monthly_report",
        to=leader,
        context=fields_for("monthly_report"),
        now=site.clock.at,
    )
    found = re.findall(r"http://testserver/report/\S+", row["body_text"])
    assert [u.split("/")[4] for u in found] == [
        "bao-cao-thang-2025-12.pdf",
        "bao-cao-thang-2025-12.xlsx",
    ]
    assert all(u in row["body_html"] for u in found)
    assert site.client.get(found[0].removeprefix(PUBLIC)).content == PDF


def test_a_policy_file_broken_while_serving_does_not_take_the_pages_down(
    site: Site, tmp_path: Path
) -> None:
    path = site.link("assignment", "th@example.vn")
    assert site.client.get(path).status_code == 200
    broken = tmp_path / "policies.yaml"
    broken.write_text("default: {nonsense: 1}\n", encoding="utf-8")
    web = site.client.app.state.web  # type: ignore[attr-defined]
    web.application.settings.policy_file = broken
    web._deps = (0.0, web._deps[1])  # due to be read again
    assert site.client.get(path).status_code == 200  # with what was read before


def test_the_task_page_shows_a_change_made_elsewhere_at_once(site: Site) -> None:
    path = site.link("assignment", "th@example.vn")
    assert "15/12/2025" in site.client.get(path).text  # rendered, and kept
    later(site, hours=1)
    with site.deps.session() as session:  # the coordinator, from the CLI
        tasks.extend(
            session,
            1,
            until=date(2026, 1, 9),
            reason="Theo chỉ đạo",
            at=site.clock.at,
            actor="cv",
            calendar=site.deps.calendar,
        )
    assert "09/01/2026 (gia hạn từ 15/12/2025)" in site.client.get(path).text
