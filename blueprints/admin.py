"""Administration: office settings and calendar, accounts, API tokens."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import render, row_or_404
from blueprints.auth import messages, requires
from models import ApiToken, CalendarOverride, User, now
from services import accounts, throttle
from services import office as office_service
from services.calendar import parse_day
from services.text import N_, nfc

bp = Blueprint("admin", __name__, url_prefix="/admin")

MESSAGES = {
    "agency_id": N_("The agency's electronic id looks like 000.00.01.H26."),
    "required": N_("This field is required."),
    "hhmm": N_("Write the time as HH:MM, for example 07:30."),
    "hours_order": N_("Office hours must go in order: morning start < morning end < afternoon start < afternoon end."),
    "upload_mb": N_("Enter a whole number of megabytes between 1 and 200."),
    "url": N_("The address must start with http:// or https://."),
    "extensions": N_("Enter a whole number from 0 to 5."),
    "day": N_("Enter a valid date."),
    "hotline": N_("Write the hotline with digits, for example 0243 123 4567."),
    "too_long": N_("At most 200 characters."),
}


def _context(form=None, errors=None, override_form=None, override_errors=None):
    office = office_service.get_office()
    return {
        "office": office,
        "form": form if form is not None else {k: getattr(office, k) for k in (
            "agency_id", *office_service.TEXT_FIELDS, *office_service.HOUR_FIELDS, "max_upload_mb",
            "max_extensions", "receipt_two_copies")},
        "errors": {k: _(MESSAGES[v]) for k, v in (errors or {}).items()},
        "overrides": CalendarOverride.select().order_by(CalendarOverride.day.desc()),
        "override_form": override_form or {},
        "override_errors": {k: _(MESSAGES[v]) for k, v in (override_errors or {}).items()},
    }


@bp.route("/office", methods=["GET", "POST"])
@requires("office.edit")
def office():
    if request.method == "POST":
        data, errors = office_service.validate_settings(request.form)
        if errors:
            return render("admin/office.html", "admin/_office_form.html", 422,
                          **_context(form=request.form, errors=errors))
        office_service.update_settings(data, current_user.username)
        flash(_("Office settings saved."), "success")
        return redirect(url_for("admin.office"))
    return render_template("admin/office.html", **_context())


@bp.post("/calendar")
@requires("office.edit")
def add_override():
    form = request.form
    try:
        day = parse_day(form.get("day", ""))
    except ValueError:
        return render_template("admin/office.html", **_context(
            override_form=form, override_errors={"day": "day"})), 422
    working = form.get("working") == "1"
    office_service.set_override(day, working, form.get("note", "")[:200], current_user.username)
    flash(_("Calendar updated."), "success")
    return redirect(url_for("admin.office") + "#calendar")


@bp.route("/calendar/<day>/delete", methods=["GET", "POST"])
@requires("office.edit")
def delete_override(day):
    try:
        parsed = dt.date.fromisoformat(day)
    except ValueError:
        abort(404)
    row = CalendarOverride.get_or_none(CalendarOverride.day == parsed)
    if row is None:
        abort(404)
    if request.method == "POST":
        office_service.delete_override(parsed, current_user.username)
        flash(_("Calendar updated."), "success")
        return redirect(url_for("admin.office") + "#calendar")
    return render_template("admin/confirm_delete.html", row=row)


# --- Accounts -------------------------------------------------------------------------------

def _user_form_page(user=None, form=None, errors=None, status=200):
    form = form if form is not None else (
        {"full_name": user.full_name, "role": user.role, "unit": user.unit.name if user.unit_id else ""}
        if user else {})
    return render("admin/user_form.html", "admin/_user_form.html", status, user=user, form=form,
                  errors=messages(errors or {}), roles=accounts.ROLE_NAMES, units=accounts.units(),
                  slowed_until=throttle.slowed(now()).get(user.username) if user else None)


@bp.get("/users")
@requires("user.manage")
def users():
    return render_template("admin/users.html", users=list(accounts.users()), roles=accounts.ROLE_NAMES,
                           slowed=throttle.slowed(now()))


@bp.route("/users/new", methods=["GET", "POST"])
@requires("user.manage")
def new_user():
    if request.method == "GET":
        return _user_form_page(form={"role": "intake"})
    data, errors = accounts.validate_user(request.form, creating=True)
    if not errors:
        try:
            user = accounts.add_user(data, current_user.username)
        except accounts.AccountError as exc:
            errors = {exc.field: (exc.message, exc.params)}
    if errors:
        return _user_form_page(form=request.form, errors=errors, status=422)
    flash(_("Account %(username)s created.", username=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("user.manage")
def edit_user(user_id):
    user = row_or_404(User, user_id)
    if request.method == "GET":
        return _user_form_page(user)
    data, errors = accounts.validate_user(request.form, creating=False)
    if not errors:
        try:
            accounts.update_user(user, data, current_user.username)
        except accounts.AccountError as exc:
            errors = {exc.field: (exc.message, exc.params)}
    if errors:
        return _user_form_page(user, request.form, errors, 422)
    flash(_("Account %(username)s saved.", username=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@requires("user.manage")
def reset_password(user_id):
    user = row_or_404(User, user_id)
    errors: dict = {}
    if request.method == "POST":
        password, errors = accounts.validate_password_form(request.form, user.username)
        if not errors:
            accounts.set_password(user, password, current_user.username)
            flash(_("New password set for %(username)s. Every session of the account has ended.",
                    username=user.username), "success")
            return redirect(url_for("admin.users"))
    return render("admin/user_password.html", "admin/_user_password_form.html", 422 if errors else 200,
                  user=user, errors=messages(errors))


def _confirm(user, action: str, title: str, text: str, button: str, danger: bool = True):
    return render_template("admin/confirm.html", title=title, text=text, button=button, danger=danger,
                           action=url_for(action, user_id=user.id), cancel=url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/unlock", methods=["GET", "POST"])
@requires("user.manage")
def unlock_user(user_id):
    user = row_or_404(User, user_id)
    if request.method == "POST":
        accounts.unlock(user, current_user.username)
        flash(_("%(username)s can log in again from every computer.", username=user.username), "success")
        return redirect(url_for("admin.users"))
    return _confirm(user, "admin.unlock_user", _("Unlock %(username)s?", username=user.username),
                    _("Failed logins are forgotten and no computer has to wait before logging in."),
                    _("Unlock"), danger=False)


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@requires("user.manage")
def deactivate_user(user_id):
    user = row_or_404(User, user_id)
    if request.method == "POST":
        try:
            accounts.set_active(user, False, current_user.username)
        except accounts.AccountError as exc:
            flash(_(exc.message), "error")
            return redirect(url_for("admin.edit_user", user_id=user.id))
        flash(_("Account %(username)s deactivated.", username=user.username), "success")
        return redirect(url_for("admin.users"))
    return _confirm(user, "admin.deactivate_user", _("Deactivate %(username)s?", username=user.username),
                    _("The account can no longer log in and every open session ends at once. Its dossiers "
                      "and history are kept; it can be reactivated later."), _("Deactivate"))


@bp.post("/users/<int:user_id>/reactivate")
@requires("user.manage")
def reactivate_user(user_id):
    user = row_or_404(User, user_id)
    accounts.set_active(user, True, current_user.username)
    flash(_("Account %(username)s reactivated.", username=user.username), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


# --- API tokens -----------------------------------------------------------------------------

def _tokens_page(status=200, **context):
    context.setdefault("form", {})
    context.setdefault("errors", {})
    return render("admin/tokens.html", "admin/_tokens.html", status, tokens=list(accounts.tokens()),
                  **context)


@bp.get("/tokens")
@requires("token.manage")
def tokens():
    return _tokens_page()


@bp.post("/tokens")
@requires("token.manage")
def create_token():
    name = request.form.get("name", "")
    try:
        secret = accounts.create_token(name, current_user.username, replace=False)
    except accounts.AccountError as exc:
        return _tokens_page(422, form=request.form, errors=messages({exc.field: (exc.message, exc.params)}))
    return _tokens_page(201, created=nfc(name), secret=secret)


@bp.route("/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@requires("token.manage")
def revoke_token(token_id):
    token = row_or_404(ApiToken, token_id)
    if request.method == "POST":
        accounts.revoke_token(token.name, current_user.username)
        flash(_("API token %(name)s revoked: systems using it are refused from now on.", name=token.name),
              "success")
        return redirect(url_for("admin.tokens"))
    return render_template("admin/confirm.html", title=_("Revoke the API token %(name)s?", name=token.name),
                           text=_("Every system that uses this token is refused from now on. This cannot be "
                                  "undone: a new token has to be created and given to them."),
                           button=_("Revoke"), danger=True, action=url_for("admin.revoke_token", token_id=token.id),
                           cancel=url_for("admin.tokens"))
