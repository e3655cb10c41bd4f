"""The office's own settings (identity, hours, days off) and the calendar built from them."""
from __future__ import annotations

import datetime as dt
import re

from models import CalendarOverride, Office
from services import audit
from services.calendar import OfficeHours, WorkCalendar
from services.database import write_transaction
from services.text import nfc

AGENCY_ID = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
TEXT_FIELDS = ("name", "parent_body", "place", "province", "public_base_url", "address", "hotline")
HOTLINE = re.compile(r"^\+?[0-9][0-9 .()-]{2,19}$")
MAX_TEXT = 200
HOUR_FIELDS = ("morning_start", "morning_end", "afternoon_start", "afternoon_end")


def get_office() -> Office:
    office = Office.select().order_by(Office.id).first()
    if office is None:
        with write_transaction():
            office = Office.create()
    return office


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def office_hours(office: Office) -> OfficeHours:
    return OfficeHours(*(_time(getattr(office, f)) for f in HOUR_FIELDS))


def calendar(office: Office | None = None) -> WorkCalendar:
    office = office or get_office()
    overrides = list(CalendarOverride.select())
    return WorkCalendar(office_hours(office),
                        days_off=[o.day for o in overrides if not o.working],
                        working_days=[o.day for o in overrides if o.working])


def validate_settings(form) -> tuple[dict, dict]:
    """(data, errors) for the settings form; errors map field -> Vietnamese-ready message id."""
    data = {f: nfc(form.get(f, "")) for f in TEXT_FIELDS + HOUR_FIELDS}
    data["agency_id"] = nfc(form.get("agency_id", "")).upper()
    data["receipt_two_copies"] = form.get("receipt_two_copies") in ("1", "on", True)
    errors: dict[str, str] = {}
    if not AGENCY_ID.match(data["agency_id"]):
        errors["agency_id"] = "agency_id"
    for f in ("name", "parent_body", "place"):
        if not data[f]:
            errors[f] = "required"
    for f in HOUR_FIELDS:
        if not HHMM.match(data[f]):
            errors[f] = "hhmm"
    if not any(f in errors for f in HOUR_FIELDS):
        times = [data[f] for f in HOUR_FIELDS]
        if times != sorted(times) or len(set(times)) != 4:
            errors["afternoon_end"] = "hours_order"
    try:
        data["max_upload_mb"] = int(form.get("max_upload_mb", ""))
        if not 1 <= data["max_upload_mb"] <= 200:
            raise ValueError
    except ValueError:
        errors["max_upload_mb"] = "upload_mb"
    try:
        data["max_extensions"] = int(form.get("max_extensions", "1") or "1")
        if not 0 <= data["max_extensions"] <= 5:
            raise ValueError
    except ValueError:
        errors["max_extensions"] = "extensions"
    if data["hotline"] and not HOTLINE.match(data["hotline"]):
        errors["hotline"] = "hotline"
    for f in TEXT_FIELDS:
        if len(data[f]) > MAX_TEXT and f not in errors:
            errors[f] = "too_long"
    if data["public_base_url"] and not re.match(r"^https?://[^\s/]+", data["public_base_url"]):
        errors["public_base_url"] = "url"
    return data, errors


def update_settings(data: dict, actor: str) -> Office:
    with write_transaction():
        office = get_office()
        before = {k: getattr(office, k) for k in data}
        for key, value in data.items():
            setattr(office, key, value)
        office.save()
        changed = {k: v for k, v in data.items() if before[k] != v}
        if changed:
            audit.record(actor, "office.update", "office", office.id,
                         {k: before[k] for k in changed}, changed)
    return office


def set_override(day: dt.date, working: bool, note: str, actor: str) -> CalendarOverride:
    with write_transaction():
        row = CalendarOverride.get_or_none(CalendarOverride.day == day)
        before = None if row is None else {"working": row.working, "note": row.note}
        if row is None:
            row = CalendarOverride(day=day)
        row.working, row.note = working, nfc(note)
        row.save()
        audit.record(actor, "calendar.override", "calendar_override", day.isoformat(), before,
                     {"working": working, "note": row.note})
    return row


def delete_override(day: dt.date, actor: str) -> bool:
    with write_transaction():
        row = CalendarOverride.get_or_none(CalendarOverride.day == day)
        if row is None:
            return False
        audit.record(actor, "calendar.override.delete", "calendar_override", day.isoformat(),
                     {"working": row.working, "note": row.note}, None)
        row.delete_instance()
    return True
