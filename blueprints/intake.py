"""The counter: receive a dossier, today's list, the dossier page, its receipt and scans."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import dossier_or_404, render
from blueprints.auth import requires
from models import Dossier, now
from services import catalog, counter, dossiers, fees, identity, intake, receipts, storage
from services import office as office_service
from services.text import N_, nfc

bp = Blueprint("intake", __name__, url_prefix="/intake")

PAGE_SIZE = 50


def _quote(version, form) -> dict:
    """What the citizen is told before saving: appointment if received now, and the fee."""
    received_at = now()
    version_fees = list(version.fees)
    originals = [comp for _row, comp in intake.read_originals(form, {}, None, {})]
    copies = intake.whole_number(form.get("copies"), 1) or 1
    channel = intake.whole_number(form.get("channel"), 1) or 1
    lines = intake.fee_lines(version, originals, channel, copies)
    return {
        "received_at": received_at,
        "appointment": intake.appointment(office_service.calendar(), version, received_at),
        "fee_lines": lines,
        "fee_total": fees.total(lines),
        "fee_unknown": fees.has_unknown(lines),
        "per_original": fees.per_original(version_fees),
        "needs_copies": fees.needs_copies(version_fees),
    }


def _form_context(procedure=None, version=None, form=None, errors=None, form_key=None, kept=None,
                  rejected=None, duplicates=None) -> dict:
    """Everything page.html and its fragments need; built in one place."""
    form = form if form is not None else {}
    office = office_service.get_office()
    files = len(_file_inputs(version, form)) if version else 0
    return {
        "procedure": procedure,
        "version": version,
        "components": list(version.components.order_by(version.components.model.position)) if version else [],
        "form": form,
        "errors": {k: _(v, mb=office.max_upload_mb) for k, v in (errors or {}).items()},
        "quote": _quote(version, form) if version is not None else None,
        "original_rows": intake.original_rows(form),
        "matches": catalog.search(form.get("q", "")) if not procedure else [],
        "q": form.get("q", ""),
        "channels": {k: v for k, v in intake.CHANNELS.items() if k != 2},
        "applicant_kinds": intake.APPLICANT_KINDS,
        "applicant_kind": _applicant_kind(form),
        "person_id_kinds": {k: identity.ID_KINDS[k] for k in identity.PERSON_ID_KINDS},
        "delivery_methods": intake.DELIVERY_METHODS,
        "max_upload_mb": office.max_upload_mb,
        "max_request_bytes": counter.request_limit(office.max_upload_mb, files),
        "form_key": form_key or counter.new_form_key(),
        "kept": kept or {},
        "rejected": rejected or {},
        "duplicates": duplicates or [],
        "language_locked": version is not None,  # the language switch would lose what was typed
    }


def _applicant_kind(form) -> str:
    kind = form.get("applicant_kind", "citizen")
    return kind if kind in intake.APPLICANT_KINDS else "citizen"


def _procedure_from(args):
    procedure, version = intake.procedure_for(args.get("procedure", ""), now().date())
    if args.get("procedure") and version is None:
        abort(404)
    return procedure, version


@bp.get("/new")
@requires("dossier.receive")
def new():
    procedure, version = _procedure_from(request.args)
    fragment = "intake/_form.html" if version else "intake/_picker.html"
    return render("intake/new.html", fragment, **_form_context(procedure, version, request.args))


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


def _file_inputs(version, form) -> list[str]:
    """The names of the scan inputs the form shows: one per original for copy certification,
    else one per paper of the checklist."""
    if fees.per_original(list(version.fees)):
        return [f"orig_file_{i}" for i in range(intake.original_rows(form))]
    return [f"file_{comp.id}" for comp in version.components]


def limit_request_size() -> None:
    """Before anything reads the body (the CSRF check does): one scan at the office's limit per scan
    input of the form (its action names the procedure and rows), plus a margin."""
    if request.endpoint != "intake.create":
        return
    _procedure, version = intake.procedure_for(request.args.get("procedure", ""), now().date())
    files = len(_file_inputs(version, request.args)) if version else intake.most_scan_inputs()
    request.max_content_length = counter.request_limit(office_service.get_office().max_upload_mb, files)


def _uploads(version, form_key: str, max_bytes: int) -> tuple[dict, dict]:
    """Scans of this submit, streamed to disk, or carried back from a failed submit of the same
    form by their signed reference: ({input name: Upload}, {input name: file name sent})."""
    uploads, names = {}, {}
    data_dir, secret = current_app.config["DATA_DIR"], current_app.config["SECRET_KEY"]
    for slot in _file_inputs(version, request.form):
        file = request.files.get(slot)
        if file and file.filename:
            names[slot] = nfc(file.filename)[:intake.MAX_TEXT]
            try:
                blob = storage.store_stream(file.stream, data_dir, max_bytes)
            except storage.TooLarge:
                blob = storage.Blob("", max_bytes + 1, b"")  # check_upload names it too large
            uploads[slot] = intake.Upload(names[slot], blob=blob)
        elif not request.form.get(f"drop_{slot}"):
            kept = counter.kept(secret, request.form.get(f"kept_{slot}", ""), form_key,
                                current_user.id, slot, data_dir)
            if kept:
                uploads[slot] = intake.Upload(kept.file_name, blob=kept.blob)
    return uploads, names


def _keep(uploads: dict, errors: dict, form_key: str) -> dict:
    """Signed references for the scans that passed their checks, so a corrected form keeps them."""
    secret = current_app.config["SECRET_KEY"]
    return {slot: counter.keep(secret, form_key, current_user.id, slot, up.file_name, up.blob)
            for slot, up in uploads.items() if slot not in errors and up.blob and up.blob.sha256}


@bp.post("/new")
@requires("dossier.receive")
def create():
    procedure, version = _procedure_from(request.form)
    if version is None:
        return render("intake/new.html", "intake/_picker.html", 422,
                      **_form_context(form=request.form, errors={"procedure": _("Choose a procedure.")}))
    form_key = request.form.get("form_key", "")
    if counter.valid_form_key(form_key) and (first := counter.dossier_for_key(form_key)):
        return _saved(first, created=False)
    office = office_service.get_office()
    max_bytes = office.max_upload_mb * 1024 * 1024
    uploads, names = _uploads(version, form_key, max_bytes)
    if not counter.valid_form_key(form_key):
        form_key = counter.new_form_key()
    if request.form.get("add_rows"):  # more rows of originals: the same form again, nothing saved
        return render("intake/new.html", "intake/_form.html", **_form_context(
            procedure, version, request.form, form_key=form_key, kept=_keep(uploads, {}, form_key)))
    received_at = now()
    data, errors = intake.validate_counter(request.form, uploads, version, max_bytes, received_at)
    if form_key != request.form.get("form_key"):
        errors["form_key"] = N_("This form was incomplete. Check it and save again.")
    duplicates = []
    if not errors and not request.form.get("confirm_duplicate"):
        duplicates = counter.recent_duplicates(version, data.id_number, received_at)
        if duplicates and (first := counter.dossier_for_key(form_key)):
            return _saved(first, created=False)  # the "duplicate" is this form's own twin submit
    if errors or duplicates:
        return render("intake/new.html", "intake/_form.html", 422, **_form_context(
            procedure, version, request.form, errors, form_key=form_key,
            kept=_keep(uploads, errors, form_key), rejected=names, duplicates=duplicates))
    dossier, created = counter.receive_once(form_key, data, office_service.calendar(office), office.agency_id,
                                            current_app.config["DATA_DIR"], current_user.username,
                                            current_user)
    return _saved(dossier, created)


def _saved(dossier: Dossier, created: bool):
    """After a save (or a repeat of one): the dossier page, ready to print the receipt."""
    if created:
        flash(_("Dossier %(code)s received. Print the receipt for the applicant.", code=dossier.code), "success")
    else:
        flash(_("This form was already saved as dossier %(code)s: nothing was saved twice.",
                code=dossier.code), "info")
    target = url_for("intake.show", code=dossier.code, saved=1)
    if request.headers.get("HX-Request"):
        response = Response(status=204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


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



@bp.get("/<code>")
@requires("dossier.view")
def show(code):
    dossier = dossier_or_404(code)
    return render("intake/show.html", "intake/_dossier.html", dossier=dossier, just_saved=bool(request.args.get("saved")),
                  components=list(dossier.components.order_by(dossier.components.model.position)),
                  fee_lines=list(dossier.fee_lines), statuses=intake.STATUSES,
                  channels=intake.CHANNELS, subject_types=intake.SUBJECT_TYPES)


@bp.get("/<code>/receipt.pdf")
@requires("dossier.view")
def receipt(code):
    dossier = dossier_or_404(code)
    if not receipts.printable(dossier):  # an online dossier: the receipt comes with its acceptance
        return render("errors/page.html", "errors/_message.html", 409, code=409, message=_(
            "This online dossier has not been accepted yet. Its receipt can be printed once an officer"
            " accepts it and the appointment is set."))
    pdf = receipts.receipt_for(dossier, office_service.get_office(), _lookup_url(dossier))
    if request.args.get("print"):
        pdf = counter.print_on_open(pdf)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{dossier.code}-giay-tiep-nhan.pdf"'})


@bp.get("/<code>/files/<int:position>")
@requires("dossier.view")
def scan(code, position):
    dossier = dossier_or_404(code)
    comp = dossier.components.where(dossier.components.model.position == position).first()
    if comp is None or comp.file is None:
        abort(404)
    data = storage.read(comp.file, current_app.config["DATA_DIR"])
    return Response(data, mimetype=comp.file.mime, headers={"Content-Disposition": "inline"})


def _lookup_url(dossier) -> str:
    """The receipt's QR link: the citizen's page with the dossier's secret (else the public lookup)."""
    endpoint, args = (("citizen.dossier", {"code": dossier.code, "secret": dossier.secret}) if dossier.secret
                      else ("public.lookup", {"code": dossier.code}))
    base = office_service.get_office().public_base_url.rstrip("/")
    if base:
        return base + url_for(endpoint, **args)
    return url_for(endpoint, **args, _external=True)
