"""Writing audit entries; call inside the transaction of the state change being recorded."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from app.audit.chain import GENESIS_HASH, link_hash
from app.audit.models import AuditEntry, AuditHead

# Keys that must never reach the audit log, whatever a caller passes.
_FORBIDDEN_KEYS = frozenset({"password", "password_hash", "token", "secret", "content"})


class Actor(Protocol):
    id: int
    username: str


async def record(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object,
    summary: Mapping[str, Any] | None = None,
) -> AuditEntry:
    clean = {k: v for k, v in (summary or {}).items() if k not in _FORBIDDEN_KEYS}
    head = await AuditHead.filter(id=1).select_for_update().first()
    if head is None:
        head = await AuditHead.create(id=1, seq=0, hash=GENESIS_HASH)
    seq = head.seq + 1
    at = datetime.now(UTC)
    actor_id = actor.id if actor else None
    digest = link_hash(seq, at, actor_id, action, object_type, str(object_id), clean, head.hash)
    entry = await AuditEntry.create(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_label=actor.username if actor else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=clean,
        prev_hash=head.hash,
        hash=digest,
    )
    await AuditHead.filter(id=1).update(seq=seq, hash=digest)
    return entry
