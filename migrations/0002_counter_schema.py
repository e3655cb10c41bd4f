"""Counter schema: applicant kinds, delivery, register number, pages per original, fees per
channel (and unknown amounts), payment columns, the yearly register sequence, two receipt copies."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class YearlySequence(Model):
        agency_id = CharField()
        series = CharField()
        year = IntegerField()
        last = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'yearly_sequence'
            indexes = ((('agency_id', 'series', 'year'), True),)
    db.create_tables([YearlySequence])

    migrator.migrate(
        migrator.add_column('office', 'receipt_two_copies', BooleanField(default=False)),
        migrator.add_column('fee', 'online_percent', IntegerField(default=100)),
        migrator.drop_not_null('fee', 'amount'),
        migrator.add_column('dossier', 'id_kind', CharField(default='personal')),
        migrator.add_column('dossier', 'representative_name', CharField(default='')),
        migrator.add_column('dossier', 'representative_id_kind', CharField(default='')),
        migrator.add_column('dossier', 'representative_id_number', CharField(default='')),
        migrator.add_column('dossier', 'request_subject', CharField(default='')),
        migrator.add_column('dossier', 'delivery_method', CharField(default='counter')),
        migrator.add_column('dossier', 'delivery_address', CharField(default='')),
        migrator.add_column('dossier', 'register_book', IntegerField(null=True)),
        migrator.add_column('dossier', 'register_number', IntegerField(null=True)),
        migrator.add_column('dossier_component', 'pages', IntegerField(default=0)),
        migrator.drop_not_null('dossier_fee', 'amount'),
        migrator.add_column('dossier_fee', 'paid_at', TextField(null=True)),
        migrator.add_column('dossier_fee', 'payment_method', CharField(default='')),
        migrator.add_column('dossier_fee', 'receipt_no', CharField(default='')),
        migrator.add_column('dossier_fee', 'collected_by_id',
                            ForeignKeyField(User, field=User.id, null=True, on_delete='RESTRICT')),
        migrator.add_index('dossier_fee', ('paid_at',), False),
    )
    # Dossiers received before: a business's id is its business code, other organisations' their code.
    db.execute_sql("UPDATE dossier SET id_kind = 'business' WHERE applicant_type = 2")
    db.execute_sql("UPDATE dossier SET id_kind = 'organisation' WHERE applicant_type IN (3, 4)")


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('dossier_fee', 'dossier_fee_paid_at'),
        migrator.drop_column('dossier_fee', 'collected_by_id'),
        migrator.drop_column('dossier_fee', 'receipt_no'),
        migrator.drop_column('dossier_fee', 'payment_method'),
        migrator.drop_column('dossier_fee', 'paid_at'),
        migrator.drop_column('dossier_component', 'pages'),
        *(migrator.drop_column('dossier', c) for c in (
            'register_number', 'register_book', 'delivery_address', 'delivery_method', 'request_subject',
            'representative_id_number', 'representative_id_kind', 'representative_name', 'id_kind')),
        migrator.drop_column('fee', 'online_percent'),
        migrator.drop_column('office', 'receipt_two_copies'),
        migrator.drop_table('yearly_sequence'),
    )
