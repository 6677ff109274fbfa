"""Writing audit entries, in the transaction of the state change being recorded.

Appends are serialised by locking the one-row `audit_head` table (SELECT ... FOR UPDATE on
PostgreSQL, the database write lock on SQLite) until the transaction ends, so concurrent
writers in any number of processes can neither fork nor gap the chain. Call `record()` inside
the `in_transaction()` of the change it records, so both commit or neither does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app.audit.chain import GENESIS_HASH, link_hash
from app.audit.models import AuditEntry, AuditHead

# Keys that must never reach the audit log, whatever a caller passes (at any depth).
_FORBIDDEN_KEYS = frozenset({"token", "raw_token", "content", "body", "document", "file"})
_FORBIDDEN_PARTS = ("password", "secret")


class Actor(Protocol):
    id: int
    username: str


def _forbidden(key: str) -> bool:
    lowered = key.lower()
    return lowered in _FORBIDDEN_KEYS or any(part in lowered for part in _FORBIDDEN_PARTS)


def _strip(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            str(k): _strip(v)
            for k, v in value.items()
            if not _forbidden(str(k)) and not isinstance(v, bytes | bytearray | memoryview)
        }
    if isinstance(value, list | tuple):
        return [_strip(v) for v in value if not isinstance(v, bytes | bytearray | memoryview)]
    return value


def _plain(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def clean_summary(summary: Mapping[str, Any] | None) -> dict[str, Any]:
    """The summary as it is stored and hashed: secrets and raw bytes dropped, plain JSON.

    The JSON round trip makes the hashed value exactly what the database gives back later
    (dates become ISO text, tuples lists), so verification recomputes the same hash.
    """
    stripped = _strip(dict(summary or {}))
    plain: dict[str, Any] = json.loads(json.dumps(stripped, default=_plain, ensure_ascii=False))
    return plain


async def _lock_head(connection: BaseDBAsyncClient) -> AuditHead:
    if connection.capabilities.dialect == "sqlite":
        # FOR UPDATE is a no-op on SQLite: a write takes the database write lock instead, so
        # another process cannot append between our read of the head and our insert.
        await AuditHead.filter(id=1).using_db(connection).update(seq=F("seq"))
    head = await AuditHead.filter(id=1).using_db(connection).select_for_update().first()
    if head is None:
        # The very first append: concurrent first writers race to create the row; the loser's
        # insert fails inside a savepoint and it reads the winner's row instead.
        await AuditHead.get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS_HASH}, using_db=connection
        )
        head = await AuditHead.filter(id=1).using_db(connection).select_for_update().get()
    return head


async def _append(
    connection: BaseDBAsyncClient,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: str,
    summary: dict[str, Any],
) -> AuditEntry:
    head = await _lock_head(connection)
    seq = head.seq + 1
    at = datetime.now(UTC)  # taken under the lock, so times never run backwards along seq
    actor_id = actor.id if actor else None
    digest = link_hash(seq, at, actor_id, action, object_type, object_id, summary, head.hash)
    entry = await AuditEntry.create(
        using_db=connection,
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_label=actor.username if actor else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        prev_hash=head.hash,
        hash=digest,
    )
    await AuditHead.filter(id=1).using_db(connection).update(seq=seq, hash=digest)
    return entry


async def record(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object,
    summary: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry: who (`actor`, None for the system), did what, to which object.

    `summary` says what changed; passwords, tokens, document bytes and meeting content are
    dropped. Outside a transaction the append opens its own, because the head lock only
    serialises writers while a transaction holds it.
    """
    clean = clean_summary(summary)
    connection = AuditEntry._meta.db
    if isinstance(connection, TransactionalDBClient):
        return await _append(connection, actor, action, object_type, str(object_id), clean)
    async with in_transaction(connection.connection_name) as transaction:
        return await _append(transaction, actor, action, object_type, str(object_id), clean)


async def record_view(
    actor: Actor | None, object_type: str, object_id: object, what: str
) -> AuditEntry:
    """Record that `actor` saw sensitive data (`what`: e.g. "identity_number", "document")."""
    return await record(actor, f"{object_type}.viewed", object_type, object_id, {"what": what})
