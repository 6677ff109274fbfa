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


def _recompute(entry: ChainEntry, seq: int) -> str:
    return link_hash(
        seq,
        entry.at,
        entry.actor_id,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.summary,
        entry.prev_hash,
    )


@dataclass(frozen=True)
class Break:
    """Where and why a chain stops being trustworthy."""

    seq: int
    # altered | missing | inserted | checkpoint_mismatch | head_mismatch | truncated | beyond_head
    reason: str


@dataclass(frozen=True)
class Pin:
    """A hash known from outside the table (a checkpoint file, the head row) for one seq."""

    seq: int
    hash: str
    source: str  # "checkpoint" or "head"


class ChainWalker:
    """Follows a chain fed in batches, so millions of entries verify in bounded memory.

    It stops at the first break; `finish()` then reports pins the entries never reached,
    which is how a truncated tail shows (the chain alone cannot see one).
    """

    def __init__(
        self, start_hash: str = GENESIS_HASH, start_seq: int = 1, pins: Iterable[Pin] = ()
    ) -> None:
        self.expected_prev, self.expected_seq = start_hash, start_seq
        self.start_seq = start_seq
        # The hash the last accepted entry linked to: lets a well-forged intruder be named.
        self.before_last: str | None = None
        self.checked = 0
        self.broken: Break | None = None
        self.pins = sorted(pins, key=lambda pin: pin.seq)

    @property
    def last_seq(self) -> int:
        return self.expected_seq - 1

    @property
    def last_hash(self) -> str:
        return self.expected_prev

    def _judge(self, entry: ChainEntry) -> Break | None:
        expected = self.expected_seq
        intact = _recompute(entry, entry.seq) == entry.hash
        if entry.seq != expected and not intact:
            return Break(expected, "altered")
        if entry.seq > expected:
            return Break(expected, "missing")
        if entry.seq < expected:  # a second entry claiming a seq already accepted
            return Break(entry.seq, "inserted")
        if entry.prev_hash == self.expected_prev and intact:
            return None
        # Rows renumbered up by one around a forged row: this entry is the genuine successor
        # of the one before the last, so the last accepted entry is the intruder.
        if (
            self.before_last is not None
            and entry.prev_hash == self.before_last
            and _recompute(entry, expected - 1) == entry.hash
        ):
            return Break(expected - 1, "inserted")
        return Break(expected, "altered")

    def feed(self, entries: Iterable[ChainEntry]) -> Break | None:
        if self.broken is not None:
            return self.broken
        for entry in entries:
            self.broken = self._judge(entry)
            if self.broken is not None:
                return self.broken
            while self.pins and self.pins[0].seq <= entry.seq:
                pin = self.pins.pop(0)
                if pin.seq == entry.seq and pin.hash != entry.hash:
                    self.broken = Break(entry.seq, f"{pin.source}_mismatch")
                    return self.broken
            self.before_last = self.expected_prev
            self.expected_prev, self.expected_seq = entry.hash, entry.seq + 1
            self.checked += 1
        return None

    def finish(self) -> Break | None:
        """The first break, counting pins beyond the last entry as a truncated tail."""
        if self.broken is None and any(pin.seq > self.last_seq for pin in self.pins):
            self.broken = Break(self.last_seq + 1, "truncated")
        return self.broken


def first_broken_link(
    entries: Iterable[ChainEntry], start_hash: str = GENESIS_HASH, start_seq: int = 1
) -> int | None:
    """The sequence number where the chain first breaks, or None if every entry follows.

    `start_hash` and `start_seq` are what the first entry must link to and carry: the genesis
    hash and 1 for a whole chain, a checkpoint's hash and its seq + 1 for the rest. An entry
    whose own fields were edited breaks where it stands (its expected seq, even if the seq
    itself was edited); a missing, moved or inserted entry breaks at the lowest seq affected.
    """
    broken = ChainWalker(start_hash, start_seq).feed(entries)
    return broken.seq if broken else None
