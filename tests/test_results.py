"""Electronic results: drafted from the dossier or uploaded as a scan, with a QR code to their verification
page; signed by the leader and the organisation (keystore in memory only); the settle gate; the citizen's
download."""
from __future__ import annotations

import dataclasses
import io
import subprocess

import pytest

from models import AuditEvent, Dossier, ResultDocument, User
from services import keystore, offline_signing, results, signing, transitions, verification
from services import office as office_service
from tests.conftest import Session
from tests.pki import make_ca, make_p12, make_signer, sample_pdf
from tests.processing_helpers import receive, step

ORG_PASS = "mật-khẩu-con-dấu-2026"
LEADER_PASS = "mật-khẩu-chủ-tịch"
URL = "https://motcua.example.vn/verify/r/{}"


@pytest.fixture(scope="module")
def pki():
    ca = make_ca()
    leader = make_signer(ca, "Trần Văn Bình")
    org = make_signer(ca, "Ủy ban nhân dân phường Hà Đông")
    return {"ca": ca, "leader": leader, "org": org, "other": make_signer(ca, "Người khác"),
            "leader_p12": make_p12(leader, ca, LEADER_PASS), "org_p12": make_p12(org, ca, ORG_PASS)}


def _processing(app, procedure="1.004873"):
    d = receive(app, procedure, "2026-11-16 08:00")
    step(d.code, "start", "2026-11-16 09:00", by="specialist")
    return Dossier.get(Dossier.code == d.code)


def _content(dossier):
    content = results.default_content(dossier, office_service.get_office())
    return dataclasses.replace(content, number="12/GXN-UBND", body=content.body.replace(
        "Nội dung giải quyết: ...", "Xác nhận: Bà Nguyễn Thị Hường hiện chưa đăng ký kết hôn với ai."))


def _draft(app, dossier):
    specialist = User.get(User.username == "specialist")
    return results.create_generated(dossier, office_service.get_office(), _content(dossier), specialist,
                                    app.config["DATA_DIR"], URL.format)


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _sign(app, document, pki):
    leader = User.get(User.username == "leader")
    return results.sign_with_file(document, pki["leader_p12"], LEADER_PASS, "Chủ tịch", leader,
                                  office_service.get_office(), app.config["DATA_DIR"])


@pytest.fixture
def unlocked(ctx, pki):
    from tests.test_signing import seal_png

    keystore.install(pki["org_p12"], ORG_PASS, ctx.config["DATA_DIR"], "admin", seal_png())
    yield
    keystore.lock(ctx.config["DATA_DIR"], "admin")


# --- the document ------------------------------------------------------------------------------

def test_default_text_is_filled_from_the_dossier(ctx):
    dossier = _processing(ctx)
    content = results.default_content(dossier, office_service.get_office())
    assert content.title == "Giấy xác nhận tình trạng hôn nhân"
    assert content.signer_title == "Chủ tịch" and content.signer_name == "Cán bộ leader"
    assert "Nguyễn Thị Hường" in content.body and "001195012345" in content.body
    assert dossier.code in content.body and "ngày 16 tháng 11 năm 2026" in content.body
    errors = results.validate({"title": content.title, "body": content.body, "signer_title": "Chủ tịch",
                               "signer_name": "A"})[1]
    assert errors == {"body": "Please complete the text: it still has dots to fill in."}


def test_generated_result_has_the_decree_30_layout_and_its_qr_link(ctx, tmp_path):
    dossier = _processing(ctx)
    document = _draft(ctx, dossier)
    pdf = results.read(document.draft, ctx.config["DATA_DIR"])
    text = _text(pdf, tmp_path)
    for expected in ("ỦY BAN NHÂN DÂN", "PHƯỜNG HÀ ĐÔNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Số: 12/GXN-UBND", "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
                     "hiện chưa đăng ký kết hôn với ai", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Cán bộ leader",
                     "Nơi nhận:", "Quét mã để xác thực văn bản điện tử", document.verify_key):
        assert expected in text, expected
    assert len(document.verify_key) == 32
    # the QR code itself carries the verification address
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / "doc.pdf"), str(tmp_path / "page")], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page-1.png")], capture_output=True,
                             text=True).stdout.split()
    assert decoded == [URL.format(document.verify_key)]
    # the signatures go under the signer's title (right half of the text, which starts 30 mm from the
    # left edge and is 165 mm wide: the halves meet at 112.5 mm = 318.9 pt) and under the QR code (left)
    person, org = document.layout["person"], document.layout["organisation"]
    assert person[0] == org[0] == 0
    assert person[1] >= 318.9 - 1 and org[3] <= 318.9 + 1 and org[1] >= 85.0 - 1


