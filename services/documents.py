"""PDF documents in the Decree 30/2020 layout: fonts, styles, the header, signature blocks, QR codes."""
from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable, HRFlowable

from services.calendar import VN_TZ
from services.practice import page_banner
from services.text import nfc, thousands

FONT = "LiberationSerif"
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
MARGINS = {"topMargin": 20 * mm, "bottomMargin": 20 * mm, "leftMargin": 30 * mm, "rightMargin": 15 * mm}
WIDTH = A4[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
SIGN_NOTE = "(Ký và ghi rõ họ tên)"


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
        "url_code": ParagraphStyle("url_code", center, fontSize=8, leading=9.5),  # never broken
    }


def build_pdf(flowables: list[Flowable], title: str = "") -> bytes:
    """Lay the flowables out on A4 pages inside the Decree 30 margins (no extra frame padding)."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=A4, title=nfc(title), author="Một Cửa Số",
                          initialFontName=_fonts(), initialFontSize=13, **MARGINS)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="a4", frames=[frame], onPage=page_banner)])  # practice mode
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


# Words that begin a place name in an agency's name ("... PHƯỜNG HÀ ĐÔNG"): the place is never split.
PLACE_WORDS = ("XÃ", "PHƯỜNG", "ĐẶC KHU", "THỊ TRẤN", "TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN")
# Words of an agency's name that read as one and stay on one line.
PHRASES = ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "TRUNG TÂM", "PHỤC VỤ", "HÀNH CHÍNH CÔNG", "BỘ PHẬN",
           "MỘT CỬA")
NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def _tokens(name: str) -> list[str]:
    """The agency name in pieces a line may break between: words (phrases kept together), then the
    whole place name."""
    words = name.split()
    place = len(words)
    for i in range(len(words)):
        if any(" ".join(words[i:i + len(p.split())]) == p for p in PLACE_WORDS):
            place = i
            break
    tokens, i = [], 0
    while i < place:
        phrase = next((p for p in PHRASES if " ".join(words[i:i + len(p.split())]) == p
                       and i + len(p.split()) <= place), words[i])
        tokens.append(phrase)
        i += len(phrase.split())
    return tokens + ([" ".join(words[place:])] if place < len(words) else [])


def agency_lines(name: str, font: str, size: float, width: float) -> list[str] | None:
    """``name`` in lines of at most ``width`` points, broken only between the pieces of _tokens
    (never inside the place name or a phrase); None when a piece alone is wider than ``width``."""
    lines: list[str] = []
    for token in _tokens(name):
        if pdfmetrics.stringWidth(token, font, size) > width:
            return None
        candidate = f"{lines[-1]} {token}" if lines else token
        if lines and pdfmetrics.stringWidth(candidate, font, size) <= width:
            lines[-1] = candidate
        else:
            lines.append(token)
    return lines


def _fit_agency(parent: str, office: str) -> tuple[float, float, list[str], list[str]]:
    """(font size, left column width, parent lines, office lines): 12 pt in 70 mm when every piece
    fits, else a wider column (as far as the national title allows), else a smaller font (to 9 pt)."""
    widest = WIDTH - pdfmetrics.stringWidth(NATIONAL, f"{FONT}-Bold", 12) - 4 * mm
    widths = [70 * mm + step * 5 * mm for step in range(6) if 70 * mm + step * 5 * mm <= widest] or [70 * mm]
    for size in (12, 11.5, 11, 10.5, 10, 9.5, 9):
        for width in widths:
            parent_lines = agency_lines(parent, FONT, size, width - 2)
            office_lines = agency_lines(office, f"{FONT}-Bold", size, width - 2)
            if parent_lines is not None and office_lines is not None:
                return size, width, parent_lines, office_lines
    return 9, widths[-1], [parent], [office]  # an absurdly long place name: let it wrap


def decree30_header(parent_body: str, office_name: str, number: str, place: str,
                    date: dt.date) -> list[Flowable]:
    """Issuing body | national title and motto; then 'Số: …' | '<Place>, ngày … tháng … năm …'.
    Agency names are never broken inside a place name: the column widens or the font shrinks.
    ``number`` empty prints the slot with dots, to be filled by hand."""
    s = styles()
    parent, office = nfc(parent_body).upper(), nfc(office_name).upper()
    size, left_w, parent_lines, office_lines = _fit_agency(parent, office)
    right_w = WIDTH - left_w
    head = ParagraphStyle("agency", s["head"], fontSize=size, leading=size + 2)
    office_rule = max(pdfmetrics.stringWidth(line, f"{FONT}-Bold", size) for line in office_lines) / 3
    left = [Paragraph("<br/>".join(esc(line) for line in parent_lines), head),
            Paragraph("<b>" + "<br/>".join(esc(line) for line in office_lines) + "</b>", head),
            HRFlowable(width=office_rule, thickness=0.6, color=colors.black, spaceBefore=3)]
    right = [Paragraph(f"<b>{NATIONAL}</b>", s["head"]),
             Paragraph(f"<b>{MOTTO}</b>", s["motto"]),
             HRFlowable(width=pdfmetrics.stringWidth(MOTTO, f"{FONT}-Bold", 13), thickness=0.6,
                        color=colors.black, spaceBefore=2)]
    dated = f"{esc(place)}, {vn_date(date)}" if nfc(place) else vn_date(date).capitalize()
    row2 = [Paragraph(f"Số: {esc(number) if nfc(number) else '........'}", s["center"]),
            Paragraph(f"<i>{dated}</i>", s["center"])]
    table = _grid([[left, right], row2], [left_w, right_w])
    table.setStyle(TableStyle([("TOPPADDING", (0, 1), (-1, 1), 6)]))
    return [table]


def form_number(label: str) -> Paragraph:
    """'Mẫu số 01' at the top right of a form of the one-stop rules."""
    return Paragraph(f"<b>{esc(label)}</b>", ParagraphStyle("form_no", styles()["body"], fontSize=12,
                                                            leading=14, alignment=TA_RIGHT))


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
