"""Text rules: NFC everywhere, and a folded key for Vietnamese search."""
from __future__ import annotations

import re
import unicodedata

SURROGATES = re.compile("[\ud800-\udfff]")
SEARCH_WORDS = 8


def nfc(value: str | None) -> str:
    """NFC, trimmed, without NUL (PostgreSQL refuses it in text), and lone surrogates (not storable as
    UTF-8) replaced by U+FFFD."""
    return SURROGATES.sub("\ufffd", unicodedata.normalize("NFC", (value or "").replace("\x00", ""))).strip()


def search_words(text: str | None) -> list[str]:
    """The folded words of a search box, at most SEARCH_WORDS of them (more narrows nothing useful
    and would make an ever longer query)."""
    return fold(SURROGATES.sub(" ", (text or "")[:500])).split()[:SEARCH_WORDS]


def fold(value: str | None) -> str:
    """Lower-case, accents removed, đ -> d, spaces collapsed: 'NGUYỄN Đức' -> 'nguyen duc'."""
    text = unicodedata.normalize("NFD", (value or "").lower().replace("đ", "d").replace("Đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.split())


def mask_name(name: str) -> str:
    """'Nguyễn Thị Hường' -> 'N***** T** Hường': enough for the owner to recognise, no more.
    A one-word name is masked too ('Hường' -> 'H****'): alone it would be the whole name."""
    words = nfc(name).split()
    if not words:
        return ""
    masked = [w[0] + "*" * (len(w) - 1) for w in (words if len(words) == 1 else words[:-1])]
    return " ".join(masked + ([] if len(words) == 1 else [words[-1]]))


def N_(message: str) -> str:
    """Mark a message for the translation catalog; the page translates it when it shows it."""
    return message


def thousands(amount: int) -> str:
    """Whole đồng with the Vietnamese thousands separator: 1234567 -> '1.234.567'."""
    return f"{int(amount):,}".replace(",", ".")


REQUIRED = N_("This field is required.")
TOO_LONG = N_("This text is too long.")


def form_text(form, name: str, errors: dict, required: bool = False, limit: int = 200) -> str:
    """A typed text field, NFC, without NUL (see nfc); a msgid in ``errors[name]`` when it is required
    and empty or longer than ``limit``."""
    value = nfc(str(form.get(name) or ""))
    if required and not value:
        errors[name] = REQUIRED
    elif len(value) > limit:
        errors[name] = TOO_LONG
    return value
