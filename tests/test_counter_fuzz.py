"""Never a 500 from the counter form, and nothing half-saved: hand-picked bad input, then hypothesis."""
from __future__ import annotations

import io
import re

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from models import AuditEvent, DailySequence, Dossier, DossierComponent
from services import counter
from tests.conftest import APPLICANT, make_pdf
from tests.test_intake_routes import HX, _new_form

PROCEDURES = ["2.000884", "2.000815", "1.001193"]


def _consistent(app) -> None:
    """Every dossier whole, and every number used by a saved dossier (none by a failed save)."""
    with app.app_context():
        dossiers = Dossier.select().count()
        used = sum(s.last for s in DailySequence.select())
        assert used == dossiers
        bare = (Dossier.select().where(~Dossier.id.in_(DossierComponent.select(DossierComponent.dossier)))
                .count())
        assert bare == 0
        assert AuditEvent.select().where(AuditEvent.action == "dossier.receive").count() == dossiers


def _raw_multipart(fields: dict[str, bytes], files: dict[str, tuple[bytes, bytes]]) -> tuple[bytes, str]:
    boundary = "----counterfuzz"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value + b"\r\n")
    for name, (file_name, data) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="'.encode())
        out.write(file_name + b'"\r\nContent-Type: application/pdf\r\n\r\n' + data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def test_lone_surrogates_in_every_field_and_file_name(login, app):
    session = login("intake")
    ids, key = _new_form(session, "2.000884")
    surrogate = "\ud800".encode("utf-8", "surrogatepass")  # b"\xed\xa0\x80": what a broken client sends
    fields = {k: v.encode() for k, v in APPLICANT.items()}
    fields.update({"csrf_token": session.csrf.encode(), "procedure": b"2.000884", "form_key": key.encode(),
                   "channel": b"1"})
    for name in ("applicant_name", "address", "email", "missing_scan_reason"):
        fields[name] = b"A" + surrogate + b"B"
    files = {f"file_{cid}": ("scan-ờ.pdf".encode(), make_pdf(str(cid))) for cid in ids}
    for cid in ids:
        fields[f"orig_{cid}"] = b"1" + surrogate
    body, content_type = _raw_multipart(fields, files)
    for headers in ({}, HX):
        response = session.client.post("/intake/new", data=body, content_type=content_type, headers=headers)
        assert response.status_code == 422, re.findall(r"data-error-message>([^<]*)", response.get_data(as_text=True))
    fields.update({f"orig_{cid}": b"1" for cid in ids}, email=b"", address=b"X\xc3\xb3m " + surrogate)
    body, content_type = _raw_multipart(fields, files)
    response = session.client.post("/intake/new", data=body, content_type=content_type)
    assert response.status_code == 302
    with app.app_context():
        dossier = Dossier.get()
        assert "\ufffd" in dossier.address and "\ufffd" in dossier.applicant_name
        assert [c.file_name for c in dossier.components] == ["scan-ờ.pdf"] * 2
    # A file name that is not UTF-8 makes Werkzeug drop the whole body: a 4xx, never a 500
    fields["form_key"] = counter.new_form_key().encode()
    files = {k: (b"scan" + surrogate + b".pdf", v[1]) for k, v in files.items()}
    body, content_type = _raw_multipart(fields, files)
    assert session.client.post("/intake/new", data=body, content_type=content_type).status_code == 400
    for url in ("/intake/procedures?q=%ED%A0%80", "/intake/today?q=a%ED%A0%80b", "/intake/new?q=%ED%A0%80"):
        assert session.get(url).status_code == 200
    _consistent(app)


def test_huge_text_is_refused_politely(login, app):
    session = login("intake")
    ids, key = _new_form(session, "2.000884")
    data = {"procedure": "2.000884", "form_key": key, "channel": "1", **APPLICANT,
            "applicant_name": "Nguyễn " * 150_000, "missing_scan_reason": "x" * 900_000}
    for cid in ids:
        data.update({f"orig_{cid}": "1", f"copy_{cid}": "0"})
    response = session.post("/intake/new", data=data, content_type="multipart/form-data")
    assert response.status_code in (413, 422)
    assert "Nguyễn Nguyễn" not in response.get_data(as_text=True)[:2000] or response.status_code == 422
    data["applicant_name"] = "Nguyễn " * 10_000
    response = session.post("/intake/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    _consistent(app)


def test_searches_of_a_hundred_words_and_more(login):
    session = login("intake")
    words = " ".join(f"tu{i}" for i in range(150))
    for url in ("/intake/procedures", "/intake/new", "/intake/today"):
        for headers in ({}, HX):
            assert session.get(url, query_string={"q": words}, headers=headers).status_code == 200
    assert "1.001193" in session.get("/intake/procedures", query_string={"q": "khai sinh " + "  " * 5000},
                                     headers=HX).get_data(as_text=True)


def test_odd_numbers_in_counts(login, app):
    session = login("intake")
    for odd in ("-1", "1e9", "99999999999999999999999", "0x10", "1.5", " ", "١", "NaN", "1" * 5000):
        ids, key = _new_form(session, "2.000815")
        data = {"procedure": "2.000815", "orig_name_0": "Giấy khai sinh", "orig_pages_0": odd, "orig_copies_0": odd, "form_key": key, "channel": "1", **APPLICANT,
                "pages": odd, "copies": odd, "missing_scan_reason": "Máy quét hỏng"}
        for cid in ids:
            data.update({f"orig_{cid}": odd, f"copy_{cid}": odd})
        response = session.post("/intake/new", data=data, content_type="multipart/form-data")
        assert response.status_code in (302, 422), odd
        assert session.get("/intake/quote", query_string={"procedure": "2.000815", "pages": odd,
                                                          "copies": odd}, headers=HX).status_code == 200
        assert session.get("/intake/today", query_string={"before": odd}).status_code == 200
    _consistent(app)


SCAN = st.one_of(
    st.none(),
    st.builds(lambda body: b"%PDF-1.4\n" + body, st.binary(max_size=200)),
    st.builds(lambda body: b"\x89PNG\r\n\x1a\n" + body, st.binary(max_size=50)),
    st.binary(max_size=60),  # anything, the empty file included
)
TEXT = st.text(max_size=300)
COUNT = st.one_of(st.integers(-3, 120).map(str), st.sampled_from(["", " 2 ", "x", "1e3", "2.0"]), TEXT)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_counter_form_gives_no_500_and_nothing_half_saved(login, app, data):
    session = getattr(app, "_fuzz_session", None) or login("intake")
    app._fuzz_session = session
    procedure = data.draw(st.sampled_from(PROCEDURES))
    html = session.get(f"/intake/new?procedure={procedure}").get_data(as_text=True)
    slots = re.findall(r'type="file"[^>]* name="((?:orig_)?file_\d+)"', html)
    # Half the examples start from a valid form and change a few things; the others are anything.
    valid = data.draw(st.booleans())

    def pick(good, anything):
        return good if valid and data.draw(st.integers(0, 29)) else data.draw(anything)

    form = {
        "procedure": pick(procedure, st.sampled_from([procedure, "", "9.999999", "x" * 40])),
        "form_key": pick(counter.new_form_key(), st.sampled_from([counter.new_form_key(), "", "short"])),
        "channel": pick("1", st.sampled_from(["1", "3", "2", "", "7", "một"])),
        "applicant_kind": pick("citizen", st.sampled_from(["citizen", "business", "foreigner", "x", ""])),
        "applicant_name": pick(APPLICANT["applicant_name"], TEXT),
        "id_number": pick(APPLICANT["id_number"], st.one_of(st.from_regex(r"\d{12}", fullmatch=True), TEXT)),
        "phone": pick(APPLICANT["phone"], TEXT),
        "address": pick(APPLICANT["address"], TEXT),
        "email": pick("", st.one_of(st.emails(), TEXT)),
        "copies": pick("1", COUNT),
        "missing_scan_reason": pick("", TEXT),
        "confirm_duplicate": pick("1", st.sampled_from(["", "1"])),
        "rows": pick("3", COUNT),
        "add_rows": pick("", st.sampled_from(["", "1"])),
    }
    for slot in slots:
        if slot.startswith("orig_file_"):  # a row of originals (copy certification)
            row = slot.rsplit("_", 1)[1]
            first = row == "0"
            form[f"orig_name_{row}"] = pick("Giấy khai sinh" if first else "", TEXT)
            form[f"orig_pages_{row}"] = pick("2" if first else "", COUNT)
            form[f"orig_copies_{row}"] = pick("1", COUNT)
            wanted = first
        else:
            form[f"orig_{slot[5:]}"] = pick("1", COUNT)
            form[f"copy_{slot[5:]}"] = pick("0", COUNT)
            wanted = True
        scan = pick(make_pdf(slot) if wanted else None, SCAN)
        if scan is not None:
            name = pick(f"{slot}.pdf", st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and "\x00" not in s))
            form[slot] = (io.BytesIO(scan), name)
        if not valid and data.draw(st.booleans()):
            form[f"kept_{slot}"] = data.draw(TEXT)
    headers = data.draw(st.sampled_from([{}, HX]))
    response = session.post("/intake/new", data=form, headers=headers, content_type="multipart/form-data")
    event(f"status {response.status_code}")
    assert response.status_code in (200, 204, 302, 404, 422), response.get_data(as_text=True)[:800]
    _consistent(app)
