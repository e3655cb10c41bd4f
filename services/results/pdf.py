"""The electronic result as a PDF: the generic result layout (Decree 30) filled from the dossier, and the
QR code stamped on an uploaded scan. Both leave room for the signatures and say where it is."""
from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer
from reportlab.platypus.flowables import Flowable

from models import Dossier, Office
from services.documents import (
    WIDTH,
    _grid,
    build_pdf,
    decree30_header,
    esc,
    qr_drawing,
    styles,
)
from services.receipts import url_lines
from services.text import nfc

BOX = (220.0, 78.0)  # points: one signature appearance (services.signing draws inside it)
QR_SIZE = 24 * mm
QR_CAPTION = "Quét mã để xác thực văn bản điện tử"


@dataclass(frozen=True)
class Spot:
    """Where a signature's appearance goes: the page index and the box (x1, y1, x2, y2) in points."""

    page: int
    box: tuple[float, float, float, float]


class _SpotMark(Flowable):
    """Empty room for a signature; records where it landed on the page while the PDF is built."""

    def __init__(self, name: str, found: dict[str, Spot]):
        super().__init__()
        self.name, self.found = name, found
        self.width, self.height = BOX

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        x, y = self.canv.absolutePosition(0, 0)
        self.found[self.name] = Spot(self.canv.getPageNumber() - 1, (x, y, x + self.width, y + self.height))


@dataclass(frozen=True)
class Content:
    """What the specialist writes: the number, the title, the body (one paragraph a line), the signer."""

    number: str
    title: str
    body: str
    signer_title: str
    signer_name: str


def authority(office: Office) -> str:
    """'TM. ỦY BAN NHÂN DÂN' for a People's Committee: the body signs through its chair (Decree 30)."""
    body = nfc(office.parent_body).upper()
    for kind in ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN"):
        if body.startswith(kind):
            return f"TM. {kind}"
    return f"TM. {body}" if body else ""


def _qr_block(url: str, width: float) -> list[Flowable]:
    s = styles()
    lines = url_lines(url, width - 2 * mm, s["url_code"].fontName, s["url_code"].fontSize)
    return [qr_drawing(url, QR_SIZE), Paragraph(QR_CAPTION, s["small"])] + \
        [Paragraph(esc(line), s["url_code"]) for line in lines]


def render(dossier: Dossier, office: Office, content: Content, verify_url: str,
           on=None) -> tuple[bytes, dict[str, Spot]]:
    """The result document and where its two signatures go ('person' under the signer's title,
    'organisation' under the QR code, beside it)."""
    s = styles()
    spots: dict[str, Spot] = {}
    story = decree30_header("", office.parent_body, content.number, office.place, on or dossier.received_at)
    story += [Spacer(1, 10), Paragraph(esc(nfc(content.title).upper()), s["title"]), Spacer(1, 4)]
    for line in nfc(content.body).splitlines():
        story.append(Paragraph(esc(line), s["body"]) if line.strip() else Spacer(1, 6))
    half = WIDTH / 2
    left = [Paragraph("<b><i>Nơi nhận:</i></b>", s["cell"]),
            Paragraph(f"- {esc(dossier.applicant_name)};", s["cell"]), Paragraph("- Lưu: VT.", s["cell"]),
            Spacer(1, 4), *_qr_block(verify_url, half), Spacer(1, 2), _SpotMark("organisation", spots)]
    right = [Paragraph(f"<b>{esc(authority(office))}</b>", s["center"]),
             Paragraph(f"<b>{esc(nfc(content.signer_title).upper())}</b>", s["center"]),
             Spacer(1, 2), _SpotMark("person", spots), Spacer(1, 2),
             Paragraph(f"<b>{esc(content.signer_name)}</b>", s["center"])]
    story += [Spacer(1, 10), CondPageBreak(110 * mm), _grid([[left, right]], [half, half])]
    pdf = build_pdf(story, title=nfc(content.title))
    return pdf, spots


def stamp_qr(pdf: bytes, verify_url: str) -> bytes:
    """The uploaded scan with the verification QR code drawn at the bottom left of its last page."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.graphics import renderPDF
    from reportlab.pdfgen import canvas

    from services.documents import FONT, _fonts

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    page = writer.pages[-1]
    box = page.mediabox
    x, y = float(box.left) + 10 * mm, float(box.bottom) + 12 * mm
    overlay = io.BytesIO()
    sheet = canvas.Canvas(overlay, pagesize=(float(box.right), float(box.top)))
    sheet.setFillColorRGB(1, 1, 1)
    sheet.rect(x - 1 * mm, y - 9 * mm, 88 * mm, QR_SIZE + 10 * mm, stroke=0, fill=1)
    renderPDF.draw(qr_drawing(verify_url, QR_SIZE), sheet, x, y)
    _fonts()
    sheet.setFillColorRGB(0, 0, 0)
    sheet.setFont(FONT, 8)
    sheet.drawString(x, y - 3.5 * mm, QR_CAPTION)
    sheet.setFont(FONT, 7)
    for i, line in enumerate(url_lines(verify_url, 85 * mm, FONT, 7)[:2]):
        sheet.drawString(x, y - (6.5 + 3 * i) * mm, line)
    sheet.save()
    page.merge_page(PdfReader(io.BytesIO(overlay.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
