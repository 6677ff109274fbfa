"""The Merkle tree over the audit entries, kept as they are appended, on both databases."""

from __future__ import annotations

import asyncpg
import pytest
from tortoise.exceptions import OperationalError

from app.audit import merkle, tree
from app.audit.models import AuditEntry, AuditHead, AuditTreeNode
from app.audit.service import record
from tests.integration.audit_tampering import ALICE, allow_tampering, write_entries

REFUSED = (OperationalError, asyncpg.exceptions.RaiseError)


async def _leaves() -> list[bytes]:
    hashes = [h for (h,) in await AuditEntry.all().order_by("seq").values_list("hash")]
    return [tree.leaf_of(h) for h in hashes]


@pytest.mark.usefixtures("database")
async def test_every_append_keeps_the_root_of_all_entries() -> None:
    for count in range(1, 20):
        await record(ALICE, "x.changed", "x", count, {"n": count})
        head = await AuditHead.get(id=1)
        assert (head.seq, head.tree_size) == (count, count)
        assert tree.frontier_of(head).root() == merkle.root(await _leaves())


@pytest.mark.usefixtures("database")
async def test_each_subtree_is_stored_once_as_it_completes() -> None:
    await write_entries(13)
    # A tree of n leaves has 2n - 1 nodes; the right edge's imperfect ones are never stored.
    assert await AuditTreeNode.all().count() == 2 * 13 - (13).bit_count()


@pytest.mark.usefixtures("database")
async def test_every_entry_is_proved_included_from_stored_subtrees() -> None:
    await write_entries(11)
    leaves = await _leaves()
    for size in (1, 6, 11):
        root = await tree.root_at(size)
        assert root == merkle.root(leaves[:size])
        for index in range(size):
            proof = await tree.inclusion_proof(index, size)
            assert merkle.verify_inclusion(index, size, leaves[index], proof, root)


@pytest.mark.usefixtures("database")
async def test_a_later_tree_is_proved_to_extend_an_earlier_one() -> None:
    await write_entries(9)
    old_root = await tree.root_at(5)
    await write_entries(8)
    proof = await tree.consistency_proof(5, 17)
    assert merkle.verify_consistency(5, 17, old_root, await tree.root_at(17), proof)


@pytest.mark.usefixtures("database")
async def test_the_tree_refuses_update_and_delete() -> None:
    await write_entries(2)
    with pytest.raises(REFUSED):
        await AuditTreeNode.filter(height=0, start=0).update(hash="0" * 64)
    with pytest.raises(REFUSED):
        await AuditTreeNode.filter(height=0, start=1).delete()


@pytest.mark.usefixtures("database")
async def test_an_append_builds_the_tree_for_entries_it_never_saw() -> None:
    # A log older than its tree (what the migration and an older version leave): the next
    # append first catches the tree up, under the same lock.
    await write_entries(6)
    await allow_tampering("audit_tree_node")
    await AuditTreeNode.all().delete()
    await AuditHead.filter(id=1).update(tree_size=0, frontier="")
    await record(ALICE, "x.changed", "x", 7, {})
    head = await AuditHead.get(id=1)
    assert head.tree_size == 7
    assert tree.frontier_of(head).root() == merkle.root(await _leaves())
    assert await tree.root_at(7) == merkle.root(await _leaves())
