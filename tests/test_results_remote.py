"""Signing an electronic result remotely (ký số từ xa) from its page, against the CSC dummy on loopback:
the admin sets the service up, the leader types the access code, the page waits while the phone
approves; a signature stored and valid, a refusal and a timeout that store nothing."""
from __future__ import annotations

import time

import pytest

from models import AuditEvent, ResultDocument, User
from services import keystore, results, verification
from tests import csc_helpers, test_results
from tests.conftest import Session
from tests.csc_helpers import csc_root
from tests.processing_helpers import using

pytestmark = pytest.mark.filterwarnings("ignore:It is recommended to use web.AppKey")
pytest.importorskip("csc_dummy.csc_dummy_server")
csc_server = csc_helpers.csc_server
pki = test_results.pki
WAITING = "Vui lòng xác nhận ký trên điện thoại"


@pytest.fixture
def drafted(app, pki):
    """A processing dossier with a drafted result; the organisation certificate installed (unlocked)."""
    with using(app):
        dossier = test_results._processing(app)
        document = test_results._draft(app, dossier)
        keystore.install(pki["org_p12"], test_results.ORG_PASS, app.config["DATA_DIR"], "admin")
        leader_id = User.get(User.username == "leader").id
    yield dossier.code, document.id, leader_id
    with using(app):
        keystore.lock(app.config["DATA_DIR"], "admin")


def _set_up(app, url, leader_id, credential):
    admin = Session(app.test_client(), "admin")
    response = admin.post("/results/remote-settings", {"base_url": url, f"credential-{leader_id}": credential})
    assert response.status_code == 302, response.get_data(as_text=True)


def _wait(leader, location, seconds=20):
    """Ask the waiting page until it stops waiting (as its meta refresh would, every 2 s)."""
    deadline = time.monotonic() + seconds
    while True:
        page = leader.get(location)
        if page.status_code != 200 or time.monotonic() > deadline:
            return page
        assert WAITING in page.get_data(as_text=True)
        time.sleep(0.2)


def _start(leader, code, doc_id, token="demo-token"):
    return leader.post(f"/results/{code}/{doc_id}/remote", {"access_token": token, "title": "Chủ tịch"})


def test_settings_are_kept_and_a_bad_address_is_refused(app, drafted):
    code, doc_id, leader_id = drafted
    admin = Session(app.test_client(), "admin")
    bad = admin.post("/results/remote-settings", {"base_url": "rs.example.vn", f"credential-{leader_id}": "x"})
    assert bad.status_code == 422 and "http:// hoặc https://" in bad.get_data(as_text=True)
    _set_up(app, "https://rs.example.vn", leader_id, " uyban/chutich ")
    page = admin.get("/results/keystore").get_data(as_text=True)
    assert 'value="https://rs.example.vn"' in page and 'value="uyban/chutich"' in page
    leader = Session(app.test_client(), "leader")
    form = leader.get(f"/results/{code}").get_data(as_text=True)
    assert "Ký số từ xa" in form and 'name="access_token"' in form and "uyban/chutich" in form
    missing = _start(leader, code, doc_id, token=" ")
    assert missing.status_code == 422 and "Vui lòng nhập mã truy cập" in missing.get_data(as_text=True)


def test_not_set_up_tells_the_leader_to_ask_the_administrator(app, drafted):
    code, doc_id, _leader_id = drafted
    leader = Session(app.test_client(), "leader")
    form = leader.get(f"/results/{code}").get_data(as_text=True)
    assert 'name="access_token"' not in form and "chưa được thiết lập" in form
    refused = _start(leader, code, doc_id)
    assert refused.status_code == 422 and "chưa được thiết lập" in refused.get_data(as_text=True)


