"""The agency's organisational certificate on the server: its PKCS#12 file is kept (still encrypted by
its passphrase); an admin or leader unlocks it by typing the passphrase, and the unlocked key then lives
in this process's memory only, never written anywhere, until someone locks it or the server stops."""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from models import OrgKeystore
from services import audit, storage
from services.calendar import VN_TZ
from services.database import write_transaction
from services.signing import Credential, SigningError, common_name, load_pkcs12
from services.text import N_

P12_MIME = "application/x-pkcs12"

_unlocked: dict[tuple[str, str], Credential] = {}  # (data folder, certificate fingerprint) -> key
_guard = threading.Lock()


def _slot(data_dir: str, row: OrgKeystore) -> tuple[str, str]:
    return str(Path(data_dir).resolve()), row.fingerprint


def _fingerprint(credential: Credential) -> str:
    return hashlib.sha256(credential.certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def installed() -> OrgKeystore | None:
    """The keystore in use: the one installed last."""
    return OrgKeystore.select().order_by(OrgKeystore.id.desc()).first()


def install(p12: bytes, passphrase: str, data_dir: str, actor: str, seal_png: bytes = b"") -> OrgKeystore:
    """Keep a new organisational PKCS#12 (checked with its passphrase, then unlocked in memory), with
    the seal image its signature shows (PNG, optional)."""
    credential = load_pkcs12(p12, passphrase)
    if seal_png and not seal_png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise SigningError(N_("The seal image must be a PNG file."))
    digest = storage.write_blob(p12, data_dir)
    seal = storage.write_blob(seal_png, data_dir) if seal_png else None
    with write_transaction():
        row = OrgKeystore.create(
            file=storage.file_row(digest, len(p12), P12_MIME), subject=common_name(credential.certificate)[:255],
            seal=storage.file_row(seal, len(seal_png), "image/png") if seal else None,
            fingerprint=_fingerprint(credential), added_by=actor,
            not_after=credential.certificate.not_valid_after_utc.astimezone(VN_TZ))
        audit.record(actor, "keystore.install", "org_keystore", row.id, None,
                     {"subject": row.subject, "fingerprint": row.fingerprint})
    with _guard:
        _unlocked[_slot(data_dir, row)] = credential
    return row


def unlock(passphrase: str, data_dir: str, actor: str) -> OrgKeystore:
    """Open the installed keystore with its passphrase and keep the key in memory."""
    row = installed()
    if row is None:
        raise SigningError(N_("No organisation certificate is installed on the server yet."))
    try:
        data = storage.read(row.file, data_dir)
    except OSError:
        raise SigningError(N_("The organisation certificate file is missing from the data folder.")) from None
    credential = load_pkcs12(data, passphrase)
    with write_transaction():
        audit.record(actor, "keystore.unlock", "org_keystore", row.id, None, {"subject": row.subject})
    with _guard:
        _unlocked[_slot(data_dir, row)] = credential
    return row


def lock(data_dir: str, actor: str) -> None:
    """Forget the unlocked key of this data folder."""
    row = installed()
    with _guard:
        removed = [_unlocked.pop(slot) for slot in list(_unlocked) if slot[0] == str(Path(data_dir).resolve())]
    for credential in removed:
        credential.close()
    if row is not None and removed:
        with write_transaction():
            audit.record(actor, "keystore.lock", "org_keystore", row.id, None, {"subject": row.subject})


def credential(data_dir: str) -> Credential | None:
    """The unlocked organisational key, or None while it is locked."""
    row = installed()
    if row is None:
        return None
    with _guard:
        return _unlocked.get(_slot(data_dir, row))


def seal_png(data_dir: str) -> bytes | None:
    """The seal image of the installed keystore, if it has one."""
    row = installed()
    if row is None or row.seal_id is None:
        return None
    try:
        return storage.read(row.seal, data_dir)
    except OSError:
        return None


def require(data_dir: str) -> Credential:
    found = credential(data_dir)
    if found is None:
        raise SigningError(N_("The organisation certificate is locked. Please unlock it first (the passphrase is "
                              "held in memory only)."))
    return found
