"""Certification at the counter: numbers per type and year (gap-free under threads, restarting on
1 January, in volumes), paper and electronic copies in one action for one fee, the registers."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import threading

import pytest
from pypdf import PdfReader

from models import Certification, CertificationSequence, DossierFee, db
from services import audit, office, verification
from services.calendar import VN_TZ
from services.certification import issue, numbering, register
from services.database import write_transaction
from tests.certification_helpers import AGENCY, credential, receive, three_originals

CHAIR = issue.Signer("Trần Thị Bình", "Phó Chủ tịch")
AT = dt.datetime(2026, 11, 26, 9, 30, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def chair():
    return credential()


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _take(series: str, year: int, size: int = 500) -> numbering.Number:
    with write_transaction():
        return numbering.next_number(AGENCY, series, year, size)


# --- Numbering ---------------------------------------------------------------------------------

def test_numbers_run_per_type_and_restart_each_year(ctx):
    assert [_take("SCT/BS", 2026).number for _ in range(3)] == [1, 2, 3]
    assert _take("SCT/CK,ĐC", 2026).number == 1  # another type has its own sequence
    assert _take("SCT/BS", 2027).number == 1  # a new year starts at 01
    assert _take("SCT/BS", 2026).number == 4


def test_volumes_fill_up_and_the_number_runs_on_across_them(ctx):
    # Volumes of 2: numbers 1-2 in volume 01, 3-4 in 02, 5 in 03; the next year starts volume 01 again.
    taken = [_take("SCT/BS", 2026, size=2) for _ in range(5)]
    assert [(n.number, n.volume) for n in taken] == [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3)]
    assert taken[4].volume_label == "03/2026-SCT/BS"
    assert taken[4].text == "Số chứng thực: 05, quyển số: 03/2026-SCT/BS"
    assert (_take("SCT/BS", 2027, size=2).number, _take("SCT/BS", 2027, size=2).volume) == (1, 1)


def test_a_larger_volume_size_set_mid_volume_applies_to_the_open_volume(ctx):
    assert [_take("SCT/BS", 2026, size=2).volume for _ in range(3)] == [1, 1, 2]  # 3 opens volume 02
    assert [_take("SCT/BS", 2026, size=3).volume for _ in range(3)] == [2, 2, 3]  # 3, 4, 5 in 02; 6 opens 03


def test_numbers_are_gap_free_under_threads(ctx, tmp_path):
    # 8 counters certify 5 dossiers each at the same moment, 2 papers a dossier, volumes of 7:
    # numbers 1..80 exactly once; number n lies in volume (n - 1) // 7 + 1 whichever counter took it.
    numbering.save_settings({"volume_size": 7, "electronic_series": "SCTĐT/BS"}, "admin")
    dossiers = [receive("2.000884", data_dir=str(tmp_path)) for _ in range(40)]
    office_row = office.get_office()
    results, errors = [], []
    start = threading.Barrier(8)

    def counter(batch):
        try:
            db.connect(reuse_if_open=True)
            start.wait()
            for dossier in batch:
                made = issue.certify_papers(dossier, ["Giấy ủy quyền", "Đơn"], CHAIR, office_row, "t", at=AT)
                results.extend((e.number, e.volume) for e in made)
            db.close()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=counter, args=(dossiers[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(n for n, _v in results) == list(range(1, 81))
    assert all(v == (n - 1) // 7 + 1 for n, v in results)
    assert Certification.select().count() == 80


def test_certification_across_31_december(ctx, tmp_path):
    data_dir = str(tmp_path)
    late = [receive("2.000884", when=dt.datetime(2026, 12, 30, 9, 0, tzinfo=VN_TZ), data_dir=data_dir)
            for _ in range(3)]
    office_row = office.get_office()
    # 23:59 on 31 December in Vietnam is still 2026; 00:01 on 1 January (17:01 UTC) is 2027.
    times = [dt.datetime(2026, 12, 31, 16, 0, tzinfo=VN_TZ), dt.datetime(2026, 12, 31, 23, 59, tzinfo=VN_TZ),
             dt.datetime(2026, 12, 31, 17, 1, tzinfo=dt.UTC)]
    made = [issue.certify_papers(d, ["Giấy ủy quyền"], CHAIR, office_row, "test", at=t)[0]
            for d, t in zip(late, times, strict=True)]
    assert [(e.year, e.number, e.volume) for e in made] == [(2026, 1, 1), (2026, 2, 1), (2027, 1, 1)]
    assert made[2].certified_at.astimezone(VN_TZ).date() == dt.date(2027, 1, 1)


# --- Copies: paper and electronic in one action, one fee ------------------------------------------

def test_fee_table_for_several_originals(ctx, tmp_path):
    dossier = three_originals(str(tmp_path))
    # 1 page × 3 copies = 2,000 × 3 = 6,000; 3 pages × 2 = (4,000 + 1,000) × 2 = 10,000;
    # 12 pages × 1 = 4,000 + 10 × 1,000 = 14,000; in all 30,000 đ, one fee line.
    assert [(f.amount) for f in DossierFee.select().where(DossierFee.dossier == dossier.id)] == [30000]
    made = issue.certify_copies(dossier, [issue.CopyRequest(c) for c in issue.originals(dossier)], CHAIR,
                                office.get_office(), str(tmp_path), "test", at=AT)
    assert [(e.document, e.pages, e.copies, e.fee) for e in made] == [
        ("Giấy khai sinh", 1, 3, 6000), ("Bằng tốt nghiệp", 3, 2, 10000), ("Sổ hộ khẩu", 12, 1, 14000)]
    assert [e.number for e in made] == [1, 2, 3]  # one number per original, shared by its copies


def test_paper_and_electronic_copies_in_one_action_charged_once(ctx, tmp_path, chair):
    credential_, ca, _p12 = chair
    dossier = three_originals(str(tmp_path))
    comps = issue.originals(dossier)
    requests = [issue.CopyRequest(comps[0], electronic=True), issue.CopyRequest(comps[1], electronic=True),
                issue.CopyRequest(comps[2])]
    made = issue.certify_copies(dossier, requests, CHAIR, office.get_office(), str(tmp_path), "chair",
                                credential=credential_, at=AT)
    # Paper numbers SCT/BS 1, 2, 3 (one per original); the electronic copies SCTĐT/BS 1 and 2.
    assert [(e.series, e.number, e.copies, e.electronic, e.fee) for e in made] == [
        ("SCT/BS", 1, 3, False, 6000), ("SCTĐT/BS", 1, 0, True, 0),
        ("SCT/BS", 2, 2, False, 10000), ("SCTĐT/BS", 2, 0, True, 0),
        ("SCT/BS", 3, 1, False, 14000)]
    assert sum(e.fee for e in made) == 30000
    assert [f.amount for f in DossierFee.select().where(DossierFee.dossier == dossier.id)] == [30000]
    from services import storage

    for entry in (made[1], made[3]):
        pdf = storage.read(entry.file, str(tmp_path))
        report = verification.verify_pdf(pdf, [ca.cert])
        [sig] = report.signatures
        assert sig.intact and sig.trusted and sig.covers_whole_document and not sig.modified_after_signing
        assert sig.signer == "Trần Thị Bình"
        text = _text(pdf)
        assert "Chứng thực bản sao đúng với bản chính." in text
        assert f"Số chứng thực: 0{entry.number}, quyển số: 01/2026-SCTĐT/BS" in text
        assert "PHÓ CHỦ TỊCH" in text and "ngày 26 tháng 11 năm 2026" in text
    # the scan's pages come first: the birth certificate (1 page) + the endorsement; the image, 1 + 1
    assert len(PdfReader(io.BytesIO(storage.read(made[1].file, str(tmp_path)))).pages) == 2
    assert "GIẤY KHAI SINH" in PdfReader(io.BytesIO(storage.read(made[1].file, str(tmp_path)))).pages[0].extract_text()
    assert audit.verify().ok


def test_electronic_copies_may_share_the_paper_number(ctx, tmp_path, chair):
    numbering.save_settings({"volume_size": 500, "electronic_series": ""}, "admin")
    dossier = three_originals(str(tmp_path))
    first = issue.originals(dossier)[0]
    made = issue.certify_copies(dossier, [issue.CopyRequest(first, electronic=True)], CHAIR,
                                office.get_office(), str(tmp_path), "chair", credential=chair[0], at=AT)
    assert [(e.series, e.number, e.copies, e.electronic, e.file_id is not None) for e in made] == [
        ("SCT/BS", 1, 3, True, True)]


def test_a_failure_saves_nothing_and_uses_no_number(ctx, tmp_path, chair):
    dossier = three_originals(str(tmp_path))
    comps = issue.originals(dossier)
    # The third original has no scan: asking its electronic copy fails before anything is numbered.
    with pytest.raises(issue.CertificationError) as failure:
        issue.certify_copies(dossier, [issue.CopyRequest(comps[0]), issue.CopyRequest(comps[2], electronic=True)],
                             CHAIR, office.get_office(), str(tmp_path), "chair", credential=chair[0], at=AT)
    assert failure.value.field == "scan_3"
    # A damaged scan is refused before any number is taken.
    with pytest.raises(issue.CertificationError):
        issue.certify_copies(dossier, [issue.CopyRequest(comps[0]),
                                       issue.CopyRequest(comps[2], True, b"%PDF-1.4 broken", "application/pdf")],
                             CHAIR, office.get_office(), str(tmp_path), "chair", credential=chair[0], at=AT)
    assert Certification.select().count() == 0
    assert CertificationSequence.select().where(CertificationSequence.last > 0).count() == 0


def test_a_signature_failing_midway_gives_every_number_back(ctx, tmp_path, chair, monkeypatch):
    from services import signing

    dossier = three_originals(str(tmp_path))
    comps = issue.originals(dossier)
    real, calls = signing.sign_pdf, []

    def second_fails(*args, **kwargs):  # the token pulled out while the second copy is signed
        calls.append(1)
        if len(calls) == 2:
            raise signing.SigningError("The signing token is not plugged in or was removed.")
        return real(*args, **kwargs)

    monkeypatch.setattr(signing, "sign_pdf", second_fails)
    with pytest.raises(signing.SigningError):
        issue.certify_copies(dossier, [issue.CopyRequest(comps[0], True), issue.CopyRequest(comps[1], True)],
                             CHAIR, office.get_office(), str(tmp_path), "chair", credential=chair[0], at=AT)
    assert len(calls) == 2 and Certification.select().count() == 0
    assert CertificationSequence.select().where(CertificationSequence.last > 0).count() == 0
    made = issue.certify_copies(dossier, [issue.CopyRequest(c) for c in comps], CHAIR, office.get_office(),
                                str(tmp_path), "chair", at=AT)
    assert [e.number for e in made] == [1, 2, 3]


def test_an_electronic_copy_needs_the_signers_certificate(ctx, tmp_path):
    dossier = three_originals(str(tmp_path))
    with pytest.raises(issue.CertificationError) as failure:
        issue.certify_copies(dossier, [issue.CopyRequest(issue.originals(dossier)[0], electronic=True)], CHAIR,
                             office.get_office(), str(tmp_path), "chair", at=AT)
    assert failure.value.field == "certificate"


def test_a_dossier_is_certified_once(ctx, tmp_path):
    dossier = three_originals(str(tmp_path))
    requests = [issue.CopyRequest(c) for c in issue.originals(dossier)]
    issue.certify_copies(dossier, requests, CHAIR, office.get_office(), str(tmp_path), "a", at=AT)
    with pytest.raises(issue.CertificationError):
        issue.certify_copies(dossier, requests, CHAIR, office.get_office(), str(tmp_path), "a", at=AT)
    assert Certification.select().count() == 3


def test_signature_and_contract_certification(ctx, tmp_path):
    signature = receive("2.000884", data_dir=str(tmp_path))
    contract = receive("2.001035", data_dir=str(tmp_path))
    papers = issue.certify_papers(signature, ["Giấy ủy quyền", "Đơn xin việc"], CHAIR, office.get_office(),
                                  "a", at=AT)
    deals = issue.certify_papers(contract, ["Hợp đồng mua bán xe máy"], CHAIR, office.get_office(), "a", at=AT)
    # one number per signed paper; the 10,000 đ per case once; 50,000 đ per contract (DOMAIN §2)
    assert [(e.series, e.number, e.fee) for e in papers] == [("SCT/CK,ĐC", 1, 10000), ("SCT/CK,ĐC", 2, 0)]
    assert [(e.series, e.number, e.fee) for e in deals] == [("SCT/HĐ,GD", 1, 50000)]
    with pytest.raises(issue.CertificationError):
        issue.certify_papers(signature, ["Lần nữa"], CHAIR, office.get_office(), "a", at=AT)


def test_endorsements_for_the_paper_copies(ctx, tmp_path):
    from services.certification import documents

    dossier = three_originals(str(tmp_path))
    made = issue.certify_copies(dossier, [issue.CopyRequest(c) for c in issue.originals(dossier)], CHAIR,
                                office.get_office(), str(tmp_path), "a", at=AT)
    pdf = documents.endorsements_pdf(made, office.get_office())
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == 3 + 2 + 1  # one page per paper copy
    assert all("Chứng thực bản sao đúng với bản chính." in p for p in pages)
    assert ["quyển số: 01/2026-SCT/BS" in p for p in pages] == [True] * 6
    assert [p.count("Số chứng thực: 01") for p in pages] == [1, 1, 1, 0, 0, 0]
    assert "Số chứng thực: 03" in pages[5]


# --- Registers ------------------------------------------------------------------------------------

def test_monthly_and_year_end_registers(ctx, tmp_path):
    office_row = office.get_office()
    november = three_originals(str(tmp_path))
    issue.certify_copies(november, [issue.CopyRequest(c) for c in issue.originals(november)], CHAIR,
                         office_row, str(tmp_path), "a", at=AT)
    december = receive("2.000815", [("Chứng minh nhân dân", 2, 1, None)], data_dir=str(tmp_path))
    issue.certify_copies(december, [issue.CopyRequest(c) for c in issue.originals(december)], CHAIR,
                         office_row, str(tmp_path), "a", at=dt.datetime(2026, 12, 3, 8, 0, tzinfo=VN_TZ))
    nov = list(register.entries(AGENCY, "copy", register.Period(2026, 11)))
    year = list(register.entries(AGENCY, "copy", register.Period(2026)))
    assert [e.number for e in nov] == [1, 2, 3] and [e.number for e in year] == [1, 2, 3, 4]
    assert list(register.entries(AGENCY, "copy", register.Period(2026, 10))) == []
    text = _text(register.register_pdf(office_row, "copy", register.Period(2026, 11), nov, dt.date(2026, 11, 30)))
    assert "SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH" in text and "Tháng 11 năm 2026" in text
    assert "Quyển số: 01/2026-SCT/BS" in text and "Giấy khai sinh" in text and "14.000" in text
    assert "3 việc chứng thực, từ số 01 đến số 03" in text
    text = _text(register.register_pdf(office_row, "copy", register.Period(2026), year, dt.date(2026, 12, 10)))
    assert "Sổ tổng hợp cuối năm: Năm 2026" in text
    assert "Khóa sổ năm 2026 (tính đến ngày 10 tháng 12 năm 2026): sổ có 4 việc chứng thực, từ số 01 đến số 04" \
        in text.replace("\n", " ")


def test_period_parsing():
    assert register.parse_period("2026-11", None) == register.Period(2026, 11)
    assert register.parse_period(None, "2026") == register.Period(2026)
    for bad in ("2026-13", "abc", "1999-01", "2026-1-1"):
        assert register.parse_period(bad, None) is None
    assert register.Period(2026, 12).end == dt.datetime(2027, 1, 1, tzinfo=VN_TZ)


def test_register_fee_column_says_where_the_fee_was_charged(ctx, tmp_path, chair):
    office_row = office.get_office()
    signature = receive("2.000884", data_dir=str(tmp_path))
    issue.certify_papers(signature, ["Giấy ủy quyền", "Đơn xin việc"], CHAIR, office_row, "a", at=AT)
    rows = register.rows("signature", register.entries(AGENCY, "signature", register.Period(2026, 11)))
    assert [(r[0], r[-2]) for r in rows] == [("01", "10.000"), ("02", "Đã thu ở số 01")]
    dossier = three_originals(str(tmp_path))
    issue.certify_copies(dossier, [issue.CopyRequest(issue.originals(dossier)[0], electronic=True)], CHAIR,
                         office_row, str(tmp_path), "a", credential=chair[0], at=AT)
    rows = register.rows("ecopy", register.entries(AGENCY, "ecopy", register.Period(2026, 11)))
    assert [(r[0], r[5], r[-2], r[-1]) for r in rows] == [("01", "1", "Thu cùng bản sao giấy", "Bản sao điện tử")]


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_the_visible_signature_sits_in_the_endorsements_empty_room(ctx, tmp_path, chair):
    from PIL import Image

    from services import storage
    from services.certification import documents

    dossier = three_originals(str(tmp_path))
    [paper, electronic] = issue.certify_copies(dossier, [issue.CopyRequest(issue.originals(dossier)[0], True)],
                                               CHAIR, office.get_office(), str(tmp_path), "a",
                                               credential=chair[0], at=AT)
    unsigned, box = documents.electronic_copy(storage.read(dossier.components[0].file, str(tmp_path)),
                                              electronic, office.get_office())
    signed = storage.read(electronic.file, str(tmp_path))

    def colours(pdf: bytes, name: str) -> set:
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "72", "-png", "-f", "2", "-l", "2", "-singlefile",
                        str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
        image = Image.open(tmp_path / f"{name}.png").convert("RGB")
        x1, y1, x2, y2 = box  # PDF points at 72 dpi: flip y
        crop = image.crop((int(x1) + 2, int(image.height - y2) + 2, int(x2) - 2, int(image.height - y1) - 2))
        return {c for _, c in crop.getcolors(100000)}

    # the endorsement leaves the room empty; the signature's blue text fills it; nothing else moved
    assert colours(unsigned, "unsigned") == {(255, 255, 255)}
    assert any(b > 100 and r < 80 for r, g, b in colours(signed, "signed"))
    # inside the right margin (15 mm) and above the bottom one (20 mm)
    assert box[2] <= 595.28 - 42.5 and box[1] >= 56.7


def test_the_year_end_register_names_each_volume_where_it_begins(ctx, tmp_path):
    numbering.save_settings({"volume_size": 2, "electronic_series": "SCTĐT/BS"}, "admin")
    contract = receive("2.001035", data_dir=str(tmp_path))
    issue.certify_papers(contract, ["Hợp đồng A", "Hợp đồng B", "Hợp đồng C"], CHAIR, office.get_office(), "a",
                         at=AT)
    items = list(register.entries(AGENCY, "contract", register.Period(2026)))
    text = _text(register.register_pdf(office.get_office(), "contract", register.Period(2026), items,
                                       dt.date(2027, 1, 2)))
    # numbers 01-02 in volume 01, 03 in volume 02; the year is over: no "so far"
    assert text.index("Quyển số: 01/2026-SCT/HĐ,GD\n01") < text.index("Quyển số: 02/2026-SCT/HĐ,GD\n03")
    assert "Khóa sổ năm 2026: sổ có 3 việc chứng thực, từ số 01 đến số 03." in text.replace("\n", " ")


def test_a_long_register_keeps_every_entry_in_order_across_pages(ctx, tmp_path):
    numbering.save_settings({"volume_size": 50, "electronic_series": "SCTĐT/BS"}, "admin")
    for _ in range(3):
        issue.certify_papers(receive("2.000884", data_dir=str(tmp_path)), [f"Giấy {i}" for i in range(40)], CHAIR,
                             office.get_office(), "a", at=AT)
    items = list(register.entries(AGENCY, "signature", register.Period(2026)))
    pdf = register.register_pdf(office.get_office(), "signature", register.Period(2026), items, dt.date(2027, 1, 2))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 4 and all("Số chứng thực Ngày chứng thực" in " ".join(p.split()) for p in pages)
    assert "Khóa sổ năm 2026" in " ".join(pages[-1].split())  # with entries on its page, never alone
    lines = [line.strip() for p in pages for line in p.splitlines()]
    numbers = [int(a) for a, b in zip(lines, lines[1:], strict=False) if a.isdigit() and b == "26/11/2026"]
    assert numbers == list(range(1, 121))
    labels = [line for p in pages for line in p.splitlines() if line.startswith("Quyển số: 0")]
    assert labels == ["Quyển số: 01/2026-SCT/CK,ĐC", "Quyển số: 02/2026-SCT/CK,ĐC", "Quyển số: 03/2026-SCT/CK,ĐC"]


def test_register_pages_carry_a_volume_label_and_the_closing_with_entries():
    from types import SimpleNamespace

    from reportlab.platypus import Table

    def entry(n, volume=1):
        return SimpleNamespace(number=n, volume=volume, year=2026, certified_at=AT, signer_name="B",
                               signer_title="", requester="A", document="Giấy", fee=10000, electronic=False,
                               series="SCT/CK,ĐC", dossier_id=n, pages=0, copies=0)

    widths = register._widths("signature", 770)
    row = register.LEADING + 4  # a one-line row: leading + top and bottom padding

    def pages(items, room, tail):
        tables = [f for f in register._tables("signature", items, widths, room, room, tail) if isinstance(f, Table)]
        return [len(t._cellvalues) - 1 for t in tables]  # rows under the header

    [one] = [f for f in register._tables("signature", [entry(1)], widths, 1e6, 1e6, 0) if isinstance(f, Table)]
    header = one.wrap(770, 1e6)[1] - 2 * row  # the volume label and one entry under the header
    room = header + 5 * row + 1  # five rows a page
    # 9 entries + the volume's label = 10 rows: 5 and 5 fill two pages, the closing would stand alone,
    # so the last 3 entries go with it: 5, 2, 3
    assert pages([entry(n) for n in range(1, 10)], room, tail=3 * row) == [5, 2, 3]
    assert pages([entry(n) for n in range(1, 10)], room, tail=0) == [5, 5]
    # a volume's label never ends a page: label 1 and entries 1-3, then label 2 would end the page;
    # it moves on with entries 4-7
    assert pages([entry(n, 1 if n < 4 else 2) for n in range(1, 8)], room, tail=0) == [4, 5]


@pytest.mark.parametrize("status", [1, 3, 5, 7, 8])
def test_a_dossier_not_open_for_certification_is_refused(ctx, tmp_path, status):
    from models import Dossier

    dossier = receive("2.000884", data_dir=str(tmp_path))
    Dossier.update(status=status).where(Dossier.id == dossier.id).execute()
    with pytest.raises(issue.CertificationError) as refused:
        issue.certify_papers(dossier, ["Giấy ủy quyền"], CHAIR, office.get_office(), "a", at=AT)
    assert refused.value.message == "This dossier cannot be certified in its current status."
    assert Certification.select().count() == 0


def test_a_dossier_of_another_procedure_is_not_certified_here(ctx, tmp_path):
    dossier = receive("1.004873", data_dir=str(tmp_path))
    assert issue.kind_of(dossier) is None
    with pytest.raises(issue.CertificationError):
        issue.certify_papers(dossier, ["Giấy"], CHAIR, office.get_office(), "a", at=AT)


def test_copies_need_originals_of_this_dossier(ctx, tmp_path):
    one, other = three_originals(str(tmp_path)), three_originals(str(tmp_path))
    for requests in ([], [issue.CopyRequest(issue.originals(other)[0])]):
        with pytest.raises(issue.CertificationError):
            issue.certify_copies(one, requests, CHAIR, office.get_office(), str(tmp_path), "a", at=AT)
    assert Certification.select().count() == 0
