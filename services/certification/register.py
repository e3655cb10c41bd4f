"""The certification registers (sổ chứng thực): one per type code, printed each month and merged into
one register per type at the end of the year (DOMAIN §8)."""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from models import Certification, Dossier, Office
from services.calendar import VN_TZ
from services.documents import FONT, _fonts, esc, signature_block, styles, vn_date
from services.text import N_, nfc, thousands

from . import numbering

# The registers by their key in addresses: type code, title, what the "document" column holds.
REGISTERS = {
    "copy": (numbering.COPY, "SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH", "Tên bản chính giấy tờ, văn bản"),
    "ecopy": (numbering.ELECTRONIC_COPY, "SỔ CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH",
              "Tên bản chính giấy tờ, văn bản"),
    "signature": (numbering.SIGNATURE, "SỔ CHỨNG THỰC CHỮ KÝ, ĐIỂM CHỈ",
                  "Tên giấy tờ, văn bản được chứng thực chữ ký"),
    "contract": (numbering.CONTRACT, "SỔ CHỨNG THỰC HỢP ĐỒNG, GIAO DỊCH", "Tên hợp đồng, giao dịch"),
}
REGISTER_NAMES = {
    "copy": N_("Copies certified from originals (SCT/BS)"),
    "ecopy": N_("Electronic copies certified from originals (SCTĐT/BS)"),
    "signature": N_("Signatures (SCT/CK,ĐC)"),
    "contract": N_("Contracts and transactions (SCT/HĐ,GD)"),
}


@dataclass(frozen=True)
class Period:
    year: int
    month: int | None = None  # None: the whole year (the year-end register)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, self.month or 1, 1, tzinfo=VN_TZ)

    @property
    def end(self) -> dt.datetime:
        """The first moment after the period."""
        if self.month in (None, 12):
            return dt.datetime(self.year + 1, 1, 1, tzinfo=VN_TZ)
        return dt.datetime(self.year, self.month + 1, 1, tzinfo=VN_TZ)

    @property
    def label(self) -> str:
        return f"Tháng {self.month:02d} năm {self.year}" if self.month else f"Năm {self.year}"


def parse_period(month: str | None, year: str | None) -> Period | None:
    """'2026-11' (a month) or '2026' (a year); None when neither is a real one."""
    try:
        if month:
            y, m = (int(part) for part in month.split("-"))
            return Period(y, m) if 2000 <= y <= 2099 and 1 <= m <= 12 else None
        if year:
            y = int(year)
            return Period(y) if 2000 <= y <= 2099 else None
    except ValueError:
        return None
    return None


def entries(agency_id: str, register: str, period: Period):
    """The register's entries of the period with their dossier's code, in number order (one query)."""
    query = (Certification.select(Certification, Dossier.id, Dossier.code).join(Dossier)
             .where((Certification.series == REGISTERS[register][0]) & (Certification.agency_id == agency_id)
                    & (Certification.certified_at >= period.start) & (Certification.certified_at < period.end)))
    return query.order_by(Certification.year, Certification.number)


def _note(entry: Certification) -> str:
    notes = []
    if entry.electronic:
        notes.append("Bản sao điện tử" if entry.series != numbering.COPY else "Kèm bản sao điện tử")
    return "; ".join(notes)


def _fee(entry: Certification, paid_under: dict[int, int]) -> str:
    """The fee column: the amount, or under which number the dossier's fee was written."""
    if entry.fee is None:
        return "Chưa xác định"
    if entry.fee:
        return thousands(entry.fee)
    if entry.electronic and entry.series != numbering.COPY:
        return "Thu cùng bản sao giấy"
    if entry.dossier_id in paid_under:
        return f"Đã thu ở số {paid_under[entry.dossier_id]:02d}"
    return "Không thu"


