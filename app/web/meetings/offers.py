"""The waitlist's pages: a slot offered to a lawyer (accept in one tap, or decline), the open
offers of a lawyer or of a detention centre's desk, and "offer me an earlier time" on a
booked meeting. Same commands as the API: scheduling.offer_answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action
from app.accounts.roles import Role
from app.accounts.scopes import visible_row
from app.commands import build
from app.errors import DomainError
from app.presentation.messages import message
from app.web.auth import permitted
from app.web.csrf import checked_form
from app.web.forms import show_deadline, show_local
from app.web.meetings.meeting_views import Clock, clock
from app.web.meetings.meetings import render
from scheduling import offer_answers
from scheduling.kinds import OfferStatus
from scheduling.models import Meeting, SlotOffer
from scheduling.offer_answers import AnswerOffer, AskEarlier


@dataclass(frozen=True)
class OfferView:
    """An offer as its reader sees it: times in the centre's words, the hold's time left."""

    offer: SlotOffer
    starts: str
    ends: str
    expires: str
    hold_left: Clock | None
    deadline: str
    deadline_left: Clock | None
    is_open: bool


def offer_view(offer: SlotOffer) -> OfferView:
    zone = offer.facility.timezone
    hold = clock(offer.expires_at)
    return OfferView(
        offer=offer,
        starts=show_local(offer.starts_at, zone),
        ends=show_local(offer.ends_at, zone),
        expires=show_local(offer.expires_at, zone),
        hold_left=hold,
        deadline=show_deadline(offer.deadline_at, zone) if offer.deadline_at else "",
        deadline_left=clock(offer.deadline_at),
        is_open=offer.status == OfferStatus.OPEN and hold is not None and not hold.overdue,
    )


async def offer_list(request: Request) -> Response:
    user = permitted(request, Action.VIEW_MEETINGS)
    views = [offer_view(o) for o in await offer_answers.open_offers(user)]
    return render(request, "offers/list.html", {"offers": views, "staff": _staff(request)})


async def offer_page(request: Request, *, error: str = "", status: int = 200) -> Response:
    user = permitted(request, Action.VIEW_MEETINGS)
    offer = await offer_answers.offer_of(user, request.path_params["offer_id"])
    context: dict[str, Any] = {
        "o": offer_view(offer),
        "mine": offer.request.lawyer_id == user.id,
        "staff": _staff(request),
        "error": error,
    }
    if offer.meeting_id is not None:
        context["meeting"] = await Meeting.get_or_none(id=offer.meeting_id)
    return render(request, "offers/offer.html", context, status)


async def accept(request: Request) -> Response:
    user = permitted(request, Action.BOOK_MEETINGS)
    await checked_form(request)
    try:
        command = build(AnswerOffer, offer_id=request.path_params["offer_id"])
        meeting = await offer_answers.accept_offer(user, command, notices=request.app.state.notices)
    except DomainError as exc:
        return await offer_page(request, error=message(exc.code), status=exc.status)
    return RedirectResponse(f"/meetings/{meeting.id}", status_code=303)


async def decline(request: Request) -> Response:
    user = permitted(request, Action.BOOK_MEETINGS)
    await checked_form(request)
    try:
        command = build(AnswerOffer, offer_id=request.path_params["offer_id"])
        offer = await offer_answers.decline_offer(user, command)
    except DomainError as exc:
        return await offer_page(request, error=message(exc.code), status=exc.status)
    return RedirectResponse(f"/meeting-requests/{offer.request_id}", status_code=303)


async def ask_earlier(request: Request) -> Response:
    user = permitted(request, Action.BOOK_MEETINGS)
    meeting = await visible_row(Meeting, user, request.path_params["meeting_id"])
    form = await checked_form(request)
    wanted = form.get("wanted") == "yes"
    # A refusal (the meeting is over or cancelled) is the app's error page (app.web.errors).
    await offer_answers.ask_earlier(user, build(AskEarlier, meeting_id=meeting.id, wanted=wanted))
    return RedirectResponse(f"/meetings/{meeting.id}#earlier", status_code=303)


def _staff(request: Request) -> bool:
    return bool(request.state.user.role == Role.DETENTION_STAFF)


routes = [
    Route("/offers", offer_list, methods=["GET"]),
    Route("/offers/{offer_id:int}", offer_page, methods=["GET"]),
    Route("/offers/{offer_id:int}/accept", accept, methods=["POST"]),
    Route("/offers/{offer_id:int}/decline", decline, methods=["POST"]),
    Route("/meetings/{meeting_id:int}/earlier", ask_earlier, methods=["POST"]),
]
