"""What each role's home page shows (issue 17): the few things to look at or do next, each
linking to the page where it is done.

Rows are read only through the scope table (``visible``) and the domains' own queries (the
desk's document queue, the investigator's open tasks and owed notices, the auditor's pending
lawyers, the latest audit verification): this module never chooses a scope of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from app.accounts import policy
from app.accounts.models import User
from app.accounts.policy import Action, allowed
from app.accounts.scopes import visible
from app.audit.models import AuditVerification
from app.audit_access.queries import latest_verification
from app.cases.kinds import DocumentReview, EngagementStatus
from app.cases.models import EngagementDocument
from app.law.context import LegalContext
from app.orgs.models import Facility
from app.presentation.inbox import InboxEntry, entry
from app.web.desk.board import board_state
from app.web.desk.board_grid import day_bounds
from app.web.forms import zone
from notifications import services
from rights_checklist.models import Complaint
from rights_checklist.notice_tasks import owed_notices
from rights_checklist.overdue_tasks import agency_overdue, is_supervisor
from rights_checklist.submissions import open_tasks
from scheduling import offer_answers
from scheduling.document_queue import DocumentsToCheck, documents_to_check
from scheduling.forecast import RISK_WINDOW
from scheduling.kinds import MeetingStatus, RequestStatus
from scheduling.models import Meeting, MeetingRequest, SlotOffer

NEXT_MEETINGS: Final = 5
UNREAD_SHOWN: Final = 3
LISTED: Final = 10  # the longest list a home page shows; the full one is a link away
OPEN_REQUESTS: Final = (RequestStatus.REQUESTED, RequestStatus.AWAITING_PERMISSION)


# --- Lawyer -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Todo:
    """Something only the lawyer can do next, and the page where she does it."""

    kind: str  # "rebook" | "facility_cancelled" | "document_rejected"
    url: str
    detainee: str
    detail: str = ""  # the centre's reason, or the document kind (DOCUMENT_LABELS key)
    note: str = ""  # the desk's note on a rejected document
    when: datetime | None = None  # the meeting a closure fell on
    timezone: str = ""


@dataclass(frozen=True)
class LawyerHome:
    meetings: list[Meeting]  # next active meetings, soonest first (room, facility, detainee)
    requests: list[MeetingRequest]  # open requests, the 48-hour limit ending first first
    todos: list[Todo]
    unread: list[InboxEntry]  # the newest notices not yet read
    offers: list[SlotOffer] = field(default_factory=list)  # freed times held for her requests


async def lawyer_home(user: User, now: datetime) -> LawyerHome:
    meetings = list(
        await visible(Meeting, user)
        .filter(status=MeetingStatus.ACTIVE, ends_at__gt=now)
        .select_related("room__facility", "detainee")
        .order_by("starts_at", "id")
        .limit(NEXT_MEETINGS)
    )
    requests = list(
        await visible(MeetingRequest, user)
        .filter(status__in=OPEN_REQUESTS)
        .select_related("facility", "detainee")
    )
    requests.sort(key=_limit_first)
    todos = await _rebookings(user) + _cancelled(requests) + await _rejected_documents(user)
    newest = await services.inbox(user.id, limit=services.INBOX_PAGE)
    unread = [entry(row) for row in newest if row.read_at is None][:UNREAD_SHOWN]
    offers = await offer_answers.open_offers(user)
    return LawyerHome(meetings, requests[:LISTED], todos[:LISTED], unread, offers[:LISTED])


def _limit_first(r: MeetingRequest) -> tuple[bool, datetime, int]:
    due = r.deadline_at or r.permission_due_at
    return due is None, due or r.requested_at, r.id


async def _rebookings(user: User) -> list[Todo]:
    """Meetings a closure fell on: she chooses another time on the meeting's page."""
    hit = (
        await visible(Meeting, user)
        .filter(status=MeetingStatus.ACTIVE, needs_rebooking=True)
        .select_related("room__facility", "detainee")
        .order_by("starts_at", "id")
    )
    return [
        Todo("rebook", f"/meetings/{m.id}", m.detainee.name, when=m.starts_at,
             timezone=m.room.facility.timezone)
        for m in hit
    ]  # fmt: skip


def _cancelled(requests: list[MeetingRequest]) -> list[Todo]:
    """Requests whose meeting the centre cancelled: back to her to choose a time."""
    return [
        Todo("facility_cancelled", f"/meeting-requests/{r.id}", r.detainee.name,
             detail=r.facility_cancel_reason)
        for r in requests
        if r.status == RequestStatus.REQUESTED and r.facility_cancel_reason
    ]  # fmt: skip


async def _rejected_documents(user: User) -> list[Todo]:
    """Documents whose newest upload the desk rejected: she uploads it again."""
    documents = (
        await visible(EngagementDocument, user)
        .filter(engagement__status__in=[EngagementStatus.PENDING, EngagementStatus.ACTIVE])
        .select_related("engagement__detainee")
        .order_by("-uploaded_at", "-id")
    )
    newest: dict[tuple[int, str], EngagementDocument] = {}
    for document in documents:
        newest.setdefault((document.engagement_id, document.kind), document)
    return [
        Todo("document_rejected", f"/clients/{d.engagement_id}#documents",
             d.engagement.detainee.name, detail=d.kind, note=d.review_note)
        for d in newest.values()
        if d.review == DocumentReview.REJECTED
    ]  # fmt: skip


