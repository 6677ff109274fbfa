"""Complaints of obstruction (C1) or about custody, bail deposits and seized property (C2):
filed by the case's lawyer, followed by the bar association's auditors of the jurisdiction,
who record the reply the addressed body gave and its outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.service import record
from app.cases.models import CaseEvent, Detainee, Engagement
from app.errors import DomainError, raise_all
from app.law.context import LegalContext, duty_deadline
from app.orgs.models import Facility
from rights_checklist import submission_notices
from rights_checklist.kinds import ComplaintBody, ComplaintOutcome, ComplaintType, complaint_duty
from rights_checklist.models import Complaint, Submission
from scheduling.kinds import RoomKind
from scheduling.models import Meeting, MeetingRequest

MAX_DESCRIPTION = 20_000


@dataclass(frozen=True)
class NewComplaint:
    case_id: int
    complaint_type: ComplaintType
    addressed_to: ComplaintBody
    description: str
    event_ids: list[int] = field(default_factory=list)
    submission_ids: list[int] = field(default_factory=list)
    copied_to: ComplaintBody | None = None


@dataclass(frozen=True)
class MeetingBreachFacts:
    """Story 7: the facts a complaint about a meeting not arranged in time states."""

    facility_name: str
    timezone: str
    requested_at: datetime
    deadline_at: datetime | None  # M1's 48 hours; None while no clock runs
    meeting_at: datetime | None  # the meeting finally booked, if any


async def meeting_breach_facts(lawyer: User, occurrence: str) -> MeetingBreachFacts | None:
    """The facts of the lawyer's own meeting request named by a checklist occurrence
    ("request:12"); None for another occurrence or a request that is not theirs."""
    kind, _, number = occurrence.partition(":")
    if kind != "request" or not number.isdigit() or lawyer.role != Role.LAWYER:
        return None
    request = await MeetingRequest.get_or_none(id=int(number), lawyer_id=lawyer.id)
    if request is None:
        return None
    facility = await Facility.get(id=request.facility_id)
    meeting = (
        await Meeting.filter(request_id=request.id, cancelled_at__isnull=True)
        .order_by("starts_at")
        .first()
    )
    return MeetingBreachFacts(
        facility.name,
        facility.timezone,
        request.requested_at,
        request.deadline_at,
        meeting.starts_at if meeting else None,
    )


@dataclass(frozen=True)
class MonitoredMeetingFacts:
    """The facts a complaint that a meeting was monitored or recorded states (CPL 39(4))."""

    case_id: int
    reference: str
    facility_name: str
    room_name: str
    video: bool  # held by video link
    timezone: str
    starts_at: datetime
    ends_at: datetime


async def monitored_meeting_facts(lawyer: User, meeting_id: int) -> MonitoredMeetingFacts | None:
    """The facts of the lawyer's own meeting ``meeting_id``; None for another's or none."""
    if lawyer.role != Role.LAWYER:
        return None
    meeting = await Meeting.get_or_none(id=meeting_id, lawyer_id=lawyer.id).select_related(
        "room__facility", "request__engagement"
    )
    if meeting is None:
        return None
    room = meeting.room
    return MonitoredMeetingFacts(
        meeting.request.engagement.case_id,
        meeting.reference,
        room.facility.name,
        room.name,
        room.kind == RoomKind.VIDEO_LINK,
        room.facility.timezone,
        meeting.starts_at,
        meeting.ends_at,
    )


async def _evidence_problems(lawyer: User, new: NewComplaint) -> list[DomainError]:
    """Evidence must belong to the same case, and a lawyer may only cite what they can see."""
    problems: list[DomainError] = []
    events = set(new.event_ids)
    if events:
        found = await CaseEvent.filter(id__in=events, case_id=new.case_id).count()
        if found != len(events):
            problems.append(DomainError("evidence_not_in_case", "event_ids"))
    submissions = set(new.submission_ids)
    if submissions:
        found = await Submission.filter(
            id__in=submissions, case_id=new.case_id, lawyer_id=lawyer.id
        ).count()
        if found != len(submissions):
            problems.append(DomainError("evidence_not_in_case", "submission_ids"))
    return problems


def description_problems(description: str) -> list[DomainError]:
    """What is wrong with a complaint's account of what happened (given, not too long)."""
    if not description.strip():
        return [DomainError("required", "description")]
    if len(description) > MAX_DESCRIPTION:
        return [DomainError("description_too_long", "description")]
    return []


async def file_complaint(
    lawyer: User,
    new: NewComplaint,
    context: LegalContext,
    now: datetime | None = None,
    *,
    public_url: str = "",
) -> Complaint:
    if lawyer.role != Role.LAWYER:
        raise DomainError("lawyers_only", None, 403)
    engagement = (
        await Engagement.filter(lawyer_id=lawyer.id, case_id=new.case_id).order_by("-id").first()
    )
    if engagement is None:
        raise DomainError("not_found", None, 404)
    problems = description_problems(new.description)  # every field at fault, at once
    if new.copied_to == new.addressed_to:
        problems.append(DomainError("copy_to_addressee", "copied_to"))
    problems.extend(await _evidence_problems(lawyer, new))
    raise_all(problems)
    filed_at = now or clock.now()
    detainee = await Detainee.get(id=engagement.detainee_id)
    zone = (await Facility.get(id=detainee.facility_id)).timezone
    duty = complaint_duty(new.complaint_type)
    deadline = duty_deadline(duty, filed_at, zone, context)
    async with in_transaction():
        complaint = await Complaint.create(
            case_id=new.case_id,
            lawyer=lawyer,
            complaint_type=new.complaint_type,
            addressed_to=new.addressed_to,
            copied_to=new.copied_to,
            description=new.description.strip(),
            evidence={
                "events": sorted(set(new.event_ids)),
                "submissions": sorted(set(new.submission_ids)),
            },
            duty=duty,
            filed_at=filed_at,
            due_at=deadline.expires_at,
            due_rule=f"{deadline.rule}; {deadline.basis}",
        )
        await record(
            lawyer,
            "complaint.filed",
            "complaint",
            complaint.id,
            {"case_id": new.case_id, "type": new.complaint_type.value, "duty": duty},
        )
        await submission_notices.complaint_filed(complaint, zone, public_url=public_url)
    return complaint


async def record_reply(
    auditor: User,
    complaint: Complaint,
    reply_at: datetime,
    summary: str,
    outcome: ComplaintOutcome,
    *,
    public_url: str = "",
) -> Complaint:
    if auditor.role != Role.BAR_AUDITOR:
        raise DomainError("auditors_only", None, 403)
    if complaint.reply_at is not None:
        raise DomainError("reply_already_recorded", None, 409)
    problems: list[DomainError] = []  # every field at fault, at once
    if not summary.strip():
        problems.append(DomainError("required", "summary"))
    if reply_at.utcoffset() is None:
        problems.append(DomainError("time_needs_zone", "reply_at"))
    elif reply_at > clock.now() or reply_at < complaint.filed_at:
        problems.append(DomainError("reply_time_invalid", "reply_at"))
    raise_all(problems)
    async with in_transaction():
        complaint.reply_at = reply_at
        complaint.reply_summary = summary.strip()
        complaint.outcome = outcome
        complaint.reply_recorded_by_id = auditor.id
        await complaint.save(
            update_fields=["reply_at", "reply_summary", "outcome", "reply_recorded_by_id"]
        )
        await record(
            auditor, "complaint.reply_recorded", "complaint", complaint.id, {"outcome": outcome}
        )
        await submission_notices.complaint_replied(complaint, public_url=public_url)
    return complaint
