"""The access matrix, written out by hand: every route × every role and anonymous.

Each row names the roles that may use the route, spelled out. The expected answers never come
from services.accounts.PERMISSIONS: giving a role a permission it should not have turns this red.
"""
from __future__ import annotations

import pytest

CODE = "000.00.01.H26-261125-0001"
ROLES = ("admin", "leader", "intake", "specialist", "trainer", "inspector")
ANYONE = "anyone"   # no login needed
TOKEN = "token"     # an API token, never a browser session (granted tokens are tested in test_api)

# (method, url, who may use it: the roles, spelled out, or ANYONE / TOKEN). One row per route.
ROUTES = [
    ("GET", "/", "admin leader intake specialist trainer inspector"),
    ("POST", "/logout", "admin leader intake specialist trainer inspector"),
    ("GET", "/account/password", "admin leader intake specialist trainer inspector"),
    ("POST", "/account/password", "admin leader intake specialist trainer inspector"),
    ("GET", "/admin/office", "admin"),
    ("POST", "/admin/office", "admin"),
    ("POST", "/admin/calendar", "admin"),
    ("GET", "/admin/calendar/2026-12-31/delete", "admin"),
    ("POST", "/admin/calendar/2026-12-31/delete", "admin"),
    ("GET", "/admin/users", "admin"),
    ("GET", "/admin/users/new", "admin"),
    ("POST", "/admin/users/new", "admin"),
    ("GET", "/admin/users/3", "admin"),
    ("POST", "/admin/users/3", "admin"),
    ("GET", "/admin/users/3/password", "admin"),
    ("POST", "/admin/users/3/password", "admin"),
    ("GET", "/admin/users/3/unlock", "admin"),
    ("POST", "/admin/users/3/unlock", "admin"),
    ("GET", "/admin/users/3/deactivate", "admin"),
    ("POST", "/admin/users/3/deactivate", "admin"),
    ("POST", "/admin/users/3/reactivate", "admin"),
    ("GET", "/admin/tokens", "admin"),
    ("POST", "/admin/tokens", "admin"),
    ("GET", "/admin/tokens/1/revoke", "admin"),
    ("POST", "/admin/tokens/1/revoke", "admin"),
    ("GET", "/intake/new", "admin intake"),
    ("POST", "/intake/new", "admin intake"),
    ("GET", "/intake/procedures?q=khai", "admin intake"),
    ("GET", "/intake/quote?procedure=2.000815&pages=2", "admin intake"),
    ("GET", "/intake/today", "admin leader intake specialist inspector"),
    ("GET", f"/intake/{CODE}", "admin leader intake specialist inspector"),
    ("GET", f"/intake/{CODE}/receipt.pdf", "admin leader intake specialist inspector"),
    ("GET", f"/intake/{CODE}/files/1", "admin leader intake specialist inspector"),
    ("GET", "/dossiers", "admin leader intake specialist inspector"),
    ("GET", "/dossiers?q=nguyen&status=2&totals=1", "admin leader intake specialist inspector"),
    ("GET", "/dossiers/export.csv", "admin leader inspector"),
    ("GET", "/dossiers/export.xlsx", "admin leader inspector"),
    ("GET", "/login", ANYONE),
    ("POST", "/login", ANYONE),
    ("POST", "/language", ANYONE),
    ("GET", "/lookup", ANYONE),
    ("GET", f"/lookup/{CODE}", ANYONE),
    ("GET", "/api/v1/procedures", ANYONE),
    ("GET", "/api/v1/procedures/2.000815/quote", ANYONE),
    ("GET", f"/api/v1/dossiers/{CODE}", ANYONE),
    ("POST", "/api/v1/dossiers", TOKEN),
    ("POST", f"/api/v1/dossiers/{CODE}/payments", TOKEN),
    ("GET", f"/api/v1/dossiers/{CODE}/payments", TOKEN),
    ("POST", f"/payments/{CODE}", "admin intake"),
    ("GET", "/payments/cash", "admin leader intake"),
    ("GET", "/payments/cash.pdf", "admin leader intake"),
    ("GET", "/payments/cash.xlsx", "admin leader intake"),
    ("GET", "/dossiers", "admin leader intake specialist inspector"),
    ("GET", "/dossiers/export.csv", "admin leader inspector"),
    ("GET", "/dossiers/export.xlsx", "admin leader inspector"),
    ("GET", f"/processing/{CODE}/step/start", "admin leader specialist"),
    ("POST", f"/processing/{CODE}/step/start", "admin leader specialist"),
    ("POST", f"/processing/{CODE}/check/1", "admin leader intake specialist"),
    ("POST", f"/processing/{CODE}/assign", "admin leader specialist"),
    ("POST", f"/processing/{CODE}/delay-report", "admin leader specialist"),
    ("GET", f"/processing/{CODE}/form/6.pdf", "admin leader intake specialist inspector"),
    ("GET", "/processing/board", "admin leader intake specialist inspector"),
    ("GET", "/processing/register", "admin leader intake specialist inspector"),
    ("GET", "/processing/register.pdf", "admin leader intake specialist inspector"),
    ("GET", "/processing/checklists", "admin leader"),
    ("GET", "/processing/checklists/2.000815", "admin leader"),
    ("POST", "/processing/checklists/2.000815", "admin leader"),
    ("GET", "/processing/petitions", "admin leader"),
    ("POST", "/processing/petitions/1", "admin leader"),
    ("GET", f"/d/{CODE}/not-the-secret", ANYONE),
    ("POST", f"/d/{CODE}/not-the-secret", ANYONE),
    ("POST", f"/d/{CODE}/not-the-secret/petition", ANYONE),
    ("POST", "/api/v1/verify", ANYONE),
    ("GET", "/verify", ANYONE),
    ("POST", "/verify", ANYONE),
    ("GET", "/verify/" + "ab" * 32, ANYONE),
    ("GET", "/admin/trust-roots", "admin"),
    ("POST", "/admin/trust-roots", "admin"),
    ("GET", "/sign", "leader"),
    ("POST", "/sign", "leader"),
    ("GET", "/sign/token", "leader"),
    ("POST", "/sign/token", "leader"),
    ("GET", "/sign/token/" + "ab" * 32, "leader"),
    ("POST", "/sign/token/" + "ab" * 32, "leader"),
    ("GET", "/sign/files/" + "ab" * 32 + ".pdf", "leader"),
    ("GET", f"/certification/{CODE}", "admin leader intake specialist inspector"),
    ("POST", f"/certification/{CODE}", "admin leader intake"),
    ("GET", f"/certification/{CODE}/endorsements.pdf", "admin leader intake specialist inspector"),
    ("GET", f"/certification/{CODE}/copies/1.pdf", "admin leader intake specialist inspector"),
    ("GET", "/certification/registers?register=signature&month=2026-11", "admin leader intake inspector"),
    ("GET", "/certification/registers.pdf?register=copy&year=2026", "admin leader intake inspector"),
    ("GET", "/certification/settings", "admin"),
    ("POST", "/certification/settings", "admin"),
    ("GET", "/tablet", "admin intake"),
    ("POST", "/tablet", "admin intake"),
    ("POST", f"/tablet/invite/{CODE}", "admin intake"),
    # notifications: one's own notices for the staff who handle dossiers; the applicant outbox for the
    # counter and its leaders; the gateway and mail server settings for the admin
    ("GET", "/notifications/", "admin leader intake specialist"),
    ("GET", "/notifications/outbox", "admin leader intake"),
    ("GET", "/notifications/outbox/1", "admin leader intake"),
    ("GET", "/notifications/outbox/1.pdf", "admin leader intake"),
    ("GET", "/notifications/outbox/print.pdf", "admin leader intake"),
    ("POST", "/notifications/outbox/1/printed", "admin leader intake"),
    ("POST", "/notifications/outbox/1/retry", "admin leader intake"),
    ("GET", "/notifications/settings", "admin"),
    ("POST", "/notifications/settings", "admin"),
    ("POST", "/notifications/settings/test", "admin"),
    ("GET", "/training", "admin trainer"),
    ("GET", "/training/new", "admin trainer"),
    ("POST", "/training/new", "admin trainer"),
    ("GET", "/training/1", "admin trainer"),
    ("GET", "/training/1/edit", "admin trainer"),
    ("POST", "/training/1/edit", "admin trainer"),
    ("POST", "/training/1/check-in", "admin trainer"),
    ("GET", "/training/1/sign-in.pdf", "admin trainer"),
    ("POST", "/training/1/actions", "admin trainer"),
    ("POST", "/training/1/actions/1/done", "admin trainer"),
    ("GET", "/training/recommendations", "admin trainer"),
    ("GET", "/feedback/not-a-token", ANYONE),
    ("POST", "/feedback/not-a-token", ANYONE),
    ("GET", "/feedback/not-a-token/thanks", ANYONE),
    ("GET", "/hotline", "admin trainer"),
    ("GET", "/hotline/new", "admin trainer"),
    ("POST", "/hotline/new", "admin trainer"),
    ("GET", "/hotline/1", "admin trainer"),
    ("POST", "/hotline/1", "admin trainer"),
    ("POST", "/hotline/1/faq", "admin trainer"),
    ("GET", "/hotline/report", "admin leader trainer inspector"),
    ("GET", "/faq", ANYONE),
    ("GET", "/hotline/faq/1", "admin trainer"),
    ("POST", "/hotline/faq/1", "admin trainer"),
    # issue 8: every staff role downloads templates and materials; trainers (and the admin) manage
    # materials and the templates' wording; the public sees the citizen materials only
    ("GET", "/toolkit/templates", "admin leader intake specialist trainer inspector"),
    ("GET", "/toolkit/templates/leaflet.pdf", "admin leader intake specialist trainer inspector"),
    ("GET", "/toolkit/templates/guide-online.docx", "admin leader intake specialist trainer inspector"),
    ("GET", "/toolkit/templates/poster.png", "admin leader intake specialist trainer inspector"),
    ("GET", "/toolkit/templates/standee/edit", "admin trainer"),
    ("POST", "/toolkit/templates/standee/edit", "admin trainer"),
    ("GET", "/materials", ANYONE),
    ("GET", "/materials/1/download", ANYONE),
    ("GET", "/materials/new", "admin trainer"),
    ("POST", "/materials/new", "admin trainer"),
    ("GET", "/materials/1", "admin leader intake specialist trainer inspector"),
    ("POST", "/materials/1", "admin trainer"),
    ("GET", "/materials/1/versions/1", "admin leader intake specialist trainer inspector"),
    # electronic results: specialists and leaders (and the admin) draft, only the leader signs or exempts
    ("GET", f"/results/{CODE}", "admin leader intake specialist inspector"),
    ("POST", f"/results/{CODE}/draft", "admin leader specialist"),
    ("POST", f"/results/{CODE}/upload", "admin leader specialist"),
    ("POST", f"/results/{CODE}/1/sign", "leader"),
    ("POST", f"/results/{CODE}/1/prepare", "leader"),
    ("POST", f"/results/{CODE}/1/token", "leader"),
    ("GET", f"/results/{CODE}/1.pdf", "admin leader intake specialist inspector"),
    ("POST", f"/results/{CODE}/exempt", "leader"),
    ("GET", "/results/keystore", "admin leader"),
    ("POST", "/results/keystore/unlock", "admin leader"),
    ("POST", "/results/keystore/lock", "admin leader"),
    ("POST", "/results/keystore/install", "admin"),
    # remote signing: only the leader signs (and watches their own signature); the admin sets it up
    ("POST", f"/results/{CODE}/1/remote", "leader"),
    ("GET", f"/results/{CODE}/remote/no-such-job", "leader"),
    ("POST", "/results/remote-settings", "admin"),
    ("GET", "/verify/r/" + "ab" * 16, ANYONE),
    ("GET", f"/d/{CODE}/not-the-secret/result.pdf", ANYONE),
    ("GET", f"/d/{CODE}/not-the-secret/copies/1.pdf", ANYONE),
]


