"""Writing audit entries, in the transaction of the state change being recorded.

Appends are serialised by locking the one-row `audit_head` table (SELECT ... FOR UPDATE on
PostgreSQL, the database write lock on SQLite) until the transaction ends, so concurrent
writers in any number of processes can neither fork nor gap the chain. Call `record()` inside
the `in_transaction()` of the change it records, so both commit or neither does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app import clock
from app.audit import tree
from app.audit.chain import GENESIS_HASH, link_hash
from app.audit.models import AuditEntry, AuditHead, AuditTreeNode

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


# PostgreSQL: the head is locked and read by one statement, and the entry inserted and the
# head moved by one more (a data-modifying WITH), under the same row lock as the ORM path;
# SQL written once, as every booking appends. A missing head (the first append) and SQLite
# take the ORM path below.
_LOCK_HEAD_PG = "SELECT seq, hash, tree_size, frontier FROM audit_head WHERE id = 1 FOR UPDATE"
_COLUMNS = (
    "seq", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "summary",
    "prev_hash", "hash",
)  # fmt: skip


@cache
def _append_pg(nodes: int) -> str:
    """The entry, the tree's subtrees it completes (``nodes`` of them) and the head moved."""
    values = ", ".join(f"(${11 + 3 * n}, ${12 + 3 * n}, ${13 + 3 * n})" for n in range(nodes))
    last = 10 + 3 * nodes
    return (
        f"WITH entry AS (INSERT INTO audit_entry ({', '.join(_COLUMNS)})"  # noqa: S608 - names
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)),"
        f" nodes AS (INSERT INTO audit_tree_node (height, start, hash) VALUES {values})"
        f" UPDATE audit_head SET seq = $1, hash = $10, tree_size = ${last + 1},"
        f" frontier = ${last + 2} WHERE id = 1"
    )


async def _append(
    connection: BaseDBAsyncClient,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: str,
    summary: dict[str, Any],
) -> AuditEntry:
    if connection.capabilities.dialect == "postgres":
        rows = (await connection.execute_query(_LOCK_HEAD_PG))[1]
        if rows and rows[0]["tree_size"] == rows[0]["seq"]:
            head_row = dict(rows[0])
            entry = _next_entry(head_row["seq"], head_row["hash"], actor, action, object_type,
                                object_id, summary)  # fmt: skip
            frontier, nodes = tree.grown(tree.frontier_of(head_row), [entry.hash])
            # Each value as the ORM would write it: its field's checks (lengths) and conversions.
            fields = AuditEntry._meta.fields_map
            values = [fields[name].to_db_value(getattr(entry, name), entry) for name in _COLUMNS]
            values += [part for s, h, d in nodes for part in (h, s, d.hex())]
            values += [frontier.size, frontier.to_hashes().hex()]
            await connection.execute_query(_append_pg(len(nodes)), values)
            entry._saved_in_db = True
            return entry
    head = await _lock_head(connection)
    if head.tree_size != head.seq:
        await tree.catch_up(connection, head)
    entry = _next_entry(head.seq, head.hash, actor, action, object_type, object_id, summary)
    frontier, nodes = tree.grown(tree.frontier_of(head), [entry.hash])
    await entry.save(using_db=connection, force_create=True)
    await AuditTreeNode.bulk_create(tree.node_rows(nodes), using_db=connection)
    await (
        AuditHead.filter(id=1)
        .using_db(connection)
        .update(
            seq=entry.seq,
            hash=entry.hash,
            tree_size=frontier.size,
            frontier=frontier.to_hashes().hex(),
        )
    )
    return entry


def _next_entry(
    head_seq: int,
    head_hash: str,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: str,
    summary: dict[str, Any],
) -> AuditEntry:
    """The entry that follows the locked head (not saved yet)."""
    seq = head_seq + 1
    at = clock.now()  # taken under the lock, so times never run backwards along seq
    actor_id = actor.id if actor else None
    return AuditEntry(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_label=actor.username if actor else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        prev_hash=head_hash,
        hash=link_hash(seq, at, actor_id, action, object_type, object_id, summary, head_hash),
    )


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
