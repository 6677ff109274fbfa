"""Who sees what in the case registry: the object rules of the permission policy.

Role rules live in `app.accounts.policy`; these functions scope queries per user so that a
record outside the user's scope is simply not found (404). Every case page and API uses them.
- lawyer: the cases, detainees and engagements of their own engagements;
- detention staff: detainees held at their facility and the engagements concerning them
  (no case files);
- investigator: the cases of their agency and what hangs off them;
- bar auditor: read-only metadata across their jurisdiction (no documents, no identity numbers);
- admin: users and reference data only, no case content.
"""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.accounts.models import User
from app.accounts.policy import NotFound
from app.accounts.roles import Role
from app.cases.kinds import INVESTIGATOR_EVENTS, STAFF_EVENTS, EngagementStatus, EventKind
from app.cases.models import Case, CaseEvent, Detainee, Engagement, EngagementDocument
from app.orgs.regions import jurisdiction_prefix


def _active(user: User) -> bool:
    return user.is_active


def cases_in_scope(user: User) -> QuerySet[Case]:
    if not _active(user):
        return Case.filter(id__in=[])
    if user.role == Role.INVESTIGATOR and user.agency_id:
        return Case.filter(agency_id=user.agency_id)
    if user.role == Role.LAWYER:
        return Case.filter(engagements__lawyer_id=user.id).distinct()
    if user.role == Role.BAR_AUDITOR and user.region_code:
        return Case.filter(agency__region_code__startswith=jurisdiction_prefix(user.region_code))
    return Case.filter(id__in=[])


def detainees_in_scope(user: User) -> QuerySet[Detainee]:
    if not _active(user):
        return Detainee.filter(id__in=[])
    if user.role == Role.DETENTION_STAFF and user.facility_id:
        return Detainee.filter(facility_id=user.facility_id)
    if user.role == Role.LAWYER:
        return Detainee.filter(engagements__lawyer_id=user.id).distinct()
    if user.role == Role.INVESTIGATOR and user.agency_id:
        return Detainee.filter(case_links__case__agency_id=user.agency_id).distinct()
    if user.role == Role.BAR_AUDITOR and user.region_code:
        prefix = jurisdiction_prefix(user.region_code)
        return Detainee.filter(facility__region_code__startswith=prefix)
    return Detainee.filter(id__in=[])


def engagements_in_scope(user: User) -> QuerySet[Engagement]:
    if not _active(user):
        return Engagement.filter(id__in=[])
    if user.role == Role.LAWYER:
        return Engagement.filter(lawyer_id=user.id)
    if user.role == Role.DETENTION_STAFF and user.facility_id:
        return Engagement.filter(detainee__facility_id=user.facility_id)
    if user.role == Role.INVESTIGATOR and user.agency_id:
        return Engagement.filter(case__agency_id=user.agency_id)
    if user.role == Role.BAR_AUDITOR and user.region_code:
        prefix = jurisdiction_prefix(user.region_code)
        return Engagement.filter(case__agency__region_code__startswith=prefix)
    return Engagement.filter(id__in=[])


async def case_for(user: User, case_id: int) -> Case:
    case = await cases_in_scope(user).get_or_none(id=case_id)
    if case is None:
        raise NotFound("case")
    return case


async def detainee_for(user: User, detainee_id: int) -> Detainee:
    detainee = await detainees_in_scope(user).get_or_none(id=detainee_id)
    if detainee is None:
        raise NotFound("detainee")
    return detainee


async def engagement_for(user: User, engagement_id: int) -> Engagement:
    engagement = await engagements_in_scope(user).get_or_none(id=engagement_id)
    if engagement is None:
        raise NotFound("engagement")
    return engagement


async def document_for(user: User, document_id: int) -> EngagementDocument:
    """Documents are open to the lawyer, the facility's staff and the agency's investigators."""
    if user.role not in (Role.LAWYER, Role.DETENTION_STAFF, Role.INVESTIGATOR):
        raise NotFound("document")
    document = await EngagementDocument.get_or_none(id=document_id)
    if (
        document is None
        or not await engagements_in_scope(user).filter(id=document.engagement_id).exists()
    ):
        raise NotFound("document")
    return document


def sees_full_case(user: User) -> bool:
    """Investigators read the whole file. Lawyers see their timeline, auditors metadata."""
    return user.role == Role.INVESTIGATOR


def sees_identity_numbers(user: User) -> bool:
    return user.role in (Role.DETENTION_STAFF, Role.INVESTIGATOR)


def sees_notes(user: User) -> bool:
    """Free-text notes may name people and facts, so auditors get dates and statuses only."""
    return user.role in (Role.INVESTIGATOR, Role.LAWYER, Role.DETENTION_STAFF)


def may_record_event(user: User, case: Case, kind: EventKind) -> bool:
    if user.role == Role.INVESTIGATOR:
        return case.agency_id == user.agency_id and kind in INVESTIGATOR_EVENTS
    if user.role == Role.DETENTION_STAFF:
        return kind in STAFF_EVENTS
    return False


def may_review_documents(user: User, engagement: Engagement, detainee: Detainee) -> bool:
    return user.role == Role.DETENTION_STAFF and detainee.facility_id == user.facility_id


def timeline_for(user: User, case: Case, engagement: Engagement | None) -> QuerySet[CaseEvent]:
    """The case events a user may read: all for investigators and auditors; for a lawyer with
    an active engagement, those about their own client (or the case as a whole) that do not
    concern another lawyer's engagement: co-defendants' events stay with their own lawyers."""
    events = CaseEvent.filter(case_id=case.id)
    if user.role == Role.LAWYER:
        if engagement is None or engagement.status != EngagementStatus.ACTIVE:
            return CaseEvent.filter(id__in=[])
        return events.filter(
            Q(engagement_id=None) | Q(engagement__lawyer_id=user.id),
            Q(detainee_id=None) | Q(detainee_id=engagement.detainee_id),
        )
    if user.role in (Role.INVESTIGATOR, Role.BAR_AUDITOR):
        return events
    return CaseEvent.filter(id__in=[])  # staff and admins never read case files