@pytest.fixture
def with_dossier(app):
    """One dossier received at the counter, so the dossier routes have something to show."""
    import datetime as dt

    from models import db
    from services import accounts, intake, office
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
        accounts.create_token("portal")  # API token 1, for the token pages
        db.close()


def test_the_matrix_is_well_formed():
    for _method, _url, who in ROUTES:
        assert who in (ANYONE, TOKEN) or set(who.split()) <= set(ROLES), who


@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize("method,url,who", ROUTES, ids=[f"{m} {u}" for m, u, _ in ROUTES])
def test_access(login, with_dossier, role, method, url, who):
    session = login(role)
    response = session.get(url) if method == "GET" else session.post(url)
    status = response.status_code
    body = response.get_data()[:300]
    if who == TOKEN:
        assert status == 401, status
    elif who == ANYONE or (role is not None and role in who.split()):
        assert status not in (401, 403) and status < 500, (status, body)
    elif role is None:
        assert status == 302 and "/login" in response.headers["Location"], status
    else:
        assert status == 403, (status, body)
        assert "không có quyền" in response.get_data(as_text=True)


def test_every_route_is_in_the_matrix(app):
    declared = {(m, u.split("?")[0]) for m, u, _w in ROUTES}
    import re

    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            pattern = re.sub(r"<[^>]+>", "[^/]+", rule.rule) + "$"
            assert any(m == method and re.match(pattern, u) for m, u in declared), (method, rule.rule)
