"""The day of a meeting at the desk: check-in, start, end, no-show, lawful refusal, and the
facility's and the lawyer's cancellations and moves around ``scheduling.booking``.

The request's status is the state machine (``RequestStatus``); the meeting row keeps the times.
Each step is a conditional update inside one transaction with its audit entry, so two clicks on
the day board never apply a step twice: the second finds the state changed and gets 409
``meeting_wrong_state``. Only times and document checks are recorded, never what was said (M4).

Refusing a meeting (M2; R2015 Art 7): a detention centre may not refuse because the meeting was
not booked, because the case agency sent no notice, or for lack of any document beyond the
three (practice licence, law-firm letter, power of attorney or legal-aid letter). A refusal must
therefore name one of the lawful reasons of ``RefusalReason``; free text only adds details.
A meeting to confirm the client's ending or changing of the engagement (R2015 art. 8) is
never refused because the engagement has ended, which is what it is for: only the client's
written refusal ends it (``scheduling.confirmation``), besides the other lawful grounds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, Field
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app import clock as app_clock
from app.accounts.models import User
from app.accounts.policy import Action, require
from app.accounts.scopes import visible_row
from app.audit.service import record
from app.cases.kinds import DocumentKind, EngagementStatus
from app.cases.models import Engagement
from app.commands import Command
from app.errors import DomainError, raise_all
from notifications.kinds import Channel
from notifications.services import notice_language, notify_user
from notifications.wording import local_time
from scheduling import booking, offers
from scheduling.kinds import CapacityCause, MeetingStatus, RequestPurpose, RequestStatus, RoomKind
from scheduling.meeting_notices import NoticeSettings
from scheduling.models import Meeting, MeetingRequest, Room

CLOCK_SKEW: Final = timedelta(minutes=1)  # a desk clock slightly ahead is not "the future"


class RefusalReason(StrEnum):
    """The only grounds on which a meeting may be refused (never "no booking", M2)."""

    PERMISSION_REQUIRED_NOT_GRANTED = "permission_required_not_granted"  # M5 case, no grant
    LAWYER_DOCUMENTS_INCOMPLETE = "lawyer_documents_incomplete"  # one of the three is missing
    DETAINEE_TRANSFERRED = "detainee_transferred"
    DETAINEE_RELEASED = "detainee_released"
    ENGAGEMENT_ENDED = "engagement_ended"  # the client ended the engagement (R2015 Art 8)


REFUSABLE: Final = (
    RequestStatus.REQUESTED,
    RequestStatus.AWAITING_PERMISSION,
    RequestStatus.PERMISSION_REFUSED,
    RequestStatus.SCHEDULED,
    RequestStatus.CHECKED_IN,
)
# Before check-in the facility may move or cancel; after it the meeting is under way.
CHANGEABLE: Final = (RequestStatus.SCHEDULED,)
FACILITY_CANCELLABLE: Final = (RequestStatus.SCHEDULED, RequestStatus.CHECKED_IN)


async def check_in(
    actor: User,
    meeting: Meeting,
    *,
    documents_verified: bool,
    assistant_present: bool,
    confidentiality_confirmed: bool = False,
    at: datetime | None = None,
) -> Meeting:
    """The lawyer is at the desk with the three documents checked (and the assistant, M6).

    A video meeting is checked in the same way, from a distance: the three documents were
    uploaded and the desk accepted them beforehand (the engagement is active), and the staff
    confirm that the meeting is neither monitored nor recorded (CPL 39(4)), recorded as
    ``confidentiality_confirmed_at``. Any meeting may carry that confirmation."""
    problems: list[DomainError] = []
    if not documents_verified:
        # Without the three documents the meeting cannot go ahead: refuse with that reason.
        problems.append(DomainError("documents_not_verified", field="documents_verified"))
    request = await MeetingRequest.get(id=meeting.request_id)
    if assistant_present and not request.assistant_name:
        problems.append(DomainError("no_assistant_registered", field="assistant_present"))
    room = await Room.get(id=meeting.room_id)
    if room.kind == RoomKind.VIDEO_LINK:
        if documents_verified and not await uploads_accepted([request.engagement_id]):
            problems.append(DomainError("video_documents_not_checked", field="documents_verified"))
        if not confidentiality_confirmed:
            problems.append(
                DomainError("confidentiality_not_confirmed", field="confidentiality_confirmed")
            )
    raise_all(problems)
    when = _moment(at)
    confirmed = {"confidentiality_confirmed_at": when} if confidentiality_confirmed else {}
    return await _step(
        actor, meeting, RequestStatus.SCHEDULED, RequestStatus.CHECKED_IN, "meeting.checked_in",
        {"checked_in_at": when, "documents_verified": True,
         "assistant_present": assistant_present, **confirmed},
    )  # fmt: skip


async def uploads_accepted(engagement_ids: Iterable[int]) -> set[int]:
    """Those of the engagements whose three documents the desk accepted (or saw at the gate):
    the engagement is active. What a video meeting's check-in needs."""
    ids = set(engagement_ids)
    if not ids:
        return set()
    active = Engagement.filter(id__in=ids, status=EngagementStatus.ACTIVE)
    return {engagement.id for engagement in await active.only("id")}


