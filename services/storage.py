"""Scans and generated files on disk, named by SHA-256, with a metadata row per content."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from models import StoredFile

# Accepted scans, recognised by their first bytes, never by their name.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff(data: bytes) -> str | None:
    for magic, mime in SIGNATURES:
        if data.startswith(magic):
            return mime
    return None


def path_for(data_dir: str | Path, sha256: str) -> Path:
    return Path(data_dir) / "files" / sha256[:2] / sha256


def write_blob(data: bytes, data_dir: str | Path) -> str:
    """Write the bytes to disk (once per content, atomically); return their SHA-256.
    Call before the database transaction: an unreferenced blob is harmless, a row without one is not."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(data_dir, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".part", dir=target.parent)  # unique: counters may race
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    return digest


def file_row(digest: str, size: int, mime: str) -> StoredFile:
    """The metadata row for a written blob; call inside the caller's transaction."""
    return StoredFile.get_or_create(sha256=digest, defaults={"size": size, "mime": mime})[0]


def read(stored: StoredFile, data_dir: str | Path) -> bytes:
    return path_for(data_dir, stored.sha256).read_bytes()
