"""The daily cash statement of one officer (DOMAIN §6): every fee line collected in cash that day,
with totals and signature lines for handing the money over; as a Decree 30 PDF and as XLSX."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from models import Dossier, DossierFee, Office, Procedure, ProcedureVersion, User
from services import accounts, documents
from services.calendar import VN_TZ
from services.documents import esc
from services.text import nfc, thousands


@dataclass(frozen=True)
class CashLine:
    paid_at: dt.datetime
    dossier_code: str
    applicant_name: str
    procedure_name: str
    fee_name: str
    receipt_no: str
    amount: int


@dataclass(frozen=True)
class Statement:
    day: dt.date
    officer_name: str
    officer_username: str
    lines: list[CashLine]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def dossiers(self) -> int:
        return len({line.dossier_code for line in self.lines})


def officers():
    """The accounts that may collect fees, by name (an un-executed query)."""
    roles = sorted(accounts.PERMISSIONS["fee.collect"])
    return User.select().where(User.role.in_(roles)).order_by(User.full_name, User.username)


def statement(officer: User, day: dt.date) -> Statement:
    """The fee lines ``officer`` collected in cash on ``day`` (Vietnam time), in the order taken."""
    start = dt.datetime.combine(day, dt.time(0), VN_TZ)
    rows = (DossierFee.select(DossierFee, Dossier, ProcedureVersion, Procedure)
            .join(Dossier).join(ProcedureVersion).join(Procedure)
            .where((DossierFee.collected_by == officer) & (DossierFee.payment_method == "cash")
                   & (DossierFee.paid_at >= start) & (DossierFee.paid_at < start + dt.timedelta(days=1)))
            .order_by(DossierFee.paid_at, DossierFee.id))
    lines = [CashLine(row.paid_at, row.dossier.code, row.dossier.applicant_name,
                      row.dossier.version.procedure.name, row.name, row.receipt_no, row.amount)
             for row in rows]
    return Statement(day, officer.full_name or officer.username, officer.username, lines)


# --- Amounts in words ------------------------------------------------------------------------

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUPS = ["", "nghìn", "triệu", "tỷ"]


def _three(n: int, full: bool) -> list[str]:
    """Words for 0..999; ``full`` when a higher group precedes it (then 'không trăm', 'linh')."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 4 and tens >= 2:
            words.append("tư")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(DIGITS[units])
    return words


