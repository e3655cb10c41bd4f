"""The transition table: every status × every action × every role, expected results written by hand."""
from __future__ import annotations

import datetime as dt

import pytest

from models import AuditEvent, Dossier, StatusEvent, User, db, now
from services import accounts, office, transitions
from services.calendar import VN_TZ
from tests.processing_helpers import receive, step

# Columns: the status a dossier is in (1..10). A number: the status the action leads to; "=" the status
# stays (an extension); "." the action is not offered. Then the roles that may do it.
EXPECTED = """
accept              2 . . . . . . . .  .   admin leader intake
refuse              3 . . . . . . . .  .   admin leader intake
start               . 4 . . . 4 . . .  .   admin leader specialist
request-supplement  . 5 . 5 . . . . .  .   admin leader specialist
receive-supplement  . . . . 4 . . . .  .   admin leader intake specialist
request-fee         . . . 6 . . . . .  .   admin leader specialist
withdraw            7 7 . 7 7 7 . . .  .   admin intake
stop                . 8 . 8 8 8 . . .  .   admin leader specialist
settle              . 9 . 9 . 9 . . .  .   admin leader specialist
return              . . . . . . . . 10 .   admin intake
extend              . = . = . = . . .  .   admin leader
"""


def _expected():
    table = {}
    for line in EXPECTED.strip().splitlines():
        parts = line.split()
        action, cells, roles = parts[0], parts[1:11], set(parts[11:])
        for status, cell in enumerate(cells, start=1):
            target = None if cell == "." else (status if cell == "=" else int(cell))
            table[action, status] = (target, roles)
    return table


TABLE = _expected()


def test_the_table_covers_every_action_of_the_contract():
    assert set(transitions.ACTIONS) == {"accept", "refuse", "start", "request-supplement",
                                        "receive-supplement", "request-fee", "withdraw", "stop", "settle",
                                        "return", "extend"}


@pytest.mark.parametrize("status", range(1, 11))
def test_offered_actions(ctx, status):
    for role in accounts.ROLES:
        user = User.get(User.username == role)
        offered = {t.action for t in transitions.allowed(Dossier(status=status), user)}
        expected = {a for a in transitions.ACTIONS if TABLE[a, status][0] and role in TABLE[a, status][1]}
        assert offered == expected, (status, role)


# How to bring a fresh dossier (channel, steps) into each status, all at the current clock.
PATHS = {
    1: (2, []), 2: (1, []), 3: (2, [("refuse", "Thiếu giấy tờ")]), 4: (1, [("start", "")]),
    5: (1, [("start", ""), ("request-supplement", "Thiếu bản sao")]),
    6: (1, [("start", ""), ("request-fee", "")]), 7: (1, [("withdraw", "Xin rút")]),
    8: (1, [("stop", "Không đủ điều kiện")]), 9: (1, [("settle", "")]),
    10: (1, [("settle", ""), ("return", "")]),
}


def _working_day_after(calendar, day: dt.date, days: int) -> dt.date:
    return calendar.add_working_days(day, days)


@pytest.mark.parametrize("status", range(1, 11))
def test_performed_transitions(ctx, status):
    """Each action by each role on a real dossier in each status: done exactly when the table says."""
    calendar = office.calendar()
    received = now() - dt.timedelta(minutes=5)
    dossier = receive(ctx, "1.001699", received.strftime("%Y-%m-%d %H:%M"), channel=PATHS[status][0])
    for action, reason in PATHS[status][1]:
        step(dossier.code, action, reason=reason)
    dossier = Dossier.get_by_id(dossier.id)
    assert dossier.status == status
    later = calendar.add_working_days((dossier.appointment_at or received).date(), 3)
    new_appointment = dt.datetime.combine(later, dt.time(10, 0), VN_TZ)
    for action in transitions.ACTIONS:
        for role in accounts.ROLES:
            target, roles = TABLE[action, status]
            events = StatusEvent.select().count()
            with db.atomic() as txn:
                try:
                    changed, state = step(dossier.code, action, by=role, reason="Lý do",
                                          appointment=new_appointment.strftime("%Y-%m-%d %H:%M"))
                    done = True
                except transitions.TransitionError:
                    done = False
                if done:
                    assert state.status == target and changed.status == target, (action, role)
                    assert StatusEvent.select().count() == events + 1
                txn.rollback()
            assert done == (target is not None and role in roles), (status, action, role)


def test_a_refused_step_changes_nothing(ctx):
    dossier = receive(ctx, "1.004873", "2026-11-16 08:00")
    audits, events = AuditEvent.select().count(), StatusEvent.select().count()
    with pytest.raises(transitions.TransitionError):
        step(dossier.code, "settle", "2026-11-16 09:00", by="intake", settle_gate=True)
    with pytest.raises(transitions.TransitionError):
        step(dossier.code, "stop", "2026-11-16 09:00", by="leader")  # no reason
    with pytest.raises(transitions.TransitionError):
        step(dossier.code, "start", "2026-11-16 07:59")  # before the last event
    with pytest.raises(transitions.TransitionError):
        step(dossier.code, "start", (now() + dt.timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M"))
    assert (AuditEvent.select().count(), StatusEvent.select().count()) == (audits, events)
    assert Dossier.get_by_id(dossier.id).status == 2


def test_each_step_is_audited_with_both_times(ctx):
    dossier = receive(ctx, "1.004873", "2026-11-16 08:00")
    step(dossier.code, "start", "2026-11-16 09:15", by="specialist")
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.action, event.actor, event.entity_id) == ("dossier.start", "specialist", dossier.code)
    assert event.after["at"] == "2026-11-16T09:15:00+07:00"
    assert event.after["entered_at"] == event.at.isoformat()
    assert (event.before["status"], event.after["status"]) == (2, 4)
    # starting assigns the dossier to the officer who starts it
    assert Dossier.get_by_id(dossier.id).assignee.username == "specialist"
