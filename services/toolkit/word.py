"""The same content as an editable Word document (python-docx), for offices that change the layout."""
from __future__ import annotations

import io
import re

import segno
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor

from services.text import nfc
from services.toolkit.content import QR_CAPTIONS, Template, Texts
from services.toolkit.render import OfficeInfo

BRAND = RGBColor(0x0B, 0x4F, 0x8A)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters a .docx cannot hold
MAX_WORD_PAGE = 558  # mm: Word's largest page side; a standee is laid out on A3 and scaled up at the printer


def _text(value: str) -> str:
    """NFC text without the control characters XML refuses (typed text or a setting may carry them)."""
    return NOT_XML.sub("", nfc(value))


def _page(template: Template) -> tuple[float, float]:
    width, height = (round(side / 72 * 25.4) for side in template.page)
    if max(width, height) > MAX_WORD_PAGE:
        return 297, 420
    return width, height


def _qr_png(data: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(nfc(data), error="m").save(out, kind="png", scale=8, border=2)
    out.seek(0)
    return out


def _paragraph(document, text: str, size: float, bold: bool = False, italic: bool = False, color=None,
               center: bool = True, style: str | None = None):
    paragraph = document.add_paragraph(style=style)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(_text(text))
    run.font.size, run.bold, run.italic = Pt(size), bold, italic
    if color is not None:
        run.font.color.rgb = color
    return paragraph


def render_docx(template: Template, texts: Texts, office: OfficeInfo) -> bytes:
    document = Document()
    width, height = _page(template)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(width), Mm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(13)
    document.core_properties.title = _text(texts.title)
    document.core_properties.author = _text(office.name)

    _paragraph(document, office.parent_body.upper(), 12)
    _paragraph(document, office.name.upper(), 14, bold=True, color=BRAND)
    _paragraph(document, texts.title, 22, bold=True, color=BRAND)
    if texts.intro:
        _paragraph(document, texts.intro, 14)
    for item in texts.items:
        _paragraph(document, item, 14, center=False,
                   style="List Number" if template.numbered else "List Bullet")
    table = document.add_table(rows=1, cols=len(template.qrs))
    for cell, kind in zip(table.rows[0].cells, template.qrs, strict=True):
        picture = cell.paragraphs[0]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(_qr_png(office.url(kind)), width=Mm(30 if width < 200 else 40))
        for text, size, bold in ((QR_CAPTIONS[kind], 12, True), (office.url(kind), 9, False)):
            line = cell.add_paragraph()
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = line.add_run(_text(text))
            run.font.size, run.bold = Pt(size), bold
    if texts.note:
        _paragraph(document, texts.note, 13, italic=True)
    if office.address:
        _paragraph(document, f"Địa chỉ: {office.address}", 12)
    if office.hotline:
        _paragraph(document, f"Đường dây nóng: {office.hotline}", 14, bold=True)
    _paragraph(document, f"Giờ làm việc: {office.hours}", 12)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
