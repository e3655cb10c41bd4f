"""The support hotline: logging calls, answering and resolving them, turning an answer into an FAQ entry,
the public FAQ, and the monthly report with its server-drawn SVG chart."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from models import AuditEvent, FaqEntry, HotlineCall, User
from services import charts, hotline
from tests.conftest import Session
from tests.processing_helpers import at, using

CALL = {"caller": "Chị Lan", "unit": "Xã Yên Thường", "channel": "phone", "topic": "online_payment",
        "procedure": "2.000815", "question": "Người dân hỏi cách nộp phí chứng thực qua điện thoại",
        "answer": "", "received_at": "2026-11-20T09:00"}


def log(app, **changes) -> int:
    trainer = Session(app.test_client(), "trainer")
    response = trainer.post("/hotline/new", data={**CALL, **changes})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_log_validates_and_keeps_what_was_typed(app):
    trainer = Session(app.test_client(), "trainer")
    response = trainer.post("/hotline/new", data={**CALL, "caller": "", "procedure": "9.999999",
                                                  "resolve": "1", "received_at": "hôm qua"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Người dân hỏi cách nộp phí" in page
    assert "Không có thủ tục nào có mã này" in page
    assert "Vui lòng ghi nội dung trả lời trước khi đánh dấu đã giải quyết" in page
    assert "ví dụ 25/11/2026 09:00" in page
    response = trainer.post("/hotline/new", data={**CALL, "received_at": "2099-01-01T08:00"})
    assert response.status_code == 422 and "Thời điểm này chưa đến" in response.get_data(as_text=True)
    with using(app):
        assert HotlineCall.select().count() == 0


def test_answer_later_measures_the_time_to_resolve(app):
    call_id = log(app)
    trainer = Session(app.test_client(), "trainer")
    assert trainer.post(f"/hotline/{call_id}", data={"answer": "  ", "resolve": "1"}).status_code == 422
    with using(app):
        hotline.answer(call_id, {"answer": "Nộp qua Cổng dịch vụ công, mục Thanh toán.", "resolve": "1"},
                       User.get(User.username == "trainer"), at=at("2026-11-20 10:35"))
        call = HotlineCall.get_by_id(call_id)
        assert (call.status, call.resolve_minutes) == ("resolved", 95)  # 09:00 -> 10:35
        assert call.procedure.code == "2.000815" and call.taken_by.username == "trainer"
        actions = [e.action for e in AuditEvent.select().where(AuditEvent.entity == "hotline_call")]
        assert actions == ["hotline.log", "hotline.answer"]
    response = trainer.post(f"/hotline/{call_id}", data={"answer": "Lần nữa", "resolve": "1"})
    assert response.status_code == 422 and "đã được giải quyết" in response.get_data(as_text=True)


def test_answered_on_the_phone_is_resolved_at_once(app):
    page = Session(app.test_client(), "trainer").get("/hotline/new").get_data(as_text=True)
    assert '<option value="2.000815 Chứng thực bản sao từ bản chính">' in page  # typed or picked, no script
    call_id = log(app, answer="Vào mục Tra cứu, nhập mã hồ sơ.", resolve="1", received_at="",
                  procedure="2.000815 Chứng thực bản sao từ bản chính")
    with using(app):
        call = HotlineCall.get_by_id(call_id)
        assert call.status == "resolved" and call.resolve_minutes == 0 and call.procedure.code == "2.000815"


def test_resolved_answer_becomes_a_public_faq_entry(app):
    call_id = log(app)
    trainer = Session(app.test_client(), "trainer")
    faq = {"question": "Nộp phí chứng thực trực tuyến thế nào?", "answer": "Vào Cổng dịch vụ công, chọn Thanh toán.",
           "audience": "public", "topic": "online_payment"}
    response = trainer.post(f"/hotline/{call_id}/faq", data=faq)
    assert response.status_code == 422 and "Chỉ cuộc gọi đã giải quyết xong" in response.get_data(as_text=True)
    trainer.post(f"/hotline/{call_id}", data={"answer": "Nộp qua Cổng dịch vụ công.", "resolve": "1"})
    page = trainer.get(f"/hotline/{call_id}").get_data(as_text=True)
    assert "Nộp qua Cổng dịch vụ công." in page and 'id="faq-form"' in page
    response = trainer.post(f"/hotline/{call_id}/faq", data={**faq, "answer": ""})
    assert response.status_code == 422 and "Nộp phí chứng thực trực tuyến thế nào?" in response.get_data(as_text=True)
    assert trainer.post(f"/hotline/{call_id}/faq", data=faq).status_code == 302
    assert trainer.post(f"/hotline/{call_id}/faq", data=faq).status_code == 422  # once per call
    staff_only = log(app, answer="Mật khẩu do quản trị viên đặt lại.", resolve="1", topic="system",
                     question="Quên mật khẩu phần mềm")
    trainer.post(f"/hotline/{staff_only}/faq", data={"question": "Quên mật khẩu thì làm gì?",
                                                     "answer": "Nhờ quản trị viên đặt lại.",
                                                     "audience": "staff", "topic": "system"})
    public = app.test_client().get("/faq").get_data(as_text=True)
    assert "Nộp phí chứng thực trực tuyến thế nào?" in public and "Quên mật khẩu" not in public
    assert "Thanh toán phí trực tuyến" in public  # grouped under its topic
    staff = Session(app.test_client(), "intake").get("/faq").get_data(as_text=True)
    assert "Quên mật khẩu thì làm gì?" in staff and "Nộp phí chứng thực" in staff
    # accent-insensitive search, several words must all match
    found = app.test_client().get("/faq?q=CHUNG thuc").get_data(as_text=True)
    assert "Nộp phí chứng thực trực tuyến thế nào?" in found
    none = app.test_client().get("/faq?q=chung thuc ket hon").get_data(as_text=True)
    assert "Nộp phí chứng thực" not in none and "Không có câu hỏi nào phù hợp" in none
    fragment = app.test_client().get("/faq?q=phi", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "Nộp phí chứng thực" in fragment
    with using(app):
        assert FaqEntry.select().count() == 2


def test_log_list_is_newest_first_with_keyset_pages(app, monkeypatch):
    monkeypatch.setattr(hotline, "PAGE", 2)
    ids = [log(app, question=f"Câu hỏi số {i}") for i in range(5)]
    trainer = Session(app.test_client(), "trainer")
    page = trainer.get("/hotline").get_data(as_text=True)
    assert "Câu hỏi số 4" in page and "Câu hỏi số 3" in page and "Câu hỏi số 2" not in page
    older = re.search(r'href="(/hotline\?before=\d+)"', page).group(1)
    assert older == f"/hotline?before={ids[3]}"
    page = trainer.get(older).get_data(as_text=True)
    assert "Câu hỏi số 2" in page and "Câu hỏi số 1" in page and "Câu hỏi số 4" not in page
    trainer.post(f"/hotline/{ids[0]}", data={"answer": "Đã trả lời", "resolve": "1"})
    resolved = trainer.get("/hotline?status=resolved").get_data(as_text=True)
    assert "Câu hỏi số 0" in resolved and "Câu hỏi số 4" not in resolved


def _call(received: str, resolved: str | None, topic: str, procedure=None, question="Hỏi"):
    call = HotlineCall.create(received_at=at(received), caller="A", topic=topic, question=question,
                              procedure=procedure)
    if resolved:
        hotline._resolve(call, "Trả lời", at(resolved))
        call.save()
    return call


def test_monthly_report_by_hand(ctx):
    from models import Procedure
    p = Procedure.get(Procedure.code == "2.000815")
    _call("2026-10-31 23:59", "2026-11-01 08:00", "system")  # October: not counted
    _call("2026-11-01 00:00", "2026-11-01 00:10", "online_payment", p)  # 10 min
    _call("2026-11-05 09:00", "2026-11-05 11:00", "online_payment", p)  # 120 min
    _call("2026-11-06 09:00", "2026-11-06 09:30", "online_payment")  # 30 min
    slow = _call("2026-11-10 08:00", "2026-11-12 08:00", "system", question="Không in được biên nhận")  # 2880 min
    _call("2026-11-30 23:59", None, "system")  # open
    _call("2026-12-01 00:00", "2026-12-01 00:05", "system")  # December: not counted
    report = hotline.report(at("2026-11-15 12:00").date())
    assert (report.received, report.resolved) == (5, 4)
    assert report.median_minutes == 75  # 10, 30, 120, 2880: (30 + 120) / 2
    assert report.by_topic == [("online_payment", 3, 53.3), ("system", 2, 2880.0)]  # (10+120+30)/3
    assert report.most_asked[0] == ("online_payment", "2.000815", p.name, 2)
    assert [c.id for c in report.slowest][0] == slow.id
    assert [c.resolve_minutes for c in report.slowest] == [2880, 120, 30, 10]


def test_report_page_draws_an_inline_svg_chart(app):
    with using(app):
        _call("2026-11-01 08:00", "2026-11-01 08:20", "online_payment")
        _call("2026-11-02 08:00", "2026-11-02 08:40", "online_payment")
        _call("2026-11-03 08:00", "2026-11-03 09:00", "system")
    leader = Session(app.test_client(), "leader")
    page = leader.get("/hotline/report?month=2026-11").get_data(as_text=True)
    assert "Báo cáo đường dây hỗ trợ tháng 11/2026" in page
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    root = ET.fromstring(svg)
    bars = {r.find("{http://www.w3.org/2000/svg}title").text: int(r.get("width"))
            for r in root.iter("{http://www.w3.org/2000/svg}rect")}
    # 2 calls on online payment fill the bar (360), 1 on the system gets half of it
    assert bars == {"Thanh toán phí trực tuyến: 2": 360, "Sử dụng phần mềm: 1": 180}
    assert "<script" not in page.split("</head>")[1]
    assert "1 giờ 00 phút" in page  # the slowest answer, 60 min
    assert leader.get("/hotline/report?month=banana").status_code == 200
    assert leader.get("/hotline/report?month=2026-11", headers={"HX-Request": "true"}).get_data(as_text=True).startswith("{#") is False
    assert leader.get("/hotline").status_code == 403


def test_chart_scales_and_escapes():
    svg = str(charts.hbar([("<b>", 4, "4"), ("x", 1, "1"), ("zero", 0, "0")], "T & t"))
    root = ET.fromstring(svg)  # well-formed: the label was escaped
    widths = [int(r.get("width")) for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert widths == [360, 90, 0]
    assert "&lt;b&gt;" in svg and "T &amp; t" in svg


def test_list_pages_cost_the_same_queries_for_more_rows(app):
    from tests.test_procedures_prefetch import count_queries
    trainer = Session(app.test_client(), "trainer")
    faq = {"question": "Hỏi?", "answer": "Đáp.", "audience": "public", "topic": "system"}

    def add(n):
        for _ in range(n):
            call_id = log(app, answer="Đáp", resolve="1")
            trainer.post(f"/hotline/{call_id}/faq", data=faq)

    def cost(url):
        trainer.get(url)  # warm up
        with app.app_context(), count_queries() as seen:
            assert trainer.get(url).status_code == 200
        return len(seen)

    add(2)
    few = {url: cost(url) for url in ("/hotline", "/faq", "/hotline/report?month=2026-11")}
    add(6)
    assert {url: cost(url) for url in few} == few


def test_faq_entry_is_reworded_hidden_and_shown_again(app):
    call_id = log(app, answer="Đáp", resolve="1")
    trainer = Session(app.test_client(), "trainer")
    trainer.post(f"/hotline/{call_id}/faq", data={"question": "Hỏi cũ?", "answer": "Đáp cũ.", "audience": "public",
                                                  "topic": "system"})
    with using(app):
        entry_id = FaqEntry.get().id
    edit = {"question": "Quên mật khẩu thì làm gì?", "answer": "Nhờ quản trị viên đặt lại.", "audience": "public",
            "topic": "system"}
    assert trainer.post(f"/hotline/faq/{entry_id}", data={**edit, "answer": ""}).status_code == 422
    assert trainer.post(f"/hotline/faq/{entry_id}", data=edit).status_code == 302
    public = app.test_client()
    assert "Quên mật khẩu thì làm gì?" in public.get("/faq?q=mat khau").get_data(as_text=True)
    assert trainer.post(f"/hotline/faq/{entry_id}", data={**edit, "hidden": "1"}).status_code == 302
    assert "Quên mật khẩu" not in public.get("/faq").get_data(as_text=True)
    assert "Quên mật khẩu" not in trainer.get("/faq").get_data(as_text=True)
    assert "Đã gỡ khỏi mục hỏi đáp" in trainer.get(f"/hotline/{call_id}").get_data(as_text=True)
    trainer.post(f"/hotline/faq/{entry_id}", data=edit)
    assert "Quên mật khẩu" in public.get("/faq").get_data(as_text=True)
    with using(app):
        assert FaqEntry.select().count() == 1
        changes = [e.after for e in AuditEvent.select().where(AuditEvent.action == "faq.edit").order_by(AuditEvent.id)]
        assert changes == [{"question": "Quên mật khẩu thì làm gì?", "answer": "Nhờ quản trị viên đặt lại."},
                           {"hidden": True}, {"hidden": False}]
    assert Session(app.test_client(), "leader").get(f"/hotline/faq/{entry_id}").status_code == 403
    assert trainer.get(f"/hotline/faq/{'9' * 25}").status_code == 404


def test_pages_in_english(app):
    with using(app):
        User.update(language="en").where(User.username == "trainer").execute()
    call_id = log(app, answer="Đáp", resolve="1", question="Câu\x00hỏi")
    trainer = Session(app.test_client(), "trainer")
    page = trainer.get("/hotline/report").get_data(as_text=True)
    assert "Calls per topic" in page or "No calls in this month." in page
    assert "Paying fees online" in trainer.get("/hotline").get_data(as_text=True)
    with using(app):
        assert HotlineCall.get_by_id(call_id).question == "Câuhỏi"


def test_a_nul_in_the_procedure_code_is_dropped(app):
    call_id = log(app, procedure="2.000\x00815")
    with using(app):
        assert HotlineCall.get_by_id(call_id).procedure.code == "2.000815"
