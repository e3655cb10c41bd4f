"""The audit chain: every change leaves an event; edits and deletions are detected."""
from __future__ import annotations

from models import AuditEvent
from services import audit


def test_chain_verifies_then_detects_an_edit(ctx, runner):
    assert audit.verify().ok
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0 and "intact" in result.output
    victim = AuditEvent.select().order_by(AuditEvent.id).limit(1).offset(2).get()
    AuditEvent.update(actor="someone-else").where(AuditEvent.id == victim.id).execute()
    check = audit.verify()
    assert not check.ok and check.broken_at == victim.id
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 1 and "BROKEN" in result.output


def test_chain_detects_a_deleted_event(ctx):
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert len(events) >= 3
    events[1].delete_instance()
    check = audit.verify()
    assert not check.ok and check.broken_at == events[2].id


def test_each_event_links_to_the_previous(ctx):
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert events[0].prev_hash == audit.GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
