"""The support hotline log: calls and messages, their answers and time to resolve, the FAQ that resolved
answers become, and the monthly report of the most asked topics and the slowest answers."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from models import FaqEntry, HotlineCall, Procedure, User, now
from services import audit
from services.calendar import VN_TZ
from services.database import write_transaction
from services.text import N_, fold, form_text, search_words
from services.training import TOPICS

CHANNELS = {"phone": N_("Phone call"), "message": N_("Message")}
STATUSES = {"open": N_("Waiting for an answer"), "resolved": N_("Resolved")}
AUDIENCES = {"public": N_("Public (anyone)"), "staff": N_("Staff only")}
MAX_LINE = 200
MAX_TEXT = 4000
PAGE = 50


class HotlineError(ValueError):
    """A refused action; the message is a msgid."""


def _text(form, name: str, errors: dict, required: bool = False, limit: int = MAX_LINE) -> str:
    return form_text(form, name, errors, required, limit)


def _time(form, name: str, errors: dict, default: dt.datetime) -> dt.datetime:
    """'YYYY-MM-DDTHH:MM' from a datetime-local input, empty for ``default``."""
    raw = str(form.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        errors[name] = N_("Write the time as day and hour, for example 25/11/2026 09:00.")
        return default
    if not 2000 <= value.year <= 2099:
        errors[name] = N_("Write the time as day and hour, for example 25/11/2026 09:00.")
        return default
    return value.replace(tzinfo=VN_TZ, second=0, microsecond=0) if value.tzinfo is None else value


def validate_call(form, at: dt.datetime) -> tuple[dict, dict]:
    """(data, errors) for a new call; errors map field -> msgid."""
    errors: dict[str, str] = {}
    data = {
        "caller": _text(form, "caller", errors, required=True),
        "unit": _text(form, "unit", errors),
        "channel": form.get("channel") or "phone",
        "topic": form.get("topic") or "",
        "question": _text(form, "question", errors, required=True, limit=MAX_TEXT),
        "answer": _text(form, "answer", errors, limit=MAX_TEXT),
        "received_at": _time(form, "received_at", errors, at),
    }
    if data["channel"] not in CHANNELS:
        errors["channel"] = N_("Choose from the list.")
    if data["topic"] not in TOPICS:
        errors["topic"] = N_("Choose from the list.")
    if "received_at" not in errors and data["received_at"] > at + dt.timedelta(minutes=5):
        errors["received_at"] = N_("This time is in the future.")
    code = form_text(form, "procedure", errors, limit=300)
    data["procedure"] = None
    if code:
        data["procedure"] = Procedure.get_or_none(Procedure.code == code.split()[0])
        if data["procedure"] is None:
            errors["procedure"] = N_("There is no procedure with this code.")
    data["resolve"] = form.get("resolve") in ("1", "on")
    if data["resolve"] and not data["answer"]:
        errors["answer"] = N_("Please write the answer before marking the call resolved.")
    return data, errors


def _resolve(call: HotlineCall, answer: str, at: dt.datetime) -> None:
    call.answer, call.status, call.resolved_at = answer, "resolved", max(at, call.received_at)
    call.resolve_minutes = int((call.resolved_at - call.received_at).total_seconds() // 60)


def log_call(data: dict, user: User, agency_id: str = "", at: dt.datetime | None = None) -> HotlineCall:
    """Record a call (already answered when ``data['resolve']``)."""
    at = at or now()
    data = dict(data)
    resolve = data.pop("resolve", False)
    with write_transaction():
        call = HotlineCall(agency_id=agency_id, taken_by=user, **data)
        if resolve:
            _resolve(call, data["answer"], at)
        call.save()
        audit.record(user.username, "hotline.log", "hotline_call", call.id, None,
                     {"topic": call.topic, "status": call.status, "resolve_minutes": call.resolve_minutes})
    return call


def answer(call_id: int, form, user: User, at: dt.datetime | None = None) -> HotlineCall:
    """Save the answer; with ``resolve`` the call is resolved and its time to resolve fixed."""
    errors: dict[str, str] = {}
    text = _text(form, "answer", errors, required=True, limit=MAX_TEXT)
    if errors:
        raise HotlineError(N_("Please write the answer.") if not text else errors["answer"])
    resolve = form.get("resolve") in ("1", "on")
    with write_transaction():
        call = HotlineCall.get_or_none(HotlineCall.id == call_id)
        if call is None:
            raise HotlineError(N_("This call does not exist."))
        if call.status == "resolved":
            raise HotlineError(N_("This call is already resolved."))
        before = {"answer": call.answer, "status": call.status}
        if resolve:
            _resolve(call, text, at or now())
        else:
            call.answer = text
        call.save()
        audit.record(user.username, "hotline.answer", "hotline_call", call.id, before,
                     {"answer": call.answer, "status": call.status, "resolve_minutes": call.resolve_minutes})
    return call


def calls(status: str = "", before_id: int | None = None, page: int = PAGE):
    """Newest first, keyset-paginated by id (an un-executed query of page + 1 rows)."""
    query = HotlineCall.select(HotlineCall, Procedure).join(Procedure, on=(HotlineCall.procedure == Procedure.id),
                                                            join_type=JOIN.LEFT_OUTER)
    if status in STATUSES:
        query = query.where(HotlineCall.status == status)
    if before_id:
        query = query.where(HotlineCall.id < before_id)
    return query.order_by(HotlineCall.id.desc()).limit(page + 1)


# --- FAQ ------------------------------------------------------------------------------------

def validate_faq(form) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    data = {"question": _text(form, "question", errors, required=True, limit=MAX_TEXT),
            "answer": _text(form, "answer", errors, required=True, limit=MAX_TEXT),
            "audience": form.get("audience") or "", "topic": form.get("topic") or ""}
    if data["audience"] not in AUDIENCES:
        errors["audience"] = N_("Choose who may read it.")
    if data["topic"] not in TOPICS:
        errors["topic"] = N_("Choose from the list.")
    return data, errors


def to_faq(call_id: int, data: dict, actor: str) -> FaqEntry:
    """Publish a resolved call's question and answer (as edited) in the FAQ; once per call."""
    with write_transaction():
        call = HotlineCall.get_or_none(HotlineCall.id == call_id)
        if call is None:
            raise HotlineError(N_("This call does not exist."))
        if call.status != "resolved":
            raise HotlineError(N_("Only a resolved call can become a question in the FAQ."))
        if FaqEntry.select().where(FaqEntry.call == call).exists():
            raise HotlineError(N_("This call is already in the FAQ."))
        entry = FaqEntry.create(call=call, created_by=actor, search_key=fold(f"{data['question']} {data['answer']}"),
                                **data)
        audit.record(actor, "faq.add", "faq_entry", entry.id, None,
                     {"call": call.id, "audience": entry.audience, "topic": entry.topic})
    return entry


