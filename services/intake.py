"""Receiving a dossier: validation, the gap-free dossier code, storage of scans, the audit event."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from models import DailySequence, Dossier, DossierComponent, DossierFee, Procedure, ProcedureVersion
from services import audit, catalog, dossiers, fees, storage
from services.calendar import VN_TZ, WorkCalendar
from services.database import write_transaction
from services.text import N_, fold, nfc

CHANNELS = {1: N_("At the counter"), 2: N_("Online"), 3: N_("Public postal service")}
SUBJECT_TYPES = {1: N_("Citizen"), 2: N_("Business"), 3: N_("State agency"), 4: N_("Other organisation")}
STATUSES = {
    1: N_("Registered online"), 2: N_("Accepted"), 3: N_("Refused"), 4: N_("Processing"),
    5: N_("Supplement requested"), 6: N_("Fee requested"), 7: N_("Withdrawn"),
    8: N_("Processing stopped"), 9: N_("Settled"), 10: N_("Result returned"),
}
PERSONAL_ID = re.compile(r"^\d{12}$")
BUSINESS_CODE = re.compile(r"^\d{10}(-\d{3})?$")
OTHER_CODE = re.compile(r"^[0-9A-Za-z./-]{1,30}$")
PHONE = re.compile(r"^0\d{9,10}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TEXT = 250


@dataclass
class Upload:
    file_name: str
    data: bytes


@dataclass
class ReceivedComponent:
    name: str
    originals: int
    copies: int
    component_id: int | None = None
    upload: Upload | None = None
    mime: str | None = None


@dataclass
class IntakeData:
    version: ProcedureVersion
    channel: int
    received_at: dt.datetime
    applicant_type: int
    applicant_name: str
    id_number: str
    phone: str
    address: str
    email: str
    pages: int = 0
    copies: int = 0
    components: list[ReceivedComponent] = field(default_factory=list)
    missing_scan_reason: str = ""


def whole_number(value, default: int = 0) -> int | None:
    """A non-negative whole number from form text, or None when it is not one."""
    if value in (None, ""):
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 0 <= number <= 10_000 else None


def _clean_phone(value: str) -> str:
    phone = re.sub(r"[\s.\-()]", "", value)
    return "0" + phone[3:] if phone.startswith("+84") else phone


def validate_applicant(form, errors: dict) -> dict:
    """The applicant fields of a form (a dict-like), cleaned; problems go to ``errors``."""
    applicant_type = whole_number(form.get("applicant_type"), 1)
    if applicant_type not in SUBJECT_TYPES:
        errors["applicant_type"] = N_("Choose the kind of applicant.")
        applicant_type = 1
    data = {
        "applicant_type": applicant_type,
        "applicant_name": nfc(form.get("applicant_name")),
        "id_number": re.sub(r"\s", "", nfc(form.get("id_number"))),
        "phone": _clean_phone(nfc(form.get("phone"))),
        "address": nfc(form.get("address")),
        "email": nfc(form.get("email")).lower(),
    }
    if not data["applicant_name"]:
        errors["applicant_name"] = N_("Enter the applicant's full name.")
    elif len(data["applicant_name"]) > MAX_TEXT:
        errors["applicant_name"] = N_("The name is too long.")
    id_rule = {1: (PERSONAL_ID, N_("A personal identification number has exactly 12 digits.")),
               2: (BUSINESS_CODE, N_("A business code has 10 digits, or 10 digits, a dash and 3 digits."))
               }.get(applicant_type, (OTHER_CODE, N_("Enter the organisation's code (letters, digits, . / -).")))
    if not data["id_number"]:
        errors["id_number"] = N_("Enter the identification number.")
    elif not id_rule[0].match(data["id_number"]):
        errors["id_number"] = id_rule[1]
    if not PHONE.match(data["phone"]):
        errors["phone"] = N_("A phone number has 10 or 11 digits and starts with 0 (or +84).")
    if not data["address"]:
        errors["address"] = N_("Enter the address.")
    elif len(data["address"]) > MAX_TEXT:
        errors["address"] = N_("The address is too long.")
    if data["email"] and not EMAIL.match(data["email"]):
        errors["email"] = N_("This e-mail address is not valid.")
    return data


def check_upload(upload: Upload | None, max_bytes: int) -> tuple[str | None, str | None]:
    """(mime, error) for one uploaded scan; (None, None) when nothing was uploaded."""
    if upload is None or not upload.data:
        return None, None
    if len(upload.data) > max_bytes:
        return None, N_("The file is larger than the limit of %(mb)s MB.")
    mime = storage.sniff(upload.data)
    if mime is None:
        return None, N_("Only PDF, JPEG or PNG scans are accepted (checked by content).")
    return mime, None


def check_components(components: list[ReceivedComponent], reason: str, max_bytes: int,
                     errors: dict) -> None:
    """Sniff every upload, and require a scan for every received component unless a reason is given."""
    for i, comp in enumerate(components):
        comp.mime, problem = check_upload(comp.upload, max_bytes)
        if problem:
            errors[f"component_{i}"] = problem
            comp.upload = None
    received = [c for c in components if c.originals or c.copies or c.upload]
    if not received:
        errors["components"] = N_("Tick at least one received paper.")
    if any(c.upload is None for c in received) and not reason and "components" not in errors:
        errors["missing_scan_reason"] = N_(
            "Every received paper needs its scan. If a scan cannot be made now, write why.")


def fee_lines(version: ProcedureVersion, pages: int, copies: int) -> list[fees.FeeLine]:
    return fees.fee_lines(list(version.fees), pages, copies)


def appointment(calendar: WorkCalendar, version: ProcedureVersion, received_at: dt.datetime) -> dt.datetime:
    return calendar.appointment(received_at, version.time_limit_kind, version.time_limit_value)


def next_code(agency_id: str, day: dt.date) -> str:
    """The next dossier code of the day: call inside the write transaction that saves the dossier."""
    row, _ = DailySequence.get_or_create(agency_id=agency_id, day=day)
    (DailySequence.update(last=DailySequence.last + 1)
     .where(DailySequence.id == row.id).execute())
    last = DailySequence.get_by_id(row.id).last
    return f"{agency_id}-{day:%y%m%d}-{last:04d}"


def receive(data: IntakeData, calendar: WorkCalendar, agency_id: str, data_dir: str,
            actor: str, user=None, api_token=None) -> Dossier:
    """Save a validated dossier with its components, fees and scans, in one transaction."""
    received = [c for c in data.components if c.originals or c.copies or c.upload]
    digests = {id(c): storage.write_blob(c.upload.data, data_dir) for c in received if c.upload}
    received_at = data.received_at.astimezone(VN_TZ)
    lines = fee_lines(data.version, data.pages, data.copies)
    with write_transaction():
        code = next_code(agency_id, received_at.date())
        dossier = Dossier.create(
            code=code, version=data.version, channel=data.channel,
            status=1 if data.channel == 2 else 2,
            received_at=received_at, appointment_at=appointment(calendar, data.version, received_at),
            applicant_type=data.applicant_type, applicant_name=data.applicant_name,
            id_number=data.id_number, phone=data.phone, address=data.address, email=data.email,
            search_key=fold(f"{code} {data.applicant_name} {data.id_number} {data.phone}"),
            pages=data.pages, copies=data.copies, fee_total=sum(line.amount for line in lines),
            missing_scan_reason=data.missing_scan_reason, received_by=user, api_token=api_token)
        dossiers.index_dossier(dossier)
        for position, comp in enumerate(received, start=1):
            stored = None
            if comp.upload:
                stored = storage.file_row(digests[id(comp)], len(comp.upload.data), comp.mime)
            DossierComponent.create(
                dossier=dossier, component=comp.component_id, position=position, name=comp.name,
                originals=comp.originals, copies=comp.copies, file=stored,
                file_name=nfc(comp.upload.file_name)[:MAX_TEXT] if comp.upload else "",
                digitised=stored is not None)
        for line in lines:
            DossierFee.create(dossier=dossier, name=line.name, amount=line.amount)
        audit.record(actor, "dossier.receive", "dossier", code, None, {
            "procedure": data.version.procedure.code, "version": data.version.version,
            "channel": data.channel, "status": dossier.status,
            "received_at": received_at.isoformat(), "appointment_at": dossier.appointment_at.isoformat(),
            "components": len(received), "scanned": len(digests), "fee_total": dossier.fee_total})
    return dossier


def received_on(day: dt.date):
    """Dossiers received on a day, newest first (an un-executed query)."""
    start = dt.datetime.combine(day, dt.time(0), VN_TZ)
    end = start + dt.timedelta(days=1)
    return (Dossier.select(Dossier, ProcedureVersion, Procedure)
            .join(ProcedureVersion).join(Procedure)
            .where((Dossier.received_at >= start) & (Dossier.received_at < end))
            .order_by(Dossier.received_at.desc(), Dossier.id.desc()))


def search(query, text: str):
    for word in fold(text).split():
        query = query.where(Dossier.search_key.contains(word))
    return query


def find(code: str) -> Dossier | None:
    """A dossier by its code typed in any letter case, with spaces around or inside it."""
    code = re.sub(r"\s+", "", nfc(code)).upper()
    if not code or len(code) > 40:
        return None
    return (Dossier.select(Dossier, ProcedureVersion, Procedure).join(ProcedureVersion).join(Procedure)
            .where(Dossier.code == code).first())


def procedure_for(code: str, on: dt.date) -> tuple[Procedure | None, ProcedureVersion | None]:
    procedure = catalog.find(code)
    return procedure, (catalog.version_in_force(procedure, on) if procedure else None)



def validate_counter(form, uploads: dict[int, Upload], version: ProcedureVersion, max_bytes: int,
                     received_at: dt.datetime) -> tuple[IntakeData | None, dict]:
    """The counter form (a dict-like) and its scans keyed by component id -> (data, errors)."""
    errors: dict[str, str] = {}
    applicant = validate_applicant(form, errors)
    channel = whole_number(form.get("channel"), 1)
    if channel not in (1, 3):
        errors["channel"] = N_("Choose how the dossier was submitted.")
    pages, copies = whole_number(form.get("pages")), whole_number(form.get("copies"), 1)
    needs_pages, needs_copies = fees.needs_counts(list(version.fees))
    if pages is None or (needs_pages and pages < 1):
        errors["pages"] = N_("Enter the number of pages of the original (1 or more).")
    if copies is None or (needs_copies and copies < 1):
        errors["copies"] = N_("Enter the number of copies (1 or more).")
    components = []
    for comp in version.components.order_by(version.components.model.position):
        originals = whole_number(form.get(f"orig_{comp.id}"))
        copies_count = whole_number(form.get(f"copy_{comp.id}"))
        if originals is None or copies_count is None:
            errors[f"count_{comp.id}"] = N_("Counts are whole numbers from 0.")
        components.append(ReceivedComponent(comp.name, originals or 0, copies_count or 0, comp.id,
                                            uploads.get(comp.id)))
    reason = nfc(form.get("missing_scan_reason"))[:1000]
    file_errors: dict[str, str] = {}
    check_components(components, reason, max_bytes, file_errors)
    for key, message in file_errors.items():
        if key.startswith("component_"):
            key = f"file_{components[int(key.split('_')[1])].component_id}"
        errors[key] = message
    if errors:
        return None, errors
    return IntakeData(version=version, channel=channel, received_at=received_at,
                      pages=pages if needs_pages else 0, copies=copies if needs_copies else 0, components=components, missing_scan_reason=reason,
                      **applicant), {}
