"""Opening a meeting request: the 48-hour clock, policy P1 and permission cases (M5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.audit.models import AuditEntry
from app.cases.kinds import CaseCategory, EngagementStatus
from app.cases.models import Case
from app.errors import DomainError
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from scheduling.booking import book
from scheduling.kinds import RequestStatus
from scheduling.requests import NewRequest, earliest_free_slot, open_request, start_clock
from tests.integration.helpers import NOTICES
from tests.integration.meeting_world import Place, local, make_party, make_place

pytestmark = pytest.mark.usefixtures("database")
CALENDAR = RestDayCalendar()
DEFAULT = LegalPolicies()
AFTER_CHECK = LegalPolicies(meeting_clock_start="after_document_check")
FRIDAY_EVENING = datetime(2026, 11, 27, 13, 40, tzinfo=UTC)  # 21:40 in Beijing (story 1)


@pytest.fixture
async def place() -> Place:
    return await make_place()


async def test_the_clock_runs_48_hours_from_the_next_full_hour(place: Place) -> None:
    party = await make_party(place)
    request = await open_request(
        party.lawyer, party.engagement, NewRequest(requested_at=FRIDAY_EVENING),
        policies=DEFAULT, calendar=CALENDAR,
    )  # fmt: skip
    assert request.status == RequestStatus.REQUESTED
    assert request.clock_started_at == FRIDAY_EVENING
    assert request.deadline_at == datetime(2026, 11, 29, 14, 0, tzinfo=UTC)  # Sun 22:00 Beijing


async def test_the_stored_deadline_names_its_rule_and_policies(place: Place) -> None:
    party = await make_party(place)
    request = await open_request(
        party.lawyer, party.engagement, NewRequest(requested_at=FRIDAY_EVENING),
        policies=DEFAULT, calendar=CALENDAR,
    )  # fmt: skip
    assert request.deadline is not None
    assert request.deadline["period"] == "48h" and request.deadline["kind"] == "procedural"
    assert request.deadline["policies"] == {
        "hour_start_rule": "next_full_hour",
        "hour_periods_extend_on_holiday": False,
        "meeting_clock_start": "on_request",
    }
    assert request.deadline["basis"] == "CPL 39(2); MPS 53; R2015 art. 7"  # the catalogue's M1


async def test_opening_a_request_is_audited(place: Place) -> None:
    party = await make_party(place)
    request = await open_request(
        party.lawyer, party.engagement, NewRequest(walk_in=True), policies=DEFAULT,
        calendar=CALENDAR,
    )  # fmt: skip
    entry = await AuditEntry.get(action="meeting_request.opened")
    assert entry.object_id == str(request.id) and entry.summary["walk_in"] is True


async def test_after_document_check_the_clock_waits_for_the_check(place: Place) -> None:
    party = await make_party(place)
    request = await open_request(
        party.lawyer, party.engagement, NewRequest(requested_at=FRIDAY_EVENING),
        policies=AFTER_CHECK, calendar=CALENDAR,
    )  # fmt: skip
    assert request.clock_started_at is None and request.deadline_at is None
    checked = FRIDAY_EVENING + timedelta(hours=2)
    await start_clock(place.staff, request, checked, policies=AFTER_CHECK, calendar=CALENDAR)
    assert request.clock_started_at == checked
    assert request.deadline is not None
    assert request.deadline["policies"]["meeting_clock_start"] == "after_document_check"


async def test_a_state_security_investigation_waits_for_permission(place: Place) -> None:
    party = await make_party(place)
    await Case.filter(id=party.engagement.case_id).update(category=CaseCategory.STATE_SECURITY)
    request = await open_request(
        party.lawyer, party.engagement, NewRequest(), policies=DEFAULT, calendar=CALENDAR
    )
    assert request.status == RequestStatus.AWAITING_PERMISSION
    assert request.deadline_at is None
    with pytest.raises(DomainError) as caught:
        await book(
            party.lawyer, request, place.rooms[0], local(9), timedelta(hours=1), notices=NOTICES
        )
    assert caught.value.code == "request_not_bookable"


async def test_an_inactive_engagement_cannot_request_a_meeting(place: Place) -> None:
    party = await make_party(place)
    party.engagement.status = EngagementStatus.TERMINATED
    with pytest.raises(DomainError) as caught:
        await open_request(
            party.lawyer, party.engagement, NewRequest(), policies=DEFAULT, calendar=CALENDAR
        )
    assert caught.value.code == "engagement_terminated"


async def test_a_length_the_facility_does_not_offer_is_refused(place: Place) -> None:
    party = await make_party(place)
    with pytest.raises(DomainError) as caught:
        await open_request(
            party.lawyer, party.engagement, NewRequest(length_minutes=50), policies=DEFAULT,
            calendar=CALENDAR,
        )  # fmt: skip
    assert caught.value.code == "length_not_allowed"


async def test_earliest_free_slot_keeps_the_buffer_after_a_meeting() -> None:
    place = await make_place(rooms=1)
    first, second = await make_party(place), await make_party(place)
    await book(
        first.lawyer, first.request, place.rooms[0], local(8), timedelta(hours=1), notices=NOTICES
    )
    second.request.deadline_at = local(12)
    slot = await earliest_free_slot(second.request, now=local(7))
    assert slot is not None
    assert (slot.start, slot.room_id) == (local(9, 15), place.rooms[0].id)  # 09:00 + 10 min


async def test_earliest_free_slot_is_none_when_nothing_ends_by_the_deadline() -> None:
    place = await make_place(rooms=1)
    first, second = await make_party(place), await make_party(place)
    await book(
        first.lawyer, first.request, place.rooms[0], local(8), timedelta(hours=1), notices=NOTICES
    )
    second.request.deadline_at = local(10)
    assert await earliest_free_slot(second.request, now=local(7)) is None
