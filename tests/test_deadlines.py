"""Appointments through pauses, extensions and online acceptance; the deadline lists at fixed clocks.

Every expected time below is worked out by hand from DOMAIN §4 (office hours 07:30-11:30, 13:30-17:00;
2026: 31 Aug, 1-2 Sep and 24 Nov are days off)."""
from __future__ import annotations

import json

import pytest

from models import Dossier, Office
from services import deadlines, office, transitions
from tests.processing_helpers import at, receive, step


def test_pause_over_a_weekend_and_the_national_day_holidays(ctx):
    # 1.004873: 3 working days. Thu 27 Aug 09:00 -> Fri 28, Thu 3 Sep, Fri 4 Sep 09:00.
    d = receive(ctx, "1.004873", "2026-08-27 09:00")
    assert d.appointment_at == at("2026-09-04 09:00")
    step(d.code, "start", "2026-08-27 10:00")
    step(d.code, "request-supplement", "2026-08-28 15:00", reason="Thiếu giấy khai sinh")
    # paused: Fri 28 15:00-17:00 (120) + Thu 3 Sep 07:30-09:00 (90) = 210 working minutes
    d, state = step(d.code, "receive-supplement", "2026-09-03 09:00")
    assert state.paused_minutes == 210 and d.paused_minutes == 210
    # Fri 4 Sep 09:00 + 210: 150 to 11:30, then 60 from 13:30 -> 14:30
    assert d.appointment_at == at("2026-09-04 14:30")
    assert d.original_appointment_at == at("2026-09-04 09:00")
    d, state = step(d.code, "settle", "2026-09-04 14:00")
    assert (d.late, d.end_kind, d.ended_at) == (False, "settled", at("2026-09-04 14:00"))
    d, state = step(d.code, "return", "2026-09-07 08:00", by="intake")
    assert (d.status, d.ended_at, d.late) == (10, at("2026-09-04 14:00"), False)  # settled wins


def test_two_supplement_requests_count_as_late(ctx):
    d = receive(ctx, "1.004873", "2026-11-16 08:00")  # -> Thu 19 Nov 08:00
    step(d.code, "request-supplement", "2026-11-16 10:00", reason="Thiếu bản sao")
    d, _ = step(d.code, "receive-supplement", "2026-11-16 14:00")  # 90 + 30 = 120
    assert d.appointment_at == at("2026-11-19 10:00")
    step(d.code, "request-supplement", "2026-11-17 09:00", reason="Ảnh chưa rõ")
    d, state = step(d.code, "receive-supplement", "2026-11-17 09:30")
    assert (d.appointment_at, state.paused_minutes) == (at("2026-11-19 10:30"), 150)
    assert state.late_so_far(at("2026-11-17 09:30"))  # two requests: late in the index already
    d, _ = step(d.code, "settle", "2026-11-18 16:00")
    assert d.late is True


def test_settled_after_the_appointment_is_late_and_before_is_on_time(ctx):
    early = receive(ctx, "2.000884", "2026-11-16 09:00")  # 15:00 rule -> 17:00 the same day
    late = receive(ctx, "2.000884", "2026-11-16 15:01")  # after 15:00 -> 17:00 the next working day
    assert late.appointment_at == at("2026-11-17 17:00")
    assert step(early.code, "settle", "2026-11-16 17:00")[0].late is False
    assert step(late.code, "settle", "2026-11-17 17:01")[0].late is True


def test_extension_rules(ctx):
    d = receive(ctx, "1.004873", "2026-11-16 08:00")  # -> Thu 19 Nov 08:00
    step(d.code, "start", "2026-11-16 09:00")
    with pytest.raises(transitions.TransitionError, match="one working day"):
        step(d.code, "extend", "2026-11-18 08:01", by="leader", reason="Chờ xác minh",
             appointment="2026-11-23 10:00")
    with pytest.raises(transitions.TransitionError, match="office hours"):
        step(d.code, "extend", "2026-11-18 08:00", by="leader", reason="Chờ xác minh",
             appointment="2026-11-21 10:00")  # a Saturday
    with pytest.raises(transitions.TransitionError, match="office hours"):
        step(d.code, "extend", "2026-11-18 08:00", by="leader", reason="Chờ xác minh",
             appointment="2026-11-23 12:00")  # lunch
    with pytest.raises(transitions.TransitionError, match="later"):
        step(d.code, "extend", "2026-11-18 08:00", by="leader", reason="Chờ xác minh",
             appointment="2026-11-18 10:00")
    # exactly one working day before: Wed 08:00 + 480 working minutes = Thu 08:00
    d, state = step(d.code, "extend", "2026-11-18 08:00", by="leader", reason="Chờ xác minh",
                    appointment="2026-11-23 17:00", remedy="Làm thêm giờ")
    assert (d.status, d.appointment_at, d.original_appointment_at) == (4, at("2026-11-23 17:00"),
                                                                       at("2026-11-19 08:00"))
    assert state.late_so_far(at("2026-11-18 08:00"))
    with pytest.raises(transitions.TransitionError, match="already been extended"):
        step(d.code, "extend", "2026-11-19 08:00", by="leader", reason="Lần hai", appointment="2026-11-25 10:00")
    Office.update(max_extensions=2).execute()
    d, _ = step(d.code, "extend", "2026-11-19 08:00", by="leader", reason="Lần hai", appointment="2026-11-25 10:00")
    assert d.appointment_at == at("2026-11-25 10:00")
    d, _ = step(d.code, "settle", "2026-11-20 09:00")
    assert d.late is True  # an extended dossier still counts as late


