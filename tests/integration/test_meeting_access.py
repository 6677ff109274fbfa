"""Who sees which meeting requests and meetings: everything else is simply not found (404)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.models import User
from app.accounts.policy import NotFound
from app.accounts.roles import AccountStatus, Role
from app.accounts.scopes import visible, visible_row
from app.orgs.models import Agency
from scheduling.booking import book
from scheduling.models import Meeting, MeetingRequest
from tests.integration.helpers import NOTICES, make_organisation, make_user
from tests.integration.meeting_world import Party, Place, local, make_party, make_place

pytestmark = pytest.mark.usefixtures("database")
HOUR = timedelta(hours=1)


@pytest.fixture
async def place() -> Place:
    return await make_place()


async def _booked(place: Place) -> tuple[Party, Meeting]:
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    return party, meeting


async def _booked_later(place: Place) -> tuple[Party, Meeting]:
    party = await make_party(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[1], local(9), HOUR, notices=NOTICES
    )
    return party, meeting


async def _ids(user: User) -> tuple[set[int], set[int]]:
    requests = {r.id for r in await visible(MeetingRequest, user)}
    meetings = {m.id for m in await visible(Meeting, user)}
    return requests, meetings


async def test_a_lawyer_sees_only_their_own_requests_and_meetings(place: Place) -> None:
    mine, meeting = await _booked(place)
    other, _other_meeting = await _booked_later(place)
    assert await _ids(mine.lawyer) == ({mine.request.id}, {meeting.id})
    with pytest.raises(NotFound):
        await visible_row(MeetingRequest, mine.lawyer, other.request.id)


async def test_staff_see_their_facility_only(place: Place) -> None:
    party, meeting = await _booked(place)
    elsewhere = await make_user(Role.DETENTION_STAFF)  # a staff member of another facility
    assert await _ids(place.staff) == ({party.request.id}, {meeting.id})
    assert await _ids(elsewhere) == (set(), set())
    with pytest.raises(NotFound):
        await visible_row(Meeting, elsewhere, meeting.id)


async def test_an_investigator_sees_the_requests_of_their_agencys_cases(place: Place) -> None:
    party, meeting = await _booked(place)
    investigator = await make_user(Role.INVESTIGATOR, agency=place.agency, region_code="110108")
    stranger = await make_user(Role.INVESTIGATOR)  # another agency
    assert await _ids(investigator) == ({party.request.id}, {meeting.id})
    with pytest.raises(NotFound):
        await visible_row(MeetingRequest, stranger, party.request.id)


async def test_a_bar_auditor_sees_facilities_in_their_jurisdiction(place: Place) -> None:
    party, meeting = await _booked(place)
    beijing = await make_user(Role.BAR_AUDITOR, region_code="110000")
    shanghai = await make_user(Role.BAR_AUDITOR, region_code="310000")
    assert await _ids(beijing) == ({party.request.id}, {meeting.id})
    assert await _ids(shanghai) == (set(), set())


async def test_an_admin_sees_no_meetings(place: Place) -> None:
    _party, meeting = await _booked(place)
    admin = await make_user(Role.ADMIN)
    assert await _ids(admin) == (set(), set())
    with pytest.raises(NotFound):
        await visible_row(Meeting, admin, meeting.id)


async def test_a_disabled_account_sees_nothing(place: Place) -> None:
    party, _meeting = await _booked(place)
    party.lawyer.status = AccountStatus.DISABLED
    await party.lawyer.save()
    assert await _ids(party.lawyer) == (set(), set())


async def test_a_guessed_id_is_not_found_whether_or_not_it_exists(place: Place) -> None:
    party, meeting = await _booked(place)
    agency = await make_organisation("agency")
    assert isinstance(agency, Agency)
    outsider = await make_user(Role.INVESTIGATOR, agency=agency)
    for guessed in (meeting.id, meeting.id + 1000):
        with pytest.raises(NotFound):
            await visible_row(Meeting, outsider, guessed)
    with pytest.raises(NotFound):
        await visible_row(MeetingRequest, party.lawyer, party.request.id + 1000)
