"""The endorsement (lời chứng, Circular 01/2020): printed on the last page of each paper copy, and
appended to the scan of the original to make the electronic certified copy that is then signed."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from models import Certification, Office
from services.documents import _fonts, esc, styles, vn_date
from services.text import N_, nfc

from .numbering import Number

ENDORSEMENT = "Chứng thực bản sao đúng với bản chính."
BLOCK_WIDTH = 95 * mm
RIGHT = 15 * mm  # Decree 30 right margin
BOTTOM = 20 * mm
SIGN_ROOM = 30 * mm  # room under the heading for the handwritten (or digital) signature and seal
SIGNATURE_BOX = (225.0, 74.0)  # the visible digital signature inside that room


class DocumentError(ValueError):
    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


def number_of(entry: Certification) -> Number:
    return Number(entry.series, entry.year, entry.number, entry.volume)


def _paragraphs(entry: Certification, office: Office) -> tuple[list[Paragraph], list[Paragraph]]:
    """The block above the signature room and the one under it."""
    s = styles()
    day = entry.certified_at
    dated = f"{esc(office.place)}, {vn_date(day)}" if nfc(office.place) else vn_date(day).capitalize()
    above = [Paragraph(ENDORSEMENT, s["center"]),
             Paragraph(esc(number_of(entry).text), s["center"]),
             Paragraph(f"<i>{dated}</i>", s["center"]),
             Paragraph("<b>NGƯỜI THỰC HIỆN CHỨNG THỰC</b>", s["center"])]
    if nfc(entry.signer_title):
        above.append(Paragraph(f"<b>{esc(nfc(entry.signer_title).upper())}</b>", s["center"]))
    above.append(Paragraph("<i>(Ký, ghi rõ họ tên, đóng dấu)</i>", s["center"]))
    below = [Paragraph(f"<b>{esc(entry.signer_name)}</b>", s["center"])]
    return above, below


def _height(paragraphs: list[Paragraph]) -> float:
    return sum(p.wrap(BLOCK_WIDTH, A4[1])[1] for p in paragraphs)


def draw_endorsement(page: canvas.Canvas, entry: Certification, office: Office) -> tuple[float, ...]:
    """Draw the block at the bottom right of the page; return the signature room (x1, y1, x2, y2)."""
    _fonts()
    above, below = _paragraphs(entry, office)
    x = A4[0] - RIGHT - BLOCK_WIDTH
    y = BOTTOM
    for p in reversed(below):
        p.wrap(BLOCK_WIDTH, A4[1])
        p.drawOn(page, x, y)
        y += p.height
    room = (x, y, x + BLOCK_WIDTH, y + SIGN_ROOM)
    y += SIGN_ROOM
    for p in reversed(above):
        p.wrap(BLOCK_WIDTH, A4[1])
        p.drawOn(page, x, y)
        y += p.height
    return room


def endorsements_pdf(entries: list[Certification], office: Office) -> bytes:
    """One A4 page per paper copy, the endorsement at the bottom right, to be printed on the last page
    of each photocopy (copies of one original follow each other, in the order of the register)."""
    _fonts()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle("Lời chứng bản sao")
    page.setAuthor("Một Cửa Số")
    for entry in entries:
        for _copy in range(entry.copies):
            draw_endorsement(page, entry, office)
            page.showPage()
    page.save()
    return buffer.getvalue()


def _image_pdf(data: bytes, name: str) -> bytes:
    """A scanned image on an A4 page, scaled to fit inside the margins."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    try:
        width, height = Image.open(io.BytesIO(data)).size
    except Exception:  # noqa: BLE001 - any unreadable image: say so
        raise DocumentError(N_("The scan of %(name)s cannot be read."), name=name) from None
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    room_w, room_h = A4[0] - 45 * mm, A4[1] - 40 * mm
    scale = min(room_w / width, room_h / height)
    w, h = width * scale, height * scale
    page.drawImage(ImageReader(io.BytesIO(data)), (A4[0] - w) / 2, (A4[1] - h) / 2, w, h)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _last_page(entry: Certification, office: Office, scan_pages: int) -> tuple[bytes, tuple[float, ...]]:
    """The appended page: what was certified, then the endorsement; returns it and the signature box."""
    s = styles()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    x, width, top = 30 * mm, A4[0] - 45 * mm, A4[1] - 25 * mm
    lines = [Paragraph("<b>BẢN SAO ĐIỆN TỬ ĐƯỢC CHỨNG THỰC TỪ BẢN CHÍNH</b>", s["title"]),
             Paragraph(f"Giấy tờ, văn bản: {esc(entry.document)}", s["field"]),
             Paragraph(f"Số trang của bản chính: {entry.pages}; bản sao điện tử gồm {scan_pages} trang "
                       f"trước trang này.", s["field"]),
             Paragraph(f"Người yêu cầu chứng thực: {esc(entry.requester)}", s["field"]),
             Paragraph(f"Nơi chứng thực: {esc(office.parent_body)}", s["field"])]
    for p in lines:
        p.wrap(width, A4[1])
        p.drawOn(page, x, top - p.height)
        top -= p.height + 4
    room = draw_endorsement(page, entry, office)
    page.showPage()
    page.save()
    w, h = SIGNATURE_BOX
    cx, cy = (room[0] + room[2]) / 2, (room[1] + room[3]) / 2
    return buffer.getvalue(), (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def scan_pdf(scan: bytes, mime: str, name: str) -> bytes:
    """The scan of an original as a PDF (an image is set on an A4 page), checked to be readable:
    done before any number is taken, so a bad scan never holds the register."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    source = scan if mime == "application/pdf" else _image_pdf(scan, name)
    try:
        reader = PdfReader(io.BytesIO(source))
        readable = not reader.is_encrypted and len(reader.pages) > 0 and all(p.mediabox for p in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        readable = False
    if not readable:
        raise DocumentError(N_("The scan of %(name)s cannot be read."), name=name)
    return source


def electronic_copy(scan: bytes, entry: Certification, office: Office) -> tuple[bytes, tuple]:
    """The scan of the original (a PDF from scan_pdf) with the endorsement page appended, ready to
    sign; returns the PDF and the box where the visible signature goes on its last page."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(scan)).pages:
        writer.add_page(page)
    last, box = _last_page(entry, office, len(writer.pages))
    writer.add_page(PdfReader(io.BytesIO(last)).pages[0])
    writer.add_metadata({"/Title": nfc(f"Bản sao điện tử - {entry.document}"), "/Author": "Một Cửa Số"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), box
