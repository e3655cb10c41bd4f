"""The public verify page in a real browser: a phone without JavaScript, and a desktop with htmx."""
from __future__ import annotations

import os

import pytest

from services import signing, verification
from tests.pki import make_ca, make_p12, make_signer, sample_pdf
from tests.test_browser import CHROMIUM, browser, server  # noqa: F401 - fixtures

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")


@pytest.fixture(scope="module")
def signed_pdf():
    ca = make_ca()
    person = signing.load_pkcs12(make_p12(make_signer(ca, "Đỗ Thị Giang"), ca, "p"), "p")
    org = signing.load_pkcs12(make_p12(make_signer(ca, "Ủy ban nhân dân xã Đông Sơn"), ca, "p"), "p")
    first = signing.sign_pdf(sample_pdf(), person, signing.Appearance("Đỗ Thị Giang", "Chủ tịch"))
    return ca, signing.sign_pdf(first, org, signing.Appearance("Ủy ban nhân dân xã Đông Sơn"))


def _upload(page, data: bytes):
    page.set_input_files("#file", {"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": data})
    page.click("button[type=submit]")


def test_phone_without_javascript(browser, server, app, signed_pdf, tmp_path):  # noqa: F811
    ca, data = signed_pdf
    with app.app_context():
        verification.add_trust_root(ca.pem, "test")
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False,
                                  locale="vi-VN")
    page = context.new_page()
    page.goto(f"{server}/verify")
    _upload(page, data)
    page.wait_for_selector("h2")
    body = page.inner_text("main")
    assert "Chữ ký 1: Đỗ Thị Giang" in body and "Chữ ký 2: Ủy ban nhân dân xã Đông Sơn" in body
    assert body.count("Hợp lệ") == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    page.screenshot(path=str(tmp_path / "verify-phone.png"), full_page=True)
    context.close()


def test_desktop_with_htmx_swaps_only_the_result(browser, server, signed_pdf, tmp_path):  # noqa: F811
    _, data = signed_pdf
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{server}/verify")
    page.evaluate("window.marker = 1")  # survives only if the page is not reloaded
    _upload(page, data)
    page.wait_for_selector("#result h2")
    assert page.evaluate("window.marker") == 1
    assert "người ký chưa được xác nhận" in page.inner_text("#result")  # no trust root in this database
    page.screenshot(path=str(tmp_path / "verify-desktop.png"), full_page=True)
    _upload(page, b"not a pdf")
    page.wait_for_selector("#result .errors-summary")
    assert "không phải là văn bản PDF" in page.inner_text("#result")
    context.close()
