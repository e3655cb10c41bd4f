"""JSON API v1: shapes, worked-out quotes, authentication, and JSON errors for bad input."""
from __future__ import annotations

import base64
import datetime as dt

import pytest

from models import Dossier, DossierComponent
from services import accounts
from services.calendar import VN_TZ as VN
from tests.conftest import make_pdf

PDF64 = base64.b64encode(make_pdf("to khai")).decode()


NOW = dt.datetime(2026, 11, 20, 16, 30, tzinfo=VN)  # Friday


@pytest.fixture
def token(ctx):
    return accounts.create_token("portal")


@pytest.fixture
def clock(monkeypatch):
    """The API's clock stopped at NOW (submission times must lie within the last 24 hours)."""
    monkeypatch.setattr("blueprints.api.now", lambda: NOW)
    return NOW


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def _body(**over):
    body = {
        "procedure": "1.001193", "channel": 2, "received_at": "2026-11-20T16:10:00+07:00",
        "applicant": {"type": 1, "name": "Trần Thị Bích Ngọc", "id_number": "001195067890",
                      "phone": "0987654321", "address": "Tổ 3, phường Hà Đông"},
        "components": [{"name": "Tờ khai đăng ký khai sinh", "file_name": "tokhai.pdf", "content_base64": PDF64}],
    }
    body.update(over)
    return body


def test_procedures_list(client):
    data = client.get("/api/v1/procedures").get_json()
    assert len(data) == 15
    copy = next(p for p in data if p["code"] == "2.000815")
    assert copy["name"] == "Chứng thực bản sao từ bản chính"
    assert copy["time_limit"] == {"kind": "rule_15", "value": 0}
    assert set(copy) == {"code", "name", "field", "time_limit", "fees"}


@pytest.mark.parametrize("code,received,pages,copies,appointment,fee", [
    # copy certification, Wednesday 14:59 -> 17:00 same day; 3 pages = 5,000 per copy, 2 copies
    ("2.000815", "2026-11-25T14:59:00+07:00", 3, 2, "2026-11-25T17:00:00+07:00", 10000),
    # 15:01 -> 17:00 the next working day (Thursday)
    ("2.000815", "2026-11-25T15:01:00+07:00", 250, 1, "2026-11-26T17:00:00+07:00", 200000),
    # contract, 2 working days from Friday 27 Nov 10:00 -> Tuesday 1 Dec 10:00
    ("2.001035", "2026-11-27T10:00:00+07:00", 0, 1, "2026-12-01T10:00:00+07:00", 50000),
    # lodging notice, 1 working hour from 11:00 UTC+0 = 18:00 local -> next day 07:30 + 1h = 08:30
    ("2.001159", "2026-11-26T11:00:00Z", 0, 1, "2026-11-27T08:30:00+07:00", 0),
])
def test_quote(client, code, received, pages, copies, appointment, fee):
    response = client.get(f"/api/v1/procedures/{code}/quote",
                          query_string={"received_at": received, "pages": pages, "copies": copies})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["appointment"] == appointment
    assert data["fee"] == fee
    assert data["procedure"]["code"] == code


@pytest.mark.parametrize("query,status", [
    ({"received_at": "yesterday"}, 400),
    ({"pages": "-1"}, 400),
    ({"copies": "two"}, 400),
    ({"pages": "1e9"}, 400),
])
def test_quote_bad_input_is_json_in_vietnamese(client, query, status):
    response = client.get("/api/v1/procedures/2.000815/quote", query_string=query)
    assert response.status_code == status
    message = response.get_json()["error"]["message"]
    assert any(ch in message for ch in "àáảãạăâđêôơư"), message


def test_quote_unknown_procedure(client):
    response = client.get("/api/v1/procedures/9.999999/quote")
    assert response.status_code == 404 and "9.999999" in response.get_json()["error"]["message"]


def test_create_dossier_online_waits_for_acceptance(client, token, clock):
    response = client.post("/api/v1/dossiers", json=_body(), headers=_auth(token))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    # Registered online (status 1): the legal clock starts when an officer accepts it, so no
    # appointment and no receipt yet, whatever the submission time.
    assert data == {"code": "000.00.01.H26-261120-0001", "status": 1, "appointment": None,
                    "receipt_url": None, "fee": 0}
    dossier = Dossier.get(Dossier.code == data["code"])
    assert dossier.appointment_at is None
    assert dossier.received_at == dt.datetime(2026, 11, 20, 16, 10, tzinfo=VN)
    status = client.get(f"/api/v1/dossiers/{data['code']}").get_json()
    assert status["status"] == 1 and status["applicant"] == "T*** T** B*** Ngọc"
    assert status["appointment"] is None
    assert "id_number" not in status and "phone" not in status


