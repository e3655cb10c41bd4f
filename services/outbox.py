"""Messages to applicants: written in the transaction of the step they announce, sent later by
`flask --app app send-messages` (cron), retried with back-off, never deleted.

A message goes by SMS or Zalo through the HTTP gateway the admin configured (when the dossier has a
phone), else by e-mail through SMTP (when it has an address), else it is kept for the counter to print.
After MAX_ATTEMPTS failed tries on one channel the next one is tried; when every channel has failed
it is kept for printing too. Every try is a DeliveryAttempt row.
Two senders running at once never take the same message: each claims one with a lease first.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from models import DeliveryAttempt, Dossier, MessagingSettings, Office, OutboxMessage, StatusEvent, User, now
from services import audit, delivery
from services.calendar import VN_TZ
from services.database import write_transaction
from services.text import N_, nfc

# action of a status event -> kind of message to the applicant
KINDS = {"request-supplement": "supplement", "extend": "extension", "settle": "result",
         "refuse": "refusal", "stop": "stop"}
KIND_NAMES = {"supplement": N_("Supplement request"), "extension": N_("Apology and new appointment"),
              "result": N_("Result ready"), "refusal": N_("Refusal"), "stop": N_("Processing stopped")}
STATUS_NAMES = {"pending": N_("Waiting to be sent"), "sent": N_("Sent"), "print": N_("To print at the counter"),
                "printed": N_("Printed")}
MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 5, 15, 60, 240)  # wait after the 1st, 2nd, ... failed try
LEASE_EXTRA = dt.timedelta(seconds=60)
MAX_BODY = 1000


def _time(value: dt.datetime) -> str:
    return value.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


def citizen_link(dossier: Dossier, office: Office) -> str:
    """The citizen's page (the receipt's QR link) when the office has a public address, else ""."""
    base = (office.public_base_url or "").rstrip("/")
    return f"{base}/d/{dossier.code}/{dossier.secret}" if base and dossier.secret else ""


def compose(kind: str, dossier: Dossier, event: StatusEvent, office: Office) -> tuple[str, str]:
    """(subject, body) in Vietnamese: what the applicant reads on the phone or on paper."""
    details = event.details or {}
    name, code, reason = nfc(office.name), dossier.code, nfc(event.note)
    if kind == "supplement":
        items = "; ".join(line.strip() for line in details.get("items", "").splitlines() if line.strip())
        subject = f"Yêu cầu bổ sung hồ sơ {code}"
        body = f"{name}: hồ sơ {code} cần bổ sung, hoàn thiện."
        body += f" Giấy tờ cần bổ sung: {items}." if items else ""
        body += f" Lý do: {reason}." if reason else ""
        body += f" Liên hệ: {details['contact']}." if details.get("contact") else ""
        body += " Thời gian giải quyết tạm dừng đến khi nhận đủ hồ sơ bổ sung."
    elif kind == "extension":
        subject = f"Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}"
        body = (f"{name} xin lỗi Ông/Bà: hồ sơ {code} chưa giải quyết xong đúng hẹn. Lý do: {reason}."
                f" Hẹn trả kết quả mới: {_time(event.appointment_at)}.")
    elif kind == "result":
        subject = f"Hồ sơ {code} đã có kết quả"
        body = f"{name}: hồ sơ {code} đã có kết quả."
        if dossier.delivery_method == "post":
            body += " Kết quả sẽ được gửi qua dịch vụ bưu chính đến địa chỉ Ông/Bà đã đăng ký."
        elif dossier.delivery_method == "online":
            body += " Kết quả được trả trực tuyến."
        else:
            where = f", {nfc(office.address)}" if office.address else ""
            body += f" Mời Ông/Bà đến nhận kết quả tại {name}{where}, mang theo giấy tiếp nhận hồ sơ."
    elif kind == "refusal":
        subject = f"Hồ sơ {code} không được tiếp nhận"
        body = f"{name}: hồ sơ {code} không được tiếp nhận giải quyết. Lý do: {reason}."
    else:
        subject = f"Dừng giải quyết hồ sơ {code}"
        body = f"{name}: hồ sơ {code} đã dừng giải quyết. Lý do: {reason}."
    if office.hotline:
        body += f" Hỗ trợ: {office.hotline}."
    link = citizen_link(dossier, office)
    if link:
        body += f" Xem tình trạng hồ sơ: {link}"
    return nfc(subject)[:200], nfc(body)[:MAX_BODY]


def enqueue(dossier: Dossier, event: StatusEvent, office: Office) -> OutboxMessage | None:
    """The message a step owes the applicant, written in the caller's transaction (so it exists exactly
    when the step does). One per event: a second call for the same event finds the first."""
    kind = KINDS.get(event.action)
    if kind is None:
        return None
    key = f"{kind}:{event.id}"
    existing = OutboxMessage.get_or_none(OutboxMessage.key == key)
    if existing is not None:
        return existing
    subject, body = compose(kind, dossier, event, office)
    return OutboxMessage.create(dossier=dossier, kind=kind, key=key, phone=phone_digits(dossier.phone),
                                email=(dossier.email or "").strip(), subject=subject, body=body,
                                next_attempt_at=event.entered_at or now(), created_at=event.entered_at or now())


def phone_digits(phone: str) -> str:
    """'0912 345 678' -> '0912345678'; '+84 912…' -> '84912…'."""
    return re.sub(r"\D", "", phone or "")


# --- Sending -------------------------------------------------------------------------------------

def get_settings() -> MessagingSettings:
    settings = MessagingSettings.select().order_by(MessagingSettings.id).first()
    if settings is None:
        with write_transaction():
            settings = MessagingSettings.create()
    return settings


def channels(message: OutboxMessage, settings: MessagingSettings) -> list[str]:
    """The ways this message can go, in order: sms/zalo through the gateway when there is one and a
    phone; email through SMTP when there is a server and an address. None: it is printed."""
    out = [settings.gateway_channel] if settings.gateway_url and message.phone else []
    return out + (["email"] if settings.smtp_host and settings.smtp_sender and message.email else [])


def channel_for(message: OutboxMessage, settings: MessagingSettings) -> str:
    """The channel of the next try: MAX_ATTEMPTS tries on each channel in turn, then print."""
    ways = channels(message, settings)
    turn = message.attempts // MAX_ATTEMPTS
    return ways[turn] if turn < len(ways) else "print"


def _due(at: dt.datetime):
    return ((OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= at)
            & (OutboxMessage.claimed_until.is_null() | (OutboxMessage.claimed_until < at)))


def claim(at: dt.datetime, lease: dt.timedelta) -> OutboxMessage | None:
    """Take the next due message for `lease` (a conditional update: of two senders, one wins)."""
    while True:
        with write_transaction():
            candidate = (OutboxMessage.select().where(_due(at))
                         .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).first())
            if candidate is None:
                return None
            taken = (OutboxMessage.update(claimed_until=at + lease)
                     .where((OutboxMessage.id == candidate.id) & _due(at)).execute())
            if taken == 1:
                candidate.claimed_until = at + lease
                return candidate


def record(message_id: int, channel: str, result: delivery.Result, at: dt.datetime,
           ways: int = 1) -> OutboxMessage:
    """Write the try and what follows from it: sent; retry after the back-off, or at once on the next of
    its `ways` (channels) once one has failed MAX_ATTEMPTS times; kept for printing when all have."""
    with write_transaction():
        message = OutboxMessage.get_by_id(message_id)
        before = {"status": message.status, "attempts": message.attempts}
        DeliveryAttempt.create(message=message, at=at, channel=channel, outcome=result.outcome,
                               detail=result.detail[:250], duration_ms=result.duration_ms)
        message.channel, message.claimed_until = channel, None
        if result.outcome == "sent":
            message.status, message.sent_at, message.last_error = "sent", at, ""
        elif message.status == "pending":
            if result.outcome == "print":
                message.status = "print"
            else:
                message.attempts += 1
                message.last_error = result.detail[:250]
                if message.attempts >= MAX_ATTEMPTS * ways:
                    message.status = "print"
                elif message.attempts % MAX_ATTEMPTS == 0:
                    message.next_attempt_at = at  # this channel gave up: the next one at once
                else:
                    wait = BACKOFF_MINUTES[message.attempts % MAX_ATTEMPTS - 1]
                    message.next_attempt_at = at + dt.timedelta(minutes=wait)
        message.save()
        audit.record("outbox", "outbox.attempt", "outbox_message", message.id, before,
                     {"status": message.status, "attempts": message.attempts, "channel": channel,
                      "outcome": result.outcome, "detail": result.detail[:250]})
    return message


def send_due(at: dt.datetime | None = None, limit: int = 200) -> Counter:
    """Send what is due, one message at a time: {"sent": n, "retry": n, "print": n}.
    `at` fixes the clock (tests); otherwise each message is sent at the time it is taken."""
    settings = get_settings()
    lease = dt.timedelta(seconds=2 * settings.timeout_seconds) + LEASE_EXTRA
    done: Counter = Counter()
    for _ in range(limit):
        moment = at or now()
        message = claim(moment, lease)
        if message is None:
            break
        channel = channel_for(message, settings)
        ways = len(channels(message, settings))
        if channel == "print":
            result = delivery.Result("print", "no gateway or e-mail for this applicant")
        elif channel == "email":
            result = delivery.send_email(settings, message.email, message.subject, message.body, message.key)
        else:
            result = delivery.send_gateway(settings, channel, message.phone, message.body, message.key)
        saved = record(message.id, channel, result, moment, max(ways, 1))
        done["sent" if saved.status == "sent" else "print" if saved.status == "print" else "retry"] += 1
    return done


# --- At the counter ------------------------------------------------------------------------------

class OutboxError(ValueError):
    pass


def mark_printed(message_id: int, user: User) -> OutboxMessage:
    """The counter printed the message and will hand or post it: no more sending."""
    with write_transaction():
        message = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
        if message is None or message.status not in ("print", "pending"):
            raise OutboxError(N_("This message cannot be marked as printed."))
        before = message.status
        message.status, message.printed_at, message.printed_by = "printed", now(), user
        message.save()
        audit.record(user.username, "outbox.printed", "outbox_message", message.id, {"status": before},
                     {"status": "printed"})
    return message


def retry(message_id: int, user: User) -> OutboxMessage:
    """Send a message kept for printing again now (after the admin fixed the gateway, say)."""
    with write_transaction():
        message = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
        if message is None or message.status not in ("print", "pending"):
            raise OutboxError(N_("Only a message not sent yet can be sent again."))
        before = {"status": message.status, "attempts": message.attempts}
        message.status, message.attempts, message.next_attempt_at = "pending", 0, now()
        message.save()
        audit.record(user.username, "outbox.retry", "outbox_message", message.id, before,
                     {"status": "pending", "attempts": 0})
    return message


def listing(status: str = "", before_id: int | None = None, limit: int = 50):
    """Messages newest first, by status, keyset-paginated on id (an un-executed query)."""
    query = OutboxMessage.select(OutboxMessage, Dossier).join(Dossier)
    if status in STATUS_NAMES:
        query = query.where(OutboxMessage.status == status)
    if before_id:
        query = query.where(OutboxMessage.id < before_id)
    return query.order_by(OutboxMessage.id.desc()).limit(limit)


def status_counts() -> dict[str, int]:
    from peewee import fn

    rows = (OutboxMessage.select(OutboxMessage.status, fn.COUNT(OutboxMessage.id))
            .group_by(OutboxMessage.status).tuples())
    return {status: 0 for status in STATUS_NAMES} | dict(rows)
