"""Online arrival: an online dossier has no appointment until it is accepted; API idempotency keys."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.drop_not_null('dossier', 'appointment_at'))

    class ApiToken(Model):
        class Meta:
            database = db
            table_name = 'api_token'

    class Dossier(Model):
        class Meta:
            database = db
            table_name = 'dossier'

    class IdempotencyKey(Model):
        token = ForeignKeyField(ApiToken, on_delete='RESTRICT')
        key = CharField()
        fingerprint = CharField()
        dossier = ForeignKeyField(Dossier, on_delete='CASCADE')
        status = IntegerField()
        body = TextField()
        created_at = TextField()
        class Meta:
            database = db
            table_name = 'idempotency_key'
            indexes = ((('token', 'key'), True),)
    db.create_tables([IdempotencyKey])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('idempotency_key'))
    migrator.migrate(migrator.add_not_null('dossier', 'appointment_at'))
