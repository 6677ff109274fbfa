"""API models of the case registry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.fields import Day, Flag, RowId, Timestamp
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


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DetaineeIn(_In):
    name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(min_length=6, max_length=40, description="Identity-document number")
    facility_id: RowId
    admitted_at: Timestamp


class CaseCreate(_In):
    case_number: str = Field(min_length=1, max_length=64)
    category: CaseCategory = CaseCategory.ORDINARY
    suspected_charges: str = Field("", max_length=300)
    detainee: DetaineeIn
    investigator_ids: list[RowId] = []


class AdmissionCreate(_In):
    name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(min_length=6, max_length=40)
    admitted_at: Timestamp


class EventCreate(_In):
    kind: EventKind
    effective_at: Timestamp
    note: str = Field("", max_length=2000)
    detainee_id: RowId | None = None
    corrects_id: RowId | None = Field(None, description="The event a correction corrects")
    new_expiry: Day | None = Field(None, description="Custody extension: the new expiry")
    legal_basis: str = Field("", max_length=200, description="Custody extension: basis")
    to_facility_id: RowId | None = Field(None, description="Move: the receiving facility")
    unheard_reason: str = Field(
        "",
        max_length=500,
        description="Ending the investigation with written opinions not yet acknowledged: why",
    )


class InvestigatorsAssign(_In):
    investigator_ids: list[RowId] = Field(min_length=1)


class DetaineeLookup(_In):
    facility_id: RowId
    name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(min_length=6, max_length=40)


class EngagementCreate(DetaineeLookup):
    case_id: RowId
    kind: EngagementKind = EngagementKind.RETAINED


class DocumentReviewIn(_In):
    accept: Flag
    note: str = Field("", max_length=300)


class TerminationIn(_In):
    received_at: Timestamp
    note: str = Field("", max_length=2000)


class DetaineeRef(BaseModel):
    id: int
    name: str | None = Field(description="Hidden from bar auditors")


class CaseOut(BaseModel):
    id: int
    agency_id: int
    agency_name: str
    case_number: str
    category: CaseCategory
    stage: CaseStage
    suspected_charges: str | None = Field(description="Hidden from bar auditors")
    created_at: datetime
    detainees: list[DetaineeRef]
    investigator_ids: list[int]


class CaseChoice(BaseModel):
    id: int
    case_number: str
    agency_name: str


class LookupOut(BaseModel):
    detainee_id: int
    name: str
    cases: list[CaseChoice]


class DetaineeOut(BaseModel):
    id: int
    name: str | None
    id_number: str | None = Field(description="Full for staff and investigators, else masked")
    facility_id: int
    custody_status: CustodyStatus
    admitted_at: datetime


class EventOut(BaseModel):
    id: int
    case_id: int
    detainee_id: int | None
    kind: EventKind
    effective_at: datetime
    recorded_at: datetime
    recorded_by_id: int | None
    note: str | None = Field(description="Hidden from bar auditors")
    details: dict[str, Any]
    corrects_id: int | None


class DocumentOut(BaseModel):
    id: int
    kind: DocumentKind
    size: int
    content_type: str
    original_name: str
    sha256: str
    uploaded_at: datetime
    review: DocumentReview
    review_note: str


class EngagementOut(BaseModel):
    id: int
    lawyer_id: int
    lawyer_name: str
    case_id: int
    case_number: str
    agency_name: str
    detainee_id: int
    detainee_name: str | None
    kind: EngagementKind
    status: EngagementStatus
    created_at: datetime
    activated_at: datetime | None
    notice_sent_at: datetime | None
    terminated_at: datetime | None
    documents: list[DocumentOut] | None = Field(description="Hidden from bar auditors")


class EngagementWarning(BaseModel):
    """Something the lawyer should act on, though the engagement was registered."""

    code: Literal["co_defendant_conflict"] = Field(
        description="co_defendant_conflict: in this case the lawyer already defends another "
        "detainee (local implementing rules, e.g. Guangzhou art. 4; setting "
        'legal.co_defendant_conflict is "warn")'
    )
    engagement_id: int = Field(description="The other engagement, of the co-defendant")
    co_defendant: str = Field(description="The other engagement's client")
    kind: EngagementKind = Field(description="The other engagement's kind")
    registered_on: date = Field(
        description="The day the other engagement was registered (its detention centre's zone)"
    )
    message: str = Field(description="The warning in the reader's language")


class EngagementCreated(EngagementOut):
    warnings: list[EngagementWarning] = Field(
        description='Conflicts registered despite the setting "warn"; empty when none'
    )
