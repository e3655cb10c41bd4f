"""Training sessions (plan, check-in, sign-in sheet, follow-up actions), the recommendation list, and
the public feedback form the sign-in sheet's QR code opens."""
from __future__ import annotations

import datetime as dt

import segno
from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from blueprints import render, row_or_404, translated, wants_fragment
from blueprints.auth import requires
from models import TrainingSession, User, now
from services import office as office_service
from services import training
from services.calendar import VN_TZ
from services.training import recommend, sheet

bp = Blueprint("training", __name__, url_prefix="/training")
public_bp = Blueprint("feedback", __name__, url_prefix="/feedback")
WINDOWS = (30, 90, 365)  # days the recommendation list may look back


def _session_or_404(session_id: int) -> TrainingSession:
    return row_or_404(TrainingSession, session_id)


def _trainers():
    return list(User.select().where(User.active & User.role.in_(("trainer", "admin")))
                .order_by(User.full_name, User.username))


def feedback_url(session: TrainingSession) -> str:
    """The absolute address of the feedback form: on the office's public address when set."""
    base = office_service.get_office().public_base_url.rstrip("/")
    path = url_for("feedback.form", token=session.feedback_token)
    return base + path if base else url_for("feedback.form", token=session.feedback_token, _external=True)


@bp.get("")
@requires("training.manage")
def index():
    at = now()
    return render("training/index.html", "training/_sessions.html", upcoming=list(training.upcoming(at)),
                  past=list(training.past(at)), due=list(training.open_actions_due(at.date() + dt.timedelta(days=7))),
                  today=at.astimezone(VN_TZ).date(), kinds=training.KINDS)


def _plan_page(form, errors, session=None, status=200):
    return render("training/plan.html", "training/_plan_form.html", status, form=form, errors=translated(errors),
                  session=session, trainers=_trainers(), topics=training.TOPICS, kinds=training.KINDS)


@bp.route("/new", methods=["GET", "POST"])
@requires("training.manage")
def new():
    if request.method == "GET":
        start = now().astimezone(VN_TZ) + dt.timedelta(days=7)
        form = {"day": start.date().isoformat(), "time": "08:00", "kind": "onsite",
                "trainer": str(current_user.id) if current_user.role == "trainer" else "",
                "units": request.args.get("units", ""), "topics": request.args.getlist("topics")}
        return _plan_page(form, {})
    data, errors = training.validate_session(request.form)
    if errors:
        return _plan_page(_form_values(request.form), errors, status=422)
    session = training.plan(data, current_user.username, office_service.get_office().agency_id)
    flash(_("The session is planned. Print its sign-in sheet for the day."), "success")
    return redirect(url_for("training.show", session_id=session.id))


def _form_values(form) -> dict:
    values = form.to_dict()
    values["topics"] = form.getlist("topics")
    return values


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@requires("training.manage")
def edit(session_id):
    session = _session_or_404(session_id)
    if request.method == "GET":
        return _plan_page(training.form_of(session), {}, session)
    data, errors = training.validate_session(request.form)
    if errors:
        return _plan_page(_form_values(request.form), errors, session, 422)
    training.update(session.id, data, current_user.username)
    flash(_("The session was saved."), "success")
    return redirect(url_for("training.show", session_id=session.id))


def _qr_svg(data: str) -> Markup:
    """The feedback link as an inline SVG QR code, to show on the projector as well as on paper."""
    return Markup(segno.make(data, error="m").svg_inline(scale=4, title=data))


def _show_context(session, **extra) -> dict:
    url = feedback_url(session)
    context = {"session": session, "attendees": list(training.attendees(session)),
               "summary": training.feedback_summary(session), "comments": list(training.comments(session)),
               "actions": list(training.actions(session)), "topics": training.TOPICS, "kinds": training.KINDS,
               "scores": training.SCORES, "feedback_url": url, "feedback_qr": _qr_svg(url),
               "today": now().astimezone(VN_TZ).date(), "attendee_form": {}, "attendee_errors": {},
               "action_form": {}, "action_errors": {}}
    context.update(extra)
    return context


@bp.get("/<int:session_id>")
@requires("training.manage")
def show(session_id):
    return render("training/show.html", "training/show.html", **_show_context(_session_or_404(session_id)))


