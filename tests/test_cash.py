"""The daily cash statement: the right lines, totals by hand, the PDF and XLSX, who may see whose."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from models import DossierFee, User, db
from services import cash, payments
from services.calendar import VN_TZ
from tests.test_payments import receive

DAY = dt.date(2026, 11, 25)


def at(hour, minute, day=DAY):
    return dt.datetime.combine(day, dt.time(hour, minute), VN_TZ)


def _pay_all(dossier, receipt_no, when, officer, method="cash"):
    ids = [f.id for f in DossierFee.select().where(DossierFee.dossier == dossier)]
    if method == "cash":
        return payments.collect_cash(dossier, ids, receipt_no, when, officer)
    return payments.pay(dossier, ids, method, receipt_no, when, "api:portal")


@pytest.fixture
def day_of_cash(app):
    """intake: 10,000 at 09:15 and 21,000 at 10:40 (5 pages x 3 copies), 10,000 the next day;
    admin: 10,000; the portal: 10,000 (not cash)."""
    with app.app_context():
        db.connect(reuse_if_open=True)
        intake_officer = User.get(User.username == "intake")
        admin = User.get(User.username == "admin")
        codes = []
        d1 = receive(app, when=at(9, 0))
        _pay_all(d1, "0000101", at(9, 15), intake_officer)
        d2 = receive(app, "2.000815", when=at(10, 30), originals=[(5, 3)])
        _pay_all(d2, "0000102", at(10, 40), intake_officer)
        d3 = receive(app, when=at(11, 0))
        _pay_all(d3, "0000103", at(11, 5), admin)
        d4 = receive(app, channel=2, when=at(8, 0))
        _pay_all(d4, "DVC-1", at(8, 10), None, method="portal")
        d5 = receive(app, when=at(7, 45, DAY + dt.timedelta(days=1)))
        _pay_all(d5, "0000104", at(7, 50, DAY + dt.timedelta(days=1)), intake_officer)
        codes = [d.code for d in (d1, d2, d3, d4, d5)]
        db.close()
    return codes


def test_statement_holds_that_officers_cash_of_that_day(ctx, day_of_cash):
    st = cash.statement(User.get(User.username == "intake"), DAY)
    # 2.000815, one original of 5 pages: 2 x 2,000 + 3 x 1,000 = 7,000 a copy, 3 copies = 21,000
    assert [(line.dossier_code, line.receipt_no, line.amount, line.paid_at) for line in st.lines] == [
        (day_of_cash[0], "0000101", 10000, at(9, 15)),
        (day_of_cash[1], "0000102", 21000, at(10, 40))]
    assert st.total == 31000 and st.dossiers == 2


def test_in_words():
    assert cash.in_words(0) == "Không đồng"
    assert cash.in_words(31000) == "Ba mươi mốt nghìn đồng"
    assert cash.in_words(15000) == "Mười lăm nghìn đồng"
    assert cash.in_words(105000) == "Một trăm linh năm nghìn đồng"
    assert cash.in_words(1005000) == "Một triệu không trăm linh năm nghìn đồng"
    assert cash.in_words(1234567) == "Một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy đồng"
    assert cash.in_words(200000) == "Hai trăm nghìn đồng"
    assert cash.in_words(2_000_000_000) == "Hai tỷ đồng"


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_statement(login, day_of_cash):
    response = login("intake").get("/payments/cash.pdf?day=2026-11-25")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = re.sub(r"\s+", " ", _text(response.data))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "BẢNG KÊ THU PHÍ, LỆ PHÍ BẰNG TIỀN MẶT", "Ngày thu: 25/11/2026", "Cán bộ intake",
                     day_of_cash[0], day_of_cash[1], "0000101", "0000102", "09:15", "10:40", "10.000", "21.000",
                     "Tổng cộng", "2 hồ sơ", "31.000", "Ba mươi mốt nghìn đồng", "NGƯỜI NỘP TIỀN",
                     "NGƯỜI NHẬN TIỀN", "(Ký và ghi rõ họ tên)"):
        assert expected in text, expected
    for absent in (day_of_cash[2], day_of_cash[3], day_of_cash[4], "0000103", "DVC-1"):
        assert absent not in text


def test_xlsx_statement(login, day_of_cash):
    response = login("leader").get("/payments/cash.xlsx?day=2026-11-25&officer=intake")
    assert response.status_code == 200
    assert 'filename="bang-ke-tien-mat-2026-11-25-intake.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    table = [r for r in rows if isinstance(r[0], int)]
    assert [(r[1], r[4], r[5], r[6]) for r in table] == [
        (day_of_cash[0], "0000101", dt.datetime(2026, 11, 25, 9, 15), 10000),
        (day_of_cash[1], "0000102", dt.datetime(2026, 11, 25, 10, 40), 21000)]
    total = next(r for r in rows if r[0] == "Tổng cộng")
    assert total[6] == 31000 and total[4] == "2 hồ sơ"
    assert any(r[0] == "Bằng chữ: Ba mươi mốt nghìn đồng" for r in rows)


def test_the_page_shows_the_day_with_links(login, day_of_cash):
    html = login("intake").get("/payments/cash?day=2026-11-25").get_data(as_text=True)
    assert "Tiền mặt do Cán bộ intake thu ngày 25/11/2026" in html
    assert "31.000 đ" in html and day_of_cash[1] in html and day_of_cash[2] not in html
    assert "/payments/cash.pdf?day=2026-11-25&amp;officer=intake" in html
    assert 'name="officer"' not in html  # an intake officer sees only their own


def test_leaders_choose_the_officer(login, day_of_cash):
    html = login("leader").get("/payments/cash?day=2026-11-25&officer=admin").get_data(as_text=True)
    assert 'name="officer"' in html and '<option value="intake"' in html
    assert "10.000 đ" in html and "0000103" in html and "0000101" not in html


def test_an_intake_officer_cannot_see_a_colleague(login, day_of_cash):
    session = login("intake")
    for url in ("/payments/cash?officer=admin", "/payments/cash.pdf?officer=admin",
                "/payments/cash.xlsx?officer=admin"):
        assert session.get(url).status_code == 403


@pytest.mark.parametrize("role", ["specialist", "trainer", "inspector"])
def test_others_have_no_cash_statement(login, role):
    assert login(role).get("/payments/cash").status_code == 403


@pytest.mark.parametrize("query,message", [("day=25/11/2026", "Vui lòng nhập ngày"),
                                           ("day=2026-02-30", "Vui lòng nhập ngày"),
                                           ("officer=nobody", "Không có cán bộ nào")])
def test_bad_requests_get_a_message(login, query, message):
    session = login("admin")
    for path in ("/payments/cash", "/payments/cash.pdf", "/payments/cash.xlsx"):
        response = session.get(f"{path}?{query}")
        assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_an_empty_day(login):
    session = login("intake")
    html = session.get("/payments/cash?day=2026-11-24").get_data(as_text=True)
    assert "Không có khoản thu tiền mặt nào trong ngày này." in html
    pdf = session.get("/payments/cash.pdf?day=2026-11-24").data
    assert "Không đồng" in _text(pdf)


def test_xlsx_text_is_never_a_formula(ctx):
    line = cash.CashLine(at(9, 0), "000.00.01.H26-261125-0001", '=HYPERLINK("http://x","y")', "Chứng thực",
                         "=1+2", "@SUM(A1)", 10000)
    st = cash.Statement(DAY, "=cmd", "intake", [line])
    from models import Office
    sheet = load_workbook(io.BytesIO(cash.statement_xlsx(st, Office()))).active
    cells = {c.value: c.data_type for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert cells['=HYPERLINK("http://x","y")'] == "s" and cells["@SUM(A1)"] == "s"
    assert all(kind != "f" for kind in cells.values())
