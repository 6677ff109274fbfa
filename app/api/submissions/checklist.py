"""/api/v1 twin of the rights checklist page, and the investigator's N1 and N6/N7 records."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from app.accounts.models import User
from app.accounts.policy import Action, NotFound
from app.accounts.roles import Role
from app.accounts.scopes import visible_row
from app.api.fields import Timestamp
from app.api.framework import Endpoint
from app.cases.models import Case, CaseEvent, Engagement
from app.law.catalogue import load_catalogue
from rights_checklist import case_notices
from rights_checklist.checklist import case_checklist, complaint_draft
from rights_checklist.kinds import ComplaintType
from rights_checklist.timeline import DutyStatus

P = "/api/v1"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EvidenceOut(BaseModel):
    kind: str
    id: int
    at: datetime


class ComplaintDraftOut(BaseModel):
    complaint_type: ComplaintType
    duty: str = Field(description="C1 or C2: the complaint's own handling duty")


class DutyOut(BaseModel):
    duty_id: str
    title_zh: str
    title_en: str
    occurrence: str = Field(description='What triggered it, e.g. "request:12"')
    status: DutyStatus
    statutory: bool = Field(description="False: a policy P6 target, not a statutory limit")
    basis: str
    due_at: datetime | None
    explanation: list[str] = Field(description="How the deadline was counted (zh-CN)")
    evidence: EvidenceOut | None
    notes: list[str] = Field(description="Why: lawful reasons, extensions (empty for auditors)")
    complaint: ComplaintDraftOut | None = Field(
        description="For the lawyer: the complaint a breached duty leads to"
    )


class ChargesNoticeIn(_In):
    charges: str = Field(min_length=1, max_length=200)
    facts: str = Field("", max_length=1500)


class FamilyNoticeIn(_In):
    notified_at: Timestamp | None = None
    manner: str = Field("", max_length=100)
    lawful_reason: Literal["cannot_notify", "would_impede"] | None = None
    details: str = Field("", max_length=1000)


class NoticesOut(BaseModel):
    notices: int = Field(description="Notifications written (one per channel)")


class FamilyNoticeOut(BaseModel):
    id: int
    event_id: int
    notified_at: datetime | None
    manner: str
    lawful_reason: str | None


async def get_checklist(request: Request, user: User, case_id: int) -> list[DutyOut]:
    case = await visible_row(Case, user, case_id)
    context = await request.app.state.law.context()
    catalogue = load_catalogue()
    out = []
    for r in await case_checklist(case, context, viewer=user):
        duty = catalogue.by_id(r.duty_id)
        draft = complaint_draft(case, r) if user.role == Role.LAWYER else None
        out.append(
            DutyOut(
                duty_id=r.duty_id,
                title_zh=duty.title.in_locale("zh-CN"),
                title_en=duty.title.in_locale("en"),
                occurrence=r.occurrence,
                status=r.status,
                statutory=r.statutory,
                basis=r.basis,
                due_at=r.due_at,
                explanation=r.deadline.explain("zh-CN") if r.deadline else [],
                evidence=EvidenceOut(kind=r.evidence.kind, id=r.evidence.id, at=r.evidence.at)
                if r.evidence
                else None,
                notes=list(r.notes) if user.role != Role.BAR_AUDITOR else [],
                complaint=ComplaintDraftOut(complaint_type=draft.complaint_type, duty=draft.duty)
                if draft
                else None,
            )
        )
    return out


async def inform_of_charges(
    request: Request, user: User, engagement_id: int, body: ChargesNoticeIn
) -> NoticesOut:
    engagement = await visible_row(Engagement, user, engagement_id)
    settings = request.app.state.settings
    written = await case_notices.inform_of_charges(
        user, engagement, body.charges, body.facts,
        context=await request.app.state.law.context(), public_url=settings.app.public_url,
    )  # fmt: skip
    return NoticesOut(notices=len(written))


async def record_family_notice(user: User, event_id: int, body: FamilyNoticeIn) -> FamilyNoticeOut:
    event = await CaseEvent.get_or_none(id=event_id)
    if event is None:
        raise NotFound("event")
    await visible_row(Case, user, event.case_id)  # 404 outside the investigator's agency
    row = await case_notices.record_family_notice(
        user, event, notified_at=body.notified_at, manner=body.manner,
        lawful_reason=body.lawful_reason, details=body.details,
    )  # fmt: skip
    return FamilyNoticeOut(id=row.id, event_id=row.event_id, notified_at=row.notified_at,
                           manner=row.manner, lawful_reason=row.lawful_reason)  # fmt: skip


CHECKLIST_ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", P + "/cases/{case_id:int}/checklist", get_checklist,
             "The case's rights checklist: every duty, its deadline and status", "checklist",
             Action.VIEW_CASES, response=DutyOut, list_response=True, errors=(404,)),
    Endpoint("POST", P + "/engagements/{engagement_id:int}/charges-notice", inform_of_charges,
             "Tell the lawyer the suspected charges and main facts (N1)", "checklist",
             Action.RECORD_CASE_EVENTS, body=ChargesNoticeIn, response=NoticesOut, status=201,
             errors=(404, 409, 422)),
    Endpoint("POST", P + "/case-events/{event_id:int}/family-notice", record_family_notice,
             "Record the family notice of a detention or arrest, or the lawful reason (N6/N7)",
             "checklist", Action.RECORD_CASE_EVENTS, body=FamilyNoticeIn,
             response=FamilyNoticeOut, status=201, errors=(404, 422)),
]  # fmt: skip
