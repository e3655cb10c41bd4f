"""Builders for processing tests: dossiers received at a fixed clock, steps performed at fixed clocks."""
from __future__ import annotations

import datetime as dt

from models import User
from services import intake, office, transitions
from services.calendar import VN_TZ
from tests.conftest import APPLICANT


def at(text: str) -> dt.datetime:
    """'2026-11-16 08:00' in Vietnam time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def receive(app, procedure: str, when: str, channel: int = 1, user: str | None = "intake"):
    moment = at(when)
    _, version = intake.procedure_for(procedure, moment.date())
    comps = [intake.ReceivedComponent(c.name, 1, 0, c.id) for c in version.components]
    data = intake.IntakeData(version=version, channel=channel, received_at=moment, components=comps,
                             missing_scan_reason="test", **intake.validate_applicant(APPLICANT, {}))
    officer = User.get(User.username == user) if user else None
    return intake.receive(data, office.calendar(), "000.00.01.H26", app.config["DATA_DIR"], "test",
                          user=officer)


def step(code: str, action: str, when: str | None = None, by: str = "admin", reason: str = "",
         appointment: str | None = None, settle_gate: bool = False, **details):
    """Perform one step. Settling a dossier whose procedure issues a result first records the leader's
    exemption (these tests are about statuses and the clock), unless ``settle_gate`` asks to meet the
    gate as it is (tests/test_results.py)."""
    if action == "settle" and not settle_gate:
        exempt_result(code)
    data = transitions.EventInput(action, at=at(when) if when else None, reason=reason,
                                  appointment=at(appointment) if appointment else None, details=details)
    settings = office.get_office()
    return transitions.perform(code, data, User.get(User.username == by), office.calendar(),
                               settings.max_extensions)


def exempt_result(code: str) -> None:
    """The leader's exemption from the electronic result, when the procedure needs one and none is there."""
    from models import Dossier
    from services import results

    dossier = Dossier.get_or_none(Dossier.code == code)
    if dossier is not None and dossier.status in results.OPEN_STATUSES and not results.may_settle(dossier):
        results.exempt(dossier, "Kết quả trả bằng bản giấy", User.get(User.username == "leader"))


class using:
    """`with using(app):` an app context with an open connection, closed again so that HTTP requests
    made afterwards get their own context (Flask-Login caches the user on the app context)."""

    def __init__(self, app):
        self.context = app.app_context()

    def __enter__(self):
        from models import db

        self.context.push()
        db.connect(reuse_if_open=True)

    def __exit__(self, *exc):
        from models import db

        db.close()
        self.context.pop()
