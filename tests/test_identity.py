"""Identity checks: personal numbers, business and household codes, passports, e-mail, text limits."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from services import identity, intake
from tests.conftest import APPLICANT

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize("number,ok", [
    ("001195012345", True),    # Hà Nội, 0/1 -> 1900s, 95: born 1995
    ("096099000001", True),    # Cà Mau, 1999
    ("079203001234", True),    # Hồ Chí Minh, 2/3 -> 2000s: 2003
    ("079226001234", True),    # born this year (a birth registration)
    ("079227001234", False),   # 2027: in the future
    ("079299001234", False),   # 2099
    ("079400001234", False),   # 4/5 -> 2100s
    ("079900001234", False),   # 8/9 -> 2300s
    ("003195012345", False),   # 003 is not a province code
    ("000195012345", False),
    ("097195012345", False),   # after 096 Cà Mau
    ("050195012345", False),   # a gap in the table (049 Quảng Nam, 051 Quảng Ngãi)
    ("00119501234", False),    # 11 digits
    ("0011950123456", False),  # 13 digits
    ("00119501234a", False),
    ("００１１９５０１２３４５", False),  # full-width digits are not ASCII digits
])
def test_personal_number(number, ok):
    assert (identity.personal_number(number, TODAY) is None) is ok


def test_province_table_is_the_ministrys_63_codes():
    assert len(identity.PROVINCE_CODES) == 63
    assert identity.PROVINCE_CODES["001"] == "Hà Nội" and identity.PROVINCE_CODES["096"] == "Cà Mau"
    assert identity.PROVINCE_CODES["079"] == "Hồ Chí Minh" and "003" not in identity.PROVINCE_CODES


@pytest.mark.parametrize("kind,number,ok", [
    ("business", "0101234567", True), ("business", "0101234567-001", True),
    ("business", "010123456", False), ("business", "01012345678", False),
    ("business", "0101234567-01", False), ("business", "0101234567-0001", False),
    ("business", "0101234567-", False), ("business", "010123456A", False),
    ("household", "001195012345", True), ("household", "0101234567", False),
    ("household", "003195012345", False),
    ("passport_vn", "C1234567", True), ("passport_vn", "N12345678", True),
    ("passport_vn", "C123456", False), ("passport_vn", "C123456789", False),
    ("passport_vn", "12345678", False), ("passport_vn", "CC123456", False),
    ("passport", "X1234567", True), ("passport", "123456", True), ("passport", "A" * 20, True),
    ("passport", "AB123", False), ("passport", "A" * 21, False), ("passport", "AB-12345", False),
    ("organisation", "QHNS.1234567", True), ("organisation", "ĐV123", False),
])
def test_other_ids(kind, number, ok):
    assert (identity.check_id(kind, number) is None) is ok


LONGEST = "a" * 64 + "@" + ("b" * 63 + ".") * 2 + "c" * 61  # 64 + 1 + 128 + 61 = 254 characters


@pytest.mark.parametrize("address,ok", [
    ("a@b.vn", True), ("nguyen.van.an@ubnd.hanoi.gov.vn", True), ("an+hs@xn--h-xja.vn", True),
    (LONGEST, True), (LONGEST + "c", False),
    ("a@b", False), ("@b.vn", False), ("a@", False), ("a@.b.vn", False), ("a@b..vn", False),
    ("a..b@c.vn", False), (".a@c.vn", False), ("a.@c.vn", False), ("a b@c.vn", False),
    ("a@-b.vn", False), ("a@b-.vn", False), ("a@b.123", False), ("a@b@c.vn", False),
    ("a" * 65 + "@b.vn", False), ("a@" + "b" * 64 + ".vn", False),
])
def test_email(address, ok):
    assert len(LONGEST) == 254
    assert (identity.email(address) is None) is ok


@pytest.mark.parametrize("address", ["a@" + "." * 60000 + "@", "a" * 1_000_005, "a@" + "b." * 500_000 + "vn"])
def test_crafted_email_is_rejected_at_once(address):
    started = time.perf_counter()
    errors = {}
    intake.validate_applicant({**APPLICANT, "email": address}, errors)
    assert "email" in errors
    assert time.perf_counter() - started < 0.05


ORGANISATION = {**APPLICANT, "applicant_kind": "business", "applicant_name": "Công ty TNHH Hòa Bình",
                "id_number": "0101234567", "representative_name": "Trần Văn Bình",
                "representative_id_kind": "personal", "representative_id_number": "001085004321"}


def test_organisation_names_the_person_who_submits():
    errors = {}
    data = intake.validate_applicant(ORGANISATION, errors)
    assert not errors
    assert (data["applicant_type"], data["id_kind"], data["id_number"]) == (2, "business", "0101234567")
    assert (data["representative_name"], data["representative_id_kind"], data["representative_id_number"]) \
        == ("Trần Văn Bình", "personal", "001085004321")


def test_organisation_without_its_person_is_refused():
    errors = {}
    intake.validate_applicant({**ORGANISATION, "representative_name": "", "representative_id_number": ""},
                              errors)
    assert {"representative_name", "representative_id_number"} <= set(errors)
    errors = {}
    intake.validate_applicant({**ORGANISATION, "representative_id_number": "003085004321"}, errors)
    assert set(errors) == {"representative_id_number"}


def test_foreigner_with_passport_and_foreign_phone():
    errors = {}
    data = intake.validate_applicant({**APPLICANT, "applicant_kind": "foreigner", "applicant_name": "John Smith",
                                      "id_number": "x 1234567", "phone": "+33 6 12 34 56 78"}, errors)
    assert not errors
    assert (data["applicant_type"], data["id_kind"], data["id_number"], data["phone"]) \
        == (1, "passport", "X1234567", "+33612345678")
    assert data["representative_name"] == ""
    errors = {}
    intake.validate_applicant({**APPLICANT, "phone": "+33612345678"}, errors)
    assert "phone" in errors  # a citizen's phone is Vietnamese


def test_household_business_tax_code():
    errors = {}
    data = intake.validate_applicant({**ORGANISATION, "applicant_kind": "household",
                                      "applicant_name": "Hộ kinh doanh Tạp hóa Minh", "id_number": "001195012345"},
                                     errors)
    assert not errors and data["id_kind"] == "household"
    errors = {}
    intake.validate_applicant({**ORGANISATION, "applicant_kind": "household"}, errors)
    assert "id_number" in errors  # a 10-digit enterprise code is not a household tax code


def test_api_style_type_and_id_kind():
    errors = {}
    data = intake.validate_applicant({**APPLICANT, "applicant_type": "1", "id_kind": "passport",
                                      "id_number": "X1234567"}, errors)
    assert not errors and data["id_kind"] == "passport"
    errors = {}
    intake.validate_applicant({**APPLICANT, "applicant_type": "1", "id_kind": "business"}, errors)
    assert "id_kind" in errors
    errors = {}
    intake.validate_applicant({**APPLICANT, "applicant_kind": "ward"}, errors)
    assert "applicant_kind" in errors


def test_century_digit_in_the_future_is_refused():
    errors = {}
    intake.validate_applicant({**APPLICANT, "id_number": "001495012345"}, errors)
    assert "id_number" in errors


@pytest.mark.parametrize("field", ["applicant_name", "address", "representative_name"])
def test_every_text_field_has_a_limit(field):
    errors = {}
    intake.validate_applicant({**ORGANISATION, field: "ạ" * 251}, errors)
    assert field in errors
    errors = {}
    intake.validate_applicant({**ORGANISATION, field: "ạ" * 250}, errors)
    assert field not in errors


@pytest.mark.parametrize("field", ["request_subject", "delivery_address"])
def test_request_fields_have_a_limit(field):
    errors = {}
    intake.validate_request({"delivery_method": "post", "delivery_address": "Số 1", field: "a" * 251}, errors)
    assert field in errors


@pytest.mark.parametrize("field", ["applicant_name", "address", "email", "id_number", "phone",
                                   "representative_name", "representative_id_number"])
def test_lone_surrogate_is_refused_cleanly(field):
    errors = {}
    intake.validate_applicant({**ORGANISATION, field: "An\ud800"}, errors)
    assert field in errors


def test_delivery_by_post_needs_an_address():
    errors = {}
    intake.validate_request({"delivery_method": "post"}, errors)
    assert "delivery_address" in errors
    errors = {}
    data = intake.validate_request({"delivery_method": "online", "delivery_address": "ignored",
                                    "request_subject": " Nguyễn Minh Khôi "}, errors)
    assert not errors
    assert data == {"request_subject": "Nguyễn Minh Khôi", "delivery_method": "online", "delivery_address": ""}
    errors = {}
    intake.validate_request({"delivery_method": "drone"}, errors)
    assert "delivery_method" in errors
