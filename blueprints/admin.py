"""Office settings: identity, office hours, extra days off and make-up working days."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import render
from blueprints.auth import requires
from models import CalendarOverride
from services import office as office_service
from services.text import N_

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
}


def _context(form=None, errors=None, override_form=None, override_errors=None):
    office = office_service.get_office()
    return {
        "office": office,
        "form": form if form is not None else {k: getattr(office, k) for k in (
            "agency_id", *office_service.TEXT_FIELDS, *office_service.HOUR_FIELDS, "max_upload_mb",
            "max_extensions")},
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
        day = dt.date.fromisoformat(form.get("day", ""))
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
