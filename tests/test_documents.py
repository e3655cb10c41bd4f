import datetime as dt
import io
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from services.documents import (
    agency_lines,
    build_pdf,
    decree30_header,
    esc,
    signature_block,
    styles,
    vn_date,
    vn_time,
    vnd,
)

VN = dt.timezone(dt.timedelta(hours=7))
NAME = "Nguyễn Thị Hoà"
TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"


def nfd(text):
    return unicodedata.normalize("NFD", text)


def header_pdf(parent="Ủy ban nhân dân phường Hà Đông", office="Trung tâm Phục vụ hành chính công phường Hà Đông",
               body=NAME):
    story = decree30_header(parent, office, "", "Hà Đông", dt.datetime(2026, 11, 25, 9, 0, tzinfo=VN))
    story += [Paragraph(TITLE, styles()["title"]), Paragraph(esc(nfd(body)), styles()["body"])]
    story += signature_block("NGƯỜI TIẾP NHẬN HỒ SƠ", "Trần Văn Bình")
    return build_pdf(story, title="x")


def read(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())  # lines wrap anywhere


def test_a4_page_with_the_decree_30_header_and_nfc_text():
    reader, text = read(header_pdf())
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.27, abs=1)
    assert float(box.height) == pytest.approx(841.89, abs=1)
    for expected in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", TITLE,
                     "Hà Đông, ngày 25 tháng 11 năm 2026", "Số: ........", "Trần Văn Bình"]:
        assert expected in text
    # NFD input comes out as precomposed (NFC) characters.
    assert unicodedata.normalize("NFC", NAME) in text
    assert nfd(NAME) not in text


def test_fonts_are_embedded_liberation_serif():
    reader, _ = read(header_pdf())
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
    out = subprocess.run(["pdftotext", "-", "-"], input=header_pdf(), capture_output=True, check=True)
    assert TITLE in out.stdout.decode("utf-8")


def test_xml_special_characters_are_escaped():
    _, text = read(header_pdf(body="A & B <C> Giấy <bản sao>"))
    assert "A & B <C> Giấy <bản sao>" in text


@pytest.mark.parametrize("name,size,width,expected", [
    # 70 mm = 198.4 pt, less 2 pt: the place name goes whole on its own line
    ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG HÀ ĐÔNG", 12, 196.4,
     ["TRUNG TÂM PHỤC VỤ", "HÀNH CHÍNH CÔNG", "PHƯỜNG HÀ ĐÔNG"]),
    ("ỦY BAN NHÂN DÂN XÃ YÊN THƯỜNG", 12, 196.4, ["ỦY BAN NHÂN DÂN", "XÃ YÊN THƯỜNG"]),
    ("ỦY BAN NHÂN DÂN ĐẶC KHU CÔN ĐẢO", 12, 400, ["ỦY BAN NHÂN DÂN ĐẶC KHU CÔN ĐẢO"]),
    # a place wider than the column does not fit at this size: the caller shrinks or widens
    ("ỦY BAN NHÂN DÂN XÃ QUẢNG PHÚ CẦU MỚI VÀ VÙNG LÂN CẬN", 12, 100, None),
])
def test_agency_lines_keep_place_names_whole(name, size, width, expected):
    assert agency_lines(name, "LiberationSerif-Bold", size, width) == expected


def test_long_place_names_shrink_the_font_rather_than_break():
    # "PHƯỜNG ..." is wider than 70 mm at 12 pt bold: a wider column or a smaller size keeps it whole
    long_office = "Trung tâm Phục vụ hành chính công phường Đông Hòa Hiệp Phước Nam Bình"
    _, text = read(header_pdf(office=long_office))
    assert "PHƯỜNG ĐÔNG HÒA HIỆP PHƯỚC NAM BÌNH" in text


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
