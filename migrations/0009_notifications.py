"""Staff notifications, the applicant outbox with its delivery attempts, and the messaging settings
(frozen copies; the dossier and user tables are only referenced)."""
from peewee import *


def up(migrator, db):
    class Dossier(Model):
        class Meta:
            database = db
            table_name = 'dossier'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Notification(Model):
        user = ForeignKeyField(User, on_delete='RESTRICT')
        dossier = ForeignKeyField(Dossier, null=True, on_delete='CASCADE')
        kind = CharField()
        actor = CharField(default='')
        key = CharField(unique=True)
        created_at = TextField()
        read_at = TextField(null=True)

        class Meta:
            database = db
            table_name = 'notification'
            indexes = ((('user', 'read_at'), False), (('user', 'id'), False))

    class OutboxMessage(Model):
        dossier = ForeignKeyField(Dossier, on_delete='CASCADE')
        kind = CharField()
        key = CharField(unique=True)
        phone = CharField(default='')
        email = CharField(default='')
        subject = CharField()
        body = TextField()
        status = CharField(default='pending')
        channel = CharField(default='')
        attempts = IntegerField(default=0)
        next_attempt_at = TextField(null=True)
        claimed_until = TextField(null=True)
        created_at = TextField()
        sent_at = TextField(null=True)
        printed_at = TextField(null=True)
        printed_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        last_error = CharField(default='')

        class Meta:
            database = db
            table_name = 'outbox_message'
            indexes = ((('status', 'next_attempt_at'), False), (('status', 'id'), False))

    class DeliveryAttempt(Model):
        message = ForeignKeyField(OutboxMessage, on_delete='CASCADE')
        at = TextField()
        channel = CharField()
        outcome = CharField()
        detail = CharField(default='')
        duration_ms = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'delivery_attempt'

    class MessagingSettings(Model):
        gateway_url = CharField(default='')
        gateway_token = CharField(default='')
        gateway_channel = CharField(default='sms')
        sms_unaccented = BooleanField(default=True)
        smtp_host = CharField(default='')
        smtp_port = IntegerField(default=587)
        smtp_security = CharField(default='starttls')
        smtp_username = CharField(default='')
        smtp_password = CharField(default='')
        smtp_sender = CharField(default='')
        timeout_seconds = IntegerField(default=10)

        class Meta:
            database = db
            table_name = 'messaging_settings'

    db.create_tables([Notification, OutboxMessage, DeliveryAttempt, MessagingSettings])


def down(migrator, db):
    migrator.migrate(*[migrator.drop_table(t) for t in (
        'messaging_settings', 'delivery_attempt', 'outbox_message', 'notification')])
