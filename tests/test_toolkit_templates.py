"""The communication templates: each PDF's text, page size and QR codes (decoded with zbarimg from the
rendered page), the DOCX, the preview image, and the office's own wording."""
from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
import zipfile

import pytest
from pypdf import PdfReader

from models import AuditEvent, TemplateText, db
from services import office

SLUGS = ("leaflet", "poster", "standee", "guide-online", "guide-payment", "guide-lookup", "guide-rating")
BASE = "https://motcua.hadong.example"
LOOKUP = BASE + "/lookup"
PORTAL = "https://dichvucong.gov.vn"
# Worked out from the issue: every template reaches the office's lookup, except the two online guides
# (submitting and paying happen on the national portal); leaflet, poster and standee carry both.
EXPECTED_QR = {
    "leaflet": {PORTAL, LOOKUP}, "poster": {PORTAL, LOOKUP}, "standee": {PORTAL, LOOKUP},
    "guide-online": {PORTAL}, "guide-payment": {PORTAL}, "guide-lookup": {LOOKUP}, "guide-rating": {LOOKUP},
}
MM = 72 / 25.4
PAGE_MM = {"leaflet": (210, 297), "poster": (297, 420), "standee": (800, 2000), "guide-online": (148, 210),
           "guide-payment": (148, 210), "guide-lookup": (148, 210), "guide-rating": (148, 210)}
NAME = "Trung tâm Phục vụ hành chính công phường Hà Đông"
HOTLINE = "0243 382 4567"
needs_tools = pytest.mark.skipif(not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
                                 reason="zbar-tools and poppler-utils are needed")


def _text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _qr_codes(png: bytes, tmp_path) -> set[str]:
    path = tmp_path / "page.png"
    path.write_bytes(png)
    done = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True)
    return {line for line in done.stdout.splitlines() if line}


def _page_png(pdf: bytes, tmp_path, width_px: int = 1400) -> bytes:
    """The first page rendered by poppler, about width_px wide."""
    width_in = float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width) / 72
    (tmp_path / "t.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(int(width_px / width_in)), "-png", "-singlefile",
                    str(tmp_path / "t.pdf"), str(tmp_path / "render")], check=True)
    return (tmp_path / "render.png").read_bytes()


@pytest.fixture
def public_office(ctx):
    settings = {k: getattr(office.get_office(), k) for k in (
        "agency_id", *office.TEXT_FIELDS, *office.HOUR_FIELDS, "max_upload_mb", "max_extensions",
        "receipt_two_copies")}
    office.update_settings({**settings, "public_base_url": BASE}, "test")
    return ctx


