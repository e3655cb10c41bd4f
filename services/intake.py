"""Receiving a dossier: validation, the gap-free dossier code, storage of scans, the audit event."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from models import (
    Component,
    DailySequence,
    Dossier,
    DossierComponent,
    DossierFee,
    Procedure,
    ProcedureVersion,
    YearlySequence,
)
from services import audit, catalog, dossiers, fees, history, identity, storage
from services.calendar import VN_TZ, WorkCalendar
from services.database import write_transaction
from services.text import N_, fold, nfc, search_words

CHANNELS = {1: N_("At the counter"), 2: N_("Online"), 3: N_("Public postal service")}
SUBJECT_TYPES = {1: N_("Citizen"), 2: N_("Business"), 3: N_("State agency"), 4: N_("Other organisation")}
STATUSES = {
    1: N_("Registered online"), 2: N_("Accepted"), 3: N_("Refused"), 4: N_("Processing"),
    5: N_("Supplement requested"), 6: N_("Fee requested"), 7: N_("Withdrawn"),
    8: N_("Processing stopped"), 9: N_("Settled"), 10: N_("Result returned"),
}
PHONE = re.compile(r"^0\d{9,10}$")
INTERNATIONAL_PHONE = re.compile(r"^\+\d{7,15}$")
MAX_TEXT = 250
MAX_ID = 30  # longer than any id number, checked before any other work
# The applicant as the law names them: kind -> (national subject type, id kind, label).
APPLICANT_KINDS = {
    "citizen": (1, "personal", N_("Citizen")),
    "foreigner": (1, "passport", N_("Foreigner")),
    "business": (2, "business", N_("Business")),
    "household": (2, "household", N_("Household business")),
    "agency": (3, "organisation", N_("State agency")),
    "organisation": (4, "organisation", N_("Other organisation")),
}
DELIVERY_METHODS = {"counter": N_("At the centre"), "post": N_("By post"),
                    "online": N_("Online, on the public service portal")}


@dataclass
class Upload:
    """A scan: in memory (``data``, the API) or already streamed to disk (``blob``, the counter)."""

    file_name: str
    data: bytes | None = None
    blob: storage.Blob | None = None

    @property
    def size(self) -> int:
        return self.blob.size if self.blob else len(self.data or b"")

    @property
    def head(self) -> bytes:
        return self.blob.head if self.blob else (self.data or b"")[:16]


@dataclass
class ReceivedComponent:
    name: str
    originals: int
    copies: int
    component_id: int | None = None
    upload: Upload | None = None
    mime: str | None = None
    pages: int = 0  # pages of this original (copy certification prices each original by its pages)


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
    copies: int = 0  # copies of the result requested (fees per copy)
    components: list[ReceivedComponent] = field(default_factory=list)
    missing_scan_reason: str = ""
    id_kind: str = "personal"
    representative_name: str = ""
    representative_id_kind: str = ""
    representative_id_number: str = ""
    request_subject: str = ""
    delivery_method: str = "counter"
    delivery_address: str = ""


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


def applicant_kind(applicant_type: int, id_kind: str) -> str:
    """The applicant kind of a saved dossier (or API input) from its subject type and id kind."""
    for kind, (subject, kind_id, _label) in APPLICANT_KINDS.items():
        if subject == applicant_type and kind_id == id_kind:
            return kind
    return next((k for k, v in APPLICANT_KINDS.items() if v[0] == applicant_type), "citizen")


def is_organisation(applicant_type: int) -> bool:
    return applicant_type != 1


def _text(form, name: str, limit: int, errors: dict, too_long: str) -> str:
    """One text field: NFC, trimmed, at most ``limit`` characters, storable (no lone surrogate)."""
    value = form.get(name)
    value = "" if value is None else str(value)
    if len(value) > limit * 4:  # far too long: refuse before normalising it
        errors[name] = too_long
        return ""
    if identity.has_lone_surrogate(value):
        errors[name] = N_("This text contains a character that cannot be saved; please type it again.")
        return ""
    value = nfc(value)
    if len(value) > limit:
        errors[name] = too_long
    return value


def _id_number(form, name: str, kind: str, errors: dict) -> str:
    number = _text(form, name, MAX_ID, errors, N_("An identification number has at most 30 characters."))
    number = "".join(number.split()).upper()
    if name in errors:
        return number
    if not number:
        errors[name] = N_("Enter the identification number.")
    else:
        problem = identity.check_id(kind, number)
        if problem:
            errors[name] = problem
    return number


def validate_applicant(form, errors: dict) -> dict:
    """The applicant fields of a form (a dict-like), cleaned; problems go to ``errors``.

    ``applicant_kind`` (citizen, foreigner, business, household, agency, organisation) decides the
    subject type and the kind of id; without it ``applicant_type`` (1-4) and ``id_kind`` are read, as
    the API sends them. An organisation or business names the person who submits for it, with that
    person's own id (personal number or passport)."""
    kind = str(form.get("applicant_kind") or "")
    if kind:
        if kind not in APPLICANT_KINDS:
            errors["applicant_kind"] = N_("Choose the kind of applicant.")
            kind = "citizen"
    else:
        applicant_type = whole_number(form.get("applicant_type"), 1)
        if applicant_type not in SUBJECT_TYPES:
            errors["applicant_type"] = N_("Choose the kind of applicant.")
            applicant_type = 1
        id_kind = str(form.get("id_kind") or "")
        kind = applicant_kind(applicant_type, id_kind)
        if id_kind and APPLICANT_KINDS[kind][1] != id_kind:
            errors["id_kind"] = N_("This kind of identification does not fit this kind of applicant.")
    applicant_type, id_kind, _label = APPLICANT_KINDS[kind]
    organisation = is_organisation(applicant_type)
    data = {
        "applicant_type": applicant_type,
        "id_kind": id_kind,
        "applicant_name": _text(form, "applicant_name", MAX_TEXT, errors, N_("The name is too long.")),
        "id_number": _id_number(form, "id_number", id_kind, errors),
        "representative_name": "",
        "representative_id_kind": "",
        "representative_id_number": "",
        "address": _text(form, "address", MAX_TEXT, errors, N_("The address is too long.")),
        "email": _text(form, "email", identity.MAX_EMAIL, errors,
                       N_("An e-mail address has at most 254 characters.")).lower(),
    }
    if not data["applicant_name"] and "applicant_name" not in errors:
        errors["applicant_name"] = (N_("Enter the name of the organisation or business.") if organisation
                                    else N_("Enter the applicant's full name."))
    if organisation:
        data["representative_name"] = _text(form, "representative_name", MAX_TEXT, errors,
                                            N_("The name is too long."))
        if not data["representative_name"] and "representative_name" not in errors:
            errors["representative_name"] = N_("Enter the full name of the person who submits the dossier.")
        rep_kind = str(form.get("representative_id_kind") or "personal")
        if rep_kind not in identity.PERSON_ID_KINDS:
            errors["representative_id_kind"] = N_("Choose the kind of identification.")
            rep_kind = "personal"
        data["representative_id_kind"] = rep_kind
        data["representative_id_number"] = _id_number(form, "representative_id_number", rep_kind, errors)
    phone = _text(form, "phone", MAX_ID, errors, N_("A phone number has at most 30 characters."))
    data["phone"] = _clean_phone(phone)
    if "phone" not in errors and not (PHONE.match(data["phone"])
                                      or (id_kind == "passport" and INTERNATIONAL_PHONE.match(data["phone"]))):
        errors["phone"] = N_("A phone number has 10 or 11 digits and starts with 0 (or +84).")
    if not data["address"] and "address" not in errors:
        errors["address"] = N_("Enter the address.")
    if data["email"] and "email" not in errors:
        problem = identity.email(data["email"])
        if problem:
            errors["email"] = problem
    return data


