"""The path a unit head and the coordinator take, in a real browser: Debian's chromium,
headless, driven by Selenium through Debian's chromium-driver (nothing downloaded), on the
web app served by uvicorn on 127.0.0.1, from the links of mail delivered to a real SMTP
server (aiosmtpd). Each step is checked in the database, the task's history and the next
mail.

With DONDOC_UPDATE_DOCS=1 the walk also saves the screenshots the README shows
(docs/web-*.png, desktop and phone width).
"""

from __future__ import annotations

import base64
import os
import re
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from engine.domain.lifecycle import Status
from engine.services.delivery import deliver
from engine.web.app import create_app
from tests.conftest import in_ci
from tests.smtp_server import Received, SmtpServer, free_port
from tests.test_web import PDF, Site, open_site

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")
DOCS = Path(__file__).resolve().parent.parent / "docs"

if not (CHROMIUM.exists() and DRIVER.exists()):  # pragma: no cover - depends on the machine
    if in_ci():
        raise RuntimeError("CI needs Debian's chromium and chromium-driver (make install)")
    pytest.skip("Debian's chromium and chromium-driver are not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


class Served:
    """The web app on 127.0.0.1 in a thread of this process, as `dondoc web` serves it."""

    def __init__(self, site: Site, port: int) -> None:
        config = uvicorn.Config(
            create_app(site.app), host="127.0.0.1", port=port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--lang=en-US",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    yield driver
    driver.quit()


def link_in(mail: Received, page: str) -> str:
    """The link to `page` in a mail's plain text, checked against its HTML part."""
    found = re.findall(rf"http://127\.0\.0\.1:\d+/{page}/\S+", mail.part("plain"))
    assert found, f"no /{page}/ link in:\n{mail.part('plain')}"
    assert found[-1] in mail.part("html")
    return str(found[-1])


def latest(smtp: SmtpServer, to: str, subject_start: str) -> Received:
    mails = [m for m in smtp.to(to) if str(m.message["Subject"]).startswith(subject_start)]
    assert mails, f"no mail '{subject_start}…' to {to}"
    return mails[-1]


def fill(driver: WebDriver, form: str, **fields: str) -> None:
    """Type into the fields of the form posting to `form` and send it."""
    element = driver.find_element(By.CSS_SELECTOR, f"form[action$='/{form}']")
    for name, value in fields.items():
        element.find_element(By.NAME, name).send_keys(value)
    page = driver.find_element(By.TAG_NAME, "html")
    element.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(page))  # the next page


def notice(driver: WebDriver) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, ".notice")
    assert found, driver.page_source
    return str(found[0].text)


def step(site: Site, smtp: SmtpServer) -> None:
    """A minute later, the outbox delivered to the SMTP server."""
    site.clock.at = site.clock.at + timedelta(minutes=1)
    report = deliver(site.deps, now=site.clock.at)
    assert report.failed == 0


