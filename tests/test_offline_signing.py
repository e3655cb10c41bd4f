"""A token on the official's own PC: prepare, sign elsewhere (pyHanko plays the vendor's PAdES tool),
upload; only the prepared document plus signatures by the registered certificate is accepted."""
from __future__ import annotations

import io

import pytest

from models import SignerCertificate, User
from services import offline_signing, signing, verification
from tests.pki import make_ca, make_p12, make_signer, sample_pdf


@pytest.fixture(scope="module")
def pki():
    ca = make_ca()
    return {"ca": ca, "leader": make_signer(ca, "Bùi Thị Hạnh"), "other": make_signer(ca, "Người khác")}


def vendor_sign(pdf: bytes, identity, ca, field=offline_signing.FIELD) -> bytes:
    """Sign as a vendor's desktop tool would: PAdES (ETSI.CAdES.detached), pyHanko, not endesive."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load_pkcs12_data(make_p12(identity, ca, "p"), [], passphrase=b"p")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256")
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def draw_on(pdf: bytes) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.add_stream_to_page(0, writer.add_object(generic.StreamObject(stream_data=b"0 0 1 rg 90 500 300 60 re f")))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_prepared_document_signed_by_the_registered_certificate_is_accepted(pki):
    prepared = offline_signing.prepare(sample_pdf())
    uploaded = vendor_sign(prepared, pki["leader"], pki["ca"])
    report = offline_signing.accept(prepared, uploaded, [pki["leader"].cert], [pki["ca"].cert])
    assert [(s.signer, s.intact, s.trusted, s.covers_whole_document) for s in report.signatures] == [
        ("Bùi Thị Hạnh", True, True, True)]


def test_our_own_countersignature_on_top_is_still_accepted(pki):
    prepared = offline_signing.prepare(sample_pdf())
    uploaded = vendor_sign(prepared, pki["leader"], pki["ca"])
    org = signing.load_pkcs12(make_p12(pki["other"], pki["ca"], "x"), "x")
    both = signing.sign_pdf(uploaded, org, signing.Appearance("Người khác"))
    report = offline_signing.accept(prepared, uploaded, [pki["leader"].cert], [pki["ca"].cert])
    assert len(report.signatures) == 1
    first, second = verification.verify_pdf(both, [pki["ca"].cert]).signatures
    assert first.ok and second.ok and second.covers_whole_document


def test_a_different_document_is_refused(pki):
    prepared = offline_signing.prepare(sample_pdf(text="Quyết định số 1"))
    other = vendor_sign(sample_pdf(text="Quyết định số 2"), pki["leader"], pki["ca"])
    with pytest.raises(signing.SigningError) as exc:
        offline_signing.accept(prepared, other, [pki["leader"].cert])
    assert exc.value.message == "The uploaded file is not the prepared document with signatures added."


def test_a_different_signer_is_refused(pki):
    prepared = offline_signing.prepare(sample_pdf())
    uploaded = vendor_sign(prepared, pki["other"], pki["ca"])
    with pytest.raises(signing.SigningError) as exc:
        offline_signing.accept(prepared, uploaded, [pki["leader"].cert])
    assert exc.value.message == "The document was signed with a certificate not registered for this official."


def test_content_added_before_signing_is_refused(pki):
    prepared = offline_signing.prepare(sample_pdf())
    uploaded = vendor_sign(draw_on(prepared), pki["leader"], pki["ca"])
    # the signature itself is fine and covers the whole file...
    assert verification.verify_pdf(uploaded).signatures[0].covers_whole_document
    # ...but the signed revision is not "the prepared document plus a signature"
    with pytest.raises(signing.SigningError) as exc:
        offline_signing.accept(prepared, uploaded, [pki["leader"].cert])
    assert exc.value.message == ("The uploaded file was changed beyond adding signatures, "
                                 "or a signature is not valid.")


def test_unsigned_or_unchanged_upload_is_refused(pki):
    prepared = offline_signing.prepare(sample_pdf())
    with pytest.raises(signing.SigningError) as same:
        offline_signing.accept(prepared, prepared, [pki["leader"].cert])
    assert same.value.message == "The uploaded file is not the prepared document with signatures added."
    with pytest.raises(signing.SigningError) as drawn:
        offline_signing.accept(prepared, draw_on(prepared), [pki["leader"].cert])
    assert drawn.value.message == "The uploaded file carries no new signature."


def test_register_certificate_once_per_official(ctx, pki):
    leader = User.get(User.username == "leader")
    row, added = offline_signing.register_certificate(leader, pki["leader"].pem, "admin")
    assert added and row.subject == "Bùi Thị Hạnh"
    assert offline_signing.register_certificate(leader, pki["leader"].der, "admin")[1] is False
    with pytest.raises(verification.TrustRootError):
        offline_signing.register_certificate(User.get(User.username == "admin"), pki["leader"].pem, "admin")
    assert [c.subject for c in offline_signing.registered_for(leader)] == [pki["leader"].cert.subject]
    assert SignerCertificate.select().count() == 1


# --- the pages -------------------------------------------------------------------------------

def test_token_pages_prepare_download_upload(login, app, ctx, pki):
    leader_user = User.get(User.username == "leader")
    leader = login("leader")
    assert "Chưa có chứng thư số nào được đăng ký" in leader.get("/sign/token").get_data(as_text=True)
    offline_signing.register_certificate(leader_user, pki["leader"].pem, "admin")
    original = sample_pdf(text="Quyết định công nhận")
    response = leader.client.post("/sign/token", data={"csrf_token": leader.csrf,
                                  "file": (io.BytesIO(original), "qd.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page_url = response.headers["Location"]
    sha = page_url.rstrip("/").rsplit("/", 1)[1]
    prepared = leader.get(f"/sign/files/{sha}.pdf").data
    assert prepared.startswith(original) and len(prepared) > len(original)

    wrong = vendor_sign(prepared, pki["other"], pki["ca"])
    refused = leader.client.post(page_url, data={"csrf_token": leader.csrf, "file": (io.BytesIO(wrong), "a.pdf")},
                                 content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "chứng thư số chưa đăng ký cho cán bộ này" in refused.get_data(as_text=True)

    signed = vendor_sign(prepared, pki["leader"], pki["ca"])
    accepted = leader.client.post(page_url, data={"csrf_token": leader.csrf, "file": (io.BytesIO(signed), "b.pdf")},
                                  content_type="multipart/form-data")
    text = accepted.get_data(as_text=True)
    assert accepted.status_code == 200 and "Văn bản đã ký được chấp nhận và lưu lại." in text
    assert "Chữ ký 1: Bùi Thị Hạnh" in text
    import hashlib
    digest = hashlib.sha256(signed).hexdigest()
    assert leader.get(f"/sign/files/{digest}.pdf").data == signed
    assert "Bùi Thị Hạnh" in leader.client.get(f"/verify/{digest}").get_data(as_text=True)
