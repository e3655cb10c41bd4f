"""The API under hostile input: every probe answers a JSON 4xx in Vietnamese, and nothing is saved."""
from __future__ import annotations

import base64
import copy
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import AuditEvent, Dossier, DossierComponent, DossierFee
from services import accounts
from services.calendar import VN_TZ
from tests.conftest import make_pdf

PDF64 = base64.b64encode(make_pdf("to khai")).decode()
NOW = dt.datetime(2026, 11, 20, 16, 30, tzinfo=VN_TZ)
VIETNAMESE = "àáảãạăâđêôơưếệọờ"
VALID = {
    "procedure": "2.000815", "channel": 3, "received_at": "2026-11-20T16:10:00+07:00",
    "applicant": {"type": 1, "name": "Trần Thị Bích Ngọc", "id_number": "001195067890",
                  "phone": "0987654321", "address": "Tổ 3, phường Hà Đông", "email": "ngoc@example.vn"},
    "components": [{"name": "Bằng tốt nghiệp", "file_name": "a.pdf", "content_base64": PDF64,
                    "pages": 3, "copies": 2}],
}


@pytest.fixture
def token(ctx, monkeypatch):
    monkeypatch.setattr("blueprints.api.now", lambda: NOW)
    return accounts.create_token("portal")


def _with(path: tuple, value) -> dict:
    body = copy.deepcopy(VALID)
    if not path:
        return value
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return body


def _post(client, token, raw: str):
    return client.post("/api/v1/dossiers", data=raw, content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})


def _assert_refused(response, *statuses):
    assert response.status_code in (statuses or (400, 422)), response.get_data(as_text=True)[:500]
    error = response.get_json()["error"]
    texts = [error["message"], *error.get("fields", {}).values()]
    assert all(any(ch in text for ch in VIETNAMESE) for text in texts), texts
    return error


def test_the_valid_body_is_accepted(client, token):
    response = _post(client, token, json.dumps(VALID))
    assert response.status_code == 201, response.get_json()


DEEP = "[" * 1000 + "]" * 1000
SURROGATE = "\ud800"


@pytest.mark.parametrize("path,value", [
    (("channel",), [2]),
    (("channel",), {}),
    (("channel",), True),
    (("channel",), 2.0),
    (("channel",), "3"),
    (("channel",), None),
    (("procedure",), 2.000815),
    (("procedure",), ["2.000815"]),
    (("procedure",), SURROGATE),
    (("received_at",), SURROGATE),
    (("received_at",), "9999-12-31T23:59:59"),
    (("received_at",), "0001-01-01T00:00:00+14:00"),
    (("received_at",), 1732090000),
    (("received_at",), {"at": "2026-11-20"}),
    (("applicant",), "Trần Thị Bích Ngọc"),
    (("applicant",), [1]),
    (("applicant", "type"), True),
    (("applicant", "type"), [1]),
    (("applicant", "name"), 5),
    (("applicant", "name"), ["Ngọc"]),
    (("applicant", "name"), {"first": "Ngọc"}),
    (("applicant", "name"), SURROGATE),
    (("applicant", "name"), "Ngọc\x00"),
    (("applicant", "address"), "Hà Đông " + SURROGATE),
    (("applicant", "phone"), 987654321),
    (("applicant", "id_number"), 1195067890),
    (("applicant", "email"), "a@" + "." * 60000 + "@"),
    (("applicant", "email"), SURROGATE + "@example.vn"),
    (("components",), {"name": "Bằng"}),
    (("components",), [1]),
    (("components",), [[]]),
    (("components", 0, "name"), {}),
    (("components", 0, "name"), SURROGATE),
    (("components", 0, "file_name"), 3),
    (("components", 0, "file_name"), SURROGATE + ".pdf"),
    (("components", 0, "content_base64"), ""),  # a 0-byte scan
    (("components", 0, "content_base64"), 123),
    (("components", 0, "content_base64"), "đ" * 8),
    (("components", 0, "pages"), "3"),
    (("components", 0, "pages"), True),
    (("components", 0, "pages"), -1),
    (("components", 0, "pages"), 1.5),
    (("components", 0, "pages"), 10 ** 30),
    (("components", 0, "copies"), [2]),
    ((), None),
    ((), []),
    ((), "dossier"),
])
def test_bad_values_are_refused_in_vietnamese(client, token, path, value):
    _assert_refused(_post(client, token, json.dumps(_with(path, value))))
    assert Dossier.select().count() == 0


