"""Messages kept for the counter, printed one per A4 page in the Decree 30 layout (Vietnamese)."""
from __future__ import annotations

from reportlab.platypus import PageBreak, Paragraph, Spacer
from reportlab.platypus.flowables import Flowable

from models import Office, OutboxMessage
from services.documents import build_pdf, decree30_header, esc, qr_drawing, styles
from services.outbox import citizen_link
from services.text import nfc


def _addressee(message: OutboxMessage) -> str:
    dossier = message.dossier
    name = nfc(dossier.applicant_name)
    return f"Ông/Bà {name}" if dossier.applicant_type == 1 else name


def _page(message: OutboxMessage, office: Office) -> list[Flowable]:
    s = styles()
    dossier = message.dossier
    story: list[Flowable] = [*decree30_header(office.parent_body, office.name, "", office.place,
                                              message.created_at.date()), Spacer(1, 10)]
    story += [Paragraph("THÔNG BÁO", s["title"]), Paragraph(f"<b>{esc(message.subject)}</b>", s["center"]),
              Spacer(1, 8), Paragraph(f"Kính gửi: <b>{esc(_addressee(message))}</b>", s["center"]), Spacer(1, 6)]
    if dossier.address:
        story.append(Paragraph(f"Địa chỉ: {esc(dossier.address)}", s["body"]))
    story.append(Paragraph(f"Mã hồ sơ: <b>{esc(dossier.code)}</b>", s["body"]))
    link = citizen_link(dossier, office)
    body = message.body.replace(f" Xem tình trạng hồ sơ: {link}", "") if link else message.body
    story += [Spacer(1, 6), Paragraph(esc(body), s["field"])]
    if link:  # on paper the link is a QR code, with the address under it
        story += [Spacer(1, 10), Paragraph("Quét mã để xem tình trạng hồ sơ:", s["field"]), qr_drawing(link),
                  Paragraph(esc(link), s["url"].clone("url_left", alignment=0))]
    return story


def notices_pdf(messages: list[OutboxMessage], office: Office) -> bytes:
    story: list[Flowable] = []
    for index, message in enumerate(messages):
        if index:
            story.append(PageBreak())
        story += _page(message, office)
    return build_pdf(story, title="Thông báo cho người nộp hồ sơ")
