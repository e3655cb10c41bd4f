"""The communication templates as one-page PDFs: a header with the office, the title, the points,
QR codes, a note, and a footer with address, hotline and hours. One layout for every size: it is
scaled to the page's width and the free height is shared between the blocks."""
from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from services.documents import FONT, agency_lines, esc, qr_drawing, styles
from services.toolkit.content import QR_CAPTIONS, Template, Texts

BRAND = colors.HexColor("#0b4f8a")
PALE = colors.HexColor("#e8f0f8")


@dataclass(frozen=True)
class OfficeInfo:
    """What the templates print about the office, and where their QR codes lead."""

    name: str
    parent_body: str
    address: str
    hotline: str
    hours: str
    lookup_url: str
    portal_url: str

    def url(self, kind: str) -> str:
        return self.lookup_url if kind == "lookup" else self.portal_url


def hours_line(morning_start: str, morning_end: str, afternoon_start: str, afternoon_end: str) -> str:
    return (f"Thứ Hai đến thứ Sáu, sáng {morning_start}–{morning_end}, "
            f"chiều {afternoon_start}–{afternoon_end}")


def _scale(template: Template) -> float:
    """Type and spacing relative to an A4 page; A5 keeps a readable size, a tall standee (read from
    a few metres away) has larger type than its width alone gives."""
    width, height = template.page
    return max(width / A4[0], 0.8) * (1.5 if height > 2 * width else 1) * template.emphasis


def _style(name: str, size: float, bold: bool = False, color=colors.black, align=TA_CENTER,
           italic: bool = False) -> ParagraphStyle:
    styles()  # registers the font family
    font = FONT + ("-Bold" if bold else "") + ("-Italic" if italic and not bold else "")
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, textColor=color,
                          alignment=align)


def _items(template: Template, texts: Texts, s: float, width: float) -> Table:
    body = _style("item", 15 * s, align=TA_LEFT)
    mark = _style("mark", 18 * s, bold=True, color=BRAND)
    rows = [[Paragraph(f"{n}" if template.numbered else "•", mark), Paragraph(esc(item), body)]
            for n, item in enumerate(texts.items, 1)]
    table = Table(rows, colWidths=[12 * mm * s, width - 12 * mm * s])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 3 * s),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * s),
                               ("LINEBELOW", (0, 0), (-1, -2), 0.4 * s, colors.HexColor("#c9d1d9"))]))
    return table


def _qr_row(template: Template, office: OfficeInfo, s: float, width: float) -> Table:
    size = min(45 * mm * s, width / len(template.qrs) - 10 * mm)
    caption = _style("qr_caption", 13 * s, bold=True, color=BRAND)
    url = _style("qr_url", 9 * s)
    cells = [[qr_drawing(office.url(kind), size), Paragraph(esc(QR_CAPTIONS[kind]), caption),
              Paragraph(esc(office.url(kind)), url)] for kind in template.qrs]
    table = Table([cells], colWidths=[width / len(cells)] * len(cells))
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _note(texts: Texts, s: float, width: float) -> Table:
    table = Table([[Paragraph(esc(texts.note), _style("note", 13 * s, italic=True))]], colWidths=[width])
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), PALE), ("TOPPADDING", (0, 0), (-1, -1), 6 * s),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6 * s),
                               ("LEFTPADDING", (0, 0), (-1, -1), 8 * s), ("RIGHTPADDING", (0, 0), (-1, -1), 8 * s)]))
    return table


def _band(canvas: Canvas, y: float, height: float, lines: list[tuple[str, ParagraphStyle]], width: float,
          margin: float) -> None:
    """A filled band across the page with centred white lines."""
    canvas.setFillColor(BRAND)
    canvas.rect(0, y, width, height, stroke=0, fill=1)
    paragraphs = [Paragraph(text, style) for text, style in lines if text]
    frame = Frame(margin, y, width - 2 * margin, height, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, showBoundary=0)
    used = sum(p.wrap(width - 2 * margin, height)[1] for p in paragraphs)
    frame.addFromList([Spacer(1, max(0, (height - used) / 2)), *paragraphs], canvas)


def _agency(name: str, style: ParagraphStyle, width: float) -> str:
    """An agency's name in capitals, broken between words but never inside its place name."""
    lines = agency_lines(name.upper(), style.fontName, style.fontSize, width)
    return "<br/>".join(esc(line) for line in lines) if lines else esc(name.upper())


def render_pdf(template: Template, texts: Texts, office: OfficeInfo) -> bytes:
    """The template as a one-page PDF (the same input gives the same bytes)."""
    width, height = template.page
    s = _scale(template)
    band = s / template.emphasis  # the office's bands keep the page's own scale
    margin = 15 * mm * band
    inner = width - 2 * margin
    styles()  # registers the font family
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=template.page, invariant=1, initialFontName=FONT)
    canvas.setTitle(texts.title)
    canvas.setAuthor(office.name)
    canvas.setCreator("Một Cửa Số")

    white_small = _style("head_small", 12 * band, color=colors.white)
    white_big = _style("head_big", 16 * band, bold=True, color=colors.white)
    head_h = 30 * mm * band
    _band(canvas, height - head_h, head_h, [(_agency(office.parent_body, white_small, width - 2 * margin), white_small),
                                            (_agency(office.name, white_big, width - 2 * margin), white_big)],
          width, margin)
    footer = [(f"Địa chỉ: {esc(office.address)}" if office.address else "", white_small),
              (f"Đường dây nóng: {esc(office.hotline)}" if office.hotline else "", white_big),
              (f"Giờ làm việc: {esc(office.hours)}" if office.hours else "", white_small)]
    foot_h = 30 * mm * band if any(text for text, _style in footer) else 0
    if foot_h:
        _band(canvas, 0, foot_h, footer, width, margin)

    blocks = [Paragraph(esc(texts.title), _style("title", 26 * s, bold=True, color=BRAND))]
    if texts.intro:
        blocks.append(Paragraph(esc(texts.intro), _style("intro", 15 * s)))
    blocks.append(_items(template, texts, s, inner))
    if template.qrs:
        blocks.append(_qr_row(template, office, s, inner))
    if texts.note:
        blocks.append(_note(texts, s, inner))
    frame_h = height - head_h - foot_h - 2 * margin * 0.6
    used = sum(b.wrap(inner, frame_h)[1] for b in blocks)
    gap = max(4 * mm * s, (frame_h - used) / (len(blocks) + 1))
    story = [Spacer(1, gap)]
    for block in blocks:
        story += [block, Spacer(1, gap)]
    frame = Frame(margin, foot_h + margin * 0.6, inner, frame_h, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    frame.addFromList([KeepInFrame(inner, frame_h, story, mode="shrink")], canvas)  # never a second page
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