def rows(register: str, items) -> list[list[str]]:
    out = []
    paid_under: dict[int, int] = {}
    for e in items:
        if e.fee:
            paid_under.setdefault(e.dossier_id, e.number)
        day = e.certified_at.astimezone(VN_TZ).strftime("%d/%m/%Y")
        signer = f"{e.signer_name}, {e.signer_title}" if e.signer_title else e.signer_name
        row = [f"{e.number:02d}", day, e.requester, e.document]
        if register in ("copy", "ecopy"):
            row += [str(e.pages), str(e.copies) if register == "copy" else "1"]
        out.append(row + [signer, _fee(e, paid_under), _note(e)])
    return out


def _head(register: str) -> list[str]:
    head = ["Số chứng thực", "Ngày chứng thực", "Họ tên người yêu cầu chứng thực", REGISTERS[register][2]]
    if register in ("copy", "ecopy"):
        head += ["Số trang", "Số bản sao"]
    return head + ["Họ tên, chức danh người ký chứng thực", "Phí chứng thực (đồng)", "Ghi chú"]


def _widths(register: str, width: float) -> list[float]:
    fixed = [18, 22, 45] + ([14, 16] if register in ("copy", "ecopy") else []) + [45, 25, 30]
    document = width - sum(fixed) * mm
    widths = [w * mm for w in fixed]
    widths.insert(3, document)
    return widths


PADDING = 2.5, 1.5, 2.5  # points: left and right, top, bottom of each cell
SIZE, LEADING = 10, 11.5
KEEP_WITH_CLOSING = 3  # entries carried to the closing's page when it would be alone
BOLD = f"{FONT}-Bold"


def _grid(body: list[list[str]], spans: list[int], widths: list[float]) -> Table:
    table = Table(body, colWidths=widths, repeatRows=1)
    every = ((0, 0), (-1, -1))
    side, top, bottom = PADDING
    table.setStyle(TableStyle([("FONT", *every, FONT, SIZE, LEADING), ("FONT", (0, 0), (-1, 0), BOLD, SIZE, LEADING),
                               ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                               ("GRID", *every, 0.5, colors.black), ("VALIGN", *every, "MIDDLE"),
                               ("LEFTPADDING", *every, side), ("RIGHTPADDING", *every, side),
                               ("TOPPADDING", *every, top), ("BOTTOMPADDING", *every, bottom),
                               *(("SPAN", (0, i), (-1, i)) for i in spans),
                               *(("FONT", (0, i), (-1, i), BOLD, SIZE, LEADING) for i in spans)]))
    return table


def _lines(text: str, font: str, width: float) -> list[str]:
    return simpleSplit(nfc(text), font, SIZE, width - 2 * PADDING[0]) or [""]


def _tables(register: str, items: list[Certification], widths: list[float], first_room: float,
            room: float, tail: float) -> list:
    """The entries as one grid per page (a row names each volume where it begins). Cells are plain
    text wrapped here and rows laid out page by page: one long table of paragraphs split by reportlab
    takes minutes for a year's register."""
    _fonts()
    side, top, bottom = PADDING
    series = REGISTERS[register][0]

    def row_of(values: list[str], font: str) -> tuple[list[str], float]:
        wrapped = [_lines(v, font, w) for v, w in zip(values, widths, strict=True)]
        return ["\n".join(lines) for lines in wrapped], max(len(lines) for lines in wrapped) * LEADING + top + bottom

    header, header_height = row_of(_head(register), BOLD)
    lines: list[tuple[list[str], float, bool]] = []
    volume = None
    for entry, values in zip(items, rows(register, items), strict=True):
        if entry.volume != volume:
            volume = entry.volume
            label = f"Quyển số: {volume:02d}/{entry.year}-{series}"
            lines.append(([label] + [""] * (len(values) - 1), LEADING + top + bottom, True))
        lines.append((*row_of(values, FONT), False))
    pages: list[list[tuple[list[str], bool]]] = [[]]
    free = first_room - header_height
    for cells, needed, span in lines:
        if needed > free and pages[-1]:
            label = [pages[-1].pop()] if pages[-1][-1][1] and len(pages[-1]) > 1 else []  # with its entries
            pages.append(label)
            free = room - header_height - (LEADING + top + bottom) * len(label)
        pages[-1].append((cells, span))
        free -= needed
    if free < tail and len(pages[-1]) > KEEP_WITH_CLOSING:  # the closing never stands alone on a page
        pages[-1], moved = pages[-1][:-KEEP_WITH_CLOSING], pages[-1][-KEEP_WITH_CLOSING:]
        pages.append(moved)
    out: list = []
    for page in pages:
        body = [header] + [cells for cells, _span in page]
        out += [_grid(body, [i + 1 for i, (_c, span) in enumerate(page) if span], widths), PageBreak()]
    return out[:-1]


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 9)
    canvas.drawRightString(doc.pagesize[0] - 15 * mm, 10 * mm, f"Trang {doc.page}")
    canvas.restoreState()


