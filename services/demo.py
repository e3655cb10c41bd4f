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
DEMO_DOSSIERS = (
    ("2.000815", "Nguyễn Văn An", "001090012345", "0912345678", "Số 5 ngõ 12 Quang Trung, Hà Đông", 3, 2),
    ("1.001193", "Trần Thị Bích Ngọc", "001195067890", "0987654321", "Tổ 3, phường Hà Đông", 0, 0),
    ("2.001035", "Lê Quang Hải", "001088004321", "0904111222", "Số 20 Lê Lợi, Hà Đông", 0, 0),
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
    for code, name, id_number, phone, address, pages, copies in DEMO_DOSSIERS:
        _, version = intake.procedure_for(code, now().date())
        components = [intake.ReceivedComponent(c.name, c.originals, c.copies, c.id,
                                               intake.Upload(f"{c.position}.pdf", SAMPLE_SCAN),
                                               "application/pdf")
                      for c in version.components]
        data = intake.IntakeData(version=version, channel=1, received_at=now(), applicant_type=1,
                                 applicant_name=name, id_number=id_number, phone=phone,
                                 address=address, email="", pages=pages, copies=copies,
                                 components=components)
        intake.receive(data, office_service.calendar(office), office.agency_id, data_dir,
                       "demo", user=officer)
    return made
