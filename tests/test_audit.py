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


def test_chain_detects_an_event_spliced_out_with_the_link_mended(ctx):
    """Remove an event and point the next one at the event before it: the next event's hash
    covered the removed event's hash, so the chain must still break there."""
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert len(events) >= 3
    removed, following = events[1], events[2]
    removed.delete_instance()
    AuditEvent.update(prev_hash=events[0].hash).where(AuditEvent.id == following.id).execute()
    check = audit.verify()
    assert not check.ok and check.broken_at == following.id


def test_each_hash_covers_the_previous_hash(ctx):
    """Recompute every event's hash with another previous hash: it must differ from the stored one."""
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert events
    for event in events:
        args = (event.at.isoformat(), event.actor, event.action, event.entity, event.entity_id,
                event.before, event.after)
        assert audit._digest(event.prev_hash, *args) == event.hash
        assert audit._digest("f" * 64, *args) != event.hash
        assert audit._digest("", *args) != event.hash
