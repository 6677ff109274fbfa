"""Signed tree heads and witnesses: a history rewritten with the database's own rights is
found by the checkpoints a witness kept, on SQLite and PostgreSQL (issue 19)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.audit import checkpoints, merkle, signing, tree
from app.audit.models import AuditCheckpoint, AuditEntry, AuditHead, AuditTreeNode
from tests.integration.audit_tampering import (
    REWRITES,
    allow_tampering,
    rewrite_history_from,
    write_entries,
)

ORIGIN = "lawmeet.test/audit"


@pytest.fixture
def key(tmp_path: Path) -> signing.SigningKey:
    return signing.generate(tmp_path / "audit.pem", ORIGIN)


async def _witness_copies(key: signing.SigningKey) -> list[signing.TreeHead]:
    """What a witness kept: every signed note, read back with the public key alone."""
    notes = [row.note for row in await AuditCheckpoint.all().order_by("id")]
    return [signing.read_note(note, key.public) for note in notes]


async def _sign_after(key: signing.SigningKey, *counts: int) -> None:
    for count in counts:
        await write_entries(count)
        assert await checkpoints.sign_tree_head(key) is not None


@pytest.mark.usefixtures("database")
async def test_a_tree_head_is_signed_only_when_the_log_grew(key: signing.SigningKey) -> None:
    await _sign_after(key, 4)
    assert await checkpoints.sign_tree_head(key) is None
    signed = (await _witness_copies(key))[0]
    assert (signed.origin, signed.size) == (ORIGIN, 4)
    assert signed.root == await tree.root_at(4)


@pytest.mark.usefixtures("database")
async def test_an_intact_log_extends_every_witnessed_checkpoint(key: signing.SigningKey) -> None:
    await _sign_after(key, 5, 3, 6)
    await write_entries(2)  # grown since the last signature: still an extension
    finding = await checkpoints.check_witness(await _witness_copies(key))
    assert finding.ok and (finding.checked, finding.log_size) == (3, 16)


@pytest.mark.usefixtures("database")
async def test_a_rewritten_history_is_named_down_to_its_first_entry(
    key: signing.SigningKey,
) -> None:
    await _sign_after(key, 5, 3)
    await allow_tampering()
    await rewrite_history_from(7, {"n": "forged"})  # every hash after it recomputed
    finding = await checkpoints.check_witness(await _witness_copies(key))
    assert (finding.failed_size, finding.good_size, finding.first_bad_seq) == (8, 5, 7)


@pytest.mark.usefixtures("database")
async def test_a_history_rewritten_with_its_tree_is_named_by_its_range(
    key: signing.SigningKey,
) -> None:
    await _sign_after(key, 5, 3)
    await allow_tampering()
    await rewrite_history_from(7, {"n": "forged"})
    await allow_tampering("audit_tree_node")  # the forger rebuilds the tree from the forgery
    await AuditTreeNode.all().delete()
    await AuditHead.filter(id=1).update(tree_size=0, frontier="")
    await write_entries(1)  # the next append catches the tree up over the forged entries
    finding = await checkpoints.check_witness(await _witness_copies(key))
    assert (finding.failed_size, finding.good_size, finding.first_bad_seq) == (8, 5, None)


@pytest.mark.usefixtures("database")
async def test_a_cut_tail_is_found(key: signing.SigningKey) -> None:
    await _sign_after(key, 6)
    await allow_tampering()
    await AuditEntry.filter(seq__gt=4).delete()
    finding = await checkpoints.check_witness(await _witness_copies(key))
    assert finding.truncated and finding.failed_size == 6


@pytest.mark.usefixtures("database")
async def test_no_tree_head_is_signed_over_a_rewritten_tree(key: signing.SigningKey) -> None:
    await _sign_after(key, 4)
    await allow_tampering("audit_tree_node")
    await AuditTreeNode.filter(height=2, start=0).delete()  # the signed tree of the first four
    await AuditTreeNode.create(height=2, start=0, hash="0" * 64)
    await write_entries(1)
    with pytest.raises(checkpoints.LogRewritten):
        await checkpoints.sign_tree_head(key)


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize(
    ("rewrite", "seq"),
    [("edited", 7), ("deleted", 7), ("swapped", 7), ("inserted in the middle", 7),
     ("inserted at the tail", 8)],
)  # fmt: skip
async def test_each_rewrite_by_a_superuser_is_named_by_the_witness(
    key: signing.SigningKey, rewrite: str, seq: int
) -> None:
    await _sign_after(key, 5, 3)  # the witness keeps the heads of 5 and of 8 entries
    await allow_tampering()
    await REWRITES[rewrite](seq)  # every hash after it recomputed, the head moved
    finding = await checkpoints.check_witness(await _witness_copies(key))
    assert (finding.failed_size, finding.good_size, finding.first_bad_seq) == (8, 5, seq)


@pytest.mark.usefixtures("database")
async def test_a_head_signed_without_the_key_fails_its_signature(
    key: signing.SigningKey, tmp_path: Path
) -> None:
    await _sign_after(key, 5)
    await allow_tampering()
    await rewrite_history_from(3, {"n": "forged"})
    forger = signing.generate(tmp_path / "forger.pem", ORIGIN)  # same name, not the key
    forged = forger.sign(signing.TreeHead(ORIGIN, 5, await tree.root_at(5), datetime.now(UTC)))
    with pytest.raises(signing.NoteError):
        signing.read_note(forged, key.public)


@pytest.mark.usefixtures("database")
async def test_a_rewritten_history_fails_the_consistency_proof_from_a_witness_copy(
    key: signing.SigningKey,
) -> None:
    await _sign_after(key, 5)
    kept = (await _witness_copies(key))[0]
    await allow_tampering()
    await rewrite_history_from(3, {"n": "forged"})
    await allow_tampering("audit_tree_node")  # the forger rebuilds the tree over the forgery
    await AuditTreeNode.all().delete()
    await AuditHead.filter(id=1).update(tree_size=0, frontier="")
    await write_entries(4)
    proof = await tree.consistency_proof(5, 9)
    assert not merkle.verify_consistency(5, 9, kept.root, await tree.root_at(9), proof)
