"""Remote signing (ký số từ xa): the provider's service address and each leader's credential there
(frozen copies)."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class RemoteSigningService(Model):
        base_url = CharField(default='')
        updated_at = TextField()
        updated_by = CharField(default='')
        class Meta:
            database = db
            table_name = 'remote_signing_service'

    class RemoteCredential(Model):
        user = ForeignKeyField(User, unique=True, backref='+', on_delete='CASCADE')
        credential_id = CharField()
        class Meta:
            database = db
            table_name = 'remote_credential'

    db.create_tables([RemoteSigningService, RemoteCredential])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('remote_credential'))
    migrator.migrate(migrator.drop_table('remote_signing_service'))
