"""The starter set: one-page guides the app generates itself, so a new office's library is not empty."""
from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4

from models import Material
from services import storage
from services.toolkit import content, materials
from services.toolkit.content import Template
from services.toolkit.render import OfficeInfo, render_pdf

GENERIC = OfficeInfo(name="Trung tâm Phục vụ hành chính công", parent_body="Tài liệu hướng dẫn",
                     address="", hotline="", hours="", lookup_url=content.PORTAL, portal_url=content.PORTAL)

STAFF_GUIDES = {
    "counter": ("using_system", {
        "title": "Tiếp nhận hồ sơ tại quầy trên Một Cửa Số",
        "intro": "Năm bước cho mỗi hồ sơ, từ lúc người dân đến quầy đến khi nhận giấy hẹn trả kết quả.",
        "items": "Bấm Tiếp nhận hồ sơ, gõ mã hoặc tên thủ tục rồi chọn thủ tục.\n"
                 "Nhập thông tin người nộp: họ tên, số giấy tờ tùy thân, số điện thoại, địa chỉ.\n"
                 "Quét từng giấy tờ và gắn vào đúng thành phần hồ sơ.\n"
                 "Thu phí, lệ phí nếu có: số tiền được tính sẵn theo biểu phí của thủ tục.\n"
                 "Bấm Lưu, in giấy tiếp nhận và hẹn trả kết quả, giao cho người nộp.",
        "note": "Giấy tiếp nhận có mã QR để người dân tra cứu và đánh giá. Bấm Lưu hai lần không tạo "
                "ra hai hồ sơ.",
    }),
    "scanning": ("digitisation", {
        "title": "Số hóa hồ sơ khi tiếp nhận",
        "intro": "Mỗi giấy tờ nhận tại quầy được quét thành tệp và lưu cùng hồ sơ.",
        "items": "Đặt giấy tờ thẳng, quét ở 200–300 dpi, màu hoặc xám.\n"
                 "Kiểm tra bản quét đủ trang, rõ chữ, không mất góc.\n"
                 "Lưu thành PDF (nhiều trang) hoặc ảnh JPEG, PNG, không quá dung lượng cho phép.\n"
                 "Gắn tệp vào đúng thành phần hồ sơ trên màn hình tiếp nhận.\n"
                 "Giấy tờ không quét được: ghi rõ lý do vào ô lý do.",
        "note": "Bản quét tốt giúp chuyên viên xử lý nhanh và người dân không phải nộp lại giấy tờ.",
    }),
}
CITIZEN_GUIDES = {"guide-online": "online_submission", "guide-payment": "online_payment",
                  "guide-lookup": "e_results", "guide-rating": "service_index"}
FILE_NAMES = {"guide-online": "huong-dan-nop-ho-so-truc-tuyen.pdf",
              "guide-payment": "huong-dan-thanh-toan-truc-tuyen.pdf",
              "guide-lookup": "huong-dan-tra-cuu-ho-so.pdf", "guide-rating": "huong-dan-danh-gia.pdf",
              "counter": "tiep-nhan-ho-so-tai-quay.pdf", "scanning": "so-hoa-ho-so.pdf"}


def _guides():
    """(key, topic, audience, template, texts) for every starter guide."""
    for slug, topic in CITIZEN_GUIDES.items():
        yield slug, topic, "citizens", content.TEMPLATES[slug], content.DEFAULTS[slug]
    for key, (topic, texts) in STAFF_GUIDES.items():
        yield key, topic, "staff", Template(key, "", "A4", A4, (), True), texts


def seed(data_dir: str | Path, actor: str = "system") -> int:
    """Add the starter guides not in the library yet (by their key); returns how many were added."""
    have = {m.starter for m in Material.select(Material.starter).where(Material.starter != "")}
    added = 0
    for key, topic, audience, template, texts in _guides():
        if key in have:
            continue
        fields = content.as_texts(texts)
        pdf = render_pdf(template, fields, GENERIC)
        digest = storage.write_blob(pdf, data_dir)
        upload = materials.Upload(digest, len(pdf), "application/pdf", FILE_NAMES[key])
        materials.create({"title": fields.title, "description": fields.intro, "topic": topic,
                          "audience": audience}, upload, actor, starter=key)
        added += 1
    return added
