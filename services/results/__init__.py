"""A dossier's electronic result: drafted from the procedure's result layout (text the specialist edits)
or uploaded as the scan of the paper result, carrying a QR code to its verification page; signed by the
leader (certificate file, or a token on their own PC) and then by the organisation's certificate held on
the server; validated before it is stored. Also the settle gate: a dossier whose procedure issues a
result is settled only with a signed result, or with the leader's exemption."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from models import Dossier, Office, ResultDocument, ResultExemption, StoredFile, User, now
from services import accounts, audit, keystore, offline_signing, signing, storage
from services.database import write_transaction
from services.documents import vn_date
from services.receipts import applicant_lines
from services.results.pdf import Content, Spot, render, stamp_qr
from services.signing import SigningError
from services.text import N_, form_text, nfc
from services.verification import NotAPdf, installed_roots, open_pdf

MAX_BODY = 6000
MAX_LINE = 200
MAX_REASON = 2000
OPEN_STATUSES = (2, 4, 6)  # a result is drafted and signed while the dossier is being processed


class ResultError(ValueError):
    """A refused request; ``message`` is a msgid, ``field`` the form field it belongs to."""

    def __init__(self, message: str, field: str = "form", **params):
        super().__init__(message % params if params else message)
        self.message, self.field, self.params = message, field, params


# --- Queries -----------------------------------------------------------------------------------

def documents_of(dossier: Dossier) -> list[ResultDocument]:
    """The dossier's result documents, newest first (a replacement is a new row; nothing is deleted)."""
    return list(ResultDocument.select().where(ResultDocument.dossier == dossier).order_by(ResultDocument.id.desc()))


def signed_result(dossier: Dossier) -> ResultDocument | None:
    """The newest signed electronic result of the dossier."""
    return (ResultDocument.select().where((ResultDocument.dossier == dossier) & ResultDocument.signed.is_null(False))
            .order_by(ResultDocument.id.desc()).first())


def exemption_of(dossier: Dossier) -> ResultExemption | None:
    return ResultExemption.get_or_none(ResultExemption.dossier == dossier)


def needs_result(dossier: Dossier) -> bool:
    return bool(dossier.version.issues_result)


def may_settle(dossier: Dossier) -> bool:
    """The settle gate (status 9): a procedure that issues a result needs a signed electronic result
    or the leader's recorded exemption."""
    return (not needs_result(dossier) or signed_result(dossier) is not None
            or exemption_of(dossier) is not None)


def by_key(key: str) -> ResultDocument | None:
    """The document whose QR code carries ``key``."""
    return ResultDocument.get_or_none(ResultDocument.verify_key == (key or "").strip().lower())


def read(stored: StoredFile, data_dir: str) -> bytes:
    return storage.read(stored, data_dir)


# --- Drafting ------------------------------------------------------------------------------------

def leaders() -> list[User]:
    return list(User.select().where(User.active & (User.role.in_(accounts.PERMISSIONS["document.sign"])))
                .order_by(User.full_name))


def default_content(dossier: Dossier, office: Office) -> Content:
    """The generic result, filled from the dossier: the specialist completes the decision's wording."""
    procedure = dossier.version.procedure
    who = "; ".join(f"{label}: {value}" for label, value in applicant_lines(dossier) if nfc(value))
    body = [f"Căn cứ hồ sơ mã số {dossier.code} do {nfc(office.name)} tiếp nhận {vn_date(dossier.received_at)};",
            f"Xét đề nghị của {who}; địa chỉ: {nfc(dossier.address)};",
            f"{nfc(office.parent_body)} giải quyết thủ tục {nfc(procedure.name)} (mã thủ tục {procedure.code}) "
            "như sau:"]
    if nfc(dossier.request_subject):
        body.append(f"Yêu cầu giải quyết cho: {nfc(dossier.request_subject)}.")
    body.append("Nội dung giải quyết: ...")
    signer = next(iter(leaders()), None)
    return Content(number="", title=nfc(dossier.version.result_name) or "Kết quả giải quyết thủ tục hành chính",
                   body="\n".join(body), signer_title="Chủ tịch",
                   signer_name=(signer.full_name or signer.username) if signer else "")


