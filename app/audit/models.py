"""Audit records. Rows are only ever inserted; PostgreSQL refuses UPDATE and DELETE by trigger."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    seq = fields.BigIntField(primary_key=True, generated=False)
    at = fields.DatetimeField()
    actor_id = fields.IntField(null=True)
    actor_label = fields.CharField(max_length=100, default="")
    action = fields.CharField(max_length=64, db_index=True)
    object_type = fields.CharField(max_length=40)
    object_id = fields.CharField(max_length=40)
    summary: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_entry"
        ordering = ["seq"]


class AuditHead(Model):
    """One row holding the chain's head. Locking it serialises appends across processes."""

    id = fields.IntField(primary_key=True)
    seq = fields.BigIntField(default=0)
    hash = fields.CharField(max_length=64)
    # The Merkle tree over the entries (RFC 9162): how many leaves it holds (seq, once caught
    # up) and the roots of its perfect subtrees, hex, left to right (app.audit.merkle.Frontier).
    tree_size = fields.BigIntField(default=0, db_default=0)
    frontier = fields.TextField(default="", db_default="")

    class Meta:
        table = "audit_head"


class AuditTreeNode(Model):
    """One perfect subtree of the Merkle tree: the 2^height leaves from leaf ``start``.

    Written once, as the append that completes it commits (PostgreSQL and SQLite refuse UPDATE
    and DELETE by trigger); proofs read O(log n) of them.
    """

    id = fields.BigIntField(primary_key=True)
    height = fields.SmallIntField()
    start = fields.BigIntField()
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "audit_tree_node"
        unique_together = (("height", "start"),)


class AuditCheckpoint(Model):
    """A signed tree head: the tree's size and root at a time, and the signed note as it was
    published (app.audit.signing). Rows are only inserted; copies live with the witnesses."""

    id = fields.BigIntField(primary_key=True)
    size = fields.BigIntField(db_index=True)
    root = fields.CharField(max_length=64)
    at = fields.DatetimeField()
    note = fields.TextField()

    class Meta:
        table = "audit_checkpoint"
        ordering = ["id"]


class AuditVerification(Model):
    """The outcome of one run of the chain verification, shown on the audit page."""

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField()
    ok = fields.BooleanField()
    first_bad_seq = fields.BigIntField(null=True)
    reason = fields.CharField(max_length=40, default="")
    entries_checked = fields.BigIntField(default=0)
    head_seq = fields.BigIntField(default=0)
    head_hash = fields.CharField(max_length=64, default="")
    checkpoint = fields.CharField(max_length=255, default="")
    checkpoint_seq = fields.BigIntField(null=True)
    actor_id = fields.IntField(null=True)
    actor_label = fields.CharField(max_length=100, default="")

    class Meta:
        table = "audit_verification"
        ordering = ["-id"]
