"""The counter's certification in a real browser, with JavaScript off and on: paper and electronic
copies in one action, then the register."""
from __future__ import annotations

import datetime as dt

import pytest

from models import db
from tests.certification_helpers import PASS, credential, receive
from tests.conftest import make_image
from tests.pki import sample_pdf
from tests.test_browser import CHROMIUM, _login, _page, browser, server  # noqa: F401 - fixtures

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def dossier_code(app):
    from services.calendar import VN_TZ

    with app.app_context():
        db.connect(reuse_if_open=True)
        now = dt.datetime.now(VN_TZ).replace(microsecond=0)
        code = receive("2.000815", [("Giấy khai sinh", 1, 2, sample_pdf(1, "Giấy khai sinh")),
                                    ("Bằng tốt nghiệp", 3, 1, None)], when=now,
                       data_dir=app.config["DATA_DIR"]).code
        db.close()
    return code


@pytest.mark.parametrize("javascript", [False, True])
def test_certify_paper_and_electronic_copies_at_the_counter(browser, server, dossier_code, tmp_path,  # noqa: F811
                                                            javascript):
    p12 = tmp_path / "chu-tich.p12"
    p12.write_bytes(credential()[2])
    scan = tmp_path / "bang.png"
    scan.write_bytes(make_image("PNG"))
    page = _page(browser, javascript)
    _login(page, server)
    page.goto(f"{server}/intake/{dossier_code}")
    page.click("#certification-link")
    assert "Bản chính và bản sao" in page.locator("main").inner_text()
    page.fill("#f-signer_name", "Trần Thị Bình")
    page.fill("#f-signer_title", "Phó Chủ tịch")
    page.check("input[name=electronic_1]")
    page.check("input[name=electronic_2]")
    page.set_input_files("#f-certificate", str(p12))
    page.fill("#f-passphrase", PASS)
    page.screenshot(path=str(tmp_path / f"form-js{int(javascript)}.png"), full_page=True)
    page.click("button:has-text('Chứng thực và cấp số')")  # the diploma has no scan yet: refused, said why
    assert "Bằng tốt nghiệp chưa có bản quét" in page.locator("main").inner_text()
    page.set_input_files("#f-scan_2", str(scan))
    page.set_input_files("#f-certificate", str(p12))
    page.fill("#f-passphrase", PASS)
    page.click("button:has-text('Chứng thực và cấp số')")
    page.wait_for_selector("text=Đã chứng thực")
    text = page.locator("main").inner_text()
    assert "Đã chứng thực. Các số chứng thực đã được ghi vào sổ." in text
    assert "01/2026-SCT/BS" in text and "01/2026-SCTĐT/BS" in text
    assert text.count("Tải bản sao đã ký số (PDF)") == 2
    assert "In lời chứng cho 3 bản sao giấy (PDF)" in text
    page.screenshot(path=str(tmp_path / f"done-js{int(javascript)}.png"), full_page=True)
    with page.expect_download() as download:
        page.click("a:has-text('Tải bản sao đã ký số (PDF)') >> nth=0")
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.click("a:has-text('Mở sổ chứng thực')")
    register = page.locator("#entries").inner_text()
    # 1 page × 2 copies = 4,000 đ; 3 pages × 1 copy = 5,000 đ
    assert "Giấy khai sinh" in register and "4.000" in register and "5.000" in register
    page.screenshot(path=str(tmp_path / f"register-js{int(javascript)}.png"), full_page=True)
    page.context.close()
