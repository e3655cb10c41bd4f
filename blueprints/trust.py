"""Admin: the trust roots signature validation chains to."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.auth import requires
from blueprints.verify import MESSAGES, read_upload
from models import TrustRoot
from services import verification
from services.text import N_

bp = Blueprint("trust", __name__, url_prefix="/admin/trust-roots")


def _page(status: int = 200, error: str = ""):
    roots = TrustRoot.select().order_by(TrustRoot.subject, TrustRoot.id)
    return render_template("trust/index.html", roots=roots, error=error), status


@bp.get("")
@requires("office.edit")
def index():
    return _page()


@bp.post("")
@requires("office.edit")
def add():
    data, _name, error = read_upload("certificate")
    if error:
        message = N_("Please choose the certificate file.") if error == "missing" else MESSAGES[error]
        return _page(413 if error == "too_large" else 422, _(message))
    try:
        root, added = verification.add_trust_root(data, current_user.username)
    except verification.TrustRootError as exc:
        return _page(422, _(exc.message))
    if added:
        flash(_("Trust root added: %(name)s.", name=root.subject), "success")
    else:
        flash(_("This trust root was already installed: %(name)s.", name=root.subject), "info")
    return redirect(url_for("trust.index"))