def validate(form) -> tuple[Content, dict[str, str]]:
    """The draft form -> (content, errors keyed by field, as msgids)."""
    errors: dict[str, str] = {}
    number = form_text(form, "number", errors, limit=MAX_LINE)
    title = form_text(form, "title", errors, True, MAX_LINE)
    body = "\n".join(nfc(line) for line in form_text(form, "body", errors, True, MAX_BODY).splitlines())
    content = Content(number=number, title=title, body=body,
                      signer_title=form_text(form, "signer_title", errors, True, MAX_LINE),
                      signer_name=form_text(form, "signer_name", errors, True, MAX_LINE))
    if "..." in body or "…" in body:
        errors["body"] = N_("Please complete the text: it still has dots to fill in.")
    return content, errors


def _check_open(dossier: Dossier) -> None:
    if dossier.status not in OPEN_STATUSES:
        raise ResultError(N_("A result can be prepared and signed only while the dossier is being processed."))


def _new_key() -> str:
    return secrets.token_hex(16)


def _create(dossier: Dossier, kind: str, pdf: bytes, content: Content | None, key: str, user: User,
            data_dir: str, layout: dict[str, Spot] | None = None) -> ResultDocument:
    digest = storage.write_blob(pdf, data_dir)
    with write_transaction():
        fields = {} if content is None else {
            "number": content.number, "title": content.title, "body": content.body,
            "signer_title": content.signer_title, "signer_name": content.signer_name}
        layout = {name: [spot.page, *spot.box] for name, spot in (layout or {}).items()} or None
        document = ResultDocument.create(dossier=dossier, kind=kind, verify_key=key, created_by=user, layout=layout,
                                         draft=storage.file_row(digest, len(pdf), "application/pdf"), **fields)
        audit.record(user.username, "result.draft", "dossier", dossier.code, None,
                     {"document": document.id, "kind": kind, "sha256": digest})
    return document


def create_generated(dossier: Dossier, office: Office, content: Content, user: User, data_dir: str,
                     verify_url) -> ResultDocument:
    """Render the result from ``content``; ``verify_url(key)`` gives the address its QR code carries."""
    _check_open(dossier)
    key = _new_key()
    pdf, layout = render(dossier, office, content, verify_url(key), now())
    return _create(dossier, "generated", pdf, content, key, user, data_dir, layout)


