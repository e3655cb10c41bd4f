"""Forms 02-07 of the one-stop rules (Circular 03/2025 Appendix I) in the Decree 30 layout.

02 supplement request, 03 refusal, 04 apology and new appointment, 05 notice of stopped processing,
06 process control slip (one row per hand-over), 07 dossier register (PDF and XLSX, a date range).
Always Vietnamese: these are legal documents.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from models import Dossier, Office, StatusEvent
from services import history
from services.calendar import VN_TZ
from services.documents import (
    FONT,
    WIDTH,
    build_pdf,
    decree30_header,
    esc,
    signature_block,
    styles,
    vn_date,
    vn_time,
)
from services.practice import page_banner
from services.text import nfc

TITLES = {
    2: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    3: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    4: "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    5: "THÔNG BÁO VỀ VIỆC DỪNG GIẢI QUYẾT HỒ SƠ",
    6: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    7: "SỔ THEO DÕI HỒ SƠ",
}
ACTION_OF_FORM = {2: "request-supplement", 3: "refuse", 4: "extend", 5: "stop"}
STEP_NAMES = {
    "receive": "Tiếp nhận hồ sơ", "accept": "Tiếp nhận hồ sơ trực tuyến", "refuse": "Từ chối tiếp nhận",
    "start": "Chuyển xử lý", "request-supplement": "Yêu cầu bổ sung hồ sơ",
    "receive-supplement": "Nhận hồ sơ bổ sung", "request-fee": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "withdraw": "Công dân yêu cầu rút hồ sơ", "stop": "Dừng xử lý", "settle": "Đã xử lý xong",
    "return": "Trả kết quả", "extend": "Xin lỗi, hẹn lại ngày trả", "assign": "Giao xử lý",
}
RETURN_METHODS = {"counter": "tại Trung tâm", "post": "qua dịch vụ bưu chính", "online": "trực tuyến"}


class FormUnavailable(LookupError):
    """The dossier has no step this form records (e.g. form 02 without a supplement request)."""


def _addressee(dossier: Dossier) -> str:
    return f"Ông/Bà {nfc(dossier.applicant_name)}" if dossier.applicant_type == 1 else nfc(dossier.applicant_name)


def _p(text: str, style: str = "body") -> Paragraph:
    if style == "body":
        return Paragraph(text, _spaced())
    return Paragraph(text, styles()[style])


@functools.cache
def _spaced():
    return styles()["body"].clone("form_body", spaceBefore=3, firstLineIndent=10 * mm)


def _head(office: Office, number: str, on: dt.datetime, form: int) -> list[Flowable]:
    marker = Paragraph(f"<b>Mẫu số {form:02d}</b>", styles()["field"].clone("marker", alignment=TA_RIGHT, fontSize=12))
    return [marker, Spacer(1, 2), *decree30_header(office.parent_body, office.name, number, office.place, on),
            Spacer(1, 6), _p(TITLES[form], "title")]


def _latest(dossier: Dossier, action: str) -> StatusEvent:
    event = (StatusEvent.select().where((StatusEvent.dossier == dossier) & (StatusEvent.action == action))
             .order_by(StatusEvent.at.desc(), StatusEvent.id.desc()).first())
    if event is None:
        raise FormUnavailable(action)
    return event


def _officer(event: StatusEvent) -> str:
    return event.user.full_name if event.user_id else event.actor


def notice_pdf(form: int, dossier: Dossier, office: Office) -> bytes:
    """Forms 02-05, from the dossier's latest step of that kind."""
    event = _latest(dossier, ACTION_OF_FORM[form])
    procedure = dossier.version.procedure
    details = event.details or {}
    office_name = nfc(office.name)
    who = _addressee(dossier)
    story = _head(office, dossier.code, event.at, form)
    story.append(_p(f"Kính gửi: <b>{esc(who)}</b>", "center"))
    story.append(Spacer(1, 6))
    received = f"Ngày {dossier.received_at.astimezone(VN_TZ):%d/%m/%Y}, {esc(office_name)} đã tiếp nhận hồ sơ"
    story.append(_p(f"{received} của {esc(who)}. Mã hồ sơ: <b>{esc(dossier.code)}</b>."))
    story.append(_p(f"Nội dung yêu cầu giải quyết: {esc(procedure.name)} ({esc(procedure.code)})."))
    signer, title, authority = _officer(event), "NGƯỜI HƯỚNG DẪN", ""
    if form == 2:
        story.append(_p("Sau khi xem xét, đề nghị bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:"))
        items = [line for line in details.get("items", "").splitlines() if line.strip()] or [event.note]
        story += [_p(f"{i}. {esc(item)}") for i, item in enumerate(items, 1)]
        story.append(_p(f"Lý do: {esc(event.note)}"))
        contact = details.get("contact") or signer
        story.append(_p("Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, xin liên hệ "
                        f"{esc(contact)} để được hướng dẫn."))
    elif form == 3:
        story.append(_p("Qua xem xét, đối chiếu, hồ sơ không đủ điều kiện để tiếp nhận, giải quyết "
                        f"với lý do cụ thể như sau: {esc(event.note)}"))
        story.append(_p("Xin thông báo để biết và thực hiện."))
        title = "NGƯỜI TIẾP NHẬN HỒ SƠ"
    elif form == 4:
        previous = details.get("previous_appointment")
        if previous:
            story.append(_p(f"Thời gian hẹn trả kết quả giải quyết hồ sơ: "
                            f"{vn_time(dt.datetime.fromisoformat(previous))}."))
        story.append(_p(f"Tuy nhiên đến nay, {esc(office_name)} chưa trả kết quả giải quyết hồ sơ. "
                        f"Lý do: {esc(event.note)}"))
        if details.get("remedy"):
            story.append(_p(f"Biện pháp khắc phục: {esc(details['remedy'])}"))
        story.append(_p(f"Sự chậm trễ này đã gây phiền hà cho {esc(who)}. {esc(office_name)} xin lỗi "
                        f"{esc(who)} và hẹn trả kết quả vào <b>{vn_time(event.appointment_at)}</b>."))
        story.append(_p("Xin trân trọng cảm ơn!"))
        title = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"
    elif form == 5:
        story.append(_p(f"{esc(office_name)} thông báo dừng giải quyết hồ sơ nêu trên. Lý do: {esc(event.note)}"))
        story.append(_p("Xin thông báo để biết."))
        title = "NGƯỜI THÔNG BÁO"
    story.append(Spacer(1, 10))
    story.append(_sign_right(signature_block(title, signer, authority=authority)))
    return build_pdf(story, title=f"Mẫu số {form:02d} {nfc(dossier.code)}")


