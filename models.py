"""Every table of the application, as peewee models.

The database is declared empty here and bound in ``create_app`` (see ``db``).
Times are stored as ISO 8601 text with their +07:00 offset, money as whole đồng.
"""
from __future__ import annotations

import datetime as dt
import json

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

db = DatabaseProxy()

VN_OFFSET = dt.timezone(dt.timedelta(hours=7))


class AwareDateTimeField(TextField):
    """A timezone-aware datetime kept as ISO 8601 text in +07:00, so text order is time order."""

    field_type = "TEXT"

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            raise ValueError("naive datetime: times must be timezone-aware")
        return value.astimezone(VN_OFFSET).isoformat(timespec="seconds")

    def python_value(self, value):
        return None if value is None else dt.datetime.fromisoformat(value)


class JSONField(TextField):
    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


def now() -> dt.datetime:
    return dt.datetime.now(VN_OFFSET).replace(microsecond=0)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


# --- Office, calendar, accounts ---------------------------------------------------------

class Office(BaseModel):
    """The one office this installation serves (a single row)."""

    agency_id = CharField(default="000.00.00.H00")
    name = CharField(default="Trung tâm Phục vụ hành chính công xã")
    parent_body = CharField(default="Ủy ban nhân dân xã")
    place = CharField(default="")
    province = CharField(default="")
    morning_start = CharField(default="07:30")
    morning_end = CharField(default="11:30")
    afternoon_start = CharField(default="13:30")
    afternoon_end = CharField(default="17:00")
    max_upload_mb = IntegerField(default=20)
    public_base_url = CharField(default="")
    receipt_two_copies = BooleanField(default=False)  # form 01 printed twice: "Liên: Lưu" and "Liên: Giao"
    max_extensions = IntegerField(default=1)  # apologies and extensions (form 04) allowed per dossier
    address = CharField(default="")  # shown on the public pages
    hotline = CharField(default="")


class CalendarOverride(BaseModel):
    """A day off or make-up working day announced after the holidays package was released."""

    day = DateField(unique=True)
    working = BooleanField()  # True: a make-up working day; False: a day off
    note = CharField(default="")


class Unit(BaseModel):
    name = CharField(unique=True)


class User(BaseModel):
    username = CharField(unique=True)
    full_name = CharField(default="")
    password_hash = CharField()
    role = CharField(index=True)
    unit = ForeignKeyField(Unit, null=True, backref="users", on_delete="RESTRICT")
    language = CharField(default="vi")
    failed_logins = IntegerField(default=0)  # unused: see LoginThrottle
    locked_until = AwareDateTimeField(null=True)  # unused: see LoginThrottle
    active = BooleanField(default=True)
    session_version = IntegerField(default=0)  # bumped to end every session of the user

    # Flask-Login protocol
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        """Kept in the session cookie: a session of an older version is no longer valid."""
        return f"{self.id}.{self.session_version}"


class LoginThrottle(BaseModel):
    """Failed logins of one user name (as typed, known or not) from one address."""

    username = CharField()
    address = CharField()
    failures = IntegerField(default=0)
    blocked_until = AwareDateTimeField(null=True)
    last_failure_at = AwareDateTimeField()

    class Meta:
        indexes = ((("username", "address"), True),)


class ApiToken(BaseModel):
    name = CharField(unique=True)
    token_hash = CharField(unique=True)
    created_at = AwareDateTimeField(default=now)
    last_used_at = AwareDateTimeField(null=True)
    revoked = BooleanField(default=False)


# --- Catalog ------------------------------------------------------------------------------

class Procedure(BaseModel):
    code = CharField(unique=True)  # d.dddddd, as on the national database
    name = CharField()
    field = CharField()
    level = CharField(default="commune")
    search_key = CharField(index=True)  # code + name, lower-case without accents


class ProcedureVersion(BaseModel):
    """What a dossier is received under: time limit, fees, components."""

    procedure = ForeignKeyField(Procedure, backref="versions", on_delete="RESTRICT")
    version = IntegerField()
    effective_from = DateField()
    time_limit_kind = CharField()  # hours | working_days | rule_15
    time_limit_value = IntegerField(default=0)
    result_name = CharField(default="")
    paper_result = BooleanField(default=True)
    # Settled (status 9) only with a signed electronic result, or the leader's exemption (services.results)
    issues_result = BooleanField(default=False)

    class Meta:
        indexes = ((("procedure", "version"), True),)


