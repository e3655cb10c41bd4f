"""Notifications: one's own notices (read once shown), the applicant outbox, the messaging settings."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import id_arg, render, row_or_404
from blueprints.auth import requires
from models import DeliveryAttempt, OutboxMessage, now
from services import accounts, delivery, notifications, outbox, outbox_print
from services import office as office_service
from services.text import N_

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

SETTING_ERRORS = {
    "url": N_("The address must start with http:// or https://."),
    "choice": N_("Choose from the list."),
    "host": N_("Write the server's name or address, for example mail.example.vn."),
    "sender": N_("Write the sender's e-mail address."),
    "email": N_("Write an e-mail address, for example mot-cua@example.vn."),
    "port": N_("Enter a whole number from 1 to 65535."),
    "timeout": N_("Enter a whole number of seconds from 1 to 60."),
    "too_long": N_("At most 250 characters."),
}
CHANNEL_NAMES = {"sms": N_("SMS"), "zalo": N_("Zalo"), "email": N_("E-mail"), "print": N_("Printed at the counter")}
OUTCOME_NAMES = {"sent": N_("Sent"), "failed": N_("Failed"), "timeout": N_("No answer in time"),
                 "print": N_("Kept for printing")}
SECURITY_NAMES = {"starttls": N_("STARTTLS (port 587)"), "ssl": N_("SSL/TLS (port 465)"),
                  "none": N_("None (inside the office network only)")}


@bp.app_context_processor
def _globals():
    return {"unread_notifications": _unread, "dossier_messages": _dossier_messages,
            "message_kinds": outbox.KIND_NAMES, "message_statuses": outbox.STATUS_NAMES}


def _unread() -> int:
    """The count in the navigation bar: one indexed query."""
    if not accounts.can(current_user, "notification.view"):
        return 0
    return notifications.unread_count(current_user)


def _dossier_messages(dossier) -> list[OutboxMessage]:
    """The messages to a dossier's applicant, for those who print and resend them (one query)."""
    if not accounts.can(current_user, "outbox.manage"):
        return []
    return list(OutboxMessage.select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.status,
                                     OutboxMessage.created_at)
                .where(OutboxMessage.dossier == dossier).order_by(OutboxMessage.id))


def _before() -> int | None:
    return id_arg("before")


@bp.get("/")
@requires("notification.view")
def index():
    notifications.warn_deadlines(office_service.calendar(), now(), actor=current_user.username)
    items = notifications.page(current_user, _before())
    unread = {n.id for n in items if n.read_at is None}
    notifications.mark_read(current_user, sorted(unread))
    return render("notifications/index.html", "notifications/_list.html", items=items, unread=unread,
                  texts=notifications.TEXTS, more=len(items) == 30)


# --- The applicant outbox ------------------------------------------------------------------------

def _message(message_id: int) -> OutboxMessage:
    return row_or_404(OutboxMessage, message_id)


@bp.get("/outbox")
@requires("outbox.manage")
def outbox_list():
    current = request.args.get("status", "")
    current = current if current in outbox.STATUS_NAMES else ""
    messages = list(outbox.listing(current, _before()))
    return render("notifications/outbox.html", "notifications/_outbox_rows.html", messages=messages,
                  current=current, counts=outbox.status_counts(), statuses=outbox.STATUS_NAMES,
                  kinds=outbox.KIND_NAMES, channels=CHANNEL_NAMES, more=len(messages) == 50)


@bp.get("/outbox/<int:message_id>")
@requires("outbox.manage")
def outbox_show(message_id):
    message = _message(message_id)
    attempts = list(DeliveryAttempt.select().where(DeliveryAttempt.message == message).order_by(DeliveryAttempt.id))
    return render("notifications/message.html", "notifications/message.html", m=message, attempts=attempts,
                  statuses=outbox.STATUS_NAMES, kinds=outbox.KIND_NAMES, channels=CHANNEL_NAMES,
                  outcomes=OUTCOME_NAMES)


def _pdf(messages: list[OutboxMessage], name: str) -> Response:
    data = outbox_print.notices_pdf(messages, office_service.get_office())
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@bp.get("/outbox/<int:message_id>.pdf")
@requires("outbox.manage")
def outbox_pdf(message_id):
    return _pdf([_message(message_id)], f"thong-bao-{message_id}.pdf")


@bp.get("/outbox/print.pdf")
@requires("outbox.manage")
def outbox_print_all():
    messages = list(outbox.listing("print", limit=200))
    if not messages:
        flash(_("No message is waiting to be printed."), "success")
        return redirect(url_for("notifications.outbox_list", status="print"))
    return _pdf(messages, "thong-bao-can-in.pdf")


@bp.post("/outbox/<int:message_id>/printed")
@requires("outbox.manage")
def outbox_printed(message_id):
    return _counter_action(message_id, outbox.mark_printed, N_("Marked as printed."))


@bp.post("/outbox/<int:message_id>/retry")
@requires("outbox.manage")
def outbox_retry(message_id):
    return _counter_action(message_id, outbox.retry, N_("The message will be sent again on the next run."))


def _counter_action(message_id: int, action, done: str):
    _message(message_id)
    try:
        action(message_id, current_user)
        flash(_(done), "success")
    except outbox.OutboxError as exc:
        flash(_(str(exc)), "error")
    return redirect(url_for("notifications.outbox_show", message_id=message_id))


# --- Settings ----------------------------------------------------------------------------------

def _settings_page(form=None, errors=None, status=200, test_error="", test_to=""):
    settings = outbox.get_settings()
    if form is None:
        form = {k: getattr(settings, k) for k in (
            "gateway_url", "gateway_channel", "sms_unaccented", "smtp_host", "smtp_port", "smtp_security", "smtp_username",
            "smtp_sender", "timeout_seconds")}
    return render("notifications/settings.html", "notifications/_settings_form.html", status, form=form,
                  errors={k: _(SETTING_ERRORS[v]) for k, v in (errors or {}).items()}, settings=settings,
                  security=SECURITY_NAMES, channels=CHANNEL_NAMES, test_error=test_error, test_to=test_to)


@bp.route("/settings", methods=["GET", "POST"])
@requires("office.edit")
def settings_page():
    if request.method == "GET":
        return _settings_page()
    data, errors = delivery.validate(request.form)
    if errors:
        return _settings_page(request.form, errors, 422)
    delivery.save(outbox.get_settings(), data, current_user.username)
    flash(_("Message settings saved."), "success")
    return redirect(url_for("notifications.settings_page"))


@bp.post("/settings/test")
@requires("office.edit")
def settings_test():
    to = request.form.get("to", "").strip()
    if not to or len(to) > 250:
        return _settings_page(errors={}, test_error=_("Write a phone number or an e-mail address."),
                              test_to=to, status=422)
    channel, result = delivery.send_test(outbox.get_settings(), to, office_service.get_office().name,
                                         current_user.username)
    if result.outcome == "sent":
        flash(_("The test message was sent (%(detail)s, %(ms)s ms).", detail=result.detail, ms=result.duration_ms),
              "success")
    elif result.outcome == "print":
        flash(_("Nothing to send it with: set the gateway (for a phone) or the mail server (for an address) first."),
              "error")
    else:
        flash(_("The test message was not sent: %(detail)s", detail=_(result.detail)), "error")
    return redirect(url_for("notifications.settings_page") + "#test")
