"""The public "verify a signed document" page: upload a PDF, or open the link printed as a QR code."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, request

from blueprints import render
from services import verification
from services.text import N_

bp = Blueprint("verify", __name__)

MAX_BYTES = 30 * 1024 * 1024
MESSAGES = {
    "missing": N_("Please choose the PDF file to check."),
    "not_pdf": verification.NotAPdf.message,
    "too_large": N_("The file is larger than 30 MB."),
}


def read_upload(field: str = "file") -> tuple[bytes, str, str]:
    """(bytes, file name, error key or ""); reads at most MAX_BYTES + 1 bytes."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return b"", "", "missing"
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return b"", upload.filename, "too_large"
    return data, upload.filename, ""


def _page(status: int = 200, **context):
    context.setdefault("report", None)
    context.setdefault("error", "")
    context.setdefault("file_name", "")
    return render("verify/page.html", "verify/_result.html", status, messages=MESSAGES, **context)


@bp.route("/verify", methods=["GET", "POST"])
def upload():
    if request.method == "GET":
        return _page()
    data, name, error = read_upload()
    if not error:
        try:
            return _page(report=verification.verify_pdf(data, verification.installed_roots()), file_name=name)
        except verification.NotAPdf:
            error = "not_pdf"
    return _page(413 if error == "too_large" else 422, error=error, file_name=name)


@bp.get("/verify/<sha256>")
def stored(sha256):
    """A document the office issued, by the SHA-256 printed in its QR code."""
    report = verification.verify_stored(sha256, current_app.config["DATA_DIR"])
    if report is None:
        abort(404)
    return _page(report=report, file_name=sha256[:16] + "…")
