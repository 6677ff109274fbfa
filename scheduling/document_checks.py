"""The desk's check of the three documents, and what it means for the lawyer's requests.

A lawyer may ask for a meeting as soon as she has uploaded the three documents (CPL 39(2)); the
desk checks them whenever it comes to them (story 1: Monday, for a Friday-night request). The
check ends one of two ways:

- every required document accepted: the engagement is active; a request whose 48 hours wait
  for this check (policy P1 ``after_document_check``) starts its clock now;
- a document rejected while the engagement still waits for its check: each open request of the
  engagement is refused on the lawful ground "documents incomplete", naming the document and the
  desk's reason, and the lawyer is told (``attendance.refuse_request``). She uploads it again and
  asks again.

At the gate (story 2) the officer checks the paper documents there and then:
``check_at_gate`` activates the engagement in the same step as the walk-in request.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.cases import engagements
from app.cases.kinds import DocumentKind, EngagementStatus
from app.cases.models import Engagement, EngagementDocument
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from scheduling import attendance, requests
from scheduling.kinds import RequestStatus
from scheduling.models import MeetingRequest

# Requests a failed document check ends: not yet met, not already refused.
OPEN: Final = (RequestStatus.REQUESTED, RequestStatus.AWAITING_PERMISSION, RequestStatus.SCHEDULED)


async def review_document(
    staff: User,
    document: EngagementDocument,
    accept: bool,
    note: str = "",
    *,
    policies: LegalPolicies,
    calendar: RestDayCalendar,
    public_url: str,
) -> Engagement:
    """Accept or reject one document, with what follows for the engagement's requests."""
    async with in_transaction():
        was_pending = (
            await Engagement.get(id=document.engagement_id)
        ).status == EngagementStatus.PENDING
        engagement = await engagements.review_document(staff, document, accept, note)
        if not was_pending:
            return engagement
        if engagement.status == EngagementStatus.ACTIVE:
            await _start_waiting_clocks(staff, engagement, policies, calendar)
        elif not accept:
            await _refuse_open_requests(staff, engagement, DocumentKind(document.kind),
                                        note.strip(), public_url)  # fmt: skip
    return engagement


async def check_at_gate(
    staff: User,
    engagement: Engagement,
    presented: set[DocumentKind],
    *,
    policies: LegalPolicies,
    calendar: RestDayCalendar,
) -> Engagement:
    """The officer saw the paper documents at the gate; the engagement is active from now."""
    async with in_transaction():
        was_pending = engagement.status == EngagementStatus.PENDING
        engagement = await engagements.activate_at_gate(staff, engagement, presented)
        if was_pending:
            await _start_waiting_clocks(staff, engagement, policies, calendar)
    return engagement


async def _start_waiting_clocks(
    staff: User, engagement: Engagement, policies: LegalPolicies, calendar: RestDayCalendar
) -> None:
    waiting = MeetingRequest.filter(
        engagement_id=engagement.id, status=RequestStatus.REQUESTED, clock_started_at=None
    )
    now = clock.now()
    for request in await waiting:
        await requests.start_clock(staff, request, now, policies=policies, calendar=calendar)


async def _refuse_open_requests(
    staff: User,
    engagement: Engagement,
    document: DocumentKind,
    reason: str,
    public_url: str,
) -> None:
    ground = attendance.RefusalReason.LAWYER_DOCUMENTS_INCOMPLETE
    for request in await MeetingRequest.filter(engagement_id=engagement.id, status__in=OPEN):
        await attendance.refuse_request(staff, request, ground, reason or document.value,
                                        document=document, public_url=public_url)  # fmt: skip


async def open_walk_in(
    staff: User,
    engagement: Engagement,
    presented: set[DocumentKind],
    new: requests.NewRequest,
    *,
    policies: LegalPolicies,
    calendar: RestDayCalendar,
) -> MeetingRequest:
    """Story 2, duty M2: a lawyer at the gate without a booking. The officer checks the three
    documents there and then (whether or not the desk had checked the uploads) and the request
    opens with its clock started, in one step: never refused for want of a booking."""
    now = clock.now()
    async with in_transaction():
        engagement = await check_at_gate(staff, engagement, presented, policies=policies,
                                         calendar=calendar)  # fmt: skip
        walk_in = replace(new, walk_in=True, requested_at=new.requested_at or now,
                          documents_checked_at=now)  # fmt: skip
        return await requests.open_request(staff, engagement, walk_in, policies=policies,
                                           calendar=calendar)  # fmt: skip
