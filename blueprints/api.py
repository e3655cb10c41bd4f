"""JSON API v1. Errors are JSON with a Vietnamese message; bad input never gives a 500."""
from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import force_locale, gettext

from blueprints.api_input import Invalid, as_text, components, parse_time
from blueprints.public import public_status
from models import Procedure, now
from services import accounts, catalog, fees, history, idempotency, intake, payments, verification
from services import office as office_service
from services.text import N_

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SUBMISSION_WINDOW = dt.timedelta(hours=24)  # received_at may lie this far in the past
CLOCK_SKEW = dt.timedelta(minutes=2)  # and this little in the future (the sender's clock may run ahead)
API_METHODS = ("portal", "gateway", "transfer")  # cash is recorded at the counter


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


def _token():
    header = request.headers.get("Authorization", "")
    return accounts.token_for(header[7:].strip()) if header.startswith("Bearer ") else None


def _token_and_dossier(code: str):
    """(token, dossier, None), or (…, …, the JSON error) when the token or the dossier is missing."""
    token = _token()
    if token is None:
        return None, None, error(401, N_("A valid API token is required (Authorization: Bearer <token>)."))
    found = intake.find(code)
    if found is None:
        return token, None, error(404, N_("No dossier has the code %(code)s."), code=code)
    return token, found, None


def _json_object() -> dict | None:
    """The request body as a JSON object, or None (not JSON, nested too deep, not an object)."""
    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        return None
    return body if isinstance(body, dict) else None


@bp.get("/procedures")
def procedures():
    return jsonify([_procedure_json(*row) for row in catalog.in_force(now().date())])


@bp.get("/procedures/<code>/quote")
def quote(code):
    received_at = parse_time(request.args.get("received_at"), now())
    if received_at is None:
        return error(400, N_("received_at must be an ISO 8601 time between the years 2000 and 2099,"
                             " e.g. 2026-11-25T09:00:00+07:00."))
    pages = intake.whole_number(request.args.get("pages"))
    copies = intake.whole_number(request.args.get("copies"), 1)
    if pages is None or copies is None:
        return error(400, N_("pages and copies must be whole numbers from 0 to 10000."))
    channel = intake.whole_number(request.args.get("channel"), 1)
    if channel not in intake.CHANNELS:
        return error(400, N_("channel must be 1 (counter), 2 (online) or 3 (postal)."))
    procedure, version = intake.procedure_for(code, received_at.date())
    if version is None:
        return error(404, N_("No procedure has the code %(code)s."), code=code)
    lines = intake.fee_lines(version, [fees.Original(pages, copies)], channel, copies)
    appointment = intake.appointment(office_service.calendar(), version, received_at)
    return jsonify({
        "procedure": _procedure_json(procedure, version),
        "received_at": received_at.isoformat(),
        "appointment": appointment.isoformat(),
        "fee": fees.total(lines),
        "fee_lines": [{"name": line.name, "amount": line.amount} for line in lines],
    })


def _applicant_form(applicant, errors: dict) -> dict:
    """The API's applicant object under the form's field names ("name" -> "applicant_name")."""
    if not isinstance(applicant, dict):
        errors["applicant"] = N_("Send the applicant as an object with type, name, id_number, phone"
                                 " and address.")
        return {}
    names = {"type": "applicant_type", "name": "applicant_name"}
    form = {}
    for key, value in applicant.items():
        if value is None:
            continue
        if key == "type" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        try:
            form[names.get(key, key)] = as_text(value, 1000)
        except Invalid as exc:
            errors[f"applicant.{key}"] = exc.message
    return form


def _received_at(value, errors: dict) -> dt.datetime | None:
    received_at = parse_time(value, now())
    if received_at is None:
        errors["received_at"] = N_("received_at must be an ISO 8601 time with its offset,"
                                   " e.g. 2026-11-25T09:00:00+07:00.")
    elif received_at > now() + CLOCK_SKEW:
        errors["received_at"] = N_("received_at is the submission time: it cannot lie in the future.")
    elif received_at < now() - SUBMISSION_WINDOW:
        errors["received_at"] = N_("received_at is the submission time: it cannot lie more than"
                                   " 24 hours in the past.")
    else:
        return received_at
    return None


def _channel(value, errors: dict) -> int | None:
    if value == 1 and not isinstance(value, bool):
        errors["channel"] = N_("Channel 1 is the counter's own: a dossier handed in at the counter is"
                               " entered there, not through the API.")
    elif isinstance(value, int) and not isinstance(value, bool) and value in (2, 3):
        return value
    else:
        errors["channel"] = N_("channel must be 2 (online) or 3 (public postal service).")
    return None


def _created(dossier) -> tuple[int, dict]:
    """The answer to a new dossier (kept as is for a retry with the same Idempotency-Key)."""
    accepted = dossier.appointment_at is not None
    return 201, {
        "code": dossier.code, "status": dossier.status,
        "appointment": dossier.appointment_at.isoformat() if accepted else None,
        "receipt_url": url_for("intake.receipt", code=dossier.code, _external=True) if accepted else None,
        "fee": dossier.fee_total,
    }


