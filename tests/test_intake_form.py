"""The counter form's applicant kinds, request fields and originals for copy certification."""
from __future__ import annotations

import io
import re

from models import Dossier, DossierComponent, Fee, Procedure, ProcedureVersion
from tests.conftest import APPLICANT, make_pdf

HX = {"HX-Request": "true"}
ORGANISATION = {"applicant_kind": "business", "applicant_name": "Công ty TNHH Hòa Bình Xanh",
                "id_number": "0101234567", "representative_name": "Lê Quang Hải",
                "representative_id_kind": "personal", "representative_id_number": "001088004321",
                "phone": "0904111222", "address": "Số 20 Lê Lợi, Hà Đông", "email": ""}


def _form_key(session, code):
    html = session.get(f"/intake/new?procedure={code}").get_data(as_text=True)
    return re.search(r'name="form_key" value="([^"]+)"', html).group(1)


def _scans(session, code):
    html = session.get(f"/intake/new?procedure={code}").get_data(as_text=True)
    ids = [int(x) for x in re.findall(r'name="file_(\d+)"', html)]
    out = {"form_key": re.search(r'name="form_key" value="([^"]+)"', html).group(1)}
    for cid in ids:
        out.update({f"orig_{cid}": "1", f"copy_{cid}": "0",
                    f"file_{cid}": (io.BytesIO(make_pdf(str(cid))), f"scan-{cid}.pdf")})
    return out


def _post(session, data):
    data.setdefault("form_key", _form_key(session, data["procedure"]))
    return session.post("/intake/new", data=data, content_type="multipart/form-data")


def test_form_offers_every_applicant_kind_with_its_labels(login):
    session = login("intake")
    html = session.get("/intake/new?procedure=2.001035").get_data(as_text=True)
    for label in ("Công dân", "Người nước ngoài", "Doanh nghiệp", "Hộ kinh doanh", "Cơ quan nhà nước",
                  "Tổ chức khác", "Tên tổ chức/doanh nghiệp", "Số hộ chiếu", "Mã số doanh nghiệp/Mã số thuế",
                  "Người nộp hồ sơ thay mặt tổ chức, doanh nghiệp", "Yêu cầu giải quyết cho",
                  "Đăng ký nhận kết quả tại", "Địa chỉ nhận kết quả qua bưu chính"):
        assert label in html, label
    # the server marks the labels of the chosen kind, so they show without :has support
    assert '<span data-for="citizen foreigner" class="on">Họ và tên</span>' in html
    chosen = session.get("/intake/new?procedure=2.001035&applicant_kind=business").get_data(as_text=True)
    assert '<span data-for="business agency organisation" class="on">Tên tổ chức/doanh nghiệp</span>' in chosen
    assert '<option value="business" selected>' in chosen


