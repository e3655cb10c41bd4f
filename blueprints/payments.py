"""Fees at the counter: record cash taken for a dossier; the daily cash statement (page, PDF, XLSX)."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import dossier_or_404, render, wants_fragment
from blueprints.auth import requires
from models import User, now
from services import accounts, cash, payments
from services import office as office_service
from services.calendar import parse_day
from services.text import N_, fold, thousands

bp = Blueprint("payments", __name__, url_prefix="/payments")


@bp.app_context_processor
def _helpers():
    return {"fee_payments": payments.lines_of, "payment_methods": payments.METHODS,
            "unpaid_fees": payments.unpaid}



@bp.post("/<code>")
@requires("fee.collect")
def collect(code):
    dossier = dossier_or_404(code)
    ids = [int(v) for v in request.form.getlist("line") if v.isdigit()]
    try:
        if not ids:
            raise payments.PaymentError(N_("Tick the fees being paid."))
        paid = payments.collect_cash(dossier, ids, request.form.get("receipt_no", ""), now(), current_user)
    except payments.PaymentError as exc:
        return render("payments/collect.html", "payments/_fees.html", 422, dossier=dossier,
                      error=_(exc.message), form=request.form)
    message = _("Cash received: %(amount)s đ, receipt number %(number)s.",
                amount=thousands(sum(p.amount for p in paid)), number=paid[0].receipt_no)
    if wants_fragment():
        return render("payments/collect.html", "payments/_fees.html", dossier=dossier, done=message)
    flash(message, "success")
    return redirect(url_for("intake.show", code=dossier.code))


def _statement_request() -> tuple[cash.Statement | None, dict]:
    """(statement, page context) from ?day=YYYY-MM-DD&officer=<username>; None with an error."""
    see_all = accounts.can(current_user, "cash.statement.all")
    day_text = request.args.get("day", "").strip()
    username = request.args.get("officer", "").strip().lower() or current_user.username
    context = {"day": day_text or now().date().isoformat(), "officer": username, "see_all": see_all,
               "officers": list(cash.officers()) if see_all else [], "error": None}
    if username != current_user.username and not see_all:
        abort(403)
    try:
        day = parse_day(day_text) if day_text else now().date()
    except ValueError:
        context["error"] = _("Enter the day as dd/mm/yyyy.")
        return None, context
    officer = User.get_or_none(User.username == username)
    if officer is None:
        context["error"] = _("No officer has the user name %(name)s.", name=username)
        return None, context
    return cash.statement(officer, day), context


@bp.get("/cash")
@requires("cash.statement")
def cash_page():
    statement, context = _statement_request()
    return render("payments/cash.html", "payments/_cash.html", 422 if statement is None else 200,
                  statement=statement, **context)


def _download(kind: str):
    statement, context = _statement_request()
    if statement is None:
        return render("payments/cash.html", "payments/_cash.html", 422, statement=None, **context)
    office = office_service.get_office()
    officer = re.sub(r"[^a-z0-9._-]", "", fold(statement.officer_username))
    name = f"bang-ke-tien-mat-{statement.day:%Y-%m-%d}-{officer}"
    if kind == "pdf":
        data, mime = cash.statement_pdf(statement, office), "application/pdf"
    else:
        data = cash.statement_xlsx(statement, office)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = "inline" if kind == "pdf" else "attachment"
    return Response(data, mimetype=mime, headers={
        "Content-Disposition": f'{disposition}; filename="{name}.{kind}"', "Cache-Control": "no-store"})


@bp.get("/cash.pdf")
@requires("cash.statement")
def cash_pdf():
    return _download("pdf")


@bp.get("/cash.xlsx")
@requires("cash.statement")
def cash_xlsx():
    return _download("xlsx")
