"""Accounts: a session version per user, login throttling per user name and address,
and the office's public address and hotline."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('user', 'session_version', IntegerField(default=0)),
        migrator.add_column('office', 'address', CharField(default='')),
        migrator.add_column('office', 'hotline', CharField(default='')),
    )

    class LoginThrottle(Model):
        username = CharField()
        address = CharField()
        failures = IntegerField(default=0)
        blocked_until = TextField(null=True)
        last_failure_at = TextField()
        class Meta:
            database = db
            table_name = 'login_throttle'
            indexes = ((('username', 'address'), True),)
    db.create_tables([LoginThrottle])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('login_throttle'),
        migrator.drop_column('office', 'hotline'),
        migrator.drop_column('office', 'address'),
        migrator.drop_column('user', 'session_version'),
    )
