"""Response headers for every page and file, and the per-address rate limit of the public status."""
from __future__ import annotations

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",              # no inline script anywhere; htmx runs with allowEval off
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",  # style="" attributes only, never a <style> element
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
# An uploaded scan is shown as itself and can run nothing, whatever is inside it. Its type was sniffed
# from its content at upload (PDF, JPEG or PNG only) and nosniff keeps browsers to it. Chromium's PDF
# viewer still shows a sandboxed PDF (test_browser_accounts looks at it).
SCAN_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'"
SCAN_ENDPOINTS = {"intake.scan"}
# Static links carry a content hash (see app._static_url): only they may be cached.
CACHEABLE_ENDPOINTS = {"static"}
RATE_LIMITED_ENDPOINTS = ("public.lookup", "api.dossier", "feedback.submit")


def install(app) -> Limiter:
    app.config.setdefault("LOOKUP_RATE_LIMIT", "30 per minute")

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        ok_scan = request.endpoint in SCAN_ENDPOINTS and response.status_code == 200
        headers["Content-Security-Policy"] = SCAN_CSP if ok_scan else CSP
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            headers["Cache-Control"] = "no-store"
        return response

    # One limiter (and one in-memory store) per application: counts never leak between apps.
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", headers_enabled=True,
                      strategy="moving-window")
    app.extensions["lookup_limiter"] = limiter  # held here: turned off, the limiter keeps no other reference
    for endpoint in RATE_LIMITED_ENDPOINTS:
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = limiter.limit(lambda: app.config["LOOKUP_RATE_LIMIT"])(view)
    return limiter
