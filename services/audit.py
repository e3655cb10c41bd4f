"""The audit trail: one hash-chained event per state change, written in the caller's transaction."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from models import AuditEvent, now

GENESIS = "0" * 64


def _digest(prev_hash: str, at: str, actor: str, action: str, entity: str, entity_id: str,
            before, after) -> str:
    payload = json.dumps([prev_hash, at, actor, action, entity, entity_id, before, after],
                         ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(actor: str, action: str, entity: str, entity_id, before=None, after=None) -> AuditEvent:
    """Append an event. Call inside the write transaction of the change it describes."""
    last = AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
    prev_hash = last.hash if last else GENESIS
    at = now().isoformat()
    entity_id = str(entity_id)
    digest = _digest(prev_hash, at, actor, action, entity, entity_id, before, after)
    return AuditEvent.create(at=at, actor=actor, action=action, entity=entity, entity_id=entity_id,
                             before=before, after=after, prev_hash=prev_hash, hash=digest)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""


def verify() -> VerifyResult:
    """Walk the chain; report the first event that was edited, removed or reordered."""
    prev_hash = GENESIS
    count = 0
    for event in AuditEvent.select().order_by(AuditEvent.id).iterator():
        count += 1
        if event.prev_hash != prev_hash:
            return VerifyResult(False, count, event.id, "previous event missing or changed")
        expected = _digest(event.prev_hash, event.at.isoformat(), event.actor, event.action,
                           event.entity, event.entity_id, event.before, event.after)
        if expected != event.hash:
            return VerifyResult(False, count, event.id, "event content changed")
        prev_hash = event.hash
    return VerifyResult(True, count)
