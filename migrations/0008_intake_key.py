"""The counter form's one-time keys (a frozen copy of IntakeKey; the dossier table is only referenced)."""
from peewee import *


def up(migrator, db):
    class Dossier(Model):
        class Meta:
            database = db
            table_name = 'dossier'

    class IntakeKey(Model):
        key = CharField(unique=True)
        dossier = ForeignKeyField(Dossier, on_delete='CASCADE')
        created_at = TextField()
        class Meta:
            database = db
            table_name = 'intake_key'
    db.create_tables([IntakeKey])
