"""The waitlist's pages and API: the lawyer sees and answers an offered slot, the desk sees it
held, and a booked meeting's lawyer asks for an earlier slot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from httpx import AsyncClient

from app.accounts.models import User
from scheduling import closures, offers
from scheduling.booking import book, cancel
from scheduling.kinds import OfferStatus, RequestStatus
from scheduling.models import Closure, Meeting, MeetingRequest, SlotOffer
from scheduling.offers import OfferPolicy
from tests.integration.helpers import NOTICES, api_token, bearer, login, post_form
from tests.integration.meeting_world import SHANGHAI, Party, Place, local, make_party, make_place

HOUR = timedelta(hours=1)
POLICY = OfferPolicy(
    hold=timedelta(minutes=30), min_notice=timedelta(minutes=30), horizon=timedelta(days=14)
)


@pytest.fixture
async def place(client: AsyncClient) -> Place:
    return await make_place(rooms=1)


async def _offered(place: Place) -> tuple[Party, SlotOffer]:
    """A waiting request, and the slot a cancellation freed, offered to it."""
    party = await make_party(place)
    await MeetingRequest.filter(id=party.request.id).update(deadline_at=local(9) + 5 * HOUR)
    other = await make_party(place)
    meeting = await book(other.lawyer, other.request, place.rooms[0], local(9), HOUR,
                         notices=NOTICES)  # fmt: skip
    await cancel(other.lawyer, meeting, "", notices=NOTICES)
    (offer,) = await offers.offer_round(place.facility.id, policy=POLICY, notices=NOTICES)
    return party, offer


async def _as(user: User) -> dict[str, str]:
    return bearer(await api_token(user))


async def test_the_lawyer_sees_the_offer_on_her_home_page_with_an_accept_button(
    client: AsyncClient, place: Place
) -> None:
    party, offer = await _offered(place)
    await login(client, party.lawyer.username)
    home = await client.get("/")
    assert f'action="/offers/{offer.id}/accept"' in home.text


async def test_accepting_on_the_offer_page_books_and_opens_the_meeting(
    client: AsyncClient, place: Place
) -> None:
    party, offer = await _offered(place)
    await login(client, party.lawyer.username)
    answer = await post_form(client, f"/offers/{offer.id}/accept", csrf_page=f"/offers/{offer.id}")
    meeting = await Meeting.get(request_id=party.request.id)
    assert answer.status_code == 303 and answer.headers["location"] == f"/meetings/{meeting.id}"
    assert meeting.starts_at == local(9)


async def test_an_offer_answered_already_says_so_on_its_page(
    client: AsyncClient, place: Place
) -> None:
    party, offer = await _offered(place)
    await login(client, party.lawyer.username)
    await post_form(client, f"/offers/{offer.id}/decline", csrf_page=f"/offers/{offer.id}")
    again = await post_form(client, f"/offers/{offer.id}/accept", csrf_page="/offers")
    assert again.status_code == 409
    assert 'role="alert"' in again.text
    assert not await Meeting.filter(request_id=party.request.id).exists()


async def test_the_desk_sees_the_held_slot_on_the_day_board(
    client: AsyncClient, place: Place
) -> None:
    _party, offer = await _offered(place)
    await login(client, place.staff.username)
    board = await client.get(f"/board?day={local(9).date().isoformat()}")
    assert f'id="offer-{offer.id}"' in board.text
    page = await client.get(f"/offers/{offer.id}")
    assert page.status_code == 200 and "/accept" not in page.text


async def test_another_lawyer_gets_404_for_the_offer_page(
    client: AsyncClient, place: Place
) -> None:
    _party, offer = await _offered(place)
    stranger = await make_party(place)
    await login(client, stranger.lawyer.username)
    assert (await client.get(f"/offers/{offer.id}")).status_code == 404


async def test_the_api_lists_and_accepts_the_offer(client: AsyncClient, place: Place) -> None:
    party, offer = await _offered(place)
    headers = await _as(party.lawyer)
    listed = (await client.get("/api/v1/offers", headers=headers)).json()
    assert [o["id"] for o in listed] == [offer.id]
    assert listed[0]["status"] == "open" and listed[0]["cause"] == "cancelled_by_lawyer"
    accepted = await client.post(f"/api/v1/offers/{offer.id}/accept", headers=headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["request_status"] == RequestStatus.SCHEDULED.value
    assert (await SlotOffer.get(id=offer.id)).status == OfferStatus.ACCEPTED


async def test_the_api_refuses_an_answer_after_declining_with_409(
    client: AsyncClient, place: Place
) -> None:
    party, offer = await _offered(place)
    headers = await _as(party.lawyer)
    declined = await client.post(f"/api/v1/offers/{offer.id}/decline", headers=headers)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    again = await client.post(f"/api/v1/offers/{offer.id}/accept", headers=headers)
    assert again.status_code == 409


async def test_staff_cannot_accept_for_the_lawyer_through_the_api(
    client: AsyncClient, place: Place
) -> None:
    _party, offer = await _offered(place)
    response = await client.post(
        f"/api/v1/offers/{offer.id}/accept", headers=await _as(place.staff)
    )
    assert response.status_code == 403


async def test_a_lawyer_asks_for_an_earlier_slot_on_her_meeting_page(
    client: AsyncClient, place: Place
) -> None:
    party = await make_party(place)
    meeting = await book(party.lawyer, party.request, place.rooms[0], local(15), HOUR,
                         notices=NOTICES)  # fmt: skip
    await login(client, party.lawyer.username)
    page = await client.get(f"/meetings/{meeting.id}")
    assert f'action="/meetings/{meeting.id}/earlier"' in page.text
    answer = await post_form(client, f"/meetings/{meeting.id}/earlier", {"wanted": "yes"},
                             csrf_page=f"/meetings/{meeting.id}")  # fmt: skip
    assert answer.status_code == 303
    assert (await MeetingRequest.get(id=party.request.id)).wants_earlier


async def test_the_api_sets_and_clears_the_earlier_wish(client: AsyncClient, place: Place) -> None:
    party = await make_party(place)
    meeting = await book(party.lawyer, party.request, place.rooms[0], local(15), HOUR,
                         notices=NOTICES)  # fmt: skip
    headers = await _as(party.lawyer)
    path = f"/api/v1/meetings/{meeting.id}/earlier"
    on = await client.put(path, json={"wanted": True}, headers=headers)
    assert on.json() == {"meeting_id": meeting.id, "wanted": True}
    off = await client.put(path, json={"wanted": False}, headers=headers)
    assert off.json()["wanted"] is False
    assert not (await MeetingRequest.get(id=party.request.id)).wants_earlier


async def test_the_desk_ends_a_closure_early_on_its_facility_page(
    client: AsyncClient, place: Place
) -> None:
    closure = await closures.add_closure(
        place.staff, place.facility, starts_at=local(8), ends_at=local(18), reason="Drill"
    )
    await login(client, place.staff.username)
    page = await client.get("/facility")
    assert f'action="/facility/closures/{closure.id}/end"' in page.text
    day = local(12).astimezone(SHANGHAI).date().isoformat()
    form = {"ends_date": day, "ends_time": "12:00"}
    answer = await post_form(client, f"/facility/closures/{closure.id}/end", form, "/facility")
    assert answer.status_code == 303
    assert (await Closure.get(id=closure.id)).ends_at == local(12)


async def test_ending_a_closure_later_is_refused_on_the_page_in_words(
    client: AsyncClient, place: Place
) -> None:
    closure = await closures.add_closure(
        place.staff, place.facility, starts_at=local(8), ends_at=local(10), reason="Drill"
    )
    await login(client, place.staff.username)
    day = local(12).astimezone(SHANGHAI).date().isoformat()
    form = {"ends_date": day, "ends_time": "12:00"}
    answer = await post_form(client, f"/facility/closures/{closure.id}/end", form, "/facility")
    assert answer.status_code == 400  # a form's fault, as the other facility forms answer
    assert f'id="e-closure_end_{closure.id}-ends_at"' in answer.text


async def test_the_api_ends_a_closure_early(client: AsyncClient, place: Place) -> None:
    closure = await closures.add_closure(
        place.staff, place.facility, starts_at=local(8), ends_at=local(18), reason="Drill"
    )
    response = await client.post(
        f"/api/v1/closures/{closure.id}/end", json={"ends_at": local(12).isoformat()},
        headers=await _as(place.staff),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["ends_at"].startswith(local(12).isoformat()[:16])