class CheckIn(Command):
    """The desk checks a lawyer in for meeting ``meeting_id``: the three documents checked (for
    a video meeting, the uploads accepted beforehand), the assistant present or not (M6), and
    that the meeting is neither monitored nor recorded (CPL 39(4); required for video)."""

    meeting_id: int = Field(ge=1)
    documents_verified: bool = False
    assistant_present: bool = False
    confidentiality_confirmed: bool = False
    at: AwareDatetime | None = None


async def check_in_meeting(actor: User, command: CheckIn) -> Meeting:
    """Check in the meeting ``command`` names, or raise: NotPermitted (not a desk), NotFound
    (outside the actor's scope), DomainError (each field at fault), 409 meeting_wrong_state."""
    require(actor, Action.RUN_DAY_BOARD)
    meeting = await visible_row(Meeting, actor, command.meeting_id)
    return await check_in(
        actor, meeting, documents_verified=command.documents_verified,
        assistant_present=command.assistant_present,
        confidentiality_confirmed=command.confidentiality_confirmed, at=command.at,
    )  # fmt: skip


async def start(actor: User, meeting: Meeting, at: datetime | None = None) -> Meeting:
    when = _moment(at)
    if meeting.checked_in_at is not None and when < meeting.checked_in_at:
        raise DomainError("time_before_previous_step", field="at")
    return await _step(actor, meeting, RequestStatus.CHECKED_IN, RequestStatus.IN_PROGRESS,
                       "meeting.started", {"started_at": when})  # fmt: skip


async def complete(actor: User, meeting: Meeting, at: datetime | None = None) -> Meeting:
    when = _moment(at)
    if meeting.started_at is not None and when < meeting.started_at:
        raise DomainError("time_before_previous_step", field="at")
    return await _step(actor, meeting, RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED,
                       "meeting.completed", {"ended_at": when})  # fmt: skip


async def mark_no_show(actor: User, meeting: Meeting, at: datetime | None = None) -> Meeting:
    """The lawyer did not come: only once the booked start has passed, and before any start."""
    when = _moment(at)
    if when < meeting.starts_at:
        raise DomainError("no_show_too_early", status=409)
    # The room is free from the moment the no-show is recorded: the meeting's end moves there
    # (the booked end stays in the audit entry), and the rest is offered to the waitlist.
    changes: dict[str, object] = {"no_show_at": when}
    if meeting.starts_at < when < meeting.ends_at:
        changes["ends_at"] = when
    return await _step(actor, meeting, (RequestStatus.SCHEDULED, RequestStatus.CHECKED_IN),
                       RequestStatus.NO_SHOW, "meeting.no_show", changes,
                       freed=CapacityCause.NO_SHOW)  # fmt: skip


