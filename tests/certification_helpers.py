"""Builders for the certification tests: dossiers received at the counter, a signer's credential."""
from __future__ import annotations

import datetime as dt

from services import intake, office
from services.calendar import VN_TZ
from tests.conftest import APPLICANT, make_image
from tests.pki import make_ca, make_p12, make_signer, sample_pdf

AGENCY = "000.00.01.H26"
PASS = "mật-khẩu-chủ-tịch"
RECEIVED = dt.datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ)


def receive(code: str, originals=(), when: dt.datetime = RECEIVED, data_dir: str = ""):
    """A dossier of procedure ``code``; ``originals`` are (name, pages, copies, scan or None)."""
    _, version = intake.procedure_for(code, when.date())
    comps = []
    for name, pages, copies, scan in originals:
        upload = intake.Upload("scan.pdf" if scan and scan.startswith(b"%PDF") else "scan.png", scan) if scan else None
        mime = None if scan is None else ("application/pdf" if scan.startswith(b"%PDF") else "image/png")
        comps.append(intake.ReceivedComponent(name, 1, copies, None, upload, mime, pages=pages))
    if not originals:
        comps = [intake.ReceivedComponent(c.name, 1, 0, c.id) for c in version.components]
    data = intake.IntakeData(version=version, channel=1, received_at=when, components=comps,
                             **intake.validate_applicant(APPLICANT, {}))
    return intake.receive(data, office.calendar(), AGENCY, data_dir, "test")


def three_originals(data_dir: str):
    """A birth certificate (1 page × 3 copies, scanned as PDF), a diploma (3 pages × 2, scanned as an
    image), a household paper (12 pages × 1, not scanned)."""
    return receive("2.000815", [("Giấy khai sinh", 1, 3, sample_pdf(1, "Giấy khai sinh")),
                                ("Bằng tốt nghiệp", 3, 2, make_image("PNG")),
                                ("Sổ hộ khẩu", 12, 1, None)], data_dir=data_dir)


def credential():
    from services import signing

    ca = make_ca()
    chair = make_signer(ca, "Trần Thị Bình")
    return signing.load_pkcs12(make_p12(chair, ca, PASS), PASS), ca, make_p12(chair, ca, PASS)
