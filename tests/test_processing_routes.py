"""The processing pages: offered steps, forms with and without htmx, the board and the navigation counts."""
from __future__ import annotations

import re

from models import Dossier, StatusEvent
from tests.conftest import Session
from tests.processing_helpers import at, receive, step, using


def _dossier(app, procedure="1.004873", when="2026-11-16 08:00", channel=1):
    with using(app):
        return receive(app, procedure, when, channel=channel).code


def _as(app, role):
    return Session(app.test_client(), role)


def _get(app, code):
    with using(app):
        return Dossier.get(Dossier.code == code)


def test_dossier_page_offers_only_the_steps_of_the_role(app):
    code = _dossier(app)
    specialist = _as(app, "specialist").get(f"/intake/{code}").get_data(as_text=True)
    assert "Bắt đầu xử lý" in specialist and "Yêu cầu bổ sung hồ sơ" in specialist
    assert "Công dân yêu cầu rút hồ sơ" not in specialist and "Xin lỗi và hẹn lại ngày trả" not in specialist
    assert "Dòng thời gian" in specialist and "<progress" in specialist
    inspector = _as(app, "inspector").get(f"/intake/{code}").get_data(as_text=True)
    assert "Dòng thời gian" in inspector and "Bắt đầu xử lý" not in inspector