async def refuse_request(
    actor: User,
    request: MeetingRequest,
    reason: RefusalReason | str,
    details: str = "",
    *,
    document: DocumentKind | None = None,
    notices: NoticeSettings,
) -> MeetingRequest:
    """Refuse on a lawful ground only (M2), recorded; an active meeting is cancelled with it,
    and the lawyer is told the ground (and the document concerned, when one is named)."""
    try:
        ground = RefusalReason(reason)
    except ValueError:
        raise DomainError("refusal_reason_unlawful", field="reason") from None
    details = details.strip()
    if (
        ground == RefusalReason.ENGAGEMENT_ENDED
        and request.purpose == RequestPurpose.ENGAGEMENT_CONFIRMATION
    ):
        raise DomainError("confirmation_not_refusable", field="reason")  # R2015 art. 8
    if ground == RefusalReason.LAWYER_DOCUMENTS_INCOMPLETE and not details:
        raise DomainError("refusal_details_required", field="details")  # say which document
    if ground == RefusalReason.PERMISSION_REQUIRED_NOT_GRANTED and (
        request.permission_due_at is None or request.permission_granted
    ):
        raise DomainError("refusal_no_permission_needed", field="reason")
    text = f"{ground.value}: {details}" if details else ground.value
    async with in_transaction() as connection:
        meeting = (
            await Meeting.filter(request_id=request.id, status=MeetingStatus.ACTIVE)
            .using_db(connection)
            .first()
        )
        current = await MeetingRequest.filter(id=request.id).using_db(connection).get()
        if current.status not in REFUSABLE:
            raise _wrong_state(current.status)
        if meeting is not None:  # the refused meeting frees its slot and the lawyer is told
            await booking.cancel(actor, meeting, text, notices=notices)
        changed = (
            await MeetingRequest.filter(id=request.id, status__in=[*REFUSABLE])
            .using_db(connection)
            .update(status=RequestStatus.REFUSED, refusal_reason=text[:500])
        )
        if not changed:
            raise _wrong_state(current.status)
        await record(actor, "meeting_request.refused", "meeting_request", request.id,
                     {"reason": ground.value, "details": details,
                      "meeting": meeting.id if meeting else None})  # fmt: skip
        await request.refresh_from_db(using_db=connection)
        await _tell_refusal(request, ground, details, document, notices.public_url)
    return request


async def _tell_refusal(
    request: MeetingRequest,
    ground: RefusalReason,
    details: str,
    document: DocumentKind | None,
    public_url: str,
) -> None:
    """The lawyer learns of a refusal at once, with its lawful ground and the desk's words."""
    await request.fetch_related("lawyer", "detainee", "facility", "engagement__case")
    lawyer: User = request.lawyer
    language = await notice_language(lawyer)
    zone = request.facility.timezone
    payload = {
        "lawyer": lawyer.display_name,
        "detainee": request.detainee.name,
        "facility": request.facility.name,
        "case_number": request.engagement.case.case_number,
        "reason": ground.value,
        "document": document.value if document else "",
        "details": details,
        "refused_at": local_time(app_clock.now(), zone, language),
        "url": f"{public_url.rstrip('/')}/meeting-requests/{request.id}",
        "request_id": request.id,
    }
    await notify_user(lawyer, "meeting_request_refused", payload,
                      (Channel.INAPP, Channel.EMAIL, Channel.SMS),
                      case=request.engagement.case, language=language)  # fmt: skip


async def cancel_by_facility(
    actor: User, meeting: Meeting, reason: str, *, notices: NoticeSettings
) -> Meeting:
    """The facility cannot hold the meeting: the request goes back to scheduling with its
    original deadline (the 48-hour duty is still owed)."""
    reason = reason.strip()
    if not reason:
        raise DomainError("cancel_reason_required", field="reason")
    async with in_transaction() as connection:
        request = await _request_in(meeting, FACILITY_CANCELLABLE, connection)
        cancelled = await booking.cancel(actor, meeting, reason, notices=notices)
        await (
            MeetingRequest.filter(id=request.id)
            .using_db(connection)
            .update(status=RequestStatus.REQUESTED, facility_cancel_reason=reason[:300])
        )
    return cancelled