def validate_request(form, errors: dict) -> dict:
    """What the request concerns (optional) and where the result is delivered (an address for post)."""
    data = {
        "request_subject": _text(form, "request_subject", MAX_TEXT, errors, N_("This text is too long.")),
        "delivery_method": str(form.get("delivery_method") or "counter"),
        "delivery_address": _text(form, "delivery_address", MAX_TEXT, errors, N_("The address is too long.")),
    }
    if data["delivery_method"] not in DELIVERY_METHODS:
        errors["delivery_method"] = N_("Choose where the result is delivered.")
        data["delivery_method"] = "counter"
    if data["delivery_method"] != "post":
        data["delivery_address"] = ""
    elif not data["delivery_address"] and "delivery_address" not in errors:
        errors["delivery_address"] = N_("Enter the address the result is posted to.")
    return data


def check_upload(upload: Upload | None, max_bytes: int) -> tuple[str | None, str | None]:
    """(mime, error) for one uploaded scan; (None, None) when nothing was uploaded."""
    if upload is None:
        return None, None
    if upload.size == 0:
        return None, N_("The file is empty (0 bytes): scan the paper again.")
    if upload.size > max_bytes:
        return None, N_("The file is larger than the limit of %(mb)s MB.")
    mime = storage.sniff(upload.head)
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


def fee_lines(version: ProcedureVersion, components, channel: int, copies: int = 1) -> list[fees.FeeLine]:
    return fees.fee_lines(list(version.fees), components, channel, copies)


def appointment(calendar: WorkCalendar, version: ProcedureVersion, received_at: dt.datetime) -> dt.datetime:
    return calendar.appointment(received_at, version.time_limit_kind, version.time_limit_value)


