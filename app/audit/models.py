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

    class Meta:
        table = "audit_head"


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