class Component(BaseModel):
    version = ForeignKeyField(ProcedureVersion, backref="components", on_delete="CASCADE")
    position = IntegerField()
    name = CharField()
    originals = IntegerField(default=1)
    copies = IntegerField(default=0)
    required = BooleanField(default=True)


class Fee(BaseModel):
    """A fee of a procedure version. kind: fixed | per_copy | copy_pages (DOMAIN §6).

    ``amount`` is None while the figure (set by the provincial council) is not known yet: it is then
    shown as unknown, never as 0. ``online_percent`` is what an online request (channel 2) pays, as a
    percentage of the counter amount (provinces often charge 50% online)."""

    version = ForeignKeyField(ProcedureVersion, backref="fees", on_delete="CASCADE")
    name = CharField()
    kind = CharField(default="fixed")
    amount = IntegerField(default=0, null=True)
    online_percent = IntegerField(default=100)


# --- Dossiers -----------------------------------------------------------------------------

class StoredFile(BaseModel):
    """A file on disk under the data folder, named by its SHA-256."""

    sha256 = CharField(unique=True)
    size = IntegerField()
    mime = CharField()
    created_at = AwareDateTimeField(default=now)


class DailySequence(BaseModel):
    """Last dossier sequence used per agency and intake day (gap-free numbering)."""

    agency_id = CharField()
    day = DateField()
    last = IntegerField(default=0)

    class Meta:
        indexes = ((("agency_id", "day"), True),)


class YearlySequence(BaseModel):
    """Last number used per agency, series and year (the dossier register restarts at 1 each year)."""

    agency_id = CharField()
    series = CharField()  # "register": the dossier register (Sổ theo dõi hồ sơ)
    year = IntegerField()
    last = IntegerField(default=0)

    class Meta:
        indexes = ((("agency_id", "series", "year"), True),)


class Dossier(BaseModel):
    code = CharField(unique=True)
    version = ForeignKeyField(ProcedureVersion, backref="dossiers", on_delete="RESTRICT")
    channel = IntegerField()  # 1 counter, 2 online, 3 postal
    status = IntegerField()  # national codes 1..10
    received_at = AwareDateTimeField(index=True)
    appointment_at = AwareDateTimeField(null=True)  # None while an online dossier awaits acceptance
    applicant_type = IntegerField()  # 1 citizen, 2 business, 3 state agency, 4 other
    applicant_name = CharField()  # the person, or the organisation / business name
    id_kind = CharField(default="personal")  # personal | passport_vn | passport | business | household | organisation
    id_number = CharField()
    # An organisation's dossier names the person who submitted it for the organisation, with their own id.
    representative_name = CharField(default="")
    representative_id_kind = CharField(default="")  # personal | passport_vn | passport, "" for a person
    representative_id_number = CharField(default="")
    phone = CharField()
    address = CharField()
    email = CharField(default="")
    search_key = CharField(index=True)  # code, name, id number, phone: lower-case, no accents
    pages = IntegerField(default=0)
    copies = IntegerField(default=0)
    fee_total = IntegerField(default=0)
    missing_scan_reason = TextField(default="")
    request_subject = CharField(default="")  # what the request concerns, e.g. the child's name
    delivery_method = CharField(default="counter")  # counter | post | online
    delivery_address = CharField(default="")  # for post
    register_book = IntegerField(null=True)  # the register's book: the year of intake
    register_number = IntegerField(null=True)  # place in that year's register, gap-free per agency
    received_by = ForeignKeyField(User, null=True, backref="dossiers", on_delete="RESTRICT")
    api_token = ForeignKeyField(ApiToken, null=True, backref="dossiers", on_delete="RESTRICT")
    created_at = AwareDateTimeField(default=now)
    # Processing state: a cache of what services.history.derive() computes from the status events,
    # kept on the row so that deadline lists are indexed queries.
    original_appointment_at = AwareDateTimeField(null=True)
    warn_at = AwareDateTimeField(null=True)  # when more than 75% of the allotted working time is used
    paused_minutes = IntegerField(default=0)
    ended_at = AwareDateTimeField(null=True)
    end_kind = CharField(default="")  # refused | withdrawn | stopped | settled
    late = BooleanField(null=True)  # the on-time verdict, once processing has ended
    unit = ForeignKeyField(Unit, null=True, backref="dossiers", on_delete="RESTRICT")
    assignee = ForeignKeyField(User, null=True, backref="assigned_dossiers", on_delete="RESTRICT")
    secret = CharField(default="")  # printed in the receipt's QR link: the citizen's page and rating

    class Meta:
        # The list's filters, each followed by its newest-first order (received_at, id);
        # the deadline lists: open statuses by appointment and by the 75% mark.
        indexes = (
            (("status", "appointment_at"), False),
            (("status", "warn_at"), False),
            (("status", "received_at", "id"), False),
            (("channel", "received_at", "id"), False),
            (("version", "received_at", "id"), False),
            (("received_by", "received_at", "id"), False),
        )