def test_uploaded_scan_gets_the_qr_on_its_last_page(ctx, tmp_path):
    dossier = _processing(ctx)
    specialist = User.get(User.username == "specialist")
    document = results.create_upload(dossier, sample_pdf(pages=2), specialist, ctx.config["DATA_DIR"],
                                     URL.format, 20 * 2**20)
    pdf = results.read(document.draft, ctx.config["DATA_DIR"])
    (tmp_path / "scan.pdf").write_bytes(pdf)
    last = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(tmp_path / "scan.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    first = subprocess.run(["pdftotext", "-l", "1", str(tmp_path / "scan.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "Quét mã để xác thực" in last and "Trang 2." in last
    assert "Quét mã" not in first and "Trang 1." in first
    for bad, message in ((b"", "Please choose the scan of the paper result (PDF)."),
                         (b"PK\x03\x04 not a pdf", "The file is not a PDF document."),
                         (b"%PDF-1.4\n" + b"x" * 2048, "The file is larger than the limit of %(mb)s MB.")):
        with pytest.raises(results.ResultError) as refused:
            results.create_upload(dossier, bad, specialist, ctx.config["DATA_DIR"], URL.format, 1024)
        assert refused.value.message == message
    assert ResultDocument.select().count() == 1


# --- signing -------------------------------------------------------------------------------------

def test_leader_and_organisation_signatures_are_both_valid(ctx, pki, unlocked, tmp_path):
    dossier = _processing(ctx)
    document = _draft(ctx, dossier)
    signed = _sign(ctx, document, pki)
    data = results.read(signed.document.signed, ctx.config["DATA_DIR"])
    first, second = verification.verify_pdf(data, [pki["ca"].cert]).signatures
    assert (first.signer, second.signer) == ("Trần Văn Bình", "Ủy ban nhân dân phường Hà Đông")
    assert first.ok and first.trusted and second.ok and second.trusted and second.covers_whole_document
    assert data.startswith(results.read(document.draft, ctx.config["DATA_DIR"]))  # the draft, signed as it was
    # the appearances sit where the layout reserved room for them
    reader = verification.open_pdf(data)
    rects = sorted([round(float(v)) for v in a.get_object()["/Rect"]]
                   for a in reader.root["/Pages"]["/Kids"][0].get_object()["/Annots"]
                   if a.get_object().get("/FT") == "/Sig" or "/Parent" in a.get_object())
    assert rects == sorted([round(v) for v in document.layout[n][1:]] for n in ("organisation", "person"))
    # the organisation's seal is drawn in red in its box, and nowhere in the leader's
    from PIL import Image

    (tmp_path / "signed.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(tmp_path / "signed.pdf"), str(tmp_path / "shot")], check=True)
    image = Image.open(tmp_path / "shot-1.png").convert("RGB")

    def red_in(box):
        x1, y1, x2, y2 = box
        crop = image.crop((round(x1), round(842 - y2), round(x2), round(842 - y1)))
        return sum(1 for r, g, b in crop.getdata() if r > 150 and g < 90 and b < 90)

    assert red_in(document.layout["organisation"][1:]) > 200 and red_in(document.layout["person"][1:]) == 0
    # poppler agrees, with the test CA trusted
    nss = tmp_path / "nss"
    nss.mkdir()
    (tmp_path / "ca.pem").write_bytes(pki["ca"].pem)
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "ca", "-t", "CT,C,C", "-i",
                    str(tmp_path / "ca.pem")], check=True)
    out = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(tmp_path / "signed.pdf")], capture_output=True,
                         text=True).stdout
    assert out.count("Signature is Valid.") == 2 and out.count("Certificate is Trusted.") == 2
    event = AuditEvent.select().where(AuditEvent.action == "result.sign").get()
    assert event.after["how"] == "certificate_file" and event.after["sha256"] == signed.sha256
    with pytest.raises(results.ResultError):  # once signed, it stays as it is
        _sign(ctx, ResultDocument.get_by_id(document.id), pki)


