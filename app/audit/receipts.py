"""Making receipts for audit entries: the entry, its inclusion proof and the latest signed tree
head that holds it (app.audit.receipt checks them)."""

from __future__ import annotations

from app.audit import tree
from app.audit.models import AuditCheckpoint, AuditEntry
from app.audit.receipt import Receipt, ReceiptEntry


async def entry_for(action: str, object_type: str, object_id: object) -> AuditEntry | None:
    """The first entry recording ``action`` on this object (e.g. a submission's filing)."""
    return (
        await AuditEntry.filter(action=action, object_type=object_type, object_id=str(object_id))
        .order_by("seq")
        .first()
    )


async def receipt_for(entry: AuditEntry) -> Receipt | None:
    """The receipt of ``entry`` against the latest signed head; None until a head holds it
    (the worker signs every few minutes)."""
    head = await AuditCheckpoint.filter(size__gte=entry.seq).order_by("-id").first()
    if head is None:
        return None
    proof = await tree.inclusion_proof(entry.seq - 1, head.size)
    return Receipt(
        entry=ReceiptEntry(
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            summary=dict(entry.summary),
            prev_hash=entry.prev_hash,
        ),
        leaf_index=entry.seq - 1,
        tree_size=head.size,
        inclusion_proof=[step.hex() for step in proof],
        checkpoint=head.note,
    )
