"""What may happen to a dossier next: one table of transitions, and the one function that performs them.

Each row: the action (national status codes, DOMAIN §3), the statuses it applies to, the status it
leads to, the permission (services.accounts.PERMISSIONS) it needs, and the fields it requires.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import fn

from models import Dossier, DossierComponent, StatusEvent, User, now
from services import accounts, audit, history, notifications, results, storage
from services.calendar import VN_TZ, WorkCalendar
from services.database import write_transaction
from services.text import N_, nfc

MAX_NOTE = 2000


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[int]
    target: int | None  # None: the status does not change (an extension)
    permission: str
    required: tuple[str, ...] = ()
    label: str = ""
    asks: tuple[str, ...] = ()  # further fields the page asks for (details of the event)
    page_requires: tuple[str, ...] = ()  # of those, the ones the page will not go without


def _t(action, sources, target, permission, required=(), label="", asks=(), page_requires=()):
    return Transition(action, frozenset(sources), target, permission, tuple(required), label,
                      tuple(asks), tuple(page_requires))


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    _t("accept", {1}, 2, "dossier.accept", (), N_("Accept the dossier")),
    _t("refuse", {1}, 3, "dossier.accept", ("reason",), N_("Refuse the dossier")),
    _t("start", {2, 6}, 4, "dossier.process", (), N_("Start processing")),
    _t("request-supplement", {2, 4}, 5, "dossier.process", ("reason",), N_("Request a supplement"),
       ("items", "contact"), ("items",)),
    _t("receive-supplement", {5}, 4, "dossier.supplement", (), N_("Supplement received"), ("scans",)),
    _t("request-fee", {4}, 6, "dossier.process", (), N_("Request fees")),
    _t("withdraw", {1, 2, 4, 5, 6}, 7, "dossier.counter", ("reason",), N_("Withdrawn at the applicant's request")),
    _t("stop", {2, 4, 5, 6}, 8, "dossier.process", ("reason",), N_("Stop processing")),
    _t("settle", {2, 4, 6}, 9, "dossier.process", (), N_("Settled: result ready")),
    _t("return", {9}, 10, "dossier.counter", (), N_("Result returned"), ("method", "recipient"),
       ("method", "recipient")),
    _t("extend", {2, 4, 6}, None, "dossier.extend", ("reason", "appointment"), N_("Apologise and extend"),
       ("remedy",), ("remedy",)),
)}
ACTIONS = tuple(TRANSITIONS)
RETURN_METHODS = {"counter": N_("At the counter"), "post": N_("By post"), "online": N_("Online")}


class TransitionError(ValueError):
    """A refused transition; `message` is a msgid for the catalog, `params` its values."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


@dataclass
class EventInput:
    """What a person asks for: the action, when it happened, and its fields."""

    action: str
    at: dt.datetime | None = None
    reason: str = ""
    appointment: dt.datetime | None = None
    details: dict = field(default_factory=dict)  # remedy, missing items, contact, return method, recipient
    files: list[tuple[str, str, int, str]] = field(default_factory=list)  # (name, sha256, size, mime), on disk


def allowed(dossier: Dossier, user) -> list[Transition]:
    """The transitions this user may perform on this dossier now."""
    return [t for t in TRANSITIONS.values()
            if dossier.status in t.sources and accounts.can(user, t.permission)]


def _check(dossier: Dossier, user, data: EventInput, last_at: dt.datetime, at_now: dt.datetime) -> Transition:
    transition = TRANSITIONS.get(data.action)
    if transition is None:
        raise TransitionError(N_("Unknown action %(action)s."), action=data.action)
    if user is None or not getattr(user, "active", False):
        raise TransitionError(N_("Unknown or inactive user."))
    if not accounts.can(user, transition.permission):
        raise TransitionError(N_("Your role may not do this."))
    if dossier.status not in transition.sources:
        raise TransitionError(N_("This step is not possible for a dossier in its current status."))
    if "reason" in transition.required and not data.reason:
        raise TransitionError(N_("Please write the reason."))
    if "appointment" in transition.required and data.appointment is None:
        raise TransitionError(N_("Please give the new appointment."))
    _check_time(data.at, last_at, at_now)
    return transition


def _check_time(at: dt.datetime, last_at: dt.datetime, at_now: dt.datetime) -> None:
    if at > at_now:
        raise TransitionError(N_("The time of the event cannot be in the future."))
    if at < last_at:
        raise TransitionError(N_("The time of the event cannot be before the dossier's last event."))


def is_office_minute(calendar: WorkCalendar, at: dt.datetime) -> bool:
    """A minute inside office hours of a working day (a period's closing minute included)."""
    at = at.astimezone(VN_TZ)
    if not calendar.is_working_day(at.date()) or at.second or at.microsecond:
        return False
    return any(start <= at.time() <= end for start, end in calendar.hours.periods)


def day_minutes(calendar: WorkCalendar) -> int:
    day = dt.date(2000, 1, 1)
    return sum((dt.datetime.combine(day, end) - dt.datetime.combine(day, start)).seconds // 60
               for start, end in calendar.hours.periods)


def _extension(state: history.State, data: EventInput, calendar: WorkCalendar, max_extensions: int) -> None:
    """Form 04: before the appointment by at least one working day, to an office minute, within the limit."""
    if state.extensions >= max_extensions:
        raise TransitionError(N_("This dossier has already been extended as many times as the office allows."))
    if state.appointment is None or calendar.add_working_minutes(data.at, day_minutes(calendar)) > state.appointment:
        raise TransitionError(N_("An apology and extension must be made at least one working day before the appointment."))
    if data.appointment <= state.appointment:
        raise TransitionError(N_("The new appointment must be later than the current one."))
    if not is_office_minute(calendar, data.appointment):
        raise TransitionError(N_("The new appointment must fall within office hours on a working day."))