def _dossier_data(body: dict, office) -> tuple[intake.IntakeData | None, dict]:
    """(data, errors) of a JSON dossier; every value's type is checked before any rule."""
    errors: dict[str, str] = {}
    received_at = _received_at(body.get("received_at"), errors)
    channel = _channel(body.get("channel"), errors)
    version = None
    try:
        code = as_text(body.get("procedure"), 20)
    except Invalid:
        code = ""
    if received_at is not None:
        _, version = intake.procedure_for(code, received_at.date())
        if version is None:
            errors["procedure"] = N_("procedure must be the code of a procedure in force, e.g. 1.001193.")
    applicant = intake.validate_applicant(_applicant_form(body.get("applicant"), errors), errors)
    request_form = {}
    for name in ("request_subject", "delivery_method", "delivery_address"):
        try:
            request_form[name] = as_text(body.get(name), 1000)
        except Invalid as exc:
            errors[name] = exc.message
    request_data = intake.validate_request(request_form, errors)
    received = components(body.get("components"), version, office.max_upload_mb, errors)
    if received:
        intake.check_components(received, "", office.max_upload_mb * 1024 * 1024, errors)
    if version is not None and fees.per_original(list(version.fees)):
        intake.check_originals(received, errors)  # priced per original: never 0 đ for lack of pages
    if errors:
        return None, errors
    return intake.IntakeData(version=version, channel=channel, received_at=received_at,
                             components=received, **applicant, **request_data), {}


@bp.post("/dossiers")
def create_dossier():
    token = _token()
    if token is None:
        return error(401, N_("A valid API token is required (Authorization: Bearer <token>)."))
    key = request.headers.get("Idempotency-Key")
    if key is not None and not idempotency.valid_key(key):
        return error(400, N_("Idempotency-Key must be 1 to 255 visible characters."))
    print_ = idempotency.fingerprint(request.get_data(cache=True))
    try:
        first = idempotency.stored(token, key, print_) if key else None
    except idempotency.KeyReused:
        return error(422, N_("This Idempotency-Key was already used for a different request."))
    if first is not None:
        return jsonify(first[1]), first[0]
    body = _json_object()
    if body is None:
        return error(400, N_("The request body must be a JSON object."))
    office = office_service.get_office()
    data, errors = _dossier_data(body, office)
    if errors:
        return error(422, N_("The dossier has invalid fields."), errors, mb=office.max_upload_mb)

    def create():
        return intake.receive(data, office_service.calendar(office), office.agency_id,
                              current_app.config["DATA_DIR"], f"api:{token.name}", api_token=token)

    if not key:
        status, answer = _created(create())
        return jsonify(answer), status
    try:
        status, answer = idempotency.run_once(token, key, print_, create, _created)
    except idempotency.KeyReused:
        return error(422, N_("This Idempotency-Key was already used for a different request."))
    return jsonify(answer), status


@bp.get("/dossiers/<code>")
def dossier(code):
    found = intake.find(code)
    if found is None:
        return error(404, N_("No dossier has the code %(code)s."), code=code)
    return jsonify({**public_status(found), **history.public(found)})


def _fee_lines_json(dossier) -> dict:
    lines = payments.lines_of(dossier)
    return {
        "code": dossier.code, "fee": dossier.fee_total, "paid": not payments.unpaid(lines),
        "fee_lines": [{
            "line": n, "name": f.name, "amount": f.amount,
            "paid_at": f.paid_at.isoformat() if f.paid_at else None,
            "method": f.payment_method or None, "receipt_no": f.receipt_no or None,
        } for n, f in enumerate(lines, 1)],
    }


def _payment_lines(value, dossier, errors: dict) -> list[int] | None:
    """Fee line numbers (1, 2, … as listed) -> ids; absent means every unpaid line."""
    if value is None:
        return None
    ids = [line.id for line in payments.lines_of(dossier)]
    if (not isinstance(value, list) or not value
            or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= len(ids) for n in value)):
        errors["fee_lines"] = N_("fee_lines lists the numbers of the fee lines paid (1, 2, …).")
        return None
    return [ids[n - 1] for n in value]


@bp.post("/dossiers/<code>/payments")
def pay(code):
    token, found, refusal = _token_and_dossier(code)
    if refusal:
        return refusal
    body = _json_object()
    if body is None:
        return error(400, N_("The request body must be a JSON object."))
    errors: dict[str, str] = {}
    method = body.get("method")
    if isinstance(method, int) and not isinstance(method, bool):
        method = payments.METHOD_CODES.get(method)
    if method not in API_METHODS:
        errors["method"] = N_('method must be "portal" (1), "gateway" (2) or "transfer".')
    try:
        receipt_no = as_text(body.get("receipt_no"), payments.MAX_RECEIPT_NO, required=True)
    except Invalid:
        errors["receipt_no"] = N_("receipt_no is the receipt (biên lai) number: text of at most 50 characters.")
    amount = body.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        errors["amount"] = N_("amount is the sum paid in whole đồng.")
    paid_at = parse_time(body.get("paid_at"), now())
    if paid_at is None or paid_at > now() + CLOCK_SKEW:
        errors["paid_at"] = N_("paid_at must be an ISO 8601 time with its offset, not in the future.")
    elif paid_at < found.received_at:
        errors["paid_at"] = N_("paid_at cannot be earlier than the dossier's submission.")
    line_ids = _payment_lines(body.get("fee_lines"), found, errors)
    if errors:
        return error(422, N_("The payment has invalid fields."), errors)
    try:
        payments.pay(found, line_ids, method, receipt_no, paid_at, f"api:{token.name}", amount=amount)
    except payments.PaymentError as exc:
        return error(409, exc.message)
    return jsonify(_fee_lines_json(found)), 201


@bp.get("/dossiers/<code>/payments")
def payments_of(code):
    token, found, refusal = _token_and_dossier(code)
    if refusal:
        return refusal
    return jsonify(_fee_lines_json(found))


@bp.post("/verify")
def verify():
    """Validate the signatures of an uploaded PDF (multipart field ``file``); no login needed."""
    from blueprints.verify import MESSAGES, read_upload

    data, _name, problem = read_upload()
    if not problem:
        try:
            return jsonify(verification.verify_pdf(data, verification.installed_roots()).as_json())
        except verification.NotAPdf:
            problem = "not_pdf"
    return error(413 if problem == "too_large" else 422, MESSAGES[problem])
