"""A dossier processed in a real browser: start, request a supplement, receive it, settle (htmx), then
return the result with JavaScript off."""
from __future__ import annotations

import os

import pytest

from tests.conftest import make_pdf
from tests.processing_helpers import exempt_result, receive, using
from tests.test_browser import CHROMIUM, _login, _page, browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")
SHOTS = os.environ.get("SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_process_a_dossier_to_the_returned_result(app, browser, server):  # noqa: F811
    from models import Dossier

    with using(app):
        code = receive(app, "1.004873", "2026-11-23 08:00").code
        secret = Dossier.get(Dossier.code == code).secret
    page = _page(browser)
    _login(page, server, "specialist")
    page.goto(f"{server}/intake/{code}")
    _shot(page, "dossier-accepted")
    page.click("#checklist ~ ul.checklist button.tick >> nth=0")  # htmx swaps just that line
    page.wait_for_selector("#checklist ~ ul.checklist li.done")
    assert "đã xong 0/6" in page.inner_text("#checklist")  # the count is not re-rendered: one line only
    page.click("#processing button:has-text('Bắt đầu xử lý')")
    page.wait_for_selector("#processing .flash.success")
    page.click("#processing a:has-text('Yêu cầu bổ sung hồ sơ')")
    page.wait_for_selector("#f-items")
    assert page.url.endswith(f"/intake/{code}")  # htmx opened the form in place
    page.fill("#f-items", "Bản sao giấy khai sinh\nẢnh 4x6 chụp trong 6 tháng")
    page.fill("#f-reason", "Hồ sơ còn thiếu giấy tờ")
    _shot(page, "supplement-form")
    page.click("#processing form.step button[type=submit]")
    page.wait_for_selector("#processing .badge.warn")
    assert "Yêu cầu bổ sung giấy tờ" in page.inner_text("#processing")
    page.click("#processing a:has-text('Đã nhận hồ sơ bổ sung')")
    page.set_input_files("#f-scans", {"name": "giay-khai-sinh.pdf", "mimeType": "application/pdf",
                                      "buffer": make_pdf("ban sao")})
    page.click("#processing form.step button[type=submit]")
    page.wait_for_selector("#processing button:has-text('Đã xử lý xong')")
    assert "Số bản quét kèm theo: 1" in page.inner_text("#processing")
    with using(app):
        exempt_result(code)  # the electronic result has its own browser test (test_results_browser)
    page.click("#processing button:has-text('Đã xử lý xong')")
    page.wait_for_selector("#processing .badge.ok")
    _shot(page, "dossier-settled")
    page.context.close()

    page = _page(browser, javascript=False)
    _login(page, server, "intake")
    page.goto(f"{server}/intake/{code}")
    page.click("#processing a:has-text('Đã trả kết quả')")
    page.fill("#f-recipient", "Nguyễn Thị Hường")
    page.click("form.step button[type=submit]")
    page.wait_for_url(f"{server}/intake/{code}#processing")
    text = page.inner_text("#processing")
    assert "Đã trả kết quả" in text and "Đúng hạn" in text
    assert "Bổ sung: giay-khai-sinh.pdf" in page.inner_text("main")  # the scan is a component now
    _shot(page, "dossier-returned")
    page.goto(f"{server}/processing/board")
    _shot(page, "board")
    page.context.close()

    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", java_script_enabled=False)
    page = phone.new_page()
    page.goto(f"{server}/d/{code}/{secret}")  # what the receipt's QR code opens
    assert "Đã trả kết quả" in page.inner_text("main")
    page.check("input[name=level][value='1']")
    page.fill("#comment", "Cán bộ hướng dẫn tận tình")
    _shot(page, "citizen-rating")
    page.click("form button[type=submit]")
    assert "Cảm ơn Ông/Bà đã đánh giá" in page.inner_text("main")
    phone.close()
