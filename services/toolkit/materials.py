"""The materials library: uploads typed by their content, versions, topics, audience, search,
download counts, and a starter set of one-page guides the app generates itself."""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from models import Material, MaterialVersion, StoredFile, now
from services import audit, storage
from services.database import write_transaction
from services.text import N_, fold, nfc, search_words

TOPICS = {
    "online_submission": N_("Online submission"),
    "online_payment": N_("Online payment"),
    "digitisation": N_("Digitisation"),
    "e_results": N_("Electronic results"),
    "certification": N_("Certification"),
    "service_index": N_("The service index"),
    "using_system": N_("Using this system"),
}
AUDIENCES = {"staff": N_("Staff"), "citizens": N_("Citizens")}
PAGE = 50
DEFAULT_MAX_MB = 50

# name, the extensions a file of that kind may carry
KINDS = {
    "application/pdf": (N_("PDF document"), (".pdf",)),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (N_("Word document"), (".docx",)),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation":
        (N_("PowerPoint slides"), (".pptx",)),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (N_("Excel workbook"), (".xlsx",)),
    "image/png": (N_("PNG image"), (".png",)),
    "image/jpeg": (N_("JPEG image"), (".jpg", ".jpeg")),
    "video/mp4": (N_("MP4 video"), (".mp4", ".m4v")),
    "video/webm": (N_("WebM video"), (".webm",)),
}
OFFICE_PARTS = (  # the part that tells which Office Open XML file a zip is
    ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)

MISSING = N_("Please choose the file to upload.")
EMPTY = N_("The file is empty (0 bytes).")
TOO_LARGE = N_("The file is larger than %(mb)s MB.")
UNKNOWN_TYPE = N_("This file is not a PDF, Word, PowerPoint or Excel document, a PNG or JPEG image, or an "
                  "MP4 or WebM video.")
NAME_MISMATCH = N_("The file name ends in %(ext)s but the content is a %(kind)s. Please check that you chose "
                   "the right file.")
REQUIRED = N_("This field is required.")
TOO_LONG = N_("At most %(max)s characters.")
CHOOSE = N_("Choose from the list.")


def sniff(path: Path) -> str | None:
    """The kind of file, from its content only."""
    with path.open("rb") as fh:
        head = fh.read(16)
    for magic, mime in storage.SIGNATURES:
        if head.startswith(magic):
            return mime
    if head[4:8] == b"ftyp":
        return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        if "[Content_Types].xml" in names:
            return next((mime for part, mime in OFFICE_PARTS if part in names), None)
    return None


@dataclass(frozen=True)
class Upload:
    """A file accepted for the library: already in the data folder under its SHA-256."""

    sha256: str
    size: int
    mime: str
    file_name: str


def check_upload(blob: storage.Blob | None, file_name: str, data_dir: str | Path,
                 max_mb: int) -> tuple[Upload | None, tuple[str, dict] | None]:
    """(upload, None) or (None, (message id, params)). ``blob`` is None when no file was sent, of size
    max + 1 when the stream went past the limit. A refused file is removed unless something uses it."""
    if blob is None or not file_name:
        return None, (MISSING, {})
    if blob.size > max_mb * 1024 * 1024:
        return None, (TOO_LARGE, {"mb": max_mb})
    error: tuple[str, dict] | None = None
    mime = None
    if blob.size == 0:
        error = (EMPTY, {})
    else:
        mime = sniff(storage.path_for(data_dir, blob.sha256))
        if mime is None:
            error = (UNKNOWN_TYPE, {})
        else:
            extension = Path(file_name).suffix.lower()
            if extension not in KINDS[mime][1]:
                error = (NAME_MISMATCH, {"ext": extension or "(không có đuôi)", "kind": KINDS[mime][0]})
    if error:
        _discard(blob.sha256, data_dir)
        return None, error
    return Upload(blob.sha256, blob.size, mime, nfc(file_name.replace("\x00", ""))[:200]), None


def _discard(sha256: str, data_dir: str | Path) -> None:
    if sha256 and not StoredFile.select().where(StoredFile.sha256 == sha256).exists():
        storage.path_for(data_dir, sha256).unlink(missing_ok=True)


