"""Counter mechanics: one dossier per form, duplicates confirmed, scans kept across a failed submit,
the request size limit, expired sessions and forms, print on open."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import threading

import pytest
from pypdf import PdfReader

from models import DailySequence, Dossier, DossierComponent, IntakeKey, StoredFile
from services import counter, storage
from tests.conftest import APPLICANT, Session, make_pdf
from tests.test_intake_routes import HX
from tests.test_intake_routes import _form as _valid_form

MULTI = "multipart/form-data"


def _form(session, **over) -> dict:
    """A valid form whose scans are (bytes, name): it can be posted again and again."""
    data = _valid_form(session, **over)
    return {k: (v[0].getvalue(), v[1]) if isinstance(v, tuple) else v for k, v in data.items()}


def _post(session, data, url="/intake/new", **kw):
    data = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in data.items()}
    return session.post(url, data=data, content_type=MULTI, **kw)


def _counts(app):
    with app.app_context():
        last = DailySequence.select().first()
        return Dossier.select().count(), DossierComponent.select().count(), last.last if last else 0


def _kept_tokens(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(kept_[a-z_]*\d+)" value="([^"]+)"', html))


# --- One dossier per form ---------------------------------------------------------------------

def test_same_form_submitted_twice_makes_one_dossier(login, app):
    session = login("intake")
    data = _form(session)
    first = _post(session, dict(data))
    again = dict(data)
    for k, v in data.items():  # a retry sends the files again
        if k.startswith("file_"):
            again[k] = (make_pdf(k), v[1])
    second = _post(session, again)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _counts(app) == (1, 2, 1)  # one dossier, its two papers, one number used
    page = session.get(second.headers["Location"]).get_data(as_text=True)
    assert "đã được lưu thành hồ sơ" in page
    with app.app_context():
        assert IntakeKey.get().dossier.code in second.headers["Location"]


def test_same_form_as_htmx_double_click_answers_with_the_first_dossier(login, app):
    session = login("intake")
    data = _form(session)
    first = _post(session, dict(data), headers=HX)
    second = _post(session, dict(data, phone="0987654321"), headers=HX)  # content no longer matters
    assert first.status_code == second.status_code == 204
    assert first.headers["HX-Redirect"] == second.headers["HX-Redirect"]
    assert _counts(app)[0] == 1


def test_two_concurrent_submits_of_one_form_make_one_dossier(app):
    clients = [app.test_client() for _ in range(2)]
    sessions = [Session(c, "intake") for c in clients]
    key = counter.new_form_key()
    forms = []
    for s in sessions:
        data = _form(s, form_key=key)
        forms.append(data)
    barrier = threading.Barrier(2)
    answers = []

    def submit(session, data):
        barrier.wait()
        with app.app_context():
            answers.append(_post(session, data))

    threads = [threading.Thread(target=submit, args=pair) for pair in zip(sessions, forms, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert _counts(app) == (1, 2, 1)


def test_key_race_lost_rolls_back_everything(login, app, monkeypatch):
    """As on PostgreSQL when another request commits the same key between our check and our
    insert: the unique index refuses it, the whole save rolls back (its number included), and
    the first dossier is the answer."""
    session = login("intake")
    data = _form(session)
    first = _post(session, dict(data)).headers["Location"]
    real, blind = counter.dossier_for_key, {"calls": 0}

    def not_seen_yet(key):
        blind["calls"] += 1
        return None if blind["calls"] <= 2 else real(key)  # the route's check and the save's

    monkeypatch.setattr(counter, "dossier_for_key", not_seen_yet)
    second = _post(session, dict(_form(session), form_key=data["form_key"], id_number="001090001234"))
    assert second.status_code == 302 and second.headers["Location"] == first
    assert blind["calls"] == 3
    assert _counts(app) == (1, 2, 1)


def test_twin_submit_seen_as_a_duplicate_answers_with_the_first_dossier(login, app, monkeypatch):
    """The twin request passed the key check while the first was still saving: the first dossier
    then looks like a recent duplicate, but it is this form's own, so it is the answer."""
    session = login("intake")
    data = _form(session)
    first = _post(session, dict(data)).headers["Location"]
    real, calls = counter.dossier_for_key, []

    def late(key):
        calls.append(key)
        return None if len(calls) == 1 else real(key)

    monkeypatch.setattr(counter, "dossier_for_key", late)
    second = _post(session, dict(data))
    assert second.status_code == 302 and second.headers["Location"] == first
    assert _counts(app)[0] == 1


