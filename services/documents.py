"""PDF documents in the Decree 30/2020 layout; form 01, the receipt-and-appointment slip."""
from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable, HRFlowable

from services.calendar import VN_TZ
from services.text import nfc, thousands

FONT = "LiberationSerif"
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
MARGINS = {"topMargin": 20 * mm, "bottomMargin": 20 * mm, "leftMargin": 30 * mm, "rightMargin": 15 * mm}
WIDTH = A4[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
SIGN_NOTE = "(Ký và ghi rõ họ tên)"


@dataclass(frozen=True)
class ReceiptComponent:
    name: str
    originals: int
    copies: int
    scanned: bool


@dataclass(frozen=True)
class ReceiptSlip:
    parent_body: str
    office_name: str
    place: str
    dossier_code: str
    issued_at: dt.datetime
    procedure_code: str
    procedure_name: str
    applicant_name: str
    id_number: str
    address: str
    phone: str | None
    email: str | None
    channel_label: str
    components: list[ReceiptComponent]
    fee_total: int
    fee_lines: list[tuple[str, int]]
    received_at: dt.datetime
    appointment_at: dt.datetime
    officer_name: str
    lookup_url: str
    missing_scan_reason: str | None


# --- Text helpers ---------------------------------------------------------------------------

def vnd(amount: int) -> str:
    """12000 -> '12.000 đồng' (Vietnamese thousands separator)."""
    return f"{thousands(amount)} đồng"


def _local(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(VN_TZ)
    return value


def vn_date(value: dt.date) -> str:
    """Decree 30: days below 10 and months 1-2 take a leading zero ('ngày 05 tháng 02 năm 2026')."""
    d = _local(value)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def vn_time(value: dt.datetime) -> str:
    """'09 giờ 00 phút, ngày 25/11/2026', in Vietnam time."""
    t = _local(value)
    return f"{t:%H} giờ {t:%M} phút, ngày {t:%d/%m/%Y}"


def esc(value: object) -> str:
    """NFC-normalise and XML-escape a value for Paragraph markup."""
    return escape(nfc("" if value is None else str(value)))


# --- Fonts, styles, building ----------------------------------------------------------------

@functools.cache
def _fonts() -> str:
    """Register the Liberation Serif family once; return its name."""
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        name = FONT if face == "Regular" else f"{FONT}-{face}"
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"LiberationSerif-{face}.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=f"{FONT}-Bold", italic=f"{FONT}-Italic",
                                  boldItalic=f"{FONT}-BoldItalic")
    return FONT


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles, built once; treat as read-only."""
    font = _fonts()
    body = ParagraphStyle("body", fontName=font, bulletFontName=font, fontSize=13, leading=15,
                          alignment=TA_JUSTIFY)
    center = ParagraphStyle("center", body, alignment=TA_CENTER)
    return {
        "body": body,
        "center": center,
        "field": ParagraphStyle("field", body, alignment=TA_LEFT),  # 'Label: value' lines
        "head": ParagraphStyle("head", center, fontSize=12, leading=14),
        "motto": ParagraphStyle("motto", center, fontName=f"{font}-Bold", leading=15),
        "title": ParagraphStyle("title", center, fontName=f"{font}-Bold", fontSize=14, leading=17,
                                spaceBefore=6, spaceAfter=6),
        "cell": ParagraphStyle("cell", body, fontSize=12, leading=13.5, alignment=TA_LEFT),
        "cell_center": ParagraphStyle("cell_center", center, fontSize=12, leading=13.5),
        "small": ParagraphStyle("small", center, fontSize=8.5, leading=10),
        "url": ParagraphStyle("url", center, fontSize=8, leading=9.5, wordWrap="CJK"),
    }


def build_pdf(flowables: list[Flowable], title: str = "") -> bytes:
    """Lay the flowables out on A4 pages inside the Decree 30 margins (no extra frame padding)."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=A4, title=nfc(title), author="Một Cửa Số",
                          initialFontName=_fonts(), initialFontSize=13, **MARGINS)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="a4", frames=[frame])])
    doc.build(flowables)
    return buffer.getvalue()


def _grid(rows: list, widths: list[float], **extra) -> Table:
    """A borderless layout table with no cell padding."""
    table = Table(rows, colWidths=widths, **extra)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), _fonts(), 13), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (0, 0), (-1, -1), "CENTER"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def decree30_header(parent_body: str, office_name: str, number: str, place: str,
                    date: dt.date) -> list[Flowable]:
    """Issuing body | national title and motto; then 'Số: …' | '<Place>, ngày … tháng … năm …'."""
    s = styles()
    office = nfc(office_name).upper()
    motto = "Độc lập - Tự do - Hạnh phúc"
    left_w, right_w = 70 * mm, WIDTH - 70 * mm
    office_rule = min(pdfmetrics.stringWidth(office, f"{FONT}-Bold", 12), left_w) / 3
    left = [Paragraph(esc(nfc(parent_body).upper()), s["head"]),
            Paragraph(f"<b>{esc(office)}</b>", s["head"]),
            HRFlowable(width=office_rule, thickness=0.6, color=colors.black, spaceBefore=3)]
    right = [Paragraph("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", s["head"]),
             Paragraph(f"<b>{motto}</b>", s["motto"]),
             HRFlowable(width=pdfmetrics.stringWidth(motto, f"{FONT}-Bold", 13), thickness=0.6,
                        color=colors.black, spaceBefore=2)]
    dated = f"{esc(place)}, {vn_date(date)}" if nfc(place) else vn_date(date).capitalize()
    row2 = [Paragraph(f"Số: {esc(number)}", s["center"]), Paragraph(f"<i>{dated}</i>", s["center"])]
    table = _grid([[left, right], row2], [left_w, right_w])
    table.setStyle(TableStyle([("TOPPADDING", (0, 1), (-1, 1), 6)]))
    return [table]


