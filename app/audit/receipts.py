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
        leaf_hash=tree.leaf_of(entry.hash).hex(),
        tree_size=head.size,
        inclusion_proof=[step.hex() for step in proof],
        checkpoint=head.note,
    )


# The decisions and filings a lawyer (or an auditor) is given proof of: the record's kind in the
# address, the audit action and object type of its entry.
PROOFS: dict[str, tuple[str, str]] = {
    "submission": ("submission.filed", "submission"),
    "complaint": ("complaint.filed", "complaint"),
    "meeting-request": ("meeting_request.opened", "meeting_request"),
    "permission": ("meeting_request.permission_decided", "meeting_request"),
    "refusal": ("meeting_request.refused", "meeting_request"),
    "booking": ("meeting.booked", "meeting"),
}


async def ready_proofs(object_id: int, *kinds: str) -> list[tuple[str, int]]:
    """(kind, record id) of each of these proofs of the record that can be downloaded now (a
    signed head holds its entry)."""
    latest = await AuditCheckpoint.all().order_by("-id").first()
    if latest is None:
        return []
    wanted = {PROOFS[kind]: kind for kind in kinds}
    signed = await AuditEntry.filter(
        action__in=[action for action, _type in wanted],
        object_type__in=[object_type for _action, object_type in wanted],
        object_id=str(object_id),
        seq__lte=latest.size,
    ).values_list("action", "object_type")
    held = {wanted[pair] for pair in signed if pair in wanted}
    return [(kind, object_id) for kind in kinds if kind in held]
