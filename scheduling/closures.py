"""Closures: a time the whole facility or one room takes no meetings (story 4).

A closure is a time range and ends by itself; there is nothing to reopen. Entering one flags
every active meeting it falls on (``needs_rebooking``, ``closure``) and tells each lawyer at
once by e-mail, SMS and in-app notice, with up to three free slots that still end before the
request's 48-hour deadline (M1). The slots are searched after the closure is written, inside
the same transaction, so they already avoid it. The closure, the flags, the audit entries and
the notices commit together or not at all (the outbox is written in the caller's transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.policy import NotFound
from app.audit.service import record
from app.errors import DomainError, raise_all
from app.orgs.models import Facility
from notifications.kinds import Channel
from notifications.services import notify_user
from scheduling import offers
from scheduling.availability import Interval, Slot, alternatives
from scheduling.kinds import CapacityCause, MeetingStatus
from scheduling.models import Closure, Meeting, MeetingRequest, Room
from scheduling.plan_store import load_plan

REBOOKING_KIND: Final = "meeting_closure_rebooking"
ALTERNATIVES: Final = 3
SEARCH_AHEAD: Final = timedelta(days=7)  # when the request's clock is not running yet
REASON_MAX: Final = 300
CHANNELS: Final = (Channel.INAPP, Channel.EMAIL, Channel.SMS)


@dataclass(frozen=True, slots=True)
class Hit:
    """A meeting a closure falls on, and the slots offered to its lawyer instead."""

    meeting: Meeting
    alternatives: list[Slot]


async def managed_closure(user: User, closure_id: int) -> Closure:
    closure = await Closure.get_or_none(id=closure_id)
    if closure is None or user.facility_id is None or closure.facility_id != user.facility_id:
        raise NotFound("closure")
    return closure


def reason_problems(reason: str) -> list[DomainError]:
    """What is wrong with a closure's stated reason (given, not too long)."""
    reason = " ".join(reason.split())
    if not reason:
        return [DomainError("closure_reason_required", field="reason")]
    if len(reason) > REASON_MAX:
        return [DomainError("closure_reason_too_long", field="reason")]
    return []


async def add_closure(
    actor: User,
    facility: Facility,
    *,
    room: Room | None = None,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    public_url: str = "",
) -> Closure:
    """Close the facility (or ``room``) for [starts_at, ends_at); flag and tell (story 4)."""
    reason = " ".join(reason.split())
    problems = reason_problems(reason)  # every field at fault, at once
    if starts_at.utcoffset() is None or ends_at.utcoffset() is None:
        raise_all([*problems, DomainError("time_needs_zone", field="starts_at")])
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    if ends_at <= starts_at:
        problems.append(DomainError("closure_ends_before_start", field="ends_at"))
    elif ends_at <= clock.now():
        problems.append(DomainError("closure_in_past", field="ends_at"))
    if room is not None and room.facility_id != facility.id:
        problems.append(DomainError("room_unavailable", field="room"))
    raise_all(problems)
    async with in_transaction() as connection:
        closure = await Closure.create(
            using_db=connection, facility_id=facility.id, room_id=room.id if room else None,
            starts_at=starts_at, ends_at=ends_at, reason=reason, created_by_id=actor.id,
        )  # fmt: skip
        hit = await _hit_meetings(closure, connection)
        await record(actor, "closure.added", "closure", closure.id,
                     {**closure_summary(closure),
                      "meetings": [m.reference for m in hit]})  # fmt: skip
        for meeting in hit:
            await record(actor, "meeting.needs_rebooking", "meeting", meeting.id,
                         {"reference": meeting.reference, "closure": closure.id})  # fmt: skip
            offered = await _alternatives(facility, meeting, connection)
            await _tell_lawyer(facility, closure, Hit(meeting, offered), public_url)
    return closure


async def remove_closure(actor: User, closure: Closure) -> None:
    """Delete a closure entered by mistake. Meetings it flagged stay flagged: their lawyers
    have been told to rebook, so staff settle each one on the board rather than silently."""
    if closure.ends_at <= clock.now():
        raise DomainError("closure_over", status=409)
    summary = closure_summary(closure)
    async with in_transaction() as connection:
        flagged = await Meeting.filter(closure_id=closure.id).using_db(connection)
        # Keep the flag, drop only the link (the schema would also SET NULL).
        await Meeting.filter(closure_id=closure.id).using_db(connection).update(closure_id=None)
        await Closure.filter(id=closure.id).using_db(connection).delete()
        # The hours it closed are capacity again, for the waitlist.
        await offers.free_capacity(closure.facility_id, closure.room_id, closure.starts_at,
                                   closure.ends_at, CapacityCause.CLOSURE_WITHDRAWN,
                                   connection)  # fmt: skip
        still_flagged = [m.reference for m in flagged]
        await record(actor, "closure.removed", "closure", closure.id,
                     {**summary, "meetings_still_flagged": still_flagged})  # fmt: skip


