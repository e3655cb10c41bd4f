"""Practice mode in the web layer: the banner flag for every page and the stamp on every PDF served."""
from __future__ import annotations

from flask import Flask, Response

from services import accounts, demo, practice


def install(app: Flask) -> None:
    app.jinja_env.globals.update(practice_mode=bool(app.config.get("PRACTICE")), practice_banner=practice.BANNER)
    if not app.config.get("PRACTICE"):
        return
    app.jinja_env.globals.update(  # shown on the practice login page: the trainees log in with these
        practice_accounts=[(username, role) for username, role, _name in demo.DEMO_USERS],
        practice_password=demo.DEMO_PASSWORD, role_names=accounts.ROLE_NAMES)

    @app.after_request
    def _stamp_pdf(response: Response) -> Response:
        """Receipts, forms, scans, signed files: whatever PDF leaves the practice app carries the banner."""
        if response.mimetype == "application/pdf" and response.status_code == 200:
            response.direct_passthrough = False
            response.set_data(practice.stamp(response.get_data()))
            response.headers.pop("ETag", None)
            response.headers.pop("Accept-Ranges", None)
        return response
