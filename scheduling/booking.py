"""Booking, cancelling and moving meetings, each in one transaction with its audit entry.

The database is the guard against double booking: PostgreSQL's EXCLUDE constraints and SQLite's
triggers (migration 0007) refuse an active meeting that overlaps another of the same room,
detainee or lawyer. The check against opening hours, closures and the buffer before it is for
a helpful answer only. A refusal becomes MeetingConflict (409) with the next free alternatives.

Each change writes the lawyer's notices in its transaction (``scheduling.meeting_notices``),
with the ``NoticeSettings`` its caller passes as ``notices=``. The rules of a booking a person
asks for (permission, scope, the room, a fitting slot) are ``booking_command.book_meeting``'s.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Final

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.service import record
from app.errors import DomainError
from scheduling import meeting_notices, offers, slot_rules, video
from scheduling.availability import Interval, Slot, alternatives, free_slots
from scheduling.kinds import CapacityCause, MeetingStatus, OfferStatus, RequestStatus, RoomKind
from scheduling.meeting_notices import NoticeSettings
from scheduling.models import Meeting, MeetingRequest, Room, SlotOffer
from scheduling.plan_store import LoadedPlan, load
from scheduling.reference import new_reference

PARTIES: Final = ("room", "detainee", "lawyer")
ALTERNATIVES_AHEAD: Final = timedelta(days=7)
_REFERENCE_ATTEMPTS: Final = 3


_SCHEDULE_PG: Final = "UPDATE meeting_request SET status = $1 WHERE id = $2 AND status = $3"
_SCHEDULE_SQLITE: Final = "UPDATE meeting_request SET status = ? WHERE id = ? AND status = ?"
_BY_KEY_PG: Final = "SELECT * FROM meeting WHERE lawyer_id = $1 AND idempotency_key = $2"
_BY_KEY_SQLITE: Final = "SELECT * FROM meeting WHERE lawyer_id = ? AND idempotency_key = ?"


class SlotHeld(Exception):
    """The slot is held by an open offer to another request (scheduling.offers)."""


class MeetingConflict(DomainError):
    """The slot cannot be had: taken ("meeting_conflict") or closed ("slot_unavailable")."""

    def __init__(self, code: str, party: str | None, options: list[Slot]) -> None:
        super().__init__(code, field="starts_at", status=409)
        self.party = party  # which of room, detainee, lawyer is already busy, when known
        self.alternatives = options


async def book(
    actor: User,
    request: MeetingRequest,
    room: Room,
    starts_at: datetime,
    length: timedelta,
    idempotency_key: str | None = None,
    *,
    notices: NoticeSettings,
    key_checked: bool = False,
    offer_id: int | None = None,
) -> Meeting:
    """Book ``room`` from ``starts_at`` for the request; a repeated key returns the same meeting.

    ``key_checked``: the caller has just looked the key up (``booking_reads.for_booking``)
    and found no meeting, so it is not read again before the insert (a concurrent winner
    is still found after it). ``offer_id``: the request's open offer of this slot, accepted
    in the booking's transaction (``scheduling.offer_answers``).
    """
    if (
        idempotency_key
        and not key_checked
        and (earlier := await _by_key(request.lawyer_id, idempotency_key))
    ):
        return same_request(earlier, request)
    if request.status != RequestStatus.REQUESTED:
        raise DomainError("request_not_bookable", status=409)
    span = await _check_slot(request, room, starts_at, length, exclude=None)
    for _attempt in range(_REFERENCE_ATTEMPTS):
        try:
            return await _insert(actor, request, room, span, idempotency_key, notices, offer_id)
        except SlotHeld as exc:
            raise await _conflict(request, room, span, "slot_held", None) from exc
        except IntegrityError as exc:
            if idempotency_key and (earlier := await _by_key(request.lawyer_id, idempotency_key)):
                return same_request(earlier, request)  # a concurrent call with the key won
            party = _party(exc)
            if party is not None:
                raise await _conflict(request, room, span, "meeting_conflict", party) from exc
            if "reference" not in str(exc) and "uid" not in str(exc):
                raise
        except Exception as exc:  # asyncpg passes a deadlock through untranslated
            # PostgreSQL may break a cycle of two overlapping inserts waiting on each other's
            # exclusion check by aborting one: try again, and the retry meets the 409.
            if not _deadlock(exc):
                raise
    raise RuntimeError("could not book after retrying (references or deadlocks)")


def _deadlock(error: Exception) -> bool:
    """PostgreSQL's deadlock (SQLSTATE 40P01), whether Tortoise translated it or passed
    asyncpg's DeadlockDetectedError through."""
    return getattr(error, "sqlstate", None) == "40P01" or "deadlock detected" in str(error)


