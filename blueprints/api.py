"""JSON API v1. Errors are JSON with a Vietnamese message; bad input never gives a 500."""
from __future__ import annotations

import base64
import binascii
import datetime as dt

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import force_locale, gettext

from blueprints.public import public_status
from models import Procedure, now
from services import accounts, catalog, fees, intake
from services import office as office_service
from services.calendar import VN_TZ
from services.text import N_, fold, nfc

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def error(status: int, message: str, fields: dict | None = None, **params):
    """A JSON error; messages are always Vietnamese (field messages too)."""
    with force_locale("vi"):
        body = {"error": {"status": status, "message": gettext(message, **params)}}
        if fields:
            body["error"]["fields"] = {k: gettext(v, **params) for k, v in fields.items()}
    return jsonify(body), status


def _procedure_json(procedure: Procedure, version, fees=None) -> dict:
    return {
        "code": procedure.code, "name": procedure.name, "field": procedure.field,
        "time_limit": {"kind": version.time_limit_kind, "value": version.time_limit_value},
        "fees": [{"name": f.name, "kind": f.kind, "amount": f.amount}
                 for f in (version.fees if fees is None else fees)],
    }


def _parse_time(value) -> dt.datetime | None:
    """ISO 8601; a time without offset is read as Vietnam time; absent means now. None when unreadable."""
    if value is None or value == "":
        return now()
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace(" ", "+").replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)).astimezone(VN_TZ)


@bp.get("/procedures")
def procedures():
    return jsonify([_procedure_json(*row) for row in catalog.in_force(now().date())])


@bp.get("/procedures/<code>/quote")
def quote(code):
    received_at = _parse_time(request.args.get("received_at"))
    if received_at is None:
        return error(400, N_("received_at must be an ISO 8601 time, e.g. 2026-11-25T09:00:00+07:00."))
    pages = intake.whole_number(request.args.get("pages"))
    copies = intake.whole_number(request.args.get("copies"), 1)
    if pages is None or copies is None:
        return error(400, N_("pages and copies must be whole numbers from 0 to 10000."))
    procedure, version = intake.procedure_for(code, received_at.date())
    if version is None:
        return error(404, N_("No procedure has the code %(code)s."), code=code)
    lines = intake.fee_lines(version, [fees.Original(pages, copies)], 1, copies)
    appointment = intake.appointment(office_service.calendar(), version, received_at)
    return jsonify({
        "procedure": _procedure_json(procedure, version),
        "received_at": received_at.isoformat(),
        "appointment": appointment.isoformat(),
        "fee": fees.total(lines),
        "fee_lines": [{"name": line.name, "amount": line.amount} for line in lines],
    })


def _components(items, version, errors: dict) -> list[intake.ReceivedComponent]:
    known = {fold(c.name): c.id for c in version.components}
    out = []
    if not isinstance(items, list) or not items:
        errors["components"] = N_("Send at least one component with its file.")
        return out
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not nfc(str(item.get("name", ""))):
            errors[f"components[{i}]"] = N_("Each component needs a name, a file_name and content_base64.")
            continue
        try:
            data = base64.b64decode(str(item.get("content_base64", "")), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        if not data:
            errors[f"components[{i}]"] = N_("content_base64 is missing or not valid base64.")
            continue
        name = nfc(str(item["name"]))[:intake.MAX_TEXT]
        out.append(intake.ReceivedComponent(name, 0, 0, known.get(fold(name)),
                                            intake.Upload(str(item.get("file_name", "")), data)))
    return out


def _applicant_form(applicant) -> dict:
    """The API's applicant object under the form's field names ("name" -> "applicant_name")."""
    if not isinstance(applicant, dict):
        return {}
    names = {"type": "applicant_type", "name": "applicant_name"}
    return {names.get(k, k): str(v) for k, v in applicant.items() if v is not None}


@bp.post("/dossiers")
def create_dossier():
    header = request.headers.get("Authorization", "")
    token = accounts.token_for(header[7:].strip()) if header.startswith("Bearer ") else None
    if token is None:
        return error(401, N_("A valid API token is required (Authorization: Bearer <token>)."))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error(400, N_("The request body must be a JSON object."))
    received_at = _parse_time(body.get("received_at"))
    if received_at is None or received_at > now() + dt.timedelta(minutes=5):
        return error(422, N_("received_at must be an ISO 8601 time, not in the future."))
    procedure, version = intake.procedure_for(str(body.get("procedure", "")), received_at.date())
    if version is None:
        return error(422, N_("No procedure has the code %(code)s."), code=str(body.get("procedure", "")))
    errors: dict[str, str] = {}
    channel = body.get("channel")
    if channel not in intake.CHANNELS:
        errors["channel"] = N_("channel must be 1 (counter), 2 (online) or 3 (postal).")
    applicant = body.get("applicant")
    applicant = intake.validate_applicant(_applicant_form(applicant), errors)
    components = _components(body.get("components"), version, errors)
    office = office_service.get_office()
    if components:
        intake.check_components(components, "", office.max_upload_mb * 1024 * 1024, errors)
    if errors:
        return error(422, N_("The dossier has invalid fields."), errors, mb=office.max_upload_mb)
    data = intake.IntakeData(version=version, channel=channel, received_at=received_at,
                             components=components, **applicant)
    dossier = intake.receive(data, office_service.calendar(office), office.agency_id,
                             current_app.config["DATA_DIR"], f"api:{token.name}", api_token=token)
    return jsonify({
        "code": dossier.code, "status": dossier.status, "appointment": dossier.appointment_at.isoformat(),
        "receipt_url": url_for("intake.receipt", code=dossier.code, _external=True),
    }), 201


@bp.get("/dossiers/<code>")
def dossier(code):
    found = intake.find(code)
    if found is None:
        return error(404, N_("No dossier has the code %(code)s."), code=code)
    return jsonify(public_status(found))