def _attach(dossier: Dossier, files: list[tuple[str, str, int, str]], event: StatusEvent) -> None:
    """Scans brought with a supplement become components of the dossier (digitised)."""
    last = (DossierComponent.select(fn.MAX(DossierComponent.position))
            .where(DossierComponent.dossier == dossier).scalar() or 0)
    for offset, (name, digest, size, mime) in enumerate(files, 1):
        DossierComponent.create(dossier=dossier, position=last + offset, name=f"Bổ sung: {nfc(name)[:200]}",
                                originals=0, copies=0, file=storage.file_row(digest, size, mime),
                                file_name=nfc(name)[:250], digitised=True)
    event.details = {**(event.details or {}), "scans": str(len(files))}
    event.save()


def perform(code: str, data: EventInput, user: User | None, calendar: WorkCalendar,
            max_extensions: int = 1, actor: str | None = None) -> tuple[Dossier, history.State]:
    """Record one event, in one transaction with its audit event. Raises TransitionError, changing nothing."""
    at_now = now()
    data.at = (data.at or at_now).astimezone(VN_TZ).replace(microsecond=0)
    data.reason = nfc(data.reason)[:MAX_NOTE]
    data.details = {k: nfc(str(v))[:MAX_NOTE] for k, v in data.details.items() if nfc(str(v))}
    with write_transaction():
        dossier = Dossier.get_or_none(Dossier.code == code)
        if dossier is None:
            raise TransitionError(N_("No dossier has the code %(code)s."), code=code)
        events = history.events_of(dossier)
        before = history.derive(events)
        transition = _check(dossier, user, data, events[-1].at if events else dossier.received_at, at_now)
        if transition.target == 9 and not results.may_settle(dossier):
            raise TransitionError(N_("This dossier cannot be settled without its signed electronic result, "
                                     "unless the leader records an exemption with a reason."))
        appointment, paused, details = None, 0, dict(data.details)
        if data.action == "accept":
            version = dossier.version
            appointment = calendar.appointment(data.at, version.time_limit_kind, version.time_limit_value)
        elif data.action == "receive-supplement":
            paused = calendar.working_minutes_between(before.paused_since, data.at)
            appointment = (calendar.add_working_minutes(before.appointment, paused)
                           if paused and before.appointment else None)
        elif data.action == "extend":
            _extension(before, data, calendar, max_extensions)
            appointment = data.appointment.astimezone(VN_TZ)
            details["previous_appointment"] = before.appointment.isoformat()
        if data.action == "start" and dossier.assignee_id is None:
            dossier.assignee = user
            dossier.unit = user.unit_id
        event = StatusEvent.create(
            dossier=dossier, action=data.action,
            status=dossier.status if transition.target is None else transition.target,
            at=data.at, entered_at=at_now, actor=actor or user.username, user=user, note=data.reason,
            appointment_at=appointment, paused_minutes=paused, details=details or None)
        if data.files:
            _attach(dossier, data.files, event)
        state = history.derive([*events, event])
        history.apply(dossier, state, calendar)
        dossier.save()
        notifications.on_event(dossier, event)
        audit.record(actor or user.username, f"dossier.{data.action}", "dossier", dossier.code,
                     {"status": before.status,
                      "appointment_at": before.appointment.isoformat() if before.appointment else None},
                     {"status": state.status, "at": data.at.isoformat(), "entered_at": at_now.isoformat(),
                      "appointment_at": state.appointment.isoformat() if state.appointment else None,
                      "paused_minutes": state.paused_minutes, "note": data.reason, **details})
    return dossier, state


ASSIGNABLE_ROLES = ("specialist", "leader", "intake")


def assign(code: str, officer: User, by: User | None, at: dt.datetime | None = None, note: str = "",
           actor: str | None = None) -> Dossier:
    """Hand the dossier over to an officer (a row of the control slip); the status does not change."""
    at_now = now()
    at = (at or at_now).astimezone(VN_TZ).replace(microsecond=0)
    with write_transaction():
        dossier = Dossier.get_or_none(Dossier.code == code)
        if dossier is None:
            raise TransitionError(N_("No dossier has the code %(code)s."), code=code)
        if by is None or not getattr(by, "active", False):
            raise TransitionError(N_("Unknown or inactive user."))
        if not accounts.can(by, "dossier.assign"):
            raise TransitionError(N_("Your role may not do this."))
        if officer is None or not officer.active or officer.role not in ASSIGNABLE_ROLES:
            raise TransitionError(N_("Choose an officer who processes dossiers."))
        events = history.events_of(dossier)
        state = history.derive(events)
        if state.ended_at is not None or state.status == 1:
            raise TransitionError(N_("This step is not possible for a dossier in its current status."))
        _check_time(at, events[-1].at if events else dossier.received_at, at_now)
        before = dossier.assignee.username if dossier.assignee_id else None
        details = {"to": officer.username, "to_name": officer.full_name or officer.username}
        event = StatusEvent.create(dossier=dossier, action="assign", status=dossier.status, at=at,
                                   entered_at=at_now, actor=actor or by.username, user=by,
                                   note=nfc(note)[:MAX_NOTE], details=details)
        dossier.assignee, dossier.unit = officer, officer.unit_id
        dossier.save()
        notifications.on_event(dossier, event)
        audit.record(actor or by.username, "dossier.assign", "dossier", dossier.code, {"assignee": before},
                     {"assignee": officer.username, "at": at.isoformat(), "entered_at": at_now.isoformat()})
    return dossier