@pytest.mark.parametrize("procedure,appointment", [
    ("2.000884", "2026-11-23 17:00"),  # 15:00 rule: effective Mon 07:30 -> 17:00 the same day
    ("2.001159", "2026-11-23 08:30"),  # 1 hour from Mon 07:30
])
def test_online_dossier_accepted_on_a_friday_evening(ctx, procedure, appointment):
    d = receive(ctx, procedure, "2026-11-20 18:00", channel=2, user=None)
    assert d.status == 1 and d.original_appointment_at is None
    d, state = step(d.code, "accept", "2026-11-20 19:00", by="intake")
    assert (d.status, d.appointment_at, d.original_appointment_at) == (2, at(appointment), at(appointment))


def test_online_dossier_accepted_friday_afternoon_skips_a_holiday(ctx):
    # 2.001035: 2 working days. Fri 20 Nov 16:00 -> Mon 23, (Tue 24 is a day off) Wed 25 16:00.
    d = receive(ctx, "2.001035", "2026-11-20 10:00", channel=2, user=None)
    d, _ = step(d.code, "accept", "2026-11-20 16:00", by="intake")
    assert d.appointment_at == at("2026-11-25 16:00")


def test_refused_online_dossier_is_ended_and_not_late(ctx):
    d = receive(ctx, "2.001035", "2026-11-20 10:00", channel=2, user=None)
    d, state = step(d.code, "refuse", "2026-11-20 10:30", by="intake", reason="Sai thủ tục")
    assert (d.status, d.end_kind, d.late) == (3, "refused", False)


# 1.004222, 7 working days: Mon 9 Nov 08:00 -> Wed 18 Nov 08:00. A working day has 240 + 210 = 450
# minutes; allotted: Mon 9 from 08:00 (420) + 6 × 450 + Wed 18 07:30-08:00 (30) = 3150; 75% = 2362 (whole
# minutes): Mon 420, Tue 870, Wed 1320, Thu 1770, Fri 2220, then 142 from Mon 16 07:30 -> 09:52.
# B: paused Mon 9 08:00-13:30 (210): appointment Wed 18 11:30; 75% at 09:52 + 210 -> 15:22.
@pytest.mark.parametrize("clock,expected", [
    ("2026-11-16 09:52", {}),
    ("2026-11-16 09:53", {"over_75_percent": ["A"]}),
    ("2026-11-16 15:22", {"over_75_percent": ["A"]}),
    ("2026-11-16 15:23", {"over_75_percent": ["A", "B"]}),
    ("2026-11-17 09:00", {"due_next_working_day": ["A", "B"]}),
    ("2026-11-18 07:00", {"due_today": ["A", "B"]}),
    ("2026-11-18 08:00", {"due_today": ["A", "B"]}),
    ("2026-11-18 08:01", {"overdue": ["A"], "due_today": ["B"]}),
    ("2026-11-18 11:31", {"overdue": ["A", "B"]}),
])
def test_deadline_lists_at_fixed_clocks(ctx, runner, clock, expected):
    a = receive(ctx, "1.004222", "2026-11-09 08:00")
    b = receive(ctx, "1.004222", "2026-11-09 08:00")
    paused = receive(ctx, "1.004222", "2026-11-09 08:00")
    done = receive(ctx, "1.004222", "2026-11-09 08:00")
    assert a.warn_at == at("2026-11-16 09:52")
    step(b.code, "request-supplement", "2026-11-09 08:00", reason="Thiếu")
    b, _ = step(b.code, "receive-supplement", "2026-11-09 13:30")
    assert (b.appointment_at, b.warn_at) == (at("2026-11-18 11:30"), at("2026-11-16 15:22"))
    step(paused.code, "request-supplement", "2026-11-10 08:00", reason="Thiếu")
    step(done.code, "settle", "2026-11-10 08:00")
    names = {a.code: "A", b.code: "B"}
    lists = deadlines.codes(office.calendar(), at(clock))
    assert {k: [names[c] for c in v] for k, v in lists.items() if v} == expected
    assert deadlines.counts(office.calendar(), at(clock)) == {k: len(expected.get(k, [])) for k in deadlines.KINDS}
    for _ in range(2):  # the command: same answer twice
        result = runner.invoke(args=["deadline-check", "--at", at(clock).isoformat(), "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output) == lists


def test_counts_are_one_query_and_lists_never_loop(ctx):
    for _ in range(3):
        receive(ctx, "1.004222", "2026-11-09 08:00")
    from models import db
    queries = []
    original = db.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        queries.append(sql)
        return original(sql, params, *args, **kwargs)

    calendar = office.calendar()
    db.obj.execute_sql = counting
    try:
        deadlines.counts(calendar, at("2026-11-18 09:00"))
        assert len(queries) == 1
        queries.clear()
        deadlines.codes(calendar, at("2026-11-18 09:00"))
        assert len(queries) == 4
    finally:
        db.obj.execute_sql = original
    assert Dossier.select().count() == 3
