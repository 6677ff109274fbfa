"""Booking a meeting: the one command the lawyer's request page, the desk's request page, the API
and any script build (M1; CPL 39(2)).

``book_meeting`` checks, in this order: that the actor's role may book (403), that the request
lies in the actor's scope (404 outside), a repeated idempotency key (the earlier meeting comes
back and nothing is written), that the request waits to be scheduled (409
``request_not_bookable``: awaiting permission is not "no free slot"), that a room asked for is
one of the request's facility and in service (``room_unavailable``), and, when the room or the
time is left open, the first slot that fits (409 with the next free times). Then
``scheduling.booking.book`` judges the slot (hours, closures, buffer, the facility's lengths)
and writes the meeting, the lawyer's notices and the audit entry in one transaction.

The request, the key's earlier meeting and the room are read in one statement
(``booking_reads.for_booking``): this runs on every booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pydantic import AwareDatetime, Field

from app.accounts.models import User
from app.accounts.policy import Action, require
from app.commands import Command
from app.errors import DomainError
from scheduling import booking, booking_reads, requests
from scheduling.asking import MAX_LENGTH_MINUTES
from scheduling.booking import MeetingConflict
from scheduling.kinds import RequestStatus
from scheduling.meeting_notices import NoticeSettings
from scheduling.models import Meeting, MeetingRequest, Room

MAX_KEY_LENGTH = 100


class BookMeeting(Command):
    """Book the request ``request_id``: in ``room_id`` from ``starts_at`` when both are given,
    else in the first room or at the first time that fits (before the deadline, when no time)."""

    request_id: int = Field(ge=1)
    room_id: int | None = Field(None, ge=1)
    starts_at: AwareDatetime | None = None
    length_minutes: int | None = Field(None, ge=1, le=MAX_LENGTH_MINUTES)  # None: the request's
    # One booking attempt: sent again (a double click, a retried call), the same meeting.
    idempotency_key: str | None = Field(None, min_length=1, max_length=MAX_KEY_LENGTH)


@dataclass(frozen=True)
class Booked:
    meeting: Meeting
    request: MeetingRequest  # as read for the booking; scheduled unless ``repeat``
    repeat: bool  # the key had booked this meeting already: nothing was written now


async def book_meeting(actor: User, command: BookMeeting, *, notices: NoticeSettings) -> Booked:
    """Book what ``command`` asks for, or raise: NotPermitted, NotFound, DomainError naming the
    field at fault, MeetingConflict (409, with free alternatives)."""
    require(actor, Action.BOOK_MEETINGS)
    key = command.idempotency_key
    reads = await booking_reads.for_booking(actor, command.request_id, key, command.room_id)
    request, room = reads.request, reads.room
    if reads.earlier is not None:
        return Booked(reads.earlier, request, repeat=True)
    if request.status != RequestStatus.REQUESTED:
        raise DomainError("request_not_bookable", status=409)
    if command.room_id is not None and room is None:  # of another facility, or out of service
        raise DomainError("room_unavailable", field="room_id")
    length = timedelta(minutes=command.length_minutes or request.length_minutes)
    if room is not None and command.starts_at is not None:
        starts_at = command.starts_at
    else:
        slot = await requests.fitting_slot(
            request, length, room_id=command.room_id, starts_at=command.starts_at
        )
        if slot is None:
            code = "no_room_free_at_time" if command.starts_at else "no_slot_before_deadline"
            options = await requests.next_slots(request, length, room_id=command.room_id)
            raise MeetingConflict(code, None, options)
        room = room if room is not None else await Room.get(id=slot.room_id)
        starts_at = slot.start
    meeting = await booking.book(
        actor, request, room, starts_at, length, key, notices=notices, key_checked=True
    )
    # ``book`` marks the request it scheduled; else a concurrent call with the key booked it.
    scheduled = RequestStatus(request.status) == RequestStatus.SCHEDULED
    return Booked(meeting, request, repeat=not scheduled)