def test_a_zero_byte_scan_is_named(client, token):
    error = _assert_refused(_post(client, token, json.dumps(_with(("components", 0, "content_base64"), ""))))
    assert error["fields"]["components[0]"] == "Tệp bản quét trống (0 byte)."


@pytest.mark.parametrize("raw", [
    DEEP,
    '{"procedure": "2.000815", "applicant": ' + "[" * 1000 + "]" * 1000 + "}",
    '{"applicant": {"name": ' + '{"a": ' * 1000 + "1" + "}" * 1000 + "}}",
    "{" * 100_000,
    '{"procedure": "\\ud800"',
    "\xff\xfe",
    "",
])
def test_unreadable_bodies_are_refused(client, token, raw):
    _assert_refused(_post(client, token, raw), 400, 422)
    assert Dossier.select().count() == 0


@pytest.mark.parametrize("received_at", ["9999-12-31T23:59:59", "0001-01-01T00:00:00%2B14:00", "%ED%A0%80",
                                         "2026-11-20T16:10:00%2B99:00", "%00"])
def test_quote_with_extreme_times(client, received_at):
    response = client.get(f"/api/v1/procedures/2.000815/quote?received_at={received_at}")
    _assert_refused(response, 400)


@pytest.mark.parametrize("url", ["/api/v1/dossiers/%ED%A0%80", "/api/v1/procedures/%ED%A0%80/quote",
                                 "/api/v1/dossiers/" + "A" * 5000, "/lookup/%ED%A0%80"])
def test_strange_codes_in_the_path(client, url):
    assert client.get(url).status_code == 404


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2 ** 70), max_value=2 ** 70) | st.floats()
    | st.text(max_size=12) | st.sampled_from([SURROGATE, "\udfff", "a\x00b", "", " ", "2", "1.001193",
                                              "9999-12-31T23:59:59", "0001-01-01T00:00:00+14:00"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6)
PATHS = st.sampled_from([(), ("procedure",), ("channel",), ("received_at",), ("applicant",),
                         ("applicant", "type"), ("applicant", "name"), ("applicant", "id_number"),
                         ("applicant", "phone"), ("applicant", "address"), ("applicant", "email"),
                         ("applicant", "extra"), ("components",), ("components", 0),
                         ("components", 0, "name"), ("components", 0, "file_name"),
                         ("components", 0, "content_base64"), ("components", 0, "pages"),
                         ("components", 0, "copies"), ("request_subject",), ("delivery_method",),
                         ("delivery_address",), ("applicant", "representative_name"),
                         ("applicant", "id_kind"), ("extra",)])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=PATHS, value=JSON)
def test_no_input_gives_a_5xx_or_a_half_saved_dossier(client, token, path, value):
    before = (Dossier.select().count(), DossierComponent.select().count(), DossierFee.select().count(),
              AuditEvent.select().count())
    response = _post(client, token, json.dumps(_with(path, value)))
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert response.is_json
    after = (Dossier.select().count(), DossierComponent.select().count(), DossierFee.select().count(),
             AuditEvent.select().count())
    if response.status_code == 201:  # a whole dossier: its component, its fee line, its audit event
        assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1, 1]
    else:
        _assert_refused(response)
        assert after == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(["received_at", "pages", "copies", "channel"]),
                              st.text(max_size=30), max_size=4),
       code=st.sampled_from(["2.000815", "1.001193", "2.001159", "x"]))
def test_no_quote_gives_a_5xx(client, params, code):
    response = client.get(f"/api/v1/procedures/{code}/quote", query_string=params)
    assert response.status_code < 500 and response.is_json