def test_missing_form_key_saves_nothing_and_gives_a_new_key(login, app):
    session = login("intake")
    data = _form(session)
    del data["form_key"]
    response = _post(session, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Biểu mẫu chưa đầy đủ" in html
    assert re.search(r'name="form_key" value="[A-Za-z0-9_-]{20,}"', html)
    assert len(_kept_tokens(html)) == 2  # the scans are kept for the next submit
    assert _counts(app) == (0, 0, 0)


# --- Duplicates -------------------------------------------------------------------------------

def test_same_person_and_procedure_within_ten_minutes_asks_first(login, app):
    session = login("intake")
    assert _post(session, _form(session)).status_code == 302
    data = _form(session)
    warned = _post(session, data)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 422
    assert "Chưa đầy 10 phút trước" in html and "Vẫn lưu" in html and 'name="confirm_duplicate"' in html
    assert 'value="Nguyễn Thị Hường"' in html
    assert _counts(app)[0] == 1
    # "Save anyway" carries the kept scans, not new files
    again = {k: v for k, v in data.items() if not k.startswith("file_")}
    again.update(_kept_tokens(html), confirm_duplicate="1")
    saved = _post(session, again)
    assert saved.status_code == 302
    with app.app_context():
        second = Dossier.select().order_by(Dossier.id.desc()).first()
        assert [c.digitised for c in second.components] == [True, True]
    assert _counts(app)[0] == 2


def test_no_warning_for_another_procedure_or_after_ten_minutes(login, app):
    session = login("intake")
    assert _post(session, _form(session)).status_code == 302
    other = _form(session, code="1.001193")
    assert _post(session, other).status_code == 302  # another procedure, same person
    with app.app_context():
        old = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))) - dt.timedelta(minutes=11)
        Dossier.update(received_at=old).execute()
    assert _post(session, _form(session)).status_code == 302  # 11 minutes later: no question


# --- Scans kept across a failed submit --------------------------------------------------------

def test_typo_keeps_the_scans_with_their_names(login, app):
    session = login("intake")
    data = _form(session, phone="12")
    contents = {k: v[0] for k, v in data.items() if k.startswith("file_")}
    failed = _post(session, data)
    html = failed.get_data(as_text=True)
    assert failed.status_code == 422 and "Đã đính kèm" in html
    for k in contents:
        assert f"scan-{k[5:]}.pdf" in html
    tokens = _kept_tokens(html)
    assert len(tokens) == 2
    fixed = {k: v for k, v in data.items() if not k.startswith("file_")}
    fixed.update(tokens, phone="0912345678")
    assert _post(session, fixed).status_code == 302
    with app.app_context():
        rows = list(DossierComponent.select(DossierComponent, StoredFile).join(StoredFile)
                    .order_by(DossierComponent.position))
        assert [r.file_name for r in rows] == [f"scan-{k[5:]}.pdf" for k in sorted(contents)]
        assert [r.file.sha256 for r in rows] == [hashlib.sha256(contents[k]).hexdigest()
                                                 for k in sorted(contents)]


def test_originals_keep_their_scans_through_add_rows_and_a_typo(login, app):
    session = login("intake")
    key = re.search(r'name="form_key" value="([^"]+)"',
                    session.get("/intake/new?procedure=2.000815").get_data(as_text=True)).group(1)
    base = {"procedure": "2.000815", "channel": "1", "form_key": key, **APPLICANT, "rows": "3",
            "orig_name_0": "Giấy khai sinh", "orig_pages_0": "1", "orig_copies_0": "2"}
    scan = make_pdf("khai sinh")
    added = _post(session, dict(base, add_rows="1", orig_file_0=(scan, "khai-sinh.pdf")), headers=HX)
    html = added.get_data(as_text=True)
    assert added.status_code == 200 and html.count('name="orig_name_') == 6
    assert "khai-sinh.pdf" in html and set(_kept_tokens(html)) == {"kept_orig_file_0"}
    typo = _post(session, dict(base, rows="6", phone="12", **_kept_tokens(html)))
    html = typo.get_data(as_text=True)
    assert typo.status_code == 422 and set(_kept_tokens(html)) == {"kept_orig_file_0"}
    saved = _post(session, dict(base, rows="6", **_kept_tokens(html)))
    assert saved.status_code == 302
    with app.app_context():
        (comp,) = Dossier.get().components
        assert (comp.name, comp.pages, comp.copies, comp.file_name, comp.file.sha256) == (
            "Giấy khai sinh", 1, 2, "khai-sinh.pdf", hashlib.sha256(scan).hexdigest())
    assert _counts(app) == (1, 1, 1)


