"""Security headers on every response, no inline script, rate-limited public status, office info."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from blueprints import RowIdConverter
from services.text import mask_name
from tests.conftest import Session
from tests.test_access import CODE, with_dossier  # noqa: F401  (fixture)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _csp(response) -> dict[str, str]:
    parts = [p.strip() for p in response.headers["Content-Security-Policy"].split(";") if p.strip()]
    return {p.split()[0]: " ".join(p.split()[1:]) for p in parts}


@pytest.mark.parametrize("url", [
    "/login", "/lookup", f"/lookup/{CODE}", "/lookup/KHONG-CO", "/api/v1/procedures",
    f"/api/v1/dossiers/{CODE}", "/", "/intake/today", f"/intake/{CODE}", f"/intake/{CODE}/receipt.pdf",
    "/admin/users", "/admin/tokens", "/khong-co-trang-nay",
])
def test_every_response_carries_the_headers(login, with_dossier, url):  # noqa: F811
    session = login("admin")
    response = session.get(url)
    assert response.status_code in (200, 302, 404), response.status_code
    csp = _csp(response)
    assert csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["default-src"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_hashed_static_files_stay_cacheable(client):
    page = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/style\.css\?v=[0-9a-f]+)"', page).group(1)
    response = client.get(css)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_scan_is_served_sandboxed_with_its_sniffed_type(login, with_dossier):  # noqa: F811
    response = login("intake").get(f"/intake/{CODE}/files/1")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    csp = _csp(response)
    assert "sandbox" in csp and csp["default-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_an_image_scan_is_sandboxed(app, login):
    import datetime as dt

    from services import intake, office
    from services.calendar import VN_TZ
    from tests.conftest import APPLICANT, make_image

    with app.app_context():
        from models import db

        db.connect(reuse_if_open=True)
        _, version = intake.procedure_for("2.000884", dt.date(2026, 11, 25))
        comps = [intake.ReceivedComponent(c.name, 1, 0, c.id, intake.Upload("a.png", make_image("PNG")),
                                          "image/png") for c in version.components]
        data = intake.IntakeData(version=version, channel=1, received_at=dt.datetime(2026, 11, 25, 9, tzinfo=VN_TZ),
                                 components=comps, **intake.validate_applicant(APPLICANT, {}))
        code = intake.receive(data, office.calendar(), "000.00.01.H26", app.config["DATA_DIR"], "test").code
        db.close()
    response = login("intake").get(f"/intake/{code}/files/1")
    assert response.status_code == 200 and response.mimetype == "image/png"
    csp = _csp(response)
    assert "sandbox" in csp and csp["default-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_htmx_runs_without_eval_and_without_injected_styles(client):
    page = client.get("/login").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', page).group(1)
    assert '"allowEval":false' in config and '"includeIndicatorStyles":false' in config


@pytest.mark.parametrize("template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")))
def test_no_inline_script_in_any_template(template):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", text, re.I):
        assert "src=" in tag, tag  # only files from static/
    assert not re.search(r"\son[a-z]+\s*=", text, re.I), "inline event handler"
    assert "javascript:" not in text.lower()
    assert not re.search(r"<style\b", text, re.I)
    assert not re.search(r"hx-on[:-]|hx-vals=['\"]js:|hx-vars", text), "htmx attribute that evaluates code"


# --- Rate limit of the public status ------------------------------------------------------

def test_the_public_lookup_is_rate_limited_per_address(app, with_dossier):  # noqa: F811
    client = app.test_client()
    here = {"REMOTE_ADDR": "10.0.0.5"}
    answers = [client.get(f"/lookup/{CODE}", environ_base=here).status_code for _ in range(31)]
    assert answers == [200] * 30 + [429]
    refused = client.get(f"/lookup/{CODE}", environ_base=here)
    assert refused.status_code == 429
    assert "Quá nhiều yêu cầu" in refused.get_data(as_text=True)
    assert refused.headers["Content-Type"].startswith("text/html")
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get(f"/lookup/{CODE}", environ_base={"REMOTE_ADDR": "10.0.0.6"}).status_code == 200


def test_lookups_work_with_the_rate_limit_turned_off(app, with_dossier):  # noqa: F811
    import gc

    from app import create_app

    unlimited = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "DATA_DIR", "SECRET_KEY")},
                            "TESTING": True, "RATELIMIT_ENABLED": False})
    gc.collect()  # the limiter must be held by the app, not only by a weak reference
    client = unlimited.test_client()
    assert [client.get(f"/lookup/{CODE}").status_code for _ in range(31)] == [200] * 31
    assert client.get(f"/api/v1/dossiers/{CODE}").status_code == 200


def test_the_api_status_is_rate_limited_with_a_json_answer(app, with_dossier):  # noqa: F811
    app.config["LOOKUP_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    answers = [client.get(f"/api/v1/dossiers/{CODE}").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    body = client.get(f"/api/v1/dossiers/{CODE}").get_json()
    assert body["error"]["status"] == 429 and "Quá nhiều yêu cầu" in body["error"]["message"]


def test_the_staff_pages_are_not_rate_limited(login, with_dossier):  # noqa: F811
    session = login("intake")
    assert {session.get(f"/intake/{CODE}").status_code for _ in range(35)} == {200}


@pytest.mark.parametrize(("name", "masked"), [
    ("Hường", "H****"),                      # one word: masked too
    ("Nguyễn Thị Hường", "N***** T** Hường"),
    ("An", "A*"),
    ("  lê   văn  tám ", "l* v** tám"),
    ("", ""),
])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


# --- Office info on the public pages, the header, the QR warning ------------------------------

def test_public_pages_show_the_office(app, client, login):
    admin = login("admin")
    form = {"agency_id": "000.00.01.H26", "name": "Trung tâm Phục vụ hành chính công xã Yên Thường",
            "parent_body": "Ủy ban nhân dân xã Yên Thường", "place": "Yên Thường", "province": "Hà Nội",
            "public_base_url": "", "address": "Thôn Lại Hoàng, xã Yên Thường", "hotline": "0243 827 1234",
            "morning_start": "07:30", "morning_end": "11:30", "afternoon_start": "13:30",
            "afternoon_end": "17:00", "max_upload_mb": "20"}
    assert admin.post("/admin/office", data=form).status_code == 302
    admin.post("/logout")
    page = app.test_client().get("/lookup").get_data(as_text=True)
    assert "Trung tâm Phục vụ hành chính công xã Yên Thường" in page
    assert "Thôn Lại Hoàng, xã Yên Thường" in page
    assert 'href="tel:02438271234"' in page and "0243 827 1234" in page
    assert "07:30–11:30" in page and "13:30–17:00" in page


def test_a_bad_hotline_comes_back_with_a_message(login):
    admin = login("admin")
    page = admin.get("/admin/office").get_data(as_text=True)
    assert 'name="address"' in page and 'name="hotline"' in page
    response = admin.post("/admin/office", data={"agency_id": "000.00.01.H26", "name": "X", "parent_body": "Y",
                                                 "place": "Z", "hotline": "gọi cho tôi",
                                                 "morning_start": "07:30", "morning_end": "11:30",
                                                 "afternoon_start": "13:30", "afternoon_end": "17:00",
                                                 "max_upload_mb": "20"})
    assert response.status_code == 422
    assert "đường dây nóng" in response.get_data(as_text=True)
    assert 'value="gọi cho tôi"' in response.get_data(as_text=True)


def test_the_header_shows_the_office_name_and_links_home(login):
    page = login("intake").get("/intake/today").get_data(as_text=True)
    assert re.search(r'<a class="office" href="/"[^>]*>Trung tâm Phục vụ hành chính công phường Hà Đông</a>', page)
    assert 'rel="icon"' in page


def test_the_favicon_is_served(client):
    page = client.get("/login").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    response = client.get(icon)
    assert response.status_code == 200 and response.data.startswith(b"<svg")
    assert len(response.data) < 2048


def test_until_the_public_address_is_set_admin_and_receipt_page_warn(app, with_dossier):  # noqa: F811
    admin = Session(app.test_client(), "admin")
    officer = Session(app.test_client(), "intake")
    warning = "sẽ không mở được trên điện thoại"
    assert warning in admin.get("/").get_data(as_text=True)
    assert warning not in officer.get("/").get_data(as_text=True)  # not theirs to fix
    assert warning in officer.get(f"/intake/{CODE}").get_data(as_text=True)
    with app.app_context():
        from services import office

        office.update_settings({"public_base_url": "https://motcua.yenthuong.gov.vn"}, "admin")
    assert warning not in admin.get("/").get_data(as_text=True)
    assert warning not in officer.get(f"/intake/{CODE}").get_data(as_text=True)


@pytest.mark.parametrize("url", [f"/intake/{CODE}/files/{2 ** 63}", f"/admin/users/{2 ** 63 + 5}",
                                 f"/admin/users/{2 ** 64}/password", f"/admin/tokens/{10 ** 30}/revoke"])
def test_an_id_past_the_database_integers_is_a_404_page(login, with_dossier, url):  # noqa: F811
    response = login("admin").get(url)
    assert response.status_code == 404 and "<html" in response.get_data(as_text=True)


def test_no_int_route_accepts_an_id_past_the_database_integers(app):
    adapter = app.url_map.bind("localhost")
    rules = [r for r in app.url_map.iter_rules()
             if any(isinstance(c, RowIdConverter) for c in r._converters.values())]
    assert len(rules) > 10
    for rule in rules:
        values = {name: (2 ** 63 if isinstance(c, RowIdConverter) else "X")
                  for name, c in rule._converters.items()}
        url = rule.build(values, append_unknown=False)[1]
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        with pytest.raises(Exception) as caught:
            adapter.match(url, method=method)
        assert type(caught.value).__name__ in ("NotFound", "MethodNotAllowed", "RequestRedirect"), url
        at_limit = url.replace(str(2 ** 63), str(2 ** 63 - 1))
        assert adapter.match(at_limit, method=method)[0] == rule.endpoint, at_limit
