"""The toolkit in a real browser: the templates page with its previews, editing the wording, and the
materials library with JavaScript off (upload as a trainer, then find it as a citizen)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import make_pdf
from tests.test_browser import CHROMIUM, _login, _page, browser, server  # noqa: F401 (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")
SHOTS = os.environ.get("TOOLKIT_SCREENSHOTS")  # a folder to keep the screenshots in, to look at them


def _shot(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(Path(SHOTS or tmp_path) / f"{name}.png"), full_page=True)


def test_templates_page_shows_every_preview_and_takes_new_wording(server, browser, tmp_path):  # noqa: F811
    page = _page(browser)
    _login(page, server, "trainer")
    page.click("summary:has-text('Đào tạo, hỗ trợ')")  # the top bar's menu
    page.click("header >> text=Bộ công cụ truyền thông")
    page.wait_for_url(f"{server}/toolkit/templates")
    images = page.locator("ul.kit img")
    assert images.count() == 7
    for i in range(7):
        images.nth(i).scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=images.nth(i).element_handle())
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, tmp_path, "toolkit-templates")
    with page.expect_download() as download:
        page.locator("ul.kit li").first.locator("text=Word (DOCX)").click()
    assert download.value.suggested_filename == "leaflet.docx"

    old_src = page.locator("ul.kit li").nth(3).locator("img").get_attribute("src")
    page.locator("ul.kit li").nth(3).locator("text=Sửa nội dung").click()
    page.fill("#f-title", "Nộp hồ sơ qua mạng, không phải xếp hàng")
    page.fill("#f-items", "\n".join(f"Bước {n}" for n in range(1, 9)))
    page.click("text=Lưu nội dung")
    assert page.locator("#e-items").inner_text() == "Tối đa 7 dòng: trang in không đủ chỗ cho nhiều hơn."
    assert page.input_value("#f-title") == "Nộp hồ sơ qua mạng, không phải xếp hàng"
    page.fill("#f-items", "Bước một\nBước hai")
    page.click("text=Lưu nội dung")
    page.wait_for_selector(".flash.success")
    page.wait_for_function("() => document.querySelector('.kit-edit img').naturalWidth > 0")
    _shot(page, tmp_path, "toolkit-edit")
    page.goto(f"{server}/toolkit/templates")
    assert page.locator("ul.kit li").nth(3).locator("img").get_attribute("src") != old_src
    assert "Nội dung riêng của đơn vị" in page.locator("ul.kit li").nth(3).inner_text()


def test_materials_without_javascript(server, browser, tmp_path):  # noqa: F811
    page = _page(browser, javascript=False)
    _login(page, server, "trainer")
    page.goto(f"{server}/materials")
    page.click("text=Thêm tài liệu")
    page.fill("#f-title", "Hướng dẫn nộp hồ sơ cho người cao tuổi")
    page.select_option("#f-topic", "online_submission")
    page.select_option("#f-audience", "citizens")
    page.set_input_files("#f-file", {"name": "huong-dan.pdf", "mimeType": "application/pdf",
                                     "buffer": b"MZ not a pdf at all"})
    page.click("text=Thêm vào thư viện")
    assert "Tệp này không phải tài liệu PDF" in page.locator("#e-file").inner_text()
    assert page.input_value("#f-title") == "Hướng dẫn nộp hồ sơ cho người cao tuổi"
    page.set_input_files("#f-file", {"name": "huong-dan.pdf", "mimeType": "application/pdf",
                                     "buffer": make_pdf("huong dan")})
    page.click("text=Thêm vào thư viện")
    page.wait_for_selector(".flash.success")
    assert "Tải phiên bản 1" in page.content()
    _shot(page, tmp_path, "material")

    citizen = _page(browser, javascript=False)
    citizen.goto(f"{server}/materials")
    citizen.fill("#q", "nguoi cao tuoi")
    citizen.click("main button[type=submit]")
    assert "q=nguoi+cao+tuoi" in citizen.url
    rows = citizen.locator("#materials tbody tr")
    assert rows.count() == 1 and "Hướng dẫn nộp hồ sơ cho người cao tuổi" in rows.first.inner_text()
    _shot(citizen, tmp_path, "materials-public")
    with citizen.expect_download() as download:
        rows.first.locator("text=Tải về").click()
    assert download.value.suggested_filename == "huong-dan.pdf"
