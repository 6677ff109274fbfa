"""/api/v1 endpoints of the waitlist: slots offered to waiting requests by the legal clock,
answered by the request's lawyer, and "offer me an earlier slot" on a booked meeting.
The same commands as the pages (scheduling.offer_answers)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from app.accounts.models import User
from app.accounts.policy import Action
from app.api.fields import Flag
from app.api.framework import Endpoint
from app.api.meetings.meeting_models import MeetingOut
from app.api.meetings.meeting_presenters import meeting_with_status
from app.commands import build
from scheduling import offer_answers
from scheduling.kinds import CapacityCause, OfferStatus
from scheduling.models import SlotOffer
from scheduling.offer_answers import AnswerOffer, AskEarlier

P = "/api/v1"


class OfferOut(BaseModel):
    id: int
    facility_id: int
    request_id: int
    meeting_id: int | None = Field(description="Set for an earlier-slot offer: accepting moves "
                                   "this meeting (same reference, SEQUENCE raised)")  # fmt: skip
    room_id: int
    starts_at: datetime
    ends_at: datetime
    status: OfferStatus
    offered_at: datetime
    expires_at: datetime = Field(description="The slot is held for the lawyer until then")
    answered_at: datetime | None
    deadline_at: datetime | None = Field(description="The request's 48-hour limit it ranked on")
    priority: bool = Field(description="A priority meeting: ranked first among equal time left")
    cause: CapacityCause = Field(description="What freed the slot")


class EarlierIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    wanted: Flag = Field(description="true: offer me an earlier slot if one frees up; false: stop")


class EarlierOut(BaseModel):
    meeting_id: int
    wanted: bool


def offer_out(offer: SlotOffer) -> OfferOut:
    return OfferOut.model_validate(offer, from_attributes=True)


async def list_offers(user: User) -> list[OfferOut]:
    return [offer_out(o) for o in await offer_answers.open_offers(user)]


async def get_offer(user: User, offer_id: int) -> OfferOut:
    return offer_out(await offer_answers.offer_of(user, offer_id))


async def accept(user: User, offer_id: int, request: Request) -> MeetingOut:
    command = build(AnswerOffer, offer_id=offer_id)
    meeting = await offer_answers.accept_offer(user, command, notices=request.app.state.notices)
    return await meeting_with_status(meeting)


async def decline(user: User, offer_id: int) -> OfferOut:
    offer = await offer_answers.decline_offer(user, build(AnswerOffer, offer_id=offer_id))
    return offer_out(offer)


async def earlier(user: User, meeting_id: int, body: EarlierIn) -> EarlierOut:
    command = build(AskEarlier, meeting_id=meeting_id, wanted=body.wanted)
    request = await offer_answers.ask_earlier(user, command)
    return EarlierOut(meeting_id=meeting_id, wanted=request.wants_earlier)


_O = "/offers/{offer_id:int}"
OFFER_ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", P + "/offers", list_offers,
             "Open offers in my scope: freed slots held for waiting requests, ranked by the "
             "statutory time left (lawyer: mine; staff: my centre's)", "offers",
             Action.VIEW_MEETINGS, response=OfferOut, list_response=True),
    Endpoint("GET", P + _O, get_offer, "One offer", "offers", Action.VIEW_MEETINGS,
             response=OfferOut, errors=(404,)),
    Endpoint("POST", P + _O + "/accept", accept,
             "Accept the offered slot (the request's lawyer): books it, or moves the booked "
             "meeting there; 409 'offer_not_open' once answered or lapsed", "offers",
             Action.BOOK_MEETINGS, response=MeetingOut, errors=(403, 404, 409)),
    Endpoint("POST", P + _O + "/decline", decline,
             "Decline the offered slot: it goes to the next request in line", "offers",
             Action.BOOK_MEETINGS, response=OfferOut, errors=(403, 404, 409)),
    Endpoint("PUT", P + "/meetings/{meeting_id:int}/earlier", earlier,
             "Ask to be offered an earlier slot for a booked meeting if one frees up (or stop)",
             "offers", Action.BOOK_MEETINGS, body=EarlierIn, response=EarlierOut,
             errors=(403, 404, 409)),
]  # fmt: skip