def test_the_organisation_passphrase_is_held_in_memory_only(ctx, pki, tmp_path):
    data_dir = ctx.config["DATA_DIR"]
    with pytest.raises(signing.SigningError) as wrong:
        keystore.install(pki["org_p12"], "sai", data_dir, "admin")
    assert wrong.value.message == "Wrong passphrase for the certificate file."
    keystore.install(pki["org_p12"], ORG_PASS, data_dir, "admin")
    assert keystore.credential(data_dir).name == "Ủy ban nhân dân phường Hà Đông"
    keystore.lock(data_dir, "admin")
    assert keystore.credential(data_dir) is None
    dossier = _processing(ctx)
    document = _draft(ctx, dossier)
    with pytest.raises(signing.SigningError) as locked:
        _sign(ctx, document, pki)
    assert locked.value.message.startswith("The organisation certificate is locked.")
    with pytest.raises(signing.SigningError):
        keystore.unlock("sai", data_dir, "leader")
    keystore.unlock(ORG_PASS, data_dir, "leader")
    _sign(ctx, ResultDocument.get_by_id(document.id), pki)
    keystore.lock(data_dir, "leader")
    # nothing on disk (database, data folder) holds the passphrase, in any encoding
    ctx_db = ctx.config["DATABASE_URL"].removeprefix("sqlite:///")
    from models import db

    db.close()
    import pathlib

    files = [pathlib.Path(ctx_db), *pathlib.Path(ctx_db).parent.glob("office.db*"),
             *pathlib.Path(data_dir).rglob("*")]
    for path in (p for p in files if p.is_file()):
        blob = path.read_bytes()
        for encoding in ("utf-8", "utf-16-le"):
            assert ORG_PASS.encode(encoding) not in blob, path
    db.connect(reuse_if_open=True)
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.entity == "org_keystore")]
    assert actions == ["keystore.install", "keystore.lock", "keystore.unlock", "keystore.lock"]


def test_token_on_the_leaders_pc_then_the_organisation(ctx, pki, unlocked):
    from tests.test_offline_signing import vendor_sign

    leader = User.get(User.username == "leader")
    offline_signing.register_certificate(leader, pki["leader"].pem, "admin")
    dossier = _processing(ctx)
    document = _draft(ctx, dossier)
    office, data_dir = office_service.get_office(), ctx.config["DATA_DIR"]
    with pytest.raises(results.ResultError):  # nothing prepared yet
        results.accept_token_upload(document, b"%PDF-", leader, office, data_dir)
    prepared = results.prepare_for_token(document, leader, office, data_dir)
    with pytest.raises(signing.SigningError) as other:
        results.accept_token_upload(document, vendor_sign(prepared, pki["other"], pki["ca"]), leader, office, data_dir)
    assert other.value.message == "The document was signed with a certificate not registered for this official."
    different = offline_signing.prepare(sample_pdf())
    with pytest.raises(signing.SigningError):
        results.accept_token_upload(document, vendor_sign(different, pki["leader"], pki["ca"]), leader, office,
                                    data_dir)
    assert ResultDocument.get_by_id(document.id).signed_id is None
    signed = results.accept_token_upload(document, vendor_sign(prepared, pki["leader"], pki["ca"]), leader, office,
                                         data_dir)
    first, second = verification.verify_pdf(results.read(signed.document.signed, data_dir),
                                             [pki["ca"].cert]).signatures
    assert (first.signer, second.signer) == ("Trần Văn Bình", "Ủy ban nhân dân phường Hà Đông")
    assert first.ok and second.ok and second.covers_whole_document


# --- the settle gate ---------------------------------------------------------------------------

GATE = "This dossier cannot be settled without its signed electronic result, unless the leader records an exemption with a reason."


def test_settling_needs_a_signed_result(ctx, pki, unlocked):
    dossier = _processing(ctx)
    with pytest.raises(transitions.TransitionError) as refused:
        step(dossier.code, "settle", "2026-11-17 09:00", by="specialist", settle_gate=True)
    assert refused.value.message == GATE
    document = _draft(ctx, dossier)
    with pytest.raises(transitions.TransitionError):  # a draft is not enough
        step(dossier.code, "settle", "2026-11-17 09:00", by="specialist", settle_gate=True)
    _sign(ctx, document, pki)
    assert step(dossier.code, "settle", "2026-11-17 09:00", by="specialist", settle_gate=True)[0].status == 9


def test_the_leaders_exemption_opens_the_gate(ctx):
    dossier = _processing(ctx)
    for role in ("specialist", "admin"):
        with pytest.raises(results.ResultError):
            results.exempt(dossier, "Kết quả cấp bằng giấy theo yêu cầu", User.get(User.username == role))
    leader = User.get(User.username == "leader")
    with pytest.raises(results.ResultError) as empty:
        results.exempt(dossier, "   ", leader)
    assert empty.value.message == "Please write the reason."
    results.exempt(dossier, "Người dân chỉ nhận bản giấy", leader)
    assert step(dossier.code, "settle", "2026-11-17 09:00", by="specialist", settle_gate=True)[0].status == 9


