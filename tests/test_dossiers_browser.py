"""The dossier list in a real browser (Debian's Chromium): htmx search and lazy totals, and the same
page with JavaScript off. Screenshots go to the pytest temporary folder."""
from __future__ import annotations

import datetime as dt

from models import Dossier, db
from tests.conftest import PASSWORD
from tests.test_browser import CHROMIUM, browser, pytestmark, server, sync_api  # noqa: F401  (shared fixtures)
from tests.test_dossiers import PEOPLE, _receive


def _history(app):
    from services.calendar import VN_TZ

    with app.app_context():
        db.connect(reuse_if_open=True)
        for name, id_number, phone, procedure, channel, status, (day, hour), hours in PEOPLE:
            received = dt.datetime(2026, 11, day, hour, 0, tzinfo=VN_TZ)
            dossier = _receive(name, id_number, phone, procedure, channel, received)
            Dossier.update(status=status, appointment_at=received + dt.timedelta(hours=hours)).where(
                Dossier.id == dossier.id).execute()
        db.close()


def _login(chromium, base, javascript):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN",
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", "leader")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{base}/")
    return page


def test_search_as_you_type_and_lazy_totals(app, server, browser, tmp_path):  # noqa: F811
    _history(app)
    page = _login(browser, server, javascript=True)
    page.click("summary:has-text('Hồ sơ, lệ phí')")  # the top bar's menu (a plain <details>)
    page.click("text=Tra cứu hồ sơ")
    page.wait_for_selector("#totals >> text=Số hồ sơ: 5")
    page.fill("#q", "huong")
    sync_api.expect(page.locator("#results tbody tr")).to_have_count(2)  # the CSP forbids eval
    page.wait_for_selector("#totals >> text=Số hồ sơ: 2")
    assert "q=huong" in page.url  # the address keeps the filters
    assert page.locator("#results").inner_text().count("Quá hạn") == 1
    page.select_option("#f-channel", "3")
    sync_api.expect(page.locator("#results tbody tr")).to_have_count(1)
    assert "Lê Hương" in page.locator("#results").inner_text() and "channel=3" in page.url
    page.screenshot(path=str(tmp_path / "dossiers.png"), full_page=True)


def test_filters_and_totals_without_javascript(app, server, browser, tmp_path):  # noqa: F811
    _history(app)
    page = _login(browser, server, javascript=False)
    page.goto(f"{server}/dossiers")
    page.fill("#q", "nguyen")
    page.click("button:has-text('Lọc')")
    page.wait_for_url("**/dossiers?*q=nguyen*")
    assert page.locator("#results tbody tr").count() == 2
    page.click("text=Xem tổng số hồ sơ và tổng phí")
    assert "Số hồ sơ: 2" in page.locator("#totals").inner_text()
    assert page.input_value("#q") == "nguyen"
    page.screenshot(path=str(tmp_path / "dossiers-nojs.png"), full_page=True)
