"""Signing PDFs with endesive: keys from a PKCS#12 file or a PKCS#11 token, a visible appearance
drawn with the shipped Vietnamese font, and validation (pyHanko) before anything leaves this module.

Always SHA-256; ``aligned`` reserves room for the signature so the key signs once per signature.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from models import now
from services import audit, practice
from services.calendar import VN_TZ
from services.database import write_transaction
from services.documents import FONT_DIR
from services.text import N_, nfc

ALGORITHM = "sha256"
SIGNATURE_BYTES = 16384  # room for the CMS (certificate chain included); endesive writes it as hex
BOX_SIZE = (230.0, 78.0)  # points: the visible appearance
MARGIN = (42.5, 56.7)  # right 15 mm, bottom 20 mm (Decree 30)
INK = (0.05, 0.15, 0.55)  # dark blue text
TEXT_SIZE = 8.5
SEAL_INK = (0.8, 0.0, 0.0)


class SigningError(Exception):
    """A problem the person signing can act on; ``message`` is an English msgid with a Vietnamese
    translation in the catalog, ``params`` fill its placeholders."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


# --- Credentials ----------------------------------------------------------------------------

@dataclass
class Credential:
    """A signing certificate with its key, in memory (PKCS#12) or on a token (PKCS#11)."""

    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)
    key: object | None = None
    hsm: object | None = None  # endesive's HSM hook: certificate() and sign(keyid, data, mech)

    @property
    def name(self) -> str:
        return common_name(self.certificate)

    def close(self) -> None:
        if self.hsm is not None:
            self.hsm.close()


def common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return nfc(str(names[0].value)) if names else certificate.subject.rfc4514_string()


def organisation(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return nfc(str(names[0].value)) if names else ""


# Messages about the certificate file (as opposed to the PDF): the page shows them next to that field.
KEY_ERRORS = {
    N_("The certificate file is not a PKCS#12 (.p12 or .pfx) file."),
    N_("Wrong passphrase for the certificate file."),
    N_("The certificate file holds no signing key and certificate."),
}


def load_pkcs12(data: bytes, passphrase: str) -> Credential:
    """Open a .p12/.pfx file. The passphrase is used here and kept nowhere."""
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        asn1_pkcs12.Pfx.load(data).native  # noqa: B018 - parse fully: is it PKCS#12 at all?
    except (ValueError, TypeError, KeyError):
        raise SigningError(N_("The certificate file is not a PKCS#12 (.p12 or .pfx) file.")) from None
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8"))
    except ValueError:
        raise SigningError(N_("Wrong passphrase for the certificate file.")) from None
    if key is None or certificate is None:
        raise SigningError(N_("The certificate file holds no signing key and certificate."))
    return Credential(certificate=certificate, chain=list(extra or []), key=key)


class _Token:
    """One logged-in session on a PKCS#11 token; the key is chosen by CKA_ID, never by label."""

    def __init__(self, lib, session, key_handle, key_id: bytes, certificate_der: bytes, mechanism):
        self.lib = lib  # keeps the driver loaded while the session lives
        self.session, self.key_handle, self.key_id = session, key_handle, key_id
        self.certificate_der, self.mechanism = certificate_der, mechanism

    def certificate(self):
        return self.key_id, self.certificate_der

    def sign(self, keyid, data, mech):
        return bytes(self.session.sign(self.key_handle, data, self.mechanism))

    def close(self) -> None:
        try:
            self.session.logout()
            self.session.closeSession()
        except Exception:  # noqa: BLE001 - the token may already be gone; nothing to release then
            pass


PIN_ERRORS = {"CKR_PIN_INCORRECT", "CKR_PIN_LEN_RANGE", "CKR_PIN_INVALID"}
LOCKED_ERRORS = {"CKR_PIN_LOCKED", "CKR_PIN_EXPIRED"}
ABSENT_ERRORS = {"CKR_TOKEN_NOT_PRESENT", "CKR_DEVICE_REMOVED", "CKR_TOKEN_NOT_RECOGNIZED",
                 "CKR_SLOT_ID_INVALID", "CKR_DEVICE_ERROR"}


def _pkcs11_error(exc) -> SigningError:
    import PyKCS11

    name = PyKCS11.CKR.get(getattr(exc, "value", None), "")
    if name in PIN_ERRORS:
        return SigningError(N_("Wrong PIN for the signing token."))
    if name in LOCKED_ERRORS:
        return SigningError(N_("The signing token's PIN is locked; unlock it with the vendor's tool."))
    if name in ABSENT_ERRORS:
        return SigningError(N_("The signing token is not plugged in or was removed."))
    return SigningError(N_("The signing token refused the request (%(code)s)."), code=name or str(exc))


def open_token(library: str, pin: str, key_id: str, token_serial: str = "") -> Credential:
    """Log in to the token (the only one plugged in, or the one with ``token_serial``) and pick the
    private key and certificate whose CKA_ID is ``key_id`` (hex). Close the credential when done."""
    import PyKCS11

    try:
        wanted = bytes.fromhex(key_id.replace(":", "").strip())
    except ValueError:
        raise SigningError(N_("The key id must be hexadecimal, for example 3f01.")) from None
    lib = PyKCS11.PyKCS11Lib()
    try:
        lib.load(library)
    except PyKCS11.PyKCS11Error:
        raise SigningError(N_("The token driver %(library)s could not be loaded."), library=library) from None
    try:
        slots = [s for s in lib.getSlotList(tokenPresent=True)
                 if lib.getTokenInfo(s).flags & PyKCS11.CKF_TOKEN_INITIALIZED]
        if token_serial:
            slots = [s for s in slots if lib.getTokenInfo(s).serialNumber.strip() == token_serial.strip()]
        if not slots:
            raise SigningError(N_("The signing token is not plugged in or was removed."))
        if len(slots) > 1:
            raise SigningError(N_("Several signing tokens are plugged in: keep only one, or name its serial."))
        session = lib.openSession(slots[0], PyKCS11.CKF_SERIAL_SESSION)
        try:
            session.login(pin)
        except PyKCS11.PyKCS11Error as exc:
            session.closeSession()
            raise _pkcs11_error(exc) from None
        keys = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY), (PyKCS11.CKA_ID, wanted)])
        certs = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_CERTIFICATE), (PyKCS11.CKA_ID, wanted)])
        if len(keys) != 1 or len(certs) != 1:
            session.logout()
            session.closeSession()
            raise SigningError(N_("The token has no key and certificate with id %(key_id)s."), key_id=key_id)
        der = bytes(session.getAttributeValue(certs[0], [PyKCS11.CKA_VALUE])[0])
    except PyKCS11.PyKCS11Error as exc:
        raise _pkcs11_error(exc) from None
    certificate = x509.load_der_x509_certificate(der)
    mechanism = PyKCS11.Mechanism(PyKCS11.CKM_SHA256_RSA_PKCS, None)
    return Credential(certificate=certificate, hsm=_Token(lib, session, keys[0], wanted, der, mechanism))