def test_create_dossier_by_post_is_accepted_at_once(client, token, clock):
    response = client.post("/api/v1/dossiers", json=_body(channel=3), headers=_auth(token))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["status"] == 2
    # birth registration, 15:00 rule, received Friday 20 Nov 16:10 (after 15:00) -> closing time of the
    # next working day, Monday 23 Nov, 17:00
    assert data["appointment"] == "2026-11-23T17:00:00+07:00"
    assert data["receipt_url"] == "http://office.test/intake/000.00.01.H26-261120-0001/receipt.pdf"


def test_counter_channel_is_refused_in_vietnamese(client, token, clock):
    response = client.post("/api/v1/dossiers", json=_body(channel=1), headers=_auth(token))
    assert response.status_code == 422
    assert "quầy" in response.get_json()["error"]["fields"]["channel"]
    assert Dossier.select().count() == 0


def test_online_copy_certification_is_priced_per_original(client, token, clock):
    components = [
        {"name": "Bằng tốt nghiệp", "file_name": "a.pdf", "content_base64": PDF64, "pages": 3, "copies": 2},
        {"name": "Giấy khai sinh", "file_name": "b.pdf", "content_base64": PDF64, "pages": 1, "copies": 1},
        {"name": "Học bạ", "file_name": "c.pdf", "content_base64": PDF64, "pages": 250, "copies": 1},
    ]
    response = client.post("/api/v1/dossiers", json=_body(procedure="2.000815", components=components),
                           headers=_auth(token))
    assert response.status_code == 201, response.get_json()
    # 3 pages: 2 x 2,000 + 1 x 1,000 = 5,000 a copy, 2 copies = 10,000; 1 page: 2,000;
    # 250 pages: 4,000 + 248,000 capped at 200,000. Total 212,000 (the online price is the counter's).
    assert response.get_json()["fee"] == 212000
    dossier = Dossier.get(Dossier.code == response.get_json()["code"])
    assert [(c.pages, c.copies) for c in dossier.components.order_by(DossierComponent.position)] == [
        (3, 2), (1, 1), (250, 1)]


@pytest.mark.parametrize("counts", [{}, {"pages": 0, "copies": 2}, {"pages": 3, "copies": 0}])
def test_online_copy_certification_without_pages_or_copies_is_refused(client, token, clock, counts):
    components = [dict({"name": "Bằng tốt nghiệp", "file_name": "a.pdf", "content_base64": PDF64}, **counts)]
    response = client.post("/api/v1/dossiers", json=_body(procedure="2.000815", components=components),
                           headers=_auth(token))
    assert response.status_code == 422  # never a copy certification priced at 0 đ
    assert "1 trở lên" in response.get_json()["error"]["fields"]["components[0]"]
    assert Dossier.select().count() == 0


def test_code_in_any_letter_case(client, token, clock):
    code = client.post("/api/v1/dossiers", json=_body(), headers=_auth(token)).get_json()["code"]
    assert code == "000.00.01.H26-261120-0001"
    response = client.get("/api/v1/dossiers/000.00.01.h26-261120-0001")
    assert response.status_code == 200 and response.get_json()["code"] == code
    page = client.get("/lookup/%20000.00.01.h26-261120-0001%20")
    assert page.status_code == 200 and code in page.get_data(as_text=True)


def test_receipt_of_an_online_dossier_waits_for_acceptance(client, token, clock, login):
    code = client.post("/api/v1/dossiers", json=_body(), headers=_auth(token)).get_json()["code"]
    session = login("intake")
    response = session.get(f"/intake/{code}/receipt.pdf")
    assert response.status_code == 409
    assert "chưa được tiếp nhận" in response.get_data(as_text=True)
    page = session.get(f"/intake/{code}").get_data(as_text=True)
    assert "Có khi hồ sơ được tiếp nhận" in page


