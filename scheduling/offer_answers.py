"""A lawyer's answers to the waitlist: accept or decline an offered slot, and ask to be
offered an earlier one. The commands every entry point (offer page, API) builds.

Accepting books the held slot (or moves the booked meeting there, same reference, SEQUENCE
raised) through ``scheduling.booking``, which marks the offer accepted in the booking's own
transaction: an offer that lapsed meanwhile is refused (409 ``offer_not_open``) and nothing
is booked. Declining frees the slot at once for the next request in line.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field
from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.policy import Action, NotPermitted, require
from app.accounts.roles import Role
from app.accounts.scopes import visible, visible_row
from app.audit.service import record
from app.commands import Command
from app.errors import DomainError
from scheduling import booking, offers
from scheduling.kinds import CapacityCause, MeetingStatus, OfferStatus
from scheduling.meeting_notices import NoticeSettings
from scheduling.models import Meeting, MeetingRequest, Room, SlotOffer


class AnswerOffer(Command):
    offer_id: int = Field(ge=1)


class AskEarlier(Command):
    """Offer me an earlier slot of this meeting if one frees up (or stop)."""

    meeting_id: int = Field(ge=1)
    wanted: bool = True


async def accept_offer(actor: User, command: AnswerOffer, *, notices: NoticeSettings) -> Meeting:
    """Book the offered slot for the request, or move its meeting there."""
    offer, request = await _own_open_offer(actor, command.offer_id)
    room = await Room.get(id=offer.room_id)
    length = offer.ends_at - offer.starts_at
    if offer.meeting_id is None:
        return await booking.book(
            actor, request, room, offer.starts_at, length, notices=notices, offer_id=offer.id
        )
    meeting = await Meeting.get(id=offer.meeting_id)
    moved = await booking.reschedule(
        actor, meeting, room, offer.starts_at, length, notices=notices, offer_id=offer.id
    )
    # She asked for an earlier slot and has it: ask again for one earlier still.
    await MeetingRequest.filter(id=request.id).update(wants_earlier=False)
    return moved


async def decline_offer(actor: User, command: AnswerOffer) -> SlotOffer:
    """Let the slot go to the next request in line."""
    offer, _request = await _own_open_offer(actor, command.offer_id)
    now = clock.now()
    async with in_transaction() as connection:
        changed = await SlotOffer.filter(id=offer.id, status=OfferStatus.OPEN).using_db(
            connection
        ).update(status=OfferStatus.DECLINED, answered_at=now)  # fmt: skip
        if not changed:
            raise DomainError("offer_not_open", status=409)
        await offers.free_offered_slot(offer, CapacityCause.OFFER_DECLINED, connection)
        await record(actor, "offer.declined", "slot_offer", offer.id,
                     {"request": offer.request_id, "starts_at": offer.starts_at})  # fmt: skip
    offer.status, offer.answered_at = OfferStatus.DECLINED, now
    return offer


async def ask_earlier(actor: User, command: AskEarlier) -> MeetingRequest:
    """Set whether the lawyer wants to be offered an earlier slot for her booked meeting."""
    require(actor, Action.BOOK_MEETINGS)
    meeting = await visible_row(Meeting, actor, command.meeting_id)
    if actor.role != Role.LAWYER or meeting.lawyer_id != actor.id:
        raise NotPermitted("only the meeting's lawyer asks for an earlier slot")
    if meeting.status != MeetingStatus.ACTIVE or meeting.checked_in_at is not None:
        raise DomainError("meeting_not_active", status=409)
    if meeting.starts_at <= clock.now() + timedelta(minutes=1):
        raise DomainError("meeting_not_active", status=409)
    request = await MeetingRequest.get(id=meeting.request_id)
    if request.wants_earlier != command.wanted:
        await MeetingRequest.filter(id=request.id).update(wants_earlier=command.wanted)
        request.wants_earlier = command.wanted
        await record(actor, "meeting.earlier_wanted" if command.wanted else
                     "meeting.earlier_not_wanted", "meeting", meeting.id,
                     {"reference": meeting.reference})  # fmt: skip
    return request


async def open_offers(actor: User) -> list[SlotOffer]:
    """The open offers the actor may see, soonest lapsing first, with room, facility, and the
    request's lawyer and detainee."""
    return (
        await visible(SlotOffer, actor)
        .filter(status=OfferStatus.OPEN, expires_at__gt=clock.now())
        .select_related("room", "facility", "request__lawyer", "request__detainee")
        .order_by("expires_at")
    )


async def offer_of(actor: User, offer_id: int) -> SlotOffer:
    """One offer in the actor's scope (NotFound outside it), with room, facility and request."""
    offer = await visible_row(SlotOffer, actor, offer_id)
    await offer.fetch_related("room", "facility", "request__detainee")
    return offer


async def _own_open_offer(actor: User, offer_id: int) -> tuple[SlotOffer, MeetingRequest]:
    require(actor, Action.BOOK_MEETINGS)
    offer = await visible_row(SlotOffer, actor, offer_id)
    request = await MeetingRequest.get(id=offer.request_id)
    if actor.role != Role.LAWYER or request.lawyer_id != actor.id:
        raise NotPermitted("only the request's lawyer answers its offer")
    if offer.status != OfferStatus.OPEN or offer.expires_at <= clock.now():
        raise DomainError("offer_not_open", status=409)
    return offer, request
