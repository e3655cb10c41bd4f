"""HTTP areas. Shared here: the htmx extension and the one helper that picks page or fragment."""
from __future__ import annotations

from flask import abort, make_response, render_template, request
from flask_babel import gettext as _
from flask_htmx import HTMX
from werkzeug.routing import IntegerConverter

htmx = HTMX()


def wants_fragment() -> bool:
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page: str, fragment: str, status: int = 200, **context):
    """One URL, two renderings: the fragment for htmx, otherwise the page that includes it."""
    response = make_response(render_template(fragment if wants_fragment() else page, **context), status)
    response.vary.add("HX-Request")
    return response


def dossier_or_404(code: str):
    """The dossier with this code (any letter case, spaces ignored), or a 404 page."""
    from services import intake

    dossier = intake.find(code)
    if dossier is None:
        abort(404)
    return dossier


MAX_ID = 2 ** 63 - 1  # larger ids in a URL cannot exist (and would not fit the database's integers)


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in every route: a number past MAX_ID is a 404 at once (not a 405 from a sibling
    rule of another method), so no view hands the database an integer it cannot bind."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            abort(404)
        return number


def row_or_404(model, row_id: int, *where):
    """The row of ``model`` with this id (and the further conditions ``where``, e.g. that it belongs
    to the dossier in the URL), or a 404 page."""
    row = model.get_or_none(model.id == row_id, *where) if row_id <= MAX_ID else None
    if row is None:
        abort(404)
    return row


def id_arg(name: str, values=None) -> int | None:
    """A row id from the query string (or ``values``, e.g. ``request.form``), or None when it is not one
    that can exist (a keyset cursor, a choice from a list)."""
    value = (request.args if values is None else values).get(name, "")
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID else None


def translated(errors: dict) -> dict:
    """Field errors held as msgids, in the user's language."""
    return {field: _(message) for field, message in errors.items()}
