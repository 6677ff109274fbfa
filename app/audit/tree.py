"""The Merkle tree over the audit entries, kept as they are appended (RFC 9162 hashing).

Each entry is a leaf whose data is its chain hash (SHA-256 over its content and the previous
entry's hash), so a leaf names one entry, with its content, at its place. The head row keeps
the frontier (the roots of the perfect subtrees covering the log), so an append needs no read:
it writes the subtrees it completes (one, or a few when a power of two fills up). Proofs read
the stored subtrees they need, O(log n) rows in one query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from app.audit import merkle
from app.audit.models import AuditEntry, AuditHead, AuditTreeNode

_FAKE = b"\x00" * merkle.HASH_SIZE


def leaf_of(chain_hash: str) -> bytes:
    """The leaf hash of the entry whose chain hash is ``chain_hash`` (hex)."""
    return merkle.leaf_hash(bytes.fromhex(chain_hash))


def frontier_of(head: AuditHead | dict[str, Any]) -> merkle.Frontier:
    size = head["tree_size"] if isinstance(head, dict) else head.tree_size
    text = head["frontier"] if isinstance(head, dict) else head.frontier
    return merkle.Frontier.from_hashes(size, bytes.fromhex(text or ""))


def grown(
    frontier: merkle.Frontier, chain_hashes: Iterable[str]
) -> tuple[merkle.Frontier, list[tuple[int, int, bytes]]]:
    """The frontier with these entries appended, and the subtrees they complete."""
    nodes: list[tuple[int, int, bytes]] = []
    for chain_hash in chain_hashes:
        frontier, completed = frontier.append_with_subtrees(leaf_of(chain_hash))
        nodes.extend(completed)
    return frontier, nodes


def node_rows(nodes: Iterable[tuple[int, int, bytes]]) -> list[AuditTreeNode]:
    return [AuditTreeNode(height=h, start=s, hash=d.hex()) for s, h, d in nodes]


async def catch_up(connection: BaseDBAsyncClient, head: AuditHead, batch: int = 5000) -> None:
    """Bring the tree up to the head's seq (entries appended before the tree existed, e.g.
    by an older version): call with the head locked, in the transaction of the append."""
    frontier = frontier_of(head)
    while frontier.size < head.seq:
        rows = (
            await AuditEntry.filter(seq__gt=frontier.size, seq__lte=head.seq)
            .using_db(connection)
            .order_by("seq")
            .limit(batch)
            .values_list("hash", flat=True)
        )
        if not rows:
            raise RuntimeError(f"audit entries missing after seq {frontier.size}")
        frontier, nodes = grown(frontier, [str(h) for h in rows])
        await AuditTreeNode.bulk_create(node_rows(nodes), using_db=connection)
    head.tree_size, head.frontier = frontier.size, frontier.to_hashes().hex()
    await (
        AuditHead.filter(id=head.id)
        .using_db(connection)
        .update(tree_size=head.tree_size, frontier=head.frontier)
    )


async def _subtrees(keys: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored subtrees with these (start, height), in one query."""
    if not keys:
        return {}
    heights = {h for _s, h in keys}
    starts = {s for s, _h in keys}
    rows = await AuditTreeNode.filter(height__in=heights, start__in=starts).values(
        "height", "start", "hash"
    )
    found = {(r["start"], r["height"]): bytes.fromhex(r["hash"]) for r in rows}
    missing = keys - set(found)
    if missing:
        raise LookupError(f"audit tree nodes missing: {sorted(missing)[:5]}")
    return found


async def _read(proof: Callable[[merkle.SubtreeHash], list[bytes]]) -> list[bytes]:
    """Run ``proof`` over stored subtrees: once to learn which it needs, once with them."""
    wanted: set[tuple[int, int]] = set()

    def note(start: int, height: int) -> bytes:
        wanted.add((start, height))
        return _FAKE

    proof(note)
    stored = await _subtrees(wanted)
    return proof(lambda start, height: stored[(start, height)])


async def inclusion_proof(index: int, size: int) -> list[bytes]:
    """The audit path of leaf ``index`` (seq - 1) in the tree of the first ``size`` entries."""
    return await _read(lambda read: merkle.inclusion_proof_from(index, size, read))


async def consistency_proof(old_size: int, new_size: int) -> list[bytes]:
    """The proof that the tree of ``new_size`` entries extends the one of ``old_size``."""
    return await _read(lambda read: merkle.consistency_proof_from(old_size, new_size, read))


async def root_at(size: int) -> bytes:
    """The root of the tree of the first ``size`` entries (from its perfect subtrees)."""
    if size == 0:
        return merkle.EMPTY_ROOT
    return (await _read(lambda read: [merkle.range_hash(0, size, read)]))[0]
