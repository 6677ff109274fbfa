"""What booking, moving and cancelling a meeting tell the lawyer, in the change's transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from notifications.kinds import Channel
from notifications.models import Notification
from notifications.rendering import render
from scheduling import booking
from scheduling.availability import Interval
from scheduling.booking import MeetingConflict, book, cancel, reschedule
from scheduling.models import Meeting
from tests.integration.helpers import NOTICES
from tests.integration.meeting_world import Party, Place, local, make_party, make_place

pytestmark = pytest.mark.usefixtures("database")
HOUR = timedelta(hours=1)
PHONE = "+8613800138000"
CHANGES = ("meeting_booked", "meeting_rescheduled", "meeting_cancelled")


@pytest.fixture
async def place() -> Place:
    place = await make_place(rooms=2)
    place.facility.address = "北京市海淀区看守所路1号"
    await place.facility.save()
    return place


async def lawyer_with_phone(place: Place) -> Party:
    party = await make_party(place)
    party.lawyer.phone = PHONE
    await party.lawyer.save()
    return party


async def notices(template: str) -> dict[Channel, Notification]:
    rows = await Notification.filter(template=template)
    return {row.channel: row for row in rows}


def parsed(ics: str | None) -> Calendar:
    assert ics is not None
    return Calendar.from_ical(ics)


def vevent_of(calendar: Calendar) -> dict[str, object]:
    event = calendar.walk("VEVENT")[0]
    return {
        "uid": str(event["UID"]),
        "sequence": int(event["SEQUENCE"]),
        "status": str(event["STATUS"]),
        "location": str(event["LOCATION"]),
        "start": event.decoded("DTSTART"),
    }


async def test_booking_writes_an_email_with_a_request_invite_an_sms_and_an_inbox_notice(
    place: Place,
) -> None:
    party = await lawyer_with_phone(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    written = await notices("meeting_booked")
    assert set(written) == {Channel.EMAIL, Channel.SMS, Channel.INAPP}
    invite = parsed(written[Channel.EMAIL].calendar_ics)
    assert str(invite["METHOD"]) == "REQUEST"
    event = vevent_of(invite)
    assert (event["uid"], event["sequence"], event["status"]) == (meeting.uid, 0, "CONFIRMED")
    assert event["start"] == local(9)
    where = str(event["location"])
    assert "北京市海淀区看守所路1号" in where and "Room 1" in where
    assert written[Channel.SMS].address == PHONE
    assert written[Channel.INAPP].recipient_id == party.lawyer.id


async def test_the_sms_text_carries_the_reference_in_both_languages(place: Place) -> None:
    party = await lawyer_with_phone(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    sms = (await notices("meeting_booked"))[Channel.SMS]
    for language in ("zh-CN", "en"):
        assert meeting.reference in render("meeting_booked", language, sms.payload).sms


async def test_every_meeting_notice_has_the_meeting_as_topic(place: Place) -> None:
    party = await lawyer_with_phone(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    topics = {row.topic for row in await Notification.all()}
    assert topics == {f"meeting:{meeting.id}"}


async def test_a_lawyer_without_email_or_phone_still_gets_the_inbox_notice(place: Place) -> None:
    party = await make_party(place)
    party.lawyer.email = ""
    await party.lawyer.save()
    await book(party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    assert set(await notices("meeting_booked")) == {Channel.INAPP}


async def test_a_booking_refused_by_the_database_leaves_no_outbox_row(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = await lawyer_with_phone(place), await lawyer_with_phone(place)
    await book(first.lawyer, first.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    before = await Notification.all().count()

    async def no_early_check(
        request: object, room: object, starts_at: object, length: timedelta, exclude: object
    ) -> Interval:
        return Interval(local(9), local(10))  # straight to the insert, as in a race

    monkeypatch.setattr(booking, "_check_slot", no_early_check)
    with pytest.raises(MeetingConflict):
        await book(second.lawyer, second.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    assert await Notification.all().count() == before


async def test_a_booking_rolled_back_after_its_notices_were_written_leaves_none(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    party = await lawyer_with_phone(place)

    async def failing_record(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit store unavailable")

    # The audit entry is written after the notices, so this rolls back written rows.
    monkeypatch.setattr(booking, "record", failing_record)
    with pytest.raises(RuntimeError):
        await book(party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    assert await Notification.all().count() == 0
    assert await Meeting.all().count() == 0


async def test_a_reschedule_sends_a_request_with_the_raised_sequence(place: Place) -> None:
    party = await lawyer_with_phone(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    await reschedule(party.lawyer, meeting, place.rooms[1], local(14), HOUR, notices=NOTICES)
    email = (await notices("meeting_rescheduled"))[Channel.EMAIL]
    invite = parsed(email.calendar_ics)
    event = vevent_of(invite)
    assert str(invite["METHOD"]) == "REQUEST"
    assert (event["uid"], event["sequence"], event["start"]) == (meeting.uid, 1, local(14))
    assert "Room 2" in str(event["location"])


async def test_a_reschedule_then_a_cancel_give_sequences_0_1_2_under_one_uid(
    place: Place,
) -> None:
    party = await lawyer_with_phone(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    await reschedule(party.lawyer, meeting, place.rooms[0], local(11), HOUR, notices=NOTICES)
    await cancel(party.lawyer, meeting, "", notices=NOTICES)
    invites = []
    for kind in CHANGES:
        calendar = parsed((await notices(kind))[Channel.EMAIL].calendar_ics)
        invites.append((str(calendar["METHOD"]), *vevent_of(calendar).values()))
    assert [(m, uid, seq) for m, uid, seq, *_ in invites] == [
        ("REQUEST", meeting.uid, 0),
        ("REQUEST", meeting.uid, 1),
        ("CANCEL", meeting.uid, 2),
    ]
    assert invites[2][3] == "CANCELLED"


async def test_a_facility_cancellation_tells_the_lawyer_the_reason(place: Place) -> None:
    party = await lawyer_with_phone(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    await cancel(place.staff, meeting, "水管维修 burst pipe", notices=NOTICES)
    written = await notices("meeting_cancelled")
    assert str(parsed(written[Channel.EMAIL].calendar_ics)["METHOD"]) == "CANCEL"
    for language in ("zh-CN", "en"):
        message = render("meeting_cancelled", language, written[Channel.EMAIL].payload)
        assert "水管维修 burst pipe" in message.text and "水管维修 burst pipe" in message.sms


async def test_a_lawyers_own_cancellation_states_no_facility_reason(place: Place) -> None:
    party = await lawyer_with_phone(place)
    meeting = await book(
        party.lawyer, party.request, place.rooms[0], local(9), HOUR, notices=NOTICES
    )
    await cancel(party.lawyer, meeting, "client transferred", notices=NOTICES)
    payload = (await notices("meeting_cancelled"))[Channel.EMAIL].payload
    assert payload["by_facility"] is False
    assert "client transferred" not in render("meeting_cancelled", "en", payload).text


async def test_a_conflicting_reschedule_leaves_no_new_notice(place: Place) -> None:
    first, second = await lawyer_with_phone(place), await lawyer_with_phone(place)
    await book(first.lawyer, first.request, place.rooms[0], local(9), HOUR, notices=NOTICES)
    meeting = await book(
        second.lawyer, second.request, place.rooms[1], local(9), HOUR, notices=NOTICES
    )
    with pytest.raises(MeetingConflict):
        await reschedule(second.lawyer, meeting, place.rooms[0], local(9), HOUR, notices=NOTICES)
    assert await Notification.filter(template="meeting_rescheduled").count() == 0