@pytest.mark.parametrize("received_at,field_message", [
    ("2026-11-20T16:33:00+07:00", "tương lai"),  # 3 minutes ahead of the office clock
    ("2026-11-19T16:29:00+07:00", "24 giờ"),  # 24 hours and 1 minute ago
    ("9999-12-31T23:59:59", "ISO 8601"),
    ("0001-01-01T00:00:00+14:00", "ISO 8601"),
])
def test_received_at_is_the_submission_time(client, token, clock, received_at, field_message):
    response = client.post("/api/v1/dossiers", json=_body(received_at=received_at), headers=_auth(token))
    assert response.status_code == 422
    assert field_message in response.get_json()["error"]["fields"]["received_at"]
    assert Dossier.select().count() == 0


def test_received_at_at_the_edges_of_the_window(client, token, clock):
    for when in ("2026-11-19T16:30:00+07:00", "2026-11-20T16:32:00+07:00", "2026-11-20T09:30:00Z"):
        response = client.post("/api/v1/dossiers", json=_body(received_at=when), headers=_auth(token))
        assert response.status_code == 201, (when, response.get_json())


@pytest.mark.parametrize("received_at", ["9999-12-31T23:59:59", "0001-01-01T00:00:00+14:00",
                                         "1999-12-31T23:59:59+07:00", "2026-13-01T00:00:00"])
def test_quote_refuses_times_out_of_range(client, received_at):
    response = client.get("/api/v1/procedures/2.000815/quote", query_string={"received_at": received_at})
    assert response.status_code == 400 and "ISO 8601" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}])
def test_create_dossier_requires_token(client, headers):
    response = client.post("/api/v1/dossiers", json=_body(), headers=headers)
    assert response.status_code == 401 and response.get_json()["error"]["message"]


@pytest.mark.parametrize("body", [
    "not json",
    [],
    _body(procedure="0.000000"),
    _body(channel=7),
    _body(channel="2"),
    _body(received_at="2099-01-01T00:00:00+07:00"),
    _body(received_at=12),
    _body(applicant=None),
    _body(applicant={"type": 1, "name": "", "id_number": "1", "phone": "x", "address": ""}),
    _body(components=[]),
    _body(components=[{"name": "Tờ khai"}]),
    _body(components=[{"name": "Tờ khai", "file_name": "a.exe", "content_base64": base64.b64encode(b"MZ...").decode()}]),
    _body(components=[{"name": "Tờ khai", "file_name": "a.pdf", "content_base64": "%%%"}]),
    _body(components="abc"),
])
def test_create_dossier_bad_input_never_500_nothing_saved(client, token, clock, body):
    kwargs = {"data": body, "content_type": "application/json"} if isinstance(body, str) else {"json": body}
    response = client.post("/api/v1/dossiers", headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert response.get_json()["error"]["message"]
    assert Dossier.select().count() == 0


def test_unknown_dossier_is_json_404(client):
    response = client.get("/api/v1/dossiers/nope")
    assert response.status_code == 404 and response.get_json()["error"]["message"]


def test_unknown_api_path_is_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json


def test_request_subject_delivery_and_an_organisation(client, token, clock):
    body = _body(channel=3, procedure="2.000884", request_subject="Chữ ký trên hợp đồng thuê nhà",
                 delivery_method="post", delivery_address="Số 1 Quang Trung, Hà Đông",
                 applicant={"type": 2, "name": "Công ty TNHH Hoa Sen", "id_number": "0101234567",
                            "representative_name": "Đỗ Minh Khôi", "representative_id_kind": "personal",
                            "representative_id_number": "001090001234", "phone": "0243 826 1234",
                            "address": "Số 9 Lê Lợi, Hà Đông"})
    response = client.post("/api/v1/dossiers", json=body, headers=_auth(token))
    assert response.status_code == 201, response.get_json()
    dossier = Dossier.get(Dossier.code == response.get_json()["code"])
    assert (dossier.applicant_type, dossier.id_kind, dossier.representative_name) == (2, "business", "Đỗ Minh Khôi")
    assert (dossier.request_subject, dossier.delivery_method, dossier.delivery_address) == (
        "Chữ ký trên hợp đồng thuê nhà", "post", "Số 1 Quang Trung, Hà Đông")
    assert response.get_json()["fee"] == 10000


def test_posting_the_result_needs_an_address(client, token, clock):
    response = client.post("/api/v1/dossiers", json=_body(delivery_method="post"), headers=_auth(token))
    assert response.status_code == 422 and "delivery_address" in response.get_json()["error"]["fields"]
