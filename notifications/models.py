"""The outbox. In-app rows double as the inbox (read_at marks them read)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from notifications.kinds import Channel, Status

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.cases.models import Case
    from app.orgs.models import Agency, Facility


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
    # What the notice is about, so reminders can be cancelled or moved ("meeting:12").
    topic = fields.CharField(max_length=64, null=True, db_index=True)
    # The case a statutory notice belongs to, so an escalation shows on the case.
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "lawmeet.Case", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    recipient_id: int | None
    case_id: int | None

    class Meta:
        table = "notification"
        ordering = ["-created_at", "-id"]
        indexes = (("status", "next_attempt_at"), ("recipient_id", "channel", "read_at"))


class NotificationPreference(Model):
    """A user's channels and language. Statutory notices ignore an opt-out of a channel and
    go by another one; the in-app inbox always receives everything."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "lawmeet.User", related_name="notification_preference", on_delete=fields.CASCADE
    )
    email = fields.BooleanField(default=True)
    sms = fields.BooleanField(default=True)
    language = fields.CharField(max_length=8, default="zh-CN")
    updated_at = fields.DatetimeField(auto_now=True)

    user_id: int

    class Meta:
        table = "notification_preference"


class SmsOptOut(Model):
    """A number that replied STOP or 退订: no more non-statutory SMS to it."""

    id = fields.IntField(primary_key=True)
    phone = fields.CharField(max_length=32, unique=True)
    keyword = fields.CharField(max_length=32)
    opted_out_at = fields.DatetimeField()

    class Meta:
        table = "sms_opt_out"


class Escalation(Model):
    """A statutory notice that was not delivered by its deadline, or died: the responsible unit
    must act. One per notification, resolved by a person."""

    id = fields.IntField(primary_key=True)
    notification: fields.OneToOneRelation[Notification] = fields.OneToOneField(
        "lawmeet.Notification", related_name="escalation", on_delete=fields.CASCADE
    )
    reason = fields.CharField(max_length=16)  # "overdue" or "dead"
    case: fields.ForeignKeyNullableRelation[Case] = fields.ForeignKeyField(
        "lawmeet.Case", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    agency: fields.ForeignKeyNullableRelation[Agency] = fields.ForeignKeyField(
        "lawmeet.Agency", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    facility: fields.ForeignKeyNullableRelation[Facility] = fields.ForeignKeyField(
        "lawmeet.Facility", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    raised_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True)
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    resolution = fields.CharField(max_length=300, default="")

    notification_id: int
    case_id: int | None
    agency_id: int | None
    facility_id: int | None
    resolved_by_id: int | None

    class Meta:
        table = "notification_escalation"
        ordering = ["-raised_at"]


# This package's entries in the scope table (app.accounts.scopes): loaded with the models, so
# that the table is complete wherever they are.
from notifications import access as _scope_rules  # noqa: E402, F401
