"""Login, logout, language, the app-wide login guard and the permission decorator."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from blueprints import htmx, render
from services import accounts
from services.calendar import VN_TZ

bp = Blueprint("auth", __name__)

PUBLIC_BLUEPRINTS = {"public", "citizen", "api", "verify", "feedback", "faq"}
PUBLIC_ENDPOINTS = {"auth.login", "auth.language", "static", "results.verify",
                    "materials.index", "materials.download"}  # citizen materials


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
        username = request.form.get("username", "")[:150]
        result = accounts.authenticate(username, request.form.get("password", ""), request.remote_addr or "")
        if result.user:
            login_user(result.user)
            return redirect(_local_path(request.args.get("next")) or url_for("auth.home"))
        status = 422
        if result.reason == "throttled":
            until = result.wait_until.astimezone(VN_TZ).strftime("%H:%M")
            error = _("Too many failed logins for this account from this computer. Please wait until "
                      "%(time)s and try again, or ask the administrator to unlock it.", time=until)
        else:
            error = _("Wrong username or password.")
    return render_template("auth/login.html", error=error, username=username), status


@bp.post("/logout")
def logout():
    accounts.end_sessions(current_user, current_user.username)
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Any user changes their own password (the current one is required); other sessions end."""
    errors: dict = {}
    if request.method == "POST":
        new, errors = accounts.validate_password_form(request.form, current_user.username)
        if not errors:
            try:
                accounts.change_own_password(current_user, request.form.get("old_password", ""), new)
            except accounts.AccountError as exc:
                errors = {exc.field: (exc.message, exc.params)}
        if not errors:
            login_user(current_user._get_current_object())  # this session goes on with the new version
            flash(_("Your password was changed. Every other session of your account has ended."), "success")
            return redirect(url_for("auth.home"))
    return render("auth/password.html", "auth/_password_form.html", 422 if errors else 200,
                  errors=messages(errors))


def messages(errors: dict) -> dict:
    """Field -> translated message, from field -> (message id, params) of the account services."""
    return {field: _(message, **params) for field, (message, params) in errors.items()}


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
