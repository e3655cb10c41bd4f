"""Staff notifications: hand-overs, supplements brought back, the deadline warnings of the rule table,
the count in the navigation bar and the list page that marks them read.

Clocks worked out by hand (office hours 07:30-11:30, 13:30-17:00; Tue 24 Nov 2026 is a day off):
1.004222 takes 7 working days, so a dossier received Mon 16 Nov 08:00 is due Thu 26 Nov 08:00; its 3,150
working minutes reach 75% (2,362.5) at Mon 23 Nov 09:52:30 (420 + 4 × 450 = 2,220 by Fri evening, 142.5
more on Monday)."""
from __future__ import annotations

import re

from models import Notification, User, now
from services import notifications, office, transitions
from tests.processing_helpers import at, receive, step, using


def _notices(username: str) -> list[tuple[str, str]]:
    user = User.get(User.username == username)
    return [(n.kind, n.dossier.code) for n in Notification.select().where(Notification.user == user)
            .order_by(Notification.id)]


def test_a_hand_over_tells_the_new_officer_but_not_who_did_it(ctx):
    d = receive(ctx, "1.004873", "2026-11-16 08:00")
    step(d.code, "start", "2026-11-16 09:00", by="specialist")  # starting assigns it to oneself: no notice
    assert _notices("specialist") == []
    transitions.assign(d.code, User.get(User.username == "leader"), User.get(User.username == "specialist"),
                       at=at("2026-11-16 10:00"))
    assert _notices("leader") == [("assigned", d.code)]
    notice = Notification.get()
    assert notice.actor == "specialist" and notice.read_at is None


def test_the_supplement_brought_back_tells_the_assigned_officer(ctx):
    d = receive(ctx, "1.004873", "2026-11-16 08:00")
    step(d.code, "start", "2026-11-16 09:00", by="specialist")
    step(d.code, "request-supplement", "2026-11-16 10:00", by="specialist", reason="Thiếu bản sao",
         items="Bản sao giấy khai sinh")
    step(d.code, "receive-supplement", "2026-11-17 09:00", by="intake")
    assert _notices("specialist") == [("supplement", d.code)]
    assert _notices("intake") == []


def test_a_delay_report_goes_to_the_leaders(ctx):
    from services import deadlines

    d = receive(ctx, "1.004873", "2026-11-16 08:00")
    step(d.code, "start", "2026-11-16 09:00", by="specialist")
    deadlines.report_delay(d.code, "Chờ xác minh", "Làm thêm giờ", User.get(User.username == "specialist"))
    assert _notices("leader") == [("delay_report", d.code)]
    assert _notices("specialist") == [] and _notices("admin") == []


def test_a_refused_step_leaves_no_notice(ctx):
    d = receive(ctx, "1.004873", "2026-11-16 08:00")
    try:
        step(d.code, "receive-supplement", "2026-11-16 09:00", by="intake")  # nothing was requested
    except transitions.TransitionError:
        pass
    assert Notification.select().count() == 0


def test_deadline_warnings_follow_the_rule_table_and_never_repeat(ctx):
    d = receive(ctx, "1.004222", "2026-11-16 08:00")
    assert d.appointment_at == at("2026-11-26 08:00")
    step(d.code, "start", "2026-11-16 09:00", by="specialist")
    calendar = office.calendar()
    expected = {  # clock -> notices added (officer: the specialist; leaders: "leader")
        "2026-11-23 09:00": [],
        "2026-11-23 10:00": [("specialist", "over_75_percent")],
        "2026-11-25 09:00": [("specialist", "due_next_working_day")],
        "2026-11-26 07:00": [("specialist", "due_today"), ("leader", "due_today")],
        "2026-11-26 09:00": [("specialist", "overdue"), ("leader", "overdue")],
    }
    for clock, added in expected.items():
        before = Notification.select().count()
        assert notifications.warn_deadlines(calendar, at(clock)) == len(added), clock
        rows = (Notification.select(Notification, User).join(User).where(Notification.id > 0)
                .order_by(Notification.id).offset(before))
        assert sorted((n.user.username, n.kind) for n in rows) == sorted(added), clock
        assert notifications.warn_deadlines(calendar, at(clock)) == 0, clock  # a second run adds nothing
    assert _notices("intake") == [] and _notices("admin") == []


def test_a_moved_appointment_warns_again(ctx):
    d = receive(ctx, "1.004222", "2026-11-16 08:00")
    step(d.code, "start", "2026-11-16 09:00", by="specialist")
    calendar = office.calendar()
    assert notifications.warn_deadlines(calendar, at("2026-11-25 09:00")) == 1  # due Thu 26 08:00
    step(d.code, "request-supplement", "2026-11-25 09:30", by="specialist", reason="Ảnh chưa rõ")
    d, _ = step(d.code, "receive-supplement", "2026-11-25 10:30", by="specialist")  # paused 60 minutes
    assert d.appointment_at == at("2026-11-26 09:00")
    assert notifications.warn_deadlines(calendar, at("2026-11-25 11:00")) == 1  # the same list, a new appointment
    assert notifications.warn_deadlines(calendar, at("2026-11-25 11:30")) == 0
    assert _notices("specialist") == [("due_next_working_day", d.code)] * 2


def test_deadline_check_adds_the_warnings(app, runner):
    with using(app):
        d = receive(app, "1.004222", "2026-11-16 08:00")
        step(d.code, "start", "2026-11-16 09:00", by="specialist")
    for _ in range(2):
        result = runner.invoke(args=["deadline-check", "--at", "2026-11-26T09:00:00+07:00", "--json"])
        assert result.exit_code == 0, result.output
        assert f'"overdue": ["{d.code}"]' in result.output
    with using(app):
        assert _notices("specialist") == [("overdue", d.code)] and _notices("leader") == [("overdue", d.code)]


