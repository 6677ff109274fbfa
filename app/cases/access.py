"""Who sees what in the case registry: the case models' entries in the scope table.

Declared once here, applied by `app.accounts.scopes` (``visible``, ``visible_row``) on every
page, API route and service, so that a record outside the user's scope is simply not found (404):
- lawyer: the cases, detainees and engagements of their own engagements;
- detention staff: detainees held at their facility and the engagements concerning them
  (no case files);
- investigator: the cases of their agency and what hangs off them;
- bar auditor: read-only metadata across their jurisdiction (no documents, no identity numbers);
- admin: users and reference data only, no case content.
Documents are open to the lawyer, the facility's staff and the agency's investigators.

Below the table: what a user in scope may read of a record or do with it.
"""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.accounts import scopes
from app.accounts.models import User
from app.accounts.roles import Role
from app.accounts.scopes import NOTHING, in_jurisdiction, of_agency, of_facility, own
from app.cases.kinds import INVESTIGATOR_EVENTS, STAFF_EVENTS, EngagementStatus, EventKind
from app.cases.models import Case, CaseEvent, Detainee, Engagement, EngagementDocument

scopes.declare(
    Case,
    "case",
    {
        Role.LAWYER: own("engagements__lawyer_id", distinct=True),
        Role.DETENTION_STAFF: NOTHING,
        Role.INVESTIGATOR: of_agency("agency_id"),
        Role.BAR_AUDITOR: in_jurisdiction("agency__region_code"),
        Role.ADMIN: NOTHING,
    },
)
scopes.declare(
    Detainee,
    "detainee",
    {
        Role.LAWYER: own("engagements__lawyer_id", distinct=True),
        Role.DETENTION_STAFF: of_facility("facility_id"),
        Role.INVESTIGATOR: of_agency("case_links__case__agency_id", distinct=True),
        Role.BAR_AUDITOR: in_jurisdiction("facility__region_code"),
        Role.ADMIN: NOTHING,
    },
)
scopes.declare(
    Engagement,
    "engagement",
    {
        Role.LAWYER: own("lawyer_id"),
        Role.DETENTION_STAFF: of_facility("detainee__facility_id"),
        Role.INVESTIGATOR: of_agency("case__agency_id"),
        Role.BAR_AUDITOR: in_jurisdiction("case__agency__region_code"),
        Role.ADMIN: NOTHING,
    },
)
scopes.declare(
    EngagementDocument,
    "document",
    {
        Role.LAWYER: own("engagement__lawyer_id"),
        Role.DETENTION_STAFF: of_facility("engagement__detainee__facility_id"),
        Role.INVESTIGATOR: of_agency("engagement__case__agency_id"),
        Role.BAR_AUDITOR: NOTHING,  # metadata only, never a document's contents
        Role.ADMIN: NOTHING,
    },
)


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
    """The timeline of ``case`` (a row the user sees, from ``visible_row``) as read through
    ``engagement``: not a row scope of the user alone, since a lawyer reads it per client.
    All events for investigators and auditors; for a lawyer with an active engagement, those
    about their own client (or the case as a whole) that do not concern another lawyer's
    engagement: co-defendants' events stay with their own lawyers."""
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