def _typed(form, name: str) -> str:
    """A typed text field, NFC, without NUL (PostgreSQL refuses it)."""
    return nfc(str(form.get(name) or "").replace("\x00", ""))


def validate(form) -> tuple[dict, dict[str, tuple[str, dict]]]:
    """(data, errors) of the material's description fields."""
    data = {"title": _typed(form, "title"), "description": _typed(form, "description"),
            "topic": form.get("topic", ""), "audience": form.get("audience", ""), "note": _typed(form, "note")}
    errors: dict[str, tuple[str, dict]] = {}
    if not data["title"]:
        errors["title"] = (REQUIRED, {})
    for field, limit in (("title", 200), ("description", 2000), ("note", 200)):
        if len(data[field]) > limit:
            errors[field] = (TOO_LONG, {"max": limit})
    if data["topic"] not in TOPICS:
        errors["topic"] = (CHOOSE, {})
    if data["audience"] not in AUDIENCES:
        errors["audience"] = (CHOOSE, {})
    return data, errors


def _key(title: str, description: str, file_name: str) -> str:
    return fold(f"{title} {description} {file_name}")


def _snapshot(material: Material) -> dict:
    return {"title": material.title, "topic": material.topic, "audience": material.audience,
            "version": material.version, "sha256": material.file.sha256 if material.file_id else None,
            "file_name": material.file_name}


def create(data: dict, upload: Upload, actor: str, starter: str = "") -> Material:
    with write_transaction():
        stored = storage.file_row(upload.sha256, upload.size, upload.mime)
        material = Material.create(
            title=data["title"], description=data["description"], topic=data["topic"],
            audience=data["audience"], search_key=_key(data["title"], data["description"], upload.file_name),
            file=stored, file_name=upload.file_name, mime=upload.mime, size=upload.size, starter=starter,
            created_by=actor)
        MaterialVersion.create(material=material, number=1, file=stored, file_name=upload.file_name,
                               mime=upload.mime, size=upload.size, note=data.get("note", ""), uploaded_by=actor)
        audit.record(actor, "material.create", "material", material.id, None, _snapshot(material))
    return material


def update(material: Material, data: dict, upload: Upload | None, actor: str) -> Material:
    """Change the description; a file makes the next version (older ones are kept)."""
    with write_transaction():
        material = Material.get_by_id(material.id)
        before = _snapshot(material)
        material.title, material.description = data["title"], data["description"]
        material.topic, material.audience = data["topic"], data["audience"]
        if upload is not None:
            stored = storage.file_row(upload.sha256, upload.size, upload.mime)
            material.version += 1
            material.file, material.file_name, material.mime, material.size = (
                stored, upload.file_name, upload.mime, upload.size)
            MaterialVersion.create(material=material, number=material.version, file=stored,
                                   file_name=upload.file_name, mime=upload.mime, size=upload.size,
                                   note=data.get("note", ""), uploaded_by=actor)
        material.search_key = _key(material.title, material.description, material.file_name)
        material.updated_at = now()
        material.save()
        after = _snapshot(material)
        if after != before:
            audit.record(actor, "material.update", "material", material.id, before, after)
    return material


def search(q: str = "", topic: str = "", audience: str = "", public_only: bool = False,
           before: int | None = None):
    """Newest first, PAGE + 1 rows (one more tells there is a next page); words match anywhere in the
    title, description or file name, accents and case ignored."""
    query = Material.select()
    if public_only:
        query = query.where(Material.audience == "citizens")
    elif audience in AUDIENCES:
        query = query.where(Material.audience == audience)
    if topic in TOPICS:
        query = query.where(Material.topic == topic)
    for word in search_words(q):
        query = query.where(Material.search_key.contains(word))
    if before:
        query = query.where(Material.id < before)
    return query.order_by(Material.id.desc()).limit(PAGE + 1)


def versions(material: Material):
    return material.versions.order_by(MaterialVersion.number.desc())


def count_download(material: Material) -> None:
    """One more download (a single UPDATE: two downloads at once both count)."""
    with write_transaction():
        Material.update(downloads=Material.downloads + 1).where(Material.id == material.id).execute()
