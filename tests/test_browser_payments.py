"""Cash at the counter in a real browser, with JavaScript off and on; the day's cash statement."""
from __future__ import annotations

import datetime as dt

import pytest

from models import db
from tests.test_browser import CHROMIUM, _login, _page, browser, server  # noqa: F401 - fixtures
from tests.test_payments import receive

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def dossier_code(app):
    from services.calendar import VN_TZ
    with app.app_context():
        db.connect(reuse_if_open=True)
        now = dt.datetime.now(VN_TZ).replace(microsecond=0)
        code = receive(app, "2.000815", when=now, originals=[(5, 3), (1, 2)]).code
        db.close()
    return code


@pytest.mark.parametrize("javascript", [False, True])
def test_record_cash_and_see_it_on_the_statement(browser, server, dossier_code, tmp_path,  # noqa: F811
                                                 javascript):
    page = _page(browser, javascript)
    _login(page, server)
    page.goto(f"{server}/intake/{dossier_code}")
    fees = page.locator("#fees")
    # one original of 5 pages x 3 copies = 21,000; one of 1 page x 2 copies = 4,000
    assert "25.000 đ" in fees.inner_text() and "Chưa nộp" in fees.inner_text()
    page.screenshot(path=str(tmp_path / f"dossier-js{int(javascript)}.png"), full_page=True)
    page.click("#fees button[type=submit]")  # no receipt number: the browser asks for it
    assert page.url.endswith(dossier_code)
    page.fill("#f-receipt_no", "0000777")
    page.click("#fees button[type=submit]")
    page.wait_for_selector("#fees .badge.ok")
    text = page.locator("main").inner_text()  # the message: a flash without JavaScript, in #fees with it
    assert "Đã thu tiền mặt: 25.000 đ, biên lai số 0000777." in text
    assert "Tiền mặt tại quầy" in text and "Ghi nhận đã thu tiền mặt" not in text
    page.screenshot(path=str(tmp_path / f"paid-js{int(javascript)}.png"), full_page=True)
    page.click("summary:has-text('Hồ sơ, lệ phí')")  # the top bar's menu (a plain <details>)
    page.click("text=Bảng kê tiền mặt")
    page.click("button:has-text('Xem')")
    page.wait_for_selector("text=0000777")
    assert "25.000 đ" in page.locator("#statement").inner_text()
    page.screenshot(path=str(tmp_path / f"cash-js{int(javascript)}.png"), full_page=True)
    page.context.close()
