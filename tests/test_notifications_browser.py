"""A real browser: the specialist sees the count in the navigation bar and reads the notice with
JavaScript off; the counter officer finds the message kept for printing and marks it printed."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from models import User, now
from services import outbox, transitions
from tests.conftest import PASSWORD
from tests.processing_helpers import receive, step, using

CHROMIUM = "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")

from tests.test_browser import browser, server  # noqa: E402,F401 - the shared fixtures


def _login(chromium, base, username, javascript):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN",
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{base}/")
    return page


def test_notice_and_outbox_in_the_browser(app, browser, server, tmp_path):  # noqa: F811
    with using(app):
        d = receive(app, "1.001699", now().strftime("%Y-%m-%d %H:%M"))
        step(d.code, "start", by="specialist")
        step(d.code, "request-supplement", by="specialist", reason="Ảnh chụp chưa rõ", items="Ảnh 4x6")
        transitions.assign(d.code, User.get(User.username == "leader"), User.get(User.username == "specialist"))
        transitions.assign(d.code, User.get(User.username == "specialist"), User.get(User.username == "leader"))
        outbox.send_due(now() + dt.timedelta(seconds=1))  # no gateway: kept for printing

    page = _login(browser, server, "specialist", javascript=False)
    link = page.locator("nav a[href='/notifications/']")
    assert link.inner_text().split() == ["Thông", "báo", "1"]
    link.click()
    page.locator("li.unread", has_text=f"Hồ sơ {d.code} đã được giao cho bạn.").wait_for()
    page.screenshot(path=str(tmp_path / "notifications.png"), full_page=True)
    page.goto(f"{server}/")
    assert page.locator("nav a[href='/notifications/']").inner_text() == "Thông báo"

    page = _login(browser, server, "intake", javascript=True)
    page.goto(f"{server}/notifications/outbox")
    page.click("a[href='/notifications/outbox?status=print']")
    page.locator("td", has_text="Nguyễn Thị Hường").wait_for()
    page.screenshot(path=str(tmp_path / "outbox.png"), full_page=True)
    page.click("text=Yêu cầu bổ sung hồ sơ")
    page.locator(".message-body", has_text="Giấy tờ cần bổ sung: Ảnh 4x6.").wait_for()
    page.click("button:has-text('Đánh dấu đã in')")
    page.locator(".flash", has_text="Đã đánh dấu là đã in.").wait_for()
    page.screenshot(path=str(tmp_path / "message.png"), full_page=True)
