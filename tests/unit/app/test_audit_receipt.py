"""A receipt proves one entry was in the signed log, with the public key alone; any change to
the entry, the proof or the signed head makes it prove nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.audit import merkle, signing
from app.audit.chain import GENESIS_HASH
from app.audit.receipt import Receipt, ReceiptEntry, ReceiptError, check, read, to_code

ORIGIN = "lawmeet.test/audit"


def _log(count: int) -> list[ReceiptEntry]:
    entries, previous = [], GENESIS_HASH
    for seq in range(1, count + 1):
        entry = ReceiptEntry(
            seq=seq, at=datetime(2026, 12, 7, 8, seq, tzinfo=UTC), actor_id=7,
            action="submission.filed", object_type="submission", object_id=str(seq),
            summary={"receipt": f"LM-2026-{seq:06d}"}, prev_hash=previous,
        )  # fmt: skip
        entries.append(entry)
        previous = entry.chain_hash()
    return entries


@pytest.fixture
def key(tmp_path: Path) -> signing.SigningKey:
    return signing.generate(tmp_path / "key.pem", ORIGIN)


def _receipt(key: signing.SigningKey, seq: int = 5, size: int = 9) -> Receipt:
    entries = _log(size)
    leaves = [merkle.leaf_hash(bytes.fromhex(e.chain_hash())) for e in entries]
    note = key.sign(signing.TreeHead(ORIGIN, size, merkle.root(leaves), datetime.now(UTC)))
    proof = merkle.inclusion_proof(seq - 1, leaves)
    return Receipt(entry=entries[seq - 1], leaf_index=seq - 1, leaf_hash=leaves[seq - 1].hex(),
                   tree_size=size, inclusion_proof=[p.hex() for p in proof],
                   checkpoint=note)  # fmt: skip


def test_a_receipt_proves_its_entry_was_in_the_signed_log(key: signing.SigningKey) -> None:
    proven = check(_receipt(key), key.public)
    assert (proven.entry.seq, proven.head.size, proven.head.origin) == (5, 9, ORIGIN)
    assert proven.chain_hash == _log(5)[4].chain_hash()


def test_a_receipt_survives_its_json(key: signing.SigningKey) -> None:
    again = read(_receipt(key).model_dump_json())
    assert check(again, key.public).entry.seq == 5


def test_a_receipt_survives_its_one_line_code(key: signing.SigningKey) -> None:
    code = to_code(_receipt(key))
    assert code.startswith("LMR1:") and "\n" not in code and len(code) < 2000
    assert check(read(code), key.public).entry.seq == 5


@pytest.mark.parametrize("text", ["", "{}", "LMR1:!!!", "LMR1:eJwDAAAAAAE", "[1, 2]"])
def test_what_is_not_a_receipt_is_said_so(text: str) -> None:
    with pytest.raises(ReceiptError) as refused:
        read(text)
    assert refused.value.code == "receipt_unreadable"


def test_an_altered_entry_is_not_in_the_log(key: signing.SigningKey) -> None:
    receipt = _receipt(key)
    altered = receipt.entry.model_copy(update={"summary": {"receipt": "LM-2026-999999"}})
    with pytest.raises(ReceiptError) as refused:
        check(receipt.model_copy(update={"entry": altered}), key.public)
    assert refused.value.code == "receipt_not_in_log"


def test_a_receipt_moved_to_another_place_does_not_agree(key: signing.SigningKey) -> None:
    with pytest.raises(ReceiptError) as refused:
        check(_receipt(key).model_copy(update={"leaf_index": 3}), key.public)
    assert refused.value.code == "receipt_inconsistent"


def test_a_head_signed_by_another_key_proves_nothing(
    key: signing.SigningKey, tmp_path: Path
) -> None:
    other = signing.generate(tmp_path / "other.pem", ORIGIN)
    with pytest.raises(ReceiptError) as refused:
        check(_receipt(other), key.public)
    assert refused.value.code == "receipt_signature"


@pytest.mark.parametrize("seq", [1, 8, 9])
def test_every_place_in_the_tree_can_be_proved(key: signing.SigningKey, seq: int) -> None:
    assert check(_receipt(key, seq=seq), key.public).entry.seq == seq
