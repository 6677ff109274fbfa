"""API models of defence submissions and complaints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.api.fields import RowId, Timestamp
from rights_checklist.kinds import (
    ComplaintBody,
    ComplaintOutcome,
    ComplaintType,
    Decision,
    SubmissionKind,
)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AttachmentOut(BaseModel):
    position: int
    sha256: str
    size: int
    content_type: str
    original_name: str


class SubmissionOut(BaseModel):
    id: int
    receipt_number: str
    case_id: int
    engagement_id: int
    lawyer_id: int
    kind: SubmissionKind
    submitted_at: datetime
    timezone: str
    sha256: str | None = Field(description="Fingerprint; hidden from bar auditors")
    text: str | None = Field(description="Hidden from bar auditors")
    attachments: list[AttachmentOut] | None = Field(description="Hidden from bar auditors")
    duty: str = Field(description="Catalogue duty timing the decision (O2, M7) or empty")
    due_at: datetime | None
    due_rule: str
    overdue: bool
    acknowledged_at: datetime | None
    attached_at: datetime | None
    file_reference: str | None
    decision: Decision | None
    decision_reasons: str | None
    decided_at: datetime | None


class ReceiptOut(BaseModel):
    receipt_number: str
    submitted_at: datetime
    submitted_at_local: str
    timezone: str
    kind: SubmissionKind
    sha256: str
    canonical_form: str = Field(description="How the fingerprint is computed")
    attachments: list[AttachmentOut]


class AttachIn(_In):
    file_reference: str = Field(max_length=120, description="Case file reference (required)")


class DecideIn(_In):
    decision: Decision
    reasons: str = Field("", max_length=10_000, description="Required when refusing")
    decided_at: Timestamp | None = Field(None, description="Defaults to now")


class ComplaintCreate(_In):
    case_id: RowId
    complaint_type: ComplaintType
    addressed_to: ComplaintBody = ComplaintBody.PROCURATORATE
    copied_to: ComplaintBody | None = Field(
        default=None, description="A copy to the other body; never the addressee"
    )
    description: str = Field(min_length=1, max_length=20_000)
    event_ids: list[RowId] = []
    submission_ids: list[RowId] = []


class ReplyIn(_In):
    reply_at: Timestamp
    summary: str = Field(min_length=1, max_length=10_000)
    outcome: ComplaintOutcome


class ComplaintOut(BaseModel):
    id: int
    case_id: int
    lawyer_id: int
    complaint_type: ComplaintType
    addressed_to: ComplaintBody
    copied_to: ComplaintBody | None
    description: str | None = Field(description="Visible to the lawyer and the bar auditors")
    evidence: dict[str, list[int]]
    duty: str
    filed_at: datetime
    due_at: datetime
    due_rule: str
    overdue: bool
    reply_at: datetime | None
    reply_summary: str
    outcome: ComplaintOutcome | None
