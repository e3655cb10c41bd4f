"""Logging in (waits after failures: test_login_throttle), CSRF, the htmx session-expiry redirect, language choice."""
from __future__ import annotations

from tests.conftest import PASSWORD, csrf_from


def _login(client, username, password):
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_from(page)})


def test_login_and_logout(client):
    response = _login(client, "intake", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Tiếp nhận hồ sơ" in client.get("/").get_data(as_text=True)
    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_message_in_vietnamese(client):
    response = _login(client, "intake", "wrong-password")
    assert response.status_code == 422
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(as_text=True)


def test_next_stays_on_this_site(client):
    page = client.get("/login").get_data(as_text=True)
    for target, expected in (("/intake/today", "/intake/today"), ("//evil.example/x", "/"),
                             ("https://evil.example/", "/")):
        client.get("/")  # keep a fresh session
        response = client.post(f"/login?next={target}", data={
            "username": "intake", "password": PASSWORD, "csrf_token": csrf_from(page)})
        assert response.headers["Location"] == expected, target
        client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
        page = client.get("/login").get_data(as_text=True)


def test_post_without_csrf_is_refused(client, login):
    session = login("admin")
    response = session.client.post("/admin/office", data={"name": "X"})
    assert response.status_code == 400
    assert "hết hạn" in response.get_data(as_text=True)
    response = session.client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400


def test_htmx_post_with_csrf_header_passes(client, login):
    session = login("intake")
    response = session.client.get("/intake/procedures?q=khai", headers={"HX-Request": "true"})
    assert response.status_code == 200
    response = session.client.post("/intake/new", data={"procedure": "1.001193"},
                                   headers={"HX-Request": "true", "X-CSRFToken": session.csrf})
    assert response.status_code == 422  # reached the form validation, not refused by CSRF


def test_expired_session_on_htmx_says_so_without_leaving_the_page(client):
    # A redirect would throw away what was typed: the page stays, its alert region shows this message.
    response = client.get("/intake/today?q=abc", headers={"HX-Request": "true"})
    assert response.status_code == 401 and "HX-Redirect" not in response.headers
    html = response.get_data(as_text=True)
    assert "<html" not in html and "data-error-message" in html and "Phiên làm việc đã hết" in html
    plain = client.get("/intake/today")
    assert plain.status_code == 302 and plain.headers["Location"].startswith("/login")


def test_language_choice_is_kept_per_user(client, login):
    session = login("intake")
    session.post("/language", data={"language": "en", "next": "/"})
    assert "Receive a dossier" in client.get("/").get_data(as_text=True)
    session.post("/language", data={"language": "vi", "next": "/"})
    assert "Tiếp nhận hồ sơ" in client.get("/").get_data(as_text=True)