def test_a_procedure_without_a_result_of_its_own_settles_freely(ctx):
    dossier = _processing(ctx, "2.001159")  # a stay notice
    assert not dossier.version.issues_result
    assert step(dossier.code, "settle", "2026-11-16 09:30", by="specialist", settle_gate=True)[0].status == 9


def test_the_settle_command_obeys_the_gate(app, runner, pki):
    from tests.processing_helpers import using

    with using(app):
        code = _processing(app).code
    result = runner.invoke(args=["dossier-event", code, "settle", "--by", "specialist",
                                 "--at", "2026-11-17T09:00:00+07:00"])
    assert result.exit_code != 0
    assert "không thể chuyển sang Đã xử lý xong" in result.output
    with using(app):
        results.exempt(Dossier.get(Dossier.code == code), "Cấp bản giấy", User.get(User.username == "leader"))
    ok = runner.invoke(args=["dossier-event", code, "settle", "--by", "specialist", "--at", "2026-11-17T09:00:00+07:00"])
    assert ok.exit_code == 0, ok.output


# --- pages ---------------------------------------------------------------------------------------

def _post_files(session, url, **fields):
    data = {"csrf_token": session.csrf}
    for name, value in fields.items():
        data[name] = (io.BytesIO(value[1]), value[0]) if isinstance(value, tuple) else value
    return session.client.post(url, data=data, content_type="multipart/form-data")


