"""In a real browser: the leader turns a processed dossier into a signed electronic result and settles it
(timed: under a minute), the settle gate speaks first; the citizen downloads the result from the
receipt's QR page with JavaScript off, and the QR link shows both signatures."""
from __future__ import annotations

import os
import time

import pytest

from services import verification
from tests import csc_helpers
from tests.pki import make_ca, make_p12, make_signer
from tests.processing_helpers import receive, step, using
from tests.test_browser import CHROMIUM, _page, browser, server  # noqa: F401  (fixtures)
from tests.test_processing_browser import _login, _shot

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")
ORG_PASS = "mật-khẩu-con-dấu"
LEADER_PASS = "mật-khẩu-chủ-tịch"
BUDGET_SECONDS = 60
csc_server = csc_helpers.csc_server


def test_leader_signs_the_result_and_the_citizen_downloads_it(app, browser, server):  # noqa: F811
    from models import Dossier
    from services import keystore

    ca = make_ca()
    leader_p12 = make_p12(make_signer(ca, "Trần Văn Bình"), ca, LEADER_PASS)
    with using(app):
        code = receive(app, "1.004873", "2026-11-23 08:00").code
        step(code, "start", "2026-11-23 09:00", by="specialist")
        secret = Dossier.get(Dossier.code == code).secret
        keystore.install(make_p12(make_signer(ca, "Ủy ban nhân dân phường Hà Đông"), ca, ORG_PASS), ORG_PASS,
                         app.config["DATA_DIR"], "admin")
        keystore.lock(app.config["DATA_DIR"], "admin")  # the worst case: the leader unlocks it too
        verification.add_trust_root(ca.pem, "admin")

    page = _page(browser)
    _login(page, server, "leader")
    started = time.perf_counter()
    page.goto(f"{server}/intake/{code}")
    page.click("#processing button:has-text('Đã xử lý xong')")  # the gate answers first, in place
    page.wait_for_selector("#processing [role=alert]")
    assert "chưa có kết quả điện tử đã ký số" in page.inner_text("#processing")
    page.click("#result-open")
    body = page.input_value("#f-body").replace("Nội dung giải quyết: ...",
                                               "Xác nhận: Bà Nguyễn Thị Hường hiện chưa đăng ký kết hôn với ai.")
    page.fill("#f-body", body)
    page.fill("#f-number", "15/GXN-UBND")
    page.click("#draft-button")
    page.wait_for_selector("#sign")
    _shot(page, "result-to-sign")
    page.fill("#f-org-passphrase", ORG_PASS)
    page.click("#sign form[action$='/unlock'] button")
    page.wait_for_selector("#sign form[action$='/sign']")
    assert "Đã mở khóa" in page.inner_text("main") or "đã mở khóa" in page.inner_text("main")
    page.set_input_files("#f-certificate", {"name": "chu-tich.p12", "mimeType": "application/x-pkcs12",
                                            "buffer": leader_p12})
    page.fill("#f-passphrase", LEADER_PASS)
    page.click("#sign-button")
    page.wait_for_selector("#signed-pdf")
    _shot(page, "result-signed")
    page.goto(f"{server}/intake/{code}")
    page.click("#processing button:has-text('Đã xử lý xong')")
    page.wait_for_selector("#processing .badge.ok")
    elapsed = time.perf_counter() - started
    print(f"\nleader: processed dossier to a signed e-result and settled in {elapsed:.1f} s")
    assert elapsed < BUDGET_SECONDS
    assert "Đã xử lý xong" in page.inner_text("#processing")
    assert "Đã ký" in page.inner_text("#result")
    _shot(page, "dossier-with-result")
    page.context.close()

    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", java_script_enabled=False,
                                accept_downloads=True)
    page = phone.new_page()
    page.goto(f"{server}/d/{code}/{secret}")  # what the receipt's QR code opens
    _shot(page, "citizen-result")
    with page.expect_download() as download:
        page.click("#result-download")
    data = open(download.value.path(), "rb").read()
    signers = [s.signer for s in verification.verify_pdf(data, [ca.cert]).signatures]
    assert signers == ["Trần Văn Bình", "Ủy ban nhân dân phường Hà Đông"]
    with using(app):
        from models import ResultDocument

        key = ResultDocument.get().verify_key
    page.goto(f"{server}/verify/r/{key}")  # what the result's own QR code opens
    text = page.inner_text("main")
    assert "Trần Văn Bình" in text and "Ủy ban nhân dân phường Hà Đông" in text and code in text
    assert text.count("Hợp lệ") == 2 and "chưa được xác nhận" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    _shot(page, "result-verify")
    phone.close()

    page = _page(browser, javascript=False)  # the admin locks the organisation certificate, no script
    _login(page, server, "admin")
    page.goto(f"{server}/results/keystore")
    assert "Đã mở khóa" in page.inner_text("main")
    _shot(page, "keystore")
    page.click("main form[action$='/lock'] button")
    page.wait_for_url(f"{server}/results/keystore")
    assert "Đang khóa" in page.inner_text("main")
    page.context.close()



def test_leader_signs_remotely_and_the_page_waits_for_the_phone(app, browser, server, csc_server):  # noqa: F811
    """The stand-in phone of 'uyban/cham' approves after 3 s: the waiting page polls until it is signed."""
    from models import Dossier, RemoteCredential, RemoteSigningService, ResultDocument, User
    from services import keystore
    from tests import test_results

    ca = make_ca()
    with using(app):
        code = receive(app, "1.004873", "2026-11-23 08:00").code
        step(code, "start", "2026-11-23 09:00", by="specialist")
        keystore.install(make_p12(make_signer(ca, "Ủy ban nhân dân phường Hà Đông"), ca, ORG_PASS), ORG_PASS,
                         app.config["DATA_DIR"], "admin")
        RemoteSigningService.create(base_url=csc_server["url"])
        RemoteCredential.create(user=User.get(User.username == "leader"), credential_id="uyban/cham")
    app.config["REMOTE_SIGNING_SECONDS"] = 20
    for javascript in (True, False):  # htmx polling, then the meta refresh alone
        with using(app):
            test_results._draft(app, Dossier.get(Dossier.code == code))
        page = _page(browser, javascript)
        _login(page, server, "leader")
        page.goto(f"{server}/results/{code}")
        page.fill("#f-access-token", "demo-token")
        page.click("#remote-button")
        page.wait_for_selector("#remote-wait")
        assert "Vui lòng xác nhận ký trên điện thoại" in page.inner_text("#remote-wait")
        _shot(page, f"result-remote-waiting{'' if javascript else '-nojs'}")
        page.wait_for_selector("#signed-pdf", timeout=20000)
        _shot(page, "result-remote-signed")
        page.context.close()
        with using(app):
            document = ResultDocument.select().order_by(ResultDocument.id.desc()).get()
            assert document.signed_id is not None
            if javascript:  # forget it, so a new draft is signed the same way with JavaScript off
                ResultDocument.delete().where(ResultDocument.id == document.id).execute()
    with using(app):
        keystore.lock(app.config["DATA_DIR"], "admin")