# --- Detention-centre desk ----------------------------------------------------------------------


@dataclass(frozen=True)
class DeskMeeting:
    meeting: Meeting  # with room, lawyer and detainee
    state: str  # a key of BOARD_STATE_LABELS


@dataclass(frozen=True)
class DeskHome:
    facility: Facility | None
    timezone: str
    meetings: list[DeskMeeting] = field(default_factory=list)  # today's, by time
    at_risk: list[MeetingRequest] = field(default_factory=list)  # the limit ending first first
    documents: list[DocumentsToCheck] = field(default_factory=list)
    walk_ins: list[MeetingRequest] = field(default_factory=list)  # registered today
    offers: list[SlotOffer] = field(default_factory=list)  # freed times held, lapsing first


async def desk_home(user: User, now: datetime) -> DeskHome:
    facility = await Facility.get_or_none(id=user.facility_id) if user.facility_id else None
    if facility is None:
        return DeskHome(None, "")
    start, end = day_bounds(now.astimezone(zone(facility.timezone)).date(),
                            zone(facility.timezone))  # fmt: skip
    meetings = (
        await visible(Meeting, user)
        .filter(status=MeetingStatus.ACTIVE, starts_at__lt=end, ends_at__gt=start)
        .select_related("room", "lawyer", "detainee")
        .order_by("starts_at", "room_id")
    )
    requests = visible(MeetingRequest, user).filter(
        deadline_at__not_isnull=True, deadline_at__lte=now + RISK_WINDOW
    )
    unbooked = await requests.filter(status=RequestStatus.REQUESTED).select_related(
        "lawyer", "detainee"
    )
    rebook = await requests.filter(
        status=RequestStatus.SCHEDULED, meetings__status=MeetingStatus.ACTIVE,
        meetings__needs_rebooking=True,
    ).distinct().select_related("lawyer", "detainee")  # fmt: skip
    at_risk = sorted({r.id: r for r in [*unbooked, *rebook]}.values(),
                     key=lambda r: (r.deadline_at, r.id))  # fmt: skip
    documents = await documents_to_check(user) if allowed(user, Action.REVIEW_DOCUMENTS) else []
    walk_ins = (
        await visible(MeetingRequest, user)
        .filter(walk_in=True, requested_at__gte=start, requested_at__lt=end)
        .select_related("lawyer", "detainee")
        .order_by("requested_at", "id")
    )
    return DeskHome(
        facility,
        facility.timezone,
        [DeskMeeting(m, board_state(m)) for m in meetings],
        at_risk,
        documents,
        list(walk_ins),
        (await offer_answers.open_offers(user))[:LISTED],
    )


# --- Investigator -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    what: str  # "opinion" | "application" | "notice" | "permission"
    url: str
    case_number: str
    due_at: datetime | None
    timezone: str
    reference: str = ""  # a submission's receipt number, a notice's duty


@dataclass(frozen=True)
class InvestigatorHome:
    tasks: list[Task]  # overdue first, then by deadline; those without one last
    supervising: bool
    agency_overdue: int  # a supervisor's count of every overdue task of the agency


async def investigator_home(user: User, now: datetime, legal: LegalContext) -> InvestigatorHome:
    tasks = [
        Task("opinion" if s.kind == "opinion" else "application", f"/submissions/{s.id}",
             s.case.case_number, s.due_at, s.timezone, s.receipt_number)
        for s in await open_tasks(user).select_related("case")
    ]  # fmt: skip
    tasks += [
        Task("notice", f"/cases/{t.case.id}/checklist", t.case.case_number, t.due_at,
             t.timezone, t.duty_id)
        for t in await owed_notices(user, legal)
    ]  # fmt: skip
    if allowed(user, Action.DECIDE_MEETING_PERMISSIONS):
        waiting = (
            await visible(MeetingRequest, user)
            .filter(status=RequestStatus.AWAITING_PERMISSION)
            .select_related("facility", "engagement__case")
        )
        tasks += [
            Task("permission", f"/meeting-requests/{r.id}", r.engagement.case.case_number,
                 r.permission_due_at, r.facility.timezone, "M5")
            for r in waiting
        ]  # fmt: skip
    tasks.sort(key=lambda t: (t.due_at is None, t.due_at or now, t.url))
    supervising = is_supervisor(user)
    late = len(await agency_overdue(user.agency_id or 0, legal, now)) if supervising else 0
    return InvestigatorHome(tasks, supervising, late)


# --- Bar auditor --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditorHome:
    pending: list[User]  # lawyers awaiting verification, the longest waiting first
    pending_total: int
    complaints: list[Complaint]  # awaiting a reply, the reply due first first (with case)
    verification: AuditVerification | None  # the last run of the audit-trail verification


async def auditor_home(user: User) -> AuditorHome:
    pending = policy.pending_lawyers_in_scope(user)
    complaints = (
        await visible(Complaint, user)
        .filter(reply_at=None)
        .select_related("case")
        .order_by("due_at", "id")
        .limit(LISTED)
    )
    return AuditorHome(
        list(await pending.order_by("created_at", "id").limit(LISTED)),
        await pending.count(),
        list(complaints),
        await latest_verification() if allowed(user, Action.VIEW_AUDIT) else None,
    )