class DossierToken(BaseModel):
    """One folded word of a dossier's code, applicant name, id number or phone (the search index)."""

    token = CharField()
    dossier = ForeignKeyField(Dossier, backref="tokens", on_delete="CASCADE", index=False)

    class Meta:
        primary_key = CompositeKey("token", "dossier")
        indexes = ((("dossier", "token"), False),)


class DossierComponent(BaseModel):
    dossier = ForeignKeyField(Dossier, backref="components", on_delete="CASCADE")
    component = ForeignKeyField(Component, null=True, on_delete="RESTRICT")
    position = IntegerField()
    name = CharField()
    originals = IntegerField(default=0)
    copies = IntegerField(default=0)  # for copy certification: copies requested of this original
    pages = IntegerField(default=0)  # pages of this original
    file = ForeignKeyField(StoredFile, null=True, on_delete="RESTRICT")
    file_name = CharField(default="")
    digitised = BooleanField(default=False)


class DossierFee(BaseModel):
    dossier = ForeignKeyField(Dossier, backref="fee_lines", on_delete="CASCADE")
    name = CharField()
    amount = IntegerField(null=True)  # None: not known yet (set by the provincial council), never "0"
    collect_at = CharField(default="intake")  # intake | supplement | return
    paid_at = AwareDateTimeField(null=True, index=True)  # None: unpaid
    payment_method = CharField(default="")  # cash | portal (code 1) | gateway (code 2) | transfer
    receipt_no = CharField(default="")  # the receipt (biên lai) number
    collected_by = ForeignKeyField(User, null=True, backref="collected_fees", on_delete="RESTRICT")


class StatusEvent(BaseModel):
    """One step of a dossier's life. The dossier's status, appointment, pauses and verdict derive from these."""

    dossier = ForeignKeyField(Dossier, backref="events", on_delete="CASCADE")
    action = CharField()  # receive | accept | refuse | start | request-supplement | ... (services.transitions)
    status = IntegerField()  # the status after the event
    at = AwareDateTimeField()  # when it happened (may be entered later, from paper)
    entered_at = AwareDateTimeField(default=now)
    actor = CharField()
    user = ForeignKeyField(User, null=True, backref="status_events", on_delete="RESTRICT")
    note = TextField(default="")
    appointment_at = AwareDateTimeField(null=True)  # the appointment this event set, if any
    paused_minutes = IntegerField(default=0)  # working minutes of the pause this event ended
    details = JSONField(null=True)


class ChecklistItem(BaseModel):
    """A procedure's checklist template: one row per thing to verify, grouped by step (a step's role
    and allotted working hours are those of its first row)."""

    procedure = ForeignKeyField(Procedure, backref="checklist", on_delete="CASCADE")
    position = IntegerField()
    step = CharField()
    role = CharField(default="")
    hours = IntegerField(default=0)  # allotted working hours of the step; 0: none of its own
    text = TextField()
    basis = CharField(default="")  # the legal basis


class DossierCheck(BaseModel):
    """A dossier's own copy of the checklist, made when it was received: later edits never change it."""

    dossier = ForeignKeyField(Dossier, backref="checks", on_delete="CASCADE")
    position = IntegerField()
    step = CharField()
    role = CharField(default="")
    hours = IntegerField(default=0)
    text = TextField()
    basis = CharField(default="")
    done_at = AwareDateTimeField(null=True)
    done_by = ForeignKeyField(User, null=True, backref="checks_done", on_delete="RESTRICT")


