"""Identity numbers and contact details: the checks behind the applicant fields (DOMAIN §3).

Each check returns None when the value is fine, or the message id (English, translated by the page)
saying what is wrong. Every check runs in time linear in the length of its input: no regular
expression that can backtrack, and long input is refused before any other work.
"""
from __future__ import annotations

import datetime as dt

from services.text import N_

# Province codes that begin a personal identification number: the province or city where the
# birth was registered (Circular 07/2016/TT-BCA, Appendix 1, Ministry of Public Security). The
# codes keep the 63 provinces of 2016; the 2025 merger did not renumber anyone.
PROVINCE_CODES = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh",
    "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

# The id kinds a dossier records, and the kinds a person (or an organisation's representative) may show.
ID_KINDS = {
    "personal": N_("Personal identification number"),
    "passport_vn": N_("Vietnamese passport"),
    "passport": N_("Passport (foreigner)"),
    "business": N_("Enterprise code / tax code"),
    "household": N_("Household business tax code"),
    "organisation": N_("Organisation code"),
}
PERSON_ID_KINDS = ("personal", "passport_vn", "passport")

MAX_EMAIL = 254  # RFC 5321 path limit
MAX_LOCAL_PART = 64
MAX_DOMAIN_LABEL = 63
EMAIL_LOCAL_FORBIDDEN = frozenset(' \t\r\n<>()[]\\,;:"@')
CODE_CHARACTERS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ./-")


def birth_year(number: str) -> int:
    """The birth year a personal number encodes: digit 4 gives the century (0/1: 1900s, 2/3: 2000s,
    4/5: 2100s, 6/7: 2200s, 8/9: 2300s; even for men, odd for women), digits 5-6 the year in it."""
    return 1900 + int(number[3]) // 2 * 100 + int(number[4:6])


def personal_number(number: str, today: dt.date | None = None) -> str | None:
    """A 12-digit personal identification number: province code, century-and-sex digit, birth year."""
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return N_("A personal identification number has exactly 12 digits.")
    if number[:3] not in PROVINCE_CODES:
        return N_("The first 3 digits of a personal identification number are a province code "
                  "(001 Hà Nội to 096 Cà Mau); check the number.")
    if birth_year(number) > (today or dt.date.today()).year:
        return N_("Digits 4 to 6 of this personal identification number give a birth year in the "
                  "future; check the number.")
    return None


def business_code(code: str) -> str | None:
    """An enterprise code (the tax code): 10 digits, or 10 digits, a dash and 3 for a branch."""
    main, dash, branch = code.partition("-")
    ok = (len(main) == 10 and main.isascii() and main.isdigit()
          and (not dash or (len(branch) == 3 and branch.isascii() and branch.isdigit())))
    return None if ok else N_("A business code has 10 digits, or 10 digits, a dash and 3 digits.")


def household_code(code: str, today: dt.date | None = None) -> str | None:
    """A household business's 12-digit tax code: the owner's personal identification number."""
    if personal_number(code, today) is None:
        return None
    return N_("A household business tax code is the owner's 12-digit personal identification number.")


def vietnamese_passport(number: str) -> str | None:
    ok = 8 <= len(number) <= 9 and number[0].isascii() and number[0].isalpha() \
        and number[1:].isascii() and number[1:].isdigit()
    return None if ok else N_("A Vietnamese passport number is a letter followed by 7 or 8 digits.")


def foreign_passport(number: str) -> str | None:
    ok = 6 <= len(number) <= 20 and number.isascii() and number.isalnum()
    return None if ok else N_("A passport number has 6 to 20 letters and digits.")


def organisation_code(code: str) -> str | None:
    ok = 1 <= len(code) <= 30 and all(ch in CODE_CHARACTERS for ch in code)
    return None if ok else N_("Enter the organisation's code (letters, digits, . / -).")


CHECKS = {
    "personal": personal_number, "passport_vn": vietnamese_passport, "passport": foreign_passport,
    "business": business_code, "household": household_code, "organisation": organisation_code,
}


def check_id(kind: str, number: str) -> str | None:
    """The problem with ``number`` as an id of ``kind``, or None. ``number`` is upper-case, no spaces."""
    return CHECKS[kind](number)


def _domain_ok(domain: str) -> bool:
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    for label in labels:
        if not 1 <= len(label) <= MAX_DOMAIN_LABEL or label[0] == "-" or label[-1] == "-":
            return False
        if not all(ch.isalnum() or ch == "-" for ch in label):
            return False
    return not labels[-1].isdigit()


def email(address: str) -> str | None:
    """An e-mail address: at most 254 characters, one @, a plain local part, a dotted domain.
    Linear in the length of the address (a crafted address cannot slow the server)."""
    if len(address) > MAX_EMAIL:
        return N_("An e-mail address has at most 254 characters.")
    local, at, domain = address.partition("@")
    ok = (at and "@" not in domain and 1 <= len(local) <= MAX_LOCAL_PART
          and not any(ch in EMAIL_LOCAL_FORBIDDEN or ch.isspace() for ch in local)
          and local[0] != "." and local[-1] != "." and ".." not in local and _domain_ok(domain))
    return None if ok else N_("This e-mail address is not valid.")


def has_lone_surrogate(text: str) -> bool:
    """True for text that cannot be stored as UTF-8 (a lone surrogate such as JSON's "\\ud800")."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
