"""Form 01 from saved dossiers: the fields in the legal order, per kind of applicant, fees, copies."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from models import Dossier, DossierFee, Fee, User
from services import intake, office, receipts
from services.calendar import VN_TZ
from tests.conftest import make_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

WHEN = dt.datetime(2026, 11, 25, 9, 5, tzinfo=VN_TZ)  # a Wednesday
URL = "http://office.test/lookup/"
CITIZEN = {"applicant_type": 1, "id_kind": "personal", "applicant_name": "Nguyễn Thị Hường",
           "id_number": "001195012345", "phone": "0912345678", "address": "Số 5 ngõ 12 Quang Trung, Hà Đông",
           "email": "huong@example.vn"}
ORGANISATION = {"applicant_type": 2, "id_kind": "business", "applicant_name": "Công ty TNHH Hòa Bình Xanh",
                "id_number": "0101234567", "representative_name": "Lê Quang Hải",
                "representative_id_kind": "personal", "representative_id_number": "001088004321",
                "phone": "0904111222", "address": "Số 20 Lê Lợi, Hà Đông", "email": ""}
FOREIGNER = {"applicant_type": 1, "id_kind": "passport", "applicant_name": "John Smith",
             "id_number": "X1234567", "phone": "+33612345678", "address": "Số 9 Trần Phú, Hà Đông",
             "email": ""}


def save(app, code, applicant, components=None, when=WHEN, user="intake", **extra):
    """A dossier received through the service, as the counter saves it."""
    _, version = intake.procedure_for(code, when.date())
    if components is None:
        components = [intake.ReceivedComponent(c.name, c.originals or 1, c.copies, c.id,
                                               intake.Upload(f"{c.position}.pdf", make_pdf(c.name)),
                                               "application/pdf")
                      for c in version.components.order_by(version.components.model.position)]
    data = intake.IntakeData(version=version, channel=1, received_at=when, components=components,
                             **applicant, **extra)
    officer = User.get(User.username == user)
    dossier = intake.receive(data, office.calendar(), office.get_office().agency_id, app.config["DATA_DIR"],
                             "tester", user=officer)
    return Dossier.get_by_id(dossier.id)  # read back: the receipt reads what was stored


def text_of(pdf: bytes, layout: bool = False) -> list[str]:
    """The receipt's text in reading order, one line each (poppler's pdftotext, as a reader would);
    with ``layout`` a table row comes out as one line."""
    args = ["pdftotext"] + (["-layout"] if layout else []) + ["-", "-"]
    out = subprocess.run(args, input=pdf, capture_output=True, check=True).stdout
    return [" ".join(line.split()) for line in out.decode("utf-8").splitlines() if line.strip()]


def in_order(lines: list[str], expected: list[str]) -> None:
    """Every expected piece appears, in this order, in the joined text."""
    text = " ".join(lines)
    at = 0
    for piece in expected:
        found = text.find(piece, at)
        assert found >= 0, f"{piece!r} missing after position {at}: {text[at:at + 300]!r}"
        at = found + len(piece)


def receipt(dossier) -> bytes:
    return receipts.receipt_for(dossier, office.get_office(), URL + dossier.code)


# Form 01 for a citizen at the demo office (DOMAIN §3), worked out from the form, not from the code.
HEADER = ["ỦY BAN NHÂN DÂN", "PHƯỜNG HÀ ĐÔNG", "TRUNG TÂM PHỤC VỤ", "HÀNH CHÍNH CÔNG", "PHƯỜNG HÀ ĐÔNG",
          "Mẫu số 01", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
          "Hà Đông, ngày 25 tháng 11 năm 2026", "Số: ........"]


def citizen_fields(d):
    return [
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {d.code}",
        "Trung tâm Phục vụ hành chính công phường Hà Đông tiếp nhận hồ sơ của:",
        "Ông/Bà: Nguyễn Thị Hường", "Số định danh cá nhân: 001195012345",
        "Địa chỉ: Số 5 ngõ 12 Quang Trung, Hà Đông",
        "Số điện thoại: 0912345678 Email: huong@example.vn",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh (mã thủ tục 1.001193)",
        "Yêu cầu giải quyết cho: Đỗ Minh Khôi",
        "1. Thành phần hồ sơ nộp gồm:",
        "2. Số lượng hồ sơ: 01 bộ",
        "3. Thời gian giải quyết hồ sơ theo quy định: Trong ngày làm việc (tiếp nhận sau 15 giờ thì trả kết quả",
        "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 25 tháng 11 năm 2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 25 tháng 11 năm 2026",
        "6. Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công phường Hà Đông",
        "Phí, lệ phí: Không thu",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 2026 Số thứ tự: 1",
        "NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", "Nguyễn Thị Hường", "Cán bộ intake",
    ]


# The components table, row by row as laid out: STT, name, originals, copies, digitised.
CITIZEN_TABLE = [
    ["1", "Tờ khai đăng ký khai sinh", "1", "0", "Có"],
    ["2", "Giấy chứng sinh", "1", "0", "Có"],
    ["3", "Giấy tờ tùy thân của người đi đăng ký", "1", "1", "Có"],
]


def rows_in_layout(pdf: bytes, rows: list[list[str]]) -> None:
    """Each row's cells appear in order on one line of the laid-out text, the rows in order."""
    lines = text_of(pdf, layout=True)
    at = 0
    for row in rows:
        pattern = re.compile(r"\s+".join(re.escape(cell) for cell in row))
        found = next((i for i in range(at, len(lines)) if pattern.search(lines[i])), None)
        assert found is not None, f"row {row} missing after line {at}: {lines[at:at + 6]}"
        at = found + 1


