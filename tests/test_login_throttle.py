"""Login throttling by account AND address: growing waits, never a lock a colleague can set.

The waits are worked out by hand from the rule: failures 1-4 cost nothing; the 5th makes that
address wait 1 minute for that account, the 6th 2 minutes, the 7th 4, ... at most 30 minutes.
"""
from __future__ import annotations

import datetime as dt
import time

from services import accounts
from services.calendar import VN_TZ
from tests.conftest import PASSWORD, csrf_from

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=VN_TZ)
HERE, THERE = "10.0.0.5", "10.0.0.9"
MINUTE = dt.timedelta(minutes=1)
SECOND = dt.timedelta(seconds=1)


def _fail(times: int, at=T0, address=HERE, username="intake"):
    results = [accounts.authenticate(username, "wrong-password-x", address, at) for _ in range(times)]
    return results[-1]


def test_four_failures_cost_nothing(ctx):
    assert [r.reason for r in (_fail(1) for _ in range(4))] == ["invalid"] * 4
    assert accounts.authenticate("intake", PASSWORD, HERE, T0).user is not None


def test_the_fifth_failure_makes_that_address_wait_one_minute(ctx):
    _fail(4)
    fifth = _fail(1)
    assert fifth.reason == "throttled" and fifth.wait_until == T0 + MINUTE
    # even the right password waits, until the minute is over
    assert accounts.authenticate("intake", PASSWORD, HERE, T0 + 59 * SECOND).reason == "throttled"
    assert accounts.authenticate("intake", PASSWORD, HERE, T0 + MINUTE + SECOND).user is not None


def test_the_waits_double_and_are_capped_at_30_minutes(ctx):
    _fail(5)  # waits until T0 + 1 min
    at, expected = T0 + MINUTE, []
    got = []
    for minutes in (2, 4, 8, 16, 30, 30):  # failures 6..11
        result = _fail(1, at=at)
        got.append(result.wait_until - at)
        expected.append(dt.timedelta(minutes=minutes))
        at = result.wait_until
    assert got == expected
    assert accounts.authenticate("intake", PASSWORD, HERE, at - SECOND).reason == "throttled"
    assert accounts.authenticate("intake", PASSWORD, HERE, at).user is not None


def test_a_good_login_resets_the_count_for_that_address(ctx):
    _fail(4)
    assert accounts.authenticate("intake", PASSWORD, HERE, T0).user is not None
    assert _fail(4).reason == "invalid"  # counted from zero again: 4, not 8
    assert accounts.authenticate("intake", PASSWORD, HERE, T0).user is not None


def test_failures_from_another_computer_never_slow_this_one(ctx):
    _fail(12, address=THERE)  # someone else on the LAN hammers the account
    assert accounts.authenticate("intake", "wrong-password-x", THERE, T0).reason == "throttled"
    assert accounts.authenticate("intake", PASSWORD, HERE, T0).user is not None
    # and a good login here does not clear the other computer's wait
    assert accounts.authenticate("intake", PASSWORD, THERE, T0).reason == "throttled"


def test_an_admin_unlocks_every_address(ctx):
    from models import User

    _fail(5, address=HERE)
    _fail(5, address=THERE)
    assert accounts.unlock(User.get(User.username == "intake"), "admin") == 2
    assert accounts.authenticate("intake", PASSWORD, HERE, T0).user is not None
    assert accounts.authenticate("intake", PASSWORD, THERE, T0).user is not None


def test_counts_older_than_a_day_start_over(ctx):
    from models import LoginThrottle

    _fail(4)
    _fail(3, username="nobody")
    assert _fail(1, at=T0 + dt.timedelta(hours=25)).reason == "invalid"
    assert [(r.username, r.failures) for r in LoginThrottle.select()] == [("intake", 1)]  # old rows dropped


def test_an_unknown_name_gets_the_same_answers(ctx):
    known = [accounts.authenticate("intake", "wrong-password-x", HERE, T0) for _ in range(6)]
    unknown = [accounts.authenticate("nobody", "wrong-password-x", HERE, T0) for _ in range(6)]
    assert [r.reason for r in known] == [r.reason for r in unknown] == ["invalid"] * 4 + ["throttled"] * 2
    assert known[-1].wait_until == unknown[-1].wait_until == T0 + MINUTE


def test_an_unknown_name_takes_as_long_as_a_wrong_password(ctx):
    def best_of_three(username, address):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            accounts.authenticate(username, "wrong-password-x", address, T0)
            times.append(time.perf_counter() - start)
        return min(times)

    wrong = best_of_three("intake", "10.1.1.1")
    unknown = best_of_three("nobody-at-all", "10.1.1.2")
    assert wrong > 0.005  # a real password hash, not a string comparison
    assert unknown > 0.5 * wrong, (unknown, wrong)


def test_a_deactivated_account_is_refused_like_a_wrong_password(ctx):
    from models import User

    accounts.set_active(User.get(User.username == "intake"), False, "admin")
    assert accounts.authenticate("intake", PASSWORD, HERE, T0).reason == "invalid"


def _login(client, password, address):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
    return client.post("/login", data={"username": "intake", "password": password,
                                       "csrf_token": csrf_from(page)},
                       environ_base={"REMOTE_ADDR": address})


def test_login_page_says_to_wait_and_another_computer_still_logs_in(app):
    first, second = app.test_client(), app.test_client()
    for _ in range(5):
        response = _login(first, "wrong-password-x", HERE)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Đăng nhập sai quá nhiều lần" in text and "mở khóa" in text
    assert _login(first, PASSWORD, HERE).status_code == 422
    assert _login(second, PASSWORD, THERE).status_code == 302


def test_unknown_user_gets_the_same_page(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    answers = []
    for username in ("intake", "khong-co-ai"):
        response = client.post("/login", data={"username": username, "password": "wrong-password-x",
                                                "csrf_token": csrf_from(page)})
        answers.append((response.status_code, "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(as_text=True)))
    assert answers == [(422, True), (422, True)]
