"""A dossier's electronic result: draft it (or upload the scan of the paper result), sign it from the
dossier (certificate file, or a token on the leader's own PC) with the organisation's signature added by
the server, or record an exemption; the organisation keystore's lock; the public page its QR opens."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import dossier_or_404, render, row_or_404
from blueprints.auth import requires
from blueprints.verify import MESSAGES, read_upload
from models import Dossier, ResultDocument
from services import accounts, keystore, remote_signing, results, signing, verification
from services import office as office_service
from services.results import remote
from services.text import N_, nfc

bp = Blueprint("results", __name__)

SIGN_FIELDS = {"certificate": N_("Please choose the certificate file (.p12 or .pfx)."),
               "passphrase": N_("Please type the certificate file's passphrase.")}


def _problem(field: str, problem: str) -> str:
    """The translated message for an upload problem of read_upload."""
    message = SIGN_FIELDS[field] if problem == "missing" else MESSAGES[problem]
    return _(message)


def _data_dir() -> str:
    return current_app.config["DATA_DIR"]


def verify_url(key: str) -> str:
    """The address printed in a result's QR code (the office's public address when it is set)."""
    base = office_service.get_office().public_base_url.rstrip("/")
    path = url_for("results.verify", key=key)
    return base + path if base else url_for("results.verify", key=key, _external=True)


@bp.app_context_processor
def _globals():
    return {"results_view": card_context}


def card_context(dossier) -> dict:
    """What results/_card.html needs on the dossier page."""
    documents = results.documents_of(dossier)
    return {"dossier": dossier, "documents": documents, "needed": results.needs_result(dossier),
            "signed": next((d for d in documents if d.signed_id), None),
            "exemption": results.exemption_of(dossier)}


def _page(dossier, status=200, errors=None, form=None, sign_errors=None, done=""):
    office = office_service.get_office()
    context = card_context(dossier)
    unsigned = next((d for d in context["documents"] if not d.signed_id), None)
    if form is None:
        content = results.default_content(dossier, office)
        if unsigned is not None and unsigned.kind == "generated":  # a new draft starts from the last one
            content = results.Content(unsigned.number, unsigned.title, unsigned.body, unsigned.signer_title,
                                      unsigned.signer_name)
        form = {"number": content.number, "title": content.title, "body": content.body,
                "signer_title": content.signer_title, "signer_name": content.signer_name}
    return render("results/page.html", "results/_result.html", status, **context, unsigned=unsigned,
                  open=dossier.status in results.OPEN_STATUSES, form=form, errors=errors or {},
                  sign_errors=sign_errors or {}, done=done, keystore=keystore.installed(),
                  unlocked=keystore.credential(_data_dir()) is not None, leaders=results.leaders(),
                  certificates=list(current_user.signer_certificates) if accounts.can(current_user, "document.sign")
                  else [], messages=MESSAGES, remote_url=remote.base_url(),
                  remote_credential=remote.credential_of(current_user) if current_user.is_authenticated else "")


def _document(dossier, doc_id: int) -> ResultDocument:
    return row_or_404(ResultDocument, doc_id, ResultDocument.dossier == dossier)


def _back(dossier, message: str):
    flash(message, "success")
    return redirect(url_for("results.page", code=dossier.code))


@bp.get("/results/<code>")
@requires("dossier.view")
def page(code):
    return _page(dossier_or_404(code))


@bp.post("/results/<code>/draft")
@requires("result.prepare")
def draft(code):
    dossier = dossier_or_404(code)
    content, errors = results.validate(request.form)
    if not errors:
        try:
            results.create_generated(dossier, office_service.get_office(), content, current_user, _data_dir(),
                                     verify_url)
            return _back(dossier, _("The result document was drafted. It waits for the leader's signature."))
        except results.ResultError as exc:
            errors = {exc.field: exc.message}
    translated = {k: _(v, max=results.MAX_BODY) for k, v in errors.items()}
    return _page(dossier, 422, translated, request.form)


@bp.post("/results/<code>/upload")
@requires("result.prepare")
def upload(code):
    dossier = dossier_or_404(code)
    data, _name, problem = read_upload("file")
    office = office_service.get_office()
    try:
        if problem == "too_large":
            raise results.ResultError(MESSAGES["too_large"], "file")
        results.create_upload(dossier, data, current_user, _data_dir(), verify_url, office.max_upload_mb * 2**20)
    except results.ResultError as exc:
        return _page(dossier, 422, {"file": _(exc.message, **exc.params)}, request.form)
    return _back(dossier, _("The scan of the paper result was attached. It waits for the leader's signature."))


@bp.post("/results/<code>/<int:doc_id>/sign")
@requires("document.sign")
def sign(code, doc_id):
    dossier = dossier_or_404(code)
    document = _document(dossier, doc_id)
    errors = {}
    p12, _name, problem = read_upload("certificate")
    if problem:
        errors["certificate"] = _problem("certificate", problem)
    if not request.form.get("passphrase"):
        errors["passphrase"] = _problem("passphrase", "missing")
    if not errors:
        try:
            results.sign_with_file(document, p12, request.form["passphrase"], request.form.get("title", ""),
                                   current_user, office_service.get_office(), _data_dir())
            return _back(dossier, _("The electronic result is signed by you and by the organisation."))
        except (signing.SigningError, results.ResultError) as exc:
            field = "certificate" if exc.message in signing.KEY_ERRORS else "form"
            errors[field] = _(exc.message, **exc.params)
    return _page(dossier, 422, sign_errors=errors)


@bp.post("/results/<code>/<int:doc_id>/prepare")
@requires("document.sign")
def prepare(code, doc_id):
    dossier = dossier_or_404(code)
    document = _document(dossier, doc_id)
    try:
        prepared = results.prepare_for_token(document, current_user, office_service.get_office(), _data_dir())
    except (signing.SigningError, results.ResultError) as exc:
        return _page(dossier, 422, sign_errors={"token": _(exc.message, **exc.params)})
    return Response(prepared, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{dossier.code}-ket-qua-can-ky.pdf"'})


@bp.post("/results/<code>/<int:doc_id>/token")
@requires("document.sign")
def token(code, doc_id):
    dossier = dossier_or_404(code)
    document = _document(dossier, doc_id)
    data, _name, problem = read_upload("file")
    try:
        if problem:
            raise results.ResultError(MESSAGES["missing"] if problem == "missing" else MESSAGES[problem])
        results.accept_token_upload(document, data, current_user, office_service.get_office(), _data_dir())
    except (signing.SigningError, results.ResultError) as exc:
        return _page(dossier, 422, sign_errors={"token": _(exc.message, **exc.params)})
    return _back(dossier, _("The electronic result is signed by you and by the organisation."))


@bp.get("/results/<code>/<int:doc_id>.pdf")
@requires("dossier.view")
def pdf(code, doc_id):
    dossier = dossier_or_404(code)
    document = _document(dossier, doc_id)
    stored = document.signed or document.draft
    suffix = "da-ky" if document.signed_id else "du-thao"
    return Response(results.read(stored, _data_dir()), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{dossier.code}-ket-qua-{suffix}.pdf"'})


@bp.post("/results/<code>/exempt")
@requires("result.exempt")
def exempt(code):
    dossier = dossier_or_404(code)
    try:
        results.exempt(dossier, request.form.get("reason", ""), current_user)
    except results.ResultError as exc:
        return _page(dossier, 422, errors={"reason": _(exc.message, **exc.params)})
    return _back(dossier, _("The exemption is recorded: the dossier may be settled without an electronic result."))


@bp.post("/results/<code>/<int:doc_id>/remote")
@requires("document.sign")
def remote_start(code, doc_id):
    dossier = dossier_or_404(code)
    document = _document(dossier, doc_id)
    try:
        job = remote.start(current_app._get_current_object(), document, request.form.get("access_token", ""),
                           request.form.get("title", ""), current_user,
                           current_app.config.get("REMOTE_SIGNING_SECONDS", remote_signing.APPROVAL_SECONDS))
    except (signing.SigningError, results.ResultError) as exc:
        return _page(dossier, 422, sign_errors={"remote": _(exc.message, **exc.params)})
    return redirect(url_for("results.remote_wait", code=dossier.code, job_id=job.id), 303)


@bp.get("/results/<code>/remote/<job_id>")
@requires("document.sign")
def remote_wait(code, job_id):
    dossier = dossier_or_404(code)
    job = remote.job_for(job_id, current_user)
    if job is None or job.code != dossier.code:
        abort(404)
    if job.state == remote.SIGNED:
        flash(_("The electronic result is signed by you and by the organisation."), "success")
        target = url_for("results.page", code=dossier.code)
        if request.headers.get("HX-Request"):
            return Response(status=204, headers={"HX-Redirect": target})
        return redirect(target)
    error = _(job.message, **job.params) if job.state == remote.FAILED else ""
    return render("results/remote.html", "results/_remote.html", 422 if error else 200, dossier=dossier,
                  job=job, error=error)


# --- The organisation's certificate on the server ------------------------------------------------

def _keystore_page(status=200, error="", remote_error="", remote_form=None):
    return render("results/keystore.html", "results/keystore.html", status, keystore=keystore.installed(),
                  unlocked=keystore.credential(_data_dir()) is not None, error=error, remote_error=remote_error,
                  remote_url=remote_form.get("base_url", "") if remote_form else remote.base_url(),
                  remote_credentials=remote.credentials(), leaders=results.leaders())


@bp.post("/results/remote-settings")
@requires("keystore.manage")
def remote_settings():
    per_user = {u: request.form.get(f"credential-{u.id}", "") for u in results.leaders()}
    try:
        remote.save_settings(request.form.get("base_url", ""), per_user, current_user.username)
    except results.ResultError as exc:
        return _keystore_page(422, remote_error=_(exc.message, **exc.params), remote_form=request.form)
    flash(_("The remote signing settings are saved."), "success")
    return redirect(url_for("results.keystore_page"))


def _after_keystore(message: str):
    flash(message, "success")
    code = nfc(request.form.get("code", ""))
    if code and Dossier.get_or_none(Dossier.code == code):
        return redirect(url_for("results.page", code=code))
    return redirect(url_for("results.keystore_page"))


@bp.get("/results/keystore")
@requires("keystore.unlock")
def keystore_page():
    return _keystore_page()


@bp.post("/results/keystore/unlock")
@requires("keystore.unlock")
def unlock():
    try:
        keystore.unlock(request.form.get("passphrase", ""), _data_dir(), current_user.username)
    except signing.SigningError as exc:
        return _keystore_page(422, _(exc.message, **exc.params))
    return _after_keystore(_("The organisation certificate is unlocked until it is locked or the server restarts."))


@bp.post("/results/keystore/lock")
@requires("keystore.unlock")
def lock():
    keystore.lock(_data_dir(), current_user.username)
    return _after_keystore(_("The organisation certificate is locked."))


@bp.post("/results/keystore/install")
@requires("keystore.manage")
def install():
    data, _name, problem = read_upload("certificate")
    if problem:
        return _keystore_page(422, _problem("certificate", problem))
    seal, _seal_name, seal_problem = read_upload("seal")
    if seal_problem == "too_large":
        return _keystore_page(422, _problem("seal", seal_problem))
    try:
        keystore.install(data, request.form.get("passphrase", ""), _data_dir(), current_user.username, seal)
    except signing.SigningError as exc:
        return _keystore_page(422, _(exc.message, **exc.params))
    return _after_keystore(_("The organisation certificate is installed and unlocked."))


# --- Public: the page a result's QR code opens ------------------------------------------------------

@bp.get("/verify/r/<key>")
def verify(key):
    document = results.by_key(key)
    if document is None:
        abort(404)
    report = None
    if document.signed_id:
        report = verification.verify_pdf(results.read(document.signed, _data_dir()), verification.installed_roots())
    return render("results/verify.html", "results/verify.html", document=document, report=report, error="",
                  messages=MESSAGES, file_name="")
