"""Certifying at the counter: the copies of each original (paper and electronic in one action, the fee
charged once), signatures and contracts. Numbers are taken in the transaction that saves the entries."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models import Certification, Dossier, DossierComponent, Office, User, now
from services import audit, fees, signing, storage
from services.calendar import VN_TZ
from services.database import write_transaction
from services.text import N_, nfc

from . import documents, numbering

# Which register a procedure's dossiers go to (DOMAIN §2, §8). Wills are recorded as transactions.
PROCEDURE_KINDS = {"2.000815": "copy", "2.000884": "signature", "2.001035": "contract", "2.001019": "contract"}
KIND_SERIES = {"signature": numbering.SIGNATURE, "contract": numbering.CONTRACT}
CLOSED_STATUSES = (1, 3, 5, 7, 8)  # not accepted yet, refused, waiting for a supplement, withdrawn, stopped
MAX_TEXT = 200
MAX_PAPERS = 50


class CertificationError(ValueError):
    """A refusal the officer can act on: ``message`` is a msgid, ``field`` the form field it concerns."""

    def __init__(self, message: str, field: str = "", **params):
        super().__init__(message % params if params else message)
        self.message, self.field, self.params = message, field, params


@dataclass(frozen=True)
class Signer:
    """Who signs the endorsement: the Chair or a Vice-Chair of the commune People's Committee."""

    name: str
    title: str


@dataclass
class CopyRequest:
    """One original: the paper copies asked for at intake, and whether an electronic copy goes with them."""

    component: DossierComponent
    electronic: bool = False
    scan: bytes | None = None  # the scan of the original brought now, when intake has none
    scan_mime: str = ""


def kind_of(dossier: Dossier) -> str | None:
    return PROCEDURE_KINDS.get(dossier.version.procedure.code)


def entries_of(dossier: Dossier) -> list[Certification]:
    return list(Certification.select().where(Certification.dossier == dossier.id)
                .order_by(Certification.id))


def electronic_copies(dossier: Dossier) -> list[Certification]:
    """The signed electronic certified copies of a dossier: handed to the citizen as soon as they are
    issued (in the same visit as the paper copies), on the receipt's QR page."""
    return list(Certification.select().where((Certification.dossier == dossier.id)
                                             & Certification.file.is_null(False)).order_by(Certification.id))


def originals(dossier: Dossier) -> list[DossierComponent]:
    """The originals brought for copy certification, in the order they were received."""
    return [c for c in dossier.components.order_by(DossierComponent.position) if c.copies > 0]


def validate_signer(form, errors: dict) -> Signer:
    name, title = nfc(form.get("signer_name")), nfc(form.get("signer_title"))
    if not name:
        errors["signer_name"] = N_("Enter the name of the Chair or Vice-Chair who signs.")
    elif len(name) > MAX_TEXT:
        errors["signer_name"] = N_("The name is too long.")
    if not title:
        errors["signer_title"] = N_("Enter the title of the person who signs (Chủ tịch or Phó Chủ tịch).")
    elif len(title) > MAX_TEXT:
        errors["signer_title"] = N_("The title is too long.")
    return Signer(name, title)


def _check_open(dossier: Dossier, kind: str) -> None:
    if kind_of(dossier) != kind:
        raise CertificationError(N_("This dossier's procedure is not certified here."))
    if dossier.status in CLOSED_STATUSES:
        raise CertificationError(N_("This dossier cannot be certified in its current status."))
    if Certification.select().where(Certification.dossier == dossier.id).exists():
        raise CertificationError(N_("This dossier is already certified; its numbers are shown below."))


def _share(dossier: Dossier, component: DossierComponent) -> int | None:
    """This original's part of the dossier's copy fee (its pages × its copies, channel rules included):
    the electronic copy issued with the paper ones adds nothing (DOMAIN §6)."""
    lines = fees.fee_lines([f for f in dossier.version.fees if f.kind == "copy_pages"], [component],
                           dossier.channel)
    return None if fees.has_unknown(lines) else fees.total(lines)


def _local(at: dt.datetime | None) -> dt.datetime:
    return (at or now()).astimezone(VN_TZ)


