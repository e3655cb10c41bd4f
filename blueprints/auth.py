"""Login, logout, language, the app-wide login guard and the permission decorator."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from blueprints import htmx
from services import accounts

bp = Blueprint("auth", __name__)

PUBLIC_BLUEPRINTS = {"public", "api"}
PUBLIC_ENDPOINTS = {"auth.login", "auth.language", "static"}


def install_guard(app) -> None:
    """Login required everywhere except the public pages; htmx gets HX-Redirect, never a form."""

    @app.before_request
    def _require_login():
        endpoint = request.endpoint or ""
        if current_user.is_authenticated or endpoint in PUBLIC_ENDPOINTS:
            return None
        if request.blueprint in PUBLIC_BLUEPRINTS:
            return None
        login_url = url_for("auth.login", next=_local_path(request.full_path))
        if htmx:  # no redirect: the page keeps what was typed, static/app.js shows the message
            abort(401)
        if request.endpoint is None:
            return None  # let the 404 handler answer
        return redirect(login_url)

    @app.context_processor
    def _permissions():
        return {"can": lambda permission: accounts.can(current_user, permission)}


def requires(permission: str):
    """The one access check: the route names a permission of accounts.PERMISSIONS."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not accounts.can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def _local_path(target: str | None) -> str:
    """Keep ``next`` on this site: a path only, never another host."""
    if not target:
        return ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return ""
    return target.rstrip("?")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    error = None
    username = ""
    status = 200
    if request.method == "POST":
        username = request.form.get("username", "")
        user, reason = accounts.authenticate(username, request.form.get("password", ""))
        if user:
            login_user(user)
            return redirect(_local_path(request.args.get("next")) or url_for("auth.home"))
        status = 422
        error = (_("This account is locked for 15 minutes after 5 failed logins.") if reason == "locked"
                 else _("Wrong username or password."))
    return render_template("auth/login.html", error=error, username=username), status


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language():
    choice = request.form.get("language", "vi")
    if current_user.is_authenticated:
        accounts.set_language(current_user, choice)
    response = redirect(_local_path(request.form.get("next")) or url_for("auth.home"))
    if choice in ("vi", "en"):
        response.set_cookie("lang", choice, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@bp.get("/")
def home():
    return render_template("auth/home.html")
