"""Plain values in and out of the rights-checklist evaluation (issue 7); no ORM, no I/O.

The caller (a service that reads the database) builds a :class:`CaseTimeline`; the pure function
``rights_checklist.evaluation.evaluate`` turns it into :class:`DutyResult` rows. Every datetime is
timezone-aware; the facility's zone is only used to count periods (CPL 105).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from app.cases.kinds import EventKind  # a pure enum module: no ORM, no I/O
from app.law.periods import Deadline


@dataclass(frozen=True, slots=True)
class CaseInfo:
    id: int
    category: str  # app.cases.kinds.CaseCategory value
    stage: str  # app.cases.kinds.CaseStage value


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    kind: EventKind
    occurred_at: datetime
    new_expiry: date | None = None  # custody_extension: the new last day of custody
    corrects_id: int | None = None  # correction: the event it retracts
    detainee_id: int | None = None  # None: the event concerns the whole case


@dataclass(frozen=True, slots=True)
class Engagement:
    id: int
    lawyer_id: int
    status: str  # EngagementStatus value; informational: the two times decide who is engaged
    notice_sent_at: datetime | None  # the engagement notice (CPL 34(4)); starts N1
    terminated_at: datetime | None = None  # the client's written termination; starts N5
    detainee_id: int | None = None  # the client; a co-defendant's events are not owed to them


@dataclass(frozen=True, slots=True)
class MeetingRequest:
    id: int
    requested_at: datetime
    clock_started_at: datetime | None  # set by the caller per policy P1; None: not started yet
    walk_in: bool = False
    permission_needed: bool = False
    permission_requested_at: datetime | None = None
    permission_decided_at: datetime | None = None
    permission_outcome: str | None = None  # "granted" | "refused"
    status: str = "requested"  # scheduling.kinds.RequestStatus value
    refused_reason: str | None = None  # a lawful reason recorded for not arranging the meeting


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    request_id: int
    starts_at: datetime
    started_at: datetime | None = None  # check-in / start recorded; None: only scheduled


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    duty_id: str
    engagement_id: int
    enqueued_at: datetime
    trigger_event_id: int | None = None  # None for N1 and N5 (started by the engagement)
    delivered_at: datetime | None = None  # the evidence: only a delivered notice meets a duty
    status: str = "pending"


@dataclass(frozen=True, slots=True)
class Submission:
    id: int
    kind: str  # opinion | hearing_request | measure_change | interpreter | other
    submitted_at: datetime
    acknowledged_at: datetime | None = None
    attached_at: datetime | None = None
    decided_at: datetime | None = None
    decision: str | None = None


@dataclass(frozen=True, slots=True)
class Complaint:
    id: int
    kind: str  # "C1" (obstruction of practice rights) | "C2" (overdue custody, bail, property)
    filed_at: datetime
    replied_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FamilyNotice:
    event_id: int  # the criminal_detention or arrest event
    notified_at: datetime | None = None
    lawful_reason: str | None = None  # "cannot notify", or (N6) would impede the investigation


@dataclass(frozen=True, slots=True)
class DutyLawyerRequest:
    id: int
    requested_at: datetime
    notified_at: datetime | None = None  # when the duty lawyer was told (N8)


@dataclass(frozen=True, slots=True)
class CaseTimeline:
    case: CaseInfo
    timezone: str  # the facility's IANA zone, e.g. "Asia/Shanghai"
    events: tuple[Event, ...] = ()
    engagements: tuple[Engagement, ...] = ()
    meeting_requests: tuple[MeetingRequest, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    notices: tuple[Notice, ...] = ()
    submissions: tuple[Submission, ...] = ()
    complaints: tuple[Complaint, ...] = ()
    family_notices: tuple[FamilyNotice, ...] = ()
    duty_lawyer_requests: tuple[DutyLawyerRequest, ...] = ()


class DutyStatus(StrEnum):
    PENDING = "pending"
    DUE_SOON = "due_soon"
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"
    MISSED = "missed"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class Evidence:
    """The record that met the duty, linkable in the UI: e.g. ("meeting", 12, started_at)."""

    kind: str
    id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class DutyResult:
    duty_id: str
    occurrence: str  # what triggered it, e.g. "request:12" or "event:5/engagement:3"
    status: DutyStatus
    deadline: Deadline | None  # from the period engine; None for duties without a period
    due_at: datetime | None  # what the status is judged against (deadline, extension or event)
    evidence: Evidence | None
    basis: str
    statutory: bool  # False: a policy P6 target, not a statutory limit
    notes: tuple[str, ...] = field(default=())  # why: lawful reasons, extensions, corrections


def utc(t: datetime) -> datetime:
    return t.astimezone(UTC)


def judge(
    due_at: datetime | None, fulfilled_at: datetime | None, now: datetime, due_soon: timedelta
) -> DutyStatus:
    """The status from the due time (exclusive end), the fulfilment time and now; nothing else."""
    if fulfilled_at is not None:  # judged on the record, whatever ``now`` is
        on_time = due_at is None or utc(fulfilled_at) < utc(due_at)
        return DutyStatus.MET_ON_TIME if on_time else DutyStatus.MET_LATE
    if due_at is None:
        return DutyStatus.PENDING
    if utc(now) >= utc(due_at):
        return DutyStatus.MISSED
    return DutyStatus.DUE_SOON if utc(due_at) - utc(now) <= due_soon else DutyStatus.PENDING