def certify_copies(dossier: Dossier, requests: list[CopyRequest], signer: Signer, office: Office,
                   data_dir: str, actor: str, user: User | None = None,
                   credential: signing.Credential | None = None, at: dt.datetime | None = None
                   ) -> list[Certification]:
    """Certify every original of a copy-certification dossier in one transaction: one number per
    original shared by its paper copies; the electronic copy (the scan with the endorsement appended,
    signed with ``credential``) under its own type code when the settings give one, else under the same
    number. Nothing is saved, and no number is used, when anything fails."""
    at = _local(at)
    if not requests or any(r.component.dossier_id != dossier.id for r in requests):
        raise CertificationError(N_("This dossier has no original with copies to certify."))
    wants_electronic = any(r.electronic for r in requests)
    if wants_electronic and credential is None:
        raise CertificationError(N_("An electronic copy is signed: choose the certificate file and type its "
                                    "passphrase."), "certificate")
    scans = {r.component.id: _scan(r, data_dir) for r in requests if r.electronic}
    made: list[Certification] = []
    with write_transaction():
        dossier = Dossier.get_by_id(dossier.id)
        _check_open(dossier, "copy")
        settings = numbering.settings()
        e_series = numbering.electronic_series()
        for r in requests:
            comp = r.component
            paper = numbering.next_number(office.agency_id, numbering.COPY, at.year, settings.volume_size)
            shared = r.electronic and e_series == numbering.COPY
            entry = _entry(dossier, paper, "copy", comp.name, signer, at, user, office, fee=_share(dossier, comp),
                           pages=comp.pages, copies=comp.copies, electronic=shared)
            made.append(entry)
            if r.electronic:
                target = entry
                if not shared:
                    number = numbering.next_number(office.agency_id, e_series, at.year, settings.volume_size)
                    target = _entry(dossier, number, "copy", comp.name, signer, at, user, office, fee=0,
                                    pages=comp.pages, copies=0, electronic=True)
                    made.append(target)
                _sign_copy(target, scans[comp.id], credential, office, data_dir)
        audit.record(actor, "certification.issue", "dossier", dossier.code, None,
                     {"entries": [_summary(e) for e in made], "signer": signer.name})
    return made


def _entry(dossier: Dossier, number: numbering.Number, kind: str, document: str, signer: Signer,
           at: dt.datetime, user: User | None, office: Office, **fields) -> Certification:
    return Certification.create(agency_id=office.agency_id, series=number.series, year=number.year,
                                number=number.number, volume=number.volume, kind=kind, dossier=dossier,
                                document=nfc(document), requester=dossier.applicant_name,
                                signer_name=signer.name, signer_title=signer.title, certified_at=at,
                                recorded_by=user, **fields)


def _scan(request: CopyRequest, data_dir: str) -> bytes:
    """The original's scan as a readable PDF: brought now, or kept since intake."""
    comp = request.component
    if request.scan is not None:
        scan, mime = request.scan, request.scan_mime
    elif comp.file_id is not None:
        scan, mime = storage.read(comp.file, data_dir), comp.file.mime
    else:
        raise CertificationError(N_("%(name)s has no scan: scan the original to issue its electronic copy."),
                                 f"scan_{comp.position}", name=comp.name)
    try:
        return documents.scan_pdf(scan, mime, comp.name)
    except documents.DocumentError as exc:
        raise CertificationError(exc.message, f"scan_{comp.position}", **exc.params) from None


def _sign_copy(entry: Certification, scan: bytes, credential: signing.Credential, office: Office,
               data_dir: str) -> None:
    pdf, box = documents.electronic_copy(scan, entry, office)
    appearance = signing.Appearance(signer=credential.name, title=entry.signer_title,
                                    agency=office.parent_body, box=box)
    signed = signing.sign_pdf(pdf, credential, appearance, reason="Chứng thực bản sao điện tử từ bản chính",
                              location=office.place, at=entry.certified_at)
    digest = storage.write_blob(signed, data_dir)
    entry.file = storage.file_row(digest, len(signed), "application/pdf")
    entry.save()


def _summary(entry: Certification) -> dict:
    return {"series": entry.series, "year": entry.year, "number": entry.number, "volume": entry.volume,
            "document": entry.document, "copies": entry.copies, "electronic": entry.electronic,
            "fee": entry.fee, "file": entry.file.sha256 if entry.file_id else None}


def validate_papers(form, errors: dict) -> list[str]:
    """The papers (signature certification) or contracts named on the form, one a line."""
    names = [nfc(line) for line in str(form.get("documents") or "").splitlines() if nfc(line)]
    if not names:
        errors["documents"] = N_("Enter what is certified: one paper or contract a line.")
    elif len(names) > MAX_PAPERS or any(len(n) > MAX_TEXT for n in names):
        errors["documents"] = N_("At most 50 lines of at most 200 characters.")
    return names


def certify_papers(dossier: Dossier, documents_: list[str], signer: Signer, office: Office, actor: str,
                   user: User | None = None, at: dt.datetime | None = None) -> list[Certification]:
    """Signature or contract certification: one number per signed paper or contract. The dossier's fee
    (per case, per contract) is written on the first entry, so the register adds up to what was paid."""
    at = _local(at)
    kind = kind_of(dossier) or ""
    made: list[Certification] = []
    with write_transaction():
        dossier = Dossier.get_by_id(dossier.id)
        if kind not in KIND_SERIES:
            raise CertificationError(N_("This dossier's procedure is not certified here."))
        _check_open(dossier, kind)
        size = numbering.settings().volume_size
        for i, name in enumerate(documents_):
            number = numbering.next_number(office.agency_id, KIND_SERIES[kind], at.year, size)
            made.append(_entry(dossier, number, kind, name, signer, at, user, office,
                               fee=dossier.fee_total if i == 0 else 0))
        audit.record(actor, "certification.issue", "dossier", dossier.code, None,
                     {"entries": [_summary(e) for e in made], "signer": signer.name})
    return made