def in_words(amount: int) -> str:
    """21000 -> 'Hai mươi mốt nghìn đồng'; 1005000 -> 'Một triệu không trăm linh năm nghìn đồng'."""
    if amount == 0:
        return "Không đồng"
    groups = []
    rest = amount
    while rest:
        groups.append(rest % 1000)
        rest //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words += _three(value, full=index < len(groups) - 1)
        scale = GROUPS[index % 3] if index % 3 else ""
        words += [scale] if scale else []
        words += ["tỷ"] * (index // 3)
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


# --- PDF (Decree 30 layout) ------------------------------------------------------------------

TITLE = "BẢNG KÊ THU PHÍ, LỆ PHÍ BẰNG TIỀN MẶT"
HEAD = ["STT", "Mã hồ sơ", "Người nộp", "Khoản phí, lệ phí", "Số biên lai", "Giờ thu", "Số tiền (đồng)"]


def statement_pdf(st: Statement, office: Office) -> bytes:
    s = documents.styles()
    cell, center = s["cell"], s["cell_center"]
    right = ParagraphStyle("cell_right", cell, alignment=TA_RIGHT)
    code = ParagraphStyle("cell_code", cell, fontSize=10, leading=12)
    story = documents.decree30_header(office.parent_body, office.name, "......", office.place, st.day)
    story += [Paragraph(TITLE, s["title"]),
              Paragraph(f"Ngày thu: {st.day:%d/%m/%Y}. Người thu: <b>{esc(st.officer_name)}</b>"
                        f" ({esc(st.officer_username)})", s["center"]),
              Spacer(1, 4 * mm)]
    rows = [[Paragraph(f"<b>{h}</b>", center) for h in HEAD]]
    for i, line in enumerate(st.lines, 1):
        # Short one-line cells are plain strings (ten times cheaper to lay out than paragraphs).
        rows.append([str(i), line.dossier_code, Paragraph(esc(line.applicant_name), cell),
                     Paragraph(esc(line.fee_name), cell), Paragraph(esc(line.receipt_no), center),
                     f"{line.paid_at:%H:%M}", thousands(line.amount)])
    if not st.lines:
        rows.append([Paragraph("Không có khoản thu nào bằng tiền mặt trong ngày.", cell)] + [""] * 6)
    rows.append([Paragraph("<b>Tổng cộng</b>", cell), "", "", "",
                 Paragraph(f"<b>{st.dossiers} hồ sơ</b>", center), "",
                 Paragraph(f"<b>{thousands(st.total)}</b>", right)])
    # The dossier code on one line: its column is as wide as the longest code.
    code_w = max([pdfmetrics.stringWidth(line.dossier_code, documents.FONT, code.fontSize) for line in st.lines]
                 + [20 * mm]) + 5
    fixed = [11 * mm, code_w, 31 * mm, 17 * mm, 12 * mm, 21 * mm]
    widths = fixed[:3] + [documents.WIDTH - sum(fixed)] + fixed[3:]
    table = Table(rows, colWidths=widths, repeatRows=1)
    every = ((0, 0), (-1, -1))
    style = [("FONT", *every, documents.FONT, cell.fontSize), ("VALIGN", *every, "MIDDLE"),
             ("GRID", *every, 0.5, colors.black), ("LEFTPADDING", *every, 2), ("RIGHTPADDING", *every, 2),
             ("TOPPADDING", *every, 1), ("BOTTOMPADDING", *every, 2.5), ("ALIGN", (6, 1), (6, -1), "RIGHT"),
             ("SPAN", (0, -1), (3, -1)), ("SPAN", (4, -1), (5, -1)),
             ("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (5, 1), (5, -1), "CENTER"),
             ("FONT", (1, 1), (1, -1), documents.FONT, code.fontSize)]
    if not st.lines:
        style.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(TableStyle(style))
    story += [table, Spacer(1, 3 * mm),
              Paragraph(f"Tổng số tiền bằng chữ: <i>{esc(in_words(st.total))}</i>.", s["field"]),
              Spacer(1, 6 * mm)]
    half = documents.WIDTH / 2
    signatures = Table([[documents.signature_block("NGƯỜI NỘP TIỀN", st.officer_name),
                         documents.signature_block("NGƯỜI NHẬN TIỀN", "")]], colWidths=[half, half])
    signatures.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(signatures)
    return documents.build_pdf(story, title=f"Bảng kê thu tiền mặt {st.day:%d/%m/%Y} {nfc(st.officer_name)}")


# --- XLSX ------------------------------------------------------------------------------------

def statement_xlsx(st: Statement, office: Office) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{st.day:%Y-%m-%d}"
    bold = Font(bold=True)
    sheet.append([nfc(office.name)])
    sheet.append([TITLE])
    sheet.append([f"Ngày thu: {st.day:%d/%m/%Y}", None, f"Người thu: {nfc(st.officer_name)} ({st.officer_username})"])
    sheet.append([])
    sheet.append(HEAD[:5] + ["Thời điểm thu", HEAD[6]])
    header_row = sheet.max_row
    for i, line in enumerate(st.lines, 1):
        sheet.append([i, line.dossier_code, nfc(line.applicant_name),
                      f"{nfc(line.fee_name)} ({nfc(line.procedure_name)})", line.receipt_no,
                      line.paid_at.replace(tzinfo=None), line.amount])
        sheet.cell(sheet.max_row, 6).number_format = "dd/mm/yyyy hh:mm"
        sheet.cell(sheet.max_row, 7).number_format = "#,##0"
    sheet.append(["Tổng cộng", None, None, None, f"{st.dossiers} hồ sơ", None, st.total])
    total_row = sheet.max_row
    sheet.cell(total_row, 7).number_format = "#,##0"
    sheet.append(["Bằng chữ: " + in_words(st.total)])
    sheet.append([])
    sheet.append([None, "NGƯỜI NỘP TIỀN", None, None, "NGƯỜI NHẬN TIỀN"])
    sheet.append([None, "(Ký và ghi rõ họ tên)", None, None, "(Ký và ghi rõ họ tên)"])
    sheet.append([])
    sheet.append([])
    sheet.append([None, nfc(st.officer_name)])
    thin = Side(style="thin")
    for row in sheet.iter_rows(min_row=header_row, max_row=total_row, max_col=7):
        for c in row:
            c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            c.alignment = Alignment(vertical="center", wrap_text=True)
    for c in (*sheet[header_row], *sheet[total_row], sheet["A1"], sheet["A2"]):
        c.font = bold
    for column, width in zip("ABCDEFG", (6, 28, 26, 40, 14, 17, 16), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    for row in sheet.iter_rows():  # text typed by people is never a formula ("=HYPERLINK(…)" stays text)
        for c in row:
            if c.data_type == "f":
                c.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
