"""The certification pages: the counter form, its errors in Vietnamese, downloads, registers, settings."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from models import Certification, CertificationSetting, db
from tests.certification_helpers import PASS, credential, receive, three_originals
from tests.conftest import Session


@pytest.fixture(scope="module")
def chair():
    return credential()


def _dossier(app, code="2.000815"):
    with app.app_context():
        db.connect(reuse_if_open=True)
        dossier = three_originals(app.config["DATA_DIR"]) if code == "2.000815" else receive(
            code, data_dir=app.config["DATA_DIR"])
        db.close()
    return dossier.code


def _form(session, code, **extra):
    data = {"signer_name": "Trần Thị Bình", "signer_title": "Phó Chủ tịch", **extra}
    return session.post(f"/certification/{code}", data=data, content_type="multipart/form-data")


def test_the_dossier_page_links_to_certification_and_shows_the_form_to_the_counter(app, login):
    code = _dossier(app)
    intake = login("intake")
    assert f"/certification/{code}" in intake.get(f"/intake/{code}").get_data(as_text=True)
    page = intake.get(f"/certification/{code}").get_data(as_text=True)
    assert "Giấy khai sinh" in page and 'name="electronic_1"' in page and 'name="scan_3"' in page
    fragment = intake.get(f"/certification/{code}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and 'id="certification"' in fragment.get_data(as_text=True)
    specialist = Session(app.test_client(), "specialist")  # may look, may not certify
    assert 'name="signer_name"' not in specialist.get(f"/certification/{code}").get_data(as_text=True)


def test_paper_and_electronic_copies_from_the_counter(app, login, chair):
    code = _dossier(app)
    session = login("leader")
    response = _form(session, code, electronic_1="1", certificate=(io.BytesIO(chair[2]), "chu-tich.p12"),
                     passphrase=PASS)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = session.get(f"/certification/{code}").get_data(as_text=True)
    assert "Tải bản sao đã ký số (PDF)" in page and "01/2026-SCTĐT/BS" in page and "03/2026" not in page
    assert "In lời chứng cho 6 bản sao giấy (PDF)" in page  # 3 + 2 + 1 paper copies
    with app.app_context():
        db.connect(reuse_if_open=True)
        electronic = Certification.get(Certification.electronic == True)  # noqa: E712
        db.close()
    signed = session.get(f"/certification/{code}/copies/{electronic.id}.pdf")
    assert signed.status_code == 200 and signed.data.startswith(b"%PDF")
    endorsements = session.get(f"/certification/{code}/endorsements.pdf")
    assert len(PdfReader(io.BytesIO(endorsements.data)).pages) == 6
    again = _form(session, code)
    assert again.status_code == 422 and "đã được chứng thực" in again.get_data(as_text=True)


@pytest.mark.parametrize("extra,message", [
    ({"signer_name": ""}, "Vui lòng nhập họ tên Chủ tịch hoặc Phó Chủ tịch ký chứng thực."),
    ({"electronic_1": "1"}, "Vui lòng chọn tệp chứng thư số (.p12 hoặc .pfx)."),
    ({"electronic_3": "1", "passphrase": "x"}, "Sổ hộ khẩu chưa có bản quét"),
    ({"scan_3": (io.BytesIO(b"GIF89a not a scan"), "scan.gif")}, "Bản quét phải là tệp PDF, JPEG hoặc PNG."),
])
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_saved(app, login, chair, extra, message):
    code = _dossier(app)
    if "passphrase" in extra:
        extra = {**extra, "certificate": (io.BytesIO(chair[2]), "a.p12"), "passphrase": PASS}
    response = _form(login("intake"), code, **extra)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        db.connect(reuse_if_open=True)
        assert Certification.select().count() == 0
        db.close()


def test_a_wrong_passphrase_is_named_next_to_the_certificate(app, login, chair):
    code = _dossier(app)
    response = _form(login("leader"), code, electronic_1="1", certificate=(io.BytesIO(chair[2]), "a.p12"),
                     passphrase="sai")
    assert response.status_code == 422
    assert 'aria-describedby="e-certificate"' in response.get_data(as_text=True)


def test_signature_certification_and_its_register(app, login):
    code = _dossier(app, "2.000884")
    session = login("intake")
    response = _form(session, code, documents="Giấy ủy quyền\n\nĐơn xin xác nhận\n")
    assert response.status_code == 302
    register = session.get("/certification/registers?register=signature&month=2026-11").get_data(as_text=True)
    assert "Giấy ủy quyền" in register and "Đơn xin xác nhận" in register and "Đã thu ở số 01" in register
    pdf = session.get("/certification/registers.pdf?register=signature&month=2026-11")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "SỔ CHỨNG THỰC CHỮ KÝ, ĐIỂM CHỈ" in text and "01/2026-SCT/CK,ĐC" in text
    assert session.get("/certification/registers?month=2026-13").status_code == 422
    assert session.get("/certification/registers.pdf?register=copy&month=x").status_code == 404


def test_settings(app, login):
    admin = login("admin")
    bad = admin.post("/certification/settings", data={"volume_size": "0", "electronic_series": "shared"})
    assert bad.status_code == 422 and "Vui lòng nhập số lượng số chứng thực của mỗi quyển" in bad.get_data(as_text=True)
    good = admin.post("/certification/settings", data={"volume_size": "200", "electronic_series": "shared"})
    assert good.status_code == 302
    with app.app_context():
        db.connect(reuse_if_open=True)
        row = CertificationSetting.get()
        assert (row.volume_size, row.electronic_series) == (200, "")
        db.close()


def test_the_register_page_costs_the_same_queries_for_more_entries(app, login):
    from tests.test_procedures_prefetch import count_queries

    session = login("intake")
    counts = []
    for papers in ("Giấy ủy quyền", "\n".join(f"Giấy tờ {i}" for i in range(6))):
        assert _form(session, _dossier(app, "2.000884"), documents=papers).status_code == 302
        with count_queries() as seen:
            page = session.get("/certification/registers?register=signature&month=2026-11")
        assert page.status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1]


def test_other_procedures_have_no_certification_page(app, login):
    code = _dossier(app, "1.004873")
    session = login("intake")
    assert 'id="certification-link"' not in session.get(f"/intake/{code}").get_data(as_text=True)
    assert session.get(f"/certification/{code}").status_code == 404
    assert _form(session, code).status_code == 404


def test_the_citizen_downloads_the_electronic_copy_from_the_receipts_qr_page(app, login, chair):
    code = _dossier(app)
    session = login("leader")
    assert _form(session, code, electronic_1="1", certificate=(io.BytesIO(chair[2]), "chu-tich.p12"),
                 passphrase=PASS).status_code == 302
    other = _dossier(app)  # a second dossier: its secret must not open the first one's copy
    with app.app_context():
        db.connect(reuse_if_open=True)
        from models import Dossier
        dossier, stranger = Dossier.get(Dossier.code == code), Dossier.get(Dossier.code == other)
        entry = Certification.get((Certification.dossier == dossier.id) & (Certification.electronic == True))  # noqa: E712
        db.close()
    citizen = app.test_client()  # no login: the QR link is enough
    page = citizen.get(f"/d/{code}/{dossier.secret}").get_data(as_text=True)
    # the birth certificate is the first original; its electronic copy is no. 01 of the SCTĐT/BS register
    assert "Bản sao điện tử được chứng thực" in page and "Giấy khai sinh" in page
    assert "số chứng thực 01, quyển số 01/2026-SCTĐT/BS" in page
    link = f"/d/{code}/{dossier.secret}/copies/{entry.id}.pdf"
    assert link in page
    download = citizen.get(link)
    assert download.status_code == 200 and download.data.startswith(b"%PDF") and b"/ByteRange" in download.data
    assert citizen.get(f"/d/{code}/{'0' * len(dossier.secret)}/copies/{entry.id}.pdf").status_code == 404
    assert citizen.get(f"/d/{other}/{stranger.secret}/copies/{entry.id}.pdf").status_code == 404
    assert "copies/" not in citizen.get(f"/d/{other}/{stranger.secret}").get_data(as_text=True)


def test_a_copy_id_past_the_database_integers_is_not_found(app, login):
    code = _dossier(app)
    leader = login("leader")
    assert leader.get(f"/certification/{code}/copies/{2 ** 63}.pdf").status_code == 404
