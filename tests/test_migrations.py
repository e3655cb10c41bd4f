"""The migrations produce exactly the schema the models declare, and run twice harmlessly."""
from __future__ import annotations

from peewee import SqliteDatabase

import models
from services.database import apply_migrations, open_database


def _schema(database) -> dict:
    """table -> {column: (type, nullable, primary key)}, plus the indexes, as SQLite reports them."""
    out = {}
    for table in sorted(database.get_tables()):
        if table == "schema_migration":
            continue
        columns = {c.name: (c.data_type.upper(), c.null, c.primary_key) for c in database.get_columns(table)}
        indexes = sorted((tuple(i.columns), i.unique) for i in database.get_indexes(table))
        fks = sorted((f.column, f.dest_table, f.dest_column) for f in database.get_foreign_keys(table))
        out[table] = (columns, indexes, fks)
    return out


def test_migrations_match_models(tmp_path):
    migrated = open_database(f"sqlite:///{tmp_path / 'migrated.db'}")
    assert apply_migrations()
    assert apply_migrations() == []  # idempotent
    migrated_schema = _schema(migrated)
    migrated.close()

    declared = SqliteDatabase(str(tmp_path / "declared.db"))
    models.db.initialize(declared)
    declared.create_tables(models.MODELS)
    declared_schema = _schema(declared)
    declared.close()

    assert migrated_schema == declared_schema
