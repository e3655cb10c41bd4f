"""Electronic results: result documents, exemptions from them, the organisation's keystore (frozen
copies), and the procedure-version flag saying a result must be signed before settling."""
from peewee import *

# The seeded procedures that issue a result of their own (civil status, residence, disability);
# certifications make their electronic copy at the counter, a stay notice needs no document.
ISSUING = ('1.001193', '1.000894', '1.000656', '1.004873', '2.000635', '1.001022', '1.004222', '1.001699')


def up(migrator, db):
    class Dossier(Model):
        class Meta:
            database = db
            table_name = 'dossier'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class StoredFile(Model):
        class Meta:
            database = db
            table_name = 'stored_file'

    class ResultDocument(Model):
        dossier = ForeignKeyField(Dossier, on_delete='CASCADE')
        kind = CharField()
        number = CharField(default='')
        title = CharField(default='')
        body = TextField(default='')
        signer_title = CharField(default='')
        signer_name = CharField(default='')
        verify_key = CharField(unique=True)
        layout = TextField(null=True)
        draft = ForeignKeyField(StoredFile, backref='+', on_delete='RESTRICT')
        prepared = ForeignKeyField(StoredFile, null=True, backref='+', on_delete='RESTRICT')
        signed = ForeignKeyField(StoredFile, null=True, backref='+', on_delete='RESTRICT')
        created_by = ForeignKeyField(User, backref='+', on_delete='RESTRICT')
        created_at = TextField()
        signed_by = ForeignKeyField(User, null=True, backref='+', on_delete='RESTRICT')
        signed_at = TextField(null=True)
        class Meta:
            database = db
            table_name = 'result_document'

    class ResultExemption(Model):
        dossier = ForeignKeyField(Dossier, unique=True, on_delete='CASCADE')
        reason = TextField()
        user = ForeignKeyField(User, backref='+', on_delete='RESTRICT')
        at = TextField()
        class Meta:
            database = db
            table_name = 'result_exemption'

    class OrgKeystore(Model):
        file = ForeignKeyField(StoredFile, backref='+', on_delete='RESTRICT')
        seal = ForeignKeyField(StoredFile, null=True, backref='+', on_delete='RESTRICT')
        subject = CharField()
        fingerprint = CharField()
        not_after = TextField()
        added_at = TextField()
        added_by = CharField()
        class Meta:
            database = db
            table_name = 'org_keystore'
    db.create_tables([ResultDocument, ResultExemption, OrgKeystore])

    migrator.migrate(migrator.add_column('procedure_version', 'issues_result', BooleanField(default=False)))
    marks = ', '.join(db.param for _ in ISSUING)
    db.execute_sql(f'UPDATE "procedure_version" SET "issues_result" = {db.param} WHERE "procedure_id" IN '
                   f'(SELECT "id" FROM "procedure" WHERE "code" IN ({marks}))', (True, *ISSUING))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('procedure_version', 'issues_result'))
    migrator.migrate(migrator.drop_table('org_keystore'))
    migrator.migrate(migrator.drop_table('result_exemption'))
    migrator.migrate(migrator.drop_table('result_document'))
