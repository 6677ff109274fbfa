"""Defence submissions and complaints. A submission's content is never edited after it is
stored: rows only gain acknowledgement, file-attachment and decision fields."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from rights_checklist.kinds import (
    ComplaintBody,
    ComplaintOutcome,
    ComplaintType,
    Decision,
    SubmissionKind,
)

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.cases.models import Case, CaseEvent, Engagement


class Submission(Model):
    """A written opinion or an application filed by the lawyer of an active engagement."""

    id = fields.IntField(primary_key=True)
    receipt_number = fields.CharField(max_length=32, unique=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "lawmeet.Case", related_name="submissions", on_delete=fields.RESTRICT
    )
    engagement: fields.ForeignKeyRelation[Engagement] = fields.ForeignKeyField(
        "lawmeet.Engagement", related_name="submissions", on_delete=fields.RESTRICT
    )
    lawyer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name="submissions", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(SubmissionKind, max_length=20)
    text = fields.TextField()
    sha256 = fields.CharField(max_length=64)
    submitted_at = fields.DatetimeField()
    timezone = fields.CharField(max_length=64, default="Asia/Shanghai")  # the facility's zone
    duty = fields.CharField(max_length=4, default="")  # catalogue id that times the decision
    due_at = fields.DatetimeField(null=True)
    due_rule = fields.CharField(max_length=120, default="")
    acknowledged_at = fields.DatetimeField(null=True)
    acknowledged_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    attached_at = fields.DatetimeField(null=True)
    file_reference = fields.CharField(max_length=120, default="")
    decision = fields.CharEnumField(Decision, max_length=12, null=True)
    decision_reasons = fields.TextField(default="")
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )

    case_id: int
    engagement_id: int
    lawyer_id: int
    acknowledged_by_id: int | None
    decided_by_id: int | None
    attachments: fields.ReverseRelation[SubmissionAttachment]

    class Meta:
        table = "defence_submission"
        ordering = ["-submitted_at", "-id"]


class SubmissionAttachment(Model):
    """A file of a submission, stored content-addressed like the engagement documents."""

    id = fields.IntField(primary_key=True)
    submission: fields.ForeignKeyRelation[Submission] = fields.ForeignKeyField(
        "lawmeet.Submission", related_name="attachments", on_delete=fields.RESTRICT
    )
    position = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    size = fields.IntField()
    content_type = fields.CharField(max_length=40)
    original_name = fields.CharField(max_length=200)

    submission_id: int

    class Meta:
        table = "defence_submission_attachment"
        unique_together = (("submission", "position"),)
        ordering = ["position"]


class Complaint(Model):
    """A lawyer's complaint of obstruction (C1) or about custody and property (C2)."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "lawmeet.Case", related_name="complaints", on_delete=fields.RESTRICT
    )
    lawyer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name="complaints", on_delete=fields.RESTRICT
    )
    complaint_type = fields.CharEnumField(ComplaintType, max_length=24)
    addressed_to = fields.CharEnumField(ComplaintBody, max_length=20)
    # Story 7: a copy to the other body (the bar association supports a complaint to the
    # procuratorate, SPP 57-58); never the addressee itself.
    copied_to = fields.CharEnumField(ComplaintBody, max_length=20, null=True)
    description = fields.TextField()
    # Linked evidence of the same case: {"events": [ids], "submissions": [ids]}.
    evidence: fields.Field[dict[str, list[int]]] = fields.JSONField(default=dict)
    duty = fields.CharField(max_length=4)
    filed_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    due_rule = fields.CharField(max_length=120, default="")
    reply_at = fields.DatetimeField(null=True)
    reply_summary = fields.TextField(default="")
    outcome = fields.CharEnumField(ComplaintOutcome, max_length=16, null=True)
    reply_recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )

    case_id: int
    lawyer_id: int
    reply_recorded_by_id: int | None

    class Meta:
        table = "practice_complaint"
        ordering = ["-filed_at", "-id"]


class FamilyNotice(Model):
    """N6/N7: the family was told of a criminal detention or an arrest (when and how), or the
    lawful reason it was not. Recorded by the investigator; judged against 24 hours."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[CaseEvent] = fields.ForeignKeyField(
        "lawmeet.CaseEvent", related_name="family_notices", on_delete=fields.RESTRICT
    )
    notified_at = fields.DatetimeField(null=True)
    manner = fields.CharField(max_length=100, default="")  # telephone, letter, in person
    # "cannot_notify" (no address, no family), or for N6 "would_impede" the investigation.
    lawful_reason = fields.CharField(max_length=20, null=True)
    details = fields.TextField(default="")
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    recorded_at = fields.DatetimeField(auto_now_add=True)

    event_id: int
    recorded_by_id: int | None

    class Meta:
        table = "family_notice"
        ordering = ["recorded_at"]


# This package's entries in the scope table (app.accounts.scopes): loaded with the models, so
# that the table is complete wherever they are.
from rights_checklist import access as _scope_rules  # noqa: E402, F401