def _sign_right(block: list[Flowable]) -> Table:
    table = Table([["", block]], colWidths=[WIDTH / 2, WIDTH / 2])
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _grid_table(rows: list[list], widths: list[float], size: float = 11) -> Table:
    s = styles()
    cell = s["cell"].clone("cell_small", fontSize=size, leading=size + 1.5)
    head = s["cell_center"].clone("head_small", fontSize=size, leading=size + 1.5)
    data = [[Paragraph(f"<b>{esc(h)}</b>", head) for h in rows[0]]]
    data += [[Paragraph(esc(v), cell) for v in row] for row in rows[1:]]
    table = Table(data, colWidths=widths, repeatRows=1)
    every = ((0, 0), (-1, -1))
    table.setStyle(TableStyle([("GRID", *every, 0.5, colors.black), ("VALIGN", *every, "MIDDLE"),
                               ("LEFTPADDING", *every, 2.5), ("RIGHTPADDING", *every, 2.5),
                               ("TOPPADDING", *every, 1.5), ("BOTTOMPADDING", *every, 2.5)]))
    return table


def _timeliness(at: dt.datetime, due: dt.datetime | None) -> str:
    if due is None:
        return ""
    if at > due:
        return "Quá hạn"
    return "Trước hạn" if at.astimezone(VN_TZ).date() < due.astimezone(VN_TZ).date() else "Đúng hạn"


@dataclass(frozen=True)
class HandOver:
    step: str
    giver: str
    receiver: str
    at: dt.datetime
    result: str
    note: str


def hand_overs(events: list[StatusEvent]) -> list[HandOver]:
    """One row per hand-over: each step after the first passes the dossier from the last holder."""
    rows, holder, due = [], None, None
    for event in events:
        if event.action == "delay-report":
            continue
        person = _officer(event)
        if event.appointment_at is not None:
            due = event.appointment_at
        note = event.note
        if event.action == "return" and event.details:
            method = RETURN_METHODS.get(event.details.get("method", ""), "")
            note = "; ".join(x for x in (f"Trả {method}" if method else "",
                                         f"người nhận: {event.details.get('recipient', '')}"
                                         if event.details.get("recipient") else "", note) if x)
        giver = holder or "Người nộp hồ sơ"
        receiver = person
        if event.action == "return":
            giver, receiver = person, (event.details or {}).get("recipient") or "Người nộp hồ sơ"
        elif event.action == "assign":
            giver, receiver = holder or person, (event.details or {}).get("to_name", "")
            person = receiver
        rows.append(HandOver(STEP_NAMES.get(event.action, event.action), giver, receiver, event.at,
                             _timeliness(event.at, due) if event.action in ("settle", "return") else "", note))
        holder = person
    return rows


