"""The procedure catalog: seed loading, search, the version in force on a day."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from models import Component, Fee, Procedure, ProcedureVersion
from services import audit
from services.database import write_transaction
from services.text import fold, nfc, search_words

SEED_FILE = Path(__file__).resolve().parent.parent / "seed" / "catalog.json"


def load_seed(path: Path = SEED_FILE, actor: str = "system") -> int:
    """Add the seed procedures that are not in the catalog yet. Returns how many were added."""
    data = json.loads(path.read_text(encoding="utf-8"))
    effective_from = dt.date.fromisoformat(data["effective_from"])
    added = 0
    with write_transaction():
        for item in data["procedures"]:
            if Procedure.get_or_none(Procedure.code == item["code"]):
                continue
            name = nfc(item["name"])
            procedure = Procedure.create(code=item["code"], name=name, field=nfc(item["field"]),
                                         search_key=fold(f"{item['code']} {name}"))
            kind, value = item["time_limit"]
            version = ProcedureVersion.create(
                procedure=procedure, version=1, effective_from=effective_from,
                time_limit_kind=kind, time_limit_value=value, result_name=nfc(item["result"]),
                paper_result=item.get("paper_result", True), issues_result=item.get("issues_result", False))
            for position, (cname, originals, copies) in enumerate(item["components"], start=1):
                Component.create(version=version, position=position, name=nfc(cname),
                                 originals=originals, copies=copies)
            for fname, fkind, amount in item["fees"]:
                Fee.create(version=version, name=nfc(fname), kind=fkind, amount=amount)
            audit.record(actor, "procedure.create", "procedure", procedure.code, None,
                         {"name": name, "version": 1, "time_limit": [kind, value]})
            added += 1
    return added


def search(query: str, limit: int = 20):
    """Procedures whose code or name contains every word typed, accents and case ignored."""
    q = Procedure.select().order_by(Procedure.code)
    for word in search_words(query):
        q = q.where(Procedure.search_key.contains(word))
    return q.limit(limit)


def version_in_force(procedure: Procedure, on: dt.date) -> ProcedureVersion | None:
    return (ProcedureVersion.select()
            .where((ProcedureVersion.procedure == procedure) & (ProcedureVersion.effective_from <= on))
            .order_by(ProcedureVersion.effective_from.desc(), ProcedureVersion.version.desc())
            .first())


def in_force(on: dt.date) -> list[tuple[Procedure, ProcedureVersion, list[Fee]]]:
    """Every procedure with its version in force on a day and that version's fees, in three queries."""
    versions = (ProcedureVersion.select(ProcedureVersion, Procedure).join(Procedure)
                .where(ProcedureVersion.effective_from <= on)
                .order_by(Procedure.code, ProcedureVersion.effective_from, ProcedureVersion.version))
    current: dict[int, ProcedureVersion] = {}
    for version in versions:  # ascending, so the last one seen per procedure is the one in force
        current[version.procedure_id] = version
    fees: dict[int, list[Fee]] = {v.id: [] for v in current.values()}
    for fee in Fee.select().where(Fee.version.in_(list(fees))).order_by(Fee.id):
        fees[fee.version_id].append(fee)
    return [(v.procedure, v, fees[v.id]) for v in current.values()]


def find(code: str) -> Procedure | None:
    return Procedure.get_or_none(Procedure.code == (code or "").strip())
