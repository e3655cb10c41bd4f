"""Scans and generated files on disk, named by SHA-256, with a metadata row per content."""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from models import StoredFile

CHUNK = 64 * 1024

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


@dataclass
class Blob:
    """Content written to the data folder: its SHA-256, size and first bytes (for sniffing)."""

    sha256: str
    size: int
    head: bytes


class TooLarge(Exception):
    """The stream went past the size limit; nothing was kept."""


def store_stream(stream: BinaryIO, data_dir: str | Path, max_bytes: int) -> Blob:
    """Copy a stream to the data folder chunk by chunk while hashing it (never whole in memory).
    Raises TooLarge past ``max_bytes``. Like write_blob, call before the database transaction."""
    folder = Path(data_dir) / "files" / "incoming"
    folder.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, tmp = tempfile.mkstemp(suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge
                if len(head) < 16:
                    head += chunk[:16 - len(head)]
                digest.update(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        sha = digest.hexdigest()
        target = path_for(data_dir, sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)  # same content, same name: replacing is harmless
        return Blob(sha, size, head)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def stored_blob(data_dir: str | Path, sha256: str) -> Blob | None:
    """The blob already on disk under this SHA-256, or None."""
    path = path_for(data_dir, sha256)
    if len(sha256) != 64 or sha256.strip("0123456789abcdef") or not path.is_file():
        return None
    with path.open("rb") as fh:
        head = fh.read(16)
    return Blob(sha256, path.stat().st_size, head)


def file_row(digest: str, size: int, mime: str) -> StoredFile:
    """The metadata row for a written blob; call inside the caller's transaction."""
    return StoredFile.get_or_create(sha256=digest, defaults={"size": size, "mime": mime})[0]


def read(stored: StoredFile, data_dir: str | Path) -> bytes:
    return path_for(data_dir, stored.sha256).read_bytes()
