"""The hash chain, as pure functions: canonical form of an entry and its SHA-256 link."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainEntry:
    seq: int
    at: datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    summary: Mapping[str, Any]
    prev_hash: str
    hash: str


def canonical(
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    summary: Mapping[str, Any],
    prev_hash: str,
) -> bytes:
    """A stable byte form: sorted keys, no spaces, UTC time to the microsecond."""
    body = {
        "seq": seq,
        "at": (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).isoformat(),
        "actor_id": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "summary": summary,
        "prev_hash": prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link_hash(*args: Any) -> str:
    return hashlib.sha256(canonical(*args)).hexdigest()


def first_broken_link(entries: Iterable[ChainEntry], start_hash: str = GENESIS_HASH) -> int | None:
    """The sequence number of the first entry that does not follow from the one before, if any."""
    expected_prev, expected_seq = start_hash, None
    for entry in entries:
        if expected_seq is not None and entry.seq != expected_seq:
            return expected_seq if entry.seq > expected_seq else entry.seq
        recomputed = link_hash(
            entry.seq,
            entry.at,
            entry.actor_id,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.summary,
            entry.prev_hash,
        )
        if entry.prev_hash != expected_prev or recomputed != entry.hash:
            return entry.seq
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    return None