def test_specialist_drafts_leader_signs_citizen_downloads(app, login, pki):
    from tests.processing_helpers import using

    with using(app):
        dossier = _processing(app)
        code, secret = dossier.code, dossier.secret
        keystore.install(pki["org_p12"], ORG_PASS, app.config["DATA_DIR"], "admin")
    specialist = login("specialist")
    page = specialist.get(f"/intake/{code}").get_data(as_text=True)
    assert "Kết quả điện tử" in page and f"/results/{code}" in page
    form = specialist.get(f"/results/{code}").get_data(as_text=True)
    assert "Nội dung giải quyết: ..." in form and 'name="passphrase"' not in form  # specialists do not sign
    body = "Xác nhận: Bà Nguyễn Thị Hường hiện chưa đăng ký kết hôn với ai."
    fields = {"number": "", "title": "Giấy xác nhận tình trạng hôn nhân", "body": "Nội dung: ...",
              "signer_title": "Chủ tịch", "signer_name": "Cán bộ leader"}
    refused = specialist.post(f"/results/{code}/draft", fields)
    assert refused.status_code == 422 and "Vui lòng hoàn thiện nội dung" in refused.get_data(as_text=True)
    assert 'value="Cán bộ leader"' in refused.get_data(as_text=True)
    assert specialist.post(f"/results/{code}/draft", {**fields, "body": body}).status_code == 302
    with using(app):
        doc_id = ResultDocument.get().id
    leader = Session(app.test_client(), "leader")
    wrong = _post_files(leader, f"/results/{code}/{doc_id}/sign", certificate=("a.p12", pki["leader_p12"]),
                        passphrase="sai", title="Chủ tịch")
    assert wrong.status_code == 422 and "Sai mật khẩu của tệp chứng thư số." in wrong.get_data(as_text=True)
    ok = _post_files(leader, f"/results/{code}/{doc_id}/sign", certificate=("a.p12", pki["leader_p12"]),
                     passphrase=LEADER_PASS, title="Chủ tịch")
    assert ok.status_code == 302
    citizen = app.test_client()
    assert citizen.get(f"/d/{code}/{secret}/result.pdf").status_code == 404  # not settled yet
    with using(app):
        step(code, "settle", "2026-11-17 09:00", by="specialist", settle_gate=True)
    assert citizen.get(f"/d/{code}/not-the-secret/result.pdf").status_code == 404
    status = citizen.get(f"/d/{code}/{secret}").get_data(as_text=True)
    assert f"/d/{code}/{secret}/result.pdf" in status
    download = citizen.get(f"/d/{code}/{secret}/result.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    signatures = verification.verify_pdf(download.data, [pki["ca"].cert]).signatures
    assert [s.signer for s in signatures] == ["Trần Văn Bình", "Ủy ban nhân dân phường Hà Đông"]
    with using(app):
        key = ResultDocument.get().verify_key
        keystore.lock(app.config["DATA_DIR"], "admin")
    public = citizen.get(f"/verify/r/{key}").get_data(as_text=True)
    assert "Trần Văn Bình" in public and "Ủy ban nhân dân phường Hà Đông" in public and code in public
    assert citizen.get("/verify/r/" + "0" * 32).status_code == 404


def test_keystore_pages(app, login, pki):
    admin = login("admin")
    missing = _post_files(admin, "/results/keystore/install", passphrase=ORG_PASS)
    assert missing.status_code == 422
    wrong = _post_files(admin, "/results/keystore/install", certificate=("org.p12", pki["org_p12"]), passphrase="x")
    assert wrong.status_code == 422 and "Sai mật khẩu" in wrong.get_data(as_text=True)
    assert _post_files(admin, "/results/keystore/install", certificate=("org.p12", pki["org_p12"]),
                       passphrase=ORG_PASS).status_code == 302
    leader = Session(app.test_client(), "leader")
    page = leader.get("/results/keystore").get_data(as_text=True)
    assert "Đã mở khóa" in page and "Ủy ban nhân dân phường Hà Đông" in page
    assert leader.post("/results/keystore/lock").status_code == 302
    assert "Đang khóa" in leader.get("/results/keystore").get_data(as_text=True)
    bad = leader.post("/results/keystore/unlock", {"passphrase": "sai"})
    assert bad.status_code == 422 and "Sai mật khẩu" in bad.get_data(as_text=True)
    assert leader.post("/results/keystore/unlock", {"passphrase": ORG_PASS}).status_code == 302
    with app.app_context():
        assert keystore.credential(app.config["DATA_DIR"]) is not None
        keystore.lock(app.config["DATA_DIR"], "admin")


def test_result_page_as_page_and_as_fragment(app, login):
    from tests.processing_helpers import using

    with using(app):
        code = _processing(app).code
    specialist = login("specialist")
    page = specialist.get(f"/results/{code}")
    fragment = specialist.get(f"/results/{code}", headers={"HX-Request": "true"})
    assert page.status_code == fragment.status_code == 200
    assert "<html" in page.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    assert 'id="f-body"' in fragment.get_data(as_text=True) and "HX-Request" in page.headers["Vary"]


def test_a_seal_that_is_not_a_png_is_refused(ctx, pki):
    with pytest.raises(signing.SigningError) as refused:
        keystore.install(pki["org_p12"], ORG_PASS, ctx.config["DATA_DIR"], "admin", b"GIF89a....")
    assert refused.value.message == "The seal image must be a PNG file."
    assert keystore.installed() is None


def test_a_document_id_past_the_database_integers_is_not_found(app, login):
    from tests.processing_helpers import using

    with using(app):
        code = _processing(app).code
    leader = login("leader")
    huge = 2 ** 63
    assert leader.get(f"/results/{code}/{huge}.pdf").status_code == 404
    assert leader.post(f"/results/{code}/{huge}/prepare").status_code == 404


def test_the_draft_form_drops_nul_and_refuses_an_over_long_line():
    form = {"title": "Giấy\x00 xác nhận", "body": "Xác nhận\x00 đã đăng ký.", "signer_title": "Chủ tịch",
            "signer_name": "A", "number": "x" * 201}
    content, errors = results.validate(form)
    assert content.title == "Giấy xác nhận" and content.body == "Xác nhận đã đăng ký."
    assert errors == {"number": "This text is too long."}  # refused, not cut short and saved
    assert results.validate({**form, "number": "", "body": "a" * 6001})[1] == {"body": "This text is too long."}


def test_an_exemption_reason_drops_nul_and_is_refused_when_over_long(ctx):
    dossier = _processing(ctx)
    leader = User.get(User.username == "leader")
    with pytest.raises(results.ResultError) as long:
        results.exempt(dossier, "a" * 2001, leader)
    assert long.value.message == "This text is too long." and results.exemption_of(dossier) is None
    assert results.exempt(dossier, "Cấp\x00 bản giấy", leader).reason == "Cấp bản giấy"


def test_an_over_long_exemption_reason_comes_back_in_the_form(app, login):
    from tests.processing_helpers import using

    with using(app):
        code = _processing(app).code
    leader = login("leader")
    reason = "Người dân chỉ nhận bản giấy. " * 80
    refused = leader.post(f"/results/{code}/exempt", {"reason": reason})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Nội dung quá dài." in page
    assert reason.strip() in page
    with using(app):
        assert results.exemption_of(Dossier.get(Dossier.code == code)) is None
