"""A dossier's history as data: status events, and the state derived from them (DOMAIN §3-§4).

The events are the record; `derive` folds them into the current status, the current and original
appointments, the paused working time and the on-time verdict. `apply` copies that state onto the
dossier row so that deadline lists are plain indexed queries.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from models import Dossier, StatusEvent
from services import audit, checklists
from services.calendar import WorkCalendar
from services.database import write_transaction

ENDINGS = {"refuse": "refused", "withdraw": "withdrawn", "stop": "stopped", "settle": "settled"}
OPEN_STATUSES = (2, 4, 6)  # the clock runs: accepted, processing, fee requested (5 is paused)
WARN_SHARE = (3, 4)  # more than 3/4 of the allotted working time used


@dataclass(frozen=True)
class State:
    status: int
    appointment: dt.datetime | None
    original_appointment: dt.datetime | None
    clock_start: dt.datetime | None
    paused_minutes: int
    paused_since: dt.datetime | None
    supplements: int
    extensions: int
    ended_at: dt.datetime | None
    end_kind: str
    late: bool | None  # the verdict, once processing has ended

    def late_so_far(self, at: dt.datetime) -> bool:
        """Counts as late already: the verdict once ended; before that an extension, more than one
        supplement request, or a running clock past the appointment."""
        if self.ended_at is not None:
            return bool(self.late)
        if self.extensions or self.supplements > 1:
            return True
        return self.status in OPEN_STATUSES and self.appointment is not None and at > self.appointment


def derive(events: list[StatusEvent]) -> State:
    """Fold the events (in the order they happened) into the dossier's state."""
    status, appointment, original, clock_start = 1, None, None, None
    paused = supplements = extensions = 0
    paused_since = ended_at = None
    end_kind = ""
    for event in events:
        status = event.status
        if event.appointment_at is not None:
            if original is None:
                original, clock_start = event.appointment_at, event.at
            appointment = event.appointment_at
        paused += event.paused_minutes
        if event.action == "request-supplement":
            supplements += 1
            paused_since = event.at
        elif event.action == "receive-supplement":
            paused_since = None
        elif event.action == "extend":
            extensions += 1
        if event.action in ENDINGS and ended_at is None:
            ended_at, end_kind = event.at, ENDINGS[event.action]
    late = None
    if ended_at is not None:
        late = bool(extensions or supplements > 1 or (appointment is not None and ended_at > appointment))
    return State(status, appointment, original, clock_start, paused, paused_since if status == 5 else None,
                 supplements, extensions, ended_at, end_kind, late)


def events_of(dossier: Dossier) -> list[StatusEvent]:
    return list(StatusEvent.select().where(StatusEvent.dossier == dossier)
                .order_by(StatusEvent.at, StatusEvent.id))


def allotted_minutes(state: State, calendar: WorkCalendar) -> int | None:
    """The working time given to process the dossier: clock start to appointment, minus pauses."""
    if state.clock_start is None or state.appointment is None:
        return None
    start = calendar.effective_receipt(state.clock_start)
    return max(calendar.working_minutes_between(start, state.appointment) - state.paused_minutes, 0)


def warn_at(state: State, calendar: WorkCalendar) -> dt.datetime | None:
    """The moment the share of time used passes 75% (pauses before it are not counted as used)."""
    total = allotted_minutes(state, calendar)
    if total is None:
        return None
    used = total * WARN_SHARE[0] // WARN_SHARE[1]
    return calendar.add_working_minutes(state.clock_start, state.paused_minutes + used)


def fill_warn_at(calendar: WorkCalendar, batch: int = 500) -> int:
    """Give open dossiers that lack it their 75% moment, derived from their events. Dossiers received
    before processing existed (migration 0006) have none, so the deadline board would never list them as
    past 75%. Found through the (status, warn_at) index, a batch of events per query; safe to run twice.
    Returns how many dossiers were filled."""
    filled, last_id = 0, 0
    while True:
        chunk = list(Dossier.select(Dossier.id, Dossier.code)
                     .where(Dossier.status.in_((*OPEN_STATUSES, 5)) & Dossier.warn_at.is_null()
                            & (Dossier.id > last_id))
                     .order_by(Dossier.id).limit(batch))
        if not chunk:
            break
        last_id = chunk[-1].id
        events: dict[int, list[StatusEvent]] = {}
        for event in (StatusEvent.select().where(StatusEvent.dossier.in_([d.id for d in chunk]))
                      .order_by(StatusEvent.at, StatusEvent.id)):
            events.setdefault(event.dossier_id, []).append(event)
        moments = {d.id: warn_at(derive(events[d.id]), calendar) for d in chunk if d.id in events}
        moments = {k: v for k, v in moments.items() if v is not None}
        if moments:
            with write_transaction():
                for dossier_id, moment in moments.items():
                    Dossier.update(warn_at=moment).where(Dossier.id == dossier_id).execute()
                audit.record("init-db", "dossier.fill-warn-at", "dossier", f"{chunk[0].code}..{chunk[-1].code}",
                             None, {"filled": len(moments)})
            filled += len(moments)
    return filled


def apply(dossier: Dossier, state: State, calendar: WorkCalendar) -> None:
    """Copy the derived state onto the dossier row (the caller saves it in its transaction)."""
    dossier.status = state.status
    if state.appointment is not None:
        dossier.appointment_at = state.appointment
    dossier.original_appointment_at = state.original_appointment
    dossier.paused_minutes = state.paused_minutes
    dossier.ended_at = state.ended_at
    dossier.end_kind = state.end_kind
    dossier.late = state.late
    dossier.warn_at = warn_at(state, calendar)


def record_receipt(dossier: Dossier, calendar: WorkCalendar, actor: str, user=None) -> StatusEvent:
    """The first event of a dossier (received at the counter: 2, registered online: 1) and its own
    copy of the procedure's checklist. Call inside the transaction that saves the dossier."""
    event = StatusEvent.create(
        dossier=dossier, action="receive", status=dossier.status, at=dossier.received_at, actor=actor,
        user=user, appointment_at=dossier.appointment_at if dossier.status != 1 else None)
    apply(dossier, derive([event]), calendar)
    dossier.secret = secrets.token_urlsafe(9)
    dossier.save()
    checklists.copy_to(dossier)
    return event


@dataclass(frozen=True)
class Progress:
    total: int  # allotted working minutes
    left: int  # working minutes left (negative when overdue)
    percent: int  # share of the time used, 0..100+


def progress(dossier: Dossier, state: State, calendar: WorkCalendar, at: dt.datetime) -> Progress | None:
    """Working time left and the share used, for an open dossier with an appointment."""
    total = allotted_minutes(state, calendar)
    if total is None or state.ended_at is not None:
        return None
    until = state.paused_since or at
    if until <= state.appointment:
        left = calendar.working_minutes_between(until, state.appointment)
    else:
        left = -calendar.working_minutes_between(state.appointment, until)
    used = total - left
    percent = 100 * used // total if total else 100
    return Progress(total, left, max(percent, 0))


def public(dossier: Dossier) -> dict:
    """The history anyone holding the code may see: statuses and times, no names."""
    events = events_of(dossier)
    state = derive(events)
    out = {"appointment": state.appointment.isoformat() if state.appointment else None,
           "history": [{"status": e.status, "at": e.at.isoformat()} for e in events]}
    if state.ended_at is not None:
        out["late"] = state.late
    return out
