"""The materials library: the public page of citizen materials, the staff library, uploads, versions."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import id_arg, render, row_or_404
from blueprints.auth import messages, requires
from models import Material, MaterialVersion
from services import accounts, storage
from services.toolkit import materials

bp = Blueprint("materials", __name__, url_prefix="/materials")


def _max_mb() -> int:
    return int(current_app.config.get("MATERIALS_MAX_MB", materials.DEFAULT_MAX_MB))


def _staff() -> bool:
    return accounts.can(current_user, "toolkit.use")


@bp.get("")
def index():
    """Citizen materials for everyone; staff also see the staff ones and can filter by audience."""
    staff = _staff()
    filters = {k: request.args.get(k, "")[:200] for k in ("q", "topic", "audience")}
    rows = list(materials.search(filters["q"], filters["topic"], filters["audience"], public_only=not staff,
                                 before=id_arg("before")))
    more = len(rows) > materials.PAGE
    rows = rows[:materials.PAGE]
    return render("toolkit/materials.html", "toolkit/_materials.html", rows=rows, filters=filters, staff=staff,
                  next_before=rows[-1].id if more else None, topics=materials.TOPICS,
                  audiences=materials.AUDIENCES, kinds=materials.KINDS)


def _upload(required: bool):
    """(Upload or None, error or None) for the request's file, streamed to disk under the size limit."""
    file = request.files.get("file")
    if file is None or not file.filename:
        return None, ((materials.MISSING, {}) if required else None)
    max_mb = _max_mb()
    data_dir = current_app.config["DATA_DIR"]
    try:
        blob = storage.store_stream(file.stream, data_dir, max_mb * 1024 * 1024)
    except storage.TooLarge:
        blob = storage.Blob("", max_mb * 1024 * 1024 + 1, b"")
    upload, error = materials.check_upload(blob, file.filename, data_dir, max_mb)
    if error and "kind" in error[1]:  # the kind of file is a message id too
        kind = error[1]["kind"]
        error = (error[0], {**error[1], "kind": _(kind)})
    return upload, error


def _form_page(material=None, form=None, errors=None):
    form = form if form is not None else (
        {"title": material.title, "description": material.description, "topic": material.topic,
         "audience": material.audience} if material else {"audience": "citizens"})
    return render("toolkit/material_form.html", "toolkit/_material_form.html", 422 if errors else 200,
                  material=material, form=form, errors=messages(errors or {}), topics=materials.TOPICS,
                  audiences=materials.AUDIENCES, kinds=materials.KINDS, max_mb=_max_mb(),
                  versions=list(materials.versions(material)) if material else [])


def _submit(material: Material | None):
    data, errors = materials.validate(request.form)
    upload, file_error = _upload(required=material is None)
    if file_error:
        errors["file"] = file_error
    if errors:
        return _form_page(material, request.form, errors)
    if material is None:
        material = materials.create(data, upload, current_user.username)
        flash(_("The material was added to the library."), "success")
    else:
        material = materials.update(material, data, upload, current_user.username)
        flash(_("Saved: version %(n)s is the one downloaded now.", n=material.version) if upload
              else _("Saved."), "success")
    return redirect(url_for("materials.show", material_id=material.id))


@bp.route("/new", methods=["GET", "POST"])
@requires("material.manage")
def new():
    if request.method == "POST":
        return _submit(None)
    return _form_page()


@bp.get("/<int:material_id>")
@requires("toolkit.use")
def show(material_id):
    return _form_page(row_or_404(Material, material_id))


@bp.post("/<int:material_id>")
@requires("material.manage")
def change(material_id):
    return _submit(row_or_404(Material, material_id))


def _send(stored, file_name: str, mime: str) -> Response:
    data = storage.read(stored, current_app.config["DATA_DIR"])
    return Response(data, mimetype=mime, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(file_name)}"})


@bp.get("/<int:material_id>/download")
def download(material_id):
    """The current version; a staff material needs a staff login."""
    material = row_or_404(Material, material_id)
    if material.audience != "citizens" and not _staff():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        abort(403)
    materials.count_download(material)
    return _send(material.file, material.file_name, material.mime)


@bp.get("/<int:material_id>/versions/<int:number>")
@requires("toolkit.use")
def version(material_id, number):
    row = MaterialVersion.get_or_none((MaterialVersion.material == material_id) & (MaterialVersion.number == number))
    if row is None:
        abort(404)
    materials.count_download(row.material)
    return _send(row.file, row.file_name, row.mime)
