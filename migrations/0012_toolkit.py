"""The toolkit: materials and their versions, and the office's wording of the communication
templates (frozen copies of Material, MaterialVersion and TemplateText)."""
from peewee import *


def up(migrator, db):
    class StoredFile(Model):
        class Meta:
            database = db
            table_name = 'stored_file'

    class Material(Model):
        title = CharField()
        description = TextField(default='')
        topic = CharField(index=True)
        audience = CharField(index=True)
        search_key = TextField(default='')
        version = IntegerField(default=1)
        file = ForeignKeyField(StoredFile, on_delete='RESTRICT')
        file_name = CharField()
        mime = CharField()
        size = IntegerField()
        downloads = IntegerField(default=0)
        starter = CharField(default='')
        updated_at = TextField(index=True)
        created_by = CharField()
        class Meta:
            database = db
            table_name = 'material'

    class MaterialVersion(Model):
        material = ForeignKeyField(Material, on_delete='CASCADE')
        number = IntegerField()
        file = ForeignKeyField(StoredFile, on_delete='RESTRICT')
        file_name = CharField()
        mime = CharField()
        size = IntegerField()
        note = CharField(default='')
        uploaded_at = TextField()
        uploaded_by = CharField()
        class Meta:
            database = db
            table_name = 'material_version'
            indexes = ((('material', 'number'), True),)

    class TemplateText(Model):
        slug = CharField()
        field = CharField()
        text = TextField()
        updated_at = TextField()
        updated_by = CharField()
        class Meta:
            database = db
            table_name = 'template_text'
            indexes = ((('slug', 'field'), True),)

    db.create_tables([Material, MaterialVersion, TemplateText])


def down(migrator, db):
    for table in ('template_text', 'material_version', 'material'):
        migrator.migrate(migrator.drop_table(table))