async def cancel(actor: User, meeting: Meeting, reason: str, *, notices: NoticeSettings) -> Meeting:
    """Cancel and free the slot. The lawyer cancelling ends the request; the facility
    cancelling reopens it, because the 48-hour duty is still owed."""
    by_lawyer = actor.role == Role.LAWYER
    async with in_transaction() as connection:
        # Conditional, so of two simultaneous cancellations only one counts.
        changed = await Meeting.filter(id=meeting.id, status=MeetingStatus.ACTIVE).using_db(
            connection
        ).update(
            status=MeetingStatus.CANCELLED, cancelled_at=clock.now(),
            cancel_reason=reason[:300], sequence=F("sequence") + 1,
        )  # fmt: skip
        if not changed:
            raise DomainError("meeting_not_active", status=409)
        await meeting.refresh_from_db(using_db=connection)
        status = RequestStatus.CANCELLED_BY_LAWYER if by_lawyer else RequestStatus.REQUESTED
        await (
            MeetingRequest.filter(id=meeting.request_id).using_db(connection).update(status=status)
        )
        room = await Room.filter(id=meeting.room_id).using_db(connection).get()
        cause = (
            CapacityCause.CANCELLED_BY_LAWYER if by_lawyer else CapacityCause.CANCELLED_BY_FACILITY
        )
        await offers.free_capacity(room.facility_id, room.id, meeting.starts_at, meeting.ends_at,
                                   cause, connection)  # fmt: skip
        # In this transaction: the CANCEL invite and the reminders' end commit with the change.
        await meeting_notices.meeting_cancelled(
            meeting, by_facility=not by_lawyer, reason=meeting.cancel_reason, notices=notices
        )
        await record(actor, "meeting.cancelled", "meeting", meeting.id,
                     {**_summary(meeting), "by": "lawyer" if by_lawyer else "facility",
                      "reason": meeting.cancel_reason})  # fmt: skip
    return meeting


async def reschedule(
    actor: User,
    meeting: Meeting,
    room: Room,
    starts_at: datetime,
    length: timedelta,
    *,
    notices: NoticeSettings,
    offer_id: int | None = None,
) -> Meeting:
    """Move a meeting: same reference and UID, SEQUENCE raised for calendar clients. The slot
    it leaves is offered to the waitlist; ``offer_id``: the earlier-slot offer accepted."""
    if meeting.status != MeetingStatus.ACTIVE:
        raise DomainError("meeting_not_active", status=409)
    request = await MeetingRequest.get(id=meeting.request_id)
    span = await _check_slot(request, room, starts_at, length, exclude=meeting.id)
    before = _summary(meeting)
    left = Slot(meeting.starts_at, meeting.ends_at, meeting.room_id)  # offered to the waitlist
    try:
        async with in_transaction() as connection:
            await _claim(connection, request.id, room.id, span, offer_id)
            # Conditional, so a meeting cancelled meanwhile is never brought back.
            changed = await Meeting.filter(id=meeting.id, status=MeetingStatus.ACTIVE).using_db(
                connection
            ).update(
                room_id=room.id, starts_at=span.start, ends_at=span.end,
                sequence=F("sequence") + 1,
                video_room=meeting.video_room
                or (video.new_room_name() if room.kind == RoomKind.VIDEO_LINK else ""),
            )  # fmt: skip
            if not changed:
                raise DomainError("meeting_not_active", status=409)
            await meeting.refresh_from_db(using_db=connection)
            await offers.free_capacity(
                request.facility_id, left.room_id, left.start, left.end,
                CapacityCause.MEETING_MOVED, connection,
            )  # fmt: skip
            await meeting_notices.meeting_rescheduled(meeting, notices=notices)
            await record(actor, "meeting.rescheduled", "meeting", meeting.id,
                         {"before": before, "after": _summary(meeting),
                          **_how(request, room, offer_id)})  # fmt: skip
    except SlotHeld as exc:
        raise await _conflict(request, room, span, "slot_held", None) from exc
    except IntegrityError as exc:
        await meeting.refresh_from_db()
        party = _party(exc)
        if party is None:
            raise
        raise await _conflict(request, room, span, "meeting_conflict", party) from exc
    return meeting


