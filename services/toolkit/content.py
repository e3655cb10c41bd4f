"""The communication templates: their sizes, QR codes, default wording and the office's own wording."""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A3, A4, A5
from reportlab.lib.units import mm

from models import TemplateText, now
from services import audit
from services.database import write_transaction
from services.text import N_, nfc

PORTAL = "https://dichvucong.gov.vn"
STANDEE = (800 * mm, 2000 * mm)  # the usual roll-up standee, 80 x 200 cm

FIELDS = ("title", "intro", "items", "note")
LIMITS = {"title": 120, "intro": 400, "items": 200, "note": 300}  # characters (items: per line)
MAX_ITEMS = 7


@dataclass(frozen=True)
class Template:
    slug: str
    name: str  # msgid
    size_name: str
    page: tuple[float, float]
    qrs: tuple[str, ...]  # "lookup" (this office's public lookup) and/or "portal"
    numbered: bool  # steps (1, 2, 3) or bullet points
    emphasis: float = 1.0  # larger type for a few words read from afar (the poster)


TEMPLATES = {t.slug: t for t in (
    Template("leaflet", N_("Leaflet"), "A4", A4, ("portal", "lookup"), False),
    Template("poster", N_("Poster"), "A3", A3, ("portal", "lookup"), False, 1.4),
    Template("standee", N_("Counter standee"), "80 × 200 cm", STANDEE, ("portal", "lookup"), False),
    Template("guide-online", N_("Guide: submitting online"), "A5", A5, ("portal",), True),
    Template("guide-payment", N_("Guide: paying online"), "A5", A5, ("portal",), True),
    Template("guide-lookup", N_("Guide: looking up a result"), "A5", A5, ("lookup",), True),
    Template("guide-rating", N_("Guide: rating the service"), "A5", A5, ("lookup",), True),
)}

QR_CAPTIONS = {"portal": "Nộp hồ sơ, thanh toán trực tuyến", "lookup": "Tra cứu hồ sơ của bạn"}

DEFAULTS: dict[str, dict[str, str]] = {
    "leaflet": {
        "title": "Làm thủ tục hành chính nhanh hơn, ít phải đi lại",
        "intro": "Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ và trả kết quả cho người dân, doanh "
                 "nghiệp. Nhiều thủ tục nay đã làm được ngay trên điện thoại, tại nhà.",
        "items": "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia: không xếp hàng, nộp lúc nào cũng được.\n"
                 "Thanh toán phí, lệ phí trực tuyến qua ngân hàng hoặc ví điện tử, có biên lai điện tử.\n"
                 "Tra cứu hồ sơ bằng mã trên giấy tiếp nhận, hoặc quét mã QR in trên giấy.\n"
                 "Nhận kết quả tại Trung tâm, qua bưu điện, hoặc bản điện tử có chữ ký số.\n"
                 "Sau khi nhận kết quả, đánh giá sự phục vụ để chúng tôi làm tốt hơn.",
        "note": "Lần đầu làm trực tuyến? Cán bộ tại quầy sẽ hướng dẫn bạn từng bước. Mọi khoản phí đều "
                "có biên lai.",
    },
    "poster": {
        "title": "Nộp hồ sơ trực tuyến: tiết kiệm thời gian, không phải đi lại",
        "intro": "Quét mã QR bằng điện thoại để bắt đầu.",
        "items": "Nộp hồ sơ mọi lúc, mọi nơi\nThanh toán phí, lệ phí trực tuyến\n"
                 "Theo dõi hồ sơ đến khi có kết quả",
        "note": "Cần giúp đỡ? Gọi đường dây nóng hoặc hỏi cán bộ tại quầy.",
    },
    "standee": {
        "title": "Chào mừng bạn đến Trung tâm Phục vụ hành chính công",
        "intro": "Chúng tôi luôn sẵn sàng hỗ trợ bạn.",
        "items": "Chuẩn bị căn cước và giấy tờ theo hướng dẫn của thủ tục\n"
                 "Đến quầy, cán bộ kiểm tra và nhận hồ sơ\n"
                 "Giữ giấy tiếp nhận để tra cứu và nhận kết quả\n"
                 "Lần sau: nộp hồ sơ trực tuyến, không phải đến",
        "note": "Sau khi nhận kết quả, vui lòng đánh giá sự phục vụ của chúng tôi.",
    },
    "guide-online": {
        "title": "Hướng dẫn nộp hồ sơ trực tuyến",
        "intro": "Bạn có thể nộp hồ sơ tại nhà bằng điện thoại hoặc máy tính có mạng.",
        "items": "Quét mã QR bên dưới hoặc vào trang dichvucong.gov.vn.\n"
                 "Đăng nhập bằng tài khoản định danh điện tử VNeID.\n"
                 "Tìm tên thủ tục cần làm và chọn nơi nộp là xã, phường của bạn.\n"
                 "Điền thông tin, chụp hoặc tải lên giấy tờ theo yêu cầu.\n"
                 "Kiểm tra lại, bấm Nộp hồ sơ và ghi lại mã hồ sơ được cấp.",
        "note": "Chụp giấy tờ rõ nét, đủ bốn góc. Chưa có tài khoản VNeID: mang căn cước đến công an "
                "xã, phường để được kích hoạt.",
    },
    "guide-payment": {
        "title": "Hướng dẫn thanh toán phí, lệ phí trực tuyến",
        "intro": "Khi hồ sơ có phí, lệ phí, bạn trả ngay trên Cổng Dịch vụ công, không cần mang tiền mặt.",
        "items": "Đăng nhập Cổng Dịch vụ công, mở mục Quản lý hồ sơ.\n"
                 "Chọn hồ sơ cần thanh toán, bấm Thanh toán.\n"
                 "Chọn ngân hàng hoặc ví điện tử bạn đang dùng.\n"
                 "Xác nhận bằng mã OTP gửi về điện thoại.\n"
                 "Lưu biên lai điện tử; hồ sơ được xử lý tiếp.",
        "note": "Chỉ thanh toán trên Cổng Dịch vụ công hoặc tại quầy. Cán bộ không bao giờ đề nghị "
                "chuyển tiền vào tài khoản cá nhân.",
    },
    "guide-lookup": {
        "title": "Hướng dẫn tra cứu kết quả hồ sơ",
        "intro": "Bạn xem được hồ sơ đang ở bước nào mà không phải đến hỏi.",
        "items": "Tìm mã hồ sơ trên giấy tiếp nhận và hẹn trả kết quả.\n"
                 "Quét mã QR trên giấy đó, hoặc quét mã QR bên dưới.\n"
                 "Nhập mã hồ sơ rồi bấm Tra cứu.\n"
                 "Xem tình trạng hồ sơ và ngày hẹn trả kết quả.\n"
                 "Khi có kết quả, mang giấy tiếp nhận và căn cước đến nhận.",
        "note": "Không cần đăng nhập. Trang tra cứu chỉ hiện tên đã che bớt để giữ kín thông tin của bạn.",
    },
    "guide-rating": {
        "title": "Hướng dẫn đánh giá sự hài lòng",
        "intro": "Ý kiến của bạn giúp Trung tâm phục vụ tốt hơn. Chỉ mất một phút.",
        "items": "Sau khi nhận kết quả, quét mã QR trên giấy tiếp nhận của bạn.\n"
                 "Chọn một mức: Hài lòng, Bình thường hoặc Không hài lòng.\n"
                 "Ghi thêm góp ý nếu muốn, rồi bấm Gửi.\n"
                 "Có vướng mắc: gửi phản ánh, kiến nghị ngay trên trang đó.",
        "note": "Mỗi hồ sơ được đánh giá một lần. Lãnh đạo xem các ý kiến hằng tháng.",
    },
}

