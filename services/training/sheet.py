"""The sign-in sheet of a training session (A4, Decree 30 header): who came, room for more names and
signatures, and a QR code to the anonymous feedback form."""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from models import Office, TrainingSession
from services import documents
from services.calendar import VN_TZ
from services.documents import esc, styles
from services.training import KINDS, TOPICS

BLANK_ROWS = 12  # empty lines after the names already checked in
VI_TOPICS = {  # the sheet is printed in Vietnamese whatever the trainer's language
    "online_submission": "Nộp hồ sơ trực tuyến", "online_payment": "Thanh toán phí trực tuyến",
    "digitisation": "Số hóa hồ sơ khi tiếp nhận", "e_results": "Kết quả điện tử",
    "certification": "Chứng thực bản sao, chữ ký", "service_index": "Bộ chỉ số phục vụ",
    "system": "Sử dụng phần mềm",
}
VI_KINDS = {"onsite": "Tập huấn tại chỗ", "practice": "Thực hành trên máy chủ thực hành"}
assert set(VI_TOPICS) == set(TOPICS) and set(VI_KINDS) == set(KINDS)


def sign_in_sheet(session: TrainingSession, office: Office, feedback_url: str, attendees: list) -> bytes:
    s = styles()
    starts = session.starts_at.astimezone(VN_TZ)
    trainer = (session.trainer.full_name or session.trainer.username) if session.trainer_id else session.trainer_name
    flow = documents.decree30_header(office.parent_body, office.name, "", office.place, starts.date())
    flow += [Spacer(1, 6 * mm), Paragraph("DANH SÁCH KÝ TÊN THAM DỰ TẬP HUẤN", s["title"]),
             Paragraph(f"<b>{esc(session.title)}</b>", s["center"]), Spacer(1, 3 * mm)]
    facts = [("Thời gian", f"{starts:%H} giờ {starts:%M}, {documents.vn_date(starts)}"),
             ("Địa điểm", session.place), ("Hình thức", VI_KINDS.get(session.kind, session.kind)),
             ("Người hướng dẫn", trainer),
             ("Nội dung", "; ".join(VI_TOPICS.get(t, t) for t in session.topics))]
    if session.units.strip():
        facts.append(("Đơn vị tham dự", "; ".join(u.strip() for u in session.units.splitlines() if u.strip())))
    qr = [documents.qr_drawing(feedback_url, 30 * mm),
          Paragraph("<b>Quét mã để góp ý</b>", ParagraphStyle("qr_note", s["small"], fontSize=10, leading=12))]
    top = Table([[[Paragraph(f"{label}: {esc(value)}", s["field"]) for label, value in facts], qr]],
                colWidths=[documents.WIDTH - 36 * mm, 36 * mm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    flow += [top, Spacer(1, 4 * mm)]

    head = ["STT", "Họ và tên", "Đơn vị", "Chức vụ", "Ký tên"]
    rows = [[Paragraph(f"<b>{h}</b>", s["cell_center"]) for h in head]]
    for i, person in enumerate(attendees, 1):
        rows.append([Paragraph(str(i), s["cell_center"]), Paragraph(esc(person.full_name), s["cell"]),
                     Paragraph(esc(person.unit), s["cell"]), Paragraph(esc(person.position), s["cell"]), ""])
    for i in range(len(attendees) + 1, len(attendees) + BLANK_ROWS + 1):
        rows.append([Paragraph(str(i), s["cell_center"]), "", "", "", ""])
    widths = [14 * mm, 50 * mm, 42 * mm, 30 * mm]
    widths.append(documents.WIDTH - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=1, rowHeights=[None] + [9 * mm] * (len(rows) - 1))
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("FONT", (0, 0), (-1, -1), documents.FONT, 12)]))
    flow += [table, Spacer(1, 3 * mm),
             Paragraph("<i>Góp ý về buổi tập huấn (chấm điểm 1–5, không cần đăng nhập, không ghi tên): quét mã QR "
                       "ở trên bằng điện thoại, hoặc mở địa chỉ</i>", s["field"]),
             Paragraph(f"<b>{esc(feedback_url)}</b>", ParagraphStyle("address", s["field"], fontSize=11))]
    return documents.build_pdf(flow, title=f"Danh sách ký tên - {session.title}")