async def cancel_by_lawyer(
    actor: User, meeting: Meeting, reason: str = "", *, notices: NoticeSettings
) -> Meeting:
    """The lawyer no longer needs the meeting (before check-in); the request ends."""
    async with in_transaction() as connection:
        await _request_in(meeting, CHANGEABLE, connection)
        return await booking.cancel(actor, meeting, reason.strip(), notices=notices)


async def move(
    actor: User,
    meeting: Meeting,
    room: Room,
    starts_at: datetime,
    length: timedelta,
    reason: str = "",
    *,
    notices: NoticeSettings,
) -> Meeting:
    """Reschedule before check-in; the reference and UID stay, SEQUENCE rises. A move also
    settles a closure's "needs rebooking" flag."""
    await _request_in(meeting, CHANGEABLE, None)
    async with in_transaction() as connection:
        moved = await booking.reschedule(actor, meeting, room, starts_at, length, notices=notices)
        if moved.needs_rebooking:
            await (
                Meeting.filter(id=moved.id)
                .using_db(connection)
                .update(needs_rebooking=False, closure_id=None)
            )
            moved.needs_rebooking, moved.closure_id = False, None
        if reason.strip():
            await record(actor, "meeting.reschedule_reason", "meeting", moved.id,
                         {"reason": reason.strip()[:300]})  # fmt: skip
    return moved


async def _step(
    actor: User,
    meeting: Meeting,
    before: RequestStatus | tuple[RequestStatus, ...],
    after: RequestStatus,
    action: str,
    changes: dict[str, object],
    *,
    freed: CapacityCause | None = None,
) -> Meeting:
    """Move the request from ``before`` to ``after`` and write ``changes`` to the meeting;
    ``freed``: the room time the meeting no longer uses is offered to the waitlist."""
    expected = before if isinstance(before, tuple) else (before,)
    booked_end = meeting.ends_at
    async with in_transaction() as connection:
        # The request row is the guard: of two identical clicks only the first changes it.
        changed = (
            await MeetingRequest.filter(id=meeting.request_id, status__in=list(expected))
            .using_db(connection)
            .update(status=after)
        )
        current = await MeetingRequest.filter(id=meeting.request_id).using_db(connection).get()
        if not changed:
            raise _wrong_state(current.status)
        updated = (
            await Meeting.filter(id=meeting.id, status=MeetingStatus.ACTIVE)
            .using_db(connection)
            .update(**changes)
        )
        if not updated:
            raise DomainError("meeting_not_active", status=409)
        await meeting.refresh_from_db(using_db=connection)
        summary = {"reference": meeting.reference, "request": meeting.request_id,
                   "status": after.value, **changes}  # fmt: skip
        if freed is not None and meeting.ends_at < booked_end:
            summary["booked_ends_at"] = booked_end
            room = await Room.filter(id=meeting.room_id).using_db(connection).get()
            await offers.free_capacity(room.facility_id, room.id, meeting.ends_at, booked_end,
                                       freed, connection)  # fmt: skip
        await record(actor, action, "meeting", meeting.id, summary)
    return meeting


async def _request_in(
    meeting: Meeting, states: tuple[RequestStatus, ...], connection: BaseDBAsyncClient | None
) -> MeetingRequest:
    request = await MeetingRequest.filter(id=meeting.request_id).using_db(connection).get()
    if request.status not in states:
        raise _wrong_state(request.status)
    return request


class WrongState(DomainError):
    """409 meeting_wrong_state; the problem body names the request's current status."""

    def __init__(self, current: RequestStatus) -> None:
        super().__init__("meeting_wrong_state", status=409)
        self.current = current
        self.extensions = {"current_status": current.value}


def _wrong_state(status: RequestStatus) -> WrongState:
    return WrongState(status)


def _moment(at: datetime | None) -> datetime:
    now = app_clock.now()
    if at is None:
        return now
    if at.utcoffset() is None:
        raise DomainError("time_needs_zone", field="at")
    if at > now + CLOCK_SKEW:
        raise DomainError("time_in_future", field="at")
    return at.astimezone(UTC)
