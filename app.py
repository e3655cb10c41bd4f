"""The application factory. Nothing runs at import time."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, request
from flask_babel import Babel, get_locale
from flask_compress import Compress
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from blueprints import RowIdConverter, htmx
from models import db
from services import accounts, practice
from services.database import open_database
from services.text import thousands

csrf = CSRFProtect()
compress = Compress()
babel = Babel()
login_manager = LoginManager()


def _secret_key(instance: Path) -> str:
    """The key from FLASK_SECRET_KEY, else one generated once and kept in the instance folder."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="ascii")
    return path.read_text(encoding="ascii").strip()


def _locale():
    if current_user and current_user.is_authenticated:
        return current_user.language
    return request.cookies.get("lang") if request.cookies.get("lang") in ("vi", "en") else "vi"


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.update(
        DATABASE_URL=f"sqlite:///{instance / 'office.db'}",
        DATA_DIR=str(instance / "data"),
        MAX_CONTENT_LENGTH=256 * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,
        SEND_FILE_MAX_AGE_DEFAULT=365 * 24 * 3600,  # static links carry a content hash
        # Responses are compressed (zstd, brotli or gzip, as the browser accepts), never below 500 bytes
        COMPRESS_MIMETYPES=["text/html", "text/css", "text/javascript", "application/javascript",
                            "application/json", "text/csv", "image/svg+xml"],
        COMPRESS_MIN_SIZE=500,
        COMPRESS_ALGORITHM=["br", "gzip", "zstd", "deflate"],  # brotli packs htmx smallest
        COMPRESS_ALGORITHM_STREAMING=["br", "zstd", "deflate"],
    )
    app.config.from_prefixed_env()
    if config:
        app.config.update(config)
    if app.config.get("PRACTICE"):
        practice.configure(app.config, instance)  # its own database, folder, key and cookies
    practice.set_active(app.config.get("PRACTICE", False))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    Path(app.config["DATA_DIR"]).mkdir(parents=True, exist_ok=True)

    open_database(app.config["DATABASE_URL"])
    app.url_map.converters["int"] = RowIdConverter  # before any blueprint adds its rules

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()

    from blueprints.intake import limit_request_size
    app.before_request(limit_request_size)  # before the CSRF check reads the body
    csrf.init_app(app)
    compress.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=_locale)
    login_manager.init_app(app)
    login_manager.user_loader(accounts.user_for_session)

    from blueprints import (
        admin,
        api,
        auth,
        certification,
        citizen,
        dossiers,
        errors,
        hotline,
        intake,
        materials,
        notifications,
        payments,
        practice_mode,
        processing,
        public,
        results,
        security,
        signing,
        tablet,
        toolkit,
        training,
        trust,
        verify,
    )
    for module in (auth, admin, intake, dossiers, payments, processing, public, citizen, api, errors, verify,
                   trust, signing, tablet, notifications,
                   certification, toolkit, materials, results):
        app.register_blueprint(module.bp)
    for blueprint in (training.bp, training.public_bp, hotline.bp, hotline.faq_bp):  # sessions, feedback, hotline, FAQ
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)  # the JSON API authenticates by bearer token, not by cookie
    auth.install_guard(app)
    errors.install(app)
    security.install(app)
    practice_mode.install(app)

    from cli import register
    register(app)

    app.jinja_env.globals.update(static_url=_static_url(app), get_locale=get_locale, site_office=_site_office)
    app.jinja_env.filters["thousands"] = thousands
    return app


def _site_office():
    """The office row for the page header and public pages: read once per request."""
    from flask import g

    from services.office import get_office

    if "site_office" not in g:
        g.site_office = get_office()
    return g.site_office


def _static_url(app: Flask):
    """url_for('static') with a content hash, so the stylesheet can be cached for a year."""
    import hashlib

    from flask import url_for

    cache: dict[str, str] = {}

    def static_url(filename: str) -> str:
        if filename not in cache:
            data = (Path(app.static_folder) / filename).read_bytes()
            cache[filename] = hashlib.sha256(data).hexdigest()[:10]
        return url_for("static", filename=filename, v=cache[filename])

    return static_url
