"""The compliance figures count priority meetings, video meetings and the waitlist's offers
per detention centre (made, accepted, lapsed), on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.law.context import Law
from app.settings import LegalSection
from rights_checklist.compliance import compliance_report
from rights_checklist.compliance_types import ReportScope
from scheduling import offer_answers, offers
from scheduling.booking import book, cancel
from scheduling.kinds import RequestPurpose, RoomKind
from scheduling.models import MeetingRequest, Room
from scheduling.offer_answers import AnswerOffer
from tests.integration.helpers import NOTICES
from tests.integration.meeting_world import Party, Place, local, make_party, make_place

pytestmark = pytest.mark.usefixtures("database")
HOUR = timedelta(hours=1)
LAW = Law.from_settings(LegalSection())
POLICY = offers.OfferPolicy(
    hold=timedelta(minutes=30), min_notice=timedelta(minutes=30), horizon=timedelta(days=14)
)


def this_year() -> ReportScope:
    today = datetime.now(UTC).date()
    return ReportScope(date(today.year - 1, 1, 1), date(today.year + 1, 12, 31))


async def asked(place: Place, **fields: object) -> Party:
    """A request whose 48-hour clock started now (so it counts in the period)."""
    party = await make_party(place)
    now = datetime.now(UTC)
    await MeetingRequest.filter(id=party.request.id).update(
        clock_started_at=now, deadline_at=now + 48 * HOUR, **fields
    )
    party.request = await MeetingRequest.get(id=party.request.id)
    return party


async def freed_at(place: Place, hour: int) -> None:
    party = await asked(place)
    meeting = await book(party.lawyer, party.request, place.rooms[0], local(hour), HOUR,
                         notices=NOTICES)  # fmt: skip
    await cancel(party.lawyer, meeting, "", notices=NOTICES)


async def test_priority_and_video_requests_are_counted_per_centre() -> None:
    place = await make_place(rooms=1)
    await Room.create(facility=place.facility, name="Video", kind=RoomKind.VIDEO_LINK)
    await asked(place, purpose=RequestPurpose.FIRST_AFTER_DETENTION)
    await asked(place, purpose=RequestPurpose.ENGAGEMENT_CONFIRMATION)
    await asked(place, room_kind=RoomKind.VIDEO_LINK)
    await asked(place)
    report = await compliance_report(this_year(), refresh_by=LAW)
    (row,) = [f for f in report.facilities if f.facility_id == place.facility.id]
    assert (row.priority_meetings, row.video_meetings) == (2, 1)


async def test_offers_made_accepted_and_lapsed_are_counted_per_centre() -> None:
    place = await make_place(rooms=1)
    taker = await asked(place)
    await freed_at(place, 9)
    (offer,) = await offers.offer_round(place.facility.id, policy=POLICY, notices=NOTICES)
    await offer_answers.accept_offer(taker.lawyer, AnswerOffer(offer_id=offer.id),
                                     notices=NOTICES)  # fmt: skip
    decliner = await asked(place)
    await freed_at(place, 14)
    (second,) = await offers.offer_round(place.facility.id, policy=POLICY, notices=NOTICES)
    assert second.request_id == decliner.request.id
    await offer_answers.decline_offer(decliner.lawyer, AnswerOffer(offer_id=second.id))
    report = await compliance_report(this_year(), refresh_by=LAW)
    (row,) = [f for f in report.facilities if f.facility_id == place.facility.id]
    assert (row.offers_made, row.offers_accepted, row.offers_expired) == (2, 1, 0)