@bp.post("/<int:session_id>/check-in")
@requires("training.manage")
def check_in(session_id):
    session = _session_or_404(session_id)
    data, errors = training.validate_attendee(request.form)
    if errors:
        return render("training/show.html", "training/_attendees.html", 422,
                      **_show_context(session, attendee_form=request.form, attendee_errors=translated(errors)))
    training.check_in(session, data, current_user.username)
    if wants_fragment():
        return render("training/show.html", "training/_attendees.html", **_show_context(session))
    flash(_("%(name)s is checked in.", name=data["full_name"]), "success")
    return redirect(url_for("training.show", session_id=session.id) + "#attendees")


@bp.get("/<int:session_id>/sign-in.pdf")
@requires("training.manage")
def sign_in_sheet(session_id):
    session = _session_or_404(session_id)
    pdf = sheet.sign_in_sheet(session, office_service.get_office(), feedback_url(session),
                              list(training.attendees(session)))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="ky-ten-tap-huan-{session.id}.pdf"'})


@bp.post("/<int:session_id>/actions")
@requires("training.manage")
def add_action(session_id):
    session = _session_or_404(session_id)
    data, errors = training.validate_action(request.form)
    if errors:
        return render("training/show.html", "training/show.html", 422,
                      **_show_context(session, action_form=request.form, action_errors=translated(errors)))
    training.add_action(session, data, current_user.username)
    flash(_("The follow-up action was added."), "success")
    return redirect(url_for("training.show", session_id=session.id) + "#actions")


@bp.post("/<int:session_id>/actions/<int:action_id>/done")
@requires("training.manage")
def action_done(session_id, action_id):
    session = _session_or_404(session_id)
    try:
        training.complete_action(session, action_id, current_user.username)
    except training.TrainingError as exc:
        flash(_(str(exc)), "error")
    return redirect(url_for("training.show", session_id=session.id) + "#actions")


@bp.get("/recommendations")
@requires("training.manage")
def recommendations():
    days = request.args.get("days", type=int)
    days = days if days in WINDOWS else 90
    until = now()
    rows = recommend.figures(until - dt.timedelta(days=days), until)
    return render("training/recommendations.html", "training/_recommendations.html", rows=rows, days=days,
                  windows=WINDOWS, figures=recommend.FIGURES, topics=training.TOPICS,
                  min_dossiers=recommend.MIN_DOSSIERS)


# --- The public feedback form (no login) -----------------------------------------------------

FEEDBACK_COOKIE_DAYS = training.FEEDBACK_DAYS + 1


def _sent_cookie(token: str) -> str:
    return f"feedback-{token}"


def _feedback_page(session, form=None, errors=None, status=200):
    return render("training/feedback.html", "training/_feedback_form.html", status, session=session,
                  form=form or {}, errors=errors or {}, scores=training.SCORES,
                  open=training.feedback_open(session, now()),
                  sent=request.cookies.get(_sent_cookie(session.feedback_token)) == "1")


@public_bp.get("/<token>")
def form(token):
    session = training.by_token(token)
    if session is None:
        abort(404)
    return _feedback_page(session)


@public_bp.post("/<token>")
def submit(token):
    session = training.by_token(token)
    if session is None:
        abort(404)
    if request.cookies.get(_sent_cookie(token)) == "1":  # one answer per phone (a nudge, not a guarantee)
        return _feedback_page(session, status=422)
    data, errors = training.validate_feedback(request.form)
    if not errors:
        try:
            training.give_feedback(session, data)
        except training.TrainingError as exc:
            errors = {"score": str(exc)}
    if errors:
        return _feedback_page(session, request.form, translated(errors), 422)
    response = redirect(url_for("feedback.thanks", token=token))
    response.set_cookie(_sent_cookie(token), "1", max_age=FEEDBACK_COOKIE_DAYS * 24 * 3600,
                        path=url_for("feedback.form", token=token), samesite="Lax", httponly=True)
    return response


@public_bp.get("/<token>/thanks")
def thanks(token):
    session = training.by_token(token)
    if session is None:
        abort(404)
    return render("training/feedback_thanks.html", "training/feedback_thanks.html", session=session)
