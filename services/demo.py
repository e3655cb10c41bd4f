"""A demo office with one account per role and a few dossiers received today."""
from __future__ import annotations

from models import User, now
from services import accounts, catalog, intake
from services import office as office_service

DEMO_PASSWORD = "demo-12345"
DEMO_USERS = (
    ("admin", "admin", "Quản trị hệ thống"),
    ("lanhdao", "leader", "Trần Văn Bình"),
    ("motcua", "intake", "Nguyễn Thị Hường"),
    ("chuyenvien", "specialist", "Lê Minh Đức"),
    ("giangvien", "trainer", "Phạm Thu Trang"),
    ("thanhtra", "inspector", "Đặng Quốc Khánh"),
)
DEMO_OFFICE = {
    "agency_id": "000.00.01.H26", "name": "Trung tâm Phục vụ hành chính công phường Hà Đông",
    "parent_body": "Ủy ban nhân dân phường Hà Đông", "place": "Hà Đông", "province": "Hà Nội",
    "morning_start": "07:30", "morning_end": "11:30", "afternoon_start": "13:30",
    "afternoon_end": "17:00", "max_upload_mb": 20, "public_base_url": "",
    "address": "Số 8 Tô Hiệu, phường Hà Đông, Hà Nội", "hotline": "0243 382 4567",
}
# A one-page PDF standing in for a scanned paper.
SAMPLE_SCAN = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
               b"/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")
CITIZEN = {"applicant_type": 1, "id_kind": "personal"}
DEMO_DOSSIERS = (
    ("2.000815", {**CITIZEN, "applicant_name": "Nguyễn Văn An", "id_number": "001090012345",
                  "phone": "0912345678", "address": "Số 5 ngõ 12 Quang Trung, Hà Đông"},
     # originals to certify: (name, pages, copies)
     (("Giấy khai sinh", 1, 2), ("Bằng tốt nghiệp trung học phổ thông", 1, 1), ("Hợp đồng thuê nhà", 3, 2))),
    ("1.001193", {**CITIZEN, "applicant_name": "Trần Thị Bích Ngọc", "id_number": "001195067890",
                  "phone": "0987654321", "address": "Tổ 3, phường Hà Đông",
                  "request_subject": "Đỗ Minh Khôi (con)"}, ()),
    ("2.001035", {"applicant_type": 2, "id_kind": "business", "applicant_name": "Công ty TNHH Hòa Bình Xanh",
                  "id_number": "0101234567", "representative_name": "Lê Quang Hải",
                  "representative_id_kind": "personal", "representative_id_number": "001088004321",
                  "phone": "0904111222", "address": "Số 20 Lê Lợi, Hà Đông", "delivery_method": "post",
                  "delivery_address": "Số 20 Lê Lợi, Hà Đông, Hà Nội"}, ()),
)


def load(data_dir: str) -> list[tuple[str, str, str]]:
    """Create the demo office, users and dossiers when there are no users. Returns the accounts."""
    if User.select().exists():
        return []
    catalog.load_seed()
    office_service.update_settings(DEMO_OFFICE, "demo")
    made = []
    for username, role, full_name in DEMO_USERS:
        accounts.create_user(username, DEMO_PASSWORD, role, full_name=full_name, actor="demo")
        made.append((username, DEMO_PASSWORD, role))
    officer = User.get(User.username == "motcua")
    office = office_service.get_office()
    for code, applicant, originals in DEMO_DOSSIERS:
        _, version = intake.procedure_for(code, now().date())
        catalog_components = list(version.components.order_by(version.components.model.position))
        components = [intake.ReceivedComponent(c.name, c.originals, c.copies, c.id,
                                               intake.Upload(f"{c.position}.pdf", SAMPLE_SCAN),
                                               "application/pdf")
                      for c in catalog_components]
        if originals:
            components = [intake.ReceivedComponent(name, 1, copies, catalog_components[0].id,
                                                   intake.Upload(f"{n}.pdf", SAMPLE_SCAN), "application/pdf",
                                                   pages=pages)
                          for n, (name, pages, copies) in enumerate(originals, 1)]
        data = intake.IntakeData(version=version, channel=1, received_at=now(), email="",
                                 components=components, **applicant)
        intake.receive(data, office_service.calendar(office), office.agency_id, data_dir,
                       "demo", user=officer)
    return made
