"""Training sessions: the plan, check-in at the door, anonymous feedback from the sign-in sheet's QR
code, and follow-up actions with due dates."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from peewee import fn

from models import TrainingAction, TrainingAttendee, TrainingFeedback, TrainingSession, User, now
from services import audit
from services.calendar import VN_TZ, parse_day
from services.database import write_transaction
from services.text import N_, form_text

# What sessions, materials, hotline calls and FAQ entries are about (the list of topics).
TOPICS = {
    "online_submission": N_("Submitting dossiers online"),
    "online_payment": N_("Paying fees online"),
    "digitisation": N_("Scanning papers at intake"),
    "e_results": N_("Electronic results"),
    "certification": N_("Certification of copies and signatures"),
    "service_index": N_("The service index"),
    "system": N_("Using this system"),
}
KINDS = {"onsite": N_("On site"), "practice": N_("On the practice server")}
SCORES = {1: N_("Poor"), 2: N_("Fair"), 3: N_("Good"), 4: N_("Very good"), 5: N_("Excellent")}
MAX_LINE = 200
MAX_TEXT = 2000
FEEDBACK_DAYS = 30  # feedback is taken from the session's day until this many days after it


class TrainingError(ValueError):
    """A refused action; the message is a msgid."""


def _line(form, name: str, errors: dict, required: bool = False, limit: int = MAX_LINE) -> str:
    return form_text(form, name, errors, required, limit)


def validate_session(form) -> tuple[dict, dict]:
    """(data, errors) for the plan form; errors map field -> msgid."""
    errors: dict[str, str] = {}
    data = {
        "title": _line(form, "title", errors, required=True),
        "trainer_name": _line(form, "trainer_name", errors),
        "units": _line(form, "units", errors, limit=MAX_TEXT),
        "place": _line(form, "place", errors, required=True),
        "materials": _line(form, "materials", errors, limit=MAX_TEXT),
        "kind": form.get("kind") or "onsite",
        "topics": [t for t in (form.getlist("topics") if hasattr(form, "getlist") else form.get("topics", []))
                   if t in TOPICS],
    }
    if data["kind"] not in KINDS:
        errors["kind"] = N_("Choose from the list.")
    if not data["topics"]:
        errors["topics"] = N_("Choose at least one topic.")
    data["trainer"] = None
    trainer = str(form.get("trainer") or "")
    if trainer:
        known = trainer.isdigit() and len(trainer) < 19
        data["trainer"] = User.get_or_none((User.id == int(trainer)) & User.active) if known else None
        if data["trainer"] is None:
            errors["trainer"] = N_("Choose from the list.")
    elif not data["trainer_name"]:
        errors["trainer"] = N_("Choose the trainer or write the name of a visiting trainer.")
    try:
        day = parse_day(form.get("day"))
        hour = dt.time.fromisoformat(str(form.get("time") or "").strip())
        data["starts_at"] = dt.datetime.combine(day, hour.replace(second=0, microsecond=0), VN_TZ)
    except (TypeError, ValueError):
        errors["day"] = N_("Give the day and the time, for example 25/11/2026 and 08:00.")
    return data, errors


def form_of(session: TrainingSession) -> dict:
    """The plan form's values for an existing session."""
    local = session.starts_at.astimezone(VN_TZ)
    return {"title": session.title, "trainer": str(session.trainer_id or ""), "trainer_name": session.trainer_name,
            "units": session.units, "place": session.place, "materials": session.materials,
            "kind": session.kind, "topics": list(session.topics), "day": local.date().isoformat(),
            "time": local.strftime("%H:%M")}


def _snapshot(session: TrainingSession) -> dict:
    return {"title": session.title, "trainer": session.trainer_id, "trainer_name": session.trainer_name,
            "units": session.units, "topics": session.topics, "starts_at": session.starts_at.isoformat(),
            "place": session.place, "kind": session.kind, "materials": session.materials}


def plan(data: dict, actor: str, agency_id: str = "") -> TrainingSession:
    with write_transaction():
        session = TrainingSession.create(agency_id=agency_id, feedback_token=secrets.token_urlsafe(9),
                                         created_by=actor, **data)
        audit.record(actor, "training.plan", "training_session", session.id, None, _snapshot(session))
    return session


def update(session_id: int, data: dict, actor: str) -> TrainingSession:
    with write_transaction():
        session = TrainingSession.get_by_id(session_id)
        before = _snapshot(session)
        for key, value in data.items():
            setattr(session, key, value)
        session.save()
        after = _snapshot(session)
        if after != before:
            audit.record(actor, "training.update", "training_session", session.id,
                         {k: v for k, v in before.items() if after[k] != v},
                         {k: v for k, v in after.items() if before[k] != v})
    return session


def _with_figures():
    """Sessions with their attendee count, feedback count and average score (subqueries, one query)."""
    attendees = (TrainingAttendee.select(fn.COUNT(TrainingAttendee.id))
                 .where(TrainingAttendee.session == TrainingSession.id))
    answers = (TrainingFeedback.select(fn.COUNT(TrainingFeedback.id))
               .where(TrainingFeedback.session == TrainingSession.id))
    average = (TrainingFeedback.select(fn.AVG(TrainingFeedback.score))
               .where(TrainingFeedback.session == TrainingSession.id))
    return TrainingSession.select(TrainingSession, attendees.alias("attendee_count"),
                                  answers.alias("feedback_count"), average.alias("average_score"))


