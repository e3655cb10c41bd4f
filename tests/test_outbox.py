"""The applicant outbox: each step's message, sent through a real HTTP gateway and a real SMTP server on
loopback that fail, time out and succeed; back-off worked out by hand (1, 5, 15, 60, 240 minutes, then
printing after the 6th failed try); two senders at once; a sender that dies mid-send."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from models import DeliveryAttempt, Dossier, MessagingSettings, OutboxMessage, db, now
from services import office, outbox, transitions
from tests.outbox_servers import Gateway, free_port, smtp_server
from tests.processing_helpers import receive, step, using

NAME = "Trung tâm Phục vụ hành chính công phường Hà Đông"
HELP = " Hỗ trợ: 0243 382 4567."


@pytest.fixture
def gateway():
    server = Gateway()
    yield server
    server.close()


@pytest.fixture
def smtp():
    controller, mailbox = smtp_server()
    yield controller, mailbox
    controller.stop()


def configure(**values) -> None:
    settings = outbox.get_settings()
    MessagingSettings.update(**values).where(MessagingSettings.id == settings.id).execute()


def _processing(app, procedure="1.004873"):
    d = receive(app, procedure, "2026-11-16 08:00")
    step(d.code, "start", "2026-11-16 09:00", by="specialist")
    return d


def _supplement_message(app) -> OutboxMessage:
    d = _processing(app)
    step(d.code, "request-supplement", "2026-11-16 10:00", by="specialist", reason="Ảnh chụp chưa rõ",
         items="Bản sao giấy khai sinh\nẢnh 4x6", contact="Chị Lan, 0243 382 4567")
    return OutboxMessage.get(OutboxMessage.dossier == d)


# --- What each step says -------------------------------------------------------------------------

def test_a_supplement_request_writes_one_message_in_its_transaction(ctx):
    message = _supplement_message(ctx)
    code = message.dossier.code
    assert (message.kind, message.status, message.phone, message.email) == ("supplement", "pending", "0912345678", "")
    assert message.subject == f"Yêu cầu bổ sung hồ sơ {code}"
    assert message.body == (
        f"{NAME}: hồ sơ {code} cần bổ sung, hoàn thiện. Giấy tờ cần bổ sung: Bản sao giấy khai sinh; Ảnh 4x6."
        " Lý do: Ảnh chụp chưa rõ. Liên hệ: Chị Lan, 0243 382 4567. Thời gian giải quyết tạm dừng đến khi"
        " nhận đủ hồ sơ bổ sung." + HELP)
    assert OutboxMessage.select().count() == 1  # receive and start owe the applicant nothing


def test_extension_result_refusal_and_stop_messages(ctx):
    d = _processing(ctx, "1.004222")  # due Thu 26 Nov 08:00 (Tue 24 is a day off)
    step(d.code, "extend", "2026-11-23 10:30", by="leader", reason="Chờ xác minh", remedy="Làm thêm giờ",
         appointment="2026-11-27 08:00")
    step(d.code, "settle", "2026-11-25 15:00", by="specialist")
    online = receive(ctx, "2.000884", "2026-11-16 08:00", channel=2)
    step(online.code, "refuse", "2026-11-16 09:00", by="intake", reason="Không thuộc thẩm quyền")
    stopped = _processing(ctx)
    step(stopped.code, "stop", "2026-11-16 11:00", by="specialist", reason="Người nộp đã mất")
    bodies = {(m.dossier.code, m.kind): m.body for m in OutboxMessage.select()}
    assert bodies == {
        (d.code, "extension"): f"{NAME} xin lỗi Ông/Bà: hồ sơ {d.code} chưa giải quyết xong đúng hẹn. Lý do: Chờ"
                               " xác minh. Hẹn trả kết quả mới: 08:00 ngày 27/11/2026." + HELP,
        (d.code, "result"): f"{NAME}: hồ sơ {d.code} đã có kết quả. Mời Ông/Bà đến nhận kết quả tại {NAME}, Số 8"
                            " Tô Hiệu, phường Hà Đông, Hà Nội, mang theo giấy tiếp nhận hồ sơ." + HELP,
        (online.code, "refusal"): f"{NAME}: hồ sơ {online.code} không được tiếp nhận giải quyết. Lý do: Không"
                                  " thuộc thẩm quyền." + HELP,
        (stopped.code, "stop"): f"{NAME}: hồ sơ {stopped.code} đã dừng giải quyết. Lý do: Người nộp đã mất." + HELP,
    }


def test_the_citizen_link_is_added_when_the_office_has_a_public_address(ctx):
    settings = office.get_office()
    settings.public_base_url = "https://motcua.hadong.vn/"
    settings.save()
    message = _supplement_message(ctx)
    d = message.dossier
    assert d.secret and message.body.endswith(f"{HELP} Xem tình trạng hồ sơ: https://motcua.hadong.vn/d/{d.code}/{d.secret}")


def test_a_refused_step_writes_no_message(ctx):
    d = _processing(ctx)
    with pytest.raises(transitions.TransitionError):
        step(d.code, "request-supplement", "2026-11-16 10:00", by="intake", reason="x")  # not the counter's step
    with pytest.raises(transitions.TransitionError):
        step(d.code, "settle", "2026-11-16 08:30", by="specialist")  # before the dossier's last event
    assert OutboxMessage.select().count() == 0


# --- Sending -------------------------------------------------------------------------------------

def _attempts(message) -> list[tuple[str, str, str]]:
    return [(a.channel, a.outcome, a.detail) for a in
            DeliveryAttempt.select().where(DeliveryAttempt.message == message).order_by(DeliveryAttempt.id)]


def test_without_a_gateway_or_mail_server_it_is_kept_for_printing(ctx):
    message = _supplement_message(ctx)
    assert outbox.send_due(now()) == {"print": 1}
    message = OutboxMessage.get_by_id(message.id)
    assert (message.status, message.channel) == ("print", "print")
    assert _attempts(message) == [("print", "print", "no gateway or e-mail for this applicant")]
    assert outbox.send_due(now() + dt.timedelta(days=1)) == {}  # printing is the counter's job now


def test_gateway_fails_backs_off_and_then_succeeds(ctx, gateway):
    configure(gateway_url=gateway.url, gateway_token="k-123", gateway_channel="zalo")
    gateway.plan = ["fail", "busy", "ok"]
    message = _supplement_message(ctx)
    t0 = now() + dt.timedelta(seconds=1)
    assert outbox.send_due(t0) == {"retry": 1}
    message = OutboxMessage.get_by_id(message.id)
    assert (message.status, message.attempts, message.next_attempt_at) == ("pending", 1, t0 + dt.timedelta(minutes=1))
    assert outbox.send_due(t0 + dt.timedelta(seconds=59)) == {}  # not due yet
    assert outbox.send_due(t0 + dt.timedelta(minutes=1)) == {"retry": 1}
    message = OutboxMessage.get_by_id(message.id)
    assert message.next_attempt_at == t0 + dt.timedelta(minutes=6) and message.last_error == "HTTP 503"
    assert outbox.send_due(t0 + dt.timedelta(minutes=6)) == {"sent": 1}
    message = OutboxMessage.get_by_id(message.id)
    assert (message.status, message.sent_at, message.channel) == ("sent", t0 + dt.timedelta(minutes=6), "zalo")
    assert _attempts(message) == [("zalo", "failed", "HTTP 500"), ("zalo", "failed", "HTTP 503"),
                                  ("zalo", "sent", "HTTP 200")]
    assert len(gateway.received) == 3
    first = gateway.received[0]
    assert first["json"] == {"id": message.key, "channel": "zalo", "to": "0912345678", "text": message.body}
    assert first["headers"]["Authorization"] == "Bearer k-123"
    assert {r["headers"]["Idempotency-Key"] for r in gateway.received} == {message.key}  # the gateway can dedupe
    assert outbox.send_due(t0 + dt.timedelta(hours=9)) == {}  # sent once, never again


def test_a_gateway_that_does_not_answer_in_time(ctx, gateway):
    configure(gateway_url=gateway.url, timeout_seconds=1)
    gateway.plan = ["slow"]
    message = _supplement_message(ctx)
    t0 = now() + dt.timedelta(seconds=1)
    assert outbox.send_due(t0) == {"retry": 1}
    attempt = DeliveryAttempt.get(DeliveryAttempt.message == message)
    assert (attempt.channel, attempt.outcome, attempt.detail) == ("sms", "timeout", "no answer within 1 s")
    assert 900 <= attempt.duration_ms < 2900
    message = OutboxMessage.get_by_id(message.id)
    assert (message.status, message.attempts, message.next_attempt_at) == ("pending", 1, t0 + dt.timedelta(minutes=1))


def test_six_failed_tries_keep_it_for_printing_and_it_can_be_sent_again(ctx, gateway):
    configure(gateway_url=gateway.url)
    gateway.plan = ["busy"]
    message = _supplement_message(ctx)
    t = now() + dt.timedelta(seconds=1)
    for wait in (0, 1, 5, 15, 60, 240):  # minutes between tries
        t += dt.timedelta(minutes=wait)
        if wait:
            assert outbox.send_due(t - dt.timedelta(seconds=1)) == {}, wait  # one second early: not yet
        assert sum(outbox.send_due(t).values()) == 1, wait
    message = OutboxMessage.get_by_id(message.id)
    assert (message.status, message.attempts) == ("print", 6)
    assert len(_attempts(message)) == 6 and len(gateway.received) == 6
    assert outbox.send_due(t + dt.timedelta(days=2)) == {}
    from models import User

    outbox.retry(message.id, User.get(User.username == "intake"))  # the gateway works again
    gateway.plan = ["ok"]
    assert outbox.send_due(now() + dt.timedelta(seconds=1)) == {"sent": 1}
    assert OutboxMessage.get_by_id(message.id).status == "sent" and len(_attempts(message)) == 7


def test_an_unreachable_gateway_is_a_failure_to_retry(ctx):
    configure(gateway_url=f"http://127.0.0.1:{free_port()}/send")  # nobody listens there
    message = _supplement_message(ctx)
    assert outbox.send_due(now() + dt.timedelta(seconds=1)) == {"retry": 1}
    channel, outcome, detail = _attempts(message)[0]
    assert (channel, outcome) == ("sms", "failed") and "refused" in detail.lower()


def test_email_through_a_real_smtp_server(ctx, smtp):
    controller, mailbox = smtp
    configure(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none",
              smtp_sender="mot-cua@hadong.vn")
    message = _supplement_message(ctx)
    Dossier.update(email="huong@example.vn").execute()
    OutboxMessage.update(phone="", email="huong@example.vn").execute()  # an applicant with no phone, say
    mailbox.refuse = "550 5.1.1 Mailbox unavailable"
    t0 = now() + dt.timedelta(seconds=1)
    assert outbox.send_due(t0) == {"retry": 1}
    assert _attempts(message)[0][:2] == ("email", "failed") and "550" in _attempts(message)[0][2]
    mailbox.refuse = ""
    assert outbox.send_due(t0 + dt.timedelta(minutes=1)) == {"sent": 1}
    [(sender, recipients, mail)] = mailbox.messages
    assert (sender, recipients) == ("mot-cua@hadong.vn", ["huong@example.vn"])
    assert mail["Subject"] == message.subject
    assert mail["Message-ID"] == f"<outbox-supplement-{message.key.split(':')[1]}@hadong.vn>"
    assert mail.get_content().strip() == message.body
    assert OutboxMessage.get_by_id(message.id).channel == "email"


def test_a_mail_server_that_is_down(ctx):
    configure(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_security="none", smtp_sender="a@b.vn")
    message = _supplement_message(ctx)
    OutboxMessage.update(email="huong@example.vn").execute()
    assert outbox.send_due(now() + dt.timedelta(seconds=1)) == {"retry": 1}
    channel, outcome, detail = _attempts(message)[0]
    assert (channel, outcome) == ("email", "failed") and "refused" in detail.lower()


def test_two_senders_at_once_send_each_message_once(app, gateway):
    gateway.delay = 0.05
    with using(app):
        configure(gateway_url=gateway.url)
        for _ in range(6):
            _supplement_message(app)
    results, errors = [], []

    def sender():
        with app.app_context():
            db.connect(reuse_if_open=True)
            try:
                results.append(outbox.send_due())
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.close()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["sent"] for r in results) == 6
    ids = [r["json"]["id"] for r in gateway.received]
    assert len(ids) == 6 and len(set(ids)) == 6
    with using(app):
        assert OutboxMessage.select().where(OutboxMessage.status == "sent").count() == 6


def test_a_sender_that_died_mid_send_is_taken_over_after_its_lease(ctx, gateway):
    configure(gateway_url=gateway.url)
    message = _supplement_message(ctx)
    t0 = now() + dt.timedelta(seconds=1)
    lease = dt.timedelta(minutes=2)
    assert outbox.claim(t0, lease).id == message.id  # ... and the process dies before sending
    assert outbox.send_due(t0 + dt.timedelta(minutes=1)) == {}  # still leased: nobody else sends it
    assert outbox.send_due(t0 + dt.timedelta(minutes=2, seconds=1)) == {"sent": 1}  # not lost
    assert len(gateway.received) == 1


def test_send_messages_command_is_safe_to_run_twice(app, runner, gateway):
    with using(app):
        configure(gateway_url=gateway.url)
        _supplement_message(app)
    first = runner.invoke(args=["send-messages"])
    assert first.exit_code == 0 and first.output.strip() == '{"sent": 1, "retry": 0, "print": 0}'
    second = runner.invoke(args=["send-messages"])
    assert second.output.strip() == '{"sent": 0, "retry": 0, "print": 0}'
    assert len(gateway.received) == 1


def test_the_channel_is_the_gateway_for_a_phone_else_mail_for_an_address_else_print(ctx):
    settings = MessagingSettings(gateway_url="http://gw/send", gateway_channel="zalo", smtp_host="mail",
                                 smtp_sender="a@b.vn")
    both, phone_only, mail_only, neither = (OutboxMessage(phone=p, email=e) for p, e in (
        ("0912345678", "h@x.vn"), ("0912345678", ""), ("", "h@x.vn"), ("", "")))
    assert [outbox.channel_for(m, settings) for m in (both, phone_only, mail_only, neither)] == [
        "zalo", "zalo", "email", "print"]
    no_gateway = MessagingSettings(smtp_host="mail", smtp_sender="a@b.vn")
    assert [outbox.channel_for(m, no_gateway) for m in (both, phone_only)] == ["email", "print"]
    no_sender = MessagingSettings(smtp_host="mail")
    assert outbox.channel_for(mail_only, no_sender) == "print"


def test_a_mail_server_that_never_greets_is_a_timeout(ctx):
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection (the kernel does) and never says a word
    try:
        configure(smtp_host="127.0.0.1", smtp_port=silent.getsockname()[1], smtp_security="none",
                  smtp_sender="a@b.vn", timeout_seconds=1)
        message = _supplement_message(ctx)
        OutboxMessage.update(email="huong@example.vn").execute()
        assert outbox.send_due(now() + dt.timedelta(seconds=1)) == {"retry": 1}
        attempt = DeliveryAttempt.get(DeliveryAttempt.message == message)
        assert (attempt.channel, attempt.outcome) == ("email", "timeout") and 900 <= attempt.duration_ms < 2900
    finally:
        silent.close()


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_checks_the_mail_servers_certificate(ctx, tmp_path, monkeypatch, security):
    from tests.outbox_servers import tls_server

    controller, mailbox, ca = tls_server(tmp_path, implicit=security == "ssl")
    try:
        configure(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security=security,
                  smtp_sender="mot-cua@hadong.vn")
        message = _supplement_message(ctx)
        OutboxMessage.update(phone="", email="huong@example.vn").execute()
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "nowhere.pem"))  # the server's CA is not trusted
        t0 = now() + dt.timedelta(seconds=1)
        assert outbox.send_due(t0) == {"retry": 1}
        channel, outcome, detail = _attempts(message)[0]
        assert (channel, outcome) == ("email", "failed") and "CERTIFICATE_VERIFY_FAILED" in detail
        assert mailbox.messages == []  # nothing went out in clear text either
        monkeypatch.setenv("SSL_CERT_FILE", ca)  # the office installs the server's CA
        assert outbox.send_due(t0 + dt.timedelta(minutes=1)) == {"sent": 1}
        assert mailbox.messages[0][1] == ["huong@example.vn"]
    finally:
        controller.stop()


def test_an_sms_goes_without_diacritics_unless_the_admin_turns_that_off(ctx, gateway):
    configure(gateway_url=gateway.url, gateway_channel="sms")  # without diacritics by default
    message = _supplement_message(ctx)
    assert outbox.send_due(now() + dt.timedelta(seconds=1)) == {"sent": 1}
    assert gateway.received[0]["json"]["text"] == (
        f"Trung tam Phuc vu hanh chinh cong phuong Ha Dong: ho so {message.dossier.code} can bo sung, hoan thien."
        " Giay to can bo sung: Ban sao giay khai sinh; Anh 4x6. Ly do: Anh chup chua ro. Lien he: Chi Lan, 0243"
        " 382 4567. Thoi gian giai quyet tam dung den khi nhan du ho so bo sung. Ho tro: 0243 382 4567.")
    assert OutboxMessage.get_by_id(message.id).body == message.body  # the record keeps the Vietnamese
    configure(sms_unaccented=False)
    second = _supplement_message(ctx)
    assert outbox.send_due(now() + dt.timedelta(seconds=2)) == {"sent": 1}
    assert gateway.received[1]["json"]["text"] == second.body


def test_when_the_gateway_gives_up_the_mail_server_takes_over(ctx, gateway, smtp):
    controller, mailbox = smtp
    configure(gateway_url=gateway.url, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none",
              smtp_sender="mot-cua@hadong.vn")
    gateway.plan = ["busy"]
    message = _supplement_message(ctx)
    OutboxMessage.update(email="huong@example.vn").execute()
    t = now() + dt.timedelta(seconds=1)
    for wait in (0, 1, 5, 15, 60):
        t += dt.timedelta(minutes=wait)
        assert outbox.send_due(t) == {"retry": 1}, wait
    # the 6th failure of the gateway: the e-mail goes at once, in the same run
    assert outbox.send_due(t + dt.timedelta(minutes=240)) == {"retry": 1, "sent": 1}
    message = OutboxMessage.get_by_id(message.id)
    assert (message.status, message.channel, message.attempts) == ("sent", "email", 6)
    assert [a[:2] for a in _attempts(message)] == [("sms", "failed")] * 6 + [("email", "sent")]
    assert len(mailbox.messages) == 1 and len(gateway.received) == 6
