"""Online dossiers arrive registered (status 1) with no appointment; postal ones are accepted at once."""
from __future__ import annotations

import datetime as dt

from models import AuditEvent, Dossier, User
from services.calendar import VN_TZ
from tests.conftest import make_pdf
from tests.test_payments import receive

FRIDAY_1610 = dt.datetime(2026, 11, 20, 16, 10, tzinfo=VN_TZ)


def test_online_dossier_has_no_appointment_until_accepted(ctx):
    dossier = receive(ctx, "2.000884", channel=2, when=FRIDAY_1610)
    saved = Dossier.get_by_id(dossier.id)
    assert (saved.status, saved.appointment_at, saved.received_at) == (1, None, FRIDAY_1610)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert event.after["status"] == 1 and event.after["appointment_at"] is None


def test_postal_dossier_is_accepted_with_its_appointment(ctx):
    dossier = receive(ctx, "2.000884", channel=3, when=FRIDAY_1610)
    saved = Dossier.get_by_id(dossier.id)
    # signature certification, 15:00 rule: received Friday 16:10 -> 17:00 on Monday 23 November
    assert (saved.status, saved.appointment_at) == (2, dt.datetime(2026, 11, 23, 17, 0, tzinfo=VN_TZ))


def test_from_online_submission_to_a_printable_receipt(client, ctx, monkeypatch, login):
    """Submitted Friday 20 November 16:10 through the API (by the submission time the 15:00 rule would
    give Monday 17:00); accepted Monday 23 November 15:30, after 15:00: the clock runs from the
    acceptance: the next working day is not Tuesday 24 November (Vietnamese Culture Day, a day off
    since 2026) but Wednesday 25 November, 17:00; and only then the receipt prints."""
    from services import accounts, office, transitions
    from services.transitions import EventInput
    monkeypatch.setattr("blueprints.api.now", lambda: dt.datetime(2026, 11, 20, 16, 30, tzinfo=VN_TZ))
    token = accounts.create_token("portal")
    body = {"procedure": "2.000884", "channel": 2, "received_at": "2026-11-20T16:10:00+07:00",
            "applicant": {"type": 1, "name": "Trần Thị Bích Ngọc", "id_number": "001195067890",
                          "phone": "0987654321", "address": "Tổ 3, phường Hà Đông"},
            "components": [{"name": "Giấy tờ", "file_name": "a.pdf",
                            "content_base64": __import__("base64").b64encode(make_pdf("x")).decode()}]}
    made = client.post("/api/v1/dossiers", json=body, headers={"Authorization": f"Bearer {token}"}).get_json()
    assert (made["status"], made["appointment"], made["receipt_url"]) == (1, None, None)
    leader = User.get(User.username == "leader")
    accepted_at = dt.datetime(2026, 11, 23, 15, 30, tzinfo=VN_TZ)
    dossier, _ = transitions.perform(made["code"], EventInput("accept", at=accepted_at), leader, office.calendar())
    assert (dossier.status, dossier.appointment_at) == (2, dt.datetime(2026, 11, 25, 17, 0, tzinfo=VN_TZ))
    status = client.get(f"/api/v1/dossiers/{made['code'].lower()}").get_json()
    assert status["appointment"] == "2026-11-25T17:00:00+07:00"
    receipt = login("intake").get(f"/intake/{made['code']}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
