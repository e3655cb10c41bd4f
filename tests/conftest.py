"""Fixtures: a fresh SQLite file per test, the app, clients, logins and small data builders."""
from __future__ import annotations

import re
import shutil

import pytest

from app import create_app
from models import db
from services import accounts, catalog, demo
from services.database import apply_migrations

PASSWORD = "correct-horse-1"


def _make_app(folder):
    return create_app({
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{folder / 'office.db'}",
        "DATA_DIR": str(folder / "data"),
        "SECRET_KEY": "test",
        "SERVER_NAME": "office.test",
    })


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """Migrated, seeded, one user per role: built once, copied for each test (hashing is slow)."""
    folder = tmp_path_factory.mktemp("template")
    app = _make_app(folder)
    with app.app_context():
        db.connect(reuse_if_open=True)
        apply_migrations()
        catalog.load_seed()
        from services import office
        office.update_settings(demo.DEMO_OFFICE, "test")
        for role in accounts.ROLES:
            accounts.create_user(role, PASSWORD, role, full_name=f"Cán bộ {role}")
        db.close()
    return folder / "office.db"


@pytest.fixture
def app(tmp_path, template_db):
    shutil.copyfile(template_db, tmp_path / "office.db")
    app = _make_app(tmp_path)
    yield app
    if not db.is_closed():
        db.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An app context with an open connection, for calling services directly."""
    with app.app_context():
        db.connect(reuse_if_open=True)
        yield app
        db.close()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Session:
    """A logged-in browser-like client that knows its CSRF token."""

    def __init__(self, client, role: str | None):
        self.client = client
        self.csrf = ""
        if role:
            page = client.get("/login").get_data(as_text=True)
            response = client.post("/login", data={"username": role, "password": PASSWORD,
                                                   "csrf_token": csrf_from(page)})
            assert response.status_code == 302, response.get_data(as_text=True)
        self.csrf = csrf_from(client.get("/login" if not role else "/").get_data(as_text=True))

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, data=None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf)
        return self.client.post(url, data=data, **kw)


@pytest.fixture
def login(client):
    return lambda role=None: Session(client, role)


def make_pdf(text: str = "scan") -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    page = canvas.Canvas(buf, invariant=1)
    page.drawString(100, 700, text)
    page.save()
    return buf.getvalue()


def make_image(fmt: str) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 200, 200)).save(buf, format=fmt)
    return buf.getvalue()


APPLICANT = {
    "applicant_type": "1", "applicant_name": "Nguyễn Thị Hường", "id_number": "001195012345",
    "phone": "0912 345 678", "address": "Số 5 ngõ 12 Quang Trung, Hà Đông", "email": "",
}