async def _insert(
    actor: User,
    request: MeetingRequest,
    room: Room,
    span: Interval,
    key: str | None,
    notices: NoticeSettings,
    offer_id: int | None,
) -> Meeting:
    async with in_transaction() as connection:
        # Write first: on SQLite this takes the database write lock before anything is read,
        # so no other process can book in between (PostgreSQL locks the request row). The
        # condition is the check that the request is still bookable: a failure below rolls
        # the status back with everything else.
        # (SQL written once: these run on every booking, and Tortoise builds a query anew.)
        postgres = connection.capabilities.dialect == "postgres"
        scheduled, _rows = await connection.execute_query(
            _SCHEDULE_PG if postgres else _SCHEDULE_SQLITE,
            [RequestStatus.SCHEDULED.value, request.id, RequestStatus.REQUESTED.value],
        )
        if not scheduled:
            raise DomainError("request_not_bookable", status=409)
        await _claim(connection, request.id, room.id, span, offer_id)
        meeting = await Meeting.create(
            using_db=connection,
            request_id=request.id,
            room_id=room.id,
            lawyer_id=request.lawyer_id,
            detainee_id=request.detainee_id,
            starts_at=span.start,
            ends_at=span.end,
            reference=new_reference(),
            idempotency_key=key,
            uid=f"{uuid.uuid4()}@lawmeet",
            # A Jitsi room name nobody can guess, never the detainee's identity (scheduling.video).
            video_room=video.new_room_name() if room.kind == RoomKind.VIDEO_LINK else "",
        )
        # In this transaction: a booking rolled back (e.g. a conflict) leaves no notice.
        await meeting_notices.meeting_booked(meeting, notices=notices)
        await record(actor, "meeting.booked", "meeting", meeting.id,
                     {**_summary(meeting), **_how(request, room, offer_id)})  # fmt: skip
    request.status = RequestStatus.SCHEDULED
    return meeting


_CLAIM: Final = """SELECT EXISTS (SELECT 1 FROM slot_offer WHERE room_id = {0} AND status = 'open'
    AND expires_at > {1} AND request_id <> {2} AND starts_at < {4} AND ends_at > {3}),
  EXISTS (SELECT 1 FROM slot_offer WHERE request_id = {2} AND status = 'open')
FROM room WHERE id = {0}"""
# FOR NO KEY UPDATE: bookings and offer rounds of the room still queue here, but a row that only
# refers to the room (a freed capacity written by a cancellation, whose foreign key check takes
# KEY SHARE) does not wait for a booking holding it: that wait deadlocked the two.
_CLAIM_PG: Final = _CLAIM.format("$1", "$2", "$3", "$4", "$5") + " FOR NO KEY UPDATE"
_CLAIM_SQLITE: Final = _CLAIM.format("?1", "?2", "?3", "?4", "?5")


async def _claim(
    connection: BaseDBAsyncClient, request_id: int, room_id: int, span: Interval,
    offer_id: int | None,
) -> None:  # fmt: skip
    """Inside the booking's transaction, after its first write: the room locked (PostgreSQL;
    bookings of one room queue here rather than deadlock in the exclusion check), and the
    slot free of other requests' open offers (SlotHeld). The request's own open offer is
    accepted when it is ``offer_id``, else withdrawn and its slot freed: one statement unless
    the request holds an offer."""
    postgres = connection.capabilities.dialect == "postgres"
    now = clock.now()
    rows = (await connection.execute_query(
        _CLAIM_PG if postgres else _CLAIM_SQLITE, [room_id, now, request_id, span.start, span.end]
    ))[1]  # fmt: skip
    held, own = (bool(v) for v in tuple(rows[0])) if rows else (False, False)
    if held:
        raise SlotHeld()
    if offer_id is not None:
        accepted = await SlotOffer.filter(
            id=offer_id, request_id=request_id, status=OfferStatus.OPEN, expires_at__gt=now
        ).using_db(connection).update(status=OfferStatus.ACCEPTED, answered_at=now)  # fmt: skip
        if not accepted:
            raise DomainError("offer_not_open", status=409)
    elif own:
        own_offers = SlotOffer.filter(request_id=request_id, status=OfferStatus.OPEN)
        for offer in await own_offers.using_db(connection):
            offer.status, offer.answered_at = OfferStatus.WITHDRAWN, now
            await offer.save(using_db=connection, update_fields=["status", "answered_at"])
            await offers.free_offered_slot(offer, CapacityCause.OFFER_WITHDRAWN, connection)


