"""Finding any dossier: the search index, the list's filters, keyset pages, totals and exports.

Search uses a folded-token table (``dossier_token``: one row per word of the code, the applicant's
name, the id number and the phone, kept in the transaction that saves the dossier). A typed word
matches tokens by prefix (a range on the token index), a long number exactly. Pages are keyset pages
in newest-first order (received_at, id), so a page costs the same at a million dossiers as at ten
thousand and new arrivals never shift the pages an officer is reading.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from peewee import JOIN, SQL, Case, Tuple, fn

from models import Dossier, DossierToken, Procedure, ProcedureVersion, User
from services.calendar import VN_TZ, parse_day
from services.text import N_, SURROGATES, fold, nfc

PAGE_SIZE = 50
OPEN_STATUSES = (1, 2, 4, 5, 6)  # not refused (3), withdrawn (7), stopped (8), settled (9), returned (10)
MAX_WORDS = 8
MAX_QUERY = 200
EXACT_DIGITS = 9  # a number this long (phone, id number) matches whole tokens only
COUNT_CAP = 100_000  # tokens counted per word to choose how a search runs
XLSX_MAX_ROWS = 100_000

NUMBER = re.compile(r"[\d\s.\-+()]+")
CODE_TAIL = re.compile(r"\d{6}-\d{1,4}")  # yyMMdd-sequence of a dossier code


def _digits(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(value))


def tokens_for(code: str, name: str, id_number: str, phone: str) -> set[str]:
    """The search tokens of a dossier: whole code and its date-sequence tail, name words, numbers."""
    code = fold(code)
    words = {code, "-".join(code.split("-")[-2:]), _digits(id_number), _digits(phone)}
    if "-" in id_number:  # a business branch code: the parent code finds it too
        words.add(_digits(id_number.split("-")[0]))
    words.update(re.findall(r"\w+", fold(name)))
    return {w[:64] for w in words if w}


def index_dossier(dossier: Dossier) -> None:
    """(Re)write the dossier's tokens; call inside the write transaction that saves it."""
    DossierToken.delete().where(DossierToken.dossier == dossier.id).execute()
    rows = [(t, dossier.id) for t in sorted(tokens_for(dossier.code, dossier.applicant_name,
                                                       dossier.id_number, dossier.phone))]
    DossierToken.insert_many(rows, fields=[DossierToken.token, DossierToken.dossier]).execute()


def search_words(text: str) -> list[tuple[str, bool]]:
    """What was typed, as (folded word, exact) pairs; a phone typed with spaces is one number."""
    text = fold(nfc(SURROGATES.sub(" ", text[:MAX_QUERY])))
    if NUMBER.fullmatch(text) and not CODE_TAIL.fullmatch(text.strip()) and sum(ch.isdigit() for ch in text) >= 6:
        digits = re.sub(r"\D", "", text)
        if text.startswith("+84"):
            digits = "0" + digits[2:]
        return [(digits, len(digits) >= EXACT_DIGITS)]
    words = []
    for word in text.split():
        word = word.strip(".,;:!?()[]\"'")[:64]
        if word and (word, False) not in words:
            words.append((word, word.isdigit() and len(word) >= EXACT_DIGITS))
    return words[:MAX_WORDS]


def _token_match(word: str, exact: bool):
    if exact:
        return DossierToken.token == word
    return (DossierToken.token >= word) & (DossierToken.token < word + "\uffff")


def _search(query, words: list[tuple[str, bool]], wanted: int):
    """AND of the words, run the cheaper of two ways for ``wanted`` rows in list order:
    the rarest word drives through the token index (all its ids gathered, then sorted), or the
    list's own index drives and each row is checked in the token index (cheap for common words,
    met every few rows). Returns the query and whether the token index drives it."""
    if not words:
        return query, False
    counts = [DossierToken.select(DossierToken.dossier).where(_token_match(*w)).limit(COUNT_CAP).count()
              for w in words]
    order = sorted(range(len(words)), key=counts.__getitem__)
    total = max(Dossier.select(fn.MAX(Dossier.id)).scalar() or 1, 1)
    density = math.prod(max(c, 1) / total for c in counts)  # as if the words were independent
    drive = counts[order[0]] < COUNT_CAP and counts[order[0]] < wanted / density
    for i in order:  # the rarest first: AND stops at the first word a row lacks
        if drive and i == order[0]:
            query = query.where(Dossier.id.in_(
                DossierToken.select(DossierToken.dossier).where(_token_match(*words[i]))))
        else:
            query = query.where(fn.EXISTS(
                DossierToken.select(SQL("1")).where((DossierToken.dossier == Dossier.id)
                                                    & _token_match(*words[i]))))
    return query, drive