# --- Appearance ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Appearance:
    """What the visible signature says: signer, title, agency, signing time (+07:00), a seal image."""

    signer: str
    title: str = ""
    agency: str = ""
    seal_png: bytes | None = None
    page: int = -1  # -1: the last page
    box: tuple[float, float, float, float] | None = None  # x1, y1, x2, y2; None: bottom right


def _lines(appearance: Appearance, at: dt.datetime) -> list[tuple[str, str]]:
    lines = [("B", f"Ký bởi: {nfc(appearance.signer)}")]
    if nfc(appearance.title):
        lines.append(("R", f"Chức vụ: {nfc(appearance.title)}"))
    if nfc(appearance.agency):
        lines.append(("R", f"Cơ quan: {nfc(appearance.agency)}"))
    lines.append(("R", f"Thời gian ký: {at.astimezone(VN_TZ).isoformat(timespec='seconds')}"))
    return lines


def _directives(appearance: Appearance, at: dt.datetime, width: float, height: float) -> list[list]:
    """endesive's manual appearance: an optional seal on the left, a thin frame, the text block."""
    steps: list[list] = []
    left = 4.0
    if appearance.seal_png:
        side = height - 4
        steps.append(["image", "Seal", 2, 2, 2 + side, 2 + side, False, True])
        left = side * 0.55  # the text overlaps the seal's right part, as a stamped seal does
    steps += [["stroke_colour", *INK], ["border", 1], ["fill_colour", *INK]]
    lines = _lines(appearance, at)
    step = min((height - 8) / len(lines), TEXT_SIZE * 1.5)
    first = (height + step * len(lines)) / 2  # the block is centred vertically
    room = width - left - 6
    for i, (font, text) in enumerate(lines):
        top = first - (i + 1) * step
        text = _drawable(text, font)
        steps.append(["text_box", text, font, left, top, room, step, _fit(text, font, room), False, "left",
                      "middle"])
    return steps


def _drawable(text: str, font: str) -> str:
    """The text without the characters the shipped font has no glyph for (an emoji in a title would
    otherwise stop endesive from drawing the appearance, and so the signature)."""
    from reportlab.pdfbase.pdfmetrics import getFont

    from services.documents import FONT, _fonts

    _fonts()
    glyphs = getFont(f"{FONT}-Bold" if font == "B" else FONT).face.charToGlyph
    return "".join(c for c in text if ord(c) in glyphs)