class Rating(BaseModel):
    """The applicant's satisfaction with a settled dossier: one per dossier."""

    dossier = ForeignKeyField(Dossier, backref="ratings", unique=True, on_delete="CASCADE")
    level = IntegerField()  # 1 satisfied, 2 normal, 3 unsatisfied
    comment = TextField(default="")
    at = AwareDateTimeField(default=now, index=True)


class Petition(BaseModel):
    """A petition (phản ánh, kiến nghị) an applicant filed about a dossier, answered and closed by staff."""

    dossier = ForeignKeyField(Dossier, backref="petitions", on_delete="CASCADE")
    text = TextField()
    submitted_at = AwareDateTimeField(default=now)
    due_at = AwareDateTimeField(index=True)
    answer = TextField(default="")
    answered_at = AwareDateTimeField(null=True, index=True)
    answered_by = ForeignKeyField(User, null=True, backref="petitions_answered", on_delete="RESTRICT")
class IntakeKey(BaseModel):
    """The one-time key of a rendered counter form, stored with the dossier it made: a second
    submit of the same form (double-click, retry) finds the first dossier instead of making another."""

    key = CharField(unique=True)
    dossier = ForeignKeyField(Dossier, backref="intake_keys", on_delete="CASCADE")
    created_at = AwareDateTimeField(default=now)


class IdempotencyKey(BaseModel):
    """The first answer to an API request sent with an Idempotency-Key, replayed on a retry."""

    token = ForeignKeyField(ApiToken, backref="idempotency_keys", on_delete="RESTRICT")
    key = CharField()
    fingerprint = CharField()  # SHA-256 of the request body: the same key with another body is refused
    dossier = ForeignKeyField(Dossier, backref="idempotency_keys", on_delete="CASCADE")
    status = IntegerField()
    body = JSONField()
    created_at = AwareDateTimeField(default=now)

    class Meta:
        indexes = ((("token", "key"), True),)


# --- Signatures ---------------------------------------------------------------------------

class TrustRoot(BaseModel):
    """A root certificate the admin installed: signatures chaining to it are reported as trusted."""

    fingerprint = CharField(unique=True)  # SHA-256 of the DER, hex
    subject = CharField()
    pem = TextField()
    not_after = AwareDateTimeField()
    added_at = AwareDateTimeField(default=now)
    added_by = CharField()


class SignerCertificate(BaseModel):
    """A certificate registered for an official: uploads signed on the official's own PC must carry it."""

    user = ForeignKeyField(User, backref="signer_certificates", on_delete="RESTRICT")
    fingerprint = CharField(unique=True)  # SHA-256 of the DER, hex
    subject = CharField()
    pem = TextField()
    not_after = AwareDateTimeField()
    added_at = AwareDateTimeField(default=now)
    added_by = CharField()


# --- Audit --------------------------------------------------------------------------------

class AuditEvent(BaseModel):
    """One state change. Each row hashes its content with the previous row's hash."""

    id = AutoField()
    at = AwareDateTimeField()
    actor = CharField()
    action = CharField()
    entity = CharField()
    entity_id = CharField()
    before = JSONField(null=True)
    after = JSONField(null=True)
    prev_hash = CharField()
    hash = CharField(unique=True)


# --- Certification (chứng thực) -----------------------------------------------------------

class CertificationSetting(BaseModel):
    """The office's certification settings (a single row)."""

    volume_size = IntegerField(default=500)  # numbers per volume (quyển) of a register
    electronic_series = CharField(default="SCTĐT/BS")  # "": electronic copies share the SCT/BS numbers


class CertificationSequence(BaseModel):
    """Last certification number used per agency, type code and year, and the volume it fell in."""

    agency_id = CharField()
    series = CharField()  # SCT/BS, SCTĐT/BS, SCT/CK,ĐC, SCT/HĐ,GD
    year = IntegerField()
    last = IntegerField(default=0)
    volume = IntegerField(default=1)
    volume_first = IntegerField(default=1)  # the first number of the current volume

    class Meta:
        indexes = ((("agency_id", "series", "year"), True),)


