"""Signing pages for a leader: with a certificate file (the passphrase lives only in the request), or with
a USB token on their own PC (prepare, download, sign with the vendor tool, upload)."""
from __future__ import annotations

from pathlib import PurePath

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import render
from blueprints.auth import requires
from blueprints.verify import MESSAGES, read_upload
from services import office, offline_signing, signing
from services.text import N_, form_text, nfc

bp = Blueprint("signing", __name__, url_prefix="/sign")

FIELD_MESSAGES = {
    "file": N_("Please choose the PDF file to sign."),
    "certificate": N_("Please choose the certificate file (.p12 or .pfx)."),
    "passphrase": N_("Please type the certificate file's passphrase."),
}


def _problem(field: str, problem: str) -> str:
    message = FIELD_MESSAGES[field] if problem == "missing" else MESSAGES[problem]
    return _(message)


def _form(form=None, errors=None, status=200):
    values = {"title": "", "agency": office.get_office().parent_body, "reason": ""}
    if form is not None:
        values.update({k: form.get(k, "") for k in values})
    return render("signing/page.html", "signing/_form.html", status, form=values, errors=errors or {})


@bp.get("")
@requires("document.sign")
def page():
    return _form()


@bp.post("")
@requires("document.sign")
def sign():
    form = request.form
    errors: dict[str, str] = {}
    pdf, name, problem = read_upload("file")
    if problem:
        errors["file"] = _problem("file", problem)
    p12, _p12_name, problem = read_upload("certificate")
    if problem:
        errors["certificate"] = _problem("certificate", problem)
    if not form.get("passphrase"):
        errors["passphrase"] = _problem("passphrase", "missing")
    if errors:
        return _form(form, errors, 422)
    try:
        credential = signing.load_pkcs12(p12, form["passphrase"])
        appearance = signing.Appearance(signer=credential.name, title=nfc(form.get("title"))[:120],
                                        agency=nfc(form.get("agency"))[:200])
        reason = form_text(form, "reason", {})[:200]  # the same words in the signature and in the audit
        signed = signing.sign_pdf(pdf, credential, appearance, reason=reason)
    except signing.SigningError as exc:
        field = "certificate" if exc.message in signing.KEY_ERRORS else "file"
        return _form(form, {field: _(exc.message, **exc.params)}, 422)
    signing.record_signature(current_user.username, signed, credential, reason)
    stem = PurePath(name).stem[:80] or "van-ban"
    return Response(signed, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(stem)}-da-ky.pdf"})


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


# --- A token on the official's own PC: prepare, download, sign with the vendor's tool, upload ---------

def _data_dir() -> str:
    return current_app.config["DATA_DIR"]


@bp.route("/token", methods=["GET", "POST"])
@requires("document.sign")
def token():
    error = ""
    if request.method == "POST":
        pdf, _name, problem = read_upload("file")
        if not problem:
            try:
                digest = offline_signing.store_prepared(pdf, _data_dir(), current_user.username)
                return redirect(url_for("signing.token_document", sha256=digest))
            except signing.SigningError as exc:
                error = _(exc.message, **exc.params)
        else:
            error = _problem("file", problem)
    return render("signing/token.html", "signing/token.html", 422 if error else 200, error=error,
                  certificates=current_user.signer_certificates)


@bp.route("/token/<sha256>", methods=["GET", "POST"])
@requires("document.sign")
def token_document(sha256):
    if offline_signing.load_stored(sha256, _data_dir()) is None:
        abort(404)
    context = {"sha256": sha256, "error": "", "report": None, "signed": ""}
    if request.method == "POST":
        uploaded, _name, problem = read_upload("file")
        if problem:
            context["error"] = _problem("file", problem)
        else:
            try:
                context["report"], context["signed"] = offline_signing.accept_stored(
                    sha256, uploaded, current_user, _data_dir())
            except signing.SigningError as exc:
                context["error"] = _(exc.message, **exc.params)
    status = 422 if context["error"] else 200
    return render("signing/token_document.html", "signing/token_document.html", status, messages=MESSAGES,
                  file_name="", **context)


@bp.get("/files/<sha256>.pdf")
@requires("document.sign")
def download(sha256):
    data = offline_signing.load_stored(sha256, _data_dir())
    if data is None:
        abort(404)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=van-ban-{sha256[:12]}.pdf"})
