"""Practice mode: its own database and folder, the banner on pages and PDFs, reset, nothing sent out,
and never a byte of the real database or files changed."""
from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import create_app
from models import AuditEvent, Dossier, StoredFile, User, db
from services import practice
from services.demo import DEMO_PASSWORD
from tests.conftest import APPLICANT, PASSWORD, Session, csrf_from, make_pdf

BANNER = "BẢN THỰC HÀNH — KHÔNG CÓ GIÁ TRỊ"
ROOT = Path(__file__).resolve().parent.parent


def _config(folder: Path) -> dict:
    return {"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'office.db'}", "DATA_DIR": str(folder / "data"),
            "SECRET_KEY": "test", "SERVER_NAME": "office.test",
            "PRACTICE_DATABASE_URL": f"sqlite:///{folder / 'practice.db'}",
            "PRACTICE_DATA_DIR": str(folder / "practice-data")}


@pytest.fixture(autouse=True)
def _leave_practice():
    yield
    practice.set_active(False)
    if db.obj is not None and not db.is_closed():
        db.close()


@pytest.fixture(scope="module")
def practice_template(tmp_path_factory):
    """A practice database and folder filled once by ``practice-reset`` (password hashing is slow)."""
    folder = tmp_path_factory.mktemp("practice-template")
    real = create_app(_config(folder))
    result = real.test_cli_runner().invoke(args=["practice-reset"])
    assert result.exit_code == 0, result.output
    assert "motcua / demo-12345 / intake" in result.output
    practice.set_active(False)
    return folder


@pytest.fixture(scope="module")
def pki():
    from tests.pki import make_ca, make_p12, make_signer

    ca = make_ca()
    return ca, make_p12(make_signer(ca, "Trần Văn Bình"), ca, "mật-khẩu")


@pytest.fixture
def real(tmp_path, template_db):
    """The real office: the seeded test database in tmp_path (its practice files beside it)."""
    shutil.copyfile(template_db, tmp_path / "office.db")
    return create_app(_config(tmp_path))


def _practice(folder: Path, template: Path):
    shutil.copyfile(template / "practice.db", folder / "practice.db")
    shutil.copytree(template / "practice-data", folder / "practice-data", dirs_exist_ok=True)
    return create_app({**_config(folder), "PRACTICE": True})


def _login(client, username: str, password: str = DEMO_PASSWORD) -> Session:
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_from(page)})
    assert response.status_code == 302, response.get_data(as_text=True)
    session = Session.__new__(Session)
    session.client, session.csrf = client, csrf_from(client.get("/").get_data(as_text=True))
    return session


