"""The two ways out of the office: an SMS/Zalo HTTP gateway and an SMTP server, and their settings.

The gateway gets one POST per message, JSON: {"id", "channel": "sms"|"zalo", "to", "text"} (an SMS
without diacritics unless the admin turns that off: 160 characters a segment instead of 70), with the
same id in an Idempotency-Key header (a retry after a lost answer carries the same key) and the token,
if any, as a bearer token. Any 2xx answer means sent; anything else, a timeout or no connection is a
failure to retry. Nothing here raises: every outcome is a Result.
"""
from __future__ import annotations

import json
import re
import smtplib
import ssl
import time
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage

from models import MessagingSettings
from services import audit, practice
from services.database import write_transaction
from services.text import N_, nfc

CHANNELS = ("sms", "zalo")
SECURITY = ("starttls", "ssl", "none")
URL = re.compile(r"^https?://[^\s/]+\S*$")
HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SECRET_FIELDS = ("gateway_token", "smtp_password")


@dataclass(frozen=True)
class Result:
    outcome: str  # sent | failed | timeout | print
    detail: str = ""
    duration_ms: int = 0


def _elapsed(start: float) -> int:
    return int((time.monotonic() - start) * 1000)


def _is_timeout(exc: BaseException | None) -> bool:
    """A timeout, also when wrapped (urllib's URLError.reason; smtplib re-raises it as a disconnection)."""
    while exc is not None:
        if isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def unaccented(text: str) -> str:
    """'Hồ sơ đã có kết quả' -> 'Ho so da co ket qua' (letter case kept)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in text if unicodedata.category(ch) != "Mn"))


PRACTICE = N_("practice copy: nothing is sent outside, the message is kept for printing")


def send_gateway(settings: MessagingSettings, channel: str, phone: str, text: str, key: str) -> Result:
    if practice.active():
        return Result("print", PRACTICE)
    if channel == "sms" and settings.sms_unaccented:
        text = unaccented(text)
    body = json.dumps({"id": key, "channel": channel, "to": phone, "text": text}, ensure_ascii=False)
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key}
    if settings.gateway_token:
        headers["Authorization"] = f"Bearer {settings.gateway_token}"
    request = urllib.request.Request(settings.gateway_url, data=body.encode("utf-8"), headers=headers,
                                     method="POST")
    start = time.monotonic()
    try:
        practice.refuse_outgoing()
        with urllib.request.urlopen(request, timeout=settings.timeout_seconds) as response:
            response.read(4096)
            return Result("sent", f"HTTP {response.status}", _elapsed(start))
    except urllib.error.HTTPError as exc:
        return Result("failed", f"HTTP {exc.code}", _elapsed(start))
    except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections, a bad URL
        if _is_timeout(exc):
            return Result("timeout", f"no answer within {settings.timeout_seconds} s", _elapsed(start))
        return Result("failed", str(getattr(exc, "reason", exc))[:250], _elapsed(start))


def send_email(settings: MessagingSettings, to: str, subject: str, text: str, key: str) -> Result:
    if practice.active():
        return Result("print", PRACTICE)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.smtp_sender, to, subject
    # the same id on every try: a mail system that got it once can drop a copy sent after a lost answer
    domain = settings.smtp_sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<outbox-{re.sub(r'[^A-Za-z0-9.-]', '-', key)}@{domain}>"
    message.set_content(text)
    start = time.monotonic()
    try:
        practice.refuse_outgoing()
        if settings.smtp_security == "ssl":  # smtplib's own default would not check the certificate
            smtp = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.timeout_seconds,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout_seconds)
        with smtp:
            if settings.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
        return Result("sent", "SMTP 250", _elapsed(start))
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        if _is_timeout(exc):
            return Result("timeout", f"no answer within {settings.timeout_seconds} s", _elapsed(start))
        return Result("failed", f"{type(exc).__name__}: {exc}"[:250], _elapsed(start))


# --- Settings (the admin's page) -----------------------------------------------------------------

def validate(form) -> tuple[dict, dict]:
    """(data, errors): errors map field -> a key of the page's messages. An empty secret keeps the saved one."""
    text = {f: nfc(form.get(f, "")).strip() for f in (
        "gateway_url", "gateway_channel", "smtp_host", "smtp_security", "smtp_username", "smtp_sender")}
    data: dict = dict(text)
    errors: dict[str, str] = {}
    if text["gateway_url"] and not URL.match(text["gateway_url"]):
        errors["gateway_url"] = "url"
    if text["gateway_channel"] not in CHANNELS:
        errors["gateway_channel"] = "choice"
    if text["smtp_security"] not in SECURITY:
        errors["smtp_security"] = "choice"
    if text["smtp_host"] and not HOST.match(text["smtp_host"]):
        errors["smtp_host"] = "host"
    if text["smtp_host"] and not text["smtp_sender"]:
        errors["smtp_sender"] = "sender"
    elif text["smtp_sender"] and not EMAIL.match(text["smtp_sender"]):
        errors["smtp_sender"] = "email"
    for name, low, high, key in (("smtp_port", 1, 65535, "port"), ("timeout_seconds", 1, 60, "timeout")):
        try:
            data[name] = int(str(form.get(name, "")).strip())
            if not low <= data[name] <= high:
                raise ValueError
        except ValueError:
            errors[name] = key
    data["sms_unaccented"] = form.get("sms_unaccented") in ("1", "on")
    for name in SECRET_FIELDS:
        value = form.get(name, "")
        if value:
            data[name] = value.strip()
        elif form.get(f"clear_{name}"):
            data[name] = ""
    for name, value in data.items():
        if isinstance(value, str) and len(value) > 250 and name not in errors:
            errors[name] = "too_long"
    return data, errors


def save(settings: MessagingSettings, data: dict, actor: str) -> MessagingSettings:
    """Store the settings with an audit event; secrets appear there only as 'changed'."""
    with write_transaction():
        settings = MessagingSettings.get_by_id(settings.id)
        changed = {k: v for k, v in data.items() if getattr(settings, k) != v}
        before = {k: getattr(settings, k) for k in changed}
        for key, value in changed.items():
            setattr(settings, key, value)
        settings.save()
        if changed:
            hide = {k: "***" for k in SECRET_FIELDS if k in changed}
            audit.record(actor, "messaging.update", "messaging_settings", settings.id, before | hide,
                         changed | hide)
    return settings


def send_test(settings: MessagingSettings, to: str, office_name: str, actor: str) -> tuple[str, Result]:
    """A test message to a phone (through the gateway) or an address (through SMTP), sent now, with an
    audit event: (channel, result). Nothing goes to the outbox."""
    to = nfc(to).strip()
    text = nfc(f"Tin nhắn thử từ {office_name}: cài đặt gửi tin nhắn hoạt động.")
    if practice.active():  # a test on the practice copy fails: it proves nothing about the real settings
        channel, result = ("email" if "@" in to else settings.gateway_channel), Result("failed", PRACTICE)
    elif "@" in to:
        channel = "email"
        result = (send_email(settings, to, "Tin nhắn thử", text, "test") if settings.smtp_host and settings.smtp_sender
                  else Result("print", "no mail server"))
    else:
        channel = settings.gateway_channel
        digits = re.sub(r"\D", "", to)
        result = (send_gateway(settings, channel, digits, text, "test") if settings.gateway_url
                  else Result("print", "no gateway"))
    with write_transaction():
        audit.record(actor, "messaging.test", "messaging_settings", settings.id, None,
                     {"to": to, "channel": channel, "outcome": result.outcome, "detail": result.detail})
    return channel, result
