"""The permission matrix: every route × every role and anonymous."""
from __future__ import annotations

import pytest

from services.accounts import PERMISSIONS, ROLES

CODE = "000.00.01.H26-261125-0001"
# (method, url, permission); None = any logged-in user; "public" = no login needed;
# "token" = an API token, never a browser session
ROUTES = [
    ("GET", "/", None),
    ("POST", "/logout", None),
    ("GET", "/admin/office", "office.edit"),
    ("POST", "/admin/office", "office.edit"),
    ("POST", "/admin/calendar", "office.edit"),
    ("GET", "/admin/calendar/2026-12-31/delete", "office.edit"),
    ("POST", "/admin/calendar/2026-12-31/delete", "office.edit"),
    ("GET", "/intake/new", "dossier.receive"),
    ("POST", "/intake/new", "dossier.receive"),
    ("GET", "/intake/procedures?q=khai", "dossier.receive"),
    ("GET", "/intake/quote?procedure=2.000815&pages=2", "dossier.receive"),
    ("GET", "/intake/today", "dossier.view"),
    ("GET", f"/intake/{CODE}", "dossier.view"),
    ("GET", f"/intake/{CODE}/receipt.pdf", "dossier.view"),
    ("GET", f"/intake/{CODE}/files/1", "dossier.view"),
    ("GET", "/dossiers", "dossier.view"),
    ("GET", "/dossiers/export.csv", "dossier.export"),
    ("GET", "/dossiers/export.xlsx", "dossier.export"),
    ("GET", "/login", "public"),
    ("POST", "/login", "public"),
    ("POST", "/language", "public"),
    ("GET", "/lookup", "public"),
    ("GET", f"/lookup/{CODE}", "public"),
    ("GET", "/api/v1/procedures", "public"),
    ("GET", "/api/v1/procedures/2.000815/quote", "public"),
    ("GET", f"/api/v1/dossiers/{CODE}", "public"),
    ("POST", "/api/v1/dossiers", "token"),  # bearer token only; granted tokens in test_api
    ("POST", f"/api/v1/dossiers/{CODE}/payments", "token"),
    ("GET", f"/api/v1/dossiers/{CODE}/payments", "token"),
    ("POST", f"/payments/{CODE}", "fee.collect"),
    ("GET", "/payments/cash", "cash.statement"),
    ("GET", "/payments/cash.pdf", "cash.statement"),
    ("GET", "/payments/cash.xlsx", "cash.statement"),
]


@pytest.fixture
def with_dossier(app):
    """One dossier received at the counter, so the dossier routes have something to show."""
    import datetime as dt

    from models import db
    from services import intake, office
    from services.calendar import VN_TZ
    from tests.conftest import APPLICANT, make_pdf

    with app.app_context():
        db.connect(reuse_if_open=True)
        when = dt.datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ)
        _, version = intake.procedure_for("2.000884", when.date())
        comps = [intake.ReceivedComponent(c.name, 1, 0, c.id, intake.Upload("a.pdf", make_pdf()), "application/pdf")
                 for c in version.components]
        data = intake.IntakeData(version=version, channel=1, received_at=when, components=comps,
                                 **intake.validate_applicant(APPLICANT, {}))
        office.set_override(dt.date(2026, 12, 31), False, "Nghỉ", "test")
        intake.receive(data, office.calendar(), "000.00.01.H26", app.config["DATA_DIR"], "test")
        db.close()


def _allowed(permission, role):
    if permission == "public":
        return True
    if role is None:
        return False
    return permission is None or role in PERMISSIONS[permission]


@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize("method,url,permission", ROUTES, ids=[f"{m} {u}" for m, u, _ in ROUTES])
def test_access(login, with_dossier, role, method, url, permission):
    session = login(role)
    response = session.get(url) if method == "GET" else session.post(url)
    status = response.status_code
    if permission == "token":
        assert status == 401
    elif _allowed(permission, role):
        assert status not in (401, 403) and status < 500, (status, response.get_data(as_text=True)[:300])
        if role is None and permission != "public":
            pytest.fail("unreachable")
    elif role is None:
        assert status == 302 and "/login" in response.headers["Location"]
    else:
        assert status == 403
        assert "không có quyền" in response.get_data(as_text=True)


def test_every_route_is_in_the_matrix(app):
    declared = {(m, u.split("?")[0]) for m, u, _ in ROUTES}
    import re

    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            pattern = re.sub(r"<[^>]+>", "[^/]+", rule.rule) + "$"
            assert any(m == method and re.match(pattern, u) for m, u in declared), (method, rule.rule)