def edit_faq(entry_id: int, data: dict, hidden: bool, actor: str) -> FaqEntry:
    """Reword an entry, change who may read it, or take it off the FAQ (it is kept)."""
    with write_transaction():
        entry = FaqEntry.get_or_none(FaqEntry.id == entry_id)
        if entry is None:
            raise HotlineError(N_("This question is not in the FAQ."))
        fields = ("question", "answer", "audience", "topic", "hidden")
        before = {k: getattr(entry, k) for k in fields}
        for key, value in {**data, "hidden": hidden}.items():
            setattr(entry, key, value)
        entry.search_key = fold(f"{entry.question} {entry.answer}")
        entry.save()
        after = {k: getattr(entry, k) for k in fields}
        changed = [k for k in fields if before[k] != after[k]]
        if changed:
            audit.record(actor, "faq.edit", "faq_entry", entry.id, {k: before[k] for k in changed},
                         {k: after[k] for k in changed})
    return entry


def faq(staff: bool, query: str = ""):
    """The entries a reader may see (public ones; staff see theirs too), by topic, matching every word."""
    select = FaqEntry.select().where(~FaqEntry.hidden)
    if not staff:
        select = select.where(FaqEntry.audience == "public")
    for word in search_words(query):
        select = select.where(FaqEntry.search_key.contains(word))
    return select.order_by(FaqEntry.topic, FaqEntry.id.desc())


# --- The monthly report ---------------------------------------------------------------------

@dataclass
class MonthReport:
    month: dt.date  # its first day
    received: int
    resolved: int
    median_minutes: int | None
    by_topic: list[tuple[str, int, float | None]]  # topic, calls, average minutes to resolve
    most_asked: list[tuple[str, str, str, int]]  # topic, procedure code, procedure name, calls
    slowest: list[HotlineCall]


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return dt.datetime.combine(first, dt.time(), VN_TZ), dt.datetime.combine(following, dt.time(), VN_TZ)


def report(month: dt.date, top: int = 10) -> MonthReport:
    """Calls received in the month (Vietnam time): grouped and ranked in SQL."""
    start, end = month_bounds(month)
    in_month = (HotlineCall.received_at >= start) & (HotlineCall.received_at < end)
    received = HotlineCall.select().where(in_month).count()
    resolved = HotlineCall.select().where(in_month & (HotlineCall.status == "resolved")).count()
    median = None
    if resolved:
        middle = (HotlineCall.select(HotlineCall.resolve_minutes)
                  .where(in_month & (HotlineCall.status == "resolved"))
                  .order_by(HotlineCall.resolve_minutes).offset((resolved - 1) // 2).limit(2 - resolved % 2)
                  .tuples())
        values = [m for (m,) in middle]
        median = round(sum(values) / len(values))
    by_topic = [(t, n, round(avg, 1) if avg is not None else None) for t, n, avg in (
        HotlineCall.select(HotlineCall.topic, fn.COUNT(HotlineCall.id), fn.AVG(HotlineCall.resolve_minutes))
        .where(in_month).group_by(HotlineCall.topic)
        .order_by(fn.COUNT(HotlineCall.id).desc(), HotlineCall.topic).tuples())]
    count = fn.COUNT(HotlineCall.id)
    most_asked = [(t, code or "", name or "", n) for t, code, name, n in (
        HotlineCall.select(HotlineCall.topic, Procedure.code, Procedure.name, count)
        .join(Procedure, on=(HotlineCall.procedure == Procedure.id), join_type=JOIN.LEFT_OUTER)
        .where(in_month).group_by(HotlineCall.topic, Procedure.code, Procedure.name)
        .order_by(count.desc(), HotlineCall.topic, Procedure.code).limit(top).tuples())]
    slowest = list(HotlineCall.select().where(in_month & (HotlineCall.status == "resolved"))
                   .order_by(HotlineCall.resolve_minutes.desc(), HotlineCall.id).limit(top))
    return MonthReport(month.replace(day=1), received, resolved, median, by_topic, most_asked, slowest)
