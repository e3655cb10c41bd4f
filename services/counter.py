"""Counter mechanics around a save: the form's one-time key, recent duplicates, scans kept across
a failed submit. The rules of a dossier itself live in services.intake."""
from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer
from peewee import IntegrityError

from models import Dossier, IntakeKey, Procedure, ProcedureVersion, User
from services import intake, storage
from services.database import write_transaction
from services.text import nfc

FORM_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
DUPLICATE_WINDOW = dt.timedelta(minutes=10)
MARGIN_BYTES = 2 * 1024 * 1024  # the text fields and multipart headers around the scans


def new_form_key() -> str:
    return secrets.token_urlsafe(24)


def valid_form_key(value) -> bool:
    return isinstance(value, str) and bool(FORM_KEY.match(value))


def dossier_for_key(key: str) -> Dossier | None:
    row = (IntakeKey.select(IntakeKey, Dossier).join(Dossier)
           .where(IntakeKey.key == key).first())
    return row.dossier if row else None


def receive_once(key: str, data: intake.IntakeData, calendar, agency_id: str, data_dir: str,
                 actor: str, user: User) -> tuple[Dossier, bool]:
    """Save the dossier unless this form key already made one: (dossier, True) for a new dossier,
    (the first dossier, False) for a repeat. The key is inserted in the dossier's own transaction,
    and its unique index settles two submits racing each other (on PostgreSQL as on SQLite)."""
    try:
        with write_transaction():
            first = dossier_for_key(key)
            if first is not None:
                return first, False
            dossier = intake.receive(data, calendar, agency_id, data_dir, actor, user=user)
            IntakeKey.create(key=key, dossier=dossier)
            return dossier, True
    except IntegrityError:
        first = dossier_for_key(key)  # the other request committed first; ours rolled back whole
        if first is None:
            raise
        return first, False


def recent_duplicates(version: ProcedureVersion, id_number: str, at: dt.datetime) -> list[Dossier]:
    """Dossiers for the same id number and procedure received in the ten minutes before ``at``."""
    return list(Dossier.select(Dossier).join(ProcedureVersion).join(Procedure)
                .where((Dossier.received_at >= at - DUPLICATE_WINDOW) & (Dossier.received_at <= at)
                       & (Dossier.id_number == id_number)
                       & (ProcedureVersion.procedure == version.procedure_id))
                .order_by(Dossier.received_at.desc()).limit(5))


def request_limit(max_upload_mb: int, files: int) -> int:
    """Bytes a counter form may send: one scan at the office's limit per file input, plus a margin."""
    return max_upload_mb * 1024 * 1024 * max(files, 1) + MARGIN_BYTES


# --- Scans kept across a failed submit ---------------------------------------------------------

@dataclass
class KeptScan:
    slot: str  # the file input it belongs to
    file_name: str
    blob: storage.Blob
    token: str


def _signer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="counter.kept-scan")


def keep(secret: str, form_key: str, user_id: int, slot: str, file_name: str,
         blob: storage.Blob) -> KeptScan:
    """A reference to a scan already on disk that only this form of this officer can carry back,
    in the same file input (``slot``)."""
    name = nfc(file_name)[:intake.MAX_TEXT]
    token = _signer(secret).dumps([form_key, user_id, slot, blob.sha256, name])
    return KeptScan(slot, name, blob, token)


def kept(secret: str, token: str, form_key: str, user_id: int, slot: str,
         data_dir: str | Path) -> KeptScan | None:
    """The scan a hidden reference names, or None when it is forged, for another form, officer or
    input, or its file is gone."""
    try:
        key, uid, where, sha, name = _signer(secret).loads(token or "")
    except (BadSignature, ValueError, TypeError):
        return None
    if (key, uid, where) != (form_key, user_id, slot):
        return None
    blob = storage.stored_blob(data_dir, str(sha))
    return KeptScan(slot, str(name), blob, token) if blob else None


def print_on_open(pdf: bytes) -> bytes:
    """The same PDF, asking the viewer to open its print dialog as soon as it is shown
    (a document-level JavaScript action; Chromium's and Firefox's viewers honour it)."""
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter
    from pypdf.actions import JavaScript

    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf)))
    writer.add_open_action(JavaScript("this.print({bUI:true,bSilent:false,bShrinkToFit:true});"))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
