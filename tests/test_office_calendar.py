"""The office's own days off, make-up days and hours reach the appointment of a dossier saved at the
counter (the route, the service and office.calendar() together). Expected times worked by hand."""
from __future__ import annotations

import datetime as dt

import pytest

from models import Dossier
from services import office
from services.calendar import VN_TZ
from tests.conftest import APPLICANT
from tests.test_intake_form import _post, _scans


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def receive_at(login, app, monkeypatch, when: str, code: str) -> dt.datetime:
    """Save a dossier at the counter at ``when`` and return its stored appointment."""
    monkeypatch.setattr("blueprints.intake.now", lambda: at(when))
    session = login("intake")
    response = _post(session, {"procedure": code, "channel": "1", **APPLICANT, **_scans(session, code)})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        return Dossier.select().order_by(Dossier.id.desc()).get().appointment_at


def settings(app, **values):
    with app.app_context():
        if values:
            office.update_settings(values, "test")


def override(app, day: str, working: bool):
    with app.app_context():
        office.set_override(dt.date.fromisoformat(day), working, "thông báo của tỉnh", "test")


# 2.001035 (contracts): 2 working days. Received Wednesday 25 Nov 2026 10:00.
def test_without_overrides(login, app, monkeypatch):
    # Thu 26 (1), Fri 27 (2) -> Friday 10:00
    assert receive_at(login, app, monkeypatch, "2026-11-25 10:00", "2.001035") == at("2026-11-27 10:00")


def test_an_office_day_off_reaches_the_appointment(login, app, monkeypatch):
    override(app, "2026-11-26", working=False)
    # Thu 26 off: Fri 27 (1), Mon 30 (2) -> Monday 10:00
    assert receive_at(login, app, monkeypatch, "2026-11-25 10:00", "2.001035") == at("2026-11-30 10:00")


def test_a_make_up_working_day_reaches_the_appointment(login, app, monkeypatch):
    override(app, "2026-11-26", working=False)
    override(app, "2026-11-28", working=True)
    # Thu 26 off, Sat 28 worked: Fri 27 (1), Sat 28 (2) -> Saturday 10:00
    assert receive_at(login, app, monkeypatch, "2026-11-25 10:00", "2.001035") == at("2026-11-28 10:00")


@pytest.mark.parametrize("when,expected", [
    # 2.000884 (signatures), the 15:00 rule, office hours 08:00-11:30 and 13:30-16:30:
    ("2026-11-25 16:45", "2026-11-26 16:30"),  # after closing: from Thu 08:00, before 15:00 -> Thu closing
    ("2026-11-25 07:50", "2026-11-25 16:30"),  # before the office's opening: from 08:00, same day closing
    ("2026-11-25 15:10", "2026-11-26 16:30"),  # after 15:00: next working day's closing
])
def test_office_hours_reach_the_appointment(login, app, monkeypatch, when, expected):
    settings(app, morning_start="08:00", afternoon_end="16:30")
    assert receive_at(login, app, monkeypatch, when, "2.000884") == at(expected)
