"""Training sessions: plan, check-in, the sign-in sheet with its feedback QR, anonymous feedback,
follow-up actions, and the recommendation list computed from the intake's figures."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest

from models import (
    AuditEvent,
    Dossier,
    DossierComponent,
    DossierFee,
    StoredFile,
    TrainingAction,
    TrainingFeedback,
    TrainingSession,
    Unit,
    User,
)
from services import training
from services.training import recommend
from tests.conftest import Session, csrf_from
from tests.processing_helpers import at, receive, using

PLAN = {"title": "Tiếp nhận hồ sơ trực tuyến", "trainer": "", "trainer_name": "Trần Văn Bình",
        "units": "Xã Yên Thường\nXã Yên Viên", "place": "Hội trường UBND xã", "kind": "onsite",
        "topics": ["online_submission", "online_payment"], "day": "2026-12-03", "time": "08:30",
        "materials": "Hướng dẫn nộp hồ sơ trực tuyến\n/materials/1"}


def plan_session(app, **changes) -> int:
    trainer = Session(app.test_client(), "trainer")
    response = trainer.post("/training/new", data={**PLAN, **changes})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_plan_validates_and_keeps_what_was_typed(app):
    trainer = Session(app.test_client(), "trainer")
    response = trainer.post("/training/new", data={**PLAN, "title": " ", "topics": [], "day": "2026-13-40",
                                                   "trainer_name": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Hội trường UBND xã" in page  # the place typed is kept
    assert "Vui lòng chọn ít nhất một nội dung" in page or "ít nhất một" in page
    assert "Xã Yên Viên" in page
    with using(app):
        assert TrainingSession.select().count() == 0


def test_plan_show_edit_and_audit(app):
    session_id = plan_session(app)
    trainer = Session(app.test_client(), "trainer")
    page = trainer.get(f"/training/{session_id}").get_data(as_text=True)
    assert "Tiếp nhận hồ sơ trực tuyến" in page and "Trần Văn Bình" in page
    assert "08:30 03/12/2026" in page
    assert 'href="/materials/1"' in page  # a link among the materials used stays a link
    response = trainer.post(f"/training/{session_id}/edit", data={**PLAN, "place": "Nhà văn hóa thôn 3",
                                                                  "kind": "practice"})
    assert response.status_code == 302
    assert "flask --app app serve --practice" in trainer.get(f"/training/{session_id}").get_data(as_text=True)
    with using(app):
        session = TrainingSession.get_by_id(session_id)
        assert session.place == "Nhà văn hóa thôn 3" and session.kind == "practice"
        assert session.starts_at == at("2026-12-03 08:30")
        assert session.topics == ["online_submission", "online_payment"]
        events = [e.action for e in AuditEvent.select().where(AuditEvent.entity == "training_session")]
        assert events == ["training.plan", "training.update"]
        update = AuditEvent.get(AuditEvent.action == "training.update")
        assert update.after == {"place": "Nhà văn hóa thôn 3", "kind": "practice"}


def test_check_in_with_and_without_htmx(app):
    session_id = plan_session(app)
    trainer = Session(app.test_client(), "trainer")
    url = f"/training/{session_id}/check-in"
    assert trainer.post(url, data={"full_name": "  "}).status_code == 422
    response = trainer.post(url, data={"full_name": "Lê Thị Hoa", "unit": "Xã Yên Thường", "position": "Công chức"})
    assert response.status_code == 302
    fragment = trainer.post(url, data={"full_name": "Ngô Văn Nam", "unit": "Xã Yên Viên"},
                            headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert body.index("Lê Thị Hoa") < body.index("Ngô Văn Nam")
    assert 'badge">2<' in body


def test_sign_in_sheet_lists_attendees_and_its_qr_opens_the_feedback_form(app, tmp_path):
    session_id = plan_session(app)
    trainer = Session(app.test_client(), "trainer")
    trainer.post(f"/training/{session_id}/check-in", data={"full_name": "Lê Thị Hoa", "unit": "Xã Yên Thường"})
    response = trainer.get(f"/training/{session_id}/sign-in.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    text = pdf_text(pdf)
    assert "DANH SÁCH KÝ TÊN THAM DỰ TẬP HUẤN" in text
    assert "Tiếp nhận hồ sơ trực tuyến" in text
    assert "08 giờ 30, ngày 03 tháng 12 năm 2026" in text
    assert "Nộp hồ sơ trực tuyến; Thanh toán phí trực tuyến" in text
    assert "Lê Thị Hoa" in text and "Xã Yên Thường" in text
    with using(app):
        token = TrainingSession.get_by_id(session_id).feedback_token
    url = f"http://office.test/feedback/{token}"
    assert url in text.replace("\n", "")
    if shutil.which("zbarimg") and shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-", str(tmp_path / "sheet")], input=pdf, check=True)
        pages = sorted(tmp_path.glob("sheet*.png"))
        decoded = subprocess.run(["zbarimg", "-q", "--raw", *map(str, pages)], capture_output=True, text=True)
        assert url in decoded.stdout.split()


def test_feedback_needs_no_login_and_is_summarised(app):
    session_id = plan_session(app)
    with using(app):
        token = TrainingSession.get_by_id(session_id).feedback_token
    public = app.test_client()
    page = public.get(f"/feedback/{token}").get_data(as_text=True)
    assert "Tiếp nhận hồ sơ trực tuyến" in page
    assert "hiện không nhận góp ý" in page and 'name="score"' not in page  # before the session's day
    csrf = csrf_from(public.get("/login").get_data(as_text=True))
    response = public.post(f"/feedback/{token}", data={"csrf_token": csrf, "score": "5"})
    assert response.status_code == 422 and "hiện không nhận góp ý" in response.get_data(as_text=True)
    with using(app):
        TrainingSession.update(starts_at=training.now() - dt.timedelta(hours=1)).execute()
    csrf = csrf_from(public.get(f"/feedback/{token}").get_data(as_text=True))
    response = public.post(f"/feedback/{token}", data={"csrf_token": csrf, "comment": "Hay"})
    assert response.status_code == 422 and "chọn điểm" in response.get_data(as_text=True)
    assert "Hay" in response.get_data(as_text=True)
    assert public.post(f"/feedback/{token}", data={"csrf_token": csrf, "score": "6"}).status_code == 422
    assert public.post(f"/feedback/{token}", data={"csrf_token": csrf, "score": "0"}).status_code == 422
    for score, comment in ((5, "Rất dễ hiểu"), (4, ""), (2, "Cần thêm thời gian thực hành")):
        phone = app.test_client()  # each attendee's own phone
        phone_csrf = csrf_from(phone.get(f"/feedback/{token}").get_data(as_text=True))
        response = phone.post(f"/feedback/{token}", data={"csrf_token": phone_csrf, "score": str(score),
                                                          "comment": comment})
        assert response.status_code == 302 and response.headers["Location"].endswith("/thanks")
    # the same phone again: thanked, not counted twice
    assert "đã được ghi nhận từ điện thoại này" in phone.get(f"/feedback/{token}").get_data(as_text=True)
    again = phone.post(f"/feedback/{token}", data={"csrf_token": phone_csrf, "score": "1"})
    assert again.status_code == 422 and "đã được ghi nhận từ điện thoại này" in again.get_data(as_text=True)
    assert public.get("/feedback/not-a-token").status_code == 404
    trainer = Session(app.test_client(), "trainer")
    page = trainer.get(f"/training/{session_id}").get_data(as_text=True)
    assert "Số ý kiến: 3, điểm trung bình 3,7 / 5" in page
    assert "Cần thêm thời gian thực hành" in page
    with using(app):
        summary = training.feedback_summary(TrainingSession.get_by_id(session_id))
        assert (summary.count, summary.average) == (3, 3.7)  # (5 + 4 + 2) / 3 = 3.67
        assert summary.by_score == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}


def test_feedback_window(ctx):
    session = TrainingSession(starts_at=at("2026-12-03 08:30"))
    assert not training.feedback_open(session, at("2026-12-02 23:59"))
    assert training.feedback_open(session, at("2026-12-03 07:00"))  # the same day, before it starts
    assert training.feedback_open(session, at("2027-01-02 23:59"))  # 30 days after
    assert not training.feedback_open(session, at("2027-01-03 00:00"))


def test_feedback_is_rate_limited(app):
    app.config["LOOKUP_RATE_LIMIT"] = "3 per minute"
    session_id = plan_session(app, day=training.now().date().isoformat())
    with using(app):
        token = TrainingSession.get_by_id(session_id).feedback_token
    codes = []
    for _ in range(4):  # four phones behind one address (the office's Wi-Fi)
        phone = app.test_client()
        csrf = csrf_from(phone.get(f"/feedback/{token}").get_data(as_text=True))
        codes.append(phone.post(f"/feedback/{token}", data={"csrf_token": csrf, "score": "5"}).status_code)
    assert codes == [302, 302, 302, 429]
    assert "Quá nhiều yêu cầu" in phone.post(f"/feedback/{token}", data={"csrf_token": csrf, "score": "5"}).get_data(as_text=True)
    with using(app):
        assert TrainingFeedback.select().count() == 3


def test_follow_up_actions(app):
    session_id = plan_session(app)
    trainer = Session(app.test_client(), "trainer")
    url = f"/training/{session_id}/actions"
    response = trainer.post(url, data={"text": "Gửi tài liệu cho xã", "due_on": "hôm nay"})
    assert response.status_code == 422 and "Gửi tài liệu cho xã" in response.get_data(as_text=True)
    assert trainer.post(url, data={"text": "Gửi tài liệu cho xã", "owner": "Bình", "due_on": "2026-12-10"}).status_code == 302
    with using(app):
        action = TrainingAction.get()
        assert action.due_on == dt.date(2026, 12, 10) and action.done_at is None
        assert [a.id for a in training.open_actions_due(dt.date(2026, 12, 10))] == [action.id]
        assert list(training.open_actions_due(dt.date(2026, 12, 9))) == []
    assert trainer.post(f"{url}/{action.id}/done").status_code == 302
    with using(app):
        assert TrainingAction.get().done_at is not None
        assert list(training.open_actions_due(dt.date(2027, 1, 1))) == []
    assert trainer.post(f"{url}/999/done").status_code == 302  # flashed, nothing changed


def _dossiers(app, unit: str, n: int, online: int = 0, scanned: int = 0, charged: int = 0, paid: int = 0,
              when: str = "2026-11-20 08:00"):
    """n dossiers handled by ``unit``: the first ``online`` received online, the first ``scanned`` with
    every paper scanned, the first ``charged`` with a fee, the first ``paid`` of those paid online."""
    unit_row = Unit.get_or_create(name=unit)[0]
    stored = StoredFile.get_or_create(sha256="0" * 64, defaults={"size": 1, "mime": "application/pdf"})[0]
    for i in range(n):
        d = receive(app, "1.004873", when, channel=2 if i < online else 1)
        Dossier.update(unit=unit_row, fee_total=10000 if i < charged else 0).where(Dossier.id == d.id).execute()
        if i < scanned:
            DossierComponent.update(file=stored).where(DossierComponent.dossier == d.id).execute()
        if i < charged:
            DossierFee.create(dossier=d, name="Lệ phí", amount=10000, paid_at=at(when),
                              payment_method="portal" if i < paid else "cash")


def test_recommendations_rank_the_weakest_units(app):
    with using(app):
        # Unit A: online 2/10 = 20% (target 50: shortfall 0.6), scanned 10/10, paid online 4/4
        _dossiers(app, "Tư pháp - Hộ tịch", 10, online=2, scanned=10, charged=4, paid=4)
        _dossiers(app, "Tư pháp - Hộ tịch", 3, online=3, when="2026-07-01 08:00")  # before the window
        # Unit B: online 5/5, scanned 1/5 = 20% (target 80: 0.75), paid online 0/5 (target 100: 1.0)
        _dossiers(app, "Địa chính", 5, online=5, scanned=1, charged=5, paid=0)
        # Unit C: everything on target; Unit D: too few dossiers to say anything
        _dossiers(app, "Văn hóa - Xã hội", 6, online=3, scanned=6, charged=0)
        _dossiers(app, "Quân sự", 4, online=0)
        rows = recommend.figures(at("2026-11-01 00:00"), at("2026-12-01 00:00"))
    assert [r.unit for r in rows] == ["Địa chính", "Tư pháp - Hộ tịch", "Văn hóa - Xã hội"]
    b, a, c = rows
    assert b.shares == {"online": 100.0, "scanned": 20.0, "paid_online": 0.0}
    assert b.weak == ["paid_online", "scanned"] and b.topics == ["online_payment", "digitisation"]
    assert b.shortfall == pytest.approx(1.75)
    assert (a.dossiers, a.shares) == (10, {"online": 20.0, "scanned": 100.0, "paid_online": 100.0})
    assert a.topics == ["online_submission"] and a.shortfall == pytest.approx(0.6)
    assert c.shares["paid_online"] is None and c.topics == []


def test_recommendations_page_links_to_a_prefilled_plan(app):
    with using(app):
        _dossiers(app, "Địa chính", 5, online=0, scanned=5, when=training.now().strftime("%Y-%m-%d %H:%M"))
    trainer = Session(app.test_client(), "trainer")
    page = trainer.get("/training/recommendations").get_data(as_text=True)
    assert "Địa chính" in page and "0,0%" in page
    link = re.search(r'href="(/training/new\?[^"]+)"', page).group(1).replace("&amp;", "&")
    form = trainer.get(link).get_data(as_text=True)
    assert 'value="online_submission" checked' in form
    assert "Địa chính</textarea>" in form
    fragment = trainer.get("/training/recommendations?days=30", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and "Địa chính" in fragment.get_data(as_text=True)


def test_only_trainers_and_admins_manage_sessions(app):
    plan_session(app)
    for role, status in (("admin", 200), ("trainer", 200), ("leader", 403), ("intake", 403)):
        assert Session(app.test_client(), role).get("/training").status_code == status
    with using(app):
        assert User.get(User.username == "trainer").role == "trainer"


def test_nonsense_in_urls_and_forms_is_never_a_500(app):
    trainer = Session(app.test_client(), "trainer")
    huge = "9" * 25
    for url in (f"/training/{huge}", f"/training/{huge}/sign-in.pdf", f"/hotline/{huge}"):
        assert trainer.get(url).status_code == 404, url
    assert trainer.get(f"/hotline?before={huge}").status_code == 200
    assert trainer.get("/hotline?before=-3").status_code == 200
    assert trainer.get(f"/feedback/{'x' * 500}").status_code == 404
    response = trainer.post("/training/new", data={**PLAN, "trainer": huge, "time": "25:99"})
    assert response.status_code == 422 and "Vui lòng chọn trong danh sách" in response.get_data(as_text=True)
    assert trainer.post("/training/new", data={**PLAN, "topics": ["nonsense"]}).status_code == 422
    assert trainer.post("/training/new", data={**PLAN, "kind": "party"}).status_code == 422
    assert trainer.post("/training/new", data={**PLAN, "title": "x" * 201}).status_code == 422
    with using(app):
        assert TrainingSession.select().count() == 0


def test_session_pages_cost_the_same_queries_for_more_rows(app):
    from tests.test_procedures_prefetch import count_queries
    session_id = plan_session(app)
    trainer = Session(app.test_client(), "trainer")

    def add(n):
        for i in range(n):
            trainer.post(f"/training/{session_id}/check-in", data={"full_name": f"Người {i}"})
            trainer.post(f"/training/{session_id}/actions", data={"text": f"Việc {i}", "due_on": "2026-11-20"})
            plan_session(app)

    def cost(url):
        trainer.get(url)
        with app.app_context(), count_queries() as seen:
            assert trainer.get(url).status_code == 200
        return len(seen)

    add(1)
    urls = ("/training", f"/training/{session_id}")
    few = {url: cost(url) for url in urls}
    add(5)
    assert {url: cost(url) for url in urls} == few


def test_session_list_shows_attendance_and_average_score(app):
    session_id = plan_session(app, day="2026-11-02")  # in the past
    plan_session(app, title="Buổi chưa ai dự", day="2026-11-03")
    with using(app):
        session = TrainingSession.get_by_id(session_id)
        for name in ("A", "B", "C"):
            training.check_in(session, {"full_name": name, "unit": "", "position": ""}, "t")
        for score in (5, 4, 4):  # (5 + 4 + 4) / 3 = 4.33
            training.give_feedback(session, {"score": score, "comment": ""}, at("2026-11-02 11:00"))
    page = Session(app.test_client(), "trainer").get("/training").get_data(as_text=True)
    row = re.search(r"Tiếp nhận hồ sơ trực tuyến</a>.*?</tr>", page, re.S).group(0)
    assert '<td class="num">3</td>' in row and "4,3 / 5" in row and "(3)" in row
    empty = re.search(r"Buổi chưa ai dự</a>.*?</tr>", page, re.S).group(0)
    assert '<td class="num">0</td>' in empty and "—" in empty


def test_sign_in_sheet_uses_the_offices_public_address(app):
    session_id = plan_session(app)
    with using(app):
        from models import Office
        Office.update(public_base_url="https://motcua.yenthuong.gov.vn/").execute()
        token = TrainingSession.get_by_id(session_id).feedback_token
    trainer = Session(app.test_client(), "trainer")
    text = pdf_text(trainer.get(f"/training/{session_id}/sign-in.pdf").data)
    assert f"https://motcua.yenthuong.gov.vn/feedback/{token}" in text
    assert f"https://motcua.yenthuong.gov.vn/feedback/{token}" in trainer.get(f"/training/{session_id}").get_data(as_text=True)


def test_training_pages_in_english(app):
    with using(app):
        User.update(language="en").where(User.username == "trainer").execute()
    session_id = plan_session(app, day="2026-11-02")
    with using(app):
        training.give_feedback(TrainingSession.get_by_id(session_id), {"score": 4, "comment": ""},
                               at("2026-11-02 12:00"))
    trainer = Session(app.test_client(), "trainer")
    assert "Answers: 1, average score 4.0 / 5" in trainer.get(f"/training/{session_id}").get_data(as_text=True)
    assert "Coming sessions" in trainer.get("/training").get_data(as_text=True)
    assert "Whom to train first" in trainer.get("/training/recommendations").get_data(as_text=True)


def test_recommendation_query_reads_dossiers_by_date_through_the_index(ctx):
    from models import db
    sql, params = recommend.query(at("2026-08-01 00:00"), at("2026-11-01 00:00")).sql()
    plan = [row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    dossier = re.search(r'FROM "dossier" AS "(\w+)"', sql).group(1)
    assert any(line.startswith(f"SEARCH {dossier} USING INDEX dossier_received_at") for line in plan), plan
    # every per-dossier check is a lookup by dossier, never a scan of the components or fee lines
    assert not [line for line in plan if line.startswith("SCAN") and "USING" not in line
                and not line.startswith(f"SCAN {dossier}")], plan
    assert sum("dossier_id" in line for line in plan) == 3, plan