def _nav_count(html: str) -> int:
    match = re.search(r'href="/notifications/">Thông báo(?: <span class="count"[^>]*>(\d+)</span>)?</a>', html)
    assert match, "no notifications link in the navigation bar"
    return int(match.group(1) or 0)


def _fresh(app):
    """A dossier received now with 25 working days: no deadline warning when the list page checks them."""
    return receive(app, "1.001699", now().strftime("%Y-%m-%d %H:%M"))


def test_the_nav_counts_unread_and_the_list_marks_them_read(app, login):
    with using(app):
        d = _fresh(app)
        for officer in ("specialist", "leader", "specialist"):
            transitions.assign(d.code, User.get(User.username == officer), User.get(User.username == "admin"))
    session = login("specialist")
    assert _nav_count(session.get("/dossiers").get_data(as_text=True)) == 2
    page = session.get("/notifications/").get_data(as_text=True)
    assert page.count(f"Hồ sơ {d.code} đã được giao cho bạn.") == 2
    assert page.count(">Mới</span>") == 2
    assert _nav_count(session.get("/dossiers").get_data(as_text=True)) == 0
    again = session.get("/notifications/").get_data(as_text=True)
    assert again.count(f"Hồ sơ {d.code} đã được giao cho bạn.") == 2 and ">Mới</span>" not in again
    fragment = session.get("/notifications/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    with using(app):  # the leader's notice is the leader's alone: still unread
        leader = User.get(User.username == "leader")
        assert Notification.select().where((Notification.user == leader) & Notification.read_at.is_null()).count() == 1


def test_the_list_pages_by_keyset(app, login):
    with using(app):
        d = _fresh(app)
        admin, specialist = User.get(User.username == "admin"), User.get(User.username == "specialist")
        for _ in range(35):
            transitions.assign(d.code, specialist, admin)
    session = login("specialist")
    first = session.get("/notifications/").get_data(as_text=True)
    assert first.count("đã được giao cho bạn") == 30
    older = re.search(r'href="(/notifications/\?before=\d+)"', first).group(1)
    second = session.get(older).get_data(as_text=True)
    assert second.count("đã được giao cho bạn") == 5 and "Thông báo cũ hơn" not in second


def _scans(query) -> list[str]:
    """Plan lines that read the dossier, notification or outbox table without an index."""
    from models import db

    sql, params = query.sql()
    tables = ("dossier", "notification", "outbox_message")
    aliases = set(tables) | set(re.findall(r'"(?:dossier|notification|outbox_message)" AS "(\w+)"', sql))
    plan = [row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    return [line for line in plan
            if (m := re.fullmatch(r"SCAN (\w+)(.*)", line)) and m.group(1) in aliases and "USING" not in m.group(2)]


def test_the_queries_use_indexes(ctx):
    """No plan scans the dossier, notification or outbox tables (users are few and may be scanned)."""
    from models import OutboxMessage
    from services import outbox

    user = User.get(User.username == "specialist")
    assert _scans(Notification.select().where(Notification.kind == "x")) == ["SCAN t1"]  # the check can fail
    queries = [*notifications.deadline_rows(office.calendar(), at("2026-11-26 09:00")),
               Notification.select().where((Notification.user == user) & Notification.read_at.is_null()),
               Notification.select().where(Notification.user == user).order_by(Notification.id.desc()).limit(30),
               OutboxMessage.select().where(outbox._due(at("2026-11-26 09:00")))
               .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(1),
               outbox.listing("print", 1000)]
    for query in queries:
        assert _scans(query) == [], query.sql()


def test_deadline_notices_read_well_on_the_page(app, login):
    with using(app):
        d = receive(app, "1.004222", "2026-11-16 08:00")
        step(d.code, "start", "2026-11-16 09:00", by="specialist")
        notifications.warn_deadlines(office.calendar(), at("2026-11-23 10:00"))
    page = login("specialist").get("/notifications/").get_data(as_text=True)
    assert f"Hồ sơ {d.code} đã dùng quá 75% thời gian giải quyết." in page and "%%" not in page
    # opening the page checked the deadlines at the real clock too: by now the dossier is long overdue
    assert f"Hồ sơ {d.code} đã quá hạn: vui lòng lập báo cáo chậm trễ" in page


def test_the_older_link_works_past_ten_thousand_notices(app, login):
    with using(app):
        d = _fresh(app)
        specialist = User.get(User.username == "specialist")
        for n in range(20_001, 20_036):  # ids as an office has them after a few months
            Notification.create(id=n, user=specialist, dossier=d, kind="assigned", key=f"k{n}")
    session = login("specialist")
    first = session.get("/notifications/").get_data(as_text=True)
    older = re.search(r'href="(/notifications/\?before=\d+)"', first).group(1)
    assert older == "/notifications/?before=20006"
    second = session.get(older).get_data(as_text=True)
    assert second.count("đã được giao cho bạn") == 5 and "Thông báo cũ hơn" not in second


def test_a_cursor_that_is_not_a_number_or_too_big_shows_the_first_page(app, login):
    session = login("intake")
    for before in ("abc", "-1", str(2 ** 63), str(2 ** 64), "1\x00", "١٢"):
        assert session.get("/notifications/", query_string={"before": before}).status_code == 200
        assert session.get("/notifications/outbox", query_string={"before": before}).status_code == 200
