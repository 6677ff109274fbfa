"""The outbox. In-app rows double as the inbox (read_at marks them read)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from notifications.kinds import Channel, Status

if TYPE_CHECKING:
    from app.accounts.models import User


class Notification(Model):
    """One message to one recipient on one channel, delivered at least once by the worker."""

    id = fields.IntField(primary_key=True)
    template = fields.CharField(max_length=64)
    recipient: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # E-mail address or E.164 number, copied at enqueue time so a later profile edit
    # does not redirect a notice that was owed to the address known then.
    address = fields.CharField(max_length=255, default="")
    channel = fields.CharEnumField(Channel, max_length=16)
    language = fields.CharField(max_length=8, default="zh-CN")
    payload: dict[str, Any] = fields.JSONField(default=dict)
    calendar_ics = fields.TextField(null=True)
    not_before = fields.DatetimeField(null=True)
    status = fields.CharEnumField(Status, max_length=16, default=Status.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_error = fields.TextField(default="")
    # SMTP Message-ID or Twilio SID, used to match delivery receipts.
    provider_id = fields.CharField(max_length=255, default="", db_index=True)
    # Statutory notices name the duty (LEGAL_RULES.md row) and the deadline they meet.
    duty_id = fields.CharField(max_length=32, null=True)
    deadline = fields.DatetimeField(null=True)
    lease_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    read_at = fields.DatetimeField(null=True)

    recipient_id: int | None

    class Meta:
        table = "notification"
        ordering = ["-created_at", "-id"]
        indexes = (("status", "next_attempt_at"), ("recipient_id", "channel", "read_at"))
