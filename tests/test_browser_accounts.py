"""A real browser under the Content-Security-Policy: no violation, htmx still works, the accounts
pages work with JavaScript off. Screenshots go to the test's tmp folder."""
from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from tests.test_access import CODE, with_dossier  # noqa: F401  (fixture)
from tests.test_browser import CHROMIUM, _login, _page, server  # noqa: F401  (fixture)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def _watch_csp(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def test_no_csp_violation_and_htmx_works(browser, server, tmp_path):  # noqa: F811
    page = _page(browser)
    problems = _watch_csp(page)
    _login(page, server, "admin")
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    assert "sẽ không mở được trên điện thoại" in page.inner_text("main")
    page.goto(f"{server}/intake/new")
    page.fill("#q", "chung thuc ban sao")  # htmx search, under script-src 'self' and allowEval off
    page.wait_for_selector("#matches a[href*='2.000815']")
    page.goto(f"{server}/admin/users")
    page.screenshot(path=str(tmp_path / "users.png"), full_page=True)
    page.goto(f"{server}/admin/tokens")
    page.fill("#f-name", "cong-dich-vu-cong")
    page.click("form[action$='/admin/tokens'] button[type=submit]")
    page.wait_for_selector("code.secret")
    page.screenshot(path=str(tmp_path / "tokens.png"), full_page=True)
    page.goto(f"{server}/lookup")
    page.screenshot(path=str(tmp_path / "lookup.png"), full_page=True)
    assert problems == []
    page.context.close()


def test_accounts_pages_without_javascript(browser, server, tmp_path):  # noqa: F811
    page = _page(browser, javascript=False)
    _login(page, server, "admin")
    page.goto(f"{server}/admin/users/new")
    page.fill("#f-username", "thuha")
    page.fill("#f-full_name", "Lê Thu Hà")
    page.select_option("#f-role", "specialist")
    page.fill("#f-unit", "Phòng Tư pháp")
    page.fill("#f-password", "1234567890")       # common: refused, values kept
    page.fill("#f-password2", "1234567890")
    page.click("#user-form button[type=submit]")
    assert "phổ biến" in page.inner_text("main")
    assert page.input_value("#f-full_name") == "Lê Thu Hà"
    page.screenshot(path=str(tmp_path / "user-form-error.png"), full_page=True)
    page.fill("#f-password", "ruong-lua-xanh-7")
    page.fill("#f-password2", "ruong-lua-xanh-7")
    page.click("#user-form button[type=submit]")
    page.wait_for_url(f"{server}/admin/users")
    assert "Lê Thu Hà" in page.inner_text("main")
    page.click("tr:has-text('thuha') a:has-text('Sửa')")
    page.click("a:has-text('Ngừng hoạt động tài khoản')")
    page.screenshot(path=str(tmp_path / "confirm.png"), full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server}/admin/users")
    assert "Đã ngừng hoạt động" in page.inner_text("main")
    page.context.close()


def test_a_scan_opens_in_the_browser_under_its_policy(browser, server, with_dossier, tmp_path):  # noqa: F811
    page = _page(browser)
    _login(page, server, "intake")
    # a sandboxed PDF never fires "load": wait for the answer, then look at the screen
    response = page.goto(f"{server}/intake/{CODE}/files/1", wait_until="commit")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    # the viewer draws the page in white on its dark background; a blocked PDF stays dark
    white = 0
    for _ in range(20):
        page.wait_for_timeout(250)
        shot = Image.open(io.BytesIO(page.screenshot(path=str(tmp_path / "scan.png"))))
        white = sum(1 for pixel in shot.convert("L").resize((64, 36)).get_flattened_data() if pixel > 240)
        if white > 100:
            break
    assert white > 100, white
    page.context.close()
