"""A real browser at the counter: Debian's Chromium driven by Playwright, with and without JavaScript."""
from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, make_pdf

CHROMIUM = "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["SERVER_NAME"] = f"127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def _page(browser, javascript=True):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN",
                                  java_script_enabled=javascript)
    return context.new_page()


def _login(page, base, username="intake"):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{base}/")


def _fill_applicant(page):
    page.fill("#f-applicant_name", "Phạm Văn Đức")
    page.fill("#f-id_number", "001090001234")
    page.fill("#f-phone", "0912345678")
    page.fill("#f-address", "Xóm 2, xã Yên Thường")


def _attach_scans(page):
    for i, handle in enumerate(page.query_selector_all("input[type=file]")):
        handle.set_input_files({"name": f"scan{i}.pdf", "mimeType": "application/pdf",
                                "buffer": make_pdf(f"trang {i}")})


def test_counter_intake_with_javascript(browser, server, tmp_path):
    page = _page(browser)
    _login(page, server)
    page.goto(f"{server}/intake/new")
    page.fill("#q", "chung thuc ban sao")       # no accents, found by htmx as the officer types
    page.click("#matches a[href*='2.000815']")
    page.wait_for_selector("#f-applicant_name")
    _fill_applicant(page)
    page.fill("[name=orig_name_0]", "Hợp đồng thuê nhà")
    page.fill("[name=orig_pages_0]", "3")
    page.fill("[name=orig_copies_0]", "2")
    # 3 pages: 2,000 + 2,000 + 1,000 = 5,000 per copy; 2 copies = 10,000
    page.locator("#quote", has_text="10.000").wait_for()  # no wait_for_function: the CSP forbids eval
    page.set_input_files("[name=orig_file_0]", {"name": "hop-dong.pdf", "mimeType": "application/pdf",
                                                 "buffer": make_pdf("hop dong")})
    page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
    page.press("[name=orig_copies_0]", "Enter")  # Enter saves (it does not add rows)
    page.wait_for_url(f"{server}/intake/000.00.01.H26-*")
    code = page.url.rsplit("/", 1)[1].split("?")[0]
    assert code in page.inner_text("main")
    assert "10.000" in page.inner_text("main")
    page.screenshot(path=str(tmp_path / "dossier.png"), full_page=True)
    receipt = page.request.get(f"{server}/intake/{code}/receipt.pdf")
    assert receipt.ok and receipt.body().startswith(b"%PDF")
    page.context.close()


def test_counter_intake_without_javascript(browser, server):
    page = _page(browser, javascript=False)
    _login(page, server)
    page.goto(f"{server}/intake/new")
    page.fill("#q", "ket hon")
    page.click("form[role=search] button[type=submit]")  # the <noscript> search button
    page.click("#matches a[href*='1.000894']")
    _fill_applicant(page)
    page.fill("#f-phone", "12")                 # a bad phone: the form comes back, nothing saved
    _attach_scans(page)
    page.click("form[enctype] button[type=submit]")
    assert "bắt đầu bằng 0" in page.inner_text("main")
    assert page.input_value("#f-applicant_name") == "Phạm Văn Đức"
    page.fill("#f-phone", "0912345678")
    _attach_scans(page)                          # browsers never refill file inputs
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url(f"{server}/intake/000.00.01.H26-*")
    assert "Phạm Văn Đức" in page.inner_text("main")
    page.context.close()
