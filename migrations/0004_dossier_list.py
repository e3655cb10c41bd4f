"""The dossier list: an index per filter in newest-first order, and the folded-token search table.

Existing dossiers get their tokens here; the tokenizer is a frozen copy of services.dossiers.tokens_for.
"""
import re
import unicodedata

from peewee import *


def _fold(value):
    text = unicodedata.normalize("NFD", (value or "").lower().replace("đ", "d").replace("Đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.split())


def _tokens(code, name, id_number, phone):
    code = _fold(code)
    words = {code, "-".join(code.split("-")[-2:]), _fold(id_number), _fold(phone)}
    words.update(re.findall(r"\w+", _fold(name)))
    return {w[:64] for w in words if w}


def up(migrator, db):
    migrator.migrate(migrator.drop_index("dossier", "dossier_status"))
    for column in ("status", "channel", "version_id", "received_by_id"):
        migrator.migrate(migrator.add_index("dossier", (column, "received_at", "id"), False))

    class Dossier(Model):
        code = CharField()
        applicant_name = CharField()
        id_number = CharField()
        phone = CharField()

        class Meta:
            database = db
            table_name = "dossier"

    class DossierToken(Model):
        token = CharField()
        dossier = ForeignKeyField(Dossier, on_delete="CASCADE", index=False)

        class Meta:
            database = db
            table_name = "dossier_token"
            primary_key = CompositeKey("token", "dossier")
            indexes = ((("dossier", "token"), False),)

    db.create_tables([DossierToken])
    rows = []
    for d in Dossier.select(Dossier.id, Dossier.code, Dossier.applicant_name, Dossier.id_number,
                            Dossier.phone).iterator():
        rows.extend((t, d.id) for t in _tokens(d.code, d.applicant_name, d.id_number, d.phone))
        if len(rows) >= 5000:
            DossierToken.insert_many(rows, fields=[DossierToken.token, DossierToken.dossier]).execute()
            rows = []
    if rows:
        DossierToken.insert_many(rows, fields=[DossierToken.token, DossierToken.dossier]).execute()
