"""Trust roots for signature validation: a frozen copy of the TrustRoot model."""
from peewee import *


def up(migrator, db):
    class TrustRoot(Model):
        fingerprint = CharField(unique=True)
        subject = CharField()
        pem = TextField()
        not_after = TextField()
        added_at = TextField()
        added_by = CharField()
        class Meta:
            database = db
            table_name = 'trust_root'
    db.create_tables([TrustRoot])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('trust_root'))