class Certification(BaseModel):
    """One entry of a certification register: one original (its copies share the number), one signed
    paper, or one contract. Registers are kept permanently: entries are never deleted."""

    agency_id = CharField()
    series = CharField()
    year = IntegerField()
    number = IntegerField()
    volume = IntegerField()
    kind = CharField()  # copy | signature | contract
    electronic = BooleanField(default=False)  # an electronic certified copy is issued under this number
    dossier = ForeignKeyField(Dossier, backref="certifications", on_delete="RESTRICT")
    document = CharField()  # the original, the signed paper or the contract
    pages = IntegerField(default=0)  # pages of the original
    copies = IntegerField(default=0)  # paper copies certified
    requester = CharField()
    signer_name = CharField()
    signer_title = CharField(default="")
    certified_at = AwareDateTimeField()
    fee = IntegerField(null=True)  # the part of the dossier's fee for this entry; None: not known yet
    file = ForeignKeyField(StoredFile, null=True, on_delete="RESTRICT")  # the signed electronic copy
    recorded_by = ForeignKeyField(User, null=True, backref="certifications", on_delete="RESTRICT")

    class Meta:
        indexes = (
            (("agency_id", "series", "year", "number"), True),
            (("series", "certified_at"), False),
        )


# --- Notifications and the applicant outbox -------------------------------------------------

class Notification(BaseModel):
    """An in-app notice for one staff member: a dossier handed over, a supplement back, a deadline."""

    user = ForeignKeyField(User, backref="notifications", on_delete="RESTRICT")
    dossier = ForeignKeyField(Dossier, null=True, backref="notifications", on_delete="CASCADE")
    kind = CharField()  # assigned | supplement | over_75_percent | due_next_working_day | due_today | overdue
    actor = CharField(default="")  # who caused it; "" for the deadline watch
    key = CharField(unique=True)  # one notice per cause, so the deadline watch may run twice
    created_at = AwareDateTimeField(default=now)
    read_at = AwareDateTimeField(null=True)

    class Meta:
        indexes = ((("user", "read_at"), False), (("user", "id"), False))


class OutboxMessage(BaseModel):
    """A message to the applicant about their dossier, sent by the SMS/Zalo gateway or e-mail, else
    printed at the counter. Never deleted: its delivery attempts say what happened."""

    dossier = ForeignKeyField(Dossier, backref="messages", on_delete="CASCADE")
    kind = CharField()  # supplement | extension | result | refusal | stop
    key = CharField(unique=True)  # the event that made it
    phone = CharField(default="")
    email = CharField(default="")
    subject = CharField()
    body = TextField()
    status = CharField(default="pending")  # pending | sent | print | printed
    channel = CharField(default="")  # of the last attempt: sms | zalo | email | print
    attempts = IntegerField(default=0)  # failed attempts since it was (re)queued
    next_attempt_at = AwareDateTimeField(null=True)
    claimed_until = AwareDateTimeField(null=True)  # a sender's lease: two runs never send it at once
    created_at = AwareDateTimeField(default=now)
    sent_at = AwareDateTimeField(null=True)
    printed_at = AwareDateTimeField(null=True)
    printed_by = ForeignKeyField(User, null=True, backref="messages_printed", on_delete="RESTRICT")
    last_error = CharField(default="")

    class Meta:
        indexes = ((("status", "next_attempt_at"), False), (("status", "id"), False))


class DeliveryAttempt(BaseModel):
    """One try to deliver an outbox message, whatever came of it."""

    message = ForeignKeyField(OutboxMessage, backref="delivery_attempts", on_delete="CASCADE")
    at = AwareDateTimeField()
    channel = CharField()  # sms | zalo | email | print
    outcome = CharField()  # sent | failed | timeout | print
    detail = CharField(default="")
    duration_ms = IntegerField(default=0)


class MessagingSettings(BaseModel):
    """How messages reach applicants (one row): an SMS/Zalo HTTP gateway, an SMTP server, or neither."""

    gateway_url = CharField(default="")
    gateway_token = CharField(default="")
    gateway_channel = CharField(default="sms")  # sms | zalo
    sms_unaccented = BooleanField(default=True)  # SMS without diacritics: one segment holds 160, not 70
    smtp_host = CharField(default="")
    smtp_port = IntegerField(default=587)
    smtp_security = CharField(default="starttls")  # none | starttls | ssl
    smtp_username = CharField(default="")
    smtp_password = CharField(default="")
    smtp_sender = CharField(default="")
    timeout_seconds = IntegerField(default=10)


