"""The sign-pdf and trust-add commands (the Contract of issue 7)."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from models import TrustRoot
from services import verification
from tests.pki import make_ca, make_p12, make_signer, sample_pdf

PASS = "khóa-bí-mật"


@pytest.fixture(scope="module")
def pki():
    ca = make_ca()
    return {"ca": ca, "signer": make_signer(ca, "Phạm Thị Dung")}


@pytest.fixture
def files(tmp_path, pki):
    (tmp_path / "in.pdf").write_bytes(sample_pdf())
    (tmp_path / "key.p12").write_bytes(make_p12(pki["signer"], pki["ca"], PASS))
    (tmp_path / "ca.pem").write_bytes(pki["ca"].pem)
    (tmp_path / "ca.der").write_bytes(pki["ca"].der)
    return tmp_path


def sign(runner, files, passphrase=PASS, source="in.pdf", *extra):
    return runner.invoke(args=["sign-pdf", str(files / source), str(files / "out.pdf"), "--p12",
                               str(files / "key.p12"), "--passphrase-stdin", *extra], input=passphrase + "\n")


def test_sign_pdf_writes_a_validated_signed_file(runner, ctx, files, pki):
    result = sign(runner, files, PASS, "in.pdf", "--name", "Phạm Thị Dung", "--reason", "Ký kết quả")
    assert result.exit_code == 0, result.output
    signed = (files / "out.pdf").read_bytes()
    assert signed.startswith((files / "in.pdf").read_bytes())  # an incremental update of the input
    sig = verification.verify_pdf(signed, [pki["ca"].cert]).signatures[0]
    assert (sig.signer, sig.intact, sig.trusted, sig.covers_whole_document) == ("Phạm Thị Dung", True, True, True)
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    assert PdfFileReader(BytesIO(signed)).embedded_signatures[0].sig_object["/Reason"] == "Ký kết quả"


def test_wrong_passphrase_exits_2_in_vietnamese_and_writes_nothing(runner, ctx, files):
    result = sign(runner, files, "sai-mật-khẩu")
    assert result.exit_code == 2
    assert "Sai mật khẩu" in result.output
    assert not (files / "out.pdf").exists()


def test_not_a_pdf_exits_2_in_vietnamese_and_writes_nothing(runner, ctx, files):
    (files / "note.pdf").write_bytes(b"Day khong phai PDF")
    result = sign(runner, files, PASS, "note.pdf")
    assert result.exit_code == 2
    assert "không phải là văn bản PDF" in result.output
    assert not (files / "out.pdf").exists()


def test_trust_add_pem_and_der_once(runner, ctx, files, pki):
    first = runner.invoke(args=["trust-add", str(files / "ca.pem")])
    assert first.exit_code == 0 and "trust root added" in first.output, first.output
    again = runner.invoke(args=["trust-add", str(files / "ca.der")])  # the same certificate as DER
    assert again.exit_code == 0 and "already installed" in again.output
    assert TrustRoot.select().count() == 1
    assert [c.public_bytes(serialization.Encoding.DER) for c in verification.installed_roots()] == [pki["ca"].der]


def test_trust_add_refuses_a_signer_certificate_and_junk(runner, ctx, files, pki):
    (files / "signer.pem").write_bytes(pki["signer"].pem)
    refused = runner.invoke(args=["trust-add", str(files / "signer.pem")])
    assert refused.exit_code == 2 and "người ký" in refused.output
    (files / "junk.crt").write_bytes(b"not a certificate")
    junk = runner.invoke(args=["trust-add", str(files / "junk.crt")])
    assert junk.exit_code == 2 and "chứng thư" in junk.output
    assert TrustRoot.select().count() == 0


def test_signer_add_registers_a_certificate_once(runner, ctx, files, pki):
    (files / "signer.pem").write_bytes(pki["signer"].pem)
    first = runner.invoke(args=["signer-add", "leader", str(files / "signer.pem")])
    assert first.exit_code == 0 and "registered for leader: Phạm Thị Dung" in first.output, first.output
    again = runner.invoke(args=["signer-add", "leader", str(files / "signer.pem")])
    assert again.exit_code == 0 and "already registered" in again.output
    taken = runner.invoke(args=["signer-add", "admin", str(files / "signer.pem")])
    assert taken.exit_code == 2 and "cán bộ khác" in taken.output
    assert runner.invoke(args=["signer-add", "nobody", str(files / "signer.pem")]).exit_code == 1