@dataclass
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: int | None = None
    procedure: str = ""
    channel: int | None = None
    officer: int | None = None
    overdue: bool = False
    q: str = ""
    before: int | None = None

    def args(self, **changes) -> dict:
        """The filters as query-string arguments (empty ones left out), with ``changes`` applied."""
        values = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "status": self.status or "", "procedure": self.procedure, "channel": self.channel or "",
            "officer": self.officer or "", "overdue": "1" if self.overdue else "", "q": self.q,
            "before": self.before or "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}


def _int(value: str | None, allowed) -> tuple[int | None, bool]:
    """(number, ok) for an optional select value."""
    if not value:
        return None, True
    try:
        number = int(value)
    except ValueError:
        return None, False
    return (number, True) if number in allowed else (None, False)


def parse_filters(args, statuses, channels) -> tuple[Filters, dict[str, str]]:
    """The list's query string -> (filters, errors); a bad value is dropped and named in errors."""
    errors: dict[str, str] = {}
    f = Filters(q=nfc(args.get("q", ""))[:MAX_QUERY], overdue=args.get("overdue") in ("1", "on", "true"))
    for key, attr in (("from", "date_from"), ("to", "date_to")):
        value = (args.get(key) or "").strip()
        if value:
            try:
                setattr(f, attr, parse_day(value))
            except ValueError:
                errors[key] = N_("Enter a date as dd/mm/yyyy.")
    if f.date_from and f.date_to and f.date_from > f.date_to:
        errors["to"] = N_("The end date is before the start date.")
        f.date_to = None
    f.status, ok = _int(args.get("status"), statuses)
    if not ok:
        errors["status"] = N_("Choose a status from the list.")
    f.channel, ok = _int(args.get("channel"), channels)
    if not ok:
        errors["channel"] = N_("Choose a channel from the list.")
    officer = args.get("officer") or ""
    if officer:
        f.officer = int(officer) if officer.isdigit() and len(officer) < 10 else None
        if f.officer is None or not User.select().where(User.id == f.officer).exists():
            errors["officer"] = N_("Choose an officer from the list.")
            f.officer = None
    procedure = (args.get("procedure") or "").strip()[:30]
    if procedure:
        if Procedure.select().where(Procedure.code == procedure).exists():
            f.procedure = procedure
        else:
            errors["procedure"] = N_("Choose a procedure from the list.")
    before = args.get("before") or ""
    f.before = int(before) if before.isdigit() and len(before) < 19 else None
    return f, errors


def _where(query, f: Filters, at: dt.datetime, wanted: int, ordered: bool = True):
    """Every filter but the page cursor, in newest-first order unless ``ordered`` is False and the
    search runs from the token index (then the order would cost a sort of every match)."""
    if f.date_from:
        query = query.where(Dossier.received_at >= dt.datetime.combine(f.date_from, dt.time(0), VN_TZ))
    if f.date_to:
        end = dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time(0), VN_TZ)
        query = query.where(Dossier.received_at < end)
    if f.status:
        query = query.where(Dossier.status == f.status)
    if f.channel:
        query = query.where(Dossier.channel == f.channel)
    if f.officer:
        query = query.where(Dossier.received_by == f.officer)
    if f.procedure:
        # the version ids as values: one equality keeps the (version, received_at, id) order
        versions = [v for (v,) in ProcedureVersion.select(ProcedureVersion.id).join(Procedure)
                    .where(Procedure.code == f.procedure).tuples()]
        query = query.where(Dossier.version == versions[0] if len(versions) == 1
                            else Dossier.version.in_(versions))
    if f.overdue:
        query = query.where(overdue(at))
    query, driven = _search(query, search_words(f.q), wanted)
    return query if driven and not ordered else newest_first(query)