def test_a_kept_scan_can_be_removed(login, app):
    session = login("intake")
    data = _form(session, phone="12")
    html = _post(session, data).get_data(as_text=True)
    fixed = {k: v for k, v in data.items() if not k.startswith("file_")}
    tokens = _kept_tokens(html)
    fixed.update(tokens, phone="0912345678")
    fixed["drop_" + sorted(tokens)[0][5:]] = "1"
    again = _post(session, fixed)
    assert again.status_code == 422 and "lý do" in again.get_data(as_text=True)


def test_kept_reference_of_another_officer_form_or_paper_is_refused(login, app, client):
    session = login("intake")
    data = _form(session, phone="12")
    tokens = _kept_tokens(_post(session, data).get_data(as_text=True))
    fixed = {k: v for k, v in data.items() if not k.startswith("file_")}
    fixed["phone"] = "0912345678"
    (a, ta), (b, tb) = sorted(tokens.items())
    swapped = dict(fixed, **{a: tb, b: ta})          # each reference on the other paper
    other_key = dict(fixed, **tokens, form_key=counter.new_form_key())  # another form
    forged = dict(fixed, **{a: ta[:-2] + ("AA" if not ta.endswith("AA") else "BB"), b: tb})
    for attempt in (swapped, other_key, forged):
        response = _post(session, attempt)
        assert response.status_code == 422, attempt
        assert "Đã đính kèm" not in response.get_data(as_text=True) or attempt is forged
    admin = Session(app.test_client(), "admin")       # the same form, another officer
    assert _post(admin, dict(fixed, **tokens)).status_code == 422
    assert _counts(app)[0] == 0


def test_rejected_file_is_named_in_its_row(login, app):
    session = login("intake")
    data = _form(session)
    first = sorted(k for k in data if k.startswith("file_"))[0]
    data[first] = (b"PK\x03\x04 a word file", "ghi-chu.docx")
    html = _post(session, data).get_data(as_text=True)
    row = re.search(rf'id="e-{first}">([^<]+)<', html).group(1)
    assert "“ghi-chu.docx”" in row and "PDF, JPEG" in row
    assert len(_kept_tokens(html)) == 1  # the good one is kept