# --- Training, hotline, FAQ ------------------------------------------------------------------

class TrainingSession(BaseModel):
    """A planned training session: who trains whom, on what, when and where."""

    agency_id = CharField(default="")
    title = CharField()
    trainer = ForeignKeyField(User, null=True, backref="training_sessions", on_delete="RESTRICT")
    trainer_name = CharField(default="")  # a visiting trainer without an account
    units = TextField(default="")  # target units or communes, one per line
    topics = JSONField(default=list)  # keys of services.training.TOPICS
    starts_at = AwareDateTimeField(index=True)
    place = CharField(default="")
    kind = CharField(default="onsite")  # onsite | practice (on the practice server)
    materials = TextField(default="")  # materials used: free text or links, one per line
    feedback_token = CharField(unique=True)  # in the sign-in sheet's QR link to the feedback form
    created_at = AwareDateTimeField(default=now)
    created_by = CharField(default="")


class TrainingAttendee(BaseModel):
    session = ForeignKeyField(TrainingSession, backref="attendees", on_delete="CASCADE")
    full_name = CharField()
    unit = CharField(default="")
    position = CharField(default="")
    checked_in_at = AwareDateTimeField()


class TrainingFeedback(BaseModel):
    """One anonymous answer from the feedback form behind the sign-in sheet's QR code."""

    session = ForeignKeyField(TrainingSession, backref="feedback", on_delete="CASCADE")
    score = IntegerField()  # 1 (poor) .. 5 (very good)
    comment = TextField(default="")
    at = AwareDateTimeField(default=now)


class TrainingAction(BaseModel):
    """A follow-up action decided at a session, due by a date."""

    session = ForeignKeyField(TrainingSession, backref="actions", on_delete="CASCADE")
    text = TextField()
    owner = CharField(default="")
    due_on = DateField(index=True)
    done_at = AwareDateTimeField(null=True)


class HotlineCall(BaseModel):
    """A call or message to the support hotline, its answer and how long that took."""

    agency_id = CharField(default="")
    received_at = AwareDateTimeField()
    channel = CharField(default="phone")  # phone | message
    caller = CharField()
    unit = CharField(default="")
    topic = CharField(default="system")  # a key of services.training.TOPICS
    procedure = ForeignKeyField(Procedure, null=True, backref="hotline_calls", on_delete="RESTRICT")
    question = TextField()
    answer = TextField(default="")
    status = CharField(default="open")  # open | resolved
    resolved_at = AwareDateTimeField(null=True)
    resolve_minutes = IntegerField(null=True)  # from received_at to resolved_at
    taken_by = ForeignKeyField(User, null=True, backref="hotline_calls", on_delete="RESTRICT")

    class Meta:
        indexes = ((("received_at", "id"), False), (("status", "id"), False))


class FaqEntry(BaseModel):
    """A question and its answer, for staff or for the public (often a resolved hotline call)."""

    question = TextField()
    answer = TextField()
    audience = CharField(default="public")  # public | staff
    topic = CharField(default="system")
    call = ForeignKeyField(HotlineCall, null=True, unique=True, backref="faq", on_delete="RESTRICT")
    search_key = TextField(default="")  # question and answer folded (services.text.fold)
    created_at = AwareDateTimeField(default=now)
    created_by = CharField(default="")
    hidden = BooleanField(default=False)  # taken off the FAQ (kept, never deleted)


# --- Toolkit: materials library and communication templates ---------------------------------

class Material(BaseModel):
    """A training or communication material; its current file is its latest version."""

    title = CharField()
    description = TextField(default="")
    topic = CharField(index=True)  # services.toolkit.materials.TOPICS
    audience = CharField(index=True)  # staff | citizens (citizens: listed on the public page)
    search_key = TextField(default="")  # title, description, file name: lower-case, no accents
    version = IntegerField(default=1)
    file = ForeignKeyField(StoredFile, on_delete="RESTRICT")
    file_name = CharField()
    mime = CharField()
    size = IntegerField()
    downloads = IntegerField(default=0)
    starter = CharField(default="")  # the starter guide it was generated from, "" for an upload
    updated_at = AwareDateTimeField(default=now, index=True)
    created_by = CharField()


