"""Accounts without a shell: the admin pages, the password rule, sessions that end at once."""
from __future__ import annotations

import pytest

from models import AuditEvent, User
from services import accounts, audit, passwords
from tests.conftest import PASSWORD, Session, csrf_from

NEW = "ruong-lua-xanh-7"


@pytest.mark.parametrize(("password", "problem"), [
    ("abc-12345", passwords.TOO_SHORT),          # 9 characters
    ("1234567890", passwords.COMMON),            # on the list
    ("Password123", passwords.COMMON),           # on the list, whatever the letter case
    ("qwertyuiop", passwords.COMMON),
    ("intake-ngay-mai", passwords.SAME_AS_USERNAME),
    ("x" * 201, passwords.TOO_LONG),
    ("abc-123456", None),                        # 10 characters, not common
    (NEW, None),
])
def test_password_rule(password, problem):
    assert passwords.problem(password, "intake") == problem


def test_the_list_is_a_few_thousand_lower_case_passwords():
    common = passwords.common_passwords()
    assert 5000 < len(common) < 20000
    assert {"123456", "password", "1234567890", "iloveyou"} <= common
    assert all(p == p.lower() for p in common)


def test_cli_uses_the_same_rule(runner, ctx):
    result = runner.invoke(args=["create-user", "thuha", "--role", "intake", "--password-stdin"],
                           input="1234567890\n")
    assert result.exit_code != 0 and "mật khẩu phổ biến" in result.output
    result = runner.invoke(args=["create-user", "thuha", "--role", "intake", "--password-stdin"],
                           input="ngan-qua\n")
    assert result.exit_code != 0 and "ít nhất 10 ký tự" in result.output
    assert not User.select().where(User.username == "thuha").exists()


# --- Sessions end at once ---------------------------------------------------------------------

def _two_sessions(app, role="intake"):
    return Session(app.test_client(), role), Session(app.test_client(), role)


def _logged_in(session) -> bool:
    return session.get("/").status_code == 200


def test_logging_out_ends_every_session_of_the_user(app):
    here, there = _two_sessions(app)
    other_user = Session(app.test_client(), "leader")
    assert _logged_in(here) and _logged_in(there)
    here.post("/logout")
    assert not _logged_in(here) and not _logged_in(there)
    assert _logged_in(other_user)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app):
    here, there = _two_sessions(app)
    response = here.post("/account/password", data={"old_password": PASSWORD, "password": NEW,
                                                     "password2": NEW})
    assert response.status_code == 302
    assert _logged_in(here) and not _logged_in(there)
    with app.app_context():
        assert accounts.authenticate("intake", NEW).user is not None
        assert accounts.authenticate("intake", PASSWORD).user is None


def test_own_password_change_needs_the_old_one_and_the_rule(app):
    session = Session(app.test_client(), "intake")
    response = session.post("/account/password", data={"old_password": "not-the-one-1", "password": NEW,
                                                        "password2": NEW})
    assert response.status_code == 422
    assert "Mật khẩu hiện tại không đúng" in response.get_data(as_text=True)
    response = session.post("/account/password", data={"old_password": PASSWORD, "password": "1234567890",
                                                        "password2": "1234567890"})
    assert response.status_code == 422 and "phổ biến" in response.get_data(as_text=True)
    response = session.post("/account/password", data={"old_password": PASSWORD, "password": NEW,
                                                        "password2": NEW + "x"})
    assert response.status_code == 422 and "không giống nhau" in response.get_data(as_text=True)
    assert _logged_in(session)
    with app.app_context():
        assert accounts.authenticate("intake", PASSWORD).user is not None


def test_deactivation_ends_every_session_at_once(app):
    here, there = _two_sessions(app)
    admin = Session(app.test_client(), "admin")
    page = admin.get("/admin/users/3/deactivate")
    assert page.status_code == 200 and "intake" in page.get_data(as_text=True)
    assert _logged_in(here)  # the confirmation page changed nothing
    assert admin.post("/admin/users/3/deactivate").status_code == 302
    assert not _logged_in(here) and not _logged_in(there)
    with app.app_context():
        assert accounts.authenticate("intake", PASSWORD).user is None
    admin.post("/admin/users/3/reactivate")
    with app.app_context():
        assert accounts.authenticate("intake", PASSWORD).user is not None


