"""Signing the audit log's tree heads, and checking today's log against a witness's copies.

A tree head is signed only if the stored tree still holds the last signed one (a consistency
check over O(log n) stored subtrees): a rewritten history is never signed over. A witness's
checkpoints are checked against the tree recomputed from the entries themselves, not the stored
nodes, since whoever rewrote entries could rewrite those too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from app import clock
from app.audit import merkle, signing, tree
from app.audit.models import AuditCheckpoint, AuditHead, AuditTreeNode
from app.audit.signing import SigningKey, TreeHead
from app.audit.stream import entry_batches

log = logging.getLogger("lawmeet.audit")


class LogRewritten(Exception):
    """The stored tree no longer holds the last signed tree head: nothing is signed."""

    def __init__(self, checkpoint: AuditCheckpoint) -> None:
        super().__init__(f"the log no longer extends checkpoint {checkpoint.size}")
        self.checkpoint = checkpoint


async def latest() -> AuditCheckpoint | None:
    return await AuditCheckpoint.all().order_by("-id").first()


async def sign_tree_head(key: SigningKey) -> AuditCheckpoint | None:
    """Sign the tree as it stands, if it grew since the last signed head (None otherwise).

    The signed head is its own record (the table is append-only); it adds no audit entry, which
    would grow the log and call for another signature at the next round."""
    head = await AuditHead.get_or_none(id=1)
    size = head.tree_size if head else 0
    previous = await latest()
    if previous is not None:
        if size <= previous.size:
            return None
        if (await tree.root_at(previous.size)).hex() != previous.root:
            raise LogRewritten(previous)
    root = tree.frontier_of(head).root() if head else merkle.EMPTY_ROOT
    if head is not None and size and (await tree.root_at(size)) != root:
        raise RuntimeError("the stored tree and the head's frontier disagree")
    signed = TreeHead(key.name, size, root, clock.now())  # the log's origin is the key's name
    return await AuditCheckpoint.create(
        size=size, root=root.hex(), at=signed.at, note=key.sign(signed)
    )


@dataclass(frozen=True)
class WitnessFinding:
    """The first of a witness's checkpoints today's log no longer extends (None: all hold)."""

    checked: int  # witnessed checkpoints compared
    log_size: int  # entries in today's log
    failed_size: int | None = None  # the size of the first checkpoint that no longer matches
    good_size: int = 0  # the largest witnessed size still matching below it
    first_bad_seq: int | None = None  # the first entry whose leaf differs, where it can be shown
    truncated: bool = False  # the log is shorter than a witnessed checkpoint

    @property
    def ok(self) -> bool:
        return self.failed_size is None


async def check_witness(heads: Sequence[TreeHead]) -> WitnessFinding:
    """Recompute the tree from the entries and compare its root at each witnessed size."""
    wanted = sorted({h.size: h for h in heads}.values(), key=lambda h: h.size)
    frontier, good, position = merkle.Frontier(), 0, 0
    while position < len(wanted) and wanted[position].size == 0:
        if wanted[position].root != merkle.EMPTY_ROOT:
            return WitnessFinding(position + 1, 0, 0, 0)
        position += 1
    async for rows in entry_batches(("seq", "hash")):
        for row in rows:
            frontier = frontier.append(tree.leaf_of(row["hash"]))
            while position < len(wanted) and wanted[position].size == frontier.size:
                head = wanted[position]
                position += 1
                if frontier.root() != head.root:
                    bad = await _first_bad_leaf(good, head)
                    return WitnessFinding(position, frontier.size, head.size, good, bad)
                good = head.size
        if position == len(wanted):
            break
    size = await _log_size(frontier.size)
    if position < len(wanted):  # a witnessed size the log no longer reaches
        head = wanted[position]
        bad = await _first_bad_leaf(good, head)
        return WitnessFinding(position + 1, size, head.size, good, bad, truncated=True)
    return WitnessFinding(position, size)


async def _log_size(walked: int) -> int:
    head = await AuditHead.get_or_none(id=1)
    return max(walked, head.seq if head else 0)


async def _first_bad_leaf(good: int, head: TreeHead) -> int | None:
    """The seq of the first entry in (good, head.size] whose leaf differs from the stored tree's,
    when the stored tree still gives the signed root (then its leaves are the committed ones);
    None when the stored tree was rewritten too, and only the range can be named."""
    try:
        if await tree.root_at(head.size) != head.root:
            return None
    except LookupError:
        return None
    stored = {
        row["start"]: row["hash"]
        for row in await AuditTreeNode.filter(
            height=0, start__gte=good, start__lt=head.size
        ).values("start", "hash")
    }
    expected = good + 1
    async for rows in entry_batches(("seq", "hash"), after_seq=good):
        for row in rows:
            if row["seq"] != expected or row["seq"] > head.size:
                return expected if expected <= head.size else None
            if tree.leaf_of(row["hash"]).hex() != stored.get(row["seq"] - 1):
                return expected
            expected += 1
    return expected if expected <= head.size else None  # the entries from there on are gone


async def keep_signing(
    key_path: Path, origin: str, stop: asyncio.Event, interval_seconds: float = 300.0
) -> None:
    """A companion of the notification worker: sign the tree head whenever the log has grown,
    every few minutes ([audit] checkpoint_minutes); nothing while no key was made."""
    while not stop.is_set():
        try:
            if await asyncio.to_thread(key_path.exists):
                key = await asyncio.to_thread(signing.load, key_path, origin)
                signed = await sign_tree_head(key)
                if signed is not None:
                    log.info("audit tree head signed: %d entries", signed.size)
        except LogRewritten:
            log.critical("audit log no longer extends its last signed tree head: not signed")
        except Exception:  # a failed round must not stop notice delivery beside it
            log.exception("audit tree head signing failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_seconds)
