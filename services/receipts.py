"""Form 01, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", from a saved dossier (DOMAIN §3, §5).

The wording is the legal form's, in Vietnamese whatever the officer's language: nothing here goes
through the translation catalog, so nothing can come out untranslated.
"""
from __future__ import annotations

import datetime as dt
import re
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from models import Dossier, Office
from services.calendar import VN_TZ
from services.documents import (
    WIDTH,
    _grid,
    build_pdf,
    decree30_header,
    esc,
    form_number,
    qr_drawing,
    signature_block,
    styles,
    vn_date,
    vnd,
)
from services.intake import applicant_kind
from services.text import nfc

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
COPIES = ("(Liên: Lưu)", "(Liên: Giao người nộp hồ sơ)")
ID_LABELS = {
    "personal": "Số định danh cá nhân", "passport_vn": "Số hộ chiếu", "passport": "Số hộ chiếu",
    "business": "Mã số doanh nghiệp/Mã số thuế", "household": "Mã số thuế", "organisation": "Mã số tổ chức",
}
NAME_LABELS = {"citizen": "Ông/Bà", "foreigner": "Ông/Bà", "household": "Tên hộ kinh doanh"}
ORGANISATION_NAME = "Tên tổ chức/doanh nghiệp"
RULE_15 = ("Trong ngày làm việc (tiếp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo)")


class NotPrintable(Exception):
    """An online dossier not yet accepted has no appointment, so no receipt."""


def printable(dossier: Dossier) -> bool:
    return dossier.status != 1 and dossier.appointment_at is not None


def vn_datetime(value: dt.datetime) -> str:
    """'09 giờ 05 phút, ngày 25 tháng 11 năm 2026', in Vietnam time."""
    t = value.astimezone(VN_TZ)
    return f"{t:%H} giờ {t:%M} phút, {vn_date(t)}"


def time_limit(kind: str, value: int) -> str:
    if kind == "hours":
        return f"{value} giờ làm việc"
    if kind == "working_days":
        return f"{value} ngày làm việc"
    return RULE_15


def delivery(dossier: Dossier, office: Office) -> str:
    if dossier.delivery_method == "post":
        return f"Qua dịch vụ bưu chính công ích, địa chỉ: {nfc(dossier.delivery_address)}"
    if dossier.delivery_method == "online":
        return "Trực tuyến, trên Cổng Dịch vụ công"
    return nfc(office.name)


def fees_text(lines: list) -> list[str]:
    """'Không thu' when nothing is charged; otherwise each amount and whether it is paid.
    An amount not known yet says so: it is never printed as 0."""
    charged = [f for f in lines if f.amount is None or f.amount > 0]
    if not charged:
        return ["Không thu"]

    def one(f) -> str:
        if f.amount is None:
            return f"{nfc(f.name)}: chưa có mức thu"
        return f"{nfc(f.name)}: {vnd(f.amount)} ({'đã nộp' if f.paid_at else 'chưa nộp'})"
    return [one(f) for f in charged]


def applicant_lines(dossier: Dossier) -> list[tuple[str, str]]:
    """The applicant as the law names them: a citizen or a foreigner, or an organisation with the
    person who submitted for it and that person's own id."""
    kind = applicant_kind(dossier.applicant_type, dossier.id_kind)
    lines = [(NAME_LABELS.get(kind, ORGANISATION_NAME), dossier.applicant_name),
             (ID_LABELS.get(dossier.id_kind, "Số giấy tờ"), dossier.id_number)]
    if dossier.applicant_type != 1:
        lines.append(("Người nộp hồ sơ: Ông/Bà", dossier.representative_name))
        lines.append((ID_LABELS.get(dossier.representative_id_kind, "Số giấy tờ"),
                      dossier.representative_id_number))
    return lines


def _components_table(components: list) -> Table:
    s = styles()
    with_pages = any(c.pages for c in components)
    head = ["STT", "Tên giấy tờ", "Bản chính", "Bản sao"] + (["Số trang"] if with_pages else []) + ["Đã số hóa"]
    rows = [[Paragraph(f"<b>{h}</b>", s["cell_center"]) for h in head]]
    for i, c in enumerate(components, 1):
        cells = [str(i), esc(c.name), str(c.originals), str(c.copies)] + ([str(c.pages)] if with_pages else []) \
            + ["Có" if c.file_id else "Chưa"]
        rows.append([Paragraph(v, s["cell" if n == 1 else "cell_center"]) for n, v in enumerate(cells)])
    fixed = [11 * mm, 17 * mm, 15 * mm] + ([15 * mm] if with_pages else []) + [20 * mm]
    table = Table(rows, colWidths=[fixed[0], WIDTH - sum(fixed), *fixed[1:]], repeatRows=1)
    every = ((0, 0), (-1, -1))
    table.setStyle(TableStyle([("FONT", *every, s["cell"].fontName, 12), ("VALIGN", *every, "MIDDLE"),
                               ("GRID", *every, 0.5, "black"), ("LEFTPADDING", *every, 3),
                               ("RIGHTPADDING", *every, 3), ("TOPPADDING", *every, 1),
                               ("BOTTOMPADDING", *every, 2.5)]))
    return table


