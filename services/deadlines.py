"""Deadline watch: open dossiers by risk, found by indexed queries on the dossier row (never a loop).

Four lists, each dossier in the most urgent one only: overdue (the appointment has passed); due today;
due by the end of the next working day; more than 75% of the working time used (services.history.warn_at).
Only running clocks count: accepted, processing, fee requested. A paused dossier (supplement requested)
is not at risk: its appointment moves when the supplement comes back.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Case, fn

from models import Dossier, Procedure, ProcedureVersion, User
from services.calendar import VN_TZ, WorkCalendar
from services.history import OPEN_STATUSES

KINDS = ("overdue", "due_today", "due_next_working_day", "over_75_percent")


@dataclass(frozen=True)
class Bounds:
    at: dt.datetime
    today_end: dt.datetime
    next_end: dt.datetime


def bounds(calendar: WorkCalendar, at: dt.datetime) -> Bounds:
    at = at.astimezone(VN_TZ)
    today_end = dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time(0), VN_TZ)
    next_day = calendar.next_working_day(at.date())
    return Bounds(at, today_end, dt.datetime.combine(next_day + dt.timedelta(days=1), dt.time(0), VN_TZ))


def conditions(b: Bounds) -> dict:
    running = Dossier.status.in_(OPEN_STATUSES)
    due = Dossier.appointment_at
    return {
        "overdue": running & (due < b.at),
        "due_today": running & (due >= b.at) & (due < b.today_end),
        "due_next_working_day": running & (due >= b.today_end) & (due < b.next_end),
        "over_75_percent": running & (due >= b.next_end) & (Dossier.warn_at < b.at),
    }


def _scoped(query, unit_id: int | None = None, assignee_id: int | None = None):
    if unit_id:
        query = query.where(Dossier.unit == unit_id)
    if assignee_id:
        query = query.where(Dossier.assignee == assignee_id)
    return query


def codes(calendar: WorkCalendar, at: dt.datetime) -> dict[str, list[str]]:
    """{kind: [dossier codes]} in order of appointment: one query per list."""
    return {kind: [row.code for row in Dossier.select(Dossier.code).where(cond)
                   .order_by(Dossier.appointment_at, Dossier.id)]
            for kind, cond in conditions(bounds(calendar, at)).items()}


def counts(calendar: WorkCalendar, at: dt.datetime, unit_id: int | None = None,
           assignee_id: int | None = None) -> dict[str, int]:
    """How many dossiers are in each list: one query."""
    conds = conditions(bounds(calendar, at))
    columns = [fn.COALESCE(fn.SUM(Case(None, [(cond, 1)], 0)), 0).alias(kind) for kind, cond in conds.items()]
    query = _scoped(Dossier.select(*columns).where(Dossier.status.in_(OPEN_STATUSES)), unit_id, assignee_id)
    row = query.dicts().get()
    return {kind: int(row[kind] or 0) for kind in KINDS}


def board(calendar: WorkCalendar, at: dt.datetime, unit_id: int | None = None,
          assignee_id: int | None = None, limit: int = 200) -> dict[str, list[Dossier]]:
    """The dossiers of each list with their procedure and officer (one query per list)."""
    out = {}
    for kind, cond in conditions(bounds(calendar, at)).items():
        query = (Dossier.select(Dossier, ProcedureVersion, Procedure, User)
                 .join(ProcedureVersion).join(Procedure)
                 .switch(Dossier).join(User, JOIN.LEFT_OUTER, on=Dossier.assignee)
                 .where(cond).order_by(Dossier.appointment_at, Dossier.id).limit(limit))
        out[kind] = list(_scoped(query, unit_id, assignee_id))
    return out
