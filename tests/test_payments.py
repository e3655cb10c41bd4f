"""Payment of fee lines: the service, the counter's cash form, and the API for online payments."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import AuditEvent, DossierFee, User
from services import accounts, intake, office, payments
from services.calendar import VN_TZ
from tests.conftest import APPLICANT, make_pdf

WHEN = dt.datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ)


def receive(app, code="2.000884", channel=1, when=WHEN, originals=()):
    """A dossier received through the service (signature certification: one fixed fee of 10,000 đ);
    ``originals``: (pages, copies) of each original brought for copy certification."""
    _, version = intake.procedure_for(code, when.date())
    components = [intake.ReceivedComponent(c.name, 1, 0, c.id, intake.Upload("a.pdf", make_pdf(c.name)),
                                           "application/pdf") for c in version.components]
    components += [intake.ReceivedComponent(f"Bản chính {n}", 1, copies, None,
                                            intake.Upload("b.pdf", make_pdf(f"{n}")), "application/pdf",
                                            pages=pages)
                   for n, (pages, copies) in enumerate(originals, 1)]
    data = intake.IntakeData(version=version, channel=channel, received_at=when, components=components,
                             **intake.validate_applicant(APPLICANT, {}))
    return intake.receive(data, office.calendar(), "000.00.01.H26", app.config["DATA_DIR"], "tester")


def _lines(dossier):
    return list(DossierFee.select().where(DossierFee.dossier == dossier).order_by(DossierFee.id))


# --- the service -----------------------------------------------------------------------------

def test_cash_payment_is_recorded_with_its_audit_event(ctx):
    dossier = receive(ctx)
    officer = User.get(User.username == "intake")
    at = dt.datetime(2026, 11, 25, 9, 20, tzinfo=VN_TZ)
    paid = payments.collect_cash(dossier, [f.id for f in _lines(dossier)], " BL-0012 ", at, officer)
    assert [(p.amount, p.payment_method, p.receipt_no, p.collected_by_id, p.paid_at) for p in paid] == [
        (10000, "cash", "BL-0012", officer.id, at)]
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.actor, event.action, event.entity_id) == ("intake", "fee.pay", dossier.code)
    assert event.after["amount"] == 10000 and event.after["method"] == "cash"


def test_a_fee_is_paid_once(ctx):
    dossier = receive(ctx)
    officer = User.get(User.username == "intake")
    ids = [f.id for f in _lines(dossier)]
    payments.collect_cash(dossier, ids, "BL-1", WHEN, officer)
    events = AuditEvent.select().count()
    with pytest.raises(payments.PaymentError) as exc:
        payments.collect_cash(dossier, ids, "BL-2", WHEN, officer)
    assert exc.value.message == "This fee is already paid."
    assert _lines(dossier)[0].receipt_no == "BL-1" and AuditEvent.select().count() == events


@pytest.mark.parametrize("receipt_no,message", [("", "Enter the receipt (biên lai) number."),
                                                ("x" * 51, "The receipt number has at most 50 characters.")])
def test_the_receipt_number_is_required(ctx, receipt_no, message):
    dossier = receive(ctx)
    with pytest.raises(payments.PaymentError) as exc:
        payments.collect_cash(dossier, None, receipt_no, WHEN, User.get(User.username == "intake"))
    assert exc.value.message == message
    assert _lines(dossier)[0].paid_at is None


def test_the_amount_must_match_what_is_due(ctx):
    dossier = receive(ctx)
    with pytest.raises(payments.PaymentError):
        payments.pay(dossier, None, "portal", "GD-1", WHEN, "api:portal", amount=9999)
    assert _lines(dossier)[0].paid_at is None
    payments.pay(dossier, None, "portal", "GD-1", WHEN, "api:portal", amount=10000)
    assert _lines(dossier)[0].payment_method == "portal"


def test_nothing_to_pay_on_a_free_procedure(ctx):
    dossier = receive(ctx, "1.001193")  # birth registration: free
    with pytest.raises(payments.PaymentError) as exc:
        payments.collect_cash(dossier, None, "BL-1", WHEN, User.get(User.username == "intake"))
    assert exc.value.message == "Nothing is left to pay on this dossier."


# --- the counter -----------------------------------------------------------------------------

@pytest.fixture
def dossier(app):
    from models import db
    with app.app_context():
        db.connect(reuse_if_open=True)
        made = receive(app)
        db.close()
    return made


def test_dossier_page_offers_the_cash_form_to_those_who_collect(login, dossier):
    page = login("intake").get(f"/intake/{dossier.code}").get_data(as_text=True)
    assert "Phí, lệ phí và thanh toán" in page and "Ghi nhận đã thu tiền mặt" in page
    assert "Chưa nộp" in page and "10.000 đ" in page


def test_a_leader_sees_the_fees_but_no_cash_form(client, login, dossier):
    page = login("leader").get(f"/intake/{dossier.code}").get_data(as_text=True)
    assert "Chưa nộp" in page and "Ghi nhận đã thu tiền mặt" not in page


def test_recording_cash_without_javascript(login, dossier):
    session = login("intake")
    page = session.get(f"/intake/{dossier.code}").get_data(as_text=True)
    import re
    line = re.search(r'name="line" value="(\d+)"', page).group(1)
    response = session.post(f"/payments/{dossier.code}", data={"line": line, "receipt_no": "0000123"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/intake/{dossier.code}")
    page = session.get(f"/intake/{dossier.code}").get_data(as_text=True)
    assert "Đã thu tiền mặt: 10.000 đ, biên lai số 0000123." in page
    assert "Đã nộp" in page and "Tiền mặt tại quầy" in page and "Cán bộ intake" in page
    assert "Ghi nhận đã thu tiền mặt" not in page  # nothing left to collect


def test_a_missing_receipt_number_comes_back_with_the_ticks(login, dossier, app):
    session = login("intake")
    response = session.post(f"/payments/{dossier.code}", data={"line": "1", "receipt_no": " "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Vui lòng nhập số biên lai." in html and 'value="1" checked' in html
    response = session.post(f"/payments/{dossier.code}", data={"receipt_no": "BL-9"})
    assert response.status_code == 422 and "Vui lòng đánh dấu các khoản đang nộp." in response.get_data(as_text=True)
    with app.app_context():
        assert DossierFee.get(DossierFee.dossier == dossier.id).paid_at is None


def test_recording_cash_with_htmx_answers_the_fragment(login, dossier):
    response = login("intake").post(f"/payments/{dossier.code}", data={"line": "1", "receipt_no": "BL-7"},
                                    headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith("{#") is False
    assert 'id="fees"' in html and "<html" not in html and "biên lai số BL-7" in html


@pytest.mark.parametrize("role", ["leader", "specialist", "trainer", "inspector"])
def test_only_collectors_record_cash(login, dossier, role):
    response = login(role).post(f"/payments/{dossier.code}", data={"line": "1", "receipt_no": "BL-1"})
    assert response.status_code == 403


# --- the API ---------------------------------------------------------------------------------

@pytest.fixture
def token(ctx, monkeypatch):
    monkeypatch.setattr("blueprints.api.now", lambda: dt.datetime(2026, 11, 25, 10, 0, tzinfo=VN_TZ))
    return accounts.create_token("portal")


def _pay(client, token, code, **body):
    return client.post(f"/api/v1/dossiers/{code}/payments", json=body,
                       headers={"Authorization": f"Bearer {token}"})


def test_online_payment_through_the_api(client, ctx, token):
    dossier = receive(ctx, channel=2)
    response = _pay(client, token, dossier.code.lower(), method=1, receipt_no="DVCQG-778899", amount=10000,
                    paid_at="2026-11-25T09:30:00+07:00")
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {
        "code": dossier.code, "fee": 10000, "paid": True,
        "fee_lines": [{"line": 1, "name": "Phí chứng thực chữ ký", "amount": 10000,
                       "paid_at": "2026-11-25T09:30:00+07:00", "method": "portal", "receipt_no": "DVCQG-778899"}]}
    line = _lines(dossier)[0]
    assert line.collected_by is None and line.payment_method in payments.ONLINE_METHODS
    again = client.get(f"/api/v1/dossiers/{dossier.code}/payments", headers={"Authorization": f"Bearer {token}"})
    assert again.get_json() == response.get_json()
    repeat = _pay(client, token, dossier.code, method="gateway", receipt_no="X", amount=10000)
    assert repeat.status_code == 409 and "không còn khoản nào phải nộp" in repeat.get_json()["error"]["message"]


@pytest.mark.parametrize("body,field", [
    ({"method": "cash", "receipt_no": "1", "amount": 10000}, "method"),
    ({"method": 3, "receipt_no": "1", "amount": 10000}, "method"),
    ({"method": ["portal"], "receipt_no": "1", "amount": 10000}, "method"),
    ({"method": "portal", "receipt_no": 5, "amount": 10000}, "receipt_no"),
    ({"method": "portal", "receipt_no": "\ud800", "amount": 10000}, "receipt_no"),
    ({"method": "portal", "receipt_no": "1", "amount": "10000"}, "amount"),
    ({"method": "portal", "receipt_no": "1", "amount": True}, "amount"),
    ({"method": "portal", "receipt_no": "1", "amount": 10000, "paid_at": "2026-11-25T10:05:00+07:00"}, "paid_at"),
    ({"method": "portal", "receipt_no": "1", "amount": 10000, "paid_at": "2026-11-25T08:59:00+07:00"}, "paid_at"),
    ({"method": "portal", "receipt_no": "1", "amount": 10000, "paid_at": "9999-12-31T23:59:59"}, "paid_at"),
    ({"method": "portal", "receipt_no": "1", "amount": 10000, "fee_lines": [2]}, "fee_lines"),
    ({"method": "portal", "receipt_no": "1", "amount": 10000, "fee_lines": [True]}, "fee_lines"),
])
def test_bad_payments_are_refused_and_nothing_is_paid(client, ctx, token, body, field):
    dossier = receive(ctx, channel=2)
    response = _pay(client, token, dossier.code, **body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert _lines(dossier)[0].paid_at is None


def test_payments_need_a_token_and_a_dossier(client, ctx, token):
    dossier = receive(ctx)
    assert client.post(f"/api/v1/dossiers/{dossier.code}/payments", json={}).status_code == 401
    assert _pay(client, token, "000.00.01.H26-261125-9999", method=1).status_code == 404
    wrong = _pay(client, token, dossier.code, method=1, receipt_no="GD-1", amount=5000)
    assert wrong.status_code == 409 and "khác với số phí" in wrong.get_json()["error"]["message"]


def test_online_fees_follow_the_channel(client, ctx, token):
    from models import Fee, Procedure, ProcedureVersion
    version_ids = (ProcedureVersion.select(ProcedureVersion.id).join(Procedure)
                   .where(Procedure.code == "2.000884"))
    Fee.update(online_percent=50).where(Fee.version.in_(version_ids)).execute()
    quote = client.get("/api/v1/procedures/2.000884/quote?channel=2&received_at=2026-11-25T09:00:00%2B07:00")
    counter = client.get("/api/v1/procedures/2.000884/quote?received_at=2026-11-25T09:00:00%2B07:00")
    # 10,000 at the counter; the province charges 50% online: 5,000
    assert (quote.get_json()["fee"], counter.get_json()["fee"]) == (5000, 10000)
    assert receive(ctx, channel=2).fee_total == 5000


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2 ** 70), max_value=2 ** 70) | st.floats()
    | st.text(max_size=8) | st.sampled_from(["portal", "gateway", "cash", "\ud800", 10000, 1, 2]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=2),
    max_leaves=5)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.fixed_dictionaries({}, optional={"method": JSON, "receipt_no": JSON, "amount": JSON,
                                                "paid_at": JSON, "fee_lines": JSON}))
def test_no_payment_body_gives_a_5xx_or_half_a_payment(client, ctx, token, body):
    dossier = receive(ctx, channel=2)
    events = AuditEvent.select().count()
    response = _pay(client, token, dossier.code, **body)
    assert response.status_code < 500 and response.is_json
    line = _lines(dossier)[0]
    if response.status_code == 201:
        assert line.paid_at is not None and AuditEvent.select().count() == events + 1
    else:
        assert line.paid_at is None and AuditEvent.select().count() == events
