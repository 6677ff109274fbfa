"""Receipts anyone can verify: one audit entry, its place in the Merkle tree, the inclusion
proof and a signed tree head, checked with the log's public key alone (offline, no database).

What a receipt proves: this entry, with this content (its chain hash covers every field and the
previous entry's hash), was in the log when the signed head was made. Pure: no I/O.
"""

from __future__ import annotations

import base64
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.audit import merkle, signing
from app.audit.chain import link_hash

FORMAT = "lawmeet-audit-receipt/1"
HEX64 = r"^[0-9a-f]{64}$"


class ReceiptError(ValueError):
    """Why a receipt proves nothing; ``code`` names the words for it."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class ReceiptEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seq: int = Field(ge=1)
    at: datetime
    actor_id: int | None
    action: str = Field(max_length=64)
    object_type: str = Field(max_length=40)
    object_id: str = Field(max_length=40)
    summary: dict[str, Any]
    prev_hash: str = Field(pattern=HEX64)

    def chain_hash(self) -> str:
        return link_hash(self.seq, self.at, self.actor_id, self.action, self.object_type,
                         self.object_id, self.summary, self.prev_hash)  # fmt: skip


class Receipt(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["lawmeet-audit-receipt/1"] = "lawmeet-audit-receipt/1"
    entry: ReceiptEntry
    leaf_index: int = Field(ge=0, description="seq - 1")
    leaf_hash: str = Field(pattern=HEX64, description="RFC 9162 leaf hash of the chain hash")
    tree_size: int = Field(ge=1)
    inclusion_proof: list[str] = Field(max_length=64, description="hex, RFC 9162 2.1.3")
    checkpoint: str = Field(max_length=4000, description="the signed tree head (signed note)")


CODE_PREFIX = "LMR1:"  # a receipt as one line of text, for a QR code on paper


def to_code(receipt: Receipt) -> str:
    """The receipt as one line: its JSON compressed, base64url (what the printed QR code holds)."""
    packed = zlib.compress(receipt.model_dump_json().encode(), 9)
    return CODE_PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def read(text: str) -> Receipt:
    """A receipt from its JSON or its one-line code (ReceiptError when it is neither)."""
    text = text.strip()
    try:
        if text.startswith(CODE_PREFIX):
            packed = base64.urlsafe_b64decode(text[len(CODE_PREFIX) :] + "==")
            inflater = zlib.decompressobj()
            text = inflater.decompress(packed, 64_000).decode()  # a receipt is a few kilobytes
        return Receipt.model_validate_json(text)
    except (ValueError, zlib.error):  # pydantic's ValidationError is a ValueError
        raise ReceiptError("receipt_unreadable") from None


@dataclass(frozen=True)
class Proven:
    """What a receipt that checks out shows."""

    entry: ReceiptEntry
    chain_hash: str
    head: signing.TreeHead


def check(receipt: Receipt, public: signing.PublicKey) -> Proven:
    """The facts a receipt proves, or ReceiptError saying why it proves nothing."""
    try:
        head = signing.read_note(receipt.checkpoint, public)
    except signing.NoteError:
        raise ReceiptError("receipt_signature") from None
    if receipt.tree_size != head.size or receipt.leaf_index != receipt.entry.seq - 1:
        raise ReceiptError("receipt_inconsistent")
    try:
        proof = [bytes.fromhex(step) for step in receipt.inclusion_proof]
    except ValueError:
        raise ReceiptError("receipt_inconsistent") from None
    chain_hash = receipt.entry.chain_hash()
    leaf = merkle.leaf_hash(bytes.fromhex(chain_hash))
    if leaf.hex() != receipt.leaf_hash:  # the entry is not the one the proof is for
        raise ReceiptError("receipt_not_in_log")
    if not merkle.verify_inclusion(receipt.leaf_index, head.size, leaf, proof, head.root):
        raise ReceiptError("receipt_not_in_log")
    return Proven(receipt.entry, chain_hash, head)
