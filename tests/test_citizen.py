"""The citizen's page behind the receipt's QR link: the secret, the timeline without names, one rating."""
from __future__ import annotations

import io

from pypdf import PdfReader

from models import AuditEvent, Dossier, Rating
from tests.conftest import Session, csrf_from
from tests.processing_helpers import receive, step, using


def _dossier(app):
    with using(app):
        d = receive(app, "1.004873", "2026-11-23 08:00")
        step(d.code, "start", "2026-11-23 09:00", by="specialist")
        return d.code, Dossier.get(Dossier.code == d.code).secret


def test_the_secret_opens_the_page_and_a_wrong_one_does_not(app):
    code, secret = _dossier(app)
    assert len(secret) >= 12
    client = app.test_client()
    page = client.get(f"/d/{code}/{secret}").get_data(as_text=True)
    assert "Đang xử lý" in page and "08:00 27/11/2026" in page
    assert "Cán bộ" not in page and "Nguyễn Thị Hường" not in page  # no names of officers or applicant
    assert "Đánh giá" not in page and 'name="level"' not in page  # not settled yet: nothing to rate
    response = client.post(f"/d/{code}/{secret}", data={"csrf_token": csrf_from(page), "level": "1"})
    assert response.status_code == 422 and "khi hồ sơ đã có kết quả" in response.get_data(as_text=True)
    assert client.get(f"/d/{code}/{secret[:-1]}x").status_code == 404
    assert client.get(f"/d/{code}/").status_code == 404
    assert client.get(f"/d/000.00.01.H26-000000-0001/{secret}").status_code == 404


def test_the_receipt_qr_link_carries_the_secret(app):
    code, secret = _dossier(app)
    pdf = Session(app.test_client(), "intake").get(f"/intake/{code}/receipt.pdf").data
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert f"/d/{code}/{secret}" in text


def test_rating_once_after_settlement_without_javascript(app):
    code, secret = _dossier(app)
    with using(app):
        step(code, "settle", "2026-11-24 08:00")
    client = app.test_client()
    url = f"/d/{code}/{secret}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="level"' in page and "Hài lòng" in page
    token = csrf_from(page)
    response = client.post(url, data={"csrf_token": token, "comment": "Nhanh"})
    assert response.status_code == 422 and "Vui lòng chọn mức độ hài lòng" in response.get_data(as_text=True)
    assert "Nhanh" in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": token, "level": "1", "comment": "Cán bộ nhiệt tình"})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Cảm ơn" in page and 'name="level"' not in page
    again = client.post(url, data={"csrf_token": token, "level": "3"})
    assert again.status_code == 422 and "đã được đánh giá" in again.get_data(as_text=True)
    with using(app):
        assert [(r.level, r.comment) for r in Rating.select()] == [(1, "Cán bộ nhiệt tình")]
        assert AuditEvent.select().where(AuditEvent.action == "dossier.rate").count() == 1


def test_officer_offers_the_rating_page_after_settlement(app):
    code, secret = _dossier(app)
    officer = Session(app.test_client(), "intake")
    assert f"/d/{code}/{secret}" not in officer.get(f"/intake/{code}").get_data(as_text=True)
    with using(app):
        step(code, "settle", "2026-11-24 08:00")
    assert f"/d/{code}/{secret}" in officer.get(f"/intake/{code}").get_data(as_text=True)