def upcoming(at: dt.datetime):
    """Sessions from today on, soonest first (an un-executed query)."""
    start = dt.datetime.combine(at.astimezone(VN_TZ).date(), dt.time(), VN_TZ)
    return _with_figures().where(TrainingSession.starts_at >= start).order_by(
        TrainingSession.starts_at, TrainingSession.id)


def past(at: dt.datetime, limit: int = 50):
    start = dt.datetime.combine(at.astimezone(VN_TZ).date(), dt.time(), VN_TZ)
    return (_with_figures().where(TrainingSession.starts_at < start)
            .order_by(TrainingSession.starts_at.desc(), TrainingSession.id.desc()).limit(limit))


# --- Check-in -------------------------------------------------------------------------------

def validate_attendee(form) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    data = {"full_name": _line(form, "full_name", errors, required=True),
            "unit": _line(form, "unit", errors), "position": _line(form, "position", errors)}
    return data, errors


def check_in(session: TrainingSession, data: dict, actor: str, at: dt.datetime | None = None) -> TrainingAttendee:
    with write_transaction():
        attendee = TrainingAttendee.create(session=session, checked_in_at=at or now(), **data)
        audit.record(actor, "training.check_in", "training_session", session.id, None,
                     {"attendee": attendee.id, **data})
    return attendee


def attendees(session: TrainingSession):
    return session.attendees.order_by(TrainingAttendee.checked_in_at, TrainingAttendee.id)


# --- Feedback (public, no login) ------------------------------------------------------------

def by_token(token: str) -> TrainingSession | None:
    token = str(token or "")
    if not token or len(token) > 40:
        return None
    return TrainingSession.get_or_none(TrainingSession.feedback_token == token)


def feedback_open(session: TrainingSession, at: dt.datetime) -> bool:
    """From the session's day until FEEDBACK_DAYS days after it (Vietnam days)."""
    day, start = at.astimezone(VN_TZ).date(), session.starts_at.astimezone(VN_TZ).date()
    return start <= day <= start + dt.timedelta(days=FEEDBACK_DAYS)


def validate_feedback(form) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    score = str(form.get("score") or "")
    data = {"score": int(score) if score in ("1", "2", "3", "4", "5") else None,
            "comment": _line(form, "comment", errors, limit=MAX_TEXT)}
    if data["score"] is None:
        errors["score"] = N_("Please choose a score from 1 to 5.")
    return data, errors


def give_feedback(session: TrainingSession, data: dict, at: dt.datetime | None = None) -> TrainingFeedback:
    at = at or now()
    if not feedback_open(session, at):
        raise TrainingError(N_("This session is not taking feedback now."))
    with write_transaction():
        row = TrainingFeedback.create(session=session, at=at, **data)
        audit.record("public", "training.feedback", "training_session", session.id, None,
                     {"feedback": row.id, "score": row.score})
    return row


@dataclass
class FeedbackSummary:
    count: int
    average: float | None
    by_score: dict[int, int]


def feedback_summary(session: TrainingSession) -> FeedbackSummary:
    """How many answered, the average score and the count per score: one grouped query."""
    rows = (TrainingFeedback.select(TrainingFeedback.score, fn.COUNT(TrainingFeedback.id).alias("n"))
            .where(TrainingFeedback.session == session).group_by(TrainingFeedback.score).tuples())
    by_score = {score: 0 for score in SCORES}
    for score, n in rows:
        by_score[score] = n
    count = sum(by_score.values())
    average = round(sum(s * n for s, n in by_score.items()) / count, 1) if count else None
    return FeedbackSummary(count, average, by_score)


def comments(session: TrainingSession):
    return (session.feedback.where(TrainingFeedback.comment != "")
            .order_by(TrainingFeedback.at.desc(), TrainingFeedback.id.desc()))


# --- Follow-up actions ----------------------------------------------------------------------

def validate_action(form) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    data = {"text": _line(form, "text", errors, required=True, limit=MAX_TEXT),
            "owner": _line(form, "owner", errors)}
    try:
        data["due_on"] = parse_day(form.get("due_on"))
    except (TypeError, ValueError):
        errors["due_on"] = N_("Give the due date, for example 25/11/2026.")
    return data, errors


def add_action(session: TrainingSession, data: dict, actor: str) -> TrainingAction:
    with write_transaction():
        action = TrainingAction.create(session=session, **data)
        audit.record(actor, "training.action", "training_session", session.id, None,
                     {"action": action.id, "text": action.text, "due_on": action.due_on.isoformat()})
    return action


def complete_action(session: TrainingSession, action_id: int, actor: str) -> TrainingAction:
    with write_transaction():
        action = TrainingAction.get_or_none((TrainingAction.id == action_id) & (TrainingAction.session == session))
        if action is None:
            raise TrainingError(N_("This action does not exist."))
        if action.done_at is None:
            action.done_at = now()
            action.save()
            audit.record(actor, "training.action.done", "training_session", session.id, None,
                         {"action": action.id})
    return action


def actions(session: TrainingSession):
    return session.actions.order_by(TrainingAction.done_at.is_null(False), TrainingAction.due_on,
                                    TrainingAction.id)


def open_actions_due(by: dt.date):
    """Actions not done and due on or before ``by``, across sessions, most urgent first."""
    return (TrainingAction.select(TrainingAction, TrainingSession).join(TrainingSession)
            .where(TrainingAction.done_at.is_null() & (TrainingAction.due_on <= by))
            .order_by(TrainingAction.due_on, TrainingAction.id))
