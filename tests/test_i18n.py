"""The Vietnamese catalog: complete, placeholders kept, NFC, compiled, and the wording other tests rely on."""
import re
import unicodedata
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def _read(path, reader):
    with open(path, "rb") as f:
        return reader(f)


POT = _read(ROOT / "messages.pot", read_po)
PO = _read(ROOT / "vi" / "LC_MESSAGES" / "messages.po", read_po)
MO = _read(ROOT / "vi" / "LC_MESSAGES" / "messages.mo", read_mo)
IDS = [m.id for m in POT if m.id]


@pytest.mark.parametrize("msgid", IDS)
def test_every_message_is_translated(msgid):
    message = PO.get(msgid)
    assert message is not None and message.string and not message.fuzzy
    assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(msgid))
    assert unicodedata.is_normalized("NFC", message.string)


def test_header():
    assert str(PO.locale) == "vi" and PO.plural_forms == "nplurals=1; plural=0;"
    assert not PO.fuzzy


def test_mo_is_compiled_from_the_current_po():
    for message in PO:
        if message.id:
            assert MO.get(message.id) is not None and MO[message.id].string == message.string, message.id


@pytest.mark.parametrize(("msgid", "expected"), [
    ("Receive a dossier", "Tiếp nhận hồ sơ"),
    ("Wrong username or password.", "Sai tên đăng nhập hoặc mật khẩu."),
    ("Digitised", "Đã số hóa"),
])
def test_required_translations(msgid, expected):
    assert PO[msgid].string == expected


@pytest.mark.parametrize(("msgid", "part"), [
    ("Too many failed logins for this account from this computer. Please wait until %(time)s and try "
     "again, or ask the administrator to unlock it.", "mở khóa"),
    ("There is no API token named %(name)s.", "Không có mã truy cập API nào tên %(name)s"),
    ("The form has expired. Reload the page and submit again.", "hết hạn"),
    ("A personal identification number has exactly 12 digits.", "12 chữ số"),
    ("Every received paper needs its scan. If a scan cannot be made now, write why.", "lý do"),
    ("Only PDF, JPEG or PNG scans are accepted (checked by content).", "PDF, JPEG"),
    ("The file is larger than the limit of %(mb)s MB.", "%(mb)s MB"),
    ("Your account does not have access to this page.", "không có quyền"),
])
def test_required_wording(msgid, part):
    assert part in PO[msgid].string


def test_appointment_wording():
    assert PO["Appointment if received now"].string.startswith("Hẹn trả")


# The 2025 names, one spelling style (hóa, hủy, xóa, khóa), polite requests, no software jargon.
OLD_WORDS = re.compile(r"Bộ phận Một cửa|\b(?:[Hh]oá|[Hh]uỷ|[Xx]oá|[Kk]hoá|[Tt]huỷ|[Ll]uỹ)\b|^Hãy |\btrường\b|số nguyên")


@pytest.mark.parametrize("msgid", IDS)
def test_wording_style(msgid):
    assert not OLD_WORDS.search(PO[msgid].string), PO[msgid].string


@pytest.mark.parametrize(("msgid", "expected"), [
    ("Registered online", "Mới đăng ký"), ("Accepted", "Được tiếp nhận"), ("Refused", "Không được tiếp nhận"),
    ("Processing", "Đang xử lý"), ("Supplement requested", "Yêu cầu bổ sung giấy tờ"),
    ("Fee requested", "Yêu cầu thực hiện nghĩa vụ tài chính"), ("Withdrawn", "Công dân yêu cầu rút hồ sơ"),
    ("Processing stopped", "Dừng xử lý"), ("Settled", "Đã xử lý xong"), ("Result returned", "Đã trả kết quả"),
])
def test_status_names_as_the_national_portal_words_them(msgid, expected):
    assert PO[msgid].string == expected