def screenshot(driver: WebDriver, name: str) -> None:
    """docs/web-<name>-desktop.png and -phone.png, the whole page, when asked for."""
    if os.environ.get("DONDOC_UPDATE_DOCS") != "1":
        return
    for width, label, mobile in ((1280, "desktop", False), (390, "phone", True)):
        metrics: dict[str, Any] = {
            "width": width,
            "height": 844 if mobile else 900,
            "deviceScaleFactor": 2 if mobile else 1,
            "mobile": mobile,
        }
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        driver.refresh()
        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
        )
        (DOCS / f"web-{name}-{label}.png").write_bytes(base64.b64decode(shot["data"]))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_unit_head_and_the_coordinator_answer_from_their_mail_in_a_browser(
    database_url: str, tmp_path: Path, smtp_server: SmtpServer, browser: WebDriver
) -> None:
    port = free_port()
    site = open_site(
        database_url,
        tmp_path,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        public_url=f"http://127.0.0.1:{port}",
    )
    head, office = "th@example.vn", "theodoi@example.vn"
    attachment = tmp_path / "du-thao-chuong-trinh.pdf"
    attachment.write_bytes(PDF)
    with Served(site, port):
        step(site, smtp_server)
        unit_link = link_in(latest(smtp_server, head, "[Giao nhiệm vụ]"), "task")

        # 1. the unit head opens the assignment's link and reports progress
        browser.get(unit_link)
        assert "Xây dựng Chương trình công tác năm 2026" in browser.title
        assert "còn 13 ngày làm việc" in browser.page_source
        screenshot(browser, "task")
        site.clock.at += timedelta(minutes=1)
        fill(browser, "progress", percent="40", note="Đã có dự thảo lần 1")
        assert "Đã ghi nhận báo cáo tiến độ" in notice(browser)
        assert site.task().status == Status.IN_PROGRESS
        assert site.events()[-1].payload["progress"] == 40

        # 2. asks for more time; the coordinator's mail "[Đề nghị gia hạn]" follows
        site.clock.at += timedelta(minutes=1)
        until = browser.find_element(
            By.CSS_SELECTOR, "form[action$='/extension'] input[name=until]"
        )
        until.send_keys("01152026")  # the date field, as typed in an en-US browser
        assert until.get_attribute("value") == "2026-01-15"
        fill(browser, "extension", reason="Chờ ý kiến thẩm định của Bộ Tư pháp")
        assert "Đã gửi đề nghị gia hạn" in notice(browser)
        assert site.task().status == Status.EXTENSION_REQUESTED
        step(site, smtp_server)
        decide_link = link_in(latest(smtp_server, office, "[Đề nghị gia hạn]"), "decide")

        # 3. the coordinator approves the date asked for, prefilled
        browser.get(decide_link)
        screenshot(browser, "decide-extension")
        site.clock.at += timedelta(minutes=1)
        fill(browser, "approve", reason="Đồng ý theo đề nghị")
        assert "Đã đồng ý gia hạn" in notice(browser)
        row = site.task()
        assert (row.status, row.deadline) == (Status.IN_PROGRESS, date(2026, 1, 15))
        step(site, smtp_server)
        decided = latest(smtp_server, head, "[Trả lời đề nghị gia hạn]")
        assert "đồng ý gia hạn đến 15/01/2026" in str(decided.message["Subject"])

        # 4. the unit head submits the result with a file
        browser.get(unit_link)
        assert "15/01/2026 (gia hạn từ 15/12/2025)" in browser.page_source
        site.clock.at += timedelta(minutes=1)
        form = browser.find_element(By.CSS_SELECTOR, "form[action$='/submit']")
        form.find_element(By.NAME, "files").send_keys(str(attachment))
        fill(browser, "submit", note="Đã hoàn thành dự thảo Chương trình")
        assert "Đã gửi báo cáo kết quả" in notice(browser)
        assert site.task().status == Status.SUBMITTED
        (stored,) = site.events()[-1].payload["files"]
        assert stored["name"] == "du-thao-chuong-trinh.pdf"
        step(site, smtp_server)
        waiting = latest(smtp_server, office, "[Chờ xác nhận]")
        assert "du-thao-chuong-trinh.pdf" in waiting.part("plain")
        decide_link = link_in(waiting, "decide")

        # 5. the coordinator returns it, with the reason
        browser.get(decide_link)
        assert browser.find_element(By.LINK_TEXT, "du-thao-chuong-trinh.pdf")
        screenshot(browser, "decide")
        site.clock.at += timedelta(minutes=1)
        fill(browser, "return", reason="Bổ sung số liệu năm 2025")
        assert "Đã trả lại kết quả" in notice(browser)
        assert site.task().status == Status.RETURNED
        step(site, smtp_server)
        returned = latest(smtp_server, head, "[Trả lại")
        assert "Bổ sung số liệu năm 2025" in returned.part("plain")

        # 6. the unit head submits again from that mail's link; the coordinator accepts
        browser.get(link_in(returned, "task"))
        site.clock.at += timedelta(minutes=1)
        fill(browser, "submit", note="Đã bổ sung số liệu năm 2025")
        step(site, smtp_server)
        browser.get(link_in(latest(smtp_server, office, "[Chờ xác nhận]"), "decide"))
        site.clock.at += timedelta(minutes=1)
        fill(browser, "accept", note="Đạt yêu cầu")
        assert "Đã xác nhận hoàn thành" in notice(browser)
        assert site.task().status == Status.COMPLETED
        step(site, smtp_server)
        assert latest(smtp_server, head, "[Xác nhận hoàn thành]")

        # the history: every step, by whom, through which link
        trail = [(e.to_status, e.actor, e.payload.get("purpose")) for e in site.events()[1:]]
        assert trail == [
            ("in_progress", head, "act"),
            ("extension_requested", head, "act"),
            ("in_progress", office, "decide"),
            ("submitted", head, "act"),
            ("returned", office, "decide"),
            ("submitted", head, "act"),
            ("completed", office, "decide"),
        ]
        # the task is closed: its links no longer open it
        browser.get(unit_link)
        assert "Liên kết không dùng được" in browser.title or "không hợp lệ" in browser.page_source
    site.app.engine.dispose()


def test_the_unit_page_reached_from_a_digest_opens_each_task_in_a_browser(
    sqlite_url: str, tmp_path: Path, smtp_server: SmtpServer, browser: WebDriver
) -> None:
    from engine.services.sweep import sweep
    from tests.builders import task

    port = free_port()
    site = open_site(
        sqlite_url,
        tmp_path,
        task("Xây dựng Chương trình công tác năm 2026", lead_unit="TH", deadline="2025-12-01"),
        task("Rà soát quy chế làm việc", lead_unit="TH", deadline="2025-12-19"),
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        public_url=f"http://127.0.0.1:{port}",
    )
    with Served(site, port):
        site.clock.at = site.clock.at.replace(day=3, month=12)
        sweep(site.deps, site.clock.at)
        step(site, smtp_server)
        digest = latest(smtp_server, "th@example.vn", "[Đôn đốc]")
        browser.get(link_in(digest, "unit"))
        titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "ol.tasks a")]
        assert titles == ["Xây dựng Chương trình công tác năm 2026", "Rà soát quy chế làm việc"]
        screenshot(browser, "unit")
        browser.find_element(By.LINK_TEXT, titles[1]).click()
        assert "Rà soát quy chế làm việc" in browser.title
    site.app.engine.dispose()
