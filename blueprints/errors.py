"""One error page (with a fragment variant) and JSON errors under /api/."""
from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.exceptions import HTTPException

from blueprints import render
from services.text import N_

bp = Blueprint("errors", __name__)

MESSAGES = {
    400: N_("The request could not be understood."),
    403: N_("Your account does not have access to this page."),
    404: N_("Nothing was found at this address."),
    405: N_("This action is not allowed here."),
    401: N_("Your session has ended. Log in again in a new tab, then come back and save again: "
            "what you typed is still on this page."),
    413: N_("What was sent is too large (a scan may be at most %(mb)s MB). Nothing was saved: "
            "go back to the form and choose smaller scans."),
    429: N_("Too many requests from this address. Please wait a minute and try again."),
    500: N_("Something went wrong on the server. Nothing was saved; please try again."),
}


def install(app) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc):
        if not current_user.is_authenticated:  # the session itself is gone: say so, not "expired form"
            return _page(401, _(MESSAGES[401]))
        if request.headers.get("HX-Request"):
            # The page stays as it is; static/app.js puts the renewed token into its forms.
            response = _page(400, _("The form had expired and has just been renewed. "
                                    "Please press the button again."))
            response.headers["X-CSRF-Token"] = generate_csrf()
            return response
        return _page(400, _("The form has expired. Reload the page and submit again."))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        params = {}
        if exc.code == 413:
            from services.office import get_office
            params["mb"] = get_office().max_upload_mb
        return _page(exc.code or 500, _(MESSAGES.get(exc.code, MESSAGES[400]), **params), **params)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        current_app.logger.exception("unhandled error on %s", request.path)
        return _page(500, _(MESSAGES[500]))


def _page(status: int, message: str, **params):
    if request.path.startswith("/api/"):
        from blueprints.api import error
        return error(status, MESSAGES.get(status, MESSAGES[400]), **params)
    return render("errors/page.html", "errors/_message.html", status, code=status, message=message)


