"""Turning case-registry records into API models, cut to what the reader may see.

List presenters load related rows in a fixed number of queries, whatever the list's length.
"""

from __future__ import annotations

from app.accounts.models import User
from app.api.cases.case_models import (
    CaseOut,
    DetaineeRef,
    DocumentOut,
    EngagementOut,
    EventOut,
)
from app.cases import access
from app.cases.models import (
    Case,
    CaseDetainee,
    CaseEvent,
    CaseInvestigator,
    Engagement,
    EngagementDocument,
)
from app.orgs.models import Agency


async def cases_out(user: User, cases: list[Case]) -> list[CaseOut]:
    """Cases with their agency, detainees and investigators: three queries for any number."""
    ids = [case.id for case in cases]
    agencies = {a.id: a.name for a in await Agency.filter(id__in={c.agency_id for c in cases})}
    links = await CaseDetainee.filter(case_id__in=ids).select_related("detainee")
    assignments = await CaseInvestigator.filter(case_id__in=ids)
    full, names = access.sees_full_case(user), access.sees_notes(user)
    return [
        CaseOut(
            id=case.id,
            agency_id=case.agency_id,
            agency_name=agencies[case.agency_id],
            case_number=case.case_number,
            category=case.category,
            stage=case.stage,
            suspected_charges=case.suspected_charges if full else None,
            created_at=case.created_at,
            detainees=[
                DetaineeRef(id=link.detainee.id, name=link.detainee.name if names else None)
                for link in links
                if link.case_id == case.id
            ],
            investigator_ids=[a.investigator_id for a in assignments if a.case_id == case.id],
        )
        for case in cases
    ]


async def case_out(user: User, case: Case) -> CaseOut:
    return (await cases_out(user, [case]))[0]


def event_out(user: User, event: CaseEvent) -> EventOut:
    return EventOut(
        id=event.id,
        case_id=event.case_id,
        detainee_id=event.detainee_id,
        kind=event.kind,
        effective_at=event.effective_at,
        recorded_at=event.recorded_at,
        recorded_by_id=event.recorded_by_id,
        note=event.note if access.sees_notes(user) else None,
        details=event.details,
        corrects_id=event.corrects_id,
    )


def document_out(document: EngagementDocument) -> DocumentOut:
    return DocumentOut.model_validate(document, from_attributes=True)


async def engagements_out(user: User, engagements: list[Engagement]) -> list[EngagementOut]:
    """Engagements with lawyer, case, agency, detainee and documents: two queries in all."""
    ids = [e.id for e in engagements]
    loaded = {
        e.id: e
        for e in await Engagement.filter(id__in=ids).select_related(
            "lawyer", "case__agency", "detainee"
        )
    }
    documents: dict[int, list[DocumentOut]] | None = None
    if user.role != "bar_auditor":  # auditors read metadata, never documents
        documents = {engagement_id: [] for engagement_id in ids}
        for document in await EngagementDocument.filter(engagement_id__in=ids):
            documents[document.engagement_id].append(document_out(document))
    return [
        _engagement_out(user, loaded[e.id], documents[e.id] if documents is not None else None)
        for e in engagements
    ]


async def engagement_out(user: User, engagement: Engagement) -> EngagementOut:
    return (await engagements_out(user, [engagement]))[0]


def _engagement_out(
    user: User, engagement: Engagement, documents: list[DocumentOut] | None
) -> EngagementOut:
    return EngagementOut(
        id=engagement.id,
        lawyer_id=engagement.lawyer_id,
        lawyer_name=engagement.lawyer.display_name,
        case_id=engagement.case_id,
        case_number=engagement.case.case_number,
        agency_name=engagement.case.agency.name,
        detainee_id=engagement.detainee_id,
        detainee_name=engagement.detainee.name if access.sees_notes(user) else None,
        kind=engagement.kind,
        status=engagement.status,
        created_at=engagement.created_at,
        activated_at=engagement.activated_at,
        notice_sent_at=engagement.notice_sent_at,
        terminated_at=engagement.terminated_at,
        documents=documents,
    )
