"""JSON API v1: shapes, worked-out quotes, authentication, and JSON errors for bad input."""
from __future__ import annotations

import base64

import pytest

from models import Dossier
from services import accounts
from tests.conftest import make_pdf

PDF64 = base64.b64encode(make_pdf("to khai")).decode()


@pytest.fixture
def token(ctx):
    return accounts.create_token("portal")


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


def test_create_dossier_online(client, token):
    response = client.post("/api/v1/dossiers", json=_body(), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["code"] == "000.00.01.H26-261120-0001"
    assert data["status"] == 1  # online dossiers arrive registered
    # birth registration, 15:00 rule, received Friday 16:10 -> 17:00 the next working day, Monday
    assert data["appointment"] == "2026-11-23T17:00:00+07:00"
    assert data["receipt_url"].endswith("/intake/000.00.01.H26-261120-0001/receipt.pdf")
    status = client.get(f"/api/v1/dossiers/{data['code']}").get_json()
    assert status["status"] == 1 and status["applicant"] == "T*** T** B*** Ngọc"
    assert "id_number" not in status and "phone" not in status


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
def test_create_dossier_bad_input_never_500_nothing_saved(client, token, body):
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