async def _check_slot(
    request: MeetingRequest,
    room: Room,
    starts_at: datetime,
    length: timedelta,
    exclude: int | None,
) -> Interval:
    """The slot as a UTC interval, refused early when it is plainly not free.

    One statement reads the week from the slot for the room's kind: the slot is judged on
    that plan narrowed to the room (without the meeting being moved), and a refusal offers
    alternatives from the same plan, with no second read.
    """
    if starts_at.utcoffset() is None:
        raise DomainError("time_needs_zone", field="starts_at")
    if room.facility_id != request.facility_id or not room.in_service:
        raise DomainError("room_unavailable", field="room")
    slot_rules.room_rule(request, room.kind)  # an interrogation room needs written consent
    span = Interval(starts_at.astimezone(UTC), (starts_at + length).astimezone(UTC))
    loaded = await _load_week(request, room, span)
    minutes, rest = divmod(length, timedelta(minutes=1))
    if rest:
        raise DomainError("length_not_allowed", field="length_minutes")
    # A facility's lengths, or a longer one the desk accepted (lengths are not a cap).
    slot_rules.length_rule(request, minutes, loaded.allowed_lengths)
    plan = loaded.plan(exclude=exclude, room_id=room.id, holder=request.id)  # own offer: free
    if Slot(span.start, span.end, room.id) in free_slots(plan, span, length):
        return span
    busy = [*plan.room_busy.get(room.id, ()), *plan.party_busy]
    code = "meeting_conflict" if any(span.overlaps(b) for b in busy) else "slot_unavailable"
    raise MeetingConflict(code, None, _alternatives(loaded, span))


async def _conflict(
    request: MeetingRequest, room: Room, span: Interval, code: str, party: str | None
) -> MeetingConflict:
    """The database refused the row: read the week again, as it is now, for alternatives."""
    return MeetingConflict(code, party, _alternatives(await _load_week(request, room, span), span))


async def _load_week(request: MeetingRequest, room: Room, span: Interval) -> LoadedPlan:
    # From the slot's start: the slot itself and the window of its alternatives.
    window = Interval(span.start, max(span.end, span.start + ALTERNATIVES_AHEAD))
    return await load(
        request.facility_id, window, room_kind=room.kind, detainee_id=request.detainee_id,
        lawyer_id=request.lawyer_id,
    )  # fmt: skip


def _alternatives(loaded: LoadedPlan, span: Interval) -> list[Slot]:
    """The next free slots of the room's kind, from the slot (or now) to a week after it."""
    window_start = max(span.start, clock.now())
    if window_start >= span.start + ALTERNATIVES_AHEAD:
        return []
    window = Interval(window_start, span.start + ALTERNATIVES_AHEAD)
    return alternatives(loaded.plan(), window, span.end - span.start)


async def _by_key(lawyer_id: int, key: str) -> Meeting | None:
    client = Meeting._meta.db
    postgres = client.capabilities.dialect == "postgres"
    rows = (
        await client.execute_query(_BY_KEY_PG if postgres else _BY_KEY_SQLITE, [lawyer_id, key])
    )[1]
    return Meeting._init_from_db(**dict(rows[0])) if rows else None


def same_request(earlier: Meeting, request: MeetingRequest) -> Meeting:
    # A key names one booking attempt: reusing it for another request is a client error.
    if earlier.request_id != request.id:
        raise DomainError("idempotency_key_reused", status=409)
    return earlier


def _party(exc: IntegrityError) -> str | None:
    """Which overlap rule refused the row: SQLite trigger text or PostgreSQL constraint name."""
    text = str(exc)
    for party in PARTIES:
        if f"overlap: {party}" in text or f"meeting_no_{party}_overlap" in text:
            return party
    return None


def _how(request: MeetingRequest, room: Room, offer_id: int | None) -> dict[str, object]:
    """What the audit entry of a booking or move adds: the waitlist offer it accepted, and the
    lawyer's written consent when the room is an interrogation room (R2015 art. 7)."""
    how: dict[str, object] = {}
    if offer_id is not None:
        how["offer"] = offer_id
    if room.kind == RoomKind.INTERROGATION:
        how["interrogation_room_consent_at"] = request.interrogation_room_consent_at
    return how


def _summary(meeting: Meeting) -> dict[str, object]:
    # Who meets where and when, never what is said (CPL 39(4)).
    return {
        "reference": meeting.reference,
        "request": meeting.request_id,
        "room": meeting.room_id,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "sequence": meeting.sequence,
    }
