"""Signatures: trust roots for validation, and the certificates registered for each official
(frozen copies of TrustRoot and SignerCertificate)."""
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

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class SignerCertificate(Model):
        user = ForeignKeyField(User, on_delete='RESTRICT')
        fingerprint = CharField(unique=True)
        subject = CharField()
        pem = TextField()
        not_after = TextField()
        added_at = TextField()
        added_by = CharField()
        class Meta:
            database = db
            table_name = 'signer_certificate'
    db.create_tables([SignerCertificate])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('signer_certificate'))
    migrator.migrate(migrator.drop_table('trust_root'))
