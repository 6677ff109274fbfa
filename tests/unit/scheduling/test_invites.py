"""iCalendar invitations and feeds: they parse with icalendar and round-trip what they state."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from scheduling.invites import MeetingEvent, feed, meeting_invite

BEIJING = timezone(timedelta(hours=8))
EVENT = MeetingEvent(
    uid="3f1c2a9e-0000-4000-8000-000000000001@lawmeet",
    sequence=0,
    reference="7K3M9QXZ",
    starts_at=datetime(2026, 12, 7, 9, 0, tzinfo=BEIJING),
    ends_at=datetime(2026, 12, 7, 10, 0, tzinfo=BEIJING),
    facility_name="北京市第一看守所",
    facility_address="北京市海淀区看守所路1号",
    facility_timezone="Asia/Shanghai",
    room_name="会见室 3",
    lawyer_name="张律师",
    lawyer_email="zhang@lawfirm.example",
    organiser_address="lawmeet@court.example",
    alarm_minutes=(60, 15),
)


def vevent(text: str) -> tuple[Calendar, Calendar]:
    calendar = Calendar.from_ical(text)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_a_request_round_trips_uid_sequence_method_and_times() -> None:
    calendar, event = vevent(meeting_invite(replace(EVENT, sequence=3), "REQUEST"))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == EVENT.uid
    assert int(event["SEQUENCE"]) == 3
    assert event.decoded("DTSTART") == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    assert str(event["STATUS"]) == "CONFIRMED"


def test_times_are_written_in_utc() -> None:
    text = meeting_invite(EVENT, "REQUEST")
    assert "DTSTART:20261207T010000Z" in text and "DTEND:20261207T020000Z" in text
    assert "DTSTAMP:" in text and "VTIMEZONE" not in text


def test_a_cancellation_keeps_the_uid_and_says_cancelled() -> None:
    calendar, event = vevent(meeting_invite(replace(EVENT, sequence=2), "CANCEL"))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (EVENT.uid, 2)
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.walk("VALARM") == []  # no alarm for a meeting that will not happen


def test_the_facility_organises_and_the_lawyer_attends() -> None:
    _calendar, event = vevent(meeting_invite(EVENT, "REQUEST"))
    assert str(event["ORGANIZER"]) == "mailto:lawmeet@court.example"
    assert event["ORGANIZER"].params["CN"] == "北京市第一看守所"
    assert str(event["ATTENDEE"]) == "mailto:zhang@lawfirm.example"
    assert event["ATTENDEE"].params["CN"] == "张律师"


def test_a_lawyer_without_email_is_no_attendee() -> None:
    _calendar, event = vevent(meeting_invite(replace(EVENT, lawyer_email=""), "REQUEST"))
    assert "ATTENDEE" not in event


def test_the_location_is_the_facility_address_and_room() -> None:
    _calendar, event = vevent(meeting_invite(EVENT, "REQUEST"))
    assert str(event["LOCATION"]) == "北京市第一看守所, 北京市海淀区看守所路1号, 会见室 3"


def test_the_description_names_the_reference_and_the_three_documents_of_m1() -> None:
    _calendar, event = vevent(meeting_invite(EVENT, "REQUEST"))
    text = str(event["DESCRIPTION"])
    assert "7K3M9QXZ" in text
    for document in ("律师执业证书", "律师事务所证明", "委托书", "practice licence",
                     "Law-firm letter", "Power of attorney"):  # fmt: skip
        assert document in text


def test_one_alarm_per_configured_offset() -> None:
    _calendar, event = vevent(meeting_invite(EVENT, "REQUEST"))
    triggers = sorted(alarm.decoded("TRIGGER") for alarm in event.walk("VALARM"))
    assert triggers == [timedelta(minutes=-60), timedelta(minutes=-15)]


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        meeting_invite(replace(EVENT, starts_at=datetime(2026, 12, 7, 9)), "REQUEST")


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError):
        meeting_invite(EVENT, "PUBLISH")  # type: ignore[arg-type]


def test_a_feed_names_itself_and_holds_every_meeting_with_its_status() -> None:
    moved = replace(EVENT, uid="second@lawmeet", reference="8M4N0RY1", cancelled=True)
    calendar = Calendar.from_ical(feed("会见 Meetings", [EVENT, moved]))
    assert str(calendar["X-WR-CALNAME"]) == "会见 Meetings"
    events = {str(e["UID"]): str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert events == {EVENT.uid: "CONFIRMED", "second@lawmeet": "CANCELLED"}


def test_an_empty_feed_is_still_a_calendar() -> None:
    calendar = Calendar.from_ical(feed("empty", []))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"
