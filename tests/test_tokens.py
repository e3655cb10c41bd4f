"""API tokens: the admin page (list, create shown once, revoke), last use, the revoke-token command."""
from __future__ import annotations

import datetime as dt
import re

from models import ApiToken, now
from services import accounts
from tests.conftest import Session


def _use(client, secret):
    return client.post("/api/v1/dossiers", json={}, headers={"Authorization": f"Bearer {secret}"})


def test_admin_creates_a_token_shown_once_and_lists_it(app):
    admin = Session(app.test_client(), "admin")
    response = admin.post("/admin/tokens", data={"name": "cong-dich-vu-cong"})
    assert response.status_code == 201
    text = response.get_data(as_text=True)
    secret = re.search(r'<code class="secret">([^<]+)</code>', text).group(1)
    assert response.headers["Cache-Control"] == "no-store"
    assert _use(app.test_client(), secret).status_code != 401  # let in (the empty body is then refused)
    listing = admin.get("/admin/tokens").get_data(as_text=True)
    assert "cong-dich-vu-cong" in listing and secret not in listing
    assert "chưa dùng" not in listing  # used once: a time is shown instead of "never"


def test_a_second_token_of_the_same_name_is_refused_on_the_page(app):
    admin = Session(app.test_client(), "admin")
    admin.post("/admin/tokens", data={"name": "buu-dien"})
    response = admin.post("/admin/tokens", data={"name": "buu-dien"})
    assert response.status_code == 422 and "Thu hồi" in response.get_data(as_text=True)
    response = admin.post("/admin/tokens", data={"name": "  "})
    assert response.status_code == 422


def test_revoking_from_the_page_refuses_the_token_at_once(app):
    with app.app_context():
        secret = accounts.create_token("portal")
        token_id = ApiToken.get(ApiToken.name == "portal").id
    admin = Session(app.test_client(), "admin")
    confirm = admin.get(f"/admin/tokens/{token_id}/revoke")
    assert confirm.status_code == 200 and "portal" in confirm.get_data(as_text=True)
    assert _use(app.test_client(), secret).status_code != 401  # the confirmation page changed nothing
    assert admin.post(f"/admin/tokens/{token_id}/revoke").status_code == 302
    assert _use(app.test_client(), secret).status_code == 401
    assert "Đã thu hồi" in admin.get("/admin/tokens").get_data(as_text=True)


def test_last_used_is_written_at_most_once_a_minute(ctx):
    secret = accounts.create_token("portal")
    assert ApiToken.get(ApiToken.name == "portal").last_used_at is None
    accounts.token_for(secret)
    first = ApiToken.get(ApiToken.name == "portal").last_used_at
    assert first is not None and abs((now() - first).total_seconds()) <= 2
    thirty_seconds_ago = now() - dt.timedelta(seconds=30)
    ApiToken.update(last_used_at=thirty_seconds_ago).execute()
    accounts.token_for(secret)
    assert ApiToken.get(ApiToken.name == "portal").last_used_at == thirty_seconds_ago  # no write
    two_minutes_ago = now() - dt.timedelta(minutes=2)
    ApiToken.update(last_used_at=two_minutes_ago).execute()
    accounts.token_for(secret)
    assert ApiToken.get(ApiToken.name == "portal").last_used_at > two_minutes_ago


def test_revoke_token_command(runner, ctx):
    secret = accounts.create_token("portal")
    result = runner.invoke(args=["revoke-token", "portal"])
    assert result.exit_code == 0 and "revoked" in result.output
    assert accounts.token_for(secret) is None
    again = runner.invoke(args=["revoke-token", "portal"])
    assert again.exit_code == 0 and "already revoked" in again.output


def test_revoke_token_command_with_an_unknown_name(runner, ctx):
    result = runner.invoke(args=["revoke-token", "khong-co"])
    assert result.exit_code == 2
    assert "Không có mã truy cập API nào tên khong-co" in result.output
