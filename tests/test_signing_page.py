"""The leader's signing page: a PDF and a certificate file in, the signed PDF out; errors kept on the form."""
from __future__ import annotations

import io

import pytest

from models import AuditEvent
from services import verification
from tests.pki import make_ca, make_p12, make_signer, sample_pdf

PASS = "mật-khẩu-chủ-tịch"


@pytest.fixture(scope="module")
def pki():
    ca = make_ca()
    return {"ca": ca, "p12": make_p12(make_signer(ca, "Trịnh Văn Khoa"), ca, PASS)}


def post(session, pdf, p12, passphrase=PASS, **fields):
    data = {"csrf_token": session.csrf, "passphrase": passphrase, "title": "Chủ tịch", **fields}
    if pdf is not None:
        data["file"] = (io.BytesIO(pdf), "Quyết định số 12.pdf")
    if p12 is not None:
        data["certificate"] = (io.BytesIO(p12), "chu-tich.p12")
    return session.client.post("/sign", data=data, content_type="multipart/form-data")


def test_leader_signs_and_downloads_a_valid_pdf(login, ctx, pki):
    leader = login("leader")
    page = leader.get("/sign").get_data(as_text=True)
    assert 'type="password"' in page and "Ủy ban nhân dân" in page  # the agency is prefilled from the office
    response = post(leader, sample_pdf(), pki["p12"], reason="Ký quyết định")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "-da-ky.pdf" in response.headers["Content-Disposition"]
    sig = verification.verify_pdf(response.data, [pki["ca"].cert]).signatures[0]
    assert (sig.signer, sig.intact, sig.trusted, sig.covers_whole_document) == ("Trịnh Văn Khoa", True, True, True)
    event = AuditEvent.select().where(AuditEvent.action == "document.sign").get()
    assert event.actor == "leader" and event.after["signer"] == "Trịnh Văn Khoa"
    assert PASS not in str(event.after)  # the passphrase is never written anywhere


def test_wrong_passphrase_keeps_the_form_and_says_so(login, ctx, pki):
    leader = login("leader")
    response = post(leader, sample_pdf(), pki["p12"], passphrase="sai", title="Phó Chủ tịch")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Sai mật khẩu của tệp chứng thư số." in text and 'value="Phó Chủ tịch"' in text
    assert not AuditEvent.select().where(AuditEvent.action == "document.sign").exists()


def test_missing_files_and_a_non_pdf(login, ctx, pki):
    leader = login("leader")
    empty = post(leader, None, None, passphrase="")
    text = empty.get_data(as_text=True)
    assert empty.status_code == 422
    for message in ("Vui lòng chọn tệp PDF cần ký.", "Vui lòng chọn tệp chứng thư số (.p12 hoặc .pfx).",
                    "Vui lòng nhập mật khẩu của tệp chứng thư số."):
        assert message in text
    junk = post(leader, b"not a pdf", pki["p12"])
    assert junk.status_code == 422 and "Tệp này không phải là văn bản PDF." in junk.get_data(as_text=True)


def test_the_audit_keeps_the_reason_the_signature_carries(login, ctx, pki):
    leader = login("leader")
    response = post(leader, sample_pdf(), pki["p12"], reason="Ký\x00 quyết định " + "x" * 1000)
    assert response.status_code == 200
    event = AuditEvent.select().where(AuditEvent.action == "document.sign").get()
    assert event.after["reason"] == ("Ký quyết định " + "x" * 1000)[:200]
