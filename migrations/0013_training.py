"""Training sessions (attendees, feedback, follow-up actions), the support hotline log and the FAQ
(frozen copies; the user and procedure tables are only referenced)."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Procedure(Model):
        class Meta:
            database = db
            table_name = 'procedure'

    class TrainingSession(Model):
        agency_id = CharField(default='')
        title = CharField()
        trainer = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        trainer_name = CharField(default='')
        units = TextField(default='')
        topics = TextField(default='[]')
        starts_at = TextField(index=True)
        place = CharField(default='')
        kind = CharField(default='onsite')
        materials = TextField(default='')
        feedback_token = CharField(unique=True)
        created_at = TextField()
        created_by = CharField(default='')
        class Meta:
            database = db
            table_name = 'training_session'

    class TrainingAttendee(Model):
        session = ForeignKeyField(TrainingSession, on_delete='CASCADE')
        full_name = CharField()
        unit = CharField(default='')
        position = CharField(default='')
        checked_in_at = TextField()
        class Meta:
            database = db
            table_name = 'training_attendee'

    class TrainingFeedback(Model):
        session = ForeignKeyField(TrainingSession, on_delete='CASCADE')
        score = IntegerField()
        comment = TextField(default='')
        at = TextField()
        class Meta:
            database = db
            table_name = 'training_feedback'

    class TrainingAction(Model):
        session = ForeignKeyField(TrainingSession, on_delete='CASCADE')
        text = TextField()
        owner = CharField(default='')
        due_on = DateField(index=True)
        done_at = TextField(null=True)
        class Meta:
            database = db
            table_name = 'training_action'

    class HotlineCall(Model):
        agency_id = CharField(default='')
        received_at = TextField()
        channel = CharField(default='phone')
        caller = CharField()
        unit = CharField(default='')
        topic = CharField(default='system')
        procedure = ForeignKeyField(Procedure, null=True, on_delete='RESTRICT')
        question = TextField()
        answer = TextField(default='')
        status = CharField(default='open')
        resolved_at = TextField(null=True)
        resolve_minutes = IntegerField(null=True)
        taken_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'hotline_call'
            indexes = ((('received_at', 'id'), False), (('status', 'id'), False))

    class FaqEntry(Model):
        question = TextField()
        answer = TextField()
        audience = CharField(default='public')
        topic = CharField(default='system')
        call = ForeignKeyField(HotlineCall, null=True, unique=True, on_delete='RESTRICT')
        search_key = TextField(default='')
        created_at = TextField()
        created_by = CharField(default='')
        hidden = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'faq_entry'

    db.create_tables([TrainingSession, TrainingAttendee, TrainingFeedback, TrainingAction, HotlineCall,
                      FaqEntry])


def down(migrator, db):
    migrator.migrate(*(migrator.drop_table(t) for t in (
        'faq_entry', 'hotline_call', 'training_action', 'training_feedback', 'training_attendee',
        'training_session')))