def test_citizen_receipt_has_every_field_of_form_01_in_order(ctx):
    d = save(ctx, "1.001193", CITIZEN, request_subject="Đỗ Minh Khôi")
    pdf = receipt(d)
    write_png(pdf, "citizen")
    lines = text_of(pdf)
    title = lines.index("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    assert sorted(lines[:title]) == sorted(HEADER)  # the header, two columns, nothing else
    in_order(lines[title:], citizen_fields(d))
    rows_in_layout(pdf, CITIZEN_TABLE)
    joined = " ".join(lines)
    assert joined.count("(Ký và ghi rõ họ tên)") == 2 and "NGƯỜI TIẾP NHẬN HỒ SƠ" in joined
    for piece in ("STT", "Tên giấy tờ", "Bản chính", "Bản sao", "Đã số hóa"):
        assert piece in joined or piece.replace(" ", "\n") in "\n".join(lines)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    # the dossier code is never in the "Số:" slot, and no copy marker on a single copy
    assert f"Số: {d.code}" not in " ".join(lines) and "Liên" not in " ".join(lines)


def test_organisation_receipt_names_the_organisation_and_the_person_who_submits(ctx):
    d = save(ctx, "2.001035", ORGANISATION, delivery_method="post",
             delivery_address="Số 20 Lê Lợi, Hà Đông, Hà Nội")
    pdf = receipt(d)
    write_png(pdf, "organisation")
    lines = text_of(pdf)
    in_order(lines, [
        "tiếp nhận hồ sơ của:",
        "Tên tổ chức/doanh nghiệp: Công ty TNHH Hòa Bình Xanh",
        "Mã số doanh nghiệp/Mã số thuế: 0101234567",
        "Người nộp hồ sơ: Ông/Bà: Lê Quang Hải", "Số định danh cá nhân: 001088004321",
        "Địa chỉ: Số 20 Lê Lợi, Hà Đông",
        "Nội dung yêu cầu giải quyết: Chứng thực hợp đồng, giao dịch (mã thủ tục 2.001035)",
        "3. Thời gian giải quyết hồ sơ theo quy định: 2 ngày làm việc",
        # Wednesday 09:05 + 2 working days = Friday 09:05
        "5. Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 05 phút, ngày 27 tháng 11 năm 2026",
        "6. Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích, địa chỉ: Số 20 Lê Lợi, Hà Đông, Hà Nội",
        "Phí, lệ phí: Phí chứng thực hợp đồng, giao dịch: 50.000 đồng (chưa nộp)",
        "NGƯỜI NỘP HỒ SƠ", "Lê Quang Hải",
    ])
    assert "Ông/Bà: Công ty" not in " ".join(lines) and "Số định danh cá nhân: 0101234567" not in " ".join(lines)


def test_foreigner_receipt_shows_the_passport(ctx):
    d = save(ctx, "2.000884", FOREIGNER, delivery_method="online")
    lines = text_of(receipt(d))
    in_order(lines, ["Ông/Bà: John Smith", "Số hộ chiếu: X1234567", "Số điện thoại: +33612345678",
                     "6. Đăng ký nhận kết quả tại: Trực tuyến, trên Cổng Dịch vụ công"])
    assert "Số định danh cá nhân" not in " ".join(lines)


def test_copy_certification_lists_every_original_with_pages_and_the_fee_paid(ctx):
    originals = [intake.ReceivedComponent(name, 1, copies, None, intake.Upload(f"{i}.pdf", make_pdf(name)),
                                          "application/pdf", pages=pages)
                 for i, (name, pages, copies) in enumerate([("Giấy khai sinh", 1, 3), ("Hợp đồng thuê nhà", 12, 2),
                                                            ("Bằng tốt nghiệp", 2, 1)])]
    d = save(ctx, "2.000815", CITIZEN, components=originals)
    DossierFee.update(paid_at=WHEN, payment_method="cash", receipt_no="0001234").execute()
    pdf = receipt(Dossier.get_by_id(d.id))
    write_png(pdf, "copies")
    lines = text_of(pdf)
    assert "trang" in lines  # the pages column ("Số trang"), only when originals have pages
    rows_in_layout(pdf, [["1", "Giấy khai sinh", "1", "3", "1", "Có"],
                         ["2", "Hợp đồng thuê nhà", "1", "2", "12", "Có"],
                         ["3", "Bằng tốt nghiệp", "1", "1", "2", "Có"]])
    # 2,000 × 3 + (4,000 + 10 × 1,000) × 2 + 4,000 × 1 = 38,000
    in_order(lines, ["Phí, lệ phí: Phí chứng thực bản sao từ bản chính: 38.000 đồng (đã nộp)"])


def test_unknown_fee_is_never_printed_as_zero(ctx):
    from models import Procedure, ProcedureVersion
    version = ProcedureVersion.select().join(Procedure).where(Procedure.code == "1.000656").get()
    Fee.create(version=version, name="Lệ phí đăng ký khai tử", kind="fixed", amount=None)
    d = save(ctx, "1.000656", CITIZEN)
    text = " ".join(text_of(receipt(d)))
    assert "Lệ phí đăng ký khai tử: chưa có mức thu" in text
    assert "Không thu" not in text and "0 đồng" not in text


def test_register_number_counts_the_years_dossiers(ctx):
    first = save(ctx, "2.000884", CITIZEN)
    second = save(ctx, "2.000884", FOREIGNER, when=WHEN + dt.timedelta(hours=1))
    assert "Vào Sổ theo dõi hồ sơ, Quyển số: 2026 Số thứ tự: 2" in " ".join(text_of(receipt(second)))
    assert (first.register_number, second.register_number) == (1, 2)


def test_two_copies_one_per_page_when_the_office_asks(ctx):
    office.update_settings({"receipt_two_copies": True}, "test")
    d = save(ctx, "2.000884", CITIZEN)
    reader = PdfReader(io.BytesIO(receipt(d)))
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    assert len(pages) == 2
    assert "(Liên: Lưu)" in pages[0] and "Giao người nộp hồ sơ" not in pages[0]
    assert "(Liên: Giao người nộp hồ sơ)" in pages[1]
    for page in pages:
        assert f"Mã hồ sơ: {d.code}" in page and "NGƯỜI TIẾP NHẬN HỒ SƠ" in page


def test_online_dossier_not_accepted_has_no_receipt(ctx):
    d = save(ctx, "2.000884", CITIZEN)
    Dossier.update(status=1, channel=2).where(Dossier.id == d.id).execute()
    with pytest.raises(receipts.NotPrintable):
        receipt(Dossier.get_by_id(d.id))


def test_receipt_route_refuses_an_online_dossier_not_accepted(login, app):
    with app.app_context():
        from models import db
        db.connect(reuse_if_open=True)
        d = save(app, "2.000884", CITIZEN)
        Dossier.update(status=1, channel=2).where(Dossier.id == d.id).execute()
        db.close()
    response = login("intake").get(f"/intake/{d.code}/receipt.pdf")
    assert response.status_code == 409
    assert "chưa được tiếp nhận" in response.get_data(as_text=True)


def test_long_agency_names_never_break_inside_the_place_name(ctx):
    office.update_settings({"name": "Trung tâm Phục vụ hành chính công xã Quảng Phú Cầu Mới",
                            "parent_body": "Ủy ban nhân dân xã Quảng Phú Cầu Mới"}, "test")
    d = save(ctx, "2.000884", CITIZEN)
    lines = text_of(receipt(d))
    assert "XÃ QUẢNG PHÚ CẦU MỚI" in lines[2:8] or any(line.endswith("XÃ QUẢNG PHÚ CẦU MỚI") for line in lines[:8])
    joined = " ".join(lines[:8])
    assert joined.count("QUẢNG PHÚ CẦU MỚI") == 2
    for line in lines[:8]:  # no line ends inside the place name
        assert not line.endswith(("XÃ", "QUẢNG", "PHÚ", "CẦU")), line


def test_qr_address_is_never_broken_inside_the_dossier_code(ctx):
    office.update_settings({"public_base_url": "https://dichvucong.phuonghadong.hanoi.gov.vn"}, "test")
    d = save(ctx, "2.000884", CITIZEN)
    url = "https://dichvucong.phuonghadong.hanoi.gov.vn/lookup/" + d.code
    lines = text_of(receipts.receipt_for(d, office.get_office(), url))
    assert any(d.code in line for line in lines)  # whole, on one line
    # a citizen's page link with a secret after the code: lines break only after a "/"
    from reportlab.lib.units import mm
    assert receipts.url_lines(f"https://dichvucong.phuonghadong.hanoi.gov.vn/c/{d.code}/k3J9xQ2mPz", 44 * mm,
                              "LiberationSerif", 8) == [
        "https://", "dichvucong.phuonghadong.hanoi.gov.vn/", f"c/{d.code}/", "k3J9xQ2mPz"]


def write_png(pdf: bytes, name: str) -> None:
    """Keep a picture of the receipt to look at (RECEIPT_PNG_DIR), when poppler is installed."""
    folder = os.environ.get("RECEIPT_PNG_DIR")
    if folder and shutil.which("pdftoppm"):
        path = os.path.join(folder, name)
        with open(path + ".pdf", "wb") as fh:
            fh.write(pdf)
        subprocess.run(["pdftoppm", "-r", "80", "-png", path + ".pdf", path], check=True)


def test_admin_asks_for_two_copies(login, app):
    from services import demo
    session = login("admin")
    form = {**demo.DEMO_OFFICE, "receipt_two_copies": "1"}
    assert session.post("/admin/office", data=form).status_code in (200, 302, 303)
    with app.app_context():
        assert office.get_office().receipt_two_copies is True
    assert 'name="receipt_two_copies" value="1" checked' in session.get("/admin/office").get_data(as_text=True)
    form.pop("receipt_two_copies")
    session.post("/admin/office", data=form)
    with app.app_context():
        assert office.get_office().receipt_two_copies is False


def test_dossier_page_with_an_unknown_fee(login, app):
    from models import Procedure, ProcedureVersion, db
    with app.app_context():
        db.connect(reuse_if_open=True)
        version = ProcedureVersion.select().join(Procedure).where(Procedure.code == "1.000656").get()
        Fee.create(version=version, name="Lệ phí đăng ký khai tử", kind="fixed", amount=None)
        d = save(app, "1.000656", CITIZEN)
        db.close()
    html = login("intake").get(f"/intake/{d.code}").get_data(as_text=True)
    assert "Lệ phí đăng ký khai tử: Chưa" in html or "Lệ phí đăng ký khai tử: chưa" in html
    assert "Không thu" not in html
