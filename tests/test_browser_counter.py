"""The counter on a busy morning, in Debian's Chromium: double clicks, an expired session, a typo after
choosing the scans, a lost network, with and without JavaScript."""
from __future__ import annotations

import re

from models import Dossier, DossierComponent
from tests.conftest import PASSWORD, make_pdf
from tests.test_browser import _fill_applicant, _login, _page, browser, server  # noqa: F401 (fixtures)

SAVE = "#intake-form button[type=submit]:not([name])"


def _dossiers(app) -> int:
    with app.app_context():
        return Dossier.select().count()


def _open_form(page, base, code="2.000884"):
    page.goto(f"{base}/intake/new?procedure={code}")
    page.wait_for_selector("#f-applicant_name")


def _attach(page, prefix="scan"):
    names = []
    for i, handle in enumerate(page.query_selector_all("#intake-form input[type=file]")):
        names.append(f"{prefix}-{i}.pdf")
        handle.set_input_files({"name": names[-1], "mimeType": "application/pdf",
                                "buffer": make_pdf(f"{prefix} {i}")})
    return names


def _fill_counts(page):
    for handle in page.query_selector_all("#intake-form input[name^=orig_]"):
        handle.fill("1")


def test_double_click_on_save_makes_one_dossier(browser, server, app):  # noqa: F811
    for javascript in (True, False):
        page = _page(browser, javascript=javascript)
        _login(page, server)
        _open_form(page, server)
        _fill_applicant(page)
        page.fill("#f-id_number", "001090001234" if javascript else "001090005678")
        _fill_counts(page)
        _attach(page)
        page.dblclick(SAVE)
        page.wait_for_url(re.compile(r".*/intake/000\.00\.01\.H26-\d{6}-\d{4}\?saved=1$"))
        assert "Phạm Văn Đức" in page.inner_text("main")
        page.context.close()
    assert _dossiers(app) == 2  # one per form, not two


def test_expired_session_during_a_save_is_said_and_nothing_typed_is_lost(browser, server, app):  # noqa: F811
    page = _page(browser)
    _login(page, server)
    _open_form(page, server)
    _fill_applicant(page)
    _fill_counts(page)
    _attach(page)
    page.context.clear_cookies()                      # the session ends (timeout, logout elsewhere)
    page.click(SAVE)
    alert = page.locator("#alerts")
    alert.wait_for(state="visible")
    assert "Phiên làm việc đã hết" in alert.inner_text()
    assert page.input_value("#f-applicant_name") == "Phạm Văn Đức"
    assert _dossiers(app) == 0
    page.screenshot(path="/tmp/counter-session-expired.png")
    # log in again in another tab, as the message says, and come back
    other = page.context.new_page()
    other.goto(f"{server}/login")
    other.fill("#username", "intake")
    other.fill("#password", PASSWORD)
    other.press("#password", "Enter")
    other.wait_for_url(f"{server}/")
    other.close()
    page.click(SAVE)                                   # the old form token: renewed, asked to press again
    page.locator("#alerts", has_text="làm mới").wait_for()  # no wait_for_function: the CSP forbids eval
    assert page.input_value("#f-applicant_name") == "Phạm Văn Đức"
    page.click(SAVE)
    page.wait_for_url(re.compile(r".*\?saved=1$"))
    assert _dossiers(app) == 1
    page.context.close()


def test_a_typo_does_not_make_the_officer_choose_the_scans_again(browser, server, app):  # noqa: F811
    for javascript in (True, False):
        page = _page(browser, javascript=javascript)
        _login(page, server)
        _open_form(page, server)
        _fill_applicant(page)
        page.fill("#f-id_number", "001090001234" if javascript else "001090005678")
        page.fill("#f-phone", "12")                   # the typo
        _fill_counts(page)
        names = _attach(page, "ho-so")
        page.click(SAVE)
        page.wait_for_selector(".kept")
        kept = page.inner_text("#intake-form")
        assert "bắt đầu bằng 0" in kept
        for name in names:
            assert name in kept
        assert page.locator(".kept .badge").count() == len(names)
        if javascript:
            page.screenshot(path="/tmp/counter-typo.png", full_page=True)
        page.fill("#f-phone", "0912345678")           # fix the typo; no file chosen again
        page.click(SAVE)
        page.wait_for_url(re.compile(r".*\?saved=1$"))
        assert page.locator("text=Đã số hóa").count() == len(names)
        page.context.close()
    with app.app_context():
        assert DossierComponent.select().where(DossierComponent.digitised).count() == 4


def test_network_failure_and_oversized_scan_are_shown_in_the_alert_region(browser, server, app):  # noqa: F811
    from services import office

    with app.app_context():
        office.update_settings({"max_upload_mb": 1}, "test")
    page = _page(browser)
    _login(page, server)
    _open_form(page, server)
    _fill_applicant(page)
    _fill_counts(page)
    _attach(page)
    big = page.query_selector_all("#intake-form input[type=file]")[0]
    big.set_input_files({"name": "qua-lon.pdf", "mimeType": "application/pdf",
                         "buffer": b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)})
    page.click(SAVE)
    page.locator("#alerts").wait_for(state="visible")
    assert "qua-lon.pdf" in page.inner_text("#alerts") and "1 MB" in page.inner_text("#alerts")
    _attach(page)
    page.route(re.compile(r".*/intake/new\?.*"), lambda route: route.abort("internetdisconnected"))
    page.click(SAVE)
    page.locator("#alerts", has_text="Không kết nối").wait_for()
    assert page.input_value("#f-applicant_name") == "Phạm Văn Đức"
    assert page.locator(SAVE).is_enabled()            # the button comes back for another try
    assert _dossiers(app) == 0
    page.context.close()


def test_duplicate_warning_then_save_anyway(browser, server, app):  # noqa: F811
    page = _page(browser)
    _login(page, server)
    for attempt in range(2):
        _open_form(page, server)
        _fill_applicant(page)
        _fill_counts(page)
        _attach(page)
        page.click(SAVE)
        if attempt == 0:
            page.wait_for_url(re.compile(r".*\?saved=1$"))
    page.wait_for_selector(".duplicate")
    assert "Chưa đầy 10 phút" in page.inner_text(".duplicate")
    assert page.locator(".kept").count() == 2
    page.screenshot(path="/tmp/counter-duplicate.png", full_page=True)
    page.click("button[name=confirm_duplicate]")
    page.wait_for_url(re.compile(r".*\?saved=1$"))
    assert page.evaluate("document.activeElement.id") == "receipt-link"
    assert _dossiers(app) == 2
    page.screenshot(path="/tmp/counter-saved.png")
    page.context.close()


def test_oversized_request_without_javascript_gets_the_message_page(browser, server, app):  # noqa: F811
    from services import counter, intake, office

    with app.app_context():
        office.update_settings({"max_upload_mb": 1}, "test")
        limit = counter.request_limit(1, intake.most_components())
    page = _page(browser, javascript=False)
    _login(page, server)
    _open_form(page, server)
    _fill_applicant(page)
    _fill_counts(page)
    page.query_selector_all("#intake-form input[type=file]")[0].set_input_files(
        {"name": "qua-lon.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * limit})
    page.click(SAVE)
    page.wait_for_selector("[data-error-message]")
    assert "mỗi bản quét tối đa 1 MB" in page.inner_text("main")
    assert _dossiers(app) == 0
    page.context.close()