def test_empty_scan_gets_a_clear_message(login, app):
    session = login("intake")
    data = _form(session)
    first = sorted(k for k in data if k.startswith("file_"))[0]
    data[first] = (b"", "trang.pdf")
    response = _post(session, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "“trang.pdf”: Tệp rỗng (0 byte)" in html
    assert _counts(app) == (0, 0, 0)


def test_store_stream_hashes_in_chunks_and_leaves_nothing_when_too_large(tmp_path):
    class Recorder(io.BytesIO):
        biggest = 0

        def read(self, size=-1):
            Recorder.biggest = max(Recorder.biggest, size)
            return super().read(size)

    content = b"%PDF-" + bytes(range(256)) * 2000
    blob = storage.store_stream(Recorder(content), tmp_path, len(content))
    assert blob.sha256 == hashlib.sha256(content).hexdigest() and blob.size == len(content)
    assert blob.head == content[:16] and 0 < Recorder.biggest <= 64 * 1024
    assert storage.path_for(tmp_path, blob.sha256).read_bytes() == content
    with pytest.raises(storage.TooLarge):
        storage.store_stream(io.BytesIO(content + b"x"), tmp_path / "other", len(content))
    assert not list((tmp_path / "other").rglob("*.part"))
    assert storage.stored_blob(tmp_path, "../" * 21 + "x") is None


# --- Request size --------------------------------------------------------------------------------

def test_oversized_request_gets_a_clear_message_and_saves_nothing(login, app):
    from services import intake, office

    with app.app_context():
        office.update_settings({"max_upload_mb": 1}, "test")
        assert intake.most_scan_inputs() == intake.MAX_ORIGINALS  # rows of originals outnumber any checklist
    # 2.000884 has two papers: two scans of 1 MB, plus 2 MB for the text
    limit = 2 * 1024 * 1024 + 2 * 1024 * 1024
    session = login("intake")
    data = _form(session)
    first = sorted(k for k in data if k.startswith("file_"))[0]
    data[first] = (b"%PDF-1.4\n" + b"0" * limit, "to-qua-lon.pdf")
    for headers in ({}, HX):
        response = _post(session, dict(data), url="/intake/new?procedure=2.000884", headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 413
        assert "mỗi bản quét tối đa 1 MB" in html and "Chưa lưu gì" in html
    # Just under the request limit, the form comes back naming the scan that is over 1 MB
    data[first] = (b"%PDF-1.4\n" + b"0" * (limit - 200 * 1024), "to-qua-lon.pdf")
    html = _post(session, dict(data), url="/intake/new?procedure=2.000884").get_data(as_text=True)
    assert "“to-qua-lon.pdf”: Tệp vượt quá dung lượng tối đa 1 MB" in html
    assert _counts(app) == (0, 0, 0)


def test_the_form_action_names_what_sets_its_size_limit(login):
    session = login("intake")
    html = session.get("/intake/new?procedure=2.000884").get_data(as_text=True)
    assert 'action="/intake/new?procedure=2.000884"' in html
    assert f'data-max-request-bytes="{2 * 20 * 1048576 + 2 * 1048576}"' in html
    html = session.get("/intake/new?procedure=2.000815").get_data(as_text=True)
    assert 'action="/intake/new?procedure=2.000815&amp;rows=3"' in html


# --- Expired session and expired form ---------------------------------------------------------------

def test_expired_session_during_an_htmx_save_keeps_the_page(login, app, client):
    session = login("intake")
    data = _form(session)
    client.delete_cookie("session", domain="office.test")
    response = _post(session, data, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 401 and "HX-Redirect" not in response.headers
    assert "data-error-message" in html and "đăng nhập lại" in html
    assert _counts(app) == (0, 0, 0)


def test_expired_form_on_htmx_sends_a_renewed_token(login, app):
    session = login("intake")
    data = _form(session, csrf_token="stale")
    response = _post(session, data, headers=HX)
    assert response.status_code == 400 and "vừa được làm mới" in response.get_data(as_text=True)
    renewed = response.headers["X-CSRF-Token"]
    assert _post(session, dict(_form(session), csrf_token=renewed), headers=HX).status_code == 204


# --- The counter form refuses what is not the counter's ------------------------------------------

@pytest.mark.parametrize("channel", ["2", "0", "4", "1.5", "[2]", ""])
def test_counter_form_refuses_online_and_unknown_channels(login, app, channel):
    session = login("intake")
    response = _post(session, _form(session, channel=channel))
    if channel == "":
        assert response.status_code == 302  # absent means "at the counter"
        return
    assert response.status_code == 422 and "hình thức nộp" in response.get_data(as_text=True)
    assert _counts(app) == (0, 0, 0)


# --- Language switch ---------------------------------------------------------------------------------

def test_language_switch_is_not_offered_while_a_form_is_open(login):
    session = login("intake")
    picker = session.get("/intake/new").get_data(as_text=True)
    assert 'id="language-switch"' in picker and 'name="language"' in picker
    form = session.get("/intake/new?procedure=2.000884").get_data(as_text=True)
    assert 'name="language"' not in form and form.count('id="language-switch"') == 1
    fragment = session.get("/intake/new?procedure=2.000884", headers=HX).get_data(as_text=True)
    assert re.search(r'<div id="language-switch" hx-swap-oob="true" hidden></div>', fragment)


# --- Save and print ----------------------------------------------------------------------------------

def test_after_saving_the_receipt_link_is_focused_and_prints_on_open(login, app):
    session = login("intake")
    location = _post(session, _form(session)).headers["Location"]
    page = session.get(location).get_data(as_text=True)
    link = re.search(r'<a [^>]*id="receipt-link"[^>]*>', page).group(0)
    assert "autofocus" in link and "print=1" in link and "Alt+P" in page
    plain = session.get(location.split("?")[0]).get_data(as_text=True)
    assert "autofocus" not in re.search(r'<a [^>]*id="receipt-link"[^>]*>', plain).group(0)
    code = location.split("/")[-1].split("?")[0]
    printing = session.get(f"/intake/{code}/receipt.pdf?print=1")
    reader = PdfReader(io.BytesIO(printing.data))
    names = reader.trailer["/Root"]["/Names"]["/JavaScript"]["/Names"]
    assert "this.print(" in names[1].get_object()["/JS"]
    assert code in reader.pages[0].extract_text().replace("\n", " ")
    plain_pdf = PdfReader(io.BytesIO(session.get(f"/intake/{code}/receipt.pdf").data))
    assert "/Names" not in plain_pdf.trailer["/Root"]


def test_alert_region_and_script_are_on_every_page(login):
    session = login("intake")
    page = session.get("/intake/today").get_data(as_text=True)
    assert re.search(r'<script src="/static/app\.js\?v=[0-9a-f]{10}" defer></script>', page)
    assert 'id="alerts"' in page and 'role="alert"' in page and "<script>" not in page
    assert "Không kết nối được máy chủ" in page
    script = session.get("/static/app.js").get_data(as_text=True)
    for event in ("htmx:responseError", "htmx:sendError", "htmx:timeout", "X-CSRF-Token"):
        assert event in script
