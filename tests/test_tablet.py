"""The counter tablet: the officer sends a returned dossier's rating to a tablet, the applicant taps one
of three buttons, one rating per dossier."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from models import AuditEvent, Dossier, Rating, User
from services import tablet
from tests.conftest import Session, csrf_from
from tests.processing_helpers import at, receive, step, using


def _returned(app, procedure="2.000884"):
    with using(app):
        d = receive(app, procedure, "2026-11-16 09:00")
        step(d.code, "settle", "2026-11-16 10:00")
        step(d.code, "return", "2026-11-16 11:00", by="intake", method="counter", recipient="Nguyễn Thị Hường")
        return d.code


def _second_device(app, username="intake"):
    """Another browser (the tablet) logged in as ``username``."""
    return Session(app.test_client(), username)


def _invite(officer, code, **form):
    return officer.post(f"/tablet/invite/{code}", data=form)


def test_officer_invites_and_the_applicant_rates_on_the_tablet_without_javascript(app, login):
    code = _returned(app)
    officer = login("intake")
    page = officer.get(f"/intake/{code}").get_data(as_text=True)
    assert "Mời đánh giá trên máy tính bảng" in page
    device = _second_device(app)
    waiting = device.get("/tablet").get_data(as_text=True)
    assert 'http-equiv="refresh"' in waiting and "<noscript>" in waiting  # reloads itself without JavaScript
    assert 'class="top"' not in waiting  # no navigation for the applicant
    assert "Hài lòng" not in waiting

    response = _invite(officer, code)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/intake/{code}#rate-on-tablet")
    shown = device.get("/tablet").get_data(as_text=True)
    with using(app):
        procedure = Dossier.get(Dossier.code == code).version.procedure.name
    assert code in shown and procedure in shown
    assert len(re.findall(r'<button type="submit" name="level" value="[123]"', shown)) == 3
    assert 'http-equiv="refresh"' not in shown  # nothing reloads under the applicant's finger

    response = device.post("/tablet", data={"code": code, "level": "1", "csrf_token": csrf_from(shown)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/tablet?thanks=1")
    thanks = device.get("/tablet?thanks=1").get_data(as_text=True)
    assert "Cảm ơn" in thanks and 'url=/tablet"' in thanks
    with using(app):
        rating = Rating.get()
        assert (rating.dossier.code, rating.level) == (code, 1)
        invite = AuditEvent.get(AuditEvent.action == "dossier.rating-invite")
        assert (invite.actor, invite.entity_id, invite.after) == ("intake", code, {"tablet": "intake"})
    assert "Hài lòng" not in device.get("/tablet").get_data(as_text=True)  # back to waiting
    again = device.post("/tablet", data={"code": code, "level": "3", "csrf_token": csrf_from(shown)})
    assert again.status_code == 422 and "đã kết thúc" in again.get_data(as_text=True)
    page = officer.get(f"/intake/{code}").get_data(as_text=True)
    assert "Người nộp đã đánh giá hồ sơ này: Hài lòng." in page
    assert "Mời đánh giá trên máy tính bảng" not in page
    assert _invite(officer, code).status_code == 302
    with using(app):
        assert Rating.select().count() == 1 and Rating.get().level == 1


def test_htmx_polls_swap_only_when_something_changed(app, login):
    code = _returned(app)
    officer, device = login("intake"), _second_device(app)
    hx = {"HX-Request": "true"}
    waiting = device.get("/tablet", headers=hx)
    body = waiting.get_data(as_text=True)
    assert waiting.status_code == 200 and "<html" not in body and 'hx-trigger="every 3s"' in body
    assert _invite(officer, code).status_code == 302
    shown = device.get("/tablet", headers=hx)
    assert code in shown.get_data(as_text=True) and "<html" not in shown.get_data(as_text=True)
    same = device.get(f"/tablet?showing={code}", headers=hx)
    assert same.status_code == 204 and same.data == b""
    csrf = csrf_from(device.get("/tablet").get_data(as_text=True))
    rated = device.post("/tablet", data={"code": code, "level": "2", "csrf_token": csrf}, headers=hx)
    assert rated.status_code == 200 and "Cảm ơn" in rated.get_data(as_text=True)
    assert "<html" not in rated.get_data(as_text=True)
    gone = device.get(f"/tablet?showing={code}", headers=hx)
    assert gone.status_code == 200 and code not in gone.get_data(as_text=True)


def test_the_invite_fragment_for_htmx(app, login):
    code = _returned(app)
    officer = login("intake")
    response = officer.post(f"/tablet/invite/{code}", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="rate-on-tablet"' in body and "Đã gửi tới máy tính bảng" in body


def test_a_level_must_be_chosen_and_the_choice_is_kept(app, login):
    code = _returned(app)
    officer, device = login("intake"), _second_device(app)
    _invite(officer, code)
    csrf = csrf_from(device.get("/tablet").get_data(as_text=True))
    for level in ("", "4", "x"):
        response = device.post("/tablet", data={"code": code, "level": level, "comment": "Nhanh gọn",
                                                "csrf_token": csrf})
        body = response.get_data(as_text=True)
        assert response.status_code == 422 and "Vui lòng chọn mức độ hài lòng." in body
        assert "Nhanh gọn" in body and code in body  # still the same dossier, the comment kept
    with using(app):
        assert Rating.select().count() == 0
    device.post("/tablet", data={"code": code, "level": "3", "comment": "Chờ lâu", "csrf_token": csrf})
    with using(app):
        assert (Rating.get().level, Rating.get().comment) == (3, "Chờ lâu")


def test_a_tablet_rates_only_the_dossier_it_was_sent(app, login):
    code = _returned(app)
    other = _returned(app)
    officer, device = login("intake"), _second_device(app)
    _invite(officer, code)
    csrf = csrf_from(device.get("/tablet").get_data(as_text=True))
    response = device.post("/tablet", data={"code": other, "level": "1", "csrf_token": csrf})
    assert response.status_code == 422 and code in response.get_data(as_text=True)
    with using(app):
        assert Rating.select().count() == 0


@pytest.mark.parametrize("action", ["start", "none"])
def test_only_a_dossier_with_its_result_ready_can_be_sent(app, login, action):
    with using(app):
        d = receive(app, "2.000884", "2026-11-16 09:00")
        if action == "start":
            step(d.code, "start", "2026-11-16 09:30")
    officer = login("intake")
    assert "Mời đánh giá trên máy tính bảng" not in officer.get(f"/intake/{d.code}").get_data(as_text=True)
    response = officer.post(f"/tablet/invite/{d.code}", headers={"HX-Request": "true"})
    assert response.status_code == 422 and "khi hồ sơ đã có kết quả" in response.get_data(as_text=True)
    device = _second_device(app)
    assert d.code not in device.get("/tablet").get_data(as_text=True)


def test_a_device_account_with_its_tablet_open_can_be_chosen(app, login):
    code = _returned(app)
    device = _second_device(app, "admin")  # an account used only by the tablet
    device.get("/tablet")  # the tablet is open
    officer = login("intake")
    page = officer.get(f"/intake/{code}").get_data(as_text=True)
    with using(app):
        admin_id = User.get(User.username == "admin").id
    assert f'<option value="{admin_id}">' in page
    response = _invite(officer, code, tablet=str(admin_id))
    assert response.status_code == 302
    assert code in device.get("/tablet").get_data(as_text=True)
    own = _second_device(app, "intake")
    assert code not in own.get("/tablet").get_data(as_text=True)  # the officer's own tablet got nothing


def test_a_tablet_that_is_not_open_cannot_be_chosen(app, login):
    code = _returned(app)
    officer = login("intake")
    with using(app):
        admin_id = User.get(User.username == "admin").id
    response = officer.post(f"/tablet/invite/{code}", data={"tablet": str(admin_id)}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "không còn mở" in response.get_data(as_text=True)


def test_rated_from_the_receipt_qr_page_meanwhile(app, login):
    code = _returned(app)
    officer, device = login("intake"), _second_device(app)
    _invite(officer, code)
    with using(app):
        from services import ratings

        ratings.rate(Dossier.get(Dossier.code == code), 2, "")
    assert code not in device.get("/tablet").get_data(as_text=True)


def test_invitations_expire_and_tablets_close(app):
    registry = tablet.Invitations()
    t0 = at("2026-11-16 11:00")
    registry.put(7, tablet.Invitation(1, "intake", t0))
    registry.saw(7, t0)
    assert registry.get(7, t0 + dt.timedelta(minutes=15)) is not None
    assert registry.pending_for(1, t0 + dt.timedelta(minutes=15)) == [7]
    assert registry.open_tablets(t0 + dt.timedelta(minutes=2)) == [7]
    assert registry.open_tablets(t0 + dt.timedelta(minutes=2, seconds=1)) == []
    assert registry.pending_for(1, t0 + dt.timedelta(minutes=15, seconds=1)) == []
    assert registry.get(7, t0 + dt.timedelta(minutes=15, seconds=1)) is None
    assert registry.get(7, t0) is None  # dropped for good


def test_the_tablet_page_needs_a_login(client):
    response = client.get("/tablet")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("tablet_id", [str(2 ** 63), str(2 ** 70), "-5", "abc", "7\x00"])
def test_an_odd_tablet_choice_is_not_a_server_error(app, login, tablet_id):
    code = _returned(app)
    officer = login("intake")
    response = officer.post(f"/tablet/invite/{code}", data={"tablet": tablet_id}, headers={"HX-Request": "true"})
    assert response.status_code in (200, 422)
