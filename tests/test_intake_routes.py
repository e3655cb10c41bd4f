"""The counter pages through the test client: full pages, htmx fragments, saving, errors."""
from __future__ import annotations

import io
import re

import pytest

from models import AuditEvent, Dossier, DossierComponent
from tests.conftest import APPLICANT, make_image, make_pdf

HX = {"HX-Request": "true"}


def _component_ids(session, code):
    return _new_form(session, code)[0]


def _new_form(session, code):
    """The component ids and the one-time key of a freshly rendered form."""
    html = session.get(f"/intake/new?procedure={code}").get_data(as_text=True)
    key = re.search(r'name="form_key" value="([^"]+)"', html).group(1)
    return [int(x) for x in re.findall(r'name="file_(\d+)"', html)], key


def _form(session, code="2.000884", scans=True, **over):
    ids, key = _new_form(session, code)
    data = {"procedure": code, "channel": "1", "form_key": key, **APPLICANT}
    for cid in ids:
        data[f"orig_{cid}"] = "1"
        data[f"copy_{cid}"] = "0"
        if scans:
            data[f"file_{cid}"] = (io.BytesIO(make_pdf(str(cid))), f"scan-{cid}.pdf")
    data.update(over)
    return data


def test_picker_page_and_fragment(login):
    session = login("intake")
    page = session.get("/intake/new?q=CHUNG THUC")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html and "Chứng thực bản sao từ bản chính" in html
    assert page.headers["Vary"] == "HX-Request" or "HX-Request" in page.headers["Vary"]
    fragment = session.get("/intake/procedures?q=khai sinh", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and "1.001193" in fragment and "Đăng ký khai sinh" in fragment
    assert "2.000815" not in fragment


@pytest.mark.parametrize("query,code", [("2.000815", "2.000815"), ("ket hon", "1.000894"),
                                        ("KẾT HÔN", "1.000894"), ("luu tru", "2.001159")])
def test_procedure_search_ignores_case_and_accents(login, query, code):
    html = login("intake").get(f"/intake/procedures?q={query}", headers=HX).get_data(as_text=True)
    assert code in html


def test_form_page_and_fragment_show_checklist_and_appointment(login):
    session = login("intake")
    page = session.get("/intake/new?procedure=2.000815").get_data(as_text=True)
    assert "<html" in page and "Bản chính cần chứng thực" in page
    assert "Hẹn trả" in page
    fragment = session.get("/intake/new?procedure=2.000815", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and 'name="orig_pages_0"' in fragment


def test_quote_fragment_for_copy_certification(login):
    html = login("intake").get("/intake/quote?procedure=2.000815&orig_name_0=A&orig_pages_0=3&orig_copies_0=2",
                               headers=HX).get_data(as_text=True)
    assert "10.000 đ" in html  # (2×2,000 + 1,000) × 2


def test_receive_at_the_counter_then_receipt(login, app):
    session = login("intake")
    response = session.post("/intake/new", data=_form(session), content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        dossier = Dossier.get()
        assert response.headers["Location"].endswith(f"/intake/{dossier.code}?saved=1")
        assert DossierComponent.select().where(DossierComponent.digitised).count() == 2
        assert dossier.phone == "0912345678" and dossier.fee_total == 10000
    show = session.get(f"/intake/{dossier.code}").get_data(as_text=True)
    assert dossier.code in show and "Đã số hóa" in show
    pdf = session.get(f"/intake/{dossier.code}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    scan = session.get(f"/intake/{dossier.code}/files/1")
    assert scan.status_code == 200 and scan.data.startswith(b"%PDF")


def test_receive_with_htmx_redirects_with_header(login):
    session = login("intake")
    response = session.post("/intake/new", data=_form(session), headers=HX, content_type="multipart/form-data")
    assert response.status_code == 204 and response.headers["HX-Redirect"].startswith("/intake/000.00.01.H26-")


def test_invalid_form_rerenders_with_values_and_saves_nothing(login, app):
    session = login("intake")
    data = _form(session, id_number="123", applicant_name="Lê Thị Ánh Tuyết")
    response = session.post("/intake/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Lê Thị Ánh Tuyết" in html and 'value="123"' in html
    assert "12 chữ số" in html
    with app.app_context():
        assert Dossier.select().count() == 0
        assert not AuditEvent.select().where(AuditEvent.action == "dossier.receive").exists()


def test_invalid_form_as_htmx_gets_the_fragment(login):
    session = login("intake")
    response = session.post("/intake/new", data=_form(session, phone="1"), headers=HX,
                            content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html and 'aria-invalid="true"' in html


def test_missing_scan_needs_reason(login, app):
    session = login("intake")
    response = session.post("/intake/new", data=_form(session, scans=False), content_type="multipart/form-data")
    assert response.status_code == 422 and "lý do" in response.get_data(as_text=True)
    response = session.post("/intake/new", data=_form(session, scans=False, missing_scan_reason="Máy quét hỏng"),
                            content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        assert Dossier.get().missing_scan_reason == "Máy quét hỏng"


def test_upload_checked_by_content(login, app):
    session = login("intake")
    data = _form(session)
    first = next(k for k in data if k.startswith("file_"))
    data[first] = (io.BytesIO(b"<html>not a scan</html>"), "scan.pdf")
    response = session.post("/intake/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "PDF, JPEG" in response.get_data(as_text=True)
    data = _form(session)
    data[first] = (io.BytesIO(make_image("PNG")), "photo.jpg")
    assert session.post("/intake/new", data=data, content_type="multipart/form-data").status_code == 302


def test_upload_size_limit_setting(login, app):
    from services import office

    with app.app_context():
        office.update_settings({"max_upload_mb": 1}, "test")
    session = login("intake")
    data = _form(session)
    first = next(k for k in data if k.startswith("file_"))
    data[first] = (io.BytesIO(b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)), "big.pdf")
    response = session.post("/intake/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "1 MB" in response.get_data(as_text=True)


def test_unknown_procedure_is_404(login):
    assert login("intake").get("/intake/new?procedure=9.999999").status_code == 404


def test_today_list_and_search(login, app):
    session = login("intake")
    session.post("/intake/new", data=_form(session), content_type="multipart/form-data")
    session.post("/intake/new", data=_form(session, applicant_name="Đặng Quốc Khánh", id_number="001088004321"),
                 content_type="multipart/form-data")
    page = session.get("/intake/today").get_data(as_text=True)
    assert "Nguyễn Thị Hường" in page and "Đặng Quốc Khánh" in page
    fragment = session.get("/intake/today?q=dang quoc", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and "Đặng Quốc Khánh" in fragment and "Nguyễn Thị Hường" not in fragment
    assert "Đặng Quốc Khánh" in session.get("/intake/today?q=004321").get_data(as_text=True)


def test_public_lookup_shows_masked_name_only(login, client, app):
    session = login("intake")
    session.post("/intake/new", data=_form(session), content_type="multipart/form-data")
    with app.app_context():
        code = Dossier.get().code
    session.post("/logout")
    html = client.get(f"/lookup/{code}").get_data(as_text=True)
    assert code in html and "N***** T** Hường" in html
    assert "001195012345" not in html and "0912345678" not in html and "Quang Trung" not in html
    assert client.get("/lookup/nope").status_code == 404
    assert client.get(f"/lookup?code={code}").headers["Location"].endswith(f"/lookup/{code}")