def url_lines(url: str, width: float, font: str, size: float) -> list[str]:
    """The address in lines of at most ``width`` points, broken only after a "/" so that the dossier
    code (a path segment) is never broken; a segment wider than a line stands alone."""
    lines: list[str] = []
    for part in re.findall(r"[^/]*/|[^/]+$", url):
        if lines and pdfmetrics.stringWidth(lines[-1] + part, font, size) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    return lines


def _qr_block(url: str, width: float) -> list[Flowable]:
    """The QR code, a caption of at least 8 pt, and the address, never broken inside a path segment."""
    s = styles()
    style = s["url_code"]
    lines = url_lines(url, width - 4 * mm, style.fontName, style.fontSize)
    return [qr_drawing(url), Paragraph("Quét mã để tra cứu tình trạng hồ sơ", s["small"])] + \
        [Paragraph(esc(line), style) for line in lines]


def _copy(dossier: Dossier, office: Office, lookup_url: str, copy_label: str | None) -> list[Flowable]:
    s = styles()

    def line(label: str, value: object = "", bold: bool = False) -> Paragraph:
        text = f"<b>{esc(value)}</b>" if bold else esc(value)
        return Paragraph(f"{escape(label)}{text}", s["field"])  # escape keeps the label's last space

    procedure = dossier.version.procedure
    components = list(dossier.components.order_by(dossier.components.model.position))
    story: list[Flowable] = [form_number("Mẫu số 01")]
    story += decree30_header(office.parent_body, office.name, "", office.place, dossier.received_at)
    story += [Paragraph(TITLE, s["title"]),
              Paragraph(f"Mã hồ sơ: <b>{esc(dossier.code)}</b>", s["center"])]
    if copy_label:
        story.append(Paragraph(f"<i>{esc(copy_label)}</i>", s["center"]))
    story += [Spacer(1, 4), line(f"{nfc(office.name)} tiếp nhận hồ sơ của:")]
    for label, value in applicant_lines(dossier):
        story.append(line(f"{label}: ", value, bold=label in ("Ông/Bà", ORGANISATION_NAME, "Tên hộ kinh doanh")))
    story += [line("Địa chỉ: ", dossier.address),
              Paragraph(f"Số điện thoại: {esc(dossier.phone)}&nbsp;&nbsp;&nbsp;&nbsp;Email: {esc(dossier.email)}",
                        s["field"]),
              line("Nội dung yêu cầu giải quyết: ", f"{nfc(procedure.name)} (mã thủ tục {procedure.code})")]
    if nfc(dossier.request_subject):
        story.append(line("Yêu cầu giải quyết cho: ", dossier.request_subject))
    story += [line("1. Thành phần hồ sơ nộp gồm:"), Spacer(1, 2), _components_table(components), Spacer(1, 2)]
    details = [line("Lý do chưa số hóa: ", dossier.missing_scan_reason)] if nfc(dossier.missing_scan_reason) else []
    version = dossier.version
    fee_lines = fees_text(list(dossier.fee_lines))
    details += [line("2. Số lượng hồ sơ: ", "01 bộ"),
                line("3. Thời gian giải quyết hồ sơ theo quy định: ",
                     time_limit(version.time_limit_kind, version.time_limit_value)),
                line("4. Thời gian nhận hồ sơ: ", vn_datetime(dossier.received_at)),
                line("5. Thời gian trả kết quả giải quyết hồ sơ: ", vn_datetime(dossier.appointment_at), bold=True),
                line("6. Đăng ký nhận kết quả tại: ", delivery(dossier, office))]
    if len(fee_lines) == 1:
        details.append(line("Phí, lệ phí: ", fee_lines[0]))
    else:
        details += [line("Phí, lệ phí:")] + [line("- ", text) for text in fee_lines]
    book = dossier.register_book or "......"
    number = dossier.register_number or "......"
    details.append(line(f"Vào Sổ theo dõi hồ sơ, Quyển số: {book}    Số thứ tự: {number}"))
    qr_w = 48 * mm
    block = _grid([[details, _qr_block(lookup_url, qr_w)]], [WIDTH - qr_w, qr_w])
    block.setStyle(TableStyle([("LEFTPADDING", (1, 0), (1, 0), 4 * mm)]))
    applicant = dossier.representative_name if dossier.applicant_type != 1 else dossier.applicant_name
    officer = dossier.received_by.full_name if dossier.received_by else ""
    signatures = _grid([[signature_block("NGƯỜI NỘP HỒ SƠ", applicant),
                         signature_block("NGƯỜI TIẾP NHẬN HỒ SƠ", officer)]], [WIDTH / 2] * 2)
    return story + [block, Spacer(1, 6), signatures]


def receipt_for(dossier: Dossier, office: Office, lookup_url: str) -> bytes:
    """Form 01 of a saved dossier: one copy, or two ("Liên: Lưu" and "Liên: Giao người nộp hồ sơ",
    one per page) when the office's setting asks for it. Raises NotPrintable for an online dossier
    that has not been accepted yet (it has no appointment)."""
    if not printable(dossier):
        raise NotPrintable(dossier.code)
    if not office.receipt_two_copies:
        story = _copy(dossier, office, lookup_url, None)
    else:
        story = _copy(dossier, office, lookup_url, COPIES[0]) + [PageBreak()] \
            + _copy(dossier, office, lookup_url, COPIES[1])
    return build_pdf(story, title=f"Giấy tiếp nhận hồ sơ {nfc(dossier.code)}")