def _receive(session: Session, scan: bytes, code: str = "2.000884") -> str:
    html = session.get(f"/intake/new?procedure={code}").get_data(as_text=True)
    key = re.search(r'name="form_key" value="([^"]+)"', html).group(1)
    data = {"procedure": code, "channel": "1", "form_key": key, "confirm_duplicate": "1", **APPLICANT}
    for cid in re.findall(r'name="file_(\d+)"', html):
        data.update({f"orig_{cid}": "1", f"copy_{cid}": "0", f"file_{cid}": (io.BytesIO(scan), f"scan-{cid}.pdf")})
    response = session.post("/intake/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].split("/intake/")[1].split("?")[0]


def _snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file of the real office under ``folder``: content hash, size and modification time."""
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if relative.startswith(("practice.db", "practice-data")) or not path.is_file():
            continue
        stat = path.stat()
        files[relative] = (hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns)
    return files


def _pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


# --- Nothing done in practice touches the real office ----------------------------------------------

def test_practice_actions_leave_the_real_database_and_files_byte_identical(tmp_path, real, practice_template, pki):
    with real.app_context():  # the real office has a dossier, its scans and audit events
        _receive(_login(real.test_client(), "intake", PASSWORD), make_pdf("real scan"))
        db.connect(reuse_if_open=True)
        real_dossiers, real_events = Dossier.select().count(), AuditEvent.select().count()
        db.close()
    before = _snapshot(tmp_path)
    assert "office.db" in before and any(name.startswith("data/files/") for name in before)
    assert real_dossiers == 1 and real_events >= 2

    p12 = pki[1]
    result = real.test_cli_runner().invoke(args=["practice-reset"])
    assert result.exit_code == 0, result.output
    app = create_app({**_config(tmp_path), "PRACTICE": True})
    client = app.test_client()
    wrong = client.post("/login", data={"username": "motcua", "password": "sai-mat-khau",
                                        "csrf_token": csrf_from(client.get("/login").get_data(as_text=True))})
    assert wrong.status_code == 422  # a failed login is counted too, in the practice database
    officer = _login(client, "motcua")
    code = _receive(officer, make_pdf("practice scan"))
    assert BANNER in _pdf_pages(client.get(f"/intake/{code}/receipt.pdf").data)[0]
    officer.post("/logout")
    admin = _login(client, "admin")
    assert admin.post("/admin/users/new", data={"username": "hocvien", "full_name": "Học viên Một",
                                                "role": "intake", "password": "hoc-vien-12345",
                                                "password2": "hoc-vien-12345"}).status_code == 302
    admin.post("/logout")
    leader = _login(client, "lanhdao")
    signed = leader.post("/sign", data={"csrf_token": leader.csrf, "passphrase": "mật-khẩu", "title": "Chủ tịch",
                                        "file": (io.BytesIO(make_pdf("quyết định")), "qd.pdf"),
                                        "certificate": (io.BytesIO(p12), "ct.p12")},
                         content_type="multipart/form-data")
    assert signed.status_code == 200 and BANNER in _pdf_pages(signed.data)[0]
    prepared = leader.post("/sign/token", data={"csrf_token": leader.csrf,
                                                "file": (io.BytesIO(make_pdf("ky bang token")), "token.pdf")},
                           content_type="multipart/form-data")
    assert prepared.status_code == 302  # the prepared file is kept in the practice folder

    with app.app_context():  # the actions really happened, in the practice database and folder
        db.connect(reuse_if_open=True)
        assert Dossier.get(Dossier.code == code) and User.get(User.username == "hocvien")
        assert AuditEvent.select().where(AuditEvent.action == "document.sign").count() == 1
        for stored in StoredFile.select():
            assert (tmp_path / "practice-data" / "files" / stored.sha256[:2] / stored.sha256).is_file()
        db.close()
    assert _snapshot(tmp_path) == before


def test_a_practice_login_is_no_login_on_the_real_server(tmp_path, real, practice_template):
    app = _practice(tmp_path, practice_template)
    client = app.test_client()
    _login(client, "admin")
    cookie = client.get_cookie("practice_session", domain="office.test")
    assert cookie is not None and client.get_cookie("session", domain="office.test") is None
    real_client = create_app(_config(tmp_path)).test_client()
    for name in ("session", "practice_session"):  # neither under its own name nor renamed
        real_client.set_cookie(name, cookie.value, domain="office.test")
    response = real_client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- The banner on every page and every PDF ----------------------------------------------------------

def _pages(app, code: str) -> list[str]:
    """Every page with no part in its address, plus the pages of one dossier."""
    skip = ("static", "api.", "auth.logout")
    urls = [rule.rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and not rule.endpoint.startswith(skip)
            and not rule.rule.endswith((".csv", ".xlsx", ".pdf"))]
    return urls + [f"/intake/{code}", f"/lookup/{code}", "/no-such-page", "/intake/new?procedure=2.000815"]


def test_every_page_carries_the_banner_in_practice_and_none_in_the_real_office(tmp_path, real, practice_template):
    app = _practice(tmp_path, practice_template)
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    assert BANNER in login_page and "<title>[Thực hành]" in login_page  # before logging in too
    assert "<code>demo-12345</code>" in login_page and "<code>motcua</code>: Cán bộ tiếp nhận" in login_page
    admin = _login(client, "admin")
    with app.app_context():
        db.connect(reuse_if_open=True)
        code = Dossier.select().first().code
        db.close()
    pages = _pages(app, code)
    assert len(pages) >= 15
    for url in pages:
        response = client.get(url)
        html = response.get_data(as_text=True)
        if response.status_code in (301, 302, 303):
            continue
        if response.mimetype == "text/html" and "<html" in html:
            assert BANNER in html, url
    admin.post("/language", data={"language": "en"})
    english = client.get("/").get_data(as_text=True)  # the banner's words stay Vietnamese, the hint is translated
    assert BANNER in english and "Training data: nothing done here touches the real dossiers." in english
    fragment = client.get("/intake/today", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and BANNER not in fragment  # the page around it already shows it

    real_client = create_app(_config(tmp_path)).test_client()  # binds the real database again
    _login(real_client, "admin", PASSWORD)
    for url in pages[:10] + ["/login", "/no-such-page"]:
        assert BANNER not in real_client.get(url).get_data(as_text=True), url
    real_client.post("/logout", data={"csrf_token": csrf_from(real_client.get("/").get_data(as_text=True))})
    real_login = real_client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in real_login and "demo-12345" not in real_login and "Tài khoản thực hành" not in real_login


def test_every_pdf_leaving_the_practice_app_carries_the_banner(tmp_path, real, practice_template):
    app = _practice(tmp_path, practice_template)
    client = app.test_client()
    officer = _login(client, "motcua")
    code = _receive(officer, make_pdf("ban chup giay to"))
    # a scan of two pages, one of them landscape, made outside the app
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.drawString(100, 700, "trang mot")
    canvas.showPage()
    canvas.setPageSize(landscape(A4))
    canvas.drawString(100, 400, "trang hai")
    canvas.showPage()
    canvas.save()
    two_pages = buffer.getvalue()
    assert BANNER not in "".join(_pdf_pages(two_pages))
    code2 = _receive(officer, two_pages)
    served = {
        "receipt": client.get(f"/intake/{code}/receipt.pdf"),
        "scan": client.get(f"/intake/{code2}/files/1"),
        "control slip": client.get(f"/processing/{code}/form/6.pdf"),
        "register": client.get("/processing/register.pdf"),
        "cash statement": client.get("/payments/cash.pdf"),
    }
    for name, response in served.items():
        assert response.status_code == 200 and response.mimetype == "application/pdf", name
        pages = _pdf_pages(response.data)
        assert pages and all(BANNER in text for text in pages), name
    scan = served["scan"].data
    assert scan.startswith(two_pages) and len(_pdf_pages(scan)) == 2  # stamped as an update: nothing lost
    assert "trang hai" in _pdf_pages(scan)[1]

    real_client = create_app(_config(tmp_path)).test_client()  # binds the real database again
    real_code = _receive(_login(real_client, "intake", PASSWORD), two_pages)
    for url in (f"/intake/{real_code}/receipt.pdf", f"/intake/{real_code}/files/1"):
        assert BANNER not in "".join(_pdf_pages(real_client.get(url).data)), url
    assert real_client.get(f"/intake/{real_code}/files/1").data == two_pages


def test_a_document_signed_in_practice_carries_the_banner_under_a_valid_signature(tmp_path, practice_template, pki):
    from services import offline_signing, verification

    ca, p12 = pki
    app = _practice(tmp_path, practice_template)
    leader = _login(app.test_client(), "lanhdao")
    response = leader.post("/sign", data={"csrf_token": leader.csrf, "passphrase": "mật-khẩu", "title": "Chủ tịch",
                                          "file": (io.BytesIO(make_pdf("quyết định")), "qd.pdf"),
                                          "certificate": (io.BytesIO(p12), "ct.p12")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and BANNER in _pdf_pages(response.data)[0]
    signature = verification.verify_pdf(response.data, [ca.cert]).signatures[0]
    assert (signature.intact, signature.trusted, signature.covers_whole_document) == (True, True, True)
    with app.app_context():  # a token signature on the official's PC signs the stamped file as well
        assert BANNER in _pdf_pages(offline_signing.prepare(make_pdf("van ban")))[0]


# --- The stamp itself ----------------------------------------------------------------------------------

def test_stamp_is_an_update_that_keeps_the_original_and_is_made_once():
    original = make_pdf("giay to")
    stamped = practice.stamp(original)
    assert stamped.startswith(original) and len(stamped) > len(original)
    assert BANNER in _pdf_pages(stamped)[0] and "giay to" in _pdf_pages(stamped)[0]
    assert practice.stamp(stamped) == stamped
    assert practice.stamp(b"not a pdf at all") == b"not a pdf at all"
    from pypdf import PdfWriter

    for user_password, readable in (("", True), ("mat-khau", False)):  # a scan locked by its maker
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original)))
        writer.encrypt(user_password, "chu-so-huu")
        locked = io.BytesIO()
        writer.write(locked)
        if readable:  # opens without a password: rewritten whole, with the banner
            assert BANNER in _pdf_pages(practice.stamp(locked.getvalue()))[0]
        else:  # cannot be opened at all: served as it is rather than not at all
            assert practice.stamp(locked.getvalue()) == locked.getvalue()
    assert practice.mark(original) == original  # outside practice mode nothing changes
    practice.set_active(True)
    assert practice.mark(original) == stamped


def test_reportlab_documents_draw_the_banner_only_in_practice():
    from tests.pki import sample_pdf

    assert BANNER not in _pdf_pages(sample_pdf())[0]
    practice.set_active(True)
    drawn = sample_pdf()
    assert BANNER in _pdf_pages(drawn)[0] and practice.is_stamped(drawn) and practice.stamp(drawn) == drawn


# --- Reset, and paths that could reach the real office --------------------------------------------------

def test_practice_reset_puts_the_demo_office_back(tmp_path, real, practice_template):
    app = _practice(tmp_path, practice_template)
    client = app.test_client()
    code = _receive(_login(client, "motcua"), make_pdf("xoa khi khoi phuc"))
    scan = hashlib.sha256(make_pdf("xoa khi khoi phuc")).hexdigest()
    assert (tmp_path / "practice-data" / "files" / scan[:2] / scan).is_file()
    result = real.test_cli_runner().invoke(args=["practice-reset"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "practice-data" / "files" / scan[:2] / scan).exists()
    with create_app({**_config(tmp_path), "PRACTICE": True}).app_context():
        db.connect(reuse_if_open=True)
        assert not Dossier.select().where(Dossier.code == code).exists()
        # the three demo dossiers, received again: one waits, one is being processed, one waits for a supplement
        assert sorted(d.status for d in Dossier.select()) == [2, 4, 5]
        assert sorted(u.username for u in User.select()) == sorted(
            ["admin", "lanhdao", "motcua", "chuyenvien", "giangvien", "thanhtra"])
        db.close()


@pytest.mark.parametrize("practice_db,practice_data", [
    ("office.db", "practice-data"),  # the real database itself
    ("practice.db", "data"),  # the real data folder
    ("practice.db", "data/practice"),  # inside the real data folder
    ("data/practice.db", "practice-data"),  # a practice database inside the real data folder
    ("practice.db", "."),  # a folder holding the real database: a reset would empty it
])
def test_practice_paths_that_reach_the_real_office_are_refused(tmp_path, practice_db, practice_data):
    config = {**_config(tmp_path), "PRACTICE_DATABASE_URL": f"sqlite:///{tmp_path / practice_db}",
              "PRACTICE_DATA_DIR": str(tmp_path / practice_data)}
    with pytest.raises(practice.PracticeError):
        create_app({**config, "PRACTICE": True})
    result = create_app(config).test_cli_runner().invoke(args=["practice-reset"])
    assert result.exit_code == 2 and "phải để riêng" in result.output


def test_reset_refuses_a_folder_practice_mode_did_not_make(tmp_path):
    stranger = tmp_path / "elsewhere"
    stranger.mkdir()
    (stranger / "keep.txt").write_text("giữ nguyên", encoding="utf-8")
    with pytest.raises(practice.PracticeError):
        practice.erase({"PRACTICE": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                        "DATA_DIR": str(stranger)})
    assert (stranger / "keep.txt").read_text(encoding="utf-8") == "giữ nguyên"
    with pytest.raises(practice.PracticeError):
        practice.erase({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "DATA_DIR": str(tmp_path / "x")})


# --- Nothing is sent outside ----------------------------------------------------------------------------

def test_remote_signing_is_refused_in_practice_and_reaches_no_server():
    import http.server
    import threading

    from services.remote_signing import CscProvider
    from services.signing import SigningError

    calls = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            calls.append(self.path)
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        provider = CscProvider(f"http://127.0.0.1:{server.server_port}", "khoa-1", timeout=5)
        with pytest.raises(SigningError):  # outside practice the call does reach the service
            provider.certificates()
        assert len(calls) == 1
        practice.set_active(True)
        with pytest.raises(SigningError) as refused:
            provider.certificates()
        assert refused.value.message == practice.OUTGOING_REFUSED and len(calls) == 1
    finally:
        server.shutdown()


def test_applicant_messages_in_practice_are_kept_for_printing_and_reach_no_gateway(tmp_path, practice_template):
    import http.server
    import threading

    from models import DeliveryAttempt, MessagingSettings, OutboxMessage
    from services import delivery, outbox

    calls = []

    class Gateway(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            calls.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    gateway = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    mail = socket.create_server(("127.0.0.1", 0))  # a mail server that would accept the connection
    mail.settimeout(0.5)
    app = _practice(tmp_path, practice_template)
    try:
        with app.app_context():
            db.connect(reuse_if_open=True)
            # the demo supplement request wrote one message to its applicant, who has a phone
            assert OutboxMessage.select().where(OutboxMessage.status == "pending").count() == 1
            outbox.get_settings()  # the settings row, made on first use
            MessagingSettings.update(gateway_url=f"http://127.0.0.1:{gateway.server_port}/sms", smtp_host="127.0.0.1",
                                     smtp_port=mail.getsockname()[1], smtp_sender="tthcc@example.vn").execute()
            db.close()
        result = app.test_cli_runner().invoke(args=["send-messages"])
        assert result.exit_code == 0 and '"sent": 0' in result.output and '"print": 1' in result.output
        with app.app_context():
            db.connect(reuse_if_open=True)
            assert [m.status for m in OutboxMessage.select()] == ["print"]
            assert [a.outcome for a in DeliveryAttempt.select()] == ["print"]
            settings = outbox.get_settings()  # the mail server is not even called
            assert delivery.send_email(settings, "dan@example.vn", "Hồ sơ", "Nội dung", "k1").outcome == "print"
            # a test message says it was not sent (it proves nothing about the real settings)
            assert delivery.send_test(settings, "dan@example.vn", "TTPVHCC", "admin")[1].outcome == "failed"
            db.close()
        with pytest.raises(TimeoutError):
            mail.accept()
        assert calls == []
    finally:
        gateway.shutdown()
        mail.close()


def test_no_connection_or_name_lookup_leaves_the_practice_machine():
    practice.set_active(True)
    for address in (("203.0.113.7", 80), ("2001:db8::1", 443)):
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock, pytest.raises(practice.PracticeBlocked):
            sock.connect(address)
    with pytest.raises(practice.PracticeBlocked):
        socket.getaddrinfo("sms-gateway.example.vn", 443)
    with pytest.raises(urllib.error.URLError):  # what mail and message senders see: a refused connection
        urllib.request.urlopen("http://203.0.113.7/", timeout=5)  # noqa: S310
    try:  # serving on the LAN by the machine's name is no outgoing call
        socket.getaddrinfo(socket.gethostname(), 8001)
    except socket.gaierror:
        pass  # a name this machine cannot resolve: an error of its own, not a refusal by practice mode
    listener = socket.create_server(("127.0.0.1", 0))  # the machine itself stays reachable
    with listener, socket.create_connection(listener.getsockname(), timeout=5):
        pass
    practice.set_active(False)
    assert socket.getaddrinfo("localhost", 80)


# --- The command, for real -------------------------------------------------------------------------------

def test_serve_practice_serves_the_practice_copy_and_never_creates_the_real_database(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "FLASK_DATABASE_URL": f"sqlite:///{tmp_path / 'office.db'}",
           "FLASK_DATA_DIR": str(tmp_path / "data"),
           "FLASK_PRACTICE_DATABASE_URL": f"sqlite:///{tmp_path / 'practice.db'}",
           "FLASK_PRACTICE_DATA_DIR": str(tmp_path / "practice-data"), "FLASK_SECRET_KEY": "test"}
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "serve", "--practice",
                               "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        deadline, page = time.monotonic() + 60, ""
        while time.monotonic() < deadline and not page:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read().decode()  # noqa: S310
            except OSError:
                time.sleep(0.3)
        assert BANNER in page
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode()
    assert "motcua / demo-12345 / intake" in output and f"serving on http://127.0.0.1:{port}" in output
    assert (tmp_path / "practice.db").is_file() and not (tmp_path / "office.db").exists()
    assert list((tmp_path / "data").iterdir()) == []


# --- In a real browser ------------------------------------------------------------------------------------

def test_the_banner_stays_in_view_in_a_real_browser_with_and_without_javascript(tmp_path, practice_template):
    import threading

    from werkzeug.serving import make_server

    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Debian chromium is not installed")
    app = _practice(tmp_path, practice_template)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["SERVER_NAME"] = f"127.0.0.1:{httpd.server_port}"
    base = f"http://127.0.0.1:{httpd.server_port}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            for javascript in (False, True):
                page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN",
                                           java_script_enabled=javascript).new_page()
                page.goto(f"{base}/login")
                page.fill("#username", "motcua")
                page.fill("#password", DEMO_PASSWORD)
                page.press("#password", "Enter")
                page.wait_for_url(f"{base}/")
                page.goto(f"{base}/intake/new?procedure=2.000815")
                banner = page.locator(".practice")
                assert banner.inner_text().startswith(BANNER)
                page.mouse.wheel(0, 3000)
                page.wait_for_timeout(100)
                box = banner.bounding_box()
                assert page.locator("h1").bounding_box()["y"] < 0  # the page did scroll
                assert box["y"] == 0 and box["height"] >= 20  # still at the top after scrolling
                page.screenshot(path=str(tmp_path / f"practice-{javascript}.png"))
                page.context.close()
            browser.close()
    finally:
        httpd.shutdown()