def next_code(agency_id: str, day: dt.date) -> str:
    """The next dossier code of the day: call inside the write transaction that saves the dossier."""
    row, _ = DailySequence.get_or_create(agency_id=agency_id, day=day)
    (DailySequence.update(last=DailySequence.last + 1)
     .where(DailySequence.id == row.id).execute())
    last = DailySequence.get_by_id(row.id).last
    return f"{agency_id}-{day:%y%m%d}-{last:04d}"


def next_register_number(agency_id: str, year: int) -> int:
    """The dossier's place in the year's register (Sổ theo dõi hồ sơ, book = the year), gap-free per
    agency: call inside the write transaction that saves the dossier, as for the code."""
    row, _ = YearlySequence.get_or_create(agency_id=agency_id, series="register", year=year)
    (YearlySequence.update(last=YearlySequence.last + 1)
     .where(YearlySequence.id == row.id).execute())
    return YearlySequence.get_by_id(row.id).last


def receive(data: IntakeData, calendar: WorkCalendar, agency_id: str, data_dir: str,
            actor: str, user=None, api_token=None) -> Dossier:
    """Save a validated dossier with its components, fees and scans, in one transaction."""
    received = [c for c in data.components if c.originals or c.copies or c.upload]
    digests = {id(c): c.upload.blob.sha256 if c.upload.blob else storage.write_blob(c.upload.data, data_dir)
               for c in received if c.upload}
    received_at = data.received_at.astimezone(VN_TZ)
    lines = fee_lines(data.version, received, data.channel, data.copies)
    status = 1 if data.channel == 2 else 2  # an online dossier waits for an officer to accept it
    appointment_at = appointment(calendar, data.version, received_at) if status == 2 else None
    with write_transaction():
        code = next_code(agency_id, received_at.date())
        register_number = next_register_number(agency_id, received_at.year)
        dossier = Dossier.create(
            code=code, version=data.version, channel=data.channel, status=status,
            received_at=received_at, appointment_at=appointment_at,
            applicant_type=data.applicant_type, applicant_name=data.applicant_name,
            id_number=data.id_number, phone=data.phone, address=data.address, email=data.email,
            search_key=fold(f"{code} {data.applicant_name} {data.id_number} {data.phone}"),
            pages=sum(c.pages for c in received), copies=data.copies,
            fee_total=fees.total(lines), missing_scan_reason=data.missing_scan_reason,
            id_kind=data.id_kind, representative_name=data.representative_name,
            representative_id_kind=data.representative_id_kind,
            representative_id_number=data.representative_id_number,
            request_subject=data.request_subject, delivery_method=data.delivery_method,
            delivery_address=data.delivery_address,
            register_book=received_at.year, register_number=register_number,
            received_by=user, api_token=api_token)
        dossiers.index_dossier(dossier)
        for position, comp in enumerate(received, start=1):
            stored = None
            if comp.upload:
                stored = storage.file_row(digests[id(comp)], comp.upload.size, comp.mime)
            DossierComponent.create(
                dossier=dossier, component=comp.component_id, position=position, name=comp.name,
                originals=comp.originals, copies=comp.copies, pages=comp.pages, file=stored,
                file_name=nfc(comp.upload.file_name)[:MAX_TEXT] if comp.upload else "",
                digitised=stored is not None)
        for line in lines:  # amount None: not known yet
            DossierFee.create(dossier=dossier, name=line.name, amount=line.amount)
        history.record_receipt(dossier, calendar, actor, user)
        audit.record(actor, "dossier.receive", "dossier", code, None, {
            "procedure": data.version.procedure.code, "version": data.version.version,
            "channel": data.channel, "status": dossier.status,
            "received_at": received_at.isoformat(), "appointment_at": appointment_at.isoformat() if appointment_at else None,
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
    for word in search_words(text):
        query = query.where(Dossier.search_key.contains(word))
    return query


def find(code: str) -> Dossier | None:
    """A dossier by its code typed in any letter case, with spaces around or inside it."""
    code = re.sub(r"\s+", "", nfc(code)).upper()
    if not code or len(code) > 40:
        return None
    return (Dossier.select(Dossier, ProcedureVersion, Procedure).join(ProcedureVersion).join(Procedure)
            .where(Dossier.code == code).first())


def most_components() -> int:
    """The longest checklist of any procedure version: how many scans one counter form can carry."""
    from peewee import fn

    counts = Component.select(fn.COUNT(Component.id).alias("n")).group_by(Component.version)
    return Component.select(fn.MAX(counts.c.n)).from_(counts).scalar() or 1


def most_scan_inputs() -> int:
    """The most scan inputs any counter form can show: the longest checklist, or the rows of
    originals of a copy certification."""
    return max(most_components(), MAX_ORIGINALS)


def procedure_for(code: str, on: dt.date) -> tuple[Procedure | None, ProcedureVersion | None]:
    procedure = catalog.find(code)
    return procedure, (catalog.version_in_force(procedure, on) if procedure else None)



ORIGINAL_ROWS = 3  # blank rows of originals shown at first, and added by "add rows"
MAX_ORIGINALS = 60


def original_rows(form) -> int:
    """How many rows of originals the copy-certification form shows (more after "add rows")."""
    rows = whole_number(form.get("rows"), ORIGINAL_ROWS) or ORIGINAL_ROWS
    if form.get("add_rows"):
        rows += ORIGINAL_ROWS
    return max(ORIGINAL_ROWS, min(rows, MAX_ORIGINALS))


def read_originals(form, uploads: dict, component_id: int | None,
                   errors: dict) -> list[tuple[int, ReceivedComponent]]:
    """The originals brought for copy certification as (row, component), one form row each (name,
    pages, copies, scan); blank rows are skipped. Problems go to ``errors`` under the row's fields."""
    originals = []
    for i in range(original_rows(form)):
        upload = uploads.get(f"orig_file_{i}")
        name = _text(form, f"orig_name_{i}", MAX_TEXT, errors, N_("The name is too long."))
        raw_pages = str(form.get(f"orig_pages_{i}") or "").strip()
        if not (name or raw_pages or upload or f"orig_name_{i}" in errors):
            continue
        pages, copies = whole_number(raw_pages), whole_number(form.get(f"orig_copies_{i}"), 1)
        if not name and f"orig_name_{i}" not in errors:
            errors[f"orig_name_{i}"] = N_("Enter the name of the paper to certify.")
        originals.append((i, ReceivedComponent(name, 1, copies or 0, component_id, upload, pages=pages or 0)))
    return originals


def check_originals(components: list[ReceivedComponent], errors: dict,
                    key=lambda i, what: f"components[{i}]") -> None:
    """Copy certification is priced per original: each needs 1 page or more and 1 copy or more.
    ``key(i, "pages" | "copies")`` names where the problem with the i-th original is reported."""
    if not components:
        errors["originals"] = N_("Enter at least one original to certify.")
    for i, comp in enumerate(components):
        if comp.pages < 1:
            errors.setdefault(key(i, "pages"), N_("Enter the number of pages of the original (1 or more)."))
        if comp.copies < 1:
            errors.setdefault(key(i, "copies"), N_("Enter the number of copies (1 or more)."))


def validate_counter(form, uploads: dict[str, Upload], version: ProcedureVersion, max_bytes: int,
                     received_at: dt.datetime) -> tuple[IntakeData | None, dict]:
    """The counter form (a dict-like) and its scans keyed by file input name -> (data, errors)."""
    errors: dict[str, str] = {}
    applicant = validate_applicant(form, errors)
    applicant.update(validate_request(form, errors))
    channel = whole_number(form.get("channel"), 1)
    if channel not in (1, 3):
        errors["channel"] = N_("Choose how the dossier was submitted.")
    version_fees = list(version.fees)
    copies = whole_number(form.get("copies"), 1) if fees.needs_copies(version_fees) else 0
    if copies is not None and fees.needs_copies(version_fees) and copies < 1:
        copies = None
    if copies is None:
        errors["copies"] = N_("Enter the number of copies (1 or more).")
    catalog_components = list(version.components.order_by(version.components.model.position))
    if fees.per_original(version_fees):
        first = catalog_components[0].id if catalog_components else None
        rows = read_originals(form, uploads, first, errors)
        components = [comp for _row, comp in rows]
        keys = [f"orig_file_{row}" for row, _comp in rows]
        check_originals(components, errors, key=lambda i, what: f"orig_{what}_{rows[i][0]}")
    else:
        components, keys = [], []
        for comp in catalog_components:
            originals = whole_number(form.get(f"orig_{comp.id}"))
            copies_count = whole_number(form.get(f"copy_{comp.id}"))
            if originals is None or copies_count is None:
                errors[f"count_{comp.id}"] = N_("Counts are whole numbers from 0.")
            components.append(ReceivedComponent(comp.name, originals or 0, copies_count or 0, comp.id,
                                                uploads.get(f"file_{comp.id}")))
            keys.append(f"file_{comp.id}")
    reason = _text(form, "missing_scan_reason", 1000, errors, N_("This text is too long."))
    file_errors: dict[str, str] = {}
    check_components(components, reason, max_bytes, file_errors)
    for key, message in file_errors.items():
        if key.startswith("component_"):
            key = keys[int(key.split("_")[1])]
        errors.setdefault(key, message)
    if errors:
        return None, errors
    return IntakeData(version=version, channel=channel, received_at=received_at, copies=copies or 0,
                      components=components, missing_scan_reason=reason, **applicant), {}
