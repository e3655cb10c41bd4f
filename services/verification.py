"""Validating signed PDFs with pyHanko: intact or not, who signed and when, whether the signer chains
to an installed trust root, whether the signature covers the whole file, and whether anything but
further signatures was added after it. Also the trust roots the admin installs."""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from models import TrustRoot
from services import audit
from services.calendar import VN_TZ
from services.database import write_transaction
from services.text import N_, nfc

PDF_MAGIC = b"%PDF-"

# pyHanko logs a full traceback each time a signer does not chain to a trust root; for us that is
# an ordinary answer ("not trusted"), reported on the page, not a fault worth a log entry.
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.ERROR)
logger = logging.getLogger(__name__)


class NotAPdf(ValueError):
    message = N_("The file is not a PDF document.")


class TrustRootError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str
    signed_at: dt.datetime | None
    intact: bool
    trusted: bool
    covers_whole_document: bool
    modified_after_signing: bool
    certificate_sha256: str = ""  # of the signer's certificate (DER)
    revision: int = 0  # the file revision the signature was added in (0: the first)

    @property
    def ok(self) -> bool:
        return self.intact and not self.modified_after_signing

    def as_json(self) -> dict:
        out = asdict(self)
        for internal in ("field", "certificate_sha256", "revision"):
            del out[internal]
        out["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        return out


@dataclass(frozen=True)
class Report:
    signatures: list[SignatureReport]

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    def as_json(self) -> dict:
        return {"signed": self.signed, "signatures": [s.as_json() for s in self.signatures]}


def open_pdf(data: bytes):
    """pyHanko's reader over ``data``; NotAPdf when it is not a readable PDF."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    if PDF_MAGIC not in data[:1024]:
        raise NotAPdf()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        reader.root["/Pages"]  # noqa: B018 - a PDF without a page tree is not a document
    except Exception:  # noqa: BLE001 - pyHanko raises many kinds on malformed input
        raise NotAPdf() from None
    return reader


def _modified(status, signature_fields: set[str]) -> bool:
    """True unless the revisions after this signature only add signatures (or validation data)."""
    from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return True
    diff = status.diff_result
    if not isinstance(diff, DiffResult) or diff.modification_level > ModificationLevel.FORM_FILLING:
        return True
    return not set(diff.changed_form_fields) <= signature_fields


def _signer(status) -> str:
    from services.signing import common_name

    return common_name(x509.load_der_x509_certificate(status.signing_cert.dump()))


def _signed_at(status) -> dt.datetime | None:
    when = status.signer_reported_dt
    if status.timestamp_validity is not None:
        when = status.timestamp_validity.timestamp
    return when.astimezone(VN_TZ) if when else None


def _run(coro):
    """Run pyHanko's async validation to completion, also when this thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _validate_all(embedded, anchors) -> list:
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    usage = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)
    statuses = []
    for sig in embedded:
        context = ValidationContext(trust_roots=anchors, allow_fetching=False, revocation_mode="soft-fail")
        try:
            statuses.append(await async_validate_pdf_signature(sig, context, key_usage_settings=usage))
        except Exception:  # noqa: BLE001 - a signature that cannot even be parsed is not intact
            logger.warning("signature %s could not be validated", sig.field_name, exc_info=True)
            statuses.append(None)
    return statuses


def verify_pdf(data: bytes, roots: list[x509.Certificate] | None = None) -> Report:
    """Validate every signature of the PDF against ``roots`` (no network: nothing is fetched)."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    reader = open_pdf(data)
    anchors = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in roots or []]
    try:
        embedded = list(reader.embedded_regular_signatures)
    except Exception:  # noqa: BLE001 - a broken form tree: nothing can be validated
        raise NotAPdf() from None
    fields = {sig.field_name for sig in embedded}
    reports = []
    for sig, status in zip(embedded, _run(_validate_all(embedded, anchors)), strict=True):
        revision = sig.signed_revision
        if status is None:
            reports.append(SignatureReport(sig.field_name, "", None, False, False, False, True, "", revision))
            continue
        reports.append(SignatureReport(
            field=sig.field_name, signer=_signer(status), signed_at=_signed_at(status),
            intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
            covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            modified_after_signing=_modified(status, fields),
            certificate_sha256=hashlib.sha256(status.signing_cert.dump()).hexdigest(), revision=revision))
    return Report(reports)


def verify_stored(sha256: str, data_dir: str) -> Report | None:
    """Validate a PDF the office stored (a signed result), found by its SHA-256; None if unknown."""
    from models import StoredFile
    from services import storage

    row = StoredFile.get_or_none((StoredFile.sha256 == sha256.lower()) & (StoredFile.mime == "application/pdf"))
    if row is None:
        return None
    try:
        return verify_pdf(storage.read(row, data_dir), installed_roots())
    except (OSError, NotAPdf):
        return None


def check_signed(data: bytes) -> None:
    """What the app checks before it writes a PDF it signed: every signature intact, nothing but
    signatures added after any of them, and the newest one covering the whole file. Integrity only
    (no certificate path building): trust is the reader's question, answered by ``verify_pdf``."""
    from types import SimpleNamespace

    from pyhanko.sign.validation.generic_cms import validate_sig_integrity
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    from services.signing import SigningError

    try:
        embedded = list(open_pdf(data).embedded_regular_signatures)
        fields = {sig.field_name for sig in embedded}
        ok = bool(embedded)
        for sig in embedded:
            sig.compute_integrity_info()
            info = SimpleNamespace(**sig.summarise_integrity_info())
            intact, valid = validate_sig_integrity(sig.signer_info, sig.signer_cert, "data", sig.compute_digest())
            ok = ok and intact and valid and not _modified(info, fields)
        ok = ok and info.coverage == SignatureCoverageLevel.ENTIRE_FILE
    except Exception:  # noqa: BLE001 - whatever pyHanko cannot read did not pass
        logger.warning("signed file failed the integrity check", exc_info=True)
        ok = False
    if not ok:
        raise SigningError(N_("The signed file failed validation, so it was not saved."))


# --- Trust roots ------------------------------------------------------------------------------

def load_certificate(data: bytes) -> x509.Certificate:
    """A certificate from PEM or DER bytes."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise TrustRootError(N_("The file is not a certificate (PEM or DER).")) from None


def installed_roots() -> list[x509.Certificate]:
    return [x509.load_pem_x509_certificate(r.pem.encode("ascii"))
            for r in TrustRoot.select(TrustRoot.pem).order_by(TrustRoot.id)]


def add_trust_root(data: bytes, actor: str) -> tuple[TrustRoot, bool]:
    """Install a trust root (idempotent by fingerprint). Returns (row, added)."""
    cert = load_certificate(data)
    basic = None
    try:
        basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        pass
    if basic is not None and not basic.ca:
        raise TrustRootError(N_("This certificate belongs to a signer, not to a certification authority."))
    der = cert.public_bytes(serialization.Encoding.DER)
    fingerprint = hashlib.sha256(der).hexdigest()
    from services.signing import common_name

    with write_transaction():
        row = TrustRoot.get_or_none(TrustRoot.fingerprint == fingerprint)
        if row is not None:
            return row, False
        row = TrustRoot.create(
            fingerprint=fingerprint, subject=nfc(common_name(cert))[:255],
            pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            not_after=cert.not_valid_after_utc.astimezone(VN_TZ), added_by=actor)
        audit.record(actor, "trust_root.add", "trust_root", row.id, None,
                     {"subject": row.subject, "fingerprint": fingerprint})
    return row, True
