"""The outbox pages at the counter (list, one message, its printable PDF, printed, send again) and the
admin's gateway and mail server settings (saved, refused with Vietnamese messages, secrets kept)."""
from __future__ import annotations

import datetime as dt
import io
import re

from pypdf import PdfReader

from models import AuditEvent, MessagingSettings, OutboxMessage, now
from services import outbox
from tests.processing_helpers import receive, step, using


def _messages(app, n=1) -> list[str]:
    codes = []
    with using(app):
        for _ in range(n):
            d = receive(app, "1.004873", "2026-11-16 08:00")
            step(d.code, "start", "2026-11-16 09:00", by="specialist")
            step(d.code, "request-supplement", "2026-11-16 10:00", by="specialist", reason="Ảnh chụp chưa rõ",
                 items="Bản sao giấy khai sinh")
            codes.append(d.code)
        outbox.send_due(now() + dt.timedelta(seconds=1))  # no gateway, no mail server: kept for printing
    return codes


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_counter_sees_prints_and_marks_printed(app, login):
    code, other = _messages(app, 2)
    session = login("intake")
    page = session.get("/notifications/outbox?status=print").get_data(as_text=True)
    assert page.count("Chờ in tại quầy") >= 3 and code in page and other in page  # tab, two rows
    assert "In tất cả tin nhắn đang chờ (PDF)" in page
    with using(app):
        message_id = OutboxMessage.get(OutboxMessage.dossier == OutboxMessage.dossier.rel_model.get(code=code)).id
    shown = session.get(f"/notifications/outbox/{message_id}").get_data(as_text=True)
    assert "Giữ lại để in" in shown and "Không có cổng gửi tin hoặc máy chủ thư cho người nộp này" in shown
    pdf = session.get(f"/notifications/outbox/{message_id}.pdf")
    assert pdf.mimetype == "application/pdf"
    text = _text(pdf.data)
    for expected in ("THÔNG BÁO", f"Yêu cầu bổ sung hồ sơ {code}", "Kính gửi: Ông/Bà Nguyễn Thị Hường",
                     "Giấy tờ cần bổ sung: Bản sao giấy khai sinh", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
        assert expected in text.replace("\n", " "), expected
    assert len(PdfReader(io.BytesIO(session.get("/notifications/outbox/print.pdf").data)).pages) == 2
    done = session.post(f"/notifications/outbox/{message_id}/printed", follow_redirects=True)
    assert "Đã đánh dấu là đã in." in done.get_data(as_text=True)
    again = session.post(f"/notifications/outbox/{message_id}/retry", follow_redirects=True)
    assert "Chỉ gửi lại được tin nhắn chưa gửi đi." in again.get_data(as_text=True)
    with using(app):
        message = OutboxMessage.get_by_id(message_id)
        assert (message.status, message.printed_by.username) == ("printed", "intake")
    page = session.get("/notifications/outbox?status=print").get_data(as_text=True)
    assert other in page and code not in page
    fragment = session.get("/notifications/outbox?status=print", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and other in fragment.get_data(as_text=True)


def test_send_again_from_the_page(app, login):
    _messages(app)
    session = login("leader")
    with using(app):
        message_id = OutboxMessage.get().id
    answer = session.post(f"/notifications/outbox/{message_id}/retry", follow_redirects=True)
    assert "Tin nhắn sẽ được gửi lại ở lần gửi tiếp theo." in answer.get_data(as_text=True)
    with using(app):
        assert OutboxMessage.get_by_id(message_id).status == "pending"


VALID = {"gateway_url": "https://sms.example.vn/api/send", "gateway_channel": "zalo", "gateway_token": "tok-1",
         "smtp_host": "mail.example.vn", "smtp_port": "587", "smtp_security": "starttls",
         "smtp_sender": "mot-cua@example.vn", "smtp_username": "mot-cua", "smtp_password": "pw-1",
         "timeout_seconds": "8"}


def test_the_admin_saves_the_settings_and_secrets_are_kept(app, login):
    session = login("admin")
    form = session.get("/notifications/settings").get_data(as_text=True)
    assert "Cổng gửi tin SMS hoặc Zalo" in form and "Máy chủ thư" in form
    assert re.search(r'name="sms_unaccented" value="1" checked', form)  # on until the admin turns it off
    assert session.post("/notifications/settings", VALID).status_code == 302
    with using(app):
        s = MessagingSettings.get()
        assert (s.gateway_url, s.gateway_channel, s.gateway_token, s.smtp_port, s.smtp_password, s.timeout_seconds) == (
            VALID["gateway_url"], "zalo", "tok-1", 587, "pw-1", 8)
        assert s.sms_unaccented is False  # the box was not ticked
        audit = AuditEvent.select().where(AuditEvent.action == "messaging.update").get()
        assert audit.after["gateway_token"] == "***" and "pw-1" not in str(audit.after) + str(audit.before)
    form = session.get("/notifications/settings").get_data(as_text=True)
    assert "tok-1" not in form and "pw-1" not in form and "đã lưu; để trống để giữ nguyên" in form
    session.post("/notifications/settings", {**VALID, "gateway_token": "", "smtp_password": "",
                                             "clear_smtp_password": "1"})
    with using(app):
        s = MessagingSettings.get()
        assert (s.gateway_token, s.smtp_password) == ("tok-1", "")


def test_bad_settings_are_refused_in_vietnamese_and_nothing_is_saved(app, login):
    session = login("admin")
    bad = {**VALID, "gateway_url": "ftp://sms.example.vn", "smtp_sender": "", "timeout_seconds": "0",
           "smtp_port": "abc"}
    answer = session.post("/notifications/settings", bad)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    for message in ("Địa chỉ phải bắt đầu bằng http:// hoặc https://.",
                    "Vui lòng nhập địa chỉ thư điện tử của người gửi.", "Vui lòng nhập số giây từ 1 đến 60.",
                    "Vui lòng nhập một số từ 1 đến 65535."):
        assert message in html, message
    assert 'value="ftp://sms.example.vn"' in html and 'value="mail.example.vn"' in html
    with using(app):
        assert MessagingSettings.get().gateway_url == ""


def test_the_notifications_page_links_the_outbox_for_the_counter(app, login):
    assert "Tin nhắn gửi người nộp hồ sơ" in login("intake").get("/notifications/").get_data(as_text=True)


def test_the_notifications_page_has_no_outbox_link_for_a_specialist(app, login):
    page = login("specialist").get("/notifications/").get_data(as_text=True)
    assert "Tin nhắn gửi người nộp hồ sơ" not in page and re.search(r"Chưa có thông báo", page)


def test_a_test_message_through_the_gateway_and_the_mail_server(app, login):
    from tests.outbox_servers import Gateway, smtp_server

    gateway, (controller, mailbox) = Gateway(plan=["ok", "fail"]), smtp_server()
    try:
        session = login("admin")
        nothing = session.post("/notifications/settings/test", {"to": "0912 345 678"}, follow_redirects=True)
        assert "Chưa có gì để gửi" in nothing.get_data(as_text=True)
        session.post("/notifications/settings", {**VALID, "gateway_url": gateway.url, "smtp_host": "127.0.0.1",
                                                 "smtp_port": str(controller.port), "smtp_security": "none",
                                                 "smtp_username": "", "smtp_password": ""})
        sent = session.post("/notifications/settings/test", {"to": "0912 345 678"}, follow_redirects=True)
        assert "Đã gửi tin nhắn thử (HTTP 200" in sent.get_data(as_text=True)
        assert gateway.received[0]["json"]["to"] == "0912345678"
        assert gateway.received[0]["json"]["text"].startswith("Tin nhắn thử từ Trung tâm Phục vụ hành chính công")
        failed = session.post("/notifications/settings/test", {"to": "0912 345 678"}, follow_redirects=True)
        assert "Không gửi được tin nhắn thử: HTTP 500" in failed.get_data(as_text=True)
        mail = session.post("/notifications/settings/test", {"to": "huong@example.vn"}, follow_redirects=True)
        assert "Đã gửi tin nhắn thử (SMTP 250" in mail.get_data(as_text=True)
        assert mailbox.messages[0][1] == ["huong@example.vn"]
        empty = session.post("/notifications/settings/test", {"to": " "})
        assert empty.status_code == 422 and "Vui lòng nhập số điện thoại hoặc địa chỉ thư điện tử." in empty.get_data(as_text=True)
        with using(app):
            assert OutboxMessage.select().count() == 0  # a test never enters the outbox
    finally:
        gateway.close()
        controller.stop()


def test_the_dossier_page_lists_its_messages_for_the_counter(app, login):
    [code] = _messages(app)
    page = login("intake").get(f"/intake/{code}").get_data(as_text=True)
    section = page[page.index('id="messages"'):]
    assert "Tin nhắn gửi người nộp" in page and "Yêu cầu bổ sung hồ sơ" in section and "Chờ in tại quầy" in section


def test_the_dossier_page_has_no_messages_for_a_specialist(app, login):
    [code] = _messages(app)
    assert 'id="messages"' not in login("specialist").get(f"/intake/{code}").get_data(as_text=True)


def test_a_message_id_past_the_database_integers_is_not_found(app, login):
    session = login("intake")
    huge = 2 ** 63
    for url in (f"/notifications/outbox/{huge}", f"/notifications/outbox/{huge}.pdf"):
        assert session.get(url).status_code == 404
    for action in ("printed", "retry"):
        assert session.post(f"/notifications/outbox/{huge}/{action}").status_code == 404
