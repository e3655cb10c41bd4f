"""Idempotency-Key: a retry returns the first answer; two concurrent requests make one dossier."""
from __future__ import annotations

import base64
import datetime as dt
import threading

import pytest

from models import Dossier, IdempotencyKey, db
from services import accounts
from services.calendar import VN_TZ
from tests.conftest import make_pdf

NOW = dt.datetime(2026, 11, 20, 16, 30, tzinfo=VN_TZ)
BODY = {
    "procedure": "1.001193", "channel": 3, "received_at": "2026-11-20T16:10:00+07:00",
    "applicant": {"type": 1, "name": "Lê Văn Tám", "id_number": "001095012345", "phone": "0912345678",
                  "address": "Xóm 2, xã Yên Sở"},
    "components": [{"name": "Tờ khai", "file_name": "tk.pdf",
                    "content_base64": base64.b64encode(make_pdf("tk")).decode()}],
}


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": NOW}
    monkeypatch.setattr("blueprints.api.now", lambda: moment["now"])
    return moment


@pytest.fixture
def tokens(ctx):
    return accounts.create_token("portal"), accounts.create_token("buu-dien")


def _post(client, token, key=None, body=None):
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/dossiers", json=body or BODY, headers=headers)


def test_a_retry_returns_the_first_answer(client, tokens, clock):
    first = _post(client, tokens[0], "req-1")
    assert first.status_code == 201
    clock["now"] = NOW + dt.timedelta(days=2)  # even when the submission time has grown too old
    again = _post(client, tokens[0], "req-1")
    assert (again.status_code, again.get_data()) == (first.status_code, first.get_data())
    assert Dossier.select().count() == 1
    assert first.get_json()["code"] == "000.00.01.H26-261120-0001"


def test_without_a_key_each_request_is_a_dossier(client, tokens, clock):
    codes = [_post(client, tokens[0]).get_json()["code"] for _ in range(2)]
    assert codes == ["000.00.01.H26-261120-0001", "000.00.01.H26-261120-0002"]


def test_keys_belong_to_their_token(client, tokens, clock):
    a = _post(client, tokens[0], "same").get_json()
    b = _post(client, tokens[1], "same").get_json()
    assert a["code"] != b["code"] and Dossier.select().count() == 2


def test_the_same_key_with_another_body_is_refused(client, tokens, clock):
    assert _post(client, tokens[0], "k").status_code == 201
    other = {**BODY, "applicant": {**BODY["applicant"], "name": "Lê Văn Chín"}}
    response = _post(client, tokens[0], "k", other)
    assert response.status_code == 422
    assert "đã được dùng" in response.get_json()["error"]["message"]
    assert Dossier.select().count() == 1


def test_a_refused_request_keeps_no_key(client, tokens, clock):
    bad = {**BODY, "channel": 1}
    assert _post(client, tokens[0], "k", bad).status_code == 422
    assert IdempotencyKey.select().count() == 0
    assert _post(client, tokens[0], "k").status_code == 201  # the corrected request may reuse the key


@pytest.mark.parametrize("key", ["", " padded ", "x" * 256, "tab\there"])
def test_malformed_keys(client, tokens, clock, key):
    response = _post(client, tokens[0], key)
    assert response.status_code == 400 and "Idempotency-Key" in response.get_json()["error"]["message"]
    assert Dossier.select().count() == 0


def test_concurrent_requests_with_one_key_make_one_dossier(app, tokens, clock):
    answers, failures = [], []
    start = threading.Barrier(6)

    def send():
        try:
            client = app.test_client()
            start.wait()
            response = _post(client, tokens[0], "double-click")
            answers.append((response.status_code, response.get_data()))
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert len(answers) == 6 and len(set(answers)) == 1 and answers[0][0] == 201
    db.connect(reuse_if_open=True)
    assert Dossier.select().count() == 1 and IdempotencyKey.select().count() == 1
