"""Receiving dossiers through the service: numbering, validation, storage, audit."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from models import AuditEvent, DailySequence, Dossier, DossierComponent, StoredFile, db
from services import intake, office, storage
from services.calendar import VN_TZ
from tests.conftest import APPLICANT, make_image, make_pdf


def _data(code="2.000884", when=dt.datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ), scanned=True, **extra):
    _, version = intake.procedure_for(code, when.date())
    components = [intake.ReceivedComponent(c.name, 1, 0, c.id,
                                           intake.Upload("a.pdf", make_pdf(c.name)) if scanned else None,
                                           "application/pdf" if scanned else None)
                  for c in version.components]
    applicant = intake.validate_applicant(APPLICANT, {})
    return intake.IntakeData(version=version, channel=1, received_at=when,
                             **{"components": components, **applicant, **extra})


def _receive(app, data):
    return intake.receive(data, office.calendar(), "000.00.01.H26", app.config["DATA_DIR"], "tester")


def test_receive_saves_dossier_components_fees_and_audit(ctx):
    dossier = _receive(ctx, _data())
    assert dossier.code == "000.00.01.H26-261125-0001"
    assert dossier.status == 2  # accepted at the counter
    # 2.000884 signature certification: 15:00 rule, received 09:00 Wednesday -> 17:00 the same day.
    assert dossier.appointment_at == dt.datetime(2026, 11, 25, 17, 0, tzinfo=VN_TZ)
    assert dossier.fee_total == 10000
    comps = list(DossierComponent.select().where(DossierComponent.dossier == dossier))
    assert len(comps) == 2 and all(c.digitised for c in comps)
    for c in comps:
        assert storage.path_for(ctx.config["DATA_DIR"], c.file.sha256).read_bytes().startswith(b"%PDF-")
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.action, event.entity_id) == ("dossier.receive", dossier.code)
    assert event.after["scanned"] == 2


def test_sequence_restarts_each_day_and_follows_on(ctx):
    first = _receive(ctx, _data())
    second = _receive(ctx, _data())
    next_day = _receive(ctx, _data(when=dt.datetime(2026, 11, 26, 8, 0, tzinfo=VN_TZ)))
    assert [first.code[-4:], second.code[-4:]] == ["0001", "0002"]
    assert next_day.code == "000.00.01.H26-261126-0001"


def _originals(*rows):
    """Copy-certification originals: (name, pages, copies) each, scanned."""
    return [intake.ReceivedComponent(name, 1, copies, None, intake.Upload(f"{name}.pdf", make_pdf(name)),
                                     "application/pdf", pages=pages) for name, pages, copies in rows]


def test_copy_certification_fee_per_original(ctx):
    dossier = _receive(ctx, _data("2.000815", components=_originals(("Hợp đồng", 5, 3), ("Giấy khai sinh", 1, 2))))
    # Hợp đồng: 2 × 2,000 + 3 × 1,000 = 7,000 per copy, three copies 21,000;
    # Giấy khai sinh: 2,000 per copy, two copies 4,000. Total 25,000.
    assert dossier.fee_total == 25000
    assert [(f.name, f.amount) for f in dossier.fee_lines] == [("Phí chứng thực bản sao từ bản chính", 25000)]
    comps = list(dossier.components.order_by(DossierComponent.position))
    assert [(c.name, c.pages, c.copies) for c in comps] == [("Hợp đồng", 5, 3), ("Giấy khai sinh", 1, 2)]
    assert dossier.pages == 6


def test_copy_certification_online_is_priced_like_the_counter(ctx):
    data = _data("2.000815", components=_originals(("Hợp đồng", 5, 3)))
    data.channel = 2
    assert _receive(ctx, data).fee_total == 21000


def test_register_number_is_gap_free_per_year(ctx):
    first = _receive(ctx, _data())
    second = _receive(ctx, _data(when=dt.datetime(2026, 12, 31, 16, 0, tzinfo=VN_TZ)))
    new_year = _receive(ctx, _data(when=dt.datetime(2027, 1, 4, 8, 0, tzinfo=VN_TZ)))
    other_agency = intake.receive(_data(), office.calendar(), "000.00.02.H26", ctx.config["DATA_DIR"], "t")
    assert [(d.register_book, d.register_number) for d in (first, second, new_year, other_agency)] == [
        (2026, 1), (2026, 2), (2027, 1), (2026, 1)]


def test_new_dossier_fields_are_saved(ctx):
    data = _data("1.001193", request_subject="Đỗ Minh Khôi", delivery_method="post",
                 delivery_address="Số 1 Lê Lợi, Hà Đông")
    dossier = Dossier.get_by_id(_receive(ctx, data).id)
    assert (dossier.request_subject, dossier.delivery_method, dossier.delivery_address) == (
        "Đỗ Minh Khôi", "post", "Số 1 Lê Lợi, Hà Đông")
    assert dossier.id_kind == "personal" and dossier.representative_name == ""


def test_same_scan_twice_is_stored_once(ctx):
    _receive(ctx, _data())
    _receive(ctx, _data())
    assert StoredFile.select().count() == 2  # two distinct component scans, shared by both dossiers


def test_two_counters_saving_at_the_same_moment_get_distinct_gap_free_codes(ctx):
    when = dt.datetime(2026, 11, 25, 10, 0, tzinfo=VN_TZ)
    codes, failures = [], []
    start = threading.Barrier(8)

    def counter():
        try:
            db.connect(reuse_if_open=True)
            data = _data(when=when)
            start.wait()
            codes.append(_receive(ctx, data).code)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=counter) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert sorted(codes) == [f"000.00.01.H26-261125-{n:04d}" for n in range(1, 9)]
    assert DailySequence.get().last == 8


@pytest.mark.parametrize("field,value", [
    ("applicant_name", ""),
    ("id_number", "12345678901"),        # 11 digits
    ("id_number", "00119501234a"),
    ("phone", "12345"),
    ("phone", "0912"),
    ("address", "   "),
    ("email", "not-an-email"),
    ("applicant_type", "9"),
])
def test_invalid_applicant_fields_are_reported(field, value):
    errors = {}
    intake.validate_applicant({**APPLICANT, field: value}, errors)
    assert field in errors


def test_applicant_is_cleaned():
    errors = {}
    data = intake.validate_applicant({**APPLICANT, "phone": "+84 912.345.678",
                                      "applicant_name": "Nguye\u0302\u0303n Văn An"}, errors)
    assert not errors
    assert data["phone"] == "0912345678"
    assert data["applicant_name"] == "Nguyễn Văn An"  # NFC


def test_business_code_rules():
    for code, ok in (("0101234567", True), ("0101234567-001", True), ("010123456", False)):
        errors = {}
        intake.validate_applicant({**APPLICANT, "applicant_type": "2", "id_number": code}, errors)
        assert ("id_number" not in errors) is ok, code


def test_scan_checked_by_content_not_name():
    errors = {}
    comps = [intake.ReceivedComponent("Tờ khai", 1, 0, None, intake.Upload("scan.pdf", b"MZ\x90\x00 not a pdf"))]
    intake.check_components(comps, "", 1024 * 1024, errors)
    assert "component_0" in errors
    for data, mime in ((make_pdf(), "application/pdf"), (make_image("PNG"), "image/png"),
                       (make_image("JPEG"), "image/jpeg")):
        comps = [intake.ReceivedComponent("Tờ khai", 1, 0, None, intake.Upload("x.bin", data))]
        errors = {}
        intake.check_components(comps, "", 1024 * 1024, errors)
        assert not errors and comps[0].mime == mime


def test_size_limit():
    errors = {}
    comps = [intake.ReceivedComponent("Tờ khai", 1, 0, None, intake.Upload("a.pdf", b"%PDF-" + b"0" * 2000))]
    intake.check_components(comps, "", 1000, errors)
    assert "component_0" in errors


def test_missing_scan_needs_a_reason():
    comps = [intake.ReceivedComponent("Tờ khai", 1, 0)]
    errors = {}
    intake.check_components(comps, "", 1024, errors)
    assert "missing_scan_reason" in errors
    errors = {}
    intake.check_components(comps, "Máy quét hỏng", 1024, errors)
    assert not errors


def test_nothing_received_is_refused():
    errors = {}
    intake.check_components([intake.ReceivedComponent("Tờ khai", 0, 0)], "", 1024, errors)
    assert "components" in errors


def test_failed_save_leaves_nothing(ctx, monkeypatch):
    before = (Dossier.select().count(), AuditEvent.select().count(), DailySequence.select().count())

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(intake.audit, "record", boom)
    with pytest.raises(RuntimeError):
        _receive(ctx, _data())
    after = (Dossier.select().count(), AuditEvent.select().count(), DailySequence.select().count())
    assert after == before
    assert DossierComponent.select().count() == 0