def _fit(text: str, font: str, room: float) -> float:
    """The text size, smaller for a line that would not fit in the box (a long agency name)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from services.documents import FONT, _fonts

    _fonts()
    name = f"{FONT}-Bold" if font == "B" else FONT
    return min(TEXT_SIZE, room / max(stringWidth(text, name, 1), 1))


def _udct(appearance: Appearance | None, box, page: int, at: dt.datetime, reason: str,
          location: str, contact: str) -> dict:
    udct = {
        "aligned": SIGNATURE_BYTES,
        "sigflags": 3,
        "sigfield": "Signature1",
        "auto_sigfield": True,
        "sigpage": page,
        "signingdate": at.astimezone(VN_TZ).strftime("D:%Y%m%d%H%M%S+07'00'"),
        "reason": nfc(reason) or "Ký số văn bản",
        "location": nfc(location),
        "contact": nfc(contact),
        "application": "MotCuaSo",
    }
    if appearance is not None:
        udct["signaturebox"] = box
        udct["manual_fonts"] = {"R": str(FONT_DIR / "LiberationSerif-Regular.ttf"),
                                "B": str(FONT_DIR / "LiberationSerif-Bold.ttf")}
        if appearance.seal_png:
            from PIL import Image

            udct["manual_images"] = {"Seal": Image.open(io.BytesIO(appearance.seal_png))}
        width, height = box[2] - box[0], box[3] - box[1]
        udct["signature_manual"] = _directives(appearance, at, width, height)
    return udct


def _layout(pdf: bytes, appearance: Appearance | None) -> tuple[int, tuple | None]:
    """The page index and the appearance box; later signatures on a page go above earlier ones."""
    from services.verification import NotAPdf, open_pdf

    try:
        reader = open_pdf(pdf)
        count = int(reader.root["/Pages"]["/Count"])
        index = (appearance.page if appearance else -1) % count
        page = reader.find_page_for_modification(index)[0].get_object()
        media = [float(v) for v in page["/MediaBox"]]
        earlier = _signature_widgets(page) if appearance and not appearance.box else 0
    except NotAPdf:
        raise SigningError(N_("The file is not a PDF document.")) from None
    except Exception:  # noqa: BLE001 - any defect in the page tree: refuse to sign, say why
        raise SigningError(N_("The PDF file is damaged and cannot be signed.")) from None
    if appearance is None:
        return index, None
    if appearance.box:
        return index, appearance.box
    w, h = BOX_SIZE
    x2 = media[2] - MARGIN[0]
    y1 = media[1] + MARGIN[1] + earlier * (h + 6)
    return index, (x2 - w, y1, x2, y1 + h)


def _signature_widgets(page) -> int:
    """How many signature fields already sit on the page (links and other annotations do not count)."""
    count = 0
    for annot in page.get("/Annots", None) or []:
        annot = annot.get_object()
        field = annot.get("/Parent", annot).get_object() if "/FT" not in annot else annot
        count += field.get("/FT") == "/Sig"
    return count


def sign_pdf(pdf: bytes, credential: Credential, appearance: Appearance | None = None, *,
             reason: str = "", location: str = "", contact: str = "", at: dt.datetime | None = None) -> bytes:
    """Sign ``pdf`` as an incremental update and return the signed file, validated: the new signature
    covers the whole file and every earlier signature is still intact and unmodified."""
    from endesive.pdf import cms  # imported on first use: it pulls in paramiko and PyKCS11

    from services import verification

    at = (at or now()).astimezone(VN_TZ)
    if b"/ByteRange" not in pdf:  # the practice banner under the signature (never over an earlier one)
        pdf = practice.mark(pdf)
    page, box = _layout(pdf, appearance)
    udct = _udct(appearance, box, page, at, reason, location, contact)
    try:
        tail = cms.sign(pdf, udct, credential.key, credential.certificate, credential.chain, ALGORITHM,
                        credential.hsm)
    except SigningError:
        raise
    except Exception as exc:
        import PyKCS11

        if isinstance(exc, PyKCS11.PyKCS11Error):
            raise _pkcs11_error(exc) from None
        raise SigningError(N_("The PDF file could not be signed: %(reason)s"), reason=type(exc).__name__) from exc
    signed = pdf + tail
    verification.check_signed(signed)
    return signed


def record_signature(actor: str, signed: bytes, credential: Credential, reason: str) -> str:
    """Write the audit event of a signature made through the app; returns the signed file's SHA-256."""
    import hashlib

    digest = hashlib.sha256(signed).hexdigest()
    with write_transaction():
        audit.record(actor, "document.sign", "document", digest, None,
                     {"signer": credential.name, "serial": format(credential.certificate.serial_number, "x"),
                      "reason": nfc(reason)})
    return digest
