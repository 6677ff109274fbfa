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

A request whose 48 hours wait for the check (policy P1 ``after_document_check``) starts its
clock by the command ``CheckDocuments``, which the desk's request page and the API build:
``check_documents`` checks that the actor runs a desk (403), that the request is in her scope
(404 outside) and that the time of the check is not in the future; ``requests.start_clock``
refuses a clock already running (409).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from typing import Final

from pydantic import AwareDatetime, Field
from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.policy import Action, require
from app.accounts.scopes import visible_row
from app.cases import engagements
from app.cases.kinds import DocumentKind, EngagementStatus
from app.cases.models import Engagement, EngagementDocument
from app.commands import Command
from app.errors import DomainError
from app.law.context import LegalContext
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from scheduling import attendance, requests
from scheduling.kinds import RequestStatus
from scheduling.meeting_notices import NoticeSettings
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
    notices: NoticeSettings,
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
                                        note.strip(), notices)  # fmt: skip
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
    notices: NoticeSettings,
) -> None:
    ground = attendance.RefusalReason.LAWYER_DOCUMENTS_INCOMPLETE
    for request in await MeetingRequest.filter(engagement_id=engagement.id, status__in=OPEN):
        await attendance.refuse_request(staff, request, ground, reason or document.value,
                                        document=document, notices=notices)  # fmt: skip


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


class CheckDocuments(Command):
    """The desk checked the lawyer's three documents for request ``request_id`` at ``at``
    (default now): the request's 48 hours start then."""

    request_id: int = Field(ge=1)
    at: AwareDatetime | None = None


async def check_documents(
    actor: User, command: CheckDocuments, legal: LegalContext
) -> MeetingRequest:
    """Start the waiting clock of the request ``command`` names, or raise: NotPermitted,
    NotFound, DomainError (``time_in_future`` at "at", 409 ``clock_already_running``)."""
    require(actor, Action.RUN_DAY_BOARD)
    request = await visible_row(MeetingRequest, actor, command.request_id)
    now = clock.now()
    if command.at is not None and command.at > now + attendance.CLOCK_SKEW:
        raise DomainError("time_in_future", field="at")
    at = command.at.astimezone(UTC) if command.at is not None else now
    return await requests.start_clock(
        actor, request, at, policies=legal.policies, calendar=legal.calendar
    )
