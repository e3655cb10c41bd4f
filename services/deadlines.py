"""Deadline watch: open dossiers by risk, found by indexed queries on the dossier row (never a loop).

Four lists, each dossier in the most urgent one only: overdue (the appointment has passed); due today;
due by the end of the next working day; more than 75% of the working time used (services.history.warn_at).
Only running clocks count: accepted, processing, fee requested. A paused dossier (supplement requested)
is not at risk: its appointment moves when the supplement comes back.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Select, fn

from models import Dossier, Procedure, ProcedureVersion, StatusEvent, User, now
from services import accounts, audit
from services.calendar import VN_TZ, WorkCalendar
from services.database import write_transaction
from services.history import OPEN_STATUSES
from services.text import N_, nfc

KINDS = ("overdue", "due_today", "due_next_working_day", "over_75_percent")
# The rule table: a dossier's list -> what the office must do about it.
RULES = {
    "over_75_percent": ("officer", N_("The officer is warned: more than 75%% of the time is used.")),
    "due_next_working_day": ("officer", N_("The officer is warned: due by the end of the next working day.")),
    "due_today": ("leader", N_("The leader is warned: due today.")),
    "overdue": ("report", N_("Overdue: the officer writes a delay report with its cause and remedy for the leader.")),
}


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
           assignee_id: int | None = None, kinds: tuple[str, ...] = KINDS) -> dict[str, int]:
    """How many dossiers are in each of ``kinds``: one query of one indexed count per list. The first
    three are read from the (status, appointment_at) index alone; "over_75_percent" also reads the row
    of each dossier past its 75% moment, so the navigation bar, which does not show it, leaves it out."""
    conds = conditions(bounds(calendar, at))
    columns = [_scoped(Dossier.select(fn.COUNT(Dossier.id)).where(conds[kind]), unit_id, assignee_id).alias(kind)
               for kind in kinds]
    row = Select(columns=columns).bind(Dossier._meta.database).dicts().get()
    return {kind: int(row[kind] or 0) for kind in kinds}


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


def kind_of(dossier: Dossier, calendar: WorkCalendar, at: dt.datetime) -> str | None:
    """The one list a dossier is in at `at` (the same conditions as the queries), or None."""
    if dossier.status not in OPEN_STATUSES or dossier.appointment_at is None:
        return None
    b = bounds(calendar, at)
    due = dossier.appointment_at
    if due < b.at:
        return "overdue"
    if due < b.today_end:
        return "due_today"
    if due < b.next_end:
        return "due_next_working_day"
    if dossier.warn_at is not None and dossier.warn_at < b.at:
        return "over_75_percent"
    return None


class DelayReportError(ValueError):
    pass


def needs_report(dossier: Dossier, calendar: WorkCalendar, at: dt.datetime) -> bool:
    """Overdue and no delay report since the appointment passed."""
    if kind_of(dossier, calendar, at) != "overdue":
        return False
    return not (StatusEvent.select().where((StatusEvent.dossier == dossier) & (StatusEvent.action == "delay-report")
                                           & (StatusEvent.at >= dossier.appointment_at)).exists())


def report_delay(code: str, cause: str, remedy: str, user: User) -> StatusEvent:
    """The delay report of an overdue dossier, kept with it (a step of its history) and shown to the leader."""
    cause, remedy = nfc(cause)[:2000], nfc(remedy)[:2000]
    if not accounts.can(user, "dossier.process"):
        raise DelayReportError(N_("Your role may not do this."))
    if not cause or not remedy:
        raise DelayReportError(N_("Please write the cause and the remedy."))
    at = now()
    with write_transaction():
        dossier = Dossier.get(Dossier.code == code)
        event = StatusEvent.create(dossier=dossier, action="delay-report", status=dossier.status, at=at,
                                   entered_at=at, actor=user.username, user=user, note=cause,
                                   details={"remedy": remedy})
        audit.record(user.username, "dossier.delay-report", "dossier", dossier.code, None,
                     {"cause": cause, "remedy": remedy})
        from services import notifications  # it imports this module

        notifications.on_event(dossier, event)
    return event


def delay_reports(limit: int = 50):
    """The latest delay reports of dossiers still open, for the leader (an un-executed query)."""
    return (StatusEvent.select(StatusEvent, Dossier, User).join(Dossier)
            .switch(StatusEvent).join(User, JOIN.LEFT_OUTER, on=StatusEvent.user)
            .where((StatusEvent.action == "delay-report") & Dossier.status.in_(OPEN_STATUSES))
            .order_by(StatusEvent.at.desc()).limit(limit))
