"""Calendar subscription feeds and invitation downloads, through the pages and the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient, Response
from icalendar import Calendar

from app.accounts.models import User
from app.accounts.roles import AccountStatus, Role
from app.accounts.secrets import digest
from scheduling.booking import book, cancel
from scheduling.models import CalendarFeed, Meeting
from tests.integration.helpers import NOTICES, api_token, bearer, make_user, post_form, sign_in_as
from tests.integration.meeting_world import Party, Place, local, make_party, make_place

HOUR = timedelta(hours=1)
PAGE = "/profile/calendar-feeds"
FEED_URL = re.compile(r"http://testserver/feeds/(cal_[A-Za-z0-9_-]+)\.ics")


@pytest.fixture
async def place(client: AsyncClient) -> Place:
    return await make_place(rooms=2)


async def booked(place: Place, room: int = 0, hour: int = 9) -> tuple[Party, Meeting]:
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[room], local(hour), HOUR, notices=NOTICES
    )
    return party, meeting


async def create_on_page(client: AsyncClient, **fields: str) -> Response:
    return await post_form(client, PAGE, fields, csrf_page=PAGE)


async def new_feed(client: AsyncClient, user: User, **fields: str) -> str:
    """Sign `user` in, create a feed on the page and return its path."""
    await sign_in_as(client, user)
    response = await create_on_page(client, **fields)
    assert response.status_code == 201, response.text
    found = FEED_URL.search(response.text)
    assert found, "the new feed's address is shown"
    client.cookies.clear()  # the feed is read by a calendar app, not the browser session
    return f"/feeds/{found.group(1)}.ics"


def uids(response: Response) -> set[str]:
    assert response.status_code == 200, response.text
    calendar = Calendar.from_ical(response.text)
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


async def test_a_lawyers_feed_serves_their_meetings_as_text_calendar(
    client: AsyncClient, place: Place
) -> None:
    party, meeting = await booked(place)
    path = await new_feed(client, party.lawyer, scope="lawyer")
    response = await client.get(path)
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-store"
    assert uids(response) == {meeting.uid}
    assert "X-WR-CALNAME" in response.text


async def test_the_page_shows_the_address_once_with_a_webcal_hint(
    client: AsyncClient, place: Place
) -> None:
    party, _meeting = await booked(place)
    await sign_in_as(client, party.lawyer)
    created = await create_on_page(client, scope="lawyer")
    token = FEED_URL.search(created.text)
    assert token is not None
    assert f"webcal://testserver/feeds/{token.group(1)}.ics" in created.text
    later = await client.get(PAGE)
    assert later.status_code == 200 and token.group(1) not in later.text
    assert "My meetings" in later.text


async def test_only_the_tokens_hash_is_stored(client: AsyncClient, place: Place) -> None:
    party, _meeting = await booked(place)
    path = await new_feed(client, party.lawyer, scope="lawyer")
    raw = path.removeprefix("/feeds/").removesuffix(".ics")
    stored = await CalendarFeed.get(owner_id=party.lawyer.id)
    assert stored.token_hash == digest(raw) and raw not in stored.token_hash


async def test_another_lawyers_meetings_are_never_in_a_lawyers_feed(
    client: AsyncClient, place: Place
) -> None:
    party, mine = await booked(place, room=0)
    _other, _theirs = await booked(place, room=1)
    path = await new_feed(client, party.lawyer, scope="lawyer")
    assert uids(await client.get(path)) == {mine.uid}


async def test_a_revoked_feed_is_not_found(client: AsyncClient, place: Place) -> None:
    party, _meeting = await booked(place)
    path = await new_feed(client, party.lawyer, scope="lawyer")
    await sign_in_as(client, party.lawyer)
    feed = await CalendarFeed.get(owner_id=party.lawyer.id)
    response = await post_form(client, f"{PAGE}/{feed.id}/revoke", csrf_page=PAGE)
    assert response.status_code == 303
    client.cookies.clear()
    assert (await client.get(path)).status_code == 404


async def test_an_unknown_token_is_not_found(client: AsyncClient) -> None:
    assert (await client.get("/feeds/cal_not-a-real-token.ics")).status_code == 404


async def test_a_disabled_owners_feed_is_not_found(client: AsyncClient, place: Place) -> None:
    party, _meeting = await booked(place)
    path = await new_feed(client, party.lawyer, scope="lawyer")
    await User.filter(id=party.lawyer.id).update(status=AccountStatus.DISABLED)
    assert (await client.get(path)).status_code == 404


async def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(
    client: AsyncClient, place: Place
) -> None:
    party, meeting = await booked(place)
    await cancel(party.lawyer, meeting, "", notices=NOTICES)
    path = await new_feed(client, party.lawyer, scope="lawyer")
    calendar = Calendar.from_ical((await client.get(path)).text)
    [event] = calendar.walk("VEVENT")
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)


async def test_meetings_older_than_thirty_days_leave_the_lawyers_feed(
    client: AsyncClient, place: Place
) -> None:
    party, recent = await booked(place)
    old_start = datetime.now(UTC) - timedelta(days=40)
    await Meeting.create(
        request_id=party.request.id, room_id=place.rooms[1].id, lawyer_id=party.lawyer.id,
        detainee_id=party.detainee.id, starts_at=old_start, ends_at=old_start + HOUR,
        reference="OLD00001", uid="old@lawmeet", status="cancelled",
    )  # fmt: skip
    path = await new_feed(client, party.lawyer, scope="lawyer")
    assert uids(await client.get(path)) == {recent.uid}


async def test_a_facility_feed_names_reference_room_and_lawyer_but_not_the_detainee(
    client: AsyncClient, place: Place
) -> None:
    party, meeting = await booked(place)
    path = await new_feed(client, place.staff, scope="facility")
    text = (await client.get(path)).text
    unfolded = text.replace("\r\n ", "")
    assert meeting.reference in unfolded and "Room 1" in unfolded
    assert party.lawyer.display_name in unfolded
    assert party.detainee.id_number not in unfolded and party.detainee.name not in unfolded


async def test_a_facility_feed_holds_only_that_facilitys_meetings(
    client: AsyncClient, place: Place
) -> None:
    _party, here = await booked(place)
    elsewhere = await make_place(rooms=1)
    _other, _there = await booked(elsewhere)
    path = await new_feed(client, place.staff, scope="facility")
    assert uids(await client.get(path)) == {here.uid}


async def test_a_room_feed_holds_only_that_rooms_meetings(
    client: AsyncClient, place: Place
) -> None:
    _first, in_room_2 = await booked(place, room=1)
    await booked(place, room=0)
    path = await new_feed(client, place.staff, scope="room", room=str(place.rooms[1].id))
    assert uids(await client.get(path)) == {in_room_2.uid}


async def test_staff_cannot_create_a_feed_of_another_facilitys_room(
    client: AsyncClient, place: Place
) -> None:
    elsewhere = await make_place(rooms=1)
    await sign_in_as(client, place.staff)
    response = await create_on_page(client, scope="room", room=str(elsewhere.rooms[0].id))
    assert response.status_code == 404
    assert await CalendarFeed.all().count() == 0


async def test_a_lawyer_cannot_create_a_facility_feed(client: AsyncClient, place: Place) -> None:
    party, _meeting = await booked(place)
    await sign_in_as(client, party.lawyer)
    response = await create_on_page(client, scope="facility")
    assert response.status_code == 400
    assert "Choose a feed you may have" in response.text
    assert await CalendarFeed.all().count() == 0


async def test_a_staff_feed_stops_when_the_staff_member_moves_facility(
    client: AsyncClient, place: Place
) -> None:
    await booked(place)
    path = await new_feed(client, place.staff, scope="facility")
    elsewhere = await make_place(rooms=1)
    await User.filter(id=place.staff.id).update(facility_id=elsewhere.facility.id)
    assert (await client.get(path)).status_code == 404


async def test_an_investigator_may_not_manage_feeds(client: AsyncClient) -> None:
    await sign_in_as(client, await make_user(Role.INVESTIGATOR))
    assert (await client.get(PAGE)).status_code == 403


# --- API ------------------------------------------------------------------------------


async def test_the_api_creates_lists_and_revokes_a_feed(client: AsyncClient, place: Place) -> None:
    party, meeting = await booked(place)
    headers = bearer(await api_token(party.lawyer))
    created = await client.post("/api/v1/calendar-feeds", json={"scope": "lawyer"},
                                headers=headers)  # fmt: skip
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["webcal_url"].startswith("webcal://testserver/feeds/cal_")
    path = body["url"].removeprefix("http://testserver")
    assert uids(await client.get(path)) == {meeting.uid}
    listed = await client.get("/api/v1/calendar-feeds", headers=headers)
    assert [f["id"] for f in listed.json()] == [body["id"]]
    assert "url" not in listed.json()[0]
    deleted = await client.delete(f"/api/v1/calendar-feeds/{body['id']}", headers=headers)
    assert deleted.status_code == 204
    assert (await client.get(path)).status_code == 404


async def test_the_api_refuses_a_room_of_another_facility_with_404(
    client: AsyncClient, place: Place
) -> None:
    elsewhere = await make_place(rooms=1)
    headers = bearer(await api_token(place.staff))
    response = await client.post(
        "/api/v1/calendar-feeds", json={"scope": "room", "room_id": elsewhere.rooms[0].id},
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 404


async def test_another_users_feed_cannot_be_revoked(client: AsyncClient, place: Place) -> None:
    party, _meeting = await booked(place)
    other, _theirs = await booked(place, room=1)
    mine = await client.post("/api/v1/calendar-feeds", json={"scope": "lawyer"},
                             headers=bearer(await api_token(party.lawyer)))  # fmt: skip
    response = await client.delete(f"/api/v1/calendar-feeds/{mine.json()['id']}",
                                   headers=bearer(await api_token(other.lawyer)))  # fmt: skip
    assert response.status_code == 404
    assert (await CalendarFeed.get(id=mine.json()["id"])).revoked_at is None


# --- Invitation download ---------------------------------------------------------------


async def test_the_lawyer_downloads_the_meetings_invite(client: AsyncClient, place: Place) -> None:
    party, meeting = await booked(place)
    await sign_in_as(client, party.lawyer)
    response = await client.get(f"/meetings/{meeting.id}/invite.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert f"meeting-{meeting.reference}.ics" in response.headers["content-disposition"]
    calendar = Calendar.from_ical(response.text)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar.walk("VEVENT")[0]["UID"]) == meeting.uid


async def test_another_lawyer_cannot_download_the_invite(client: AsyncClient, place: Place) -> None:
    _party, meeting = await booked(place)
    other, _theirs = await booked(place, room=1)
    await sign_in_as(client, other.lawyer)
    assert (await client.get(f"/meetings/{meeting.id}/invite.ics")).status_code == 404


async def test_the_api_invite_of_a_cancelled_meeting_is_a_cancel(
    client: AsyncClient, place: Place
) -> None:
    _party, meeting = await booked(place)
    await cancel(place.staff, meeting, "closure", notices=NOTICES)
    response = await client.get(f"/api/v1/meetings/{meeting.id}/invite.ics",
                                headers=bearer(await api_token(place.staff)))  # fmt: skip
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.text)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1


async def test_the_api_invite_is_not_found_outside_scope(client: AsyncClient, place: Place) -> None:
    _party, meeting = await booked(place)
    outsider = await make_user(Role.DETENTION_STAFF)  # another facility's staff
    response = await client.get(f"/api/v1/meetings/{meeting.id}/invite.ics",
                                headers=bearer(await api_token(outsider)))  # fmt: skip
    assert response.status_code == 404


async def test_the_management_page_is_in_chinese_first(client: AsyncClient, place: Place) -> None:
    party, _meeting = await booked(place)
    await sign_in_as(client, party.lawyer)
    client.cookies.set("lawmeet_lang", "zh-CN")
    response = await client.get(PAGE)
    assert response.status_code == 200
    assert "日历订阅" in response.text and "我的会见" in response.text


async def test_the_profile_page_links_to_the_feeds(client: AsyncClient, place: Place) -> None:
    await sign_in_as(client, place.staff)
    response = await client.get("/profile")
    assert f'href="{PAGE}"' in response.text