def test_start_then_supplement_without_javascript(app):
    code = _dossier(app, when="2026-11-23 08:00")
    s = _as(app, "specialist")
    response = s.post(f"/processing/{code}/step/start")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/intake/{code}#processing")
    assert _get(app, code).status == 4
    page = s.get(f"/processing/{code}/step/request-supplement").get_data(as_text=True)
    assert 'name="items"' in page and 'name="reason"' in page
    # missing papers and reason: the form comes back with what was typed, nothing saved
    response = s.post(f"/processing/{code}/step/request-supplement", data={"contact": "Chị Lan 0912345678"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng liệt kê" in body and "Vui lòng ghi lý do" in body and "Chị Lan 0912345678" in body
    with using(app):
        assert StatusEvent.select().count() == 2
    response = s.post(f"/processing/{code}/step/request-supplement", data={
        "items": "Bản sao giấy khai sinh\n\nẢnh 4x6", "reason": "Hồ sơ thiếu", "contact": "Chị Lan"})
    assert response.status_code == 302
    with using(app):
        event = StatusEvent.select().order_by(StatusEvent.id.desc()).first()
        assert event.details == {"items": "Bản sao giấy khai sinh\nẢnh 4x6", "contact": "Chị Lan"}
    assert _get(app, code).status == 5


def test_htmx_step_returns_the_panel_only(app):
    code = _dossier(app, when="2026-11-23 08:00")
    s = _as(app, "specialist")
    response = s.post(f"/processing/{code}/step/start", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert "<html" not in body and 'id="processing"' in body and "Đã thực hiện: Bắt đầu xử lý" in body
    form = s.get(f"/processing/{code}/step/stop", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in form and 'name="reason"' in form and 'id="processing"' in form


def test_a_role_without_the_right_gets_403_and_a_wrong_status_a_message(app):
    code = _dossier(app)
    assert _as(app, "intake").post(f"/processing/{code}/step/settle").status_code == 403
    leader = _as(app, "leader")
    response = leader.post(f"/processing/{code}/step/receive-supplement")
    assert response.status_code == 422 and "không thực hiện được" in response.get_data(as_text=True)
    assert leader.get(f"/processing/{code}/step/fly").status_code == 404
    assert leader.get("/processing/000.00.01.H26-000000-0009/step/start").status_code == 404


def test_bad_times_are_refused_with_a_message(app):
    code = _dossier(app, when="2026-11-16 08:00")
    s = _as(app, "leader")
    fields = {"reason": "Chờ xác minh", "remedy": "Làm thêm giờ"}
    response = s.post(f"/processing/{code}/step/extend", data={**fields, "appointment": "ngày mai"})
    assert response.status_code == 422 and "ví dụ 25/11/2026 09:00" in response.get_data(as_text=True)
    response = s.post(f"/processing/{code}/step/extend", data={
        **fields, "appointment": "2026-11-23T12:00", "at": "2026-11-17T09:00"})
    assert response.status_code == 422 and "trong giờ làm việc" in response.get_data(as_text=True)
    response = s.post(f"/processing/{code}/step/extend", data={
        "reason": "Chờ xác minh", "appointment": "2026-11-23T16:00", "at": "2026-11-17T09:00"})
    assert response.status_code == 422 and "biện pháp khắc phục" in response.get_data(as_text=True)
    response = s.post(f"/processing/{code}/step/extend", data={
        **fields, "appointment": "2026-11-23T16:00", "at": "2026-11-17T09:00"})
    assert response.status_code == 302
    assert _get(app, code).appointment_at == at("2026-11-23 16:00")


def test_board_and_navigation_counts(app):
    late = _dossier(app, when="2026-11-16 08:00")  # appointment Thu 19 Nov 08:00: overdue by now
    settled = _dossier(app, when="2026-11-16 08:00")
    with using(app):
        step(settled, "settle", "2026-11-17 08:00")
    specialist = _as(app, "specialist")
    page = specialist.get("/processing/board").get_data(as_text=True)
    overdue = page.split("board-overdue", 1)[1].split("</section>", 1)[0]
    assert late in overdue and settled not in page
    nav = re.search(r'<a href="/processing/board">(.*?)</a>', page, re.S).group(1)
    assert 'class="count late"' in nav and ">1<" in nav
    fragment = specialist.get("/processing/board?officer=999", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and late not in fragment.get_data(as_text=True)
    for junk in (str(2 ** 63 + 5), "²", "x"):  # not an id: the filter is left out, never a 500
        everyone = specialist.get(f"/processing/board?unit={junk}&officer={junk}").get_data(as_text=True)
        assert late in everyone.split("board-overdue", 1)[1].split("</section>", 1)[0], junk


def test_online_dossier_receipt_only_after_acceptance(app):
    code = _dossier(app, "2.000884", "2026-11-20 18:00", channel=2)
    intake = _as(app, "intake")
    page = intake.get(f"/intake/{code}").get_data(as_text=True)
    assert "Chưa có cho đến khi hồ sơ được tiếp nhận" in page
    response = intake.get(f"/intake/{code}/receipt.pdf")
    assert response.status_code == 409
    response = intake.post(f"/processing/{code}/step/accept", data={"at": "2026-11-20T19:00"})
    assert response.status_code == 302
    assert _get(app, code).appointment_at == at("2026-11-23 17:00")
    response = intake.get(f"/intake/{code}/receipt.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_refusing_an_online_dossier_needs_a_reason(app):
    code = _dossier(app, "2.000884", "2026-11-20 18:00", channel=2)
    intake = _as(app, "intake")
    assert intake.post(f"/processing/{code}/step/refuse").status_code == 422
    response = intake.post(f"/processing/{code}/step/refuse", data={"reason": "Không thuộc thẩm quyền"})
    assert response.status_code == 302 and _get(app, code).status == 3


def test_the_extension_limit_is_an_office_setting(app):
    from services import office

    admin = _as(app, "admin")
    with using(app):
        form = {k: str(v) for k, v in office.get_office().__data__.items() if k != "id"}
    response = admin.post("/admin/office", data={**form, "max_extensions": "9"})
    assert response.status_code == 422 and "từ 0 đến 5" in response.get_data(as_text=True)
    admin.post("/admin/office", data={**form, "max_extensions": "2"})
    with using(app):
        assert office.get_office().max_extensions == 2


def test_form_links_and_pdfs(app):
    code = _dossier(app, when="2026-11-16 08:00")
    with using(app):
        step(code, "request-supplement", "2026-11-16 10:00", reason="Thiếu", items="Ảnh 4x6")
    s = _as(app, "inspector")
    page = s.get(f"/intake/{code}").get_data(as_text=True)
    assert f"/processing/{code}/form/2.pdf" in page and f"/processing/{code}/form/6.pdf" in page
    assert f"/processing/{code}/form/4.pdf" not in page
    for number in (2, 6):
        response = s.get(f"/processing/{code}/form/{number}.pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert s.get(f"/processing/{code}/form/4.pdf").status_code == 404
    assert s.get(f"/processing/{code}/form/9.pdf").status_code == 404


def test_register_page_and_files(app):
    code = _dossier(app, when="2026-11-16 08:00")
    s = _as(app, "leader")
    assert "Sổ theo dõi hồ sơ" in s.get("/processing/register").get_data(as_text=True)
    response = s.get("/processing/register.pdf?from=2026-11-16&to=2026-11-16")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    response = s.get("/processing/register.xlsx?from=2026-11-16&to=2026-11-16")
    assert response.status_code == 200 and response.data.startswith(b"PK") and "attachment" in response.headers["Content-Disposition"]
    assert code  # the register's content is checked in test_forms
    bad = s.get("/processing/register.pdf?from=2026-11-20&to=2026-11-16")
    assert bad.status_code == 422 and "không được trước" in bad.get_data(as_text=True)
    assert s.get("/processing/register.xlsx?from=hôm-qua").status_code == 422
    assert s.get("/processing/register.csv").status_code == 404


def test_hand_over_to_another_officer(app):
    from models import User
    from services import forms, history

    code = _dossier(app, when="2026-11-23 08:00")
    with using(app):
        step(code, "start", "2026-11-23 09:00", by="specialist")
        leader_id = User.get(User.username == "leader").id
    s = _as(app, "specialist")
    page = s.get(f"/intake/{code}").get_data(as_text=True)
    assert 'name="officer"' in page and "Cán bộ inspector" not in page.split('name="officer"')[1].split("</select>")[0]
    response = s.post(f"/processing/{code}/assign", data={"officer": str(leader_id)}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đã chuyển cho Cán bộ leader" in body and "<html" not in body
    with using(app):
        d = Dossier.get(Dossier.code == code)
        assert d.assignee.username == "leader" and d.status == 4
        rows = forms.hand_overs(history.events_of(d))
        assert (rows[-1].step, rows[-1].giver, rows[-1].receiver) == ("Giao xử lý", "Cán bộ specialist", "Cán bộ leader")
        inspector_id = User.get(User.username == "inspector").id
    response = s.post(f"/processing/{code}/assign", data={"officer": str(inspector_id)})
    assert response.status_code == 302
    assert _get(app, code).assignee.username == "leader"  # an inspector does not process dossiers
    assert _as(app, "intake").post(f"/processing/{code}/assign", data={"officer": str(leader_id)}).status_code == 403


def test_supplement_received_with_scans(app):
    import io

    from models import DossierComponent
    from tests.conftest import make_pdf

    code = _dossier(app, when="2026-11-23 08:00")
    with using(app):
        step(code, "request-supplement", "2026-11-23 09:00", reason="Thiếu", items="Bản sao giấy khai sinh")
    s = _as(app, "intake")
    response = s.post(f"/processing/{code}/step/receive-supplement", content_type="multipart/form-data",
                      data={"scans": [(io.BytesIO(b"MZ not a scan"), "virus.exe")]})
    assert response.status_code == 422 and "virus.exe" in response.get_data(as_text=True)
    assert _get(app, code).status == 5
    response = s.post(f"/processing/{code}/step/receive-supplement", content_type="multipart/form-data",
                      data={"scans": [(io.BytesIO(make_pdf("khai sinh")), "khai-sinh.pdf"),
                                      (io.BytesIO(make_pdf("anh")), "anh.pdf")]})
    assert response.status_code == 302
    with using(app):
        d = Dossier.get(Dossier.code == code)
        added = list(DossierComponent.select().where(DossierComponent.dossier == d)
                     .order_by(DossierComponent.position))[-2:]
        assert [(c.position, c.name, c.digitised) for c in added] == [
            (3, "Bổ sung: khai-sinh.pdf", True), (4, "Bổ sung: anh.pdf", True)]
        assert d.status == 4
    scan = s.get(f"/intake/{code}/files/3")
    assert scan.status_code == 200 and scan.data.startswith(b"%PDF")


def test_an_overdue_dossier_asks_for_a_delay_report_that_reaches_the_leader(app):
    code = _dossier(app, when="2026-11-16 08:00")  # appointment Thu 19 Nov 08:00: overdue now
    specialist = _as(app, "specialist")
    page = specialist.get(f"/intake/{code}").get_data(as_text=True)
    assert "báo cáo chậm trễ" in page and 'name="cause"' in page
    response = specialist.post(f"/processing/{code}/delay-report", data={"cause": "Chờ xác minh"})
    assert response.status_code == 422 and "Vui lòng ghi nguyên nhân và biện pháp khắc phục" in response.get_data(as_text=True)
    response = specialist.post(f"/processing/{code}/delay-report",
                               data={"cause": "Chờ xác minh", "remedy": "Làm thêm giờ"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'name="cause"' not in response.get_data(as_text=True)
    board = _as(app, "leader").get("/processing/board").get_data(as_text=True)
    reports = board.split("board-reports", 1)[1]
    assert code in reports and "Chờ xác minh" in reports and "Làm thêm giờ" in reports
    assert "board-reports" not in specialist.get("/processing/board").get_data(as_text=True)
    assert _as(app, "intake").post(f"/processing/{code}/delay-report", data={"cause": "x", "remedy": "y"}).status_code == 403


def test_rule_for_each_list(app):
    from services import deadlines
    from services import office as office_service

    with using(app):
        d = receive(app, "1.004222", "2026-11-09 08:00")
        calendar = office_service.calendar()
        # as worked out in test_deadlines: 75% at Mon 16 09:52, appointment Wed 18 08:00
        assert deadlines.kind_of(d, calendar, at("2026-11-16 09:52")) is None
        assert deadlines.kind_of(d, calendar, at("2026-11-16 09:53")) == "over_75_percent"
        assert deadlines.kind_of(d, calendar, at("2026-11-17 09:00")) == "due_next_working_day"
        assert deadlines.kind_of(d, calendar, at("2026-11-18 08:00")) == "due_today"
        assert deadlines.kind_of(d, calendar, at("2026-11-18 08:01")) == "overdue"
        assert [deadlines.RULES[k][0] for k in deadlines.KINDS] == ["report", "leader", "officer", "officer"]


def test_a_delay_report_of_nul_bytes_alone_is_refused_and_nul_is_never_stored(app):
    code = _dossier(app, when="2026-11-16 08:00")  # overdue now
    specialist = _as(app, "specialist")
    response = specialist.post(f"/processing/{code}/delay-report", data={"cause": "\x00\x00", "remedy": "Làm thêm giờ"})
    assert response.status_code == 422 and "Vui lòng ghi nguyên nhân và biện pháp khắc phục" in response.get_data(as_text=True)
    response = specialist.post(f"/processing/{code}/delay-report", data={"cause": "Chờ\x00 xác minh", "remedy": "Làm thêm giờ"})
    assert response.status_code == 302
    with using(app):
        report = StatusEvent.get(StatusEvent.action == "delay-report")
        assert report.note == "Chờ xác minh"


def test_an_officer_with_an_id_past_ten_thousand_can_be_handed_a_dossier(app):
    from models import User
    from services import accounts

    code = _dossier(app, when="2026-11-23 08:00")
    with using(app):
        step(code, "start", "2026-11-23 09:00", by="specialist")
        officer, _ = accounts.create_user("chuyenvien2", "mật-khẩu-dài-đủ-2026", "specialist", full_name="Lê Văn Bình")
        User.update(id=20_001).where(User.id == officer.id).execute()  # as ids are after years of accounts
    response = _as(app, "specialist").post(f"/processing/{code}/assign", data={"officer": "20001"})
    assert response.status_code == 302
    assert _get(app, code).assignee.username == "chuyenvien2"
    assert _as(app, "specialist").post(f"/processing/{code}/assign", data={"officer": str(2 ** 63)},
                                            headers={"HX-Request": "true"}).status_code == 422
