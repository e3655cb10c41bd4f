"""The counter tablet in a real browser: the officer sends the rating, the tablet (htmx polling, or a
meta refresh with JavaScript off) shows it, the applicant taps a button."""
from __future__ import annotations

import os

import pytest

from models import Rating
from tests.processing_helpers import receive, step, using
from tests.test_browser import _login, _page, browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Debian chromium is not installed")


def _returned(app):
    with using(app):
        d = receive(app, "2.000884", "2026-11-16 09:00")
        step(d.code, "settle", "2026-11-16 10:00")
        step(d.code, "return", "2026-11-16 11:00", by="intake", method="counter", recipient="Nguyễn Thị Hường")
        return d.code


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_rating_on_the_counter_tablet(app, browser, server, tmp_path, javascript):  # noqa: F811
    code = _returned(app)
    tablet = _page(browser, javascript)
    _login(tablet, server)
    tablet.goto(f"{server}/tablet")
    assert tablet.locator("button.level").count() == 0

    officer = _page(browser)
    _login(officer, server)
    officer.goto(f"{server}/intake/{code}")
    officer.click("text=Mời đánh giá trên máy tính bảng")
    officer.locator("#rate-on-tablet", has_text="Đã gửi tới máy tính bảng").wait_for()
    officer.screenshot(path=str(tmp_path / "officer.png"), full_page=True)

    # htmx polls every 3 s; without JavaScript the page reloads itself every 5 s
    tablet.locator("button.level-1").wait_for(timeout=15000)
    assert code in tablet.content()
    tablet.screenshot(path=str(tmp_path / f"tablet-{'js' if javascript else 'nojs'}.png"))
    box = tablet.locator("button.level-3").bounding_box()
    assert box["width"] >= 150 and box["height"] >= 120  # a big target for a finger
    if not javascript:
        tablet.click("summary")
        tablet.fill("#comment", "Chờ hơi lâu")
    tablet.click("button.level-3" if not javascript else "button.level-1")
    tablet.locator(".tablet-thanks").wait_for()
    tablet.screenshot(path=str(tmp_path / "thanks.png"))
    tablet.locator(".tablet-thanks").wait_for(state="detached", timeout=15000)  # back to waiting
    with using(app):
        rating = Rating.get()
        assert rating.dossier.code == code
        assert (rating.level, rating.comment) == ((1, "") if javascript else (3, "Chờ hơi lâu"))
    officer.reload()
    assert "Người nộp đã đánh giá hồ sơ này" in officer.content()