def control_slip_pdf(dossier: Dossier, office: Office) -> bytes:
    """Form 06: the process control slip."""
    events = history.events_of(dossier)
    state = history.derive(events)
    story = _head(office, dossier.code, events[-1].at if events else dossier.received_at, 6)
    procedure = dossier.version.procedure
    story += [_p(f"Mã hồ sơ: <b>{esc(dossier.code)}</b>", "field"),
              _p(f"Tên thủ tục: {esc(procedure.name)} ({esc(procedure.code)})", "field"),
              _p(f"Người nộp hồ sơ: {esc(_addressee(dossier))}", "field"),
              _p(f"Thời gian nhận hồ sơ: {vn_time(dossier.received_at)}", "field")]
    if state.appointment:
        story.append(_p(f"Thời gian trả kết quả: {vn_time(state.appointment)}", "field"))
    story.append(Spacer(1, 6))
    head = ["STT", "Nội dung", "Bên giao", "Bên nhận", "Thời gian giao, nhận", "Kết quả", "Ghi chú"]
    rows = [head] + [[str(i), h.step, h.giver, h.receiver, h.at.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y"),
                      h.result, h.note] for i, h in enumerate(hand_overs(events), 1)]
    fixed = [9 * mm, 28 * mm, 27 * mm, 27 * mm, 24 * mm, 18 * mm]
    story.append(_grid_table(rows, [*fixed, WIDTH - sum(fixed)], size=10.5))
    return build_pdf(story, title=f"Phiếu kiểm soát {nfc(dossier.code)}")


# --- Form 07: the dossier register ---------------------------------------------------------------

REGISTER_HEAD = ["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Tên tổ chức, cá nhân", "Địa chỉ",
                 "Số điện thoại", "Ngày nhận hồ sơ", "Ngày hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
                 "Nhận kết quả từ cơ quan giải quyết", "Ngày trả kết quả", "Ký nhận", "Ghi chú"]


def _short(value: dt.datetime | None) -> str:
    return value.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y") if value else ""


def register_rows(rows) -> list[list[str]]:
    """Table rows of form 07 from services.registers.register() results."""
    out = []
    for i, r in enumerate(rows, 1):
        note = {"refused": "Từ chối tiếp nhận", "withdrawn": "Rút hồ sơ", "stopped": "Dừng xử lý"}.get(r.end_kind, "")
        if r.late:
            note = ", ".join(x for x in (note, "Quá hạn") if x)
        out.append([str(i), r.code, r.procedure, r.applicant, r.address, r.phone, _short(r.received_at),
                    _short(r.appointment_at), _short(r.started_at), _short(r.settled_at), _short(r.returned_at),
                    "", note])
    return out


def register_pdf(office: Office, start: dt.date, end: dt.date, rows) -> bytes:
    """Form 07 on A4 landscape."""
    buffer = io.BytesIO()
    page = landscape(A4)
    margins = {"topMargin": 20 * mm, "bottomMargin": 15 * mm, "leftMargin": 20 * mm, "rightMargin": 15 * mm}
    doc = BaseDocTemplate(buffer, pagesize=page, title=f"Sổ theo dõi hồ sơ {start:%d/%m/%Y}-{end:%d/%m/%Y}",
                          author="Một Cửa Số", initialFontName=FONT, **margins)
    width = page[0] - margins["leftMargin"] - margins["rightMargin"]
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="a4l", frames=[frame], onPage=page_banner)])
    story = [_p("<b>Mẫu số 07</b>", "field"), _p(f"{esc(nfc(office.parent_body).upper())}", "head"),
             _p(f"<b>{esc(nfc(office.name).upper())}</b>", "head"), Spacer(1, 6), _p(TITLES[7], "title"),
             _p(f"Từ {vn_date(start)} đến {vn_date(end)}", "center"), Spacer(1, 6)]
    fixed = [8, 40, 30, 25, 25, 19, 17, 17, 17, 17, 17, 12]
    widths = [w * mm for w in fixed]
    widths.append(width - sum(widths))
    story.append(_grid_table([REGISTER_HEAD, *register_rows(rows)], widths, size=8.5))
    doc.build(story)
    return buffer.getvalue()


def register_xlsx(office: Office, start: dt.date, end: dt.date, rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Mẫu 07"
    sheet.append([f"{TITLES[7]} - {nfc(office.name)}"])
    sheet.append([f"Từ {vn_date(start)} đến {vn_date(end)}"])
    sheet.append(REGISTER_HEAD)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in register_rows(rows):
        sheet.append([int(row[0]), *row[1:]])
    for column, width in zip("ABCDEFGHIJKLM", (6, 28, 40, 26, 34, 14, 17, 17, 17, 17, 17, 12, 20), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
