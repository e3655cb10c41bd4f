"""In-app notifications for staff, and the one hook through which processing steps reach the
applicant's outbox.

A notice says: a dossier was handed over to you; the applicant brought the supplement back; a deadline
is near or passed (the rule table in services.deadlines: the officer for the 75% mark and the next
working day, the officer and the leaders for due today and overdue). Each notice has a key naming its
cause, so the deadline watch may run as often as it likes: a cause gives one notice.
"""
from __future__ import annotations

import datetime as dt

from peewee import JOIN, Value

from models import Dossier, Notification, StatusEvent, User, now
from services import audit, deadlines, outbox
from services.calendar import WorkCalendar
from services.database import write_transaction
from services.office import get_office
from services.text import N_

TEXTS = {
    "assigned": N_("Dossier %(code)s was handed over to you."),
    "supplement": N_("The applicant brought the supplement for dossier %(code)s: its clock runs again."),
    "over_75_percent": N_("Dossier %(code)s has used more than 75%% of its time."),
    "due_next_working_day": N_("Dossier %(code)s is due by the end of the next working day."),
    "due_today": N_("Dossier %(code)s is due today."),
    "overdue": N_("Dossier %(code)s is overdue: write a delay report with its cause and remedy."),
    "delay_report": N_("A delay report was written for dossier %(code)s."),
}
# who is told about each deadline list (services.deadlines.RULES: officer, leader, report)
DEADLINE_RECIPIENTS = {"over_75_percent": ("officer",), "due_next_working_day": ("officer",),
                       "due_today": ("officer", "leader"), "overdue": ("officer", "leader")}


def on_event(dossier: Dossier, event: StatusEvent) -> None:
    """Called in the transaction of every processing step: notices for staff, a message for the applicant."""
    if event.action == "assign":
        officer = User.get_or_none(User.username == (event.details or {}).get("to"))
        _notify(officer, dossier, "assigned", event)
    elif event.action == "receive-supplement" and dossier.assignee_id:
        _notify(User.get_by_id(dossier.assignee_id), dossier, "supplement", event)
    elif event.action == "delay-report":
        for leader in leaders_of(dossier):
            _notify(leader, dossier, "delay_report", event)
    if event.action in outbox.KINDS:
        outbox.enqueue(dossier, event, get_office())


def leaders_of(dossier: Dossier):
    """The active leaders of the dossier's unit, and those of no unit (the whole office)."""
    return User.select().where((User.role == "leader") & (User.active == True)  # noqa: E712
                               & (User.unit.is_null() | (User.unit == dossier.unit_id)))


def _notify(user: User | None, dossier: Dossier, kind: str, event: StatusEvent) -> None:
    if user is None or not user.active or user.id == event.user_id:
        return  # nobody to tell, or the officer did it themself
    Notification.insert(user=user, dossier=dossier, kind=kind, actor=event.actor, created_at=event.entered_at,
                        key=f"{kind}:{event.id}:{user.id}").on_conflict_ignore().execute()


def deadline_rows(calendar: WorkCalendar, at: dt.datetime):
    """The notices due at `at`, one SELECT per list and recipient: (columns of Notification, query)."""
    conditions = deadlines.conditions(deadlines.bounds(calendar, at))
    stamp = Notification.created_at.db_value(at)
    for kind, recipients in DEADLINE_RECIPIENTS.items():
        for recipient in recipients:
            if recipient == "officer":
                person = Dossier.assignee
                query = Dossier.select().where(conditions[kind] & Dossier.assignee.is_null(False))
            else:
                person = User.id
                query = Dossier.select().join(User, JOIN.INNER, on=(
                    (User.role == "leader") & (User.active == True)  # noqa: E712
                    & (User.unit.is_null() | (User.unit == Dossier.unit)))).where(conditions[kind])
            key = (Value(f"{kind}:").concat(Dossier.id.cast("TEXT")).concat(":").concat(person.cast("TEXT"))
                   .concat(":").concat(Dossier.appointment_at))
            yield query.select(person, Dossier.id, Value(kind), Value(""), key, Value(stamp))


def warn_deadlines(calendar: WorkCalendar, at: dt.datetime, actor: str = "deadline-check") -> int:
    """Add the deadline notices due at `at`: INSERT … SELECT, never a loop over dossiers. A notice's key
    is (list, dossier, person, appointment): running twice adds nothing, and a new appointment (an
    extension, a supplement) warns again. Returns how many were added."""
    columns = [Notification.user, Notification.dossier, Notification.kind, Notification.actor, Notification.key,
               Notification.created_at]
    with write_transaction():
        last = Notification.select(Notification.id).order_by(Notification.id.desc()).scalar() or 0
        for rows in deadline_rows(calendar, at):
            Notification.insert_from(rows, columns).on_conflict_ignore().execute()
        added = Notification.select().where(Notification.id > last).count()
        if added:
            audit.record(actor, "notification.deadline", "notification", "", None,
                         {"at": at.isoformat(), "added": added})
    return added


def unread_count(user) -> int:
    return Notification.select().where((Notification.user == user) & Notification.read_at.is_null()).count()


def page(user, before_id: int | None = None, limit: int = 30) -> list[Notification]:
    """The user's notices newest first, keyset-paginated on id, with their dossiers (one query)."""
    query = (Notification.select(Notification, Dossier.id, Dossier.code).join(Dossier, JOIN.LEFT_OUTER)
             .where(Notification.user == user))
    if before_id:
        query = query.where(Notification.id < before_id)
    return list(query.order_by(Notification.id.desc()).limit(limit))


def mark_read(user, ids: list[int]) -> int:
    """The notices shown to their owner are read (one UPDATE; another person's never change)."""
    if not ids:
        return 0
    with write_transaction():
        return (Notification.update(read_at=now())
                .where((Notification.user == user) & Notification.id.in_(ids) & Notification.read_at.is_null())
                .execute())