class MaterialVersion(BaseModel):
    """Every file a material has had: a new upload makes a new version, nothing is deleted."""

    material = ForeignKeyField(Material, backref="versions", on_delete="CASCADE")
    number = IntegerField()
    file = ForeignKeyField(StoredFile, on_delete="RESTRICT")
    file_name = CharField()
    mime = CharField()
    size = IntegerField()
    note = CharField(default="")
    uploaded_at = AwareDateTimeField(default=now)
    uploaded_by = CharField()

    class Meta:
        indexes = ((("material", "number"), True),)


class TemplateText(BaseModel):
    """The office's own wording of one field of a communication template (else the default)."""

    slug = CharField()
    field = CharField()
    text = TextField()
    updated_at = AwareDateTimeField(default=now)
    updated_by = CharField()

    class Meta:
        indexes = ((("slug", "field"), True),)


# --- Electronic results -------------------------------------------------------------------

class ResultDocument(BaseModel):
    """A dossier's electronic result: generated from the procedure's template (text the specialist
    edits) or the scan of the paper result; a QR code links to its verification page by ``verify_key``.
    ``signed`` is set once the leader's and the organisation's signatures are on it and validated."""

    dossier = ForeignKeyField(Dossier, backref="results", on_delete="CASCADE")
    kind = CharField()  # generated | upload
    number = CharField(default="")  # "Số: …" of the document
    title = CharField(default="")
    body = TextField(default="")
    signer_title = CharField(default="")
    signer_name = CharField(default="")
    verify_key = CharField(unique=True)
    layout = JSONField(null=True)  # where the signatures go: {"person": [page, x1, y1, x2, y2], ...}
    draft = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")  # the unsigned PDF with its QR
    prepared = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="RESTRICT")  # for a token
    signed = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="RESTRICT")
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = AwareDateTimeField(default=now)
    signed_by = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    signed_at = AwareDateTimeField(null=True)


class ResultExemption(BaseModel):
    """The leader's decision that a dossier may be settled without a signed electronic result."""

    dossier = ForeignKeyField(Dossier, backref="result_exemptions", unique=True, on_delete="CASCADE")
    reason = TextField()
    user = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    at = AwareDateTimeField(default=now)


class OrgKeystore(BaseModel):
    """The agency's organisational certificate as its PKCS#12 file (still encrypted) on the server.
    Its passphrase is never stored: services.keystore keeps the unlocked key in memory only."""

    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    seal = ForeignKeyField(StoredFile, null=True, backref="+", on_delete="RESTRICT")  # PNG drawn in the appearance
    subject = CharField()
    fingerprint = CharField()  # SHA-256 of the certificate (DER), hex
    not_after = AwareDateTimeField()
    added_at = AwareDateTimeField(default=now)
    added_by = CharField()


class RemoteSigningService(BaseModel):
    """The remote-signing provider (CSC API) the leaders use: its address, ending before ``/csc/v1``."""

    base_url = CharField(default="")
    updated_at = AwareDateTimeField(default=now)
    updated_by = CharField(default="")


class RemoteCredential(BaseModel):
    """A leader's credential (key) at the remote-signing provider; the access token is never stored."""

    user = ForeignKeyField(User, unique=True, backref="+", on_delete="CASCADE")
    credential_id = CharField()


MODELS = [
    Office, CalendarOverride, Unit, User, LoginThrottle, ApiToken,
    Procedure, ProcedureVersion, Component, Fee,
    StoredFile, DailySequence, YearlySequence, Dossier, DossierToken, DossierComponent, DossierFee,
    IntakeKey, IdempotencyKey, StatusEvent, ChecklistItem, DossierCheck, Rating, Petition, TrustRoot,
    SignerCertificate, AuditEvent,
    Notification, OutboxMessage, DeliveryAttempt, MessagingSettings,
    TrainingSession, TrainingAttendee, TrainingFeedback, TrainingAction, HotlineCall, FaqEntry,
    CertificationSetting, CertificationSequence, Certification,
    Material, MaterialVersion, TemplateText,
    ResultDocument, ResultExemption, OrgKeystore, RemoteSigningService, RemoteCredential,
]
