"""The citizen's page behind the receipt's QR link (code and secret): full status, timeline, rating."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from blueprints import render
from models import Petition
from services import history, intake, petitions, ratings, results, storage
from services import office as office_service
from services.certification import issue as certification

bp = Blueprint("citizen", __name__, url_prefix="/d")


def _context(dossier, form=None, error="", petition_error=""):
    events = history.events_of(dossier)
    return {"petitions": list(Petition.select().where(Petition.dossier == dossier).order_by(Petition.id)),
            "petition_error": petition_error,"dossier": dossier, "events": events, "state": history.derive(events),
            "rating": ratings.rating_of(dossier), "levels": ratings.LEVELS, "statuses": intake.STATUSES,
            "rateable": dossier.status in ratings.RATEABLE, "form": form or {}, "error": error,
            "result": _result(dossier), "copies": certification.electronic_copies(dossier)}


def _result(dossier):
    """The signed electronic result, handed over once the dossier is settled (status 9 or 10)."""
    return results.signed_result(dossier) if dossier.status in (9, 10) else None


def _found(code, secret):
    dossier = ratings.with_secret(code, secret)
    if dossier is None:
        abort(404)
    return dossier


@bp.get("/<code>/<secret>")
def dossier(code, secret):
    return render("citizen/page.html", "citizen/_status.html", **_context(_found(code, secret)))


@bp.post("/<code>/<secret>")
def rate(code, secret):
    found = _found(code, secret)
    try:
        ratings.rate(found, request.form.get("level"), request.form.get("comment", ""))
    except ratings.RatingError as exc:
        return render("citizen/page.html", "citizen/_status.html", 422,
                      **_context(found, request.form, _(str(exc))))
    flash(_("Thank you for your rating."), "success")
    return redirect(url_for("citizen.dossier", code=found.code, secret=secret))


@bp.post("/<code>/<secret>/petition")
def petition(code, secret):
    found = _found(code, secret)
    try:
        petitions.file(found, request.form.get("petition", ""), office_service.calendar())
    except petitions.PetitionError as exc:
        return render("citizen/page.html", "citizen/_status.html", 422,
                      **_context(found, request.form, petition_error=_(str(exc))))
    flash(_("Your petition was sent. The office will answer by the date shown."), "success")
    return redirect(url_for("citizen.dossier", code=found.code, secret=secret) + "#petitions")


@bp.get("/<code>/<secret>/result.pdf")
def result(code, secret):
    found = _found(code, secret)
    document = _result(found)
    if document is None:
        abort(404)
    return Response(results.read(document.signed, current_app.config["DATA_DIR"]), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{found.code}-ket-qua.pdf"'})


@bp.get("/<code>/<secret>/copies/<int:entry_id>.pdf")
def electronic_copy(code, secret, entry_id):
    """One signed electronic certified copy of this dossier (never another dossier's)."""
    found = _found(code, secret)
    entry = next((e for e in certification.electronic_copies(found) if e.id == entry_id), None)
    if entry is None:
        abort(404)
    return Response(storage.read(entry.file, current_app.config["DATA_DIR"]), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="{found.code}-ban-sao-{entry.year}-{entry.number:02d}.pdf"'})
