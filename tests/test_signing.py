"""Signing with a PKCS#12 file and validating with pyHanko: appearance, countersigning, tampering,
and poppler's pdfsig with the test CA trusted."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from PIL import Image, ImageDraw

from services import signing, verification
from services.calendar import VN_TZ
from tests.pki import make_ca, make_p12, make_signer, sample_pdf

PASS = "mật-khẩu-tổ-chức"
AT = dt.datetime(2026, 11, 25, 9, 30, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def pki():
    ca = make_ca()
    return {"ca": ca, "person": make_signer(ca, "Nguyễn Văn An"),
            "org": make_signer(ca, "Ủy ban nhân dân xã Đông Sơn"),
            "other_ca": make_ca("CA lạ")}


@pytest.fixture(scope="module")
def person(pki):
    return signing.load_pkcs12(make_p12(pki["person"], pki["ca"], PASS), PASS)


@pytest.fixture(scope="module")
def org(pki):
    return signing.load_pkcs12(make_p12(pki["org"], pki["ca"], PASS), PASS)


@pytest.fixture(scope="module")
def signed(person):
    appearance = signing.Appearance("Nguyễn Văn An", "Chủ tịch", "Ủy ban nhân dân xã Đông Sơn")
    return signing.sign_pdf(sample_pdf(), person, appearance, reason="Ký kết quả", at=AT)


def seal_png() -> bytes:
    image = Image.new("RGBA", (160, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 156, 156), outline=(210, 0, 0, 255), width=9)
    draw.ellipse((34, 34, 126, 126), outline=(210, 0, 0, 255), width=4)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


# --- keys --------------------------------------------------------------------------------------

def test_pkcs12_wrong_passphrase_and_not_a_p12(pki):
    data = make_p12(pki["person"], pki["ca"], PASS)
    with pytest.raises(signing.SigningError) as wrong:
        signing.load_pkcs12(data, "sai")
    assert wrong.value.message == "Wrong passphrase for the certificate file."
    with pytest.raises(signing.SigningError) as junk:
        signing.load_pkcs12(b"%PDF-1.4 not a certificate", PASS)
    assert junk.value.message == "The certificate file is not a PKCS#12 (.p12 or .pfx) file."


def test_pkcs12_credential_carries_chain(person, pki):
    assert person.name == "Nguyễn Văn An"
    assert [c.subject for c in person.chain] == [pki["ca"].cert.subject]


# --- sign and validate --------------------------------------------------------------------------

def test_signed_pdf_validates_with_signer_time_and_trust(signed, pki):
    report = verification.verify_pdf(signed, [pki["ca"].cert])
    assert report.signed and len(report.signatures) == 1
    sig = report.signatures[0]
    assert sig.signer == "Nguyễn Văn An"
    assert sig.intact and sig.trusted and sig.covers_whole_document and not sig.modified_after_signing
    # the time written in the signature (and drawn in the appearance), in +07:00
    assert sig.signed_at == AT and sig.signed_at.utcoffset() == dt.timedelta(hours=7)


def test_trust_needs_the_installed_root(signed, pki):
    assert not verification.verify_pdf(signed, []).signatures[0].trusted
    assert not verification.verify_pdf(signed, [pki["other_ca"].cert]).signatures[0].trusted
    assert verification.verify_pdf(signed, [pki["other_ca"].cert, pki["ca"].cert]).signatures[0].trusted


def test_digest_is_sha256_and_the_key_signed_once(signed):
    from asn1crypto import cms as asn1_cms
    from pyhanko.pdf_utils.reader import PdfFileReader

    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    signer_info = sig.signed_data["signer_infos"][0]
    assert signer_info["digest_algorithm"]["algorithm"].native == "sha256"
    # aligned: the reserved /Contents is the fixed size, padded after the CMS
    raw = sig.sig_object["/Contents"]
    assert len(raw) == signing.SIGNATURE_BYTES
    asn1_cms.ContentInfo.load(raw.rstrip(b"\0"))


def test_appearance_lines_are_worded_by_hand():
    appearance = signing.Appearance("Nguyễn Văn An", "Chủ tịch", "Ủy ban nhân dân xã Đông Sơn")
    assert signing._lines(appearance, AT) == [
        ("B", "Ký bởi: Nguyễn Văn An"), ("R", "Chức vụ: Chủ tịch"),
        ("R", "Cơ quan: Ủy ban nhân dân xã Đông Sơn"), ("R", "Thời gian ký: 2026-11-25T09:30:00+07:00")]
    utc = dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC)
    assert signing._lines(signing.Appearance("A"), utc)[-1] == ("R", "Thời gian ký: 2026-11-25T09:30:00+07:00")


def _render(pdf: bytes, tmp_path, name: str) -> Image.Image:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(path), str(tmp_path / name)], check=True)
    return Image.open(tmp_path / f"{name}.png").convert("RGB")


def _colours(image: Image.Image, box) -> set:
    x1, y1, x2, y2 = box  # PDF points at 72 dpi: flip y
    height = image.height
    crop = image.crop((int(x1) + 3, int(height - y2) + 3, int(x2) - 3, int(height - y1) - 3))
    return {c for _, c in crop.getcolors(100000)}


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_appearance_is_drawn_in_the_box_with_the_seal_in_red(tmp_path, org):
    plain = sample_pdf()
    appearance = signing.Appearance("Ủy ban nhân dân xã Đông Sơn", agency="Ủy ban nhân dân xã Đông Sơn",
                                    seal_png=seal_png())
    _, box = signing._layout(plain, appearance)
    # bottom right inside the Decree 30 margins: right 15 mm, bottom 20 mm
    assert box == pytest.approx((595.28 - 42.5 - 230, 56.7, 595.28 - 42.5, 56.7 + 78), abs=0.1)
    before = _colours(_render(plain, tmp_path, "plain"), box)
    after = _colours(_render(signing.sign_pdf(plain, org, appearance), tmp_path, "signed"), box)
    assert before == {(255, 255, 255)}
    assert any(b > 100 and r < 80 for r, g, b in after), "no blue text"
    assert any(r > 150 and g < 60 and b < 60 for r, g, b in after), "no red seal"


def test_not_a_pdf_is_refused(person):
    with pytest.raises(signing.SigningError) as exc:
        signing.sign_pdf(b"hello, not a pdf", person, None)
    assert exc.value.message == "The file is not a PDF document."
    with pytest.raises(verification.NotAPdf):
        verification.verify_pdf(b"\x89PNG\r\n")


def test_unsigned_pdf_reports_no_signature():
    report = verification.verify_pdf(sample_pdf())
    assert report.as_json() == {"signed": False, "signatures": []}


# --- countersigning ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def countersigned(signed, org):
    appearance = signing.Appearance("Ủy ban nhân dân xã Đông Sơn", agency="Ủy ban nhân dân xã Đông Sơn",
                                    seal_png=seal_png())
    return signing.sign_pdf(signed, org, appearance, reason="Đóng dấu cơ quan")


def test_personal_then_organisation_signature_both_valid(countersigned, pki):
    first, second = verification.verify_pdf(countersigned, [pki["ca"].cert]).signatures
    assert (first.signer, second.signer) == ("Nguyễn Văn An", "Ủy ban nhân dân xã Đông Sơn")
    assert first.intact and first.trusted and not first.modified_after_signing
    assert not first.covers_whole_document  # a later revision added the second signature
    assert second.intact and second.trusted and second.covers_whole_document
    assert not second.modified_after_signing


def test_second_appearance_sits_above_the_first(signed):
    appearance = signing.Appearance("Cơ quan")
    assert signing._layout(signed, appearance)[1][1] == pytest.approx(56.7 + 78 + 6)


# --- tampering --------------------------------------------------------------------------------

def test_one_flipped_byte_is_not_intact(signed, pki):
    at = signed.index(b"Trang 1") if b"Trang 1" in signed else len(signed) // 4
    tampered = bytearray(signed)
    tampered[at] ^= 0x01
    sig = verification.verify_pdf(bytes(tampered), [pki["ca"].cert]).signatures[0]
    assert not sig.intact and not sig.trusted
    with pytest.raises(signing.SigningError):
        verification.check_signed(bytes(tampered))


def test_content_appended_as_incremental_update_is_a_modification(signed, pki):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    stream = writer.add_object(generic.StreamObject(stream_data=b"q 1 0 0 rg 100 600 200 40 re f Q"))
    writer.add_stream_to_page(0, stream)
    out = io.BytesIO()
    writer.write(out)
    sig = verification.verify_pdf(out.getvalue(), [pki["ca"].cert]).signatures[0]
    assert sig.intact  # the signed bytes are untouched...
    assert sig.modified_after_signing and not sig.covers_whole_document  # ...but something was drawn after


def test_page_added_after_signing_is_a_modification(signed, pki):
    from pypdf import PdfWriter

    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(signed)  # a true incremental update
    sig = verification.verify_pdf(out.getvalue(), [pki["ca"].cert]).signatures[0]
    assert sig.modified_after_signing and not sig.covers_whole_document


def test_a_modification_blocks_signing_on_top(signed, org):
    from pypdf import PdfWriter

    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(signing.SigningError) as exc:
        signing.sign_pdf(out.getvalue(), org, signing.Appearance("Cơ quan"))
    assert exc.value.message == "The signed file failed validation, so it was not saved."


# --- poppler ----------------------------------------------------------------------------------

@pytest.mark.skipif(not (shutil.which("pdfsig") and shutil.which("certutil")),
                    reason="pdfsig (poppler-utils) or certutil (libnss3-tools) not installed")
def test_pdfsig_accepts_both_signatures_with_the_test_ca_trusted(tmp_path, countersigned, pki):
    nss = tmp_path / "nss"
    nss.mkdir()
    (tmp_path / "ca.pem").write_bytes(pki["ca"].pem)
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "test-ca", "-t", "CT,C,C",
                    "-i", str(tmp_path / "ca.pem")], check=True)
    path = tmp_path / "signed.pdf"
    path.write_bytes(countersigned)
    result = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True)
    out = result.stdout
    assert out.count("Signature is Valid.") == 2, out
    assert out.count("Certificate is Trusted.") == 2, out
    assert "Nguyễn Văn An" in out and "Total document signed" in out


def test_a_long_agency_name_is_set_smaller_to_fit_the_box():
    short, long_ = "Cơ quan: UBND xã", "Cơ quan: " + "Ủy ban nhân dân xã Đông Sơn, huyện Thọ Xuân, tỉnh Thanh Hóa"
    room = signing.BOX_SIZE[0] - 4 - 6
    assert signing._fit(short, "R", room) == signing.TEXT_SIZE
    smaller = signing._fit(long_, "R", room)
    assert smaller < signing.TEXT_SIZE
    from reportlab.pdfbase.pdfmetrics import stringWidth
    assert stringWidth(long_, "LiberationSerif", smaller) == pytest.approx(room)


def test_characters_the_font_lacks_are_left_out_of_the_appearance(person, pki, tmp_path):
    appearance = signing.Appearance(signer=person.name, title="Chủ tịch 😀", agency="Ủy ban nhân dân 中")
    pdf = signing.sign_pdf(sample_pdf(), person, appearance)
    assert verification.verify_pdf(pdf, [pki["ca"].cert]).signatures[0].intact
    (tmp_path / "s.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Chức vụ: Chủ tịch" in text and "Cơ quan: Ủy ban nhân dân" in text and "😀" not in text and "中" not in text