async def end_closure_early(actor: User, closure: Closure, ends_at: datetime) -> Closure:
    """The closure ends sooner than entered (repairs done early): the hours after the new end
    are offered to the waitlist. Meetings it flagged stay flagged, as on removal."""
    now = clock.now()
    if closure.ends_at <= now:
        raise DomainError("closure_over", status=409)
    ends_at = max(ends_at, now)
    if ends_at >= closure.ends_at:
        raise DomainError("closure_not_shortened", field="ends_at")
    if ends_at <= closure.starts_at:
        raise DomainError("closure_ends_before_start", field="ends_at")
    before = closure.ends_at
    async with in_transaction() as connection:
        await Closure.filter(id=closure.id).using_db(connection).update(ends_at=ends_at)
        closure.ends_at = ends_at
        await offers.free_capacity(closure.facility_id, closure.room_id, ends_at, before,
                                   CapacityCause.CLOSURE_SHORTENED, connection)  # fmt: skip
        await record(actor, "closure.shortened", "closure", closure.id,
                     {**closure_summary(closure), "ended_before": before})  # fmt: skip
    return closure


def closure_summary(closure: Closure) -> dict[str, object]:
    return {
        "facility": closure.facility_id,
        "room": closure.room_id,
        "starts_at": closure.starts_at,
        "ends_at": closure.ends_at,
        "reason": closure.reason,
    }


async def upcoming(facility_id: int, now: datetime | None = None) -> list[Closure]:
    """Closures not yet over, soonest first, with the meetings they hit."""
    moment = now or clock.now()
    return (
        await Closure.filter(facility_id=facility_id, ends_at__gt=moment)
        .prefetch_related("room", "affected_meetings")
        .order_by("starts_at", "id")
    )


async def _hit_meetings(closure: Closure, connection: BaseDBAsyncClient) -> list[Meeting]:
    """Active meetings not yet over that overlap [starts_at, ends_at) (half-open)."""
    query = Meeting.filter(
        status=MeetingStatus.ACTIVE, starts_at__lt=closure.ends_at,
        ends_at__gt=closure.starts_at, ended_at=None, no_show_at=None,
        room__facility_id=closure.facility_id,
    ).using_db(connection)  # fmt: skip
    if closure.room_id is not None:
        query = query.filter(room_id=closure.room_id)
    hit = await query.order_by("starts_at", "id")
    if hit:
        await (
            Meeting.filter(id__in=[m.id for m in hit])
            .using_db(connection)
            .update(needs_rebooking=True, closure_id=closure.id)
        )
    for meeting in hit:
        meeting.needs_rebooking, meeting.closure_id = True, closure.id
    return hit


async def _alternatives(
    facility: Facility, meeting: Meeting, connection: BaseDBAsyncClient
) -> list[Slot]:
    """Free slots of the request's length and room kind ending by its deadline."""
    request = await MeetingRequest.filter(id=meeting.request_id).using_db(connection).get()
    start = clock.now()
    end = request.deadline_at or start + SEARCH_AHEAD
    if end <= start:
        return []  # the deadline has passed: no slot can meet it any more
    window = Interval(start, end)
    plan = await load_plan(
        facility, window, room_kind=request.room_kind, detainee_id=meeting.detainee_id,
        lawyer_id=meeting.lawyer_id, exclude_meeting_id=meeting.id, connection=connection,
    )  # fmt: skip
    return alternatives(plan, window, timedelta(minutes=request.length_minutes), ALTERNATIVES)


async def _tell_lawyer(facility: Facility, closure: Closure, hit: Hit, public_url: str) -> None:
    meeting = hit.meeting
    request = await MeetingRequest.get(id=meeting.request_id)
    lawyer = await User.get(id=meeting.lawyer_id)
    rooms = {r.id: r.name for r in await Room.filter(facility_id=facility.id)}
    zone = ZoneInfo(facility.timezone)

    def shown(moment: datetime) -> str:
        return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"

    payload = {
        "reference": meeting.reference,
        "facility": facility.name,
        "room": rooms.get(meeting.room_id, ""),
        "starts_at": shown(meeting.starts_at),
        "closure_from": shown(closure.starts_at),
        "closure_to": shown(closure.ends_at),
        "reason": closure.reason,
        "deadline": shown(request.deadline_at) if request.deadline_at else "",
        "timezone": facility.timezone,
        "alternatives": [
            {"starts_at": shown(s.start), "ends_at": shown(s.end), "room": rooms.get(s.room_id, "")}
            for s in hit.alternatives
        ],
        "url": f"{public_url}/meetings/{meeting.id}",
    }
    await notify_user(lawyer, REBOOKING_KIND, payload, channels=CHANNELS)
