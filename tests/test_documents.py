import datetime as dt
import io
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from services.documents import ReceiptComponent, ReceiptSlip, receipt_pdf, vn_date, vn_time, vnd

VN = dt.timezone(dt.timedelta(hours=7))
NAME = "Nguyễn Thị Hoà"
TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"


def nfd(text):
    return unicodedata.normalize("NFD", text)


def slip(**changes):
    values = dict(
        parent_body="Ủy ban nhân dân phường Hà Đông",
        office_name="Trung tâm Phục vụ hành chính công phường Hà Đông", place="Hà Đông",
        dossier_code="000.00.01.H26-261125-0001", issued_at=dt.datetime(2026, 11, 25, 9, 0, tzinfo=VN),
        procedure_code="2.000815", procedure_name="Chứng thực bản sao từ bản chính",
        applicant_name=nfd(NAME), id_number="001190012345", address="Số 5 phố Quang Trung, Hà Đông",
        phone="0912345678", email="", channel_label="Trực tiếp",
        components=[ReceiptComponent("Bản chính giấy khai sinh", 1, 2, True),
                    ReceiptComponent("Căn cước công dân", 1, 0, False)],
        fee_total=12000, fee_lines=[("Chứng thực bản sao", 12000)],
        received_at=dt.datetime(2026, 11, 25, 9, 0, tzinfo=VN),
        appointment_at=dt.datetime(2026, 11, 25, 17, 0, tzinfo=VN),
        officer_name="Trần Văn Bình",
        lookup_url="https://motcua.example.vn/tra-cuu/000.00.01.H26-261125-0001",
        missing_scan_reason="Máy quét hỏng")
    values.update(changes)
    return ReceiptSlip(**values)


def read(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())  # lines wrap anywhere


def test_receipt_is_one_a4_page_with_the_form_content():
    reader, text = read(receipt_pdf(slip()))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.27, abs=1)
    assert float(box.height) == pytest.approx(841.89, abs=1)
    for expected in ["ỦY BAN NHÂN DÂN PHƯỜNG HÀ ĐÔNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", TITLE, "000.00.01.H26-261125-0001",
                     "Hà Đông, ngày 25 tháng 11 năm 2026", "17 giờ 00 phút", "09 giờ 00 phút",
                     "12.000 đồng", "Máy quét hỏng", "Trần Văn Bình", "Chưa"]:
        assert expected in text
    # NFD input comes out as precomposed (NFC) characters.
    assert unicodedata.normalize("NFC", NAME) in text
    assert nfd(NAME) not in text


def test_fonts_are_embedded_liberation_serif():
    reader, _ = read(receipt_pdf(slip()))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = []
    for ref in fonts.values():
        font = ref.get_object()
        names.append(str(font["/BaseFont"]))
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()
    assert names and all("LiberationSerif" in name for name in names)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_pdftotext_reads_the_title():
    out = subprocess.run(["pdftotext", "-", "-"], input=receipt_pdf(slip()), capture_output=True, check=True)
    assert TITLE in out.stdout.decode("utf-8")


@pytest.mark.parametrize("amount,expected", [
    (0, "0 đồng"), (1000, "1.000 đồng"), (12000, "12.000 đồng"), (200000, "200.000 đồng"),
    (1234567, "1.234.567 đồng"),
])
def test_vnd(amount, expected):
    assert vnd(amount) == expected


# Decree 30: a leading zero for days below 10 and for months 1 and 2 only.
@pytest.mark.parametrize("day,expected", [
    (dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
    (dt.date(2026, 11, 25), "ngày 25 tháng 11 năm 2026"),
    (dt.date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
    (dt.date(2026, 1, 10), "ngày 10 tháng 01 năm 2026"),
    # 18:00 UTC on the 24th is 01:00 on the 25th in Vietnam.
    (dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC), "ngày 25 tháng 11 năm 2026"),
])
def test_vn_date(day, expected):
    assert vn_date(day) == expected


def test_vn_time_is_in_vietnam_time():
    assert vn_time(dt.datetime(2026, 11, 25, 9, 0, tzinfo=VN)) == "09 giờ 00 phút, ngày 25/11/2026"
    assert vn_time(dt.datetime(2026, 2, 4, 23, 5, tzinfo=dt.UTC)) == "06 giờ 05 phút, ngày 05/02/2026"


def test_xml_special_characters_are_escaped():
    pdf = receipt_pdf(slip(applicant_name="A & B <C>", officer_name="D > E",
                           components=[ReceiptComponent("Giấy <bản sao> & bản chính", 1, 1, True)]))
    _, text = read(pdf)
    assert "A & B <C>" in text
    assert "Giấy <bản sao> & bản chính" in text


def test_eight_components_several_fees_and_no_optional_fields_fit_one_page():
    long_name = "kèm theo tờ khai đề nghị chứng thực bản sao từ bản chính giấy tờ"
    components = [ReceiptComponent(f"Giấy tờ số {i} {long_name}", 1, 2, i % 2 == 0) for i in range(1, 9)]
    pdf = receipt_pdf(slip(components=components, phone=None, email=None, missing_scan_reason=None,
                           fee_total=22000, fee_lines=[("Chứng thực bản sao", 12000), ("Chữ ký", 10000)]))
    reader, text = read(pdf)
    assert len(reader.pages) == 1
    assert "Giấy tờ số 8" in text
    assert "22.000 đồng" in text and "10.000 đồng" in text
    assert "Số điện thoại" not in text and "Email" not in text and "Lý do chưa số hóa" not in text
