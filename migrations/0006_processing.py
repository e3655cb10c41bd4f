"""Processing: status events, the dossier's derived processing state, the extension setting."""
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

    class Unit(Model):
        class Meta:
            database = db
            table_name = 'unit'

    class StatusEvent(Model):
        dossier = ForeignKeyField(Dossier, on_delete='CASCADE')
        action = CharField()
        status = IntegerField()
        at = TextField()
        entered_at = TextField()
        actor = CharField()
        user = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        note = TextField(default='')
        appointment_at = TextField(null=True)
        paused_minutes = IntegerField(default=0)
        details = TextField(null=True)
        class Meta:
            database = db
            table_name = 'status_event'
    db.create_tables([StatusEvent])

    class Procedure(Model):
        class Meta:
            database = db
            table_name = 'procedure'

    class ChecklistItem(Model):
        procedure = ForeignKeyField(Procedure, on_delete='CASCADE')
        position = IntegerField()
        step = CharField()
        role = CharField(default='')
        hours = IntegerField(default=0)
        text = TextField()
        basis = CharField(default='')
        class Meta:
            database = db
            table_name = 'checklist_item'

    class DossierCheck(Model):
        dossier = ForeignKeyField(Dossier, on_delete='CASCADE')
        position = IntegerField()
        step = CharField()
        role = CharField(default='')
        hours = IntegerField(default=0)
        text = TextField()
        basis = CharField(default='')
        done_at = TextField(null=True)
        done_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'dossier_check'
    db.create_tables([ChecklistItem, DossierCheck])

    class Rating(Model):
        dossier = ForeignKeyField(Dossier, unique=True, on_delete='CASCADE')
        level = IntegerField()
        comment = TextField(default='')
        at = TextField(index=True)
        class Meta:
            database = db
            table_name = 'rating'
    db.create_tables([Rating])

    class Petition(Model):
        dossier = ForeignKeyField(Dossier, on_delete='CASCADE')
        text = TextField()
        submitted_at = TextField()
        due_at = TextField(index=True)
        answer = TextField(default='')
        answered_at = TextField(null=True, index=True)
        answered_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'petition'
    db.create_tables([Petition])

    migrator.migrate(
        migrator.add_column('office', 'max_extensions', IntegerField(default=1)),
        migrator.add_column('dossier', 'original_appointment_at', TextField(null=True)),
        migrator.add_column('dossier', 'warn_at', TextField(null=True)),
        migrator.add_column('dossier', 'paused_minutes', IntegerField(default=0)),
        migrator.add_column('dossier', 'ended_at', TextField(null=True)),
        migrator.add_column('dossier', 'end_kind', CharField(default='')),
        migrator.add_column('dossier', 'late', BooleanField(null=True)),
        migrator.add_column('dossier', 'unit_id', ForeignKeyField(Unit, null=True, on_delete='RESTRICT',
                                                                  field=Unit.id)),
        migrator.add_column('dossier', 'assignee_id', ForeignKeyField(User, null=True, on_delete='RESTRICT',
                                                                      field=User.id)),
        migrator.add_column('dossier', 'secret', CharField(default='')),
        migrator.add_index('dossier', ('status', 'appointment_at'), False),
        migrator.add_index('dossier', ('status', 'warn_at'), False),
    )
    # Dossiers received before this migration get their first event, as intake records it now.
    db.execute_sql(
        "INSERT INTO status_event (dossier_id, action, status, at, entered_at, actor, note, appointment_at,"
        " paused_minutes) SELECT id, 'receive', status, received_at, created_at, 'migration', '',"
        " CASE WHEN status = 1 THEN NULL ELSE appointment_at END, 0 FROM dossier")
    db.execute_sql("UPDATE dossier SET original_appointment_at = appointment_at WHERE status <> 1")


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('dossier', 'dossier_status_warn_at'),
        migrator.drop_index('dossier', 'dossier_status_appointment_at'),
        *[migrator.drop_column('dossier', c) for c in (
            'assignee_id', 'unit_id', 'late', 'end_kind', 'ended_at', 'paused_minutes', 'warn_at',
            'original_appointment_at')],
        migrator.drop_column('office', 'max_extensions'),
        migrator.drop_column('dossier', 'secret'),
        migrator.drop_table('petition'),
        migrator.drop_table('rating'),
        migrator.drop_table('dossier_check'),
        migrator.drop_table('checklist_item'),
        migrator.drop_table('status_event'),
    )
