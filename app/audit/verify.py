"""Verifying the stored chain, checkpoints kept outside the database, and stored results.

A checkpoint file records the head (seq, hash, time) at one moment. Kept off the database
server, it proves later that nothing up to that seq was rewritten and that the tail was not
cut off: the chain alone cannot show a truncated tail, and the head row can be rewound by
whoever can delete rows.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from app import clock
from app.audit.chain import GENESIS_HASH, Break, ChainWalker, Pin
from app.audit.models import AuditEntry, AuditHead, AuditVerification
from app.audit.service import Actor, record
from app.audit.stream import BATCH_SIZE, as_chain_entry, entry_batches

CHECKPOINT_FOLDER = "audit-checkpoints"
CHECKPOINT_FORMAT = "lawmeet-audit-checkpoint/1"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
logger = logging.getLogger(__name__)


class CheckpointError(Exception):
    """A checkpoint file that cannot be read or is not a lawmeet audit checkpoint."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    entry_at: datetime | None  # time of the head entry (None for an empty chain)
    taken_at: datetime

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": CHECKPOINT_FORMAT,
                "seq": self.seq,
                "hash": self.hash,
                "entry_at": self.entry_at.isoformat() if self.entry_at else None,
                "taken_at": self.taken_at.isoformat(),
            },
            indent=2,
        )


def read_checkpoint(path: Path) -> Checkpoint:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != CHECKPOINT_FORMAT:
            raise CheckpointError(f"{path}: not a lawmeet audit checkpoint")
        seq, digest = data["seq"], data["hash"]
        if not isinstance(seq, int) or seq < 0 or not _HEX64.match(str(digest)):
            raise CheckpointError(f"{path}: bad seq or hash")
        entry_at = datetime.fromisoformat(data["entry_at"]) if data.get("entry_at") else None
        return Checkpoint(seq, digest, entry_at, datetime.fromisoformat(data["taken_at"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointError(f"{path}: {exc}") from None


def checkpoint_folder(data_dir: Path) -> Path:
    return data_dir / CHECKPOINT_FOLDER


def latest_checkpoint_file(data_dir: Path) -> Path | None:
    """The newest checkpoint in the default folder (the timestamped names sort by time)."""
    folder = checkpoint_folder(data_dir)
    return max(folder.glob("checkpoint-*.json"), default=None) if folder.is_dir() else None


@dataclass(frozen=True)
class Outcome:
    entries_checked: int
    head_seq: int
    head_hash: str
    broken: Break | None
    checkpoint: str = ""
    checkpoint_seq: int | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def line(self) -> str:
        if self.broken is None:
            return (
                f"ok: {self.entries_checked} entries, head seq {self.head_seq} "
                f"hash {self.head_hash}"
            )
        return (
            f"broken: first bad seq {self.broken.seq} ({self.broken.reason}); "
            f"{self.entries_checked} entries verified before it"
        )


async def verify_chain(
    checkpoint: Checkpoint | None = None, checkpoint_name: str = "", batch_size: int = BATCH_SIZE
) -> Outcome:
    """Recompute every link, in seq order, against the head row and the checkpoint if given."""
    # The head is read before the entries: appends commit in seq order, so every entry up to
    # the head seen here is visible to the reads that follow, however many are appended.
    head = await AuditHead.get_or_none(id=1)
    pins = [Pin(head.seq, head.hash, "head")] if head and head.seq else []
    if checkpoint is not None and checkpoint.seq:
        pins.append(Pin(checkpoint.seq, checkpoint.hash, "checkpoint"))
    walker = ChainWalker(GENESIS_HASH, 1, pins)
    async for rows in entry_batches(batch_size=batch_size):
        if walker.feed(as_chain_entry(row) for row in rows):
            break
    broken = walker.finish()
    # Every append moves the head in its own transaction, so once the walk is over the head
    # covers every entry it saw: an entry beyond it was put there by hand, not appended.
    head_after = await AuditHead.get_or_none(id=1)
    head_seq = head_after.seq if head_after else 0
    if broken is None and walker.last_seq > head_seq:
        broken = Break(head_seq + 1, "beyond_head")
    return Outcome(
        entries_checked=walker.checked,
        head_seq=walker.last_seq,
        head_hash=walker.last_hash,
        broken=broken,
        checkpoint=checkpoint_name,
        checkpoint_seq=checkpoint.seq if checkpoint else None,
    )


async def run_verification(
    actor: Actor | None, data_dir: Path, checkpoint_file: Path | None = None
) -> tuple[Outcome, AuditVerification]:
    """Verify (against the given checkpoint, else the newest in the default folder), store the
    result for the audit page and record who ran it.

    The verification only reads. Its verdict is stored on its own, after the read, and only
    then is the run appended to the trail: a forged row where the next entry would go can make
    that append fail, but never take the verdict with it.
    """
    path = checkpoint_file or latest_checkpoint_file(data_dir)
    checkpoint = read_checkpoint(path) if path else None
    outcome = await verify_chain(checkpoint, str(path) if path else "")
    result = await _store(actor, outcome)
    summary: dict[str, object] = {"ok": outcome.ok, "entries_checked": outcome.entries_checked}
    if outcome.broken:
        summary.update(first_bad_seq=outcome.broken.seq, reason=outcome.broken.reason)
    try:
        async with in_transaction():
            await record(actor, "audit.verified", "audit_verification", result.id, summary)
    except (IntegrityError, OperationalError):
        # The trail cannot take the entry (e.g. its next seq is already taken by a forgery,
        # which the verdict already names); the verdict stands, stored above.
        logger.exception("audit verification %s: its audit entry could not be appended", result.id)
    return outcome, result


async def _store(actor: Actor | None, outcome: Outcome) -> AuditVerification:
    async with in_transaction():
        return await AuditVerification.create(
            at=clock.now(),
            ok=outcome.ok,
            first_bad_seq=outcome.broken.seq if outcome.broken else None,
            reason=outcome.broken.reason if outcome.broken else "",
            entries_checked=outcome.entries_checked,
            head_seq=outcome.head_seq,
            head_hash=outcome.head_hash,
            checkpoint=outcome.checkpoint[-255:],
            checkpoint_seq=outcome.checkpoint_seq,
            actor_id=actor.id if actor else None,
            actor_label=actor.username if actor else "system",
        )


async def take_checkpoint(
    actor: Actor | None, data_dir: Path, output: Path | None = None
) -> tuple[Outcome, Path | None]:
    """Verify the chain (against the previous checkpoint), then write its head to a file.

    A broken chain gets no checkpoint, so a checkpoint never vouches for a forgery.
    """
    previous = latest_checkpoint_file(data_dir)
    outcome = await verify_chain(
        read_checkpoint(previous) if previous else None, str(previous or "")
    )
    if not outcome.ok:
        return outcome, None
    head_entry = await AuditEntry.get_or_none(seq=outcome.head_seq)
    now = clock.now()
    checkpoint = Checkpoint(
        outcome.head_seq, outcome.head_hash, head_entry.at if head_entry else None, now
    )
    path = output or checkpoint_folder(data_dir) / (
        f"checkpoint-{now:%Y%m%dT%H%M%S%fZ}-seq{checkpoint.seq}.json"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w" if output else "x", encoding="utf-8") as out:
        out.write(checkpoint.to_json() + "\n")
    await record(
        actor,
        "audit.checkpoint_written",
        "audit_chain",
        checkpoint.seq,
        {"seq": checkpoint.seq, "hash": checkpoint.hash, "file": path.name},
    )
    return outcome, path
