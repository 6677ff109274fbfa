"""Reads one case's records into the plain CaseTimeline the pure evaluation judges.

Everything is loaded in a fixed number of queries. Notices count as evidence once delivered or,
for channels without delivery receipts (e-mail accepted by the server, the in-app inbox), once
sent: the law asks that the lawyer be told, and that is the last moment the system can observe.
"""

from __future__ import annotations

from datetime import date, datetime

from app.cases.kinds import EventKind
from app.cases.models import Case, CaseDetainee, CaseEvent, Engagement
from notifications.models import Notification
from rights_checklist import timeline as tl
from rights_checklist.models import Complaint, FamilyNotice, Submission
from scheduling.kinds import RequestStatus
from scheduling.models import Meeting, MeetingRequest

DEFAULT_ZONE = "Asia/Shanghai"


async def load_timeline(case: Case) -> tl.CaseTimeline:
    """The case's events, engagements, meetings, notices, submissions and complaints."""
    events = await CaseEvent.filter(case_id=case.id).order_by("effective_at", "id")
    event_ids = [e.id for e in events]
    requests = await MeetingRequest.filter(engagement__case_id=case.id).order_by("id")
    meetings = await Meeting.filter(request_id__in=[r.id for r in requests]).order_by("id")
    notices = await Notification.filter(case_id=case.id, duty_id__not_isnull=True)
    return tl.CaseTimeline(
        case=tl.CaseInfo(case.id, case.category.value, case.stage.value),
        timezone=await _zone(case),
        events=tuple(_event(e) for e in events),
        engagements=tuple(
            _engagement(g) for g in await Engagement.filter(case_id=case.id).order_by("id")
        ),
        meeting_requests=tuple(_request(r) for r in requests),
        meetings=tuple(
            tl.Meeting(m.id, m.request_id, m.starts_at, m.started_at or m.checked_in_at)
            for m in meetings
        ),
        notices=tuple(n for n in (_notice(row) for row in notices) if n is not None),
        submissions=tuple(
            _submission(s) for s in await Submission.filter(case_id=case.id).order_by("id")
        ),
        complaints=tuple(
            tl.Complaint(c.id, c.duty, c.filed_at, c.reply_at)
            for c in await Complaint.filter(case_id=case.id).order_by("id")
        ),
        family_notices=tuple(
            tl.FamilyNotice(f.event_id, f.notified_at, f.lawful_reason)
            for f in await FamilyNotice.filter(event_id__in=event_ids).order_by("id")
        ),
    )


async def _zone(case: Case) -> str:
    link = (
        await CaseDetainee.filter(case_id=case.id)
        .order_by("id")
        .prefetch_related("detainee__facility")
        .first()
    )
    return link.detainee.facility.timezone if link is not None else DEFAULT_ZONE


def _event(event: CaseEvent) -> tl.Event:
    expiry = event.details.get("new_expiry") if event.kind == EventKind.CUSTODY_EXTENSION else None
    return tl.Event(
        event.id,
        event.kind,
        event.effective_at,
        new_expiry=date.fromisoformat(expiry) if isinstance(expiry, str) else None,
        corrects_id=event.corrects_id,
        detainee_id=event.detainee_id,
    )


def _engagement(g: Engagement) -> tl.Engagement:
    return tl.Engagement(
        g.id, g.lawyer_id, g.status.value, g.notice_sent_at, g.terminated_at, g.detainee_id
    )


def _submission(s: Submission) -> tl.Submission:
    decision = s.decision.value if s.decision else None
    return tl.Submission(
        s.id, s.kind.value, s.submitted_at, s.acknowledged_at, s.attached_at, s.decided_at, decision
    )


def _request(request: MeetingRequest) -> tl.MeetingRequest:
    asked_permission = request.permission_due_at is not None
    outcome = None
    if request.permission_granted is not None:
        # A refusal lifted once its reason ended permits the meeting (R2015 art. 9).
        permitted = request.permission_granted or request.permission_lifted_at is not None
        outcome = "granted" if permitted else "refused"
    status = request.status.value
    reason = None
    if request.status == RequestStatus.REFUSED:
        # A refusal is judged like a facility's cancellation: excused only by a lawful reason.
        status, reason = RequestStatus.CANCELLED_BY_FACILITY.value, request.refusal_reason or None
    return tl.MeetingRequest(
        request.id,
        request.requested_at,
        request.clock_started_at,
        walk_in=request.walk_in,
        permission_needed=asked_permission,
        permission_requested_at=request.requested_at if asked_permission else None,
        permission_decided_at=request.permission_decided_at,
        permission_outcome=outcome,
        status=status,
        refused_reason=reason,
    )


def _notice(row: Notification) -> tl.Notice | None:
    engagement = row.payload.get("engagement_id")
    if not isinstance(engagement, int) or row.duty_id is None:
        return None  # not a notice owed to one engagement's lawyer
    event = row.payload.get("event_id")
    observed: datetime | None = row.delivered_at or row.sent_at
    return tl.Notice(
        row.id,
        row.duty_id,
        engagement,
        row.created_at,
        trigger_event_id=event if isinstance(event, int) else None,
        delivered_at=observed,
        status=row.status.value,
    )