def overdue(at: dt.datetime):
    """Appointment passed and not ended (an online dossier not yet accepted has no appointment)."""
    return Dossier.status.in_(OPEN_STATUSES) & (Dossier.appointment_at < at)


def newest_first(query):
    return query.order_by(Dossier.received_at.desc(), Dossier.id.desc())


def after(query, dossier_id: int | None):
    """Rows older than the dossier ``dossier_id`` in newest-first order (the keyset cursor)."""
    if not dossier_id:
        return query
    received_at = (Dossier.select(Dossier.received_at).where(Dossier.id == dossier_id).scalar())
    if received_at is None:
        return query.where(SQL("0 = 1"))
    key = Dossier.received_at.db_value(received_at)
    return query.where(Tuple(Dossier.received_at, Dossier.id) < Tuple(key, dossier_id))


def listing(f: Filters, at: dt.datetime, size: int = PAGE_SIZE):
    """The un-executed query of one page (plus one row): rows with their procedure, newest first."""
    query = (Dossier.select(Dossier, ProcedureVersion, Procedure)
             .join(ProcedureVersion).join(Procedure))
    return after(_where(query, f, at, size + 1), f.before).limit(size + 1)


def page(f: Filters, at: dt.datetime, size: int | None = None) -> tuple[list[Dossier], int | None]:
    """One page of rows and the cursor of the next page (None on the last page)."""
    size = size or PAGE_SIZE
    rows = list(listing(f, at, size))
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more else None)


@dataclass
class Totals:
    count: int = 0
    fees: int = 0
    overdue: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    capped: bool = False  # more than TOTALS_MAX dossiers match: the figures are of the newest ones


TOTALS_MAX = 20_000


def totals_query(f: Filters, at: dt.datetime, cap: int):
    """Per status: count, fees and overdue count of at most ``cap`` + 1 filtered dossiers."""
    inner = _where(Dossier.select(Dossier.status, Dossier.fee_total, Dossier.appointment_at), f, at,
                   cap + 1, ordered=False).limit(cap + 1)
    rows = inner.alias("rows")
    late = (rows.c.status.in_(OPEN_STATUSES)) & (rows.c.appointment_at < Dossier.appointment_at.db_value(at))
    return (Dossier.select(rows.c.status, fn.COUNT(SQL("*")), fn.SUM(rows.c.fee_total),
                           fn.SUM(Case(None, [(late, 1)], 0)))
            .from_(rows).group_by(rows.c.status))


def totals(f: Filters, at: dt.datetime, cap: int = TOTALS_MAX) -> Totals:
    """Count, fee total and overdue count of the filtered set, in one SQL aggregate.

    At most ``cap`` dossiers are read: beyond that the page says "more than" and asks for a narrower
    filter rather than reading the whole history on every visit.
    """
    query = totals_query(f, at, cap)
    out = Totals()
    for status, count, fees, late in query.tuples():
        out.by_status[status] = count
        out.count += count
        out.fees += fees or 0
        out.overdue += late or 0
    if out.count > cap:
        out.capped = True
    return out


EXPORT_COLUMNS = (
    N_("Dossier code"), N_("Received"), N_("Channel"), N_("Procedure code"), N_("Procedure"),
    N_("Applicant"), N_("Identification number"), N_("Phone"), N_("Address"), N_("Appointment"),
    N_("Status"), N_("Fee (VND)"), N_("Received by"),
)


def export_query(f: Filters, at: dt.datetime, limit: int | None = None):
    """The export's columns for the whole filtered set (no cursor), in list order."""
    query = (Dossier.select(Dossier.code, Dossier.received_at, Dossier.channel, Procedure.code,
                            Procedure.name, Dossier.applicant_name, Dossier.id_number, Dossier.phone,
                            Dossier.address, Dossier.appointment_at, Dossier.status, Dossier.fee_total,
                            User.full_name)
             .join(ProcedureVersion).join(Procedure)
             .switch(Dossier).join(User, on=(Dossier.received_by == User.id), join_type=JOIN.LEFT_OUTER))
    query = _where(query, f, at, limit or COUNT_CAP)
    return query.limit(limit) if limit else query


def export_rows(f: Filters, at: dt.datetime, limit: int | None = None):
    """Tuples for the export, streamed from one query."""
    return export_query(f, at, limit).tuples().iterator()
