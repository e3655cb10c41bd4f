"""The communication templates, personalised for this office: list with previews, PDF, DOCX, wording."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints import render
from blueprints.auth import messages, requires
from services import office as office_service
from services.toolkit import content
from services.toolkit import templates as kit

bp = Blueprint("toolkit", __name__, url_prefix="/toolkit")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PREVIEW_CACHE = "private, max-age=31536000, immutable"  # the link carries the preview's key


def _office_info():
    """This office as the templates print it; the lookup QR leads to the public address when set."""
    office = office_service.get_office()
    base = office.public_base_url.rstrip("/")
    lookup = base + url_for("public.search") if base else url_for("public.search", _external=True)
    return kit.office_info(office, lookup)


def _prepared(slug: str) -> kit.Prepared:
    prepared = kit.prepare(slug, _office_info())
    if prepared is None:
        abort(404)
    return prepared


def _file_name(prepared: kit.Prepared, extension: str) -> str:
    return f"attachment; filename=\"{prepared.template.slug}.{extension}\""


@bp.get("/templates")
@requires("toolkit.use")
def index():
    return render("toolkit/templates.html", "toolkit/_templates.html", items=kit.all_prepared(_office_info()))


@bp.get("/templates/<slug>.pdf")
@requires("toolkit.use")
def pdf(slug):
    prepared = _prepared(slug)
    disposition = "attachment" if request.args.get("download") else "inline"
    return Response(kit.pdf(prepared), mimetype="application/pdf", headers={
        "Content-Disposition": f"{disposition}; filename=\"{quote(slug)}.pdf\""})


@bp.get("/templates/<slug>.docx")
@requires("toolkit.use")
def docx(slug):
    prepared = _prepared(slug)
    return Response(kit.docx(prepared), mimetype=DOCX, headers={"Content-Disposition": _file_name(prepared, "docx")})


@bp.get("/templates/<slug>.png")
@requires("toolkit.use")
def preview(slug):
    prepared = _prepared(slug)
    response = Response(kit.preview_png(prepared, current_app.config["DATA_DIR"]), mimetype="image/png")
    keyed = request.args.get("v") == prepared.preview_key
    response.headers["Cache-Control"] = PREVIEW_CACHE if keyed else "no-store"
    return response


@bp.route("/templates/<slug>/edit", methods=["GET", "POST"])
@requires("toolkit.edit")
def edit(slug):
    prepared = _prepared(slug)
    form, errors = content.texts(slug), {}
    if request.method == "POST":
        if request.form.get("action") == "reset":
            content.reset(slug, current_user.username)
            flash(_("The default wording is back."), "success")
            return redirect(url_for("toolkit.edit", slug=slug))
        form, errors = content.validate(slug, request.form)
        if not errors:
            content.save(slug, form, current_user.username)
            flash(_("Saved. The PDF, the Word file and the preview use the new wording."), "success")
            return redirect(url_for("toolkit.edit", slug=slug))
    return render("toolkit/edit.html", "toolkit/_edit_form.html", 422 if errors else 200, item=prepared,
                  form=form, errors=messages(errors), limits=content.LIMITS, max_items=content.MAX_ITEMS)