def test_organisation_dossier_saved_with_the_person_who_submits(login, app):
    session = login("intake")
    data = {"procedure": "2.001035", "channel": "1", **ORGANISATION, **_scans(session, "2.001035"),
            "delivery_method": "post", "delivery_address": "Số 20 Lê Lợi, Hà Đông, Hà Nội"}
    response = _post(session, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        d = Dossier.get()
        assert (d.applicant_type, d.id_kind, d.applicant_name, d.id_number) == (
            2, "business", "Công ty TNHH Hòa Bình Xanh", "0101234567")
        assert (d.representative_name, d.representative_id_kind, d.representative_id_number) == (
            "Lê Quang Hải", "personal", "001088004321")
        assert (d.delivery_method, d.delivery_address) == ("post", "Số 20 Lê Lợi, Hà Đông, Hà Nội")


def test_organisation_without_its_person_comes_back_with_values(login, app):
    session = login("intake")
    data = {"procedure": "2.001035", "channel": "1", **ORGANISATION, "representative_name": "",
            **_scans(session, "2.001035")}
    response = _post(session, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng nhập họ và tên người nộp hồ sơ." in html and "Công ty TNHH Hòa Bình Xanh" in html
    with app.app_context():
        assert Dossier.select().count() == 0


def test_foreigner_and_request_subject(login, app):
    session = login("intake")
    data = {"procedure": "1.001193", "channel": "1", **APPLICANT, "applicant_kind": "foreigner",
            "applicant_name": "John Smith", "id_number": "X1234567", "phone": "+33 6 12 34 56 78",
            "request_subject": "Smith Minh Anh", **_scans(session, "1.001193")}
    assert _post(session, data).status_code == 302
    with app.app_context():
        d = Dossier.get()
        assert (d.applicant_type, d.id_kind, d.id_number, d.phone, d.request_subject) == (
            1, "passport", "X1234567", "+33612345678", "Smith Minh Anh")
        assert d.delivery_method == "counter"


def test_post_without_address_is_refused(login, app):
    session = login("intake")
    data = {"procedure": "1.001193", "channel": "1", **APPLICANT, "delivery_method": "post",
            **_scans(session, "1.001193")}
    response = _post(session, data)
    assert response.status_code == 422
    assert "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính." in response.get_data(as_text=True)


def _originals(rows, start=0):
    data = {}
    for i, (name, pages, copies) in enumerate(rows, start):
        data.update({f"orig_name_{i}": name, f"orig_pages_{i}": str(pages), f"orig_copies_{i}": str(copies),
                     f"orig_file_{i}": (io.BytesIO(make_pdf(name)), f"{i}.pdf")})
    return data


def test_copy_certification_lists_several_originals(login, app):
    session = login("intake")
    data = {"procedure": "2.000815", "channel": "1", **APPLICANT,
            **_originals([("Giấy khai sinh", 1, 3), ("Hợp đồng thuê nhà", 12, 2)]), "rows": "3"}
    response = _post(session, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        d = Dossier.get()
        comps = list(d.components.order_by(DossierComponent.position))
        assert [(c.name, c.pages, c.copies, c.originals, c.digitised) for c in comps] == [
            ("Giấy khai sinh", 1, 3, 1, True), ("Hợp đồng thuê nhà", 12, 2, 1, True)]
        # 2,000 × 3 + (2 × 2,000 + 10 × 1,000) × 2 = 6,000 + 28,000
        assert d.fee_total == 34000


def test_copy_certification_with_zero_pages_is_refused(login, app):
    session = login("intake")
    data = {"procedure": "2.000815", "channel": "1", **APPLICANT, **_originals([("Giấy khai sinh", 0, 1)])}
    response = _post(session, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng nhập số trang của bản chính (từ 1 trở lên)." in html and 'value="Giấy khai sinh"' in html
    with app.app_context():
        assert Dossier.select().count() == 0


def test_copy_certification_without_any_original_is_refused(login, app):
    session = login("intake")
    response = _post(session, {"procedure": "2.000815", "channel": "1", **APPLICANT})
    assert response.status_code == 422
    assert "Vui lòng nhập ít nhất một bản chính cần chứng thực." in response.get_data(as_text=True)


def test_add_rows_keeps_what_was_typed_and_saves_nothing(login, app):
    session = login("intake")
    data = {"procedure": "2.000815", "channel": "1", **APPLICANT, "rows": "3", "add_rows": "1",
            "orig_name_0": "Giấy khai sinh", "orig_pages_0": "1", "orig_copies_0": "2"}
    for headers in ({}, HX):
        response = session.post("/intake/new", data=data, headers=headers, content_type="multipart/form-data")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert 'name="orig_name_5"' in html and 'name="orig_name_6"' not in html  # 3 + 3 rows
        assert 'value="Giấy khai sinh"' in html and 'value="Nguyễn Thị Hường"' in html
        assert 'name="rows" value="6"' in html
        assert "aria-invalid" not in html
    with app.app_context():
        assert Dossier.select().count() == 0


def test_quote_sums_the_originals_and_never_shows_zero_for_an_unknown_fee(login, app):
    session = login("intake")
    url = ("/intake/quote?procedure=2.000815&orig_name_0=A&orig_pages_0=3&orig_copies_0=2"
           "&orig_name_1=B&orig_pages_1=1&orig_copies_1=1")
    assert "12.000 đ" in session.get(url, headers=HX).get_data(as_text=True)  # 5,000 × 2 + 2,000
    with app.app_context():
        version = ProcedureVersion.select().join(Procedure).where(Procedure.code == "1.000656").get()
        Fee.create(version=version, name="Lệ phí đăng ký khai tử", kind="fixed", amount=None)
    html = session.get("/intake/quote?procedure=1.000656", headers=HX).get_data(as_text=True)
    assert "chưa có mức thu" in html and "0 đ" not in html and "Không thu" not in html


def test_check_originals_names_the_component_for_the_api():
    from services import intake

    comps = [intake.ReceivedComponent("A", 1, 2, pages=3), intake.ReceivedComponent("B", 1, 1, pages=0),
             intake.ReceivedComponent("C", 1, 0, pages=2)]
    errors = {}
    intake.check_originals(comps, errors)
    assert set(errors) == {"components[1]", "components[2]"}
    errors = {}
    intake.check_originals([], errors)
    assert "originals" in errors


def test_add_rows_keeps_the_chosen_scans_and_the_save_uses_them(login, app):
    session = login("intake")
    data = {"procedure": "2.000815", "channel": "1", **APPLICANT, "rows": "3", "add_rows": "1",
            **_originals([("Giấy khai sinh", 1, 2)])}
    data["form_key"] = _form_key(session, "2.000815")
    html = session.post("/intake/new", data=data, content_type="multipart/form-data").get_data(as_text=True)
    tokens = dict(re.findall(r'name="(kept_orig_file_\d+)" value="([^"]+)"', html))
    assert list(tokens) == ["kept_orig_file_0"] and "0.pdf" in html
    again = {k: v for k, v in data.items() if k not in ("add_rows", "orig_file_0")}
    again.update(tokens, rows="6", orig_name_4="Bằng tốt nghiệp", orig_pages_4="2", orig_copies_4="1",
                 orig_file_4=(io.BytesIO(make_pdf("bang")), "bang.pdf"))
    response = session.post("/intake/new", data=again, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        comps = list(Dossier.get().components.order_by(DossierComponent.position))
        assert [(c.name, c.file_name, c.digitised) for c in comps] == [
            ("Giấy khai sinh", "0.pdf", True), ("Bằng tốt nghiệp", "bang.pdf", True)]


def test_copy_certification_quote_before_any_original_is_not_free(login):
    page = login("intake").get("/intake/quote?procedure=2.000815", headers={"HX-Request": "true"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "tính theo số trang và số bản sao của từng bản chính" in text and "Không thu" not in text
