"""Reading JSON values sent to the API: every type checked, so no input reaches the database wrong."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import re

from services import intake
from services.calendar import VN_TZ
from services.text import N_, fold, nfc

EARLIEST = dt.datetime(2000, 1, 1, tzinfo=VN_TZ)
LATEST = dt.datetime(2100, 1, 1, tzinfo=VN_TZ)
MAX_COMPONENTS = 50
# Lone surrogates cannot be stored as UTF-8; control characters (NUL above all) have no place in text.
BAD_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class Invalid(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def as_text(value, limit: int, required: bool = False) -> str:
    """A JSON string, NFC, at most ``limit`` characters; Invalid for any other type or bad characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(N_("This value must be text."))
    if BAD_CHARACTERS.search(value):
        raise Invalid(N_("The text contains characters that cannot be stored."))
    text = nfc(value)
    if len(text) > limit:
        raise Invalid(N_("The text is too long."))
    if required and not text:
        raise Invalid(N_("This value is required."))
    return text


def as_count(value, default: int = 0) -> int:
    """A whole number from 0 to 10000 (not a string, not true/false)."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
        raise Invalid(N_("pages and copies must be whole numbers from 0 to 10000."))
    return value


def parse_time(value, default: dt.datetime) -> dt.datetime | None:
    """ISO 8601 between 2000 and 2099; without an offset it is Vietnam time; absent means ``default``.
    None when unreadable or out of range."""
    if value is None or value == "":
        return default
    if not isinstance(value, str) or len(value) > 64 or BAD_CHARACTERS.search(value):
        return None
    text = re.sub(r" (\d\d:?\d\d)$", r"+\1", value.strip())  # '+07:00' arrives as ' 07:00' in a query
    try:
        parsed = dt.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=VN_TZ)
        parsed = parsed.astimezone(VN_TZ)
    except (ValueError, OverflowError):
        return None
    return parsed if EARLIEST <= parsed < LATEST else None


def as_scan(value, max_mb: int) -> bytes:
    """The bytes of a base64 scan, not empty and not over the office's limit."""
    if not isinstance(value, str):
        raise Invalid(N_("content_base64 is missing or not valid base64."))
    text = "".join(value.split())
    if len(text) > (max_mb * 1024 * 1024 * 4) // 3 + 4:
        raise Invalid(N_("The file is larger than the limit of %(mb)s MB."))
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(N_("content_base64 is missing or not valid base64.")) from None
    if not data:
        raise Invalid(N_("The scan is empty (0 bytes)."))
    return data


def components(items, version, max_mb: int, errors: dict) -> list[intake.ReceivedComponent]:
    """The JSON components [{"name", "file_name", "content_base64", "pages"?, "copies"?}]."""
    if not isinstance(items, list) or not items:
        errors["components"] = N_("Send at least one component with its file.")
        return []
    if len(items) > MAX_COMPONENTS:
        errors["components"] = N_("Send at most 50 components.")
        return []
    known = {fold(c.name): c.id for c in version.components} if version is not None else {}
    out = []
    for i, item in enumerate(items):
        where = f"components[{i}]"
        if not isinstance(item, dict):
            errors[where] = N_("Each component needs a name, a file_name and content_base64.")
            continue
        try:
            name = as_text(item.get("name"), intake.MAX_TEXT, required=True)
            file_name = as_text(item.get("file_name"), intake.MAX_TEXT)
            pages = as_count(item.get("pages"))
            copies = as_count(item.get("copies"))
            data = as_scan(item.get("content_base64"), max_mb)
        except Invalid as exc:
            errors[where] = exc.message
            continue
        out.append(intake.ReceivedComponent(name, 0, copies, known.get(fold(name)),
                                            intake.Upload(file_name, data), pages=pages))
    return out
