"""Forms 02-07: the text a reader finds in the PDF, read back with pypdf, and the register as XLSX."""
from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from pypdf import PdfReader

from models import Office
from services import forms, register
from tests.processing_helpers import receive, step


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture
def life(ctx):
    """A dossier taken through a supplement request, an extension and settlement; one refused; one stopped."""
    d = receive(ctx, "1.004873", "2026-11-16 08:00")
    step(d.code, "start", "2026-11-16 09:00", by="specialist")
    step(d.code, "request-supplement", "2026-11-16 10:00", by="specialist", reason="Hồ sơ còn thiếu",
         items="Bản sao giấy khai sinh\nẢnh 4x6", contact="Chị Lan, 0912 000 111")
    step(d.code, "receive-supplement", "2026-11-16 14:00", by="intake")
    step(d.code, "extend", "2026-11-17 09:00", by="leader", reason="Chờ xác minh tại xã khác",
         appointment="2026-11-23 16:00", remedy="Cử cán bộ đi xác minh trực tiếp")
    step(d.code, "settle", "2026-11-20 10:00", by="specialist")
    step(d.code, "return", "2026-11-20 14:00", by="intake", method="counter", recipient="Nguyễn Thị Hường")
    refused = receive(ctx, "2.001035", "2026-11-20 10:00", channel=2, user=None)
    step(refused.code, "refuse", "2026-11-20 10:30", by="intake", reason="Hợp đồng không thuộc thẩm quyền của xã")
    stopped = receive(ctx, "1.004873", "2026-11-17 08:00")
    step(stopped.code, "stop", "2026-11-17 09:00", by="specialist", reason="Người yêu cầu đã qua đời")
    return {"d": d, "refused": refused, "stopped": stopped, "office": Office.get()}


def test_form_02_lists_every_missing_item(life):
    text = _text(forms.notice_pdf(2, life["d"], life["office"]))
    assert "Mẫu số 02" in text and "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số: " + life["d"].code in text
    assert "Kính gửi: Ông/Bà Nguyễn Thị Hường" in text
    assert "1. Bản sao giấy khai sinh" in text and "2. Ảnh 4x6" in text
    assert "Lý do: Hồ sơ còn thiếu" in text and "Chị Lan, 0912 000 111" in text
    assert "Hà Đông, ngày 16 tháng 11 năm 2026" in text
    assert "Cán bộ specialist" in text  # the officer who asked signs


def test_form_03_refusal(life):
    text = _text(forms.notice_pdf(3, life["refused"], life["office"]))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Hợp đồng không thuộc thẩm quyền của xã" in text and "Chứng thực hợp đồng" in text


def test_form_04_apology_with_old_and_new_appointment(life):
    text = _text(forms.notice_pdf(4, life["d"], life["office"]))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    # first appointment Thu 19 Nov 08:00, moved by the pause (90 + 30 min) to 10:00
    assert "Thời gian hẹn trả kết quả giải quyết hồ sơ: 10 giờ 00 phút, ngày 19/11/2026" in text
    assert "Lý do: Chờ xác minh tại xã khác" in text
    assert "Biện pháp khắc phục: Cử cán bộ đi xác minh trực tiếp" in text
    assert "hẹn trả kết quả vào 16 giờ 00 phút, ngày 23/11/2026" in text
    assert "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ" in text and "Cán bộ leader" in text


def test_form_05_stop(life):
    text = _text(forms.notice_pdf(5, life["stopped"], life["office"]))
    assert "THÔNG BÁO VỀ VIỆC DỪNG GIẢI QUYẾT HỒ SƠ" in text and "Người yêu cầu đã qua đời" in text


def test_a_form_without_its_step_is_unavailable(life):
    with pytest.raises(forms.FormUnavailable):
        forms.notice_pdf(5, life["d"], life["office"])


def test_form_06_one_row_per_hand_over(life):
    rows = forms.hand_overs(__import__("services.history", fromlist=["x"]).events_of(life["d"]))
    assert [(r.step, r.giver, r.receiver) for r in rows] == [
        ("Tiếp nhận hồ sơ", "Người nộp hồ sơ", "Cán bộ intake"),
        ("Chuyển xử lý", "Cán bộ intake", "Cán bộ specialist"),
        ("Yêu cầu bổ sung hồ sơ", "Cán bộ specialist", "Cán bộ specialist"),
        ("Nhận hồ sơ bổ sung", "Cán bộ specialist", "Cán bộ intake"),
        ("Xin lỗi, hẹn lại ngày trả", "Cán bộ intake", "Cán bộ leader"),
        ("Đã xử lý xong", "Cán bộ leader", "Cán bộ specialist"),
        ("Trả kết quả", "Cán bộ intake", "Nguyễn Thị Hường"),
    ]
    # settled Fri 20 Nov, before the day of the appointment (Mon 23 Nov 16:00)
    assert rows[5].result == "Trước hạn" and rows[6].result == "Trước hạn"
    text = _text(forms.control_slip_pdf(life["d"], life["office"]))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and "Mẫu số 06" in text
    assert "Trả tại Trung tâm; người nhận: Nguyễn Thị Hường" in text


def test_form_07_register_pdf_and_xlsx(life):
    from openpyxl import load_workbook

    rows = register.rows(dt.date(2026, 11, 16), dt.date(2026, 11, 20))
    assert [r.code for r in rows] == [life["d"].code, life["stopped"].code, life["refused"].code]
    first = rows[0]
    assert (first.started_at.hour, first.settled_at.day, first.returned_at.hour) == (9, 20, 14)
    assert rows[2].appointment_at is None  # refused before acceptance: no appointment
    text = _text(forms.register_pdf(life["office"], dt.date(2026, 11, 16), dt.date(2026, 11, 20), rows))
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Từ ngày 16 tháng 11 năm 2026 đến ngày 20 tháng 11 năm 2026" in text
    assert life["refused"].code in text and "Từ chối tiếp nhận" in text
    book = load_workbook(io.BytesIO(forms.register_xlsx(life["office"], dt.date(2026, 11, 16),
                                                        dt.date(2026, 11, 20), rows)))
    sheet = book.active
    assert sheet["B3"].value == "Mã hồ sơ" and sheet["A4"].value == 1
    assert sheet["B4"].value == life["d"].code and sheet["M4"].value == "Quá hạn"  # extended: late
    assert sheet["H4"].value == "16:00 23/11/2026" and sheet["K4"].value == "14:00 20/11/2026"
    assert sheet.max_row == 6
    assert register.rows(dt.date(2026, 11, 21), dt.date(2026, 11, 22)) == []
