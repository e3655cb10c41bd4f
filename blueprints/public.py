"""Public pages (no login): the status lookup a receipt's QR code points to."""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from blueprints import render
from services import intake
from services.text import mask_name

bp = Blueprint("public", __name__)


def public_status(dossier) -> dict:
    """What anyone holding the code may see: no personal data beyond a masked name."""
    procedure = dossier.version.procedure
    return {
        "code": dossier.code,
        "status": dossier.status,
        "procedure": {"code": procedure.code, "name": procedure.name},
        "applicant": mask_name(dossier.applicant_name),
        "received_at": dossier.received_at.isoformat(),
        "appointment": dossier.appointment_at.isoformat() if dossier.appointment_at else None,
    }


@bp.get("/lookup")
def search():
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("public.lookup", code=code))
    return render("public/lookup.html", "public/_result.html", code="", dossier=None)


@bp.get("/lookup/<code>")
def lookup(code):
    dossier = intake.find(code)
    status = 200 if dossier else 404
    return render("public/lookup.html", "public/_result.html", status, code=code, dossier=dossier,
                  masked_name=mask_name(dossier.applicant_name) if dossier else "",
                  statuses=intake.STATUSES)