def test_a_remote_signature_is_stored_and_valid(app, drafted, csc_server, pki):
    code, doc_id, leader_id = drafted
    _set_up(app, csc_server["url"], leader_id, "uyban/chutich")
    leader = Session(app.test_client(), "leader")
    started = _start(leader, code, doc_id)
    assert started.status_code == 303
    location = started.headers["Location"]
    first = leader.get(location)
    assert first.status_code in (200, 302)
    if first.status_code == 200:  # still waiting for the phone: the page refreshes itself
        html = first.get_data(as_text=True)
        assert WAITING in html and '<meta http-equiv="refresh" content="2">' in html
        assert 'hx-trigger="every 2s"' in html
    done = _wait(leader, location)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/results/{code}")
    with using(app):
        document = ResultDocument.get_by_id(doc_id)
        assert document.signed_by.username == "leader"
        data = results.read(document.signed, app.config["DATA_DIR"])
        event = AuditEvent.select().where(AuditEvent.action == "result.sign").get()
    assert event.after["how"] == "remote"
    first_sig, second_sig = verification.verify_pdf(data, [csc_root(csc_server), pki["ca"].cert]).signatures
    assert (first_sig.signer, first_sig.intact, first_sig.trusted) == ("Vũ Minh Hải", True, True)
    assert (second_sig.signer, second_sig.intact, second_sig.covers_whole_document) == (
        "Ủy ban nhân dân phường Hà Đông", True, True)
    assert b"demo-token" not in data
    # only the leader watches a signature
    assert Session(app.test_client(), "admin").get(location).status_code == 403


def test_refusal_on_the_phone_stores_nothing(app, drafted, csc_server):
    code, doc_id, leader_id = drafted
    _set_up(app, csc_server["url"], leader_id, "uyban/tuchoi")
    leader = Session(app.test_client(), "leader")
    done = _wait(leader, _start(leader, code, doc_id).headers["Location"])
    html = done.get_data(as_text=True)
    assert done.status_code == 422 and "Người ký đã từ chối trên điện thoại" in html
    assert "Kết quả chưa được ký" in html and "refresh" not in html
    with using(app):
        assert ResultDocument.get_by_id(doc_id).signed_id is None
        assert not AuditEvent.select().where(AuditEvent.action == "result.sign").exists()


def test_no_answer_in_time_stores_nothing_and_htmx_polling_stops(app, drafted, csc_server):
    code, doc_id, leader_id = drafted
    app.config["REMOTE_SIGNING_SECONDS"] = 1  # the stand-in phone answers after 3 s
    _set_up(app, csc_server["url"], leader_id, "uyban/cham")
    leader = Session(app.test_client(), "leader")
    location = _start(leader, code, doc_id).headers["Location"]
    fragment = leader.get(location, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in fragment.get_data(as_text=True)
    time.sleep(1.5)
    done = _wait(leader, location)
    html = done.get_data(as_text=True)
    assert done.status_code == 422 and "không trả lời kịp" in html, html[-600:]
    assert 'hx-trigger' not in leader.get(location, headers={"HX-Request": "true"}).get_data(as_text=True)
    with using(app):
        assert ResultDocument.get_by_id(doc_id).signed_id is None


def test_at_most_a_few_remote_signatures_wait_at_once(app, drafted):
    from services.results import remote

    code, doc_id, leader_id = drafted
    _set_up(app, "http://127.0.0.1:9", leader_id, "uyban/chutich")
    leader = Session(app.test_client(), "leader")
    for _ in range(4):  # four leaders' phones are already ringing
        assert remote._slots.acquire(blocking=False)
    try:
        busy = _start(leader, code, doc_id)
        assert busy.status_code == 422 and "quá nhiều chữ ký từ xa" in busy.get_data(as_text=True)
    finally:
        for _ in range(4):
            remote._slots.release()
    down = _wait(leader, _start(leader, code, doc_id).headers["Location"])  # a fifth one may start now
    assert down.status_code == 422 and "Không kết nối được với dịch vụ ký số từ xa" in down.get_data(as_text=True)
