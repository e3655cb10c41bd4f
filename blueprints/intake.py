"""The counter: receive a dossier, today's list, the dossier page, its receipt and scans."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import render
from blueprints.auth import requires
from models import Dossier, now
from services import catalog, dossiers, fees, intake, receipts, storage
from services import office as office_service

bp = Blueprint("intake", __name__, url_prefix="/intake")

PAGE_SIZE = 50


def _quote(version, pages: int | None, copies: int | None) -> dict:
    """What the citizen is told before saving: appointment if received now, and the fee."""
    received_at = now()
    lines = intake.fee_lines(version, [fees.Original(pages or 0, copies or 1)], 1, copies or 1)
    version_fees = list(version.fees)
    needs_pages = fees.per_original(version_fees)
    needs_copies = needs_pages or fees.needs_copies(version_fees)
    return {
        "received_at": received_at,
        "appointment": intake.appointment(office_service.calendar(), version, received_at),
        "fee_lines": lines,
        "fee_total": fees.total(lines),
        "needs_pages": needs_pages,
        "needs_copies": needs_copies,
    }


def _form_context(procedure=None, version=None, form=None, errors=None) -> dict:
    """Everything page.html and its fragments need; built in one place."""
    form = form if form is not None else {}
    office = office_service.get_office()
    quote = None
    if version is not None:
        quote = _quote(version, intake.whole_number(form.get("pages")), intake.whole_number(form.get("copies"), 1))
    return {
        "procedure": procedure,
        "version": version,
        "components": list(version.components.order_by(version.components.model.position)) if version else [],
        "form": form,
        "errors": {k: _(v, mb=office.max_upload_mb) for k, v in (errors or {}).items()},
        "quote": quote,
        "matches": catalog.search(form.get("q", "")) if not procedure else [],
        "q": form.get("q", ""),
        "channels": {k: v for k, v in intake.CHANNELS.items() if k != 2},
        "subject_types": intake.SUBJECT_TYPES,
        "max_upload_mb": office.max_upload_mb,
    }


def _procedure_from(args):
    procedure, version = intake.procedure_for(args.get("procedure", ""), now().date())
    if args.get("procedure") and version is None:
        abort(404)
    return procedure, version


@bp.get("/new")
@requires("dossier.receive")
def new():
    procedure, version = _procedure_from(request.args)
    return render("intake/new.html", "intake/_form.html", **_form_context(procedure, version, request.args))


@bp.get("/procedures")
@requires("dossier.receive")
def procedures():
    return render("intake/new.html", "intake/_matches.html", **_form_context(form=request.args))


@bp.get("/quote")
@requires("dossier.receive")
def quote():
    procedure, version = _procedure_from(request.args)
    if version is None:
        abort(404)
    return render("intake/new.html", "intake/_quote.html", **_form_context(procedure, version, request.args))


@bp.post("/new")
@requires("dossier.receive")
def create():
    procedure, version = _procedure_from(request.form)
    if version is None:
        return render("intake/new.html", "intake/_form.html", 422,
                      **_form_context(form=request.form, errors={"procedure": _("Choose a procedure.")}))
    office = office_service.get_office()
    uploads = {}
    for comp in version.components:
        upload = request.files.get(f"file_{comp.id}")
        if upload and upload.filename:
            uploads[comp.id] = intake.Upload(upload.filename, upload.read())
    data, errors = intake.validate_counter(request.form, uploads, version,
                                           office.max_upload_mb * 1024 * 1024, now())
    if errors:
        return render("intake/new.html", "intake/_form.html", 422,
                      **_form_context(procedure, version, request.form, errors))
    dossier = intake.receive(data, office_service.calendar(office), office.agency_id,
                             current_app.config["DATA_DIR"], current_user.username, user=current_user)
    flash(_("Dossier %(code)s received. Print the receipt for the applicant.", code=dossier.code), "success")
    if request.headers.get("HX-Request"):
        response = Response(status=204)
        response.headers["HX-Redirect"] = url_for("intake.show", code=dossier.code)
        return response
    return redirect(url_for("intake.show", code=dossier.code))


@bp.get("/today")
@requires("dossier.view")
def today():
    q = request.args.get("q", "").strip()
    query = intake.search(intake.received_on(now().date()), q)
    before = request.args.get("before", "")
    query = dossiers.after(query, int(before) if before.isdigit() and len(before) < 19 else None)
    rows = list(query.limit(PAGE_SIZE + 1))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render("intake/today.html", "intake/_list.html", rows=rows, q=q,
                  next_before=rows[-1].id if more else None, statuses=intake.STATUSES,
                  channels=intake.CHANNELS)


def _dossier(code: str) -> Dossier:
    dossier = intake.find(code)
    if dossier is None:
        abort(404)
    return dossier


@bp.get("/<code>")
@requires("dossier.view")
def show(code):
    dossier = _dossier(code)
    return render("intake/show.html", "intake/_dossier.html", dossier=dossier,
                  components=list(dossier.components.order_by(dossier.components.model.position)),
                  fee_lines=list(dossier.fee_lines), statuses=intake.STATUSES,
                  channels=intake.CHANNELS, subject_types=intake.SUBJECT_TYPES)


@bp.get("/<code>/receipt.pdf")
@requires("dossier.view")
def receipt(code):
    dossier = _dossier(code)
    with force_locale("vi"):  # a legal form is always in Vietnamese
        pdf = receipts.receipt_for(dossier, office_service.get_office(), _lookup_url(dossier.code), _)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{dossier.code}-giay-tiep-nhan.pdf"'})


@bp.get("/<code>/files/<int:position>")
@requires("dossier.view")
def scan(code, position):
    dossier = _dossier(code)
    comp = dossier.components.where(dossier.components.model.position == position).first()
    if comp is None or comp.file is None:
        abort(404)
    data = storage.read(comp.file, current_app.config["DATA_DIR"])
    return Response(data, mimetype=comp.file.mime, headers={"Content-Disposition": "inline"})


def _lookup_url(code: str) -> str:
    base = office_service.get_office().public_base_url.rstrip("/")
    if base:
        return base + url_for("public.lookup", code=code)
    return url_for("public.lookup", code=code, _external=True)