def test_an_admin_password_reset_ends_the_sessions(app):
    here = Session(app.test_client(), "intake")
    admin = Session(app.test_client(), "admin")
    response = admin.post("/admin/users/3/password", data={"password": NEW, "password2": NEW})
    assert response.status_code == 302
    assert not _logged_in(here)
    with app.app_context():
        assert accounts.authenticate("intake", NEW).user is not None


def test_a_session_id_without_the_current_version_is_refused(ctx):
    user = User.get(User.username == "intake")
    assert accounts.user_for_session(user.get_id()) == user
    assert accounts.user_for_session(str(user.id)) is None  # the old form, before versions
    assert accounts.user_for_session(f"{user.id}.{user.session_version + 1}") is None
    assert accounts.user_for_session("x.y") is None


# --- The admin pages ---------------------------------------------------------------------------

def test_admin_creates_an_account_that_can_log_in(app):
    admin = Session(app.test_client(), "admin")
    form = {"username": "ThuHa", "full_name": "Lê Thu Hà", "role": "intake", "unit": "Tổ một cửa",
            "password": NEW, "password2": NEW}
    response = admin.post("/admin/users/new", data=form)
    assert response.status_code == 302
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert "thuha" in listing and "Lê Thu Hà" in listing and "Tổ một cửa" in listing
    with app.app_context():
        user = accounts.authenticate("thuha", NEW).user
        assert user.role == "intake" and user.unit.name == "Tổ một cửa"
        event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
        assert (event.actor, event.action, event.after["username"]) == ("admin", "user.create", "thuha")
        assert audit.verify().ok


def test_a_bad_account_form_comes_back_with_values_and_nothing_saved(app):
    admin = Session(app.test_client(), "admin")
    form = {"username": "Thu Hà", "full_name": "Lê Thu Hà", "role": "king", "unit": "",
            "password": "short", "password2": "short"}
    response = admin.post("/admin/users/new", data=form)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Lê Thu Hà"' in text
    assert "ít nhất 10 ký tự" in text and "không dấu" in text and "Vui lòng chọn" in text
    response = admin.post("/admin/users/new", data={**form, "username": "intake", "role": "intake",
                                                    "password": NEW, "password2": NEW})
    assert response.status_code == 422 and "đã có người dùng" in response.get_data(as_text=True)
    with app.app_context():
        assert User.select().count() == 6


def test_admin_changes_role_and_unit(app):
    admin = Session(app.test_client(), "admin")
    response = admin.post("/admin/users/3", data={"full_name": "Cán bộ Hường", "role": "specialist",
                                                  "unit": "Phòng Tư pháp"})
    assert response.status_code == 302
    with app.app_context():
        user = User.get_by_id(3)
        assert (user.role, user.unit.name, user.full_name) == ("specialist", "Phòng Tư pháp", "Cán bộ Hường")


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(app):
    admin = Session(app.test_client(), "admin")
    response = admin.post("/admin/users/1", data={"full_name": "Quản trị", "role": "intake", "unit": ""})
    assert response.status_code == 422 and "quản trị viên cuối cùng" in response.get_data(as_text=True)
    response = admin.post("/admin/users/1/deactivate")
    assert response.status_code == 302
    with app.app_context():
        assert User.get_by_id(1).active and User.get_by_id(1).role == "admin"


def test_admin_sees_and_clears_a_login_wait(app):
    admin = Session(app.test_client(), "admin")
    with app.app_context():
        for _ in range(5):
            accounts.authenticate("intake", "wrong-password-x", "10.0.0.7")
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert "Mở khóa" in listing
    assert admin.get("/admin/users/3/unlock").status_code == 200
    assert admin.post("/admin/users/3/unlock").status_code == 302
    with app.app_context():
        assert accounts.authenticate("intake", PASSWORD, "10.0.0.7").user is not None


def test_pages_work_as_fragments_too(app):
    admin = Session(app.test_client(), "admin")
    response = admin.post("/admin/users/new", data={"username": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert text.lstrip().startswith("<form") and "<html" not in text


def test_password_page_has_the_csrf_token(app):
    session = Session(app.test_client(), "trainer")
    assert csrf_from(session.get("/account/password").get_data(as_text=True))
