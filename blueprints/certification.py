"""Certification (chứng thực) at the counter: certify a dossier's originals, signatures or contracts,
print the endorsements, download the signed electronic copies, print the registers, the settings."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import dossier_or_404, render, row_or_404
from blueprints.auth import requires
from models import Certification, now
from services import office, signing, storage
from services.certification import documents, issue, numbering, register
from services.text import N_

bp = Blueprint("certification", __name__, url_prefix="/certification")

SCAN_TYPES = ("application/pdf", "image/jpeg", "image/png")
NO_CERTIFICATE = N_("Please choose the certificate file (.p12 or .pfx).")
NO_PASSPHRASE = N_("Please type the certificate file's passphrase.")


@bp.app_template_global()
def certification_kind(dossier) -> str | None:
    """'copy', 'signature', 'contract' for a dossier certified at the counter, else None."""
    return issue.kind_of(dossier)


def _context(dossier, form=None, errors=None) -> dict:
    kind = issue.kind_of(dossier)
    if kind is None:
        abort(404)
    entries = issue.entries_of(dossier)
    signer = {}
    if current_user.role == "leader":
        signer["signer_name"] = current_user.full_name
    return {"dossier": dossier, "kind": kind, "entries": entries, "originals": issue.originals(dossier),
            "form": form if form is not None else signer, "errors": errors or {},
            "numbers": {e.id: documents.number_of(e) for e in entries},
            "paper_copies": sum(e.copies for e in entries),
            "separate": numbering.electronic_series() != numbering.COPY}


def _page(dossier, status=200, **extra):
    return render("certification/dossier.html", "certification/_dossier.html", status,
                  **_context(dossier, **extra))


@bp.get("/<code>")
@requires("dossier.view")
def dossier_page(code):
    return _page(dossier_or_404(code))


def _read_scan(name: str, limit: int) -> tuple[bytes | None, str, str]:
    """(bytes, mime, problem msgid) of an optional scan input."""
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None, "", ""
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        return None, "", N_("The scan is larger than the office's limit.")
    mime = storage.sniff(data[:16])
    if mime not in SCAN_TYPES:
        return None, "", N_("A scan must be a PDF, JPEG or PNG file.")
    return data, mime, ""


def _credential(form, errors: dict):
    from blueprints.verify import read_upload

    p12, _name, problem = read_upload("certificate")
    if problem:
        errors["certificate"] = _(NO_CERTIFICATE)
    if not form.get("passphrase"):
        errors["passphrase"] = _(NO_PASSPHRASE)
    if errors:
        return None
    try:
        return signing.load_pkcs12(p12, form["passphrase"])
    except signing.SigningError as exc:
        errors["certificate"] = _(exc.message, **exc.params)
        return None


@bp.post("/<code>")
@requires("certification.issue")
def certify(code):
    dossier = dossier_or_404(code)
    kind = issue.kind_of(dossier)
    if kind is None:
        abort(404)
    form = request.form
    raw: dict[str, str] = {}
    signer = issue.validate_signer(form, raw)
    errors = {k: _(v) for k, v in raw.items()}
    the_office = office.get_office()
    try:
        if kind == "copy":
            limit = the_office.max_upload_mb * 1024 * 1024
            requests = []
            for comp in issue.originals(dossier):
                scan, mime, problem = _read_scan(f"scan_{comp.position}", limit)
                if problem:
                    errors[f"scan_{comp.position}"] = _(problem)
                requests.append(issue.CopyRequest(comp, form.get(f"electronic_{comp.position}") == "1", scan, mime))
            credential = None
            if any(r.electronic for r in requests):
                credential = _credential(form, errors)
            if errors:
                return _page(dossier, 422, form=form, errors=errors)
            issue.certify_copies(dossier, requests, signer, the_office, current_app.config["DATA_DIR"],
                                 current_user.username, current_user, credential)
        else:
            papers = issue.validate_papers(form, raw)
            errors = {k: _(v) for k, v in raw.items()}
            if errors:
                return _page(dossier, 422, form=form, errors=errors)
            issue.certify_papers(dossier, papers, signer, the_office, current_user.username, current_user)
    except issue.CertificationError as exc:
        return _page(dossier, 422, form=form, errors={exc.field or "form": _(exc.message, **exc.params)})
    except signing.SigningError as exc:
        field = "certificate" if exc.message in signing.KEY_ERRORS else "form"
        return _page(dossier, 422, form=form, errors={field: _(exc.message, **exc.params)})
    flash(_("Certified. The numbers are in the register."), "success")
    return redirect(url_for("certification.dossier_page", code=dossier.code))


@bp.get("/<code>/endorsements.pdf")
@requires("dossier.view")
def endorsements(code):
    dossier = dossier_or_404(code)
    entries = [e for e in issue.entries_of(dossier) if e.copies]
    if not entries:
        abort(404)
    pdf = documents.endorsements_pdf(entries, office.get_office())
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=loi-chung-{dossier.code}.pdf"})


@bp.get("/<code>/copies/<int:entry_id>.pdf")
@requires("dossier.view")
def electronic_copy(code, entry_id):
    dossier = dossier_or_404(code)
    entry = row_or_404(Certification, entry_id, Certification.dossier == dossier.id)
    if entry.file_id is None:
        abort(404)
    pdf = storage.read(entry.file, current_app.config["DATA_DIR"])
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=ban-sao-dien-tu-{entry.year}-{entry.number:02d}.pdf"})


# --- Registers and settings ---------------------------------------------------------------------

def _register_args():
    key = request.args.get("register", "copy")
    if key not in register.REGISTERS:
        key = "copy"
    return key


@bp.get("/registers")
@requires("certification.register")
def registers():
    key = _register_args()
    today = now().date()
    month = request.args.get("month") or f"{today:%Y-%m}"
    period = register.parse_period(month, None)
    error = "" if period else _("Choose a month, for example 2026-11.")
    items = list(register.entries(office.get_office().agency_id, key, period)) if period else []
    return render("certification/registers.html", "certification/_entries.html", 422 if error else 200,
                  key=key, month=month, period=period, items=items, error=error, year=today.year,
                  names=register.REGISTER_NAMES, rows=register.rows(key, items))


@bp.get("/registers.pdf")
@requires("certification.register")
def register_pdf():
    key = _register_args()
    period = register.parse_period(request.args.get("month"), request.args.get("year"))
    if period is None:
        abort(404)
    the_office = office.get_office()
    items = list(register.entries(the_office.agency_id, key, period))
    pdf = register.register_pdf(the_office, key, period, items, now().date())
    name = f"so-chung-thuc-{key}-{period.year}" + (f"-{period.month:02d}" if period.month else "")
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename={name}.pdf"})


@bp.route("/settings", methods=["GET", "POST"])
@requires("office.edit")
def settings():
    row = numbering.settings()
    form = {"volume_size": str(row.volume_size),
            "electronic_series": "separate" if row.electronic_series else "shared"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        data, raw = numbering.validate_settings(request.form)
        if raw:
            errors = {k: _(v) for k, v in raw.items()}
            form = request.form
        else:
            numbering.save_settings(data, current_user.username)
            flash(_("Certification settings saved."), "success")
            return redirect(url_for("certification.settings"))
    return render("certification/settings.html", "certification/_settings.html", 422 if errors else 200,
                  form=form, errors=errors)