def register_pdf(office: Office, register: str, period: Period, items: list[Certification],
                 today: dt.date) -> bytes:
    """The month's print of a register (A4 landscape), or with a whole-year period the year-end
    register: every volume of the year in number order, closed with a count and the signature."""
    _fonts()
    s = styles()
    series, title, _document = REGISTERS[register]
    buffer = io.BytesIO()
    page = landscape(A4)
    margins = {"topMargin": 15 * mm, "bottomMargin": 15 * mm, "leftMargin": 20 * mm, "rightMargin": 15 * mm}
    doc = BaseDocTemplate(buffer, pagesize=page, title=f"{title} - {period.label}", author="Một Cửa Số",
                          initialFontName=FONT, **margins)
    width = page[0] - margins["leftMargin"] - margins["rightMargin"]
    doc.addPageTemplates([PageTemplate(id="a4l", frames=[Frame(doc.leftMargin, doc.bottomMargin, doc.width,
                                                                doc.height, 0, 0, 0, 0)],
                                       onPage=_page_number)])
    story = [Paragraph(esc(nfc(office.parent_body).upper()), s["head"]),
             Paragraph(f"<b>{esc(nfc(office.name).upper())}</b>", s["head"]), Spacer(1, 6),
             Paragraph(f"<b>{title}</b>", s["title"]),
             Paragraph(f"{'Sổ tổng hợp cuối năm' if period.month is None else 'Bản in tháng'}: {period.label}",
                       s["center"])]
    volumes = sorted({e.volume for e in items})
    if volumes:
        story.append(Paragraph("Quyển số: " + ", ".join(f"{v:02d}/{period.year}-{series}" for v in volumes),
                               s["center"]))
    story.append(Spacer(1, 6))
    dated = f"{esc(office.place)}, {vn_date(today)}" if nfc(office.place) else vn_date(today).capitalize()
    sign = [Paragraph(f"<i>{dated}</i>", s["center"]),
            *signature_block("NGƯỜI THỰC HIỆN CHỨNG THỰC", "", note="(Ký, ghi rõ họ tên, đóng dấu)")]
    block = Table([["", sign]], colWidths=[width / 2, width / 2])
    block.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    closing = [Spacer(1, 8), _closing(period, items, today), block]
    tail = sum(f.wrap(width, doc.height)[1] for f in closing) + 4
    if items:
        used = sum(f.wrap(width, doc.height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in story)
        story += _tables(register, items, _widths(register, width), doc.height - used - 4, doc.height - 4,
                         tail)
    else:
        story.append(Paragraph("Không có việc chứng thực nào trong kỳ này.", s["center"]))
    story.append(KeepTogether(closing))  # the count and the signature stay together
    doc.build(story)
    return buffer.getvalue()


def _closing(period: Period, items: list[Certification], today: dt.date) -> Paragraph:
    s = styles()
    if not items:
        return Paragraph("", s["field"])
    first, last = items[0].number, items[-1].number
    count = len(items)
    if period.month is None:
        upto = "" if today >= period.end.date() else f" (tính đến {vn_date(today)})"
        text = (f"Khóa sổ năm {period.year}{upto}: sổ có {count} việc chứng thực, "
                f"từ số {first:02d} đến số {last:02d}.")
    else:
        text = f"{period.label}: {count} việc chứng thực, từ số {first:02d} đến số {last:02d}."
    return Paragraph(esc(text), s["field"])