@needs_tools
@pytest.mark.parametrize("slug", SLUGS)
def test_each_template_carries_the_office_and_its_qr_codes(public_office, login, tmp_path, slug):
    response = login("specialist").get(f"/toolkit/templates/{slug}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    width, height = PAGE_MM[slug]
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(width * MM, abs=1) and float(box.height) == pytest.approx(height * MM, abs=1)
    text = _text(pdf)
    assert NAME.upper() in text
    assert f"Đường dây nóng: {HOTLINE}" in text
    assert "Giờ làm việc: Thứ Hai đến thứ Sáu, sáng 07:30–11:30, chiều 13:30–17:00" in text
    assert _qr_codes(_page_png(pdf, tmp_path), tmp_path) == EXPECTED_QR[slug]


@needs_tools
def test_without_a_public_address_the_lookup_qr_uses_this_server(ctx, login, tmp_path):
    pdf = login("trainer").get("/toolkit/templates/guide-lookup.pdf").data
    assert _qr_codes(_page_png(pdf, tmp_path), tmp_path) == {"http://office.test/lookup"}


def test_the_default_wording_is_printed(ctx, login):
    text = _text(login("intake").get("/toolkit/templates/guide-online.pdf").data)
    assert "Hướng dẫn nộp hồ sơ trực tuyến" in text
    assert "Đăng nhập bằng tài khoản định danh điện tử VNeID." in text
    for n in "12345":
        assert n in text


def _docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [p.text for table in document.tables for cell in table._cells for p in cell.paragraphs]
    return "\n".join(paragraphs + cells)


@needs_tools
@pytest.mark.parametrize("slug", ["leaflet", "guide-payment"])
def test_the_docx_has_the_same_content_and_qr_codes(public_office, login, tmp_path, slug):
    response = login("inspector").get(f"/toolkit/templates/{slug}.docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{slug}.docx"'
    text = _docx_text(response.data)
    title = {"leaflet": "Làm thủ tục hành chính nhanh hơn, ít phải đi lại",
             "guide-payment": "Hướng dẫn thanh toán phí, lệ phí trực tuyến"}[slug]
    assert title in text and NAME.upper() in text and f"Đường dây nóng: {HOTLINE}" in text
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        images = [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]
    decoded = set()
    for image in images:
        decoded |= _qr_codes(image, tmp_path)
    assert decoded == EXPECTED_QR[slug]


def test_the_list_shows_every_template_with_its_preview(ctx, login):
    session = login("leader")
    page = session.get("/toolkit/templates").get_data(as_text=True)
    for name in ("Tờ rơi", "Áp phích", "Standee đặt tại quầy", "Hướng dẫn nộp hồ sơ trực tuyến",
                 "Hướng dẫn thanh toán trực tuyến", "Hướng dẫn tra cứu kết quả", "Hướng dẫn đánh giá sự hài lòng"):
        assert f"<h2>{name}</h2>" in page
    assert "Sửa nội dung" not in page  # a leader downloads, the trainer and the admin edit the wording
    import re

    previews = re.findall(r'src="(/toolkit/templates/[a-z-]+\.png\?v=[0-9a-f]+)"', page)
    assert len(previews) == 7
    image = session.get(previews[0])
    assert image.data.startswith(b"\x89PNG") and image.headers["Cache-Control"].startswith("private, max-age")
    from PIL import Image

    assert Image.open(io.BytesIO(image.data)).size[0] == 180
    assert session.get("/toolkit/templates/leaflet.png").headers["Cache-Control"] == "no-store"  # no key


def test_fragment_for_htmx(ctx, login):
    response = login("trainer").get("/toolkit/templates", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert 'id="templates"' in html and "<html" not in html and "HX-Request" in response.headers["Vary"]


def test_unknown_template_is_404(ctx, login):
    session = login("trainer")
    assert session.get("/toolkit/templates/brochure.pdf").status_code == 404
    assert session.get("/toolkit/templates/brochure/edit").status_code == 404


def test_the_office_changes_the_wording(ctx, login):
    session = login("trainer")
    form = {"title": "Nộp hồ sơ qua mạng tại phường Hà Đông", "intro": "",
            "items": "Bước một\n\n  Bước hai  \nBước ba", "note": "Gọi 0243 382 4567 nếu cần giúp."}
    response = session.post("/toolkit/templates/guide-online/edit", data=form)
    assert response.status_code == 302
    text = _text(session.get("/toolkit/templates/guide-online.pdf").data)
    assert "Nộp hồ sơ qua mạng tại phường Hà Đông" in text and "Bước hai" in text
    assert "Hướng dẫn nộp hồ sơ trực tuyến" not in text
    rows = {r.field: r.text for r in TemplateText.select()}
    assert rows == {"title": form["title"], "intro": "", "items": "Bước một\nBước hai\nBước ba", "note": form["note"]}
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.entity_id, event.actor) == ("template.text", "guide-online", "trainer")
    assert "Nội dung riêng của đơn vị" in session.get("/toolkit/templates").get_data(as_text=True)
    assert session.post("/toolkit/templates/guide-online/edit", data={"action": "reset"}).status_code == 302
    assert TemplateText.select().count() == 0
    assert "Hướng dẫn nộp hồ sơ trực tuyến" in _text(session.get("/toolkit/templates/guide-online.pdf").data)


@pytest.mark.parametrize("form,message", [
    ({"title": "", "items": "Một"}, "Vui lòng điền thông tin này"),
    ({"title": "T", "items": "\n".join(f"Bước {n}" for n in range(8))}, "Tối đa 7 dòng"),
    ({"title": "T", "items": "Một\n" + "x" * 201}, "Dòng 2 dài quá 200 ký tự"),
    ({"title": "x" * 121, "items": "Một"}, "Tối đa 120 ký tự"),
])
def test_bad_wording_is_refused_with_the_values_kept(ctx, login, form, message):
    session = login("admin")
    response = session.post("/toolkit/templates/poster/edit", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message.lower() in html.lower()
    assert form["items"].split("\n")[0] in html
    assert TemplateText.select().count() == 0


def test_a_long_wording_still_fits_one_page(ctx, login):
    session = login("trainer")
    form = {"title": "T" * 120, "intro": "Lời " * 100, "items": "\n".join(["Ý " * 100] * 7), "note": "N" * 300}
    assert session.post("/toolkit/templates/guide-rating/edit", data=form).status_code == 302
    pdf = session.get("/toolkit/templates/guide-rating.pdf").data
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_one_query_for_the_wording_of_every_template(ctx, login):
    from services.toolkit import templates as kit
    from services.toolkit.render import OfficeInfo

    info = OfficeInfo("n", "p", "a", "h", "hours", LOOKUP, PORTAL)
    queries = []
    original = db.obj.execute_sql

    def counting(sql, *args, **kwargs):
        queries.append(sql)
        return original(sql, *args, **kwargs)

    db.obj.execute_sql = counting
    try:
        assert len(kit.all_prepared(info)) == 7
    finally:
        db.obj.execute_sql = original
    assert len(queries) == 1


def test_a_preview_is_rendered_once_per_wording(ctx, login, monkeypatch):
    from services.toolkit import preview

    calls = []
    real = preview.png_from_pdf
    monkeypatch.setattr(preview, "png_from_pdf", lambda pdf: calls.append(1) or real(pdf))
    session = login("trainer")
    first = session.get("/toolkit/templates/poster.png").data
    assert session.get("/toolkit/templates/poster.png").data == first and len(calls) == 1
    session.post("/toolkit/templates/poster/edit", data={"title": "Áp phích mới", "items": "Một ý"})
    assert session.get("/toolkit/templates/poster.png").data != first and len(calls) == 2


def test_control_characters_in_the_wording_or_settings_still_give_a_word_file(ctx, login):
    session = login("trainer")
    form = {"title": "Nộp\x00 hồ sơ", "intro": "", "items": "Bước\x07 một\nBước\x1b hai", "note": ""}
    assert session.post("/toolkit/templates/leaflet/edit", data=form).status_code == 302
    assert {r.field: r.text for r in TemplateText.select()}["title"] == "Nộp hồ sơ"
    office.update_settings({"address": "Số 1\x0bQuang Trung"}, "test")
    response = session.get("/toolkit/templates/leaflet.docx")
    assert response.status_code == 200
    text = _docx_text(response.data)
    assert "Nộp hồ sơ" in text and "Bước một" in text and "Bước hai" in text and "Số 1Quang Trung" in text
