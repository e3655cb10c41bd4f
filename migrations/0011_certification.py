"""Certification (chứng thực): settings, the numbering sequences and the register entries
(frozen copies of CertificationSetting, CertificationSequence and Certification)."""
from peewee import *


def up(migrator, db):
    class CertificationSetting(Model):
        volume_size = IntegerField(default=500)
        electronic_series = CharField(default='SCTĐT/BS')
        class Meta:
            database = db
            table_name = 'certification_setting'

    class CertificationSequence(Model):
        agency_id = CharField()
        series = CharField()
        year = IntegerField()
        last = IntegerField(default=0)
        volume = IntegerField(default=1)
        volume_first = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'certification_sequence'
            indexes = ((('agency_id', 'series', 'year'), True),)

    class Dossier(Model):
        class Meta:
            database = db
            table_name = 'dossier'

    class StoredFile(Model):
        class Meta:
            database = db
            table_name = 'stored_file'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Certification(Model):
        agency_id = CharField()
        series = CharField()
        year = IntegerField()
        number = IntegerField()
        volume = IntegerField()
        kind = CharField()
        electronic = BooleanField(default=False)
        dossier = ForeignKeyField(Dossier, on_delete='RESTRICT')
        document = CharField()
        pages = IntegerField(default=0)
        copies = IntegerField(default=0)
        requester = CharField()
        signer_name = CharField()
        signer_title = CharField(default='')
        certified_at = TextField()
        fee = IntegerField(null=True)
        file = ForeignKeyField(StoredFile, null=True, on_delete='RESTRICT')
        recorded_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'certification'
            indexes = (
                (('agency_id', 'series', 'year', 'number'), True),
                (('series', 'certified_at'), False),
            )

    db.create_tables([CertificationSetting, CertificationSequence, Certification])


def down(migrator, db):
    for table in ('certification', 'certification_sequence', 'certification_setting'):
        migrator.migrate(migrator.drop_table(table))
