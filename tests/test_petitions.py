"""Petitions: filed from the citizen's page, due in 10 working days, answered and closed by a leader."""
from __future__ import annotations

import pytest

from models import AuditEvent, Dossier, Petition
from services import office, petitions
from tests.conftest import Session, csrf_from
from tests.processing_helpers import at, receive, using


def test_due_date_counts_working_days(ctx):
    d = receive(ctx, "1.004873", "2026-11-16 08:00")
    # Fri 20 Nov 10:00 + 10 working days (Tue 24 Nov is a day off): 23, 25, 26, 27, 30, 1, 2, 3, 4, 7 Dec
    petition = petitions.file(d, "Cán bộ hẹn sai ngày", office.calendar(), at("2026-11-20 10:00"))
    assert petition.due_at == at("2026-12-07 10:00")
    with pytest.raises(petitions.PetitionError):
        petitions.file(d, "   ", office.calendar())
    for _ in range(2):
        petitions.file(d, "Thêm", office.calendar())
    with pytest.raises(petitions.PetitionError):
        petitions.file(d, "Quá nhiều", office.calendar())


def test_citizen_files_and_leader_answers(app):
    with using(app):
        d = receive(app, "1.004873", "2026-11-23 08:00")
        code, secret = d.code, Dossier.get_by_id(d.id).secret
    citizen = app.test_client()
    url = f"/d/{code}/{secret}"
    token = csrf_from(citizen.get(url).get_data(as_text=True))
    response = citizen.post(f"{url}/petition", data={"csrf_token": token, "petition": ""})
    assert response.status_code == 422 and "Vui lòng ghi nội dung" in response.get_data(as_text=True)
    response = citizen.post(f"{url}/petition", data={"csrf_token": token, "petition": "Tôi chưa được hẹn rõ giờ"})
    assert response.status_code == 302
    assert "Đang chờ trả lời" in citizen.get(url).get_data(as_text=True)
    leader = Session(app.test_client(), "leader")
    page = leader.get("/processing/petitions").get_data(as_text=True)
    assert "Tôi chưa được hẹn rõ giờ" in page
    with using(app):
        pid = Petition.get().id
    assert leader.post(f"/processing/petitions/{pid}", data={"answer": " "}).status_code == 422
    response = leader.post(f"/processing/petitions/{pid}", data={"answer": "Giờ hẹn là 08:00 ngày 27/11/2026."})
    assert response.status_code == 302
    assert "Giờ hẹn là 08:00" in citizen.get(url).get_data(as_text=True)
    assert leader.post(f"/processing/petitions/{pid}", data={"answer": "Lần nữa"}).status_code == 422
    with using(app):
        assert AuditEvent.select().where(AuditEvent.action.startswith("petition.")).count() == 2
    assert Session(app.test_client(), "specialist").get("/processing/petitions").status_code == 403
    assert citizen.post(f"/d/{code}/wrong/petition", data={"csrf_token": token, "petition": "x"}).status_code == 404


def test_a_petition_id_past_the_database_integers_is_not_found(app):
    response = Session(app.test_client(), "leader").post(f"/processing/petitions/{2 ** 63}", data={"answer": "Đã rõ"})
    assert response.status_code == 404
