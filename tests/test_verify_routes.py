"""POST /api/v1/verify, the public /verify page (upload and QR link) and the trust-roots admin page."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from models import StoredFile, TrustRoot
from services import signing, storage, verification
from services.calendar import VN_TZ
from tests.pki import make_ca, make_p12, make_signer, sample_pdf

AT = dt.datetime(2026, 11, 25, 9, 30, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def pki():
    ca = make_ca()
    signer = make_signer(ca, "Hoàng Văn Em")
    credential = signing.load_pkcs12(make_p12(signer, ca, "p"), "p")
    signed = signing.sign_pdf(sample_pdf(), credential, signing.Appearance("Hoàng Văn Em", "Chủ tịch"), at=AT)
    return {"ca": ca, "signer": signer, "signed": signed}


def upload(client, url, data: bytes, name="van-ban.pdf", field="file", **kw):
    return client.post(url, data={field: (io.BytesIO(data), name), **kw.pop("form", {})},
                       content_type="multipart/form-data", **kw)


def install_root(ctx_app, pki):
    verification.add_trust_root(pki["ca"].pem, "test")


# --- API ----------------------------------------------------------------------------------

def test_api_verify_reports_each_signature(client, ctx, pki):
    response = upload(client, "/api/v1/verify", pki["signed"])
    assert response.status_code == 200
    assert response.get_json() == {"signed": True, "signatures": [{
        "signer": "Hoàng Văn Em", "signed_at": "2026-11-25T09:30:00+07:00", "intact": True,
        "trusted": False, "covers_whole_document": True, "modified_after_signing": False}]}
    install_root(ctx, pki)
    assert upload(client, "/api/v1/verify", pki["signed"]).get_json()["signatures"][0]["trusted"] is True


def test_api_verify_unsigned_tampered_and_not_a_pdf(client, ctx, pki):
    assert upload(client, "/api/v1/verify", sample_pdf()).get_json() == {"signed": False, "signatures": []}
    tampered = bytearray(pki["signed"])
    tampered[len(tampered) // 5] ^= 0x20
    sig = upload(client, "/api/v1/verify", bytes(tampered)).get_json()["signatures"][0]
    assert sig["intact"] is False
    junk = upload(client, "/api/v1/verify", b"GIF89a not a pdf", name="anh.pdf")
    assert junk.status_code == 422
    assert junk.get_json()["error"]["message"] == "Tệp này không phải là văn bản PDF."
    missing = client.post("/api/v1/verify", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Vui lòng chọn tệp PDF" in missing.get_json()["error"]["message"]


# --- the public page ---------------------------------------------------------------------

def test_verify_page_without_login_and_without_javascript(client, login, ctx, pki):
    page = client.get("/verify")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html
    session = login(None)
    install_root(ctx, pki)
    result = upload(client, "/verify", pki["signed"], form={"csrf_token": session.csrf})
    text = result.get_data(as_text=True)
    assert result.status_code == 200
    assert "Chữ ký 1: Hoàng Văn Em" in text and "Hợp lệ" in text
    assert "Ký lúc 09:30 25/11/2026 (giờ Việt Nam)." in text
    assert "Nội dung đã ký còn nguyên vẹn." in text
    assert "Chữ ký bao trùm toàn bộ văn bản." in text
    assert "<html" in text  # a whole page without htmx


def test_verify_page_fragment_and_errors(client, login, ctx, pki):
    session = login(None)
    fragment = upload(client, "/verify", pki["signed"], form={"csrf_token": session.csrf},
                      headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text and "Hoàng Văn Em" in text
    assert "Người ký không được xác nhận" in text or "chưa được xác nhận" in text  # no root installed here
    junk = upload(client, "/verify", b"hello", form={"csrf_token": session.csrf})
    assert junk.status_code == 422 and "không phải là văn bản PDF" in junk.get_data(as_text=True)
    unsigned = upload(client, "/verify", sample_pdf(), form={"csrf_token": session.csrf})
    assert "Tệp PDF này không có chữ ký số." in unsigned.get_data(as_text=True)


def test_verify_link_of_a_stored_document(client, app, ctx, pki):
    digest = storage.write_blob(pki["signed"], app.config["DATA_DIR"])
    storage.file_row(digest, len(pki["signed"]), "application/pdf")
    page = client.get(f"/verify/{digest}")
    assert page.status_code == 200 and "Hoàng Văn Em" in page.get_data(as_text=True)
    assert client.get("/verify/" + "0" * 64).status_code == 404
    assert StoredFile.select().count() == 1


# --- trust roots admin ---------------------------------------------------------------------

def test_admin_adds_a_trust_root_and_sees_it_listed(client, login, ctx, pki):
    admin = login("admin")
    assert "Chưa cài đặt" in admin.get("/admin/trust-roots").get_data(as_text=True)
    response = admin.client.post("/admin/trust-roots", data={
        "csrf_token": admin.csrf, "certificate": (io.BytesIO(pki["ca"].der), "goc.cer")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    listing = admin.get("/admin/trust-roots").get_data(as_text=True)
    assert "CA thử nghiệm Một Cửa Số" in listing and "Đã thêm chứng thư gốc" in listing
    assert TrustRoot.select().count() == 1


def test_admin_trust_root_refusals_keep_the_page(client, login, ctx, pki):
    admin = login("admin")
    refused = admin.client.post("/admin/trust-roots", data={
        "csrf_token": admin.csrf, "certificate": (io.BytesIO(pki["signer"].pem), "nguoi-ky.pem")},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "người ký" in refused.get_data(as_text=True)
    empty = admin.post("/admin/trust-roots", {})
    assert empty.status_code == 422 and "Vui lòng chọn tệp chứng thư" in empty.get_data(as_text=True)
    assert TrustRoot.select().count() == 0
