"""The support hotline log, turning resolved answers into FAQ entries, the monthly report, and the
FAQ page (public entries for anyone, staff entries too for a logged-in user)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import id_arg, render, row_or_404, translated
from blueprints.auth import requires
from models import FaqEntry, HotlineCall, Procedure, now
from services import charts, hotline
from services import office as office_service
from services.calendar import VN_TZ
from services.training import TOPICS

bp = Blueprint("hotline", __name__, url_prefix="/hotline")
faq_bp = Blueprint("faq", __name__)


def _call_or_404(call_id: int) -> HotlineCall:
    return row_or_404(HotlineCall, call_id)


@bp.get("")
@requires("hotline.manage")
def index():
    status = request.args.get("status", "")
    rows = list(hotline.calls(status, id_arg("before")))
    more = len(rows) > hotline.PAGE
    rows = rows[:hotline.PAGE]
    return render("hotline/index.html", "hotline/_calls.html", calls=rows, chosen=status,
                  next_before=rows[-1].id if more else None, statuses=hotline.STATUSES, topics=TOPICS,
                  channels=hotline.CHANNELS)


def _new_page(form, errors, status=200):
    procedures = Procedure.select(Procedure.code, Procedure.name).order_by(Procedure.code)
    return render("hotline/new.html", "hotline/_call_form.html", status, form=form, errors=translated(errors),
                  topics=TOPICS, channels=hotline.CHANNELS, procedures=procedures)


@bp.route("/new", methods=["GET", "POST"])
@requires("hotline.manage")
def new():
    if request.method == "GET":
        return _new_page({"channel": "phone", "topic": "system",
                          "received_at": now().astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M")}, {})
    data, errors = hotline.validate_call(request.form, now())
    if errors:
        return _new_page(request.form, errors, 422)
    call = hotline.log_call(data, current_user, office_service.get_office().agency_id)
    flash(_("The call was logged."), "success")
    return redirect(url_for("hotline.show", call_id=call.id))


def _show_page(call, answer_form=None, answer_error="", faq_form=None, faq_errors=None, status=200,
               page_error=""):
    faq_form = faq_form or {"question": call.question, "answer": call.answer, "topic": call.topic,
                            "audience": "public"}
    return render("hotline/show.html", "hotline/show.html", status, call=call, answer_form=answer_form or {},
                  answer_error=answer_error, faq_form=faq_form, faq_errors=translated(faq_errors or {}),
                  faq_entry=call.faq.first(), page_error=page_error, topics=TOPICS, channels=hotline.CHANNELS,
                  statuses=hotline.STATUSES, audiences=hotline.AUDIENCES)


@bp.get("/<int:call_id>")
@requires("hotline.manage")
def show(call_id):
    return _show_page(_call_or_404(call_id))


@bp.post("/<int:call_id>")
@requires("hotline.manage")
def answer(call_id):
    call = _call_or_404(call_id)
    try:
        call = hotline.answer(call.id, request.form, current_user)
    except hotline.HotlineError as exc:
        return _show_page(call, request.form, _(str(exc)), status=422)
    flash(_("The call is resolved.") if call.status == "resolved" else _("The answer was saved."), "success")
    return redirect(url_for("hotline.show", call_id=call.id))


@bp.post("/<int:call_id>/faq")
@requires("hotline.manage")
def to_faq(call_id):
    call = _call_or_404(call_id)
    data, errors = hotline.validate_faq(request.form)
    if not errors:
        try:
            hotline.to_faq(call.id, data, current_user.username)
        except hotline.HotlineError as exc:
            return _show_page(call, faq_form=request.form, status=422, page_error=_(str(exc)))
    if errors:
        return _show_page(call, faq_form=request.form, faq_errors=errors, status=422)
    flash(_("The question and its answer are now in the FAQ."), "success")
    return redirect(url_for("hotline.show", call_id=call.id))


def _month(text: str | None) -> dt.date:
    today = now().astimezone(VN_TZ).date()
    try:
        month = dt.date.fromisoformat(f"{text}-01") if text else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)
    return month if 2000 <= month.year <= 2099 else today.replace(day=1)


def _minutes(value: float | None) -> str:
    if value is None:
        return "—"
    hours, minutes = divmod(round(value), 60)
    return _("%(h)s h %(m)s min", h=hours, m=f"{minutes:02d}") if hours else _("%(m)s min", m=minutes)


@bp.get("/report")
@requires("hotline.report")
def report():
    month = _month(request.args.get("month"))
    result = hotline.report(month)
    chart = charts.hbar([(_(TOPICS.get(t, t)), n, str(n)) for t, n, _avg in result.by_topic],
                        _("Calls per topic"))
    slow_chart = charts.hbar([(_(TOPICS.get(t, t)), round(avg or 0), _minutes(avg))
                              for t, n, avg in result.by_topic if avg is not None],
                             _("Average time to resolve per topic"))
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render("hotline/report.html", "hotline/_report.html", report=result, chart=chart, slow_chart=slow_chart,
                  topics=TOPICS, minutes=_minutes, previous=previous, following=following)


@faq_bp.get("/faq")
def faq():
    staff = bool(current_user.is_authenticated)
    q = request.args.get("q", "")[:200]
    entries = list(hotline.faq(staff, q))
    return render("hotline/faq.html", "hotline/_faq.html", entries=entries, q=q, staff=staff, topics=TOPICS,
                  audiences=hotline.AUDIENCES)


@bp.route("/faq/<int:entry_id>", methods=["GET", "POST"])
@requires("hotline.manage")
def faq_edit(entry_id):
    entry = row_or_404(FaqEntry, entry_id)
    errors: dict = {}
    form = request.form if request.method == "POST" else {
        "question": entry.question, "answer": entry.answer, "audience": entry.audience, "topic": entry.topic,
        "hidden": "1" if entry.hidden else ""}
    if request.method == "POST":
        data, errors = hotline.validate_faq(request.form)
        if not errors:
            hotline.edit_faq(entry.id, data, request.form.get("hidden") == "1", current_user.username)
            flash(_("The FAQ entry was saved."), "success")
            return redirect(url_for("faq.faq") + f"#faq-{entry.id}")
    return render("hotline/faq_edit.html", "hotline/faq_edit.html", 422 if errors else 200, entry=entry, form=form,
                  errors=translated(errors), topics=TOPICS, audiences=hotline.AUDIENCES)
