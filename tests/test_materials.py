"""The materials library: uploads typed by content, size limit, versions, search, downloads, public page."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from models import AuditEvent, Material, MaterialVersion, StoredFile
from services import storage
from services.toolkit import starter
from tests.conftest import make_image, make_pdf

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _docx() -> bytes:
    from docx import Document

    out = io.BytesIO()
    document = Document()
    document.add_paragraph("Bài giảng")
    document.save(out)
    return out.getvalue()


def _form(data: bytes | None, name: str = "tai-lieu.pdf", **fields) -> dict:
    form = {"title": "Hướng dẫn nộp hồ sơ trực tuyến cho người cao tuổi", "description": "Bản in khổ A4",
            "topic": "online_submission", "audience": "citizens", "note": ""}
    form.update(fields)
    if data is not None:
        form["file"] = (io.BytesIO(data), name)
    return form


def _upload(session, data, name="tai-lieu.pdf", **fields):
    return session.post("/materials/new", data=_form(data, name, **fields), content_type="multipart/form-data")


def _blobs(app) -> set[str]:
    folder = Path(app.config["DATA_DIR"]) / "files"
    return {p.name for p in folder.rglob("*") if p.is_file() and len(p.name) == 64}


def test_a_trainer_uploads_a_pdf(ctx, login):
    session = login("trainer")
    pdf = make_pdf("bai giang")
    response = _upload(session, pdf)
    assert response.status_code == 302
    material = Material.get()
    assert (material.title, material.mime, material.version, material.size) == (
        "Hướng dẫn nộp hồ sơ trực tuyến cho người cao tuổi", "application/pdf", 1, len(pdf))
    import hashlib

    assert material.file.sha256 == hashlib.sha256(pdf).hexdigest()
    assert storage.read(material.file, ctx.config["DATA_DIR"]) == pdf
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.actor) == ("material.create", "trainer")
    assert "Hướng dẫn nộp hồ sơ trực tuyến cho người cao tuổi" in ctx.test_client().get("/materials").get_data(as_text=True)


@pytest.mark.parametrize("data,name,mime", [
    (None, "bai-giang.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (make_image("PNG"), "so-do.png", "image/png"),
    (make_image("JPEG"), "anh.JPG", "image/jpeg"),
    (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64, "video.mp4", "video/mp4"),
])
def test_other_kinds_are_recognised_by_content(ctx, login, data, name, mime):
    response = _upload(login("trainer"), data if data is not None else _docx(), name)
    assert response.status_code == 302
    assert Material.get().mime == mime


@pytest.mark.parametrize("data,name,message", [
    (EXE, "huong-dan.pdf", "Tệp này không phải tài liệu PDF, Word, PowerPoint, Excel"),
    (make_image("PNG"), "huong-dan.pdf", "Tên tệp có đuôi .pdf nhưng nội dung là ảnh PNG"),
    (make_pdf(), "huong-dan.docx", "Tên tệp có đuôi .docx nhưng nội dung là tài liệu PDF"),
    (b"PK\x03\x04" + b"\x00" * 100, "bai.docx", "Tệp này không phải tài liệu PDF"),  # a broken zip
    (b"", "rong.pdf", "Tệp rỗng (0 byte)."),
    (None, "", "Vui lòng chọn tệp cần tải lên."),
])
def test_refused_files_leave_nothing(app, ctx, login, data, name, message):
    before = _blobs(app)
    response = _upload(login("trainer"), data, name)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'value="Hướng dẫn nộp hồ sơ trực tuyến cho người cao tuổi"' in html  # the values are kept
    assert Material.select().count() == 0 and StoredFile.select().count() == 0
    assert _blobs(app) == before


def test_the_size_limit_is_a_setting(app, ctx, login):
    app.config["MATERIALS_MAX_MB"] = 1
    session = login("trainer")
    big = make_pdf() + b"%" * (1024 * 1024)
    response = _upload(session, big)
    assert response.status_code == 422 and "Tệp lớn hơn 1 MB." in response.get_data(as_text=True)
    assert Material.select().count() == 0
    exactly = make_pdf()
    exactly += b"%" * (1024 * 1024 - len(exactly))
    assert _upload(session, exactly).status_code == 302


def test_bad_fields_are_refused(ctx, login):
    response = _upload(login("admin"), make_pdf(), title="", topic="weather", audience="everyone")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng điền thông tin này." in html and html.count("Vui lòng chọn trong danh sách.") == 2
    assert Material.select().count() == 0


def test_a_new_version_keeps_the_old_one(ctx, login):
    session = login("trainer")
    first, second = make_pdf("ban 1"), make_pdf("ban 2")
    _upload(session, first)
    material = Material.get()
    response = session.post(f"/materials/{material.id}", data=_form(second, "tai-lieu-v2.pdf", note="Sửa bước 3"),
                            content_type="multipart/form-data")
    assert response.status_code == 302
    material = Material.get_by_id(material.id)
    assert (material.version, material.file_name) == (2, "tai-lieu-v2.pdf")
    assert [(v.number, v.note) for v in MaterialVersion.select().order_by(MaterialVersion.number)] == [
        (1, ""), (2, "Sửa bước 3")]
    assert session.get(f"/materials/{material.id}/download").data == second
    assert session.get(f"/materials/{material.id}/versions/1").data == first
    page = session.get(f"/materials/{material.id}").get_data(as_text=True)
    assert "Tải phiên bản 2" in page and "tai-lieu-v2.pdf" in page and "Sửa bước 3" in page
    # Changing only the description makes no new version.
    session.post(f"/materials/{material.id}", data=_form(None, title="Tên mới"), content_type="multipart/form-data")
    assert Material.get_by_id(material.id).version == 2 and MaterialVersion.select().count() == 2


def test_downloads_are_counted_and_staff_materials_stay_inside(app, login):
    """No open app context here: each request runs as it would on the server (no login left over)."""
    trainer = login("trainer")
    _upload(trainer, make_pdf("dan"), title="Tờ rơi cho người dân")
    _upload(trainer, make_pdf("cb"), "noi-bo.pdf", title="Tài liệu tập huấn nội bộ", audience="staff")
    public, staff = 1, 2
    anonymous = app.test_client()
    page = anonymous.get("/materials").get_data(as_text=True)
    assert "Tờ rơi cho người dân" in page and "Tài liệu tập huấn nội bộ" not in page
    assert anonymous.get(f"/materials/{public}/download").status_code == 200
    assert anonymous.get(f"/materials/{public}/download").headers["Content-Disposition"] == \
        "attachment; filename*=UTF-8''tai-lieu.pdf"
    response = anonymous.get(f"/materials/{staff}/download")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Tài liệu tập huấn nội bộ" not in anonymous.get("/materials?audience=staff").get_data(as_text=True)
    trainer.get(f"/materials/{staff}/download")
    staff_page = trainer.get("/materials").get_data(as_text=True)
    assert "<td>Người dân</td><td>1</td><td>2</td>" in staff_page  # audience, version, downloads
    assert "<td>Cán bộ</td><td>1</td><td>1</td>" in staff_page


def test_search_ignores_accents_and_case(ctx, login):
    session = login("trainer")
    _upload(session, make_pdf("a"), title="Thanh toán phí trực tuyến", topic="online_payment")
    _upload(session, make_pdf("b"), title="Số hóa hồ sơ tại quầy", topic="digitisation", audience="staff")

    def titles(query):
        html = session.get(f"/materials?{query}", headers={"HX-Request": "true"}).get_data(as_text=True)
        return [t for t in ("Thanh toán phí trực tuyến", "Số hóa hồ sơ tại quầy") if t in html]

    assert titles("q=thanh+toan") == ["Thanh toán phí trực tuyến"]
    assert titles("q=SỐ+HÓA") == ["Số hóa hồ sơ tại quầy"]
    assert titles("q=so+hoa+quay") == ["Số hóa hồ sơ tại quầy"]
    assert titles("q=ho+so") == ["Số hóa hồ sơ tại quầy"]
    assert titles("topic=online_payment") == ["Thanh toán phí trực tuyến"]
    assert titles("audience=staff") == ["Số hóa hồ sơ tại quầy"]
    assert titles("q=video") == []


def test_the_starter_set_is_generated_once(ctx):
    assert starter.seed(ctx.config["DATA_DIR"]) == 6
    assert starter.seed(ctx.config["DATA_DIR"]) == 0
    rows = {m.starter: (m.audience, m.topic, m.mime) for m in Material.select()}
    assert rows == {
        "guide-online": ("citizens", "online_submission", "application/pdf"),
        "guide-payment": ("citizens", "online_payment", "application/pdf"),
        "guide-lookup": ("citizens", "e_results", "application/pdf"),
        "guide-rating": ("citizens", "service_index", "application/pdf"),
        "counter": ("staff", "using_system", "application/pdf"),
        "scanning": ("staff", "digitisation", "application/pdf"),
    }
    from pypdf import PdfReader

    guide = Material.get(Material.starter == "counter")
    reader = PdfReader(io.BytesIO(storage.read(guide.file, ctx.config["DATA_DIR"])))
    assert len(reader.pages) == 1 and "Tiếp nhận hồ sơ tại quầy" in reader.pages[0].extract_text()


def test_init_db_adds_the_starter_guides(runner):
    first = runner.invoke(args=["init-db"]).output
    assert "starter guides added: 6" in first
    assert "starter guides added: 0" in runner.invoke(args=["init-db"]).output


def test_keyset_pages(ctx, login):
    from services.toolkit import materials

    session = login("trainer")
    pdf = make_pdf()
    digest = storage.write_blob(pdf, ctx.config["DATA_DIR"])
    upload = materials.Upload(digest, len(pdf), "application/pdf", "a.pdf")
    for n in range(materials.PAGE + 3):
        materials.create({"title": f"Tài liệu số {n:03d}", "description": "", "topic": "certification",
                          "audience": "staff"}, upload, "test")
    first = session.get("/materials").get_data(as_text=True)
    assert "Tài liệu số 052" in first and "Tài liệu số 003" in first and "Tài liệu số 002" not in first
    import re

    link = re.search(r'href="(/materials\?[^"]*before=\d+)"', first).group(1).replace("&amp;", "&")
    second = session.get(link).get_data(as_text=True)
    assert "Tài liệu số 002" in second and "Tài liệu số 000" in second and "Tài liệu số 003" not in second
    assert "Tài liệu cũ hơn" not in second


def test_ids_past_the_database_integers_are_not_found(login):
    trainer = login("trainer")
    big = 2 ** 63 + 5
    for url in (f"/materials/{big}", f"/materials/{big}/download", f"/materials/1/versions/{big}"):
        assert trainer.get(url).status_code == 404, url
    assert trainer.post(f"/materials/{big}", data={}).status_code == 404
    assert trainer.get(f"/materials?before={big}").status_code == 200


def test_nul_is_dropped_from_what_is_typed_and_from_the_file_name(ctx, login):
    response = _upload(login("trainer"), make_pdf(), "tai\x00lieu.pdf", title="Tài\x00 liệu",
                       description="Mô\x00 tả", note="Ghi\x00 chú")
    assert response.status_code == 302
    material, version = Material.get(), MaterialVersion.get()
    assert (material.title, material.description, material.file_name, version.note, version.file_name) == (
        "Tài liệu", "Mô tả", "tailieu.pdf", "Ghi chú", "tailieu.pdf")
