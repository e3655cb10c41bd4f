"""Appointment arithmetic, every expected value worked out by hand from DOMAIN section 4.

2026: Tết 16-20 Feb; Hùng Kings Sun 26 Apr -> Mon 27 Apr off; 30 Apr, 1 May; Sat 22 Aug worked,
Mon 31 Aug off; 1-2 Sep; Tue 24 Nov (Vietnamese Culture Day). 2027: 1 Jan; Tết 4-10 Feb;
Hùng Kings Fri 16 Apr; 30 Apr; Sat 1 May -> Mon 3 May off; 2-3 Sep.
"""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.calendar import VN_TZ, OfficeHours, WorkCalendar

CAL = WorkCalendar()


def at(text: str) -> dt.datetime:
    """'2026-11-25 09:00' in Vietnam time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.mark.parametrize("received,expected", [
    ("2026-11-25 09:00", "2026-11-25 09:00"),    # Wednesday, inside the morning
    ("2026-11-25 09:00:45", "2026-11-25 09:00"),  # counts from that minute
    ("2026-11-25 07:00", "2026-11-25 07:30"),    # before opening
    ("2026-11-25 11:30", "2026-11-25 13:30"),    # the lunch break starts at 11:30
    ("2026-11-25 12:00", "2026-11-25 13:30"),    # lunch
    ("2026-11-25 16:59", "2026-11-25 16:59"),
    ("2026-11-25 17:00", "2026-11-26 07:30"),    # closing
    ("2026-11-25 18:00", "2026-11-26 07:30"),
    ("2026-11-29 10:00", "2026-11-30 07:30"),    # Sunday
    ("2026-11-27 17:30", "2026-11-30 07:30"),    # Friday evening
    ("2026-11-23 18:00", "2026-11-25 07:30"),    # Tuesday 24 Nov is a holiday
    ("2026-08-22 09:00", "2026-08-22 09:00"),    # make-up Saturday is worked
    ("2026-08-28 18:00", "2026-09-03 07:30"),    # 29-30 weekend, 31 swapped off, 1-2 Sep
    ("2026-02-13 17:05", "2026-02-23 07:30"),    # Tết 2026
])
def test_effective_receipt(received, expected):
    assert CAL.effective_receipt(at(received)) == at(expected)


def test_effective_receipt_converts_other_offsets():
    utc = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    assert CAL.effective_receipt(utc) == at("2026-11-25 09:00")
    assert CAL.effective_receipt(utc).utcoffset() == dt.timedelta(hours=7)


@pytest.mark.parametrize("received,expected", [
    ("2026-11-25 14:59", "2026-11-25 17:00"),
    ("2026-11-25 15:00", "2026-11-25 17:00"),    # "at or before 15:00"
    ("2026-11-25 15:01", "2026-11-26 17:00"),
    ("2026-11-25 12:30", "2026-11-25 17:00"),    # lunch counts from 13:30
    ("2026-11-25 18:00", "2026-11-26 17:00"),    # effective 07:30 Thursday
    ("2026-11-27 15:30", "2026-11-30 17:00"),    # Friday afternoon
    ("2026-11-20 16:10", "2026-11-23 17:00"),
    ("2026-11-29 09:00", "2026-11-30 17:00"),    # Sunday
    ("2026-11-23 15:30", "2026-11-25 17:00"),    # over the Culture Day holiday
    ("2026-02-13 15:30", "2026-02-23 17:00"),    # over Tết 2026
    ("2027-02-03 16:00", "2027-02-11 17:00"),    # over Tết 2027 (4-10 Feb)
    ("2026-04-24 15:30", "2026-04-28 17:00"),    # Hùng Kings compensatory Monday 27 Apr
    ("2026-04-29 15:30", "2026-05-04 17:00"),    # 30 Apr, 1 May, weekend
    ("2027-04-30 10:00", "2027-05-04 17:00"),    # 30 Apr, weekend, compensatory 3 May
    ("2026-08-21 15:30", "2026-08-22 17:00"),    # next working day is Saturday 22 Aug
    ("2026-08-22 16:00", "2026-08-24 17:00"),
])
def test_rule_15(received, expected):
    assert CAL.appointment(at(received), "rule_15", 0) == at(expected)


@pytest.mark.parametrize("received,hours,expected", [
    ("2026-11-25 11:00", 1, "2026-11-25 14:00"),  # across lunch
    ("2026-11-25 16:30", 1, "2026-11-26 08:00"),  # across the night
    ("2026-11-25 10:30", 1, "2026-11-25 11:30"),  # ends exactly at the break
    ("2026-11-25 07:00", 2, "2026-11-25 09:30"),
    ("2026-11-25 12:00", 1, "2026-11-25 14:30"),
    ("2026-11-25 07:30", 7, "2026-11-25 16:30"),  # 4 h morning + 3 h afternoon
    ("2026-11-25 07:30", 8, "2026-11-26 08:00"),  # a day holds 7.5 h
    ("2026-11-27 16:00", 8, "2026-11-30 16:30"),  # 1 h Fri, 4 h + 3 h Mon
    ("2026-11-26 18:00", 1, "2026-11-27 08:30"),
    ("2026-08-21 16:00", 2, "2026-08-22 08:30"),  # into the make-up Saturday
    ("2026-08-28 16:30", 1, "2026-09-03 08:00"),  # over 31 Aug and 1-2 Sep
    ("2026-11-23 16:00", 2, "2026-11-25 08:30"),  # over the Culture Day holiday
])
def test_hours(received, hours, expected):
    assert CAL.appointment(at(received), "hours", hours) == at(expected)


@pytest.mark.parametrize("received,days,expected", [
    ("2026-11-30 09:00", 3, "2026-12-03 09:00"),  # Monday + 3 = Thursday
    ("2026-11-27 14:00", 1, "2026-11-30 14:00"),  # Friday + 1 = Monday
    ("2026-11-27 10:00", 2, "2026-12-01 10:00"),
    ("2026-11-23 10:00", 1, "2026-11-25 10:00"),
    # effective Thursday 07:30, one working day: Friday 07:30, that is Thursday 17:00 (opening-minute rule)
    ("2026-11-25 18:00", 1, "2026-11-26 17:00"),
    ("2026-11-25 12:00", 2, "2026-11-27 13:30"),  # effective 13:30
    ("2026-02-13 09:00", 1, "2026-02-23 09:00"),
    ("2026-08-27 09:00", 2, "2026-09-03 09:00"),  # Fri 28, then Thu 3 Sep
    ("2026-08-20 10:00", 2, "2026-08-22 10:00"),  # Fri 21, Sat 22 worked
    ("2026-12-31 10:00", 1, "2027-01-04 10:00"),  # New Year's Day
    ("2026-04-24 10:00", 1, "2026-04-28 10:00"),
    ("2027-02-03 10:00", 2, "2027-02-12 10:00"),
    ("2027-09-01 10:00", 1, "2027-09-06 10:00"),  # 2-3 Sep 2027
])
def test_working_days(received, days, expected):
    assert CAL.appointment(at(received), "working_days", days) == at(expected)


def test_admin_day_off_wins():
    cal = WorkCalendar(days_off=[dt.date(2026, 11, 26)])
    assert cal.appointment(at("2026-11-25 15:30"), "rule_15", 0) == at("2026-11-27 17:00")
    # a day off overrides even the package's make-up Saturday
    cal = WorkCalendar(days_off=[dt.date(2026, 8, 22)])
    assert cal.appointment(at("2026-08-21 15:30"), "rule_15", 0) == at("2026-08-24 17:00")


def test_admin_working_day_wins():
    cal = WorkCalendar(working_days=[dt.date(2026, 11, 28)])
    assert cal.appointment(at("2026-11-27 15:30"), "rule_15", 0) == at("2026-11-28 17:00")
    cal = WorkCalendar(working_days=[dt.date(2026, 11, 24)])
    assert cal.appointment(at("2026-11-23 18:00"), "rule_15", 0) == at("2026-11-24 17:00")


def test_custom_office_hours():
    cal = WorkCalendar(OfficeHours(dt.time(7), dt.time(11), dt.time(13), dt.time(16, 30)))
    assert cal.appointment(at("2026-11-25 16:00"), "hours", 1) == at("2026-11-26 07:30")
    assert cal.appointment(at("2026-11-25 15:10"), "rule_15", 0) == at("2026-11-26 16:30")
    assert cal.effective_receipt(at("2026-11-25 12:00")) == at("2026-11-25 13:00")


@pytest.mark.parametrize("start,end,minutes", [
    ("2026-11-25 11:00", "2026-11-25 14:00", 60),
    ("2026-11-27 16:00", "2026-11-30 08:30", 120),
    ("2026-11-23 16:00", "2026-11-25 07:30", 60),
    ("2026-11-25 18:00", "2026-11-26 07:00", 0),
])
def test_working_minutes_between(start, end, minutes):
    assert CAL.working_minutes_between(at(start), at(end)) == minutes


def test_bad_arguments():
    with pytest.raises(ValueError):
        CAL.effective_receipt(dt.datetime(2026, 11, 25, 9, 0))
    with pytest.raises(ValueError):
        CAL.appointment(at("2026-11-25 09:00"), "weeks", 1)


moments = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 20),
                       timezones=st.just(VN_TZ))


def in_office_hours(moment: dt.datetime) -> bool:
    t = moment.timetz().replace(tzinfo=None)
    morning = dt.time(7, 30) <= t <= dt.time(11, 30)
    afternoon = dt.time(13, 30) <= t <= dt.time(17, 0)
    return CAL.is_working_day(moment.date()) and (morning or afternoon)


@settings(max_examples=150, deadline=None)
@given(moments, st.integers(min_value=0, max_value=60 * 40))
def test_adding_minutes_is_undone_by_counting_them(received, minutes):
    effective = CAL.effective_receipt(received)
    due = CAL.add_working_minutes(received, minutes)
    assert received.replace(second=0, microsecond=0) <= effective <= due
    assert in_office_hours(effective) and in_office_hours(due)
    assert CAL.working_minutes_between(effective, due) == minutes


@settings(max_examples=150, deadline=None)
@given(moments, st.sampled_from(["rule_15", "working_days", "hours"]), st.integers(1, 30))
def test_every_appointment_is_in_office_hours_after_receipt(received, kind, value):
    due = CAL.appointment(received, kind, value)
    assert due > received
    assert in_office_hours(due)
    if kind == "rule_15":
        assert due.time() == dt.time(17, 0)


# The opening-minute rule, worked by hand (office 07:30-11:30, 13:30-17:00; the `holidays` calendar:
# Tuesday 24 Nov 2026 is not a holiday in the package, so the weekend and New Year's Day are used).
@pytest.mark.parametrize("due,shown", [
    ("2026-11-26 07:30", "2026-11-25 17:00"),  # Thursday opening -> Wednesday closing
    ("2026-11-30 07:30", "2026-11-27 17:00"),  # Monday opening -> Friday closing, across the weekend
    ("2027-01-04 07:30", "2026-12-31 17:00"),  # Monday 4 Jan 2027 -> Thursday 31 Dec: Fri 1 Jan is New Year's Day
    ("2026-09-03 07:30", "2026-08-28 17:00"),  # Thu 3 Sep -> Fri 28 Aug: weekend, 31 Aug swapped off, 1-2 Sep
    ("2026-11-26 07:31", "2026-11-26 07:31"),  # not the opening minute
    ("2026-11-26 13:30", "2026-11-26 13:30"),  # the afternoon opening is not the day's opening
    ("2026-11-28 07:30", "2026-11-28 07:30"),  # a Saturday is no working day: nothing to move
])
def test_opening_minute_is_shown_as_the_previous_closing(due, shown):
    assert CAL.not_on_opening(at(due)) == at(shown)


def test_appointment_never_falls_on_the_opening_minute():
    # Received Friday 27 Nov 18:00: effective Monday 30 Nov 07:30; 2 working days -> Wed 2 Dec 07:30,
    # shown as Tuesday 1 Dec 17:00 (the same working time: Mon and Tue, 2 × 7.5 h).
    assert CAL.appointment(at("2026-11-27 18:00"), "working_days", 2) == at("2026-12-01 17:00")
    # Received 31 Dec 2026 18:00: effective Mon 4 Jan 07:30; 1 working day -> Tue 5 Jan 07:30 -> Mon 4 Jan 17:00
    assert CAL.appointment(at("2026-12-31 18:00"), "working_days", 1) == at("2027-01-04 17:00")
    # An office day off set by the admin (Tue 1 Dec): the working days are Mon 30 Nov and Wed 2 Dec,
    # so Thu 3 Dec 07:30, shown as Wed 2 Dec 17:00.
    cal = WorkCalendar(days_off=[dt.date(2026, 12, 1)])
    assert cal.appointment(at("2026-11-27 18:00"), "working_days", 2) == at("2026-12-02 17:00")
    # A day off on the day before the opening minute: Thu 3 Dec 07:30 with Wed 2 Dec off -> Tue 1 Dec 17:00.
    cal = WorkCalendar(days_off=[dt.date(2026, 12, 2)])
    assert cal.not_on_opening(at("2026-12-03 07:30")) == at("2026-12-01 17:00")


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01", "2026-02-30", "", "abc"])
def test_a_day_typed_outside_the_records_range_is_refused(text):
    from services.calendar import parse_day

    with pytest.raises(ValueError):
        parse_day(text)


def test_a_day_typed_inside_the_range():
    from services.calendar import parse_day

    assert parse_day(" 2026-11-25 ") == dt.date(2026, 11, 25)
