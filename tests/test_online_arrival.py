"""Online dossiers arrive registered (status 1) with no appointment; postal ones are accepted at once."""
from __future__ import annotations

import datetime as dt

from models import AuditEvent, Dossier
from services.calendar import VN_TZ
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
