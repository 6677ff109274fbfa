"""Case-registry records. Events are never edited: a correction is a new event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from app.cases.kinds import (
    CaseCategory,
    CaseStage,
    CustodyStatus,
    DocumentKind,
    DocumentReview,
    EngagementKind,
    EngagementStatus,
    EventKind,
)

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.orgs.models import Agency, Facility


class Case(Model):
    id = fields.IntField(primary_key=True)
    agency: fields.ForeignKeyRelation[Agency] = fields.ForeignKeyField(
        "lawmeet.Agency", related_name="cases", on_delete=fields.RESTRICT
    )
    case_number = fields.CharField(max_length=64)
    category = fields.CharEnumField(CaseCategory, max_length=32, default=CaseCategory.ORDINARY)
    stage = fields.CharEnumField(CaseStage, max_length=24, default=CaseStage.INVESTIGATION)
    suspected_charges = fields.CharField(max_length=300, default="")
    # Demo history that `lawmeet demo` wrote straight into the tables, not through the
    # services: none of its records is in the audit trail, and the compliance pages say so.
    demo_history = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    agency_id: int

    class Meta:
        table = "criminal_case"
        unique_together = (("agency", "case_number"),)
        ordering = ["-created_at"]


class CaseInvestigator(Model):
    """An investigator assigned to a case (who may record its events)."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "lawmeet.Case", related_name="assignments", on_delete=fields.CASCADE
    )
    investigator: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name="case_assignments", on_delete=fields.RESTRICT
    )
    assigned_at = fields.DatetimeField(auto_now_add=True)

    case_id: int
    investigator_id: int

    class Meta:
        table = "case_investigator"
        unique_together = (("case", "investigator"),)


class Detainee(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    # Stored in full (upper-case, no spaces), shown masked except to roles that need it.
    id_number = fields.CharField(max_length=32, db_index=True)
    facility: fields.ForeignKeyRelation[Facility] = fields.ForeignKeyField(
        "lawmeet.Facility", related_name="detainees", on_delete=fields.RESTRICT
    )
    custody_status = fields.CharEnumField(
        CustodyStatus, max_length=16, default=CustodyStatus.IN_CUSTODY
    )
    admitted_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    facility_id: int

    class Meta:
        table = "detainee"
        unique_together = (("facility", "id_number"),)
        ordering = ["name"]


class CaseDetainee(Model):
    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "lawmeet.Case", related_name="detainee_links", on_delete=fields.CASCADE
    )
    detainee: fields.ForeignKeyRelation[Detainee] = fields.ForeignKeyField(
        "lawmeet.Detainee", related_name="case_links", on_delete=fields.RESTRICT
    )

    case_id: int
    detainee_id: int

    class Meta:
        table = "case_detainee"
        unique_together = (("case", "detainee"),)


class Engagement(Model):
    """A lawyer acting for a detainee in a case (委托, legal aid or duty lawyer)."""

    id = fields.IntField(primary_key=True)
    lawyer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name="engagements", on_delete=fields.RESTRICT
    )
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "lawmeet.Case", related_name="engagements", on_delete=fields.RESTRICT
    )
    detainee: fields.ForeignKeyRelation[Detainee] = fields.ForeignKeyField(
        "lawmeet.Detainee", related_name="engagements", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(EngagementKind, max_length=16, default=EngagementKind.RETAINED)
    status = fields.CharEnumField(EngagementStatus, max_length=12, default=EngagementStatus.PENDING)
    created_at = fields.DatetimeField(auto_now_add=True)
    activated_at = fields.DatetimeField(null=True)
    notice_sent_at = fields.DatetimeField(null=True)  # CPL 34(4) engagement notice
    terminated_at = fields.DatetimeField(null=True)

    lawyer_id: int
    case_id: int
    detainee_id: int
    documents: fields.ReverseRelation[EngagementDocument]

    class Meta:
        table = "engagement"
        ordering = ["-created_at"]


class EngagementDocument(Model):
    """One of the three documents, stored content-addressed outside any served folder."""

    id = fields.IntField(primary_key=True)
    engagement: fields.ForeignKeyRelation[Engagement] = fields.ForeignKeyField(
        "lawmeet.Engagement", related_name="documents", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(DocumentKind, max_length=24)
    sha256 = fields.CharField(max_length=64)
    size = fields.IntField()
    content_type = fields.CharField(max_length=40)
    original_name = fields.CharField(max_length=200)
    uploaded_at = fields.DatetimeField(auto_now_add=True)
    review = fields.CharEnumField(DocumentReview, max_length=12, default=DocumentReview.PENDING)
    reviewed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reviewed_at = fields.DatetimeField(null=True)
    review_note = fields.CharField(max_length=300, default="")

    engagement_id: int
    reviewed_by_id: int | None

    class Meta:
        table = "engagement_document"
        ordering = ["kind", "-uploaded_at"]


class CaseEvent(Model):
    """An entry of the case timeline: effective time (may be earlier) and recording time."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "lawmeet.Case", related_name="events", on_delete=fields.RESTRICT
    )
    detainee: fields.ForeignKeyNullableRelation[Detainee] = fields.ForeignKeyField(
        "lawmeet.Detainee", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(EventKind, max_length=40)
    effective_at = fields.DatetimeField()
    recorded_at = fields.DatetimeField(auto_now_add=True)
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "lawmeet.User", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    note = fields.TextField(default="")
    # Kind-specific facts: new custody expiry and basis, target facility, lawyer concerned.
    details: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    # The engagement an event concerns (notice, termination), so other lawyers never see it.
    engagement: fields.ForeignKeyNullableRelation[Engagement] = fields.ForeignKeyField(
        "lawmeet.Engagement", related_name="events", null=True, on_delete=fields.RESTRICT
    )
    corrects: fields.ForeignKeyNullableRelation[CaseEvent] = fields.ForeignKeyField(
        "lawmeet.CaseEvent", related_name="corrections", null=True, on_delete=fields.RESTRICT
    )

    case_id: int
    detainee_id: int | None
    recorded_by_id: int | None
    engagement_id: int | None
    corrects_id: int | None

    class Meta:
        table = "case_event"
        ordering = ["effective_at", "id"]


# This package's entries in the scope table (app.accounts.scopes): loaded with the models, so
# that the table is complete wherever they are.
from app.cases import access as _scope_rules  # noqa: E402, F401
