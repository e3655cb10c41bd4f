"""Idempotency-Key for the API: a retry returns the first answer instead of making a second dossier.

The key is stored with the dossier in the transaction that creates it, so two concurrent requests
with one key make one dossier: on SQLite the second waits for the write lock and then finds the key;
on PostgreSQL the unique index refuses the second insert and the stored answer is returned instead.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from peewee import IntegrityError

from models import ApiToken, Dossier, IdempotencyKey
from services.database import write_transaction

MAX_KEY_LENGTH = 255


class KeyReused(ValueError):
    """The key was already used by this token for a different request body."""


def fingerprint(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isprintable() and key.strip() == key


def stored(token: ApiToken, key: str, print_: str) -> tuple[int, dict] | None:
    """The first answer given to this token for this key, or None; KeyReused for another body."""
    row = IdempotencyKey.get_or_none((IdempotencyKey.token == token) & (IdempotencyKey.key == key))
    if row is None:
        return None
    if row.fingerprint != print_:
        raise KeyReused(key)
    return row.status, row.body


def run_once(token: ApiToken, key: str, print_: str, create: Callable[[], Dossier],
             answer: Callable[[Dossier], tuple[int, dict]]) -> tuple[int, dict]:
    """Create the dossier and keep its answer under the key, in one transaction; or replay."""
    try:
        with write_transaction():
            first = stored(token, key, print_)
            if first is not None:
                return first
            dossier = create()
            status, body = answer(dossier)
            IdempotencyKey.create(token=token, key=key, fingerprint=print_, dossier=dossier,
                                  status=status, body=body)
            return status, body
    except IntegrityError:
        first = stored(token, key, print_)  # a concurrent request with the same key won the race
        if first is None:
            raise
        return first
