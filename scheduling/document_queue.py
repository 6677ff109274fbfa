"""The desk's queue of documents to check: every engagement at the facility with an uploaded
document nobody has reviewed yet, the oldest upload first, beside the time its lawyer's open
meeting request has left (the check may be what that request is waiting for)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.accounts.models import User
from app.accounts.policy import Action, require
from app.cases.kinds import DocumentReview, EngagementStatus
from app.cases.models import Engagement, EngagementDocument
from scheduling.document_checks import OPEN
from scheduling.models import MeetingRequest


@dataclass(frozen=True)
class DocumentsToCheck:
    engagement: Engagement  # with lawyer, detainee and case loaded
    waiting: int  # documents not yet reviewed
    oldest_upload: datetime
    request: MeetingRequest | None  # the open request whose limit ends first
    deadline_at: datetime | None  # its 48-hour limit, when its clock runs


async def documents_to_check(user: User) -> list[DocumentsToCheck]:
    """The queue of the officer's own facility."""
    require(user, Action.REVIEW_DOCUMENTS)
    if user.facility_id is None:
        return []
    documents = EngagementDocument.filter(
        review=DocumentReview.PENDING,
        engagement__status__in=[EngagementStatus.PENDING, EngagementStatus.ACTIVE],
        engagement__detainee__facility_id=user.facility_id,
    )
    oldest: dict[int, datetime] = {}
    waiting: dict[int, int] = {}
    for document in await documents.only("engagement_id", "uploaded_at"):
        eid = document.engagement_id
        waiting[eid] = waiting.get(eid, 0) + 1
        if eid not in oldest or document.uploaded_at < oldest[eid]:
            oldest[eid] = document.uploaded_at
    engagements = await Engagement.filter(id__in=list(oldest)).select_related(
        "lawyer", "detainee", "case"
    )
    requests: dict[int, MeetingRequest] = {}
    for request in await MeetingRequest.filter(engagement_id__in=list(oldest), status__in=OPEN):
        held = requests.get(request.engagement_id)
        if held is None or _ends_before(request, held):
            requests[request.engagement_id] = request
    queue = []
    for g in engagements:
        first = requests.get(g.id)
        deadline = first.deadline_at if first is not None else None
        queue.append(DocumentsToCheck(g, waiting[g.id], oldest[g.id], first, deadline))
    return sorted(queue, key=lambda item: (item.oldest_upload, item.engagement.id))


def _ends_before(one: MeetingRequest, other: MeetingRequest) -> bool:
    if one.deadline_at is None:
        return False
    return other.deadline_at is None or one.deadline_at < other.deadline_at