def create_upload(dossier: Dossier, data: bytes, user: User, data_dir: str, verify_url,
                  max_bytes: int) -> ResultDocument:
    """The scan of the paper result (PDF), with the QR code stamped on its last page."""
    _check_open(dossier)
    if not data:
        raise ResultError(N_("Please choose the scan of the paper result (PDF)."), "file")
    if len(data) > max_bytes:
        raise ResultError(N_("The file is larger than the limit of %(mb)s MB."), "file", mb=max_bytes // 2**20)
    try:
        open_pdf(data)
        key = _new_key()
        pdf = stamp_qr(data, verify_url(key))
    except NotAPdf:
        raise ResultError(N_("The file is not a PDF document."), "file") from None
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a damaged file
        raise ResultError(N_("The PDF file is damaged and cannot be signed."), "file") from None
    return _create(dossier, "upload", pdf, None, key, user, data_dir)


# --- Signing --------------------------------------------------------------------------------------

def spots(document: ResultDocument) -> dict[str, Spot]:
    """Where the two appearances go, as the generated layout recorded it; none on a scan (the default
    places at the bottom right of its last page)."""
    return {name: Spot(int(v[0]), tuple(float(x) for x in v[1:])) for name, v in (document.layout or {}).items()}


def _appearance(credential: signing.Credential, title: str, agency: str, spot: Spot | None,
                seal: bytes | None = None) -> signing.Appearance:
    if spot is None:
        return signing.Appearance(signer=credential.name, title=title, agency=agency, seal_png=seal)
    return signing.Appearance(signer=credential.name, title=title, agency=agency, seal_png=seal, page=spot.page,
                              box=spot.box)


@dataclass(frozen=True)
class Signed:
    document: ResultDocument
    sha256: str


def _organisation_and_store(document: ResultDocument, personal: bytes, user: User, office: Office,
                            data_dir: str, how: str) -> Signed:
    """Add the organisation's signature on top of the personal one, validate both, keep the result."""
    org = keystore.require(data_dir)
    spot = spots(document).get("organisation")
    seal = keystore.seal_png(data_dir)
    signed = signing.sign_pdf(personal, org, _appearance(org, "", office.parent_body, spot, seal),
                              reason="Chữ ký số của cơ quan, tổ chức", location=office.place)
    digest = storage.write_blob(signed, data_dir)
    with write_transaction():
        document = ResultDocument.get_by_id(document.id)
        if document.signed_id is not None:
            raise ResultError(N_("This result is already signed."))
        document.signed = storage.file_row(digest, len(signed), "application/pdf")
        document.signed_by, document.signed_at = user, now()
        document.save()
        audit.record(user.username, "result.sign", "dossier", document.dossier.code, None,
                     {"document": document.id, "sha256": digest, "how": how, "organisation": org.name})
    return Signed(document, digest)


def _ready(document: ResultDocument, data_dir: str) -> None:
    _check_open(document.dossier)
    if document.signed_id is not None:
        raise ResultError(N_("This result is already signed."))
    keystore.require(data_dir)


def sign_with_file(document: ResultDocument, p12: bytes, passphrase: str, title: str, user: User,
                   office: Office, data_dir: str) -> Signed:
    """The leader's signature with their certificate file (the passphrase is used here only), then the
    organisation's. SigningError or ResultError say what is wrong; nothing is stored then."""
    _ready(document, data_dir)
    credential = signing.load_pkcs12(p12, passphrase)
    return sign_with_credential(document, credential, title, user, office, data_dir, "certificate_file")


def sign_with_credential(document: ResultDocument, credential: signing.Credential, title: str, user: User,
                         office: Office, data_dir: str, how: str) -> Signed:
    """The leader's signature with ``credential`` (a certificate file's key, or a key at a remote-signing
    provider), then the organisation's; nothing is stored unless both are made and valid."""
    _ready(document, data_dir)
    spot = spots(document).get("person")
    personal = signing.sign_pdf(read(document.draft, data_dir), credential,
                                _appearance(credential, nfc(title)[:120], office.parent_body, spot),
                                reason="Ký duyệt kết quả giải quyết thủ tục hành chính", location=office.place)
    return _organisation_and_store(document, personal, user, office, data_dir, how)


def prepare_for_token(document: ResultDocument, user: User, office: Office, data_dir: str) -> bytes:
    """The draft with an empty signature field where the leader's signature goes, kept for the upload."""
    _ready(document, data_dir)
    spot = spots(document).get("person")
    prepared = offline_signing.prepare(read(document.draft, data_dir),
                                       box=spot.box if spot else None, page=spot.page if spot else -1)
    digest = storage.write_blob(prepared, data_dir)
    with write_transaction():
        document.prepared = storage.file_row(digest, len(prepared), "application/pdf")
        document.save()
        audit.record(user.username, "result.prepare", "dossier", document.dossier.code, None,
                     {"document": document.id, "sha256": digest})
    return prepared


def accept_token_upload(document: ResultDocument, uploaded: bytes, user: User, office: Office,
                        data_dir: str) -> Signed:
    """The prepared draft signed on the leader's own PC: accepted only as exactly the prepared file plus
    signatures by a certificate registered for this leader; then the organisation signs on top."""
    _ready(document, data_dir)
    if document.prepared_id is None:
        raise ResultError(N_("Please download the prepared document first."))
    registered = offline_signing.registered_for(user)
    if not registered:
        raise SigningError(N_("No signing certificate is registered for your account yet."))
    offline_signing.accept(read(document.prepared, data_dir), uploaded, registered, installed_roots())
    return _organisation_and_store(document, uploaded, user, office, data_dir, "token")


# --- The settle gate ----------------------------------------------------------------------------

def exempt(dossier: Dossier, reason: str, user: User) -> ResultExemption:
    """The leader records that this dossier is settled without a signed electronic result, and why."""
    if not accounts.can(user, "result.exempt"):
        raise ResultError(N_("Your role may not do this."))
    errors: dict[str, str] = {}
    reason = form_text({"reason": reason}, "reason", errors, True, MAX_REASON)
    if errors:
        raise ResultError(N_("Please write the reason.") if not reason else errors["reason"], "reason")
    with write_transaction():
        if exemption_of(dossier) is not None:
            raise ResultError(N_("An exemption is already recorded for this dossier."))
        _check_open(dossier)
        row = ResultExemption.create(dossier=dossier, reason=reason, user=user, at=now())
        audit.record(user.username, "result.exempt", "dossier", dossier.code, None, {"reason": reason})
    return row
