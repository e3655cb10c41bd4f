"""Opening the database, applying migrations, and the one way to open a write transaction."""
from __future__ import annotations

from pathlib import Path

from peewee import Database, SqliteDatabase
from playhouse.db_url import connect
from playhouse.migrations import Runner

from models import db

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "full",
}


def open_database(url: str) -> Database:
    """Connect to ``url`` (sqlite:///path or postgresql://...) and bind the models to it."""
    if url.startswith("sqlite"):
        database = connect(url, pragmas=SQLITE_PRAGMAS)
    else:
        database = connect(url)
    db.initialize(database)
    return database


def apply_migrations() -> list[str]:
    """Apply pending migrations (idempotent); foreign keys are off while they run."""
    database = db.obj
    if isinstance(database, SqliteDatabase):
        database.pragma("foreign_keys", 0, permanent=False)
    try:
        return Runner(database, str(MIGRATIONS_DIR)).up()
    finally:
        if isinstance(database, SqliteDatabase):
            database.pragma("foreign_keys", 1, permanent=False)


def write_transaction():
    """A transaction that takes the write lock at once, so read-then-write steps
    (sequences, the audit chain) never interleave between two counters."""
    if isinstance(db.obj, SqliteDatabase):
        return db.atomic(lock_type="IMMEDIATE")
    return db.atomic()
