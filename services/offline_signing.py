"""Signing with a USB token on the official's own PC: the server prepares the PDF, the official signs
it with the vendor's tool (any PAdES signer) and uploads it; the upload is accepted only when it is
exactly the prepared document plus signatures, made with a certificate registered for that official."""
from __future__ import annotations

import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from models import SignerCertificate, User
from services import audit, practice
from services.calendar import VN_TZ
from services.database import write_transaction
from services.signing import SigningError, common_name
from services.text import N_
from services.verification import NotAPdf, Report, TrustRootError, load_certificate, open_pdf, verify_pdf

FIELD = "ChuKy"


def prepare(pdf: bytes, field_name: str = FIELD, box: tuple | None = None, page: int = -1) -> bytes:
    """The bytes the official downloads: the PDF with an empty signature field (at ``box`` on ``page``,
    by default at the bottom right of the last page) for the vendor's tool to fill. The signed upload
    must begin with exactly these bytes."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    from services.signing import Appearance, _layout

    pdf = practice.mark(pdf)  # the banner is part of what the official signs
    page, box = _layout(pdf, Appearance(signer="", page=page, box=box))
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        append_signature_field(writer, SigFieldSpec(sig_field_name=field_name, on_page=page,
                                                    box=tuple(int(v) for v in box)))
        # SignaturesExist | AppendOnly, as the signer's tool will set it: so that setting it is no change
        form = writer.root.raw_get("/AcroForm")
        if isinstance(form, generic.IndirectObject):
            writer.mark_update(form)
        else:
            writer.update_root()
        form.get_object()["/SigFlags"] = generic.NumberObject(3)
        out = io.BytesIO()
        writer.write(out)
    except Exception:  # noqa: BLE001 - pyHanko refuses PDFs it cannot update incrementally
        raise SigningError(N_("The PDF file is damaged and cannot be signed.")) from None
    return out.getvalue()


def _only_signatures_added(uploaded: bytes, prepared: bytes) -> bool:
    """pyHanko's difference analysis from the prepared revision to the upload: signatures only."""
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult, ModificationLevel

    base = open_pdf(prepared).xrefs.total_revisions - 1
    reader = open_pdf(uploaded)
    try:
        result = DEFAULT_DIFF_POLICY.review_file(reader, base)
    except Exception:  # noqa: BLE001 - a revision pyHanko cannot even compare is not "signatures only"
        return False
    if not isinstance(result, DiffResult) or result.modification_level > ModificationLevel.FORM_FILLING:
        return False
    signature_fields = {sig.field_name for sig in reader.embedded_regular_signatures}
    return set(result.changed_form_fields) <= signature_fields


def accept(prepared: bytes, uploaded: bytes, registered: list[x509.Certificate],
           roots: list[x509.Certificate] | None = None) -> Report:
    """Check an upload against the prepared document; SigningError says what is wrong."""
    if not uploaded.startswith(prepared) or len(uploaded) == len(prepared):
        raise SigningError(N_("The uploaded file is not the prepared document with signatures added."))
    try:
        report = verify_pdf(uploaded, roots)
        only_signatures = _only_signatures_added(uploaded, prepared)
    except NotAPdf:
        raise SigningError(N_("The file is not a PDF document.")) from None
    base = open_pdf(prepared).xrefs.total_revisions
    new = [s for s in report.signatures if s.revision >= base]
    if not new:
        raise SigningError(N_("The uploaded file carries no new signature."))
    if not only_signatures or not all(s.ok for s in report.signatures):
        raise SigningError(N_("The uploaded file was changed beyond adding signatures, or a signature is not valid."))
    allowed = {hashlib.sha256(c.public_bytes(serialization.Encoding.DER)).hexdigest() for c in registered}
    if any(s.certificate_sha256 not in allowed for s in new):
        raise SigningError(N_("The document was signed with a certificate not registered for this official."))
    return report


def register_certificate(user: User, data: bytes, actor: str) -> tuple[SignerCertificate, bool]:
    """Register the official's signing certificate (PEM or DER); idempotent. Returns (row, added)."""
    cert = load_certificate(data)
    der = cert.public_bytes(serialization.Encoding.DER)
    fingerprint = hashlib.sha256(der).hexdigest()
    with write_transaction():
        row = SignerCertificate.get_or_none(SignerCertificate.fingerprint == fingerprint)
        if row is not None:
            if row.user_id != user.id:
                raise TrustRootError(N_("This certificate is already registered for another official."))
            return row, False
        row = SignerCertificate.create(
            user=user, fingerprint=fingerprint, subject=common_name(cert)[:255],
            pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            not_after=cert.not_valid_after_utc.astimezone(VN_TZ), added_by=actor)
        audit.record(actor, "signer_certificate.add", "signer_certificate", row.id, None,
                     {"user": user.username, "subject": row.subject, "fingerprint": fingerprint})
    return row, True


def registered_for(user: User) -> list[x509.Certificate]:
    return [x509.load_pem_x509_certificate(r.pem.encode("ascii"))
            for r in SignerCertificate.select(SignerCertificate.pem).where(SignerCertificate.user == user)]


def _store(data: bytes, data_dir: str, actor: str, action: str, details: dict) -> str:
    from services import storage

    digest = storage.write_blob(data, data_dir)
    with write_transaction():
        storage.file_row(digest, len(data), "application/pdf")
        audit.record(actor, action, "document", digest, None, details)
    return digest


def store_prepared(pdf: bytes, data_dir: str, actor: str) -> str:
    """Prepare the PDF and keep it; returns its SHA-256, which names it in the download and upload URLs."""
    return _store(prepare(pdf), data_dir, actor, "document.prepare", {"size": len(pdf)})


def load_stored(sha256: str, data_dir: str) -> bytes | None:
    from models import StoredFile
    from services import storage

    row = StoredFile.get_or_none((StoredFile.sha256 == sha256.lower()) & (StoredFile.mime == "application/pdf"))
    try:
        return storage.read(row, data_dir) if row else None
    except OSError:
        return None


def accept_stored(prepared_sha256: str, uploaded: bytes, user: User, data_dir: str) -> tuple[Report, str]:
    """Accept the official's signed upload of a prepared document; keep it; (report, its SHA-256)."""
    from services.verification import installed_roots

    prepared = load_stored(prepared_sha256, data_dir)
    if prepared is None:
        raise SigningError(N_("The prepared document was not found."))
    registered = registered_for(user)
    if not registered:
        raise SigningError(N_("No signing certificate is registered for your account yet."))
    report = accept(prepared, uploaded, registered, installed_roots())
    digest = _store(uploaded, data_dir, user.username, "document.sign_upload",
                    {"prepared": prepared_sha256, "signers": [s.signer for s in report.signatures]})
    return report, digest
