"""A real browser: a trainer plans a session, prints its sign-in sheet, an attendee gives feedback from
the sheet's QR link with JavaScript off, and a hotline answer becomes a public FAQ entry."""
from __future__ import annotations

import re
import shutil
import subprocess

from models import TrainingFeedback, now
from tests.processing_helpers import using
from tests.test_browser import _login, _page, browser, pytestmark, server  # noqa: F401 (fixtures, skip mark)


def test_plan_print_feedback_and_faq(app, browser, server, tmp_path):  # noqa: F811
    page = _page(browser)
    _login(page, server, "trainer")
    page.click("summary:has-text('hỗ trợ')")  # the top bar's menu, a plain <details>
    page.click("header a[href='/training']")
    page.click("text=Lên kế hoạch tập huấn")
    page.fill("#f-title", "Thanh toán phí trực tuyến cho cán bộ một cửa")
    page.fill("#f-trainer_name", "")
    page.fill("#f-place", "Hội trường UBND xã Yên Thường")
    page.fill("#f-day", now().date().isoformat())
    page.fill("#f-time", "08:00")
    page.check("input[name=topics][value=online_payment]")
    page.fill("#f-units", "Xã Yên Thường\nXã Yên Viên")
    page.screenshot(path=str(tmp_path / "plan.png"), full_page=True)
    page.click("#plan-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/training/\d+$"))
    # check-in through htmx: the list grows without a page load
    page.fill("#f-full_name", "Lê Thị Hoa")
    page.fill("#f-unit", "Xã Yên Viên")
    page.click("#attendees button[type=submit]")
    page.locator("#attendees td", has_text="Lê Thị Hoa").wait_for()
    page.screenshot(path=str(tmp_path / "session.png"), full_page=True)

    sheet_link = page.locator("a", has_text="In danh sách ký tên").get_attribute("href")
    pdf = page.request.get(server + sheet_link).body()
    assert pdf.startswith(b"%PDF")
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Lê Thị Hoa" in text
    feedback_url = re.search(r"http://127\.0\.0\.1:\d+/feedback/\S+", text).group(0)
    if shutil.which("zbarimg"):
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / "sheet.pdf"), str(tmp_path / "sheet")],
                       check=True)
        decoded = subprocess.run(["zbarimg", "-q", "--raw", *map(str, sorted(tmp_path.glob("sheet*.png")))],
                                 capture_output=True, text=True).stdout.split()
        assert decoded == [feedback_url]

    # an attendee's cheap phone, no JavaScript, no account
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", java_script_enabled=False)
    attendee = phone.new_page()
    attendee.goto(feedback_url)
    attendee.click("button[type=submit]")  # no score chosen: told so, nothing saved
    assert "Vui lòng chọn điểm từ 1 đến 5" in attendee.content()
    attendee.check("input[name=score][value='4']")
    attendee.fill("#f-comment", "Cần thêm thời gian thực hành trên máy")
    attendee.screenshot(path=str(tmp_path / "feedback.png"), full_page=True)
    attendee.click("button[type=submit]")
    attendee.wait_for_url(re.compile(r".*/thanks$"))
    assert "Đã ghi nhận góp ý" in attendee.content()
    with using(app):
        assert [(f.score, f.comment) for f in TrainingFeedback.select()] == [(4, "Cần thêm thời gian thực hành trên máy")]
    page.reload()
    assert "Cần thêm thời gian thực hành trên máy" in page.content()

    # the hotline: log a call answered on the phone, publish it in the FAQ
    page.click("summary:has-text('hỗ trợ')")
    page.click("header a[href='/hotline']")
    page.click("text=Ghi cuộc gọi, tin nhắn")
    page.fill("#f-caller", "Anh Tuấn")
    page.fill("#f-unit", "Xã Yên Viên")
    page.select_option("#f-topic", "online_payment")
    page.fill("#f-question", "Người dân chuyển khoản rồi nhưng hồ sơ vẫn báo chưa nộp phí")
    page.fill("#f-answer", "Kiểm tra mã giao dịch trên Cổng dịch vụ công; trạng thái cập nhật trong 15 phút.")
    page.check("input[name=resolve]")
    page.click("#call-form button[type=submit]")
    page.wait_for_selector("#faq-form")
    page.fill("#f-faq-question", "Đã nộp phí trực tuyến nhưng hồ sơ vẫn báo chưa nộp?")
    page.check("input[name=audience][value=public]")
    page.screenshot(path=str(tmp_path / "call.png"), full_page=True)
    page.click("#faq-form button[type=submit]")
    page.wait_for_selector("text=Câu hỏi và câu trả lời đã được đưa vào mục hỏi đáp")
    attendee.goto(feedback_url.split("/feedback/")[0] + "/faq")
    assert "Đã nộp phí trực tuyến nhưng hồ sơ vẫn báo chưa nộp?" in attendee.content()
    attendee.screenshot(path=str(tmp_path / "faq.png"), full_page=True)
    phone.close()
