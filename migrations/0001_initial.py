"""The initial schema: frozen copies of the first models (times and JSON are TEXT)."""
from peewee import *


def up(migrator, db):
    class ApiToken(Model):
        name = CharField(unique=True)
        token_hash = CharField(unique=True)
        created_at = TextField()
        last_used_at = TextField(null=True)
        revoked = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'api_token'
    db.create_tables([ApiToken])

    class AuditEvent(Model):
        at = TextField()
        actor = CharField()
        action = CharField()
        entity = CharField()
        entity_id = CharField()
        before = TextField(null=True)
        after = TextField(null=True)
        prev_hash = CharField()
        hash = CharField(unique=True)
        class Meta:
            database = db
            table_name = 'audit_event'
    db.create_tables([AuditEvent])

    class CalendarOverride(Model):
        day = DateField(unique=True)
        working = BooleanField()
        note = CharField(default='')
        class Meta:
            database = db
            table_name = 'calendar_override'
    db.create_tables([CalendarOverride])

    class Procedure(Model):
        code = CharField(unique=True)
        name = CharField()
        field = CharField()
        level = CharField(default='commune')
        search_key = CharField(index=True)
        class Meta:
            database = db
            table_name = 'procedure'
    db.create_tables([Procedure])

    class ProcedureVersion(Model):
        procedure = ForeignKeyField(Procedure, on_delete='RESTRICT')
        version = IntegerField()
        effective_from = DateField()
        time_limit_kind = CharField()
        time_limit_value = IntegerField(default=0)
        result_name = CharField(default='')
        paper_result = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'procedure_version'
            indexes = ((('procedure', 'version'), True),)
    db.create_tables([ProcedureVersion])

    class Component(Model):
        version = ForeignKeyField(ProcedureVersion, on_delete='CASCADE')
        position = IntegerField()
        name = CharField()
        originals = IntegerField(default=1)
        copies = IntegerField(default=0)
        required = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'component'
    db.create_tables([Component])

    class DailySequence(Model):
        agency_id = CharField()
        day = DateField()
        last = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'daily_sequence'
            indexes = ((('agency_id', 'day'), True),)
    db.create_tables([DailySequence])

    class Unit(Model):
        name = CharField(unique=True)
        class Meta:
            database = db
            table_name = 'unit'
    db.create_tables([Unit])

    class User(Model):
        username = CharField(unique=True)
        full_name = CharField(default='')
        password_hash = CharField()
        role = CharField(index=True)
        unit = ForeignKeyField(Unit, null=True, on_delete='RESTRICT')
        language = CharField(default='vi')
        failed_logins = IntegerField(default=0)
        locked_until = TextField(null=True)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class Dossier(Model):
        code = CharField(unique=True)
        version = ForeignKeyField(ProcedureVersion, on_delete='RESTRICT')
        channel = IntegerField()
        status = IntegerField(index=True)
        received_at = TextField(index=True)
        appointment_at = TextField()
        applicant_type = IntegerField()
        applicant_name = CharField()
        id_number = CharField()
        phone = CharField()
        address = CharField()
        email = CharField(default='')
        search_key = CharField(index=True)
        pages = IntegerField(default=0)
        copies = IntegerField(default=0)
        fee_total = IntegerField(default=0)
        missing_scan_reason = TextField(default='')
        received_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        api_token = ForeignKeyField(ApiToken, null=True, on_delete='RESTRICT')
        created_at = TextField()
        class Meta:
            database = db
            table_name = 'dossier'
    db.create_tables([Dossier])

    class StoredFile(Model):
        sha256 = CharField(unique=True)
        size = IntegerField()
        mime = CharField()
        created_at = TextField()
        class Meta:
            database = db
            table_name = 'stored_file'
    db.create_tables([StoredFile])

    class DossierComponent(Model):
        dossier = ForeignKeyField(Dossier, on_delete='CASCADE')
        component = ForeignKeyField(Component, null=True, on_delete='RESTRICT')
        position = IntegerField()
        name = CharField()
        originals = IntegerField(default=0)
        copies = IntegerField(default=0)
        file = ForeignKeyField(StoredFile, null=True, on_delete='RESTRICT')
        file_name = CharField(default='')
        digitised = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'dossier_component'
    db.create_tables([DossierComponent])

    class DossierFee(Model):
        dossier = ForeignKeyField(Dossier, on_delete='CASCADE')
        name = CharField()
        amount = IntegerField()
        collect_at = CharField(default='intake')
        class Meta:
            database = db
            table_name = 'dossier_fee'
    db.create_tables([DossierFee])

    class Fee(Model):
        version = ForeignKeyField(ProcedureVersion, on_delete='CASCADE')
        name = CharField()
        kind = CharField(default='fixed')
        amount = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'fee'
    db.create_tables([Fee])

    class Office(Model):
        agency_id = CharField(default='000.00.00.H00')
        name = CharField(default='Trung tâm Phục vụ hành chính công xã')
        parent_body = CharField(default='Ủy ban nhân dân xã')
        place = CharField(default='')
        province = CharField(default='')
        morning_start = CharField(default='07:30')
        morning_end = CharField(default='11:30')
        afternoon_start = CharField(default='13:30')
        afternoon_end = CharField(default='17:00')
        max_upload_mb = IntegerField(default=20)
        public_base_url = CharField(default='')
        class Meta:
            database = db
            table_name = 'office'
    db.create_tables([Office])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('office'))
    migrator.migrate(migrator.drop_table('fee'))
    migrator.migrate(migrator.drop_table('dossier_fee'))
    migrator.migrate(migrator.drop_table('dossier_component'))
    migrator.migrate(migrator.drop_table('stored_file'))
    migrator.migrate(migrator.drop_table('dossier'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('unit'))
    migrator.migrate(migrator.drop_table('daily_sequence'))
    migrator.migrate(migrator.drop_table('component'))
    migrator.migrate(migrator.drop_table('procedure_version'))
    migrator.migrate(migrator.drop_table('procedure'))
    migrator.migrate(migrator.drop_table('calendar_override'))
    migrator.migrate(migrator.drop_table('audit_event'))
    migrator.migrate(migrator.drop_table('api_token'))
