"""The deadline counts: per officer, and the navigation bar's three lists (read from an index alone).

1.004222, 7 working days: received Mon 9 Nov 2026 08:00 -> appointment Wed 18 Nov 08:00, 75% of the
time used at Mon 16 Nov 09:52 (worked out in test_deadlines)."""
from __future__ import annotations

from models import User
from services import deadlines, office
from tests.processing_helpers import at, receive, step


def test_counts_per_officer_and_for_the_navigation_bar(ctx):
    mine = receive(ctx, "1.004222", "2026-11-09 08:00")
    theirs = receive(ctx, "1.004222", "2026-11-09 08:00")
    unassigned = receive(ctx, "1.004222", "2026-11-09 08:00")
    step(mine.code, "start", "2026-11-09 09:00", by="specialist")
    step(theirs.code, "start", "2026-11-09 09:00", by="leader")
    specialist = User.get(User.username == "specialist").id
    calendar = office.calendar()
    assert unassigned.code

    assert deadlines.counts(calendar, at("2026-11-16 09:53")) == {
        "overdue": 0, "due_today": 0, "due_next_working_day": 0, "over_75_percent": 3}
    assert deadlines.counts(calendar, at("2026-11-16 09:53"), assignee_id=specialist)["over_75_percent"] == 1
    assert deadlines.counts(calendar, at("2026-11-17 09:00"), assignee_id=specialist) == {
        "overdue": 0, "due_today": 0, "due_next_working_day": 1, "over_75_percent": 0}
    nav = ("overdue", "due_today", "due_next_working_day")
    assert deadlines.counts(calendar, at("2026-11-18 08:01"), kinds=nav) == {
        "overdue": 3, "due_today": 0, "due_next_working_day": 0}
    assert deadlines.counts(calendar, at("2026-11-18 08:01"), assignee_id=specialist, kinds=nav)["overdue"] == 1
