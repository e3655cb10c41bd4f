"""The dossier register (form 07): one row per dossier received in a date range, in one query."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Case, fn

from models import Dossier, Procedure, ProcedureVersion, StatusEvent
from services.calendar import VN_TZ

MAX_DAYS = 366


@dataclass(frozen=True)
class RegisterRow:
    code: str
    procedure: str
    applicant: str
    address: str
    phone: str
    received_at: dt.datetime
    appointment_at: dt.datetime | None
    started_at: dt.datetime | None
    settled_at: dt.datetime | None
    returned_at: dt.datetime | None
    end_kind: str
    late: bool | None


def _time(value) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def rows(start: dt.date, end: dt.date, unit_id: int | None = None) -> list[RegisterRow]:
    """Dossiers received from `start` to `end` (both included), oldest first."""
    first = dt.datetime.combine(start, dt.time(0), VN_TZ)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), VN_TZ)

    def first_at(action):
        return fn.MIN(Case(None, [(StatusEvent.action == action, StatusEvent.at)], None))

    query = (Dossier.select(Dossier.code, Procedure.name.alias("procedure"), Dossier.applicant_name,
                            Dossier.address, Dossier.phone, Dossier.received_at, Dossier.appointment_at,
                            Dossier.original_appointment_at, Dossier.end_kind, Dossier.late,
                            first_at("start").alias("started_at"), first_at("settle").alias("settled_at"),
                            first_at("return").alias("returned_at"))
             .join(ProcedureVersion).join(Procedure)
             .switch(Dossier).join(StatusEvent, JOIN.LEFT_OUTER, on=(StatusEvent.dossier == Dossier.id))
             .where((Dossier.received_at >= first) & (Dossier.received_at < after))
             .group_by(Dossier.id, Procedure.name).order_by(Dossier.received_at, Dossier.id))
    if unit_id:
        query = query.where(Dossier.unit == unit_id)
    return [RegisterRow(r["code"], r["procedure"], r["applicant_name"], r["address"], r["phone"],
                        _time(r["received_at"]),
                        _time(r["appointment_at"]) if r["original_appointment_at"] else None,
                        _time(r["started_at"]), _time(r["settled_at"]), _time(r["returned_at"]),
                        r["end_kind"], r["late"])
            for r in query.dicts()]
