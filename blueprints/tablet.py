"""The counter tablet (`/tablet`): the applicant rates a returned dossier the officer sent to it.

Without JavaScript the waiting screen reloads itself (meta refresh); with htmx it polls the same URL,
and while a dossier is shown a poll that finds the same dossier answers 204 (nothing to swap).
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import dossier_or_404, id_arg, render, wants_fragment
from blueprints.auth import requires
from models import Rating, User, now
from services import accounts, ratings, tablet

bp = Blueprint("tablet", __name__, url_prefix="/tablet")
WAIT_SECONDS = 3  # how often the waiting screen asks for an invitation
THANKS_SECONDS = 5  # how long the thanks stay on screen


@bp.record_once
def _registry(state):
    state.app.extensions["tablet_invitations"] = tablet.Invitations()


def _registry_of_app() -> tablet.Invitations:
    return current_app.extensions["tablet_invitations"]


@bp.app_context_processor
def _globals():
    return {"tablet_offer": _offer}


def _offer(dossier) -> dict | None:
    """What the officer's dossier page shows about rating on the tablet (None: nothing)."""
    if dossier.status not in ratings.RATEABLE or not accounts.can(current_user, "rating.tablet"):
        return None
    rating = Rating.get_or_none(Rating.dossier == dossier)
    at = now()
    registry = _registry_of_app()
    return {"rating": rating, "levels": ratings.LEVELS,
            "tablets": [] if rating else tablet.tablets(registry, current_user, at),
            "showing": bool(registry.pending_for(dossier.id, at))}


def _screen(dossier=None, status: int = 200, error: str = "", form=None, thanks: bool = False):
    return render("tablet/page.html", "tablet/_screen.html", status, dossier=dossier, error=error,
                  form=form or {}, thanks=thanks, levels=ratings.LEVELS, wait=WAIT_SECONDS,
                  thanks_for=THANKS_SECONDS)


@bp.get("")
@requires("rating.tablet")
def screen():
    dossier = tablet.showing(_registry_of_app(), current_user, now())
    if wants_fragment() and dossier is not None and request.args.get("showing") == dossier.code:
        return "", 204  # still the same dossier: keep what the applicant is doing
    return _screen(dossier, thanks=request.args.get("thanks") == "1" and dossier is None)


@bp.post("")
@requires("rating.tablet")
def rate():
    registry = _registry_of_app()
    try:
        tablet.rate(registry, current_user, request.form.get("code", ""), request.form.get("level"),
                    request.form.get("comment", ""), now())
    except (tablet.TabletError, ratings.RatingError) as exc:
        return _screen(tablet.showing(registry, current_user, now()), 422, _(str(exc)), request.form)
    if wants_fragment():
        return _screen(thanks=True)
    return redirect(url_for("tablet.screen", thanks=1))


@bp.post("/invite/<code>")
@requires("rating.tablet")
def invite(code):
    dossier = dossier_or_404(code)
    target = User.get_or_none(User.id == id_arg("tablet", request.form)) or current_user
    try:
        tablet.invite(_registry_of_app(), dossier, current_user, target, now())
    except tablet.TabletError as exc:
        error = _(str(exc))
        if wants_fragment():
            return render("tablet/_invite.html", "tablet/_invite.html", 422, dossier=dossier, error=error)
        flash(error, "error")
    else:
        done = _("Sent to the tablet of %(user)s: the applicant can rate now.", user=target.full_name or target.username)
        if wants_fragment():
            return render("tablet/_invite.html", "tablet/_invite.html", dossier=dossier, done=done)
        flash(done, "success")
    return redirect(url_for("intake.show", code=dossier.code) + "#rate-on-tablet")