def signature_block(title: str, name: str, note: str = SIGN_NOTE, authority: str = "",
                    gap: float = 16 * mm) -> list[Flowable]:
    """Authority line (TM./KT./TL.), title in bold, italic note, room to sign, name in bold."""
    s = styles()
    lines = [Paragraph(f"<b>{esc(authority)}</b>", s["center"])] if authority else []
    lines += [Paragraph(f"<b>{esc(title)}</b>", s["center"]), Paragraph(f"<i>{esc(note)}</i>", s["center"]),
              Spacer(1, gap), Paragraph(f"<b>{esc(name)}</b>", s["center"])]
    return lines


def qr_drawing(data: str, size: float = 30 * mm) -> Drawing:
    widget = QrCodeWidget(nfc(data))
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0],
                      initialFontName=_fonts())  # no stray Helvetica resource
    drawing.add(widget)
    return drawing


# --- Form 01 ---------------------------------------------------------------------------------

def _components_table(components: list[ReceiptComponent]) -> Table:
    s = styles()
    head = ["STT", "Tên giấy tờ", "Bản chính", "Bản sao", "Đã số hóa"]
    rows = [[Paragraph(f"<b>{h}</b>", s["cell_center"]) for h in head]]
    for i, c in enumerate(components, 1):
        cells = [str(i), esc(c.name), str(c.originals), str(c.copies), "Có" if c.scanned else "Chưa"]
        rows.append([Paragraph(v, s["cell" if n == 1 else "cell_center"]) for n, v in enumerate(cells)])
    fixed = [11 * mm, 17 * mm, 16 * mm, 20 * mm]
    table = Table(rows, colWidths=[fixed[0], WIDTH - sum(fixed), *fixed[1:]], repeatRows=1)
    every = ((0, 0), (-1, -1))
    table.setStyle(TableStyle([("FONT", *every, _fonts(), 12), ("VALIGN", *every, "MIDDLE"),
                               ("GRID", *every, 0.5, colors.black), ("LEFTPADDING", *every, 3),
                               ("RIGHTPADDING", *every, 3), ("TOPPADDING", *every, 1),
                               ("BOTTOMPADDING", *every, 2.5)]))
    return table


def receipt_pdf(slip: ReceiptSlip) -> bytes:
    """Form 01 (Circular 03/2025 Appendix I): receipt of the dossier and appointment to return results."""
    s = styles()

    def line(label: str, value: object = "", bold: bool = False) -> Paragraph:
        text = f"<b>{esc(value)}</b>" if bold else esc(value)
        return Paragraph(f"{label}{text}", s["field"])

    contact = [f"Số điện thoại: {esc(slip.phone)}" if nfc(slip.phone) else "",
               f"Email: {esc(slip.email)}" if nfc(slip.email) else ""]
    story: list[Flowable] = decree30_header(slip.parent_body, slip.office_name, slip.dossier_code,
                                            slip.place, slip.issued_at)
    story += [Paragraph("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", s["title"]),
              line("", f"{nfc(slip.office_name)} tiếp nhận hồ sơ của:"),
              line("Ông/Bà: ", slip.applicant_name, bold=True),
              line("Số định danh cá nhân: ", slip.id_number),
              line("Địa chỉ: ", slip.address)]
    if any(contact):
        story.append(Paragraph("; ".join(c for c in contact if c), s["field"]))
    procedure = f"{nfc(slip.procedure_name)} ({nfc(slip.procedure_code)})"
    story += [line("Nội dung yêu cầu giải quyết: ", procedure),
              line("Kênh nộp: ", slip.channel_label),
              line("Thành phần hồ sơ gồm:"), Spacer(1, 2), _components_table(slip.components), Spacer(1, 2)]

    # What follows the table sits beside the QR code, which sets the minimum height of this block.
    details = [line("Lý do chưa số hóa: ", slip.missing_scan_reason)] if nfc(slip.missing_scan_reason) else []
    details += [line("Thời gian nhận hồ sơ: ", vn_time(slip.received_at)),
               line("Thời gian trả kết quả: ", vn_time(slip.appointment_at), bold=True),
               line("Phí, lệ phí: ", vnd(slip.fee_total))]
    if len(slip.fee_lines) > 1:
        details += [line(f"- {esc(name)}: ", vnd(amount)) for name, amount in slip.fee_lines]
    details.append(line("Nơi trả kết quả: ", slip.office_name))
    qr_w = 48 * mm
    qr = [qr_drawing(slip.lookup_url), Paragraph("Quét mã để tra cứu tình trạng hồ sơ", s["small"]),
          Paragraph(esc(slip.lookup_url), s["url"])]
    block = _grid([[details, qr]], [WIDTH - qr_w, qr_w])
    block.setStyle(TableStyle([("LEFTPADDING", (1, 0), (1, 0), 4 * mm)]))
    signatures = _grid([[signature_block("NGƯỜI NỘP HỒ SƠ", slip.applicant_name),
                         signature_block("NGƯỜI TIẾP NHẬN HỒ SƠ", slip.officer_name)]], [WIDTH / 2] * 2)
    story += [block, Spacer(1, 6), signatures]
    return build_pdf(story, title=f"Giấy tiếp nhận hồ sơ {nfc(slip.dossier_code)}")