TOO_LONG = N_("At most %(max)s characters.")
ITEM_TOO_LONG = N_("Line %(line)s is longer than %(max)s characters.")
TOO_MANY = N_("At most %(max)s lines: the page has no room for more.")
REQUIRED = N_("This field is required.")


@dataclass(frozen=True)
class Texts:
    title: str
    intro: str
    items: tuple[str, ...]
    note: str


def overrides(slug: str | None = None) -> dict[str, dict[str, str]]:
    """slug -> {field: the office's text} for the fields it changed (one query)."""
    query = TemplateText.select()
    if slug is not None:
        query = query.where(TemplateText.slug == slug)
    out: dict[str, dict[str, str]] = {}
    for row in query:
        if row.slug in DEFAULTS and row.field in FIELDS:
            out.setdefault(row.slug, {})[row.field] = row.text
    return out


def texts(slug: str, changed: dict[str, str] | None = None) -> dict[str, str]:
    """The office's wording of a template, field by field (the default where it kept it)."""
    if changed is None:
        changed = overrides(slug).get(slug, {})
    return {**DEFAULTS[slug], **changed}


def as_texts(fields: dict[str, str]) -> Texts:
    items = tuple(line.strip() for line in fields["items"].splitlines() if line.strip())
    return Texts(fields["title"], fields["intro"], items, fields["note"])


def validate(slug: str, form) -> tuple[dict[str, str], dict[str, tuple[str, dict]]]:
    """(fields, errors): errors map field -> (message id, params)."""
    data = {f: nfc(str(form.get(f) or "").replace("\x00", "")).replace("\r\n", "\n") for f in FIELDS}
    errors: dict[str, tuple[str, dict]] = {}
    if not data["title"]:
        errors["title"] = (REQUIRED, {})
    for field in ("title", "intro", "note"):
        if len(data[field]) > LIMITS[field]:
            errors[field] = (TOO_LONG, {"max": LIMITS[field]})
    lines = [line.strip() for line in data["items"].split("\n") if line.strip()]
    data["items"] = "\n".join(lines)
    if not lines:
        errors["items"] = (REQUIRED, {})
    elif len(lines) > MAX_ITEMS:
        errors["items"] = (TOO_MANY, {"max": MAX_ITEMS})
    else:
        for number, line in enumerate(lines, 1):
            if len(line) > LIMITS["items"]:
                errors["items"] = (ITEM_TOO_LONG, {"line": number, "max": LIMITS["items"]})
                break
    return data, errors


def save(slug: str, data: dict[str, str], actor: str) -> None:
    """Keep the fields that differ from the default; a field back at its default drops its row."""
    with write_transaction():
        before = texts(slug)
        for field in FIELDS:
            row = TemplateText.get_or_none((TemplateText.slug == slug) & (TemplateText.field == field))
            if data[field] == DEFAULTS[slug][field]:
                if row is not None:
                    row.delete_instance()
            elif row is None:
                TemplateText.create(slug=slug, field=field, text=data[field], updated_by=actor)
            elif row.text != data[field]:
                row.text, row.updated_at, row.updated_by = data[field], now(), actor
                row.save()
        changed = {f: data[f] for f in FIELDS if before[f] != data[f]}
        if changed:
            audit.record(actor, "template.text", "template", slug, {f: before[f] for f in changed}, changed)


def reset(slug: str, actor: str) -> None:
    """Back to the default wording."""
    save(slug, dict(DEFAULTS[slug]), actor)
