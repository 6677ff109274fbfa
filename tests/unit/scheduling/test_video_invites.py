"""The invitation of a video meeting carries the reader's join link and when it works."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from icalendar import Calendar

from scheduling.invites import MeetingEvent, meeting_invite
from scheduling.video import VideoLink

BEIJING = timezone(timedelta(hours=8))
URL = "https://meet.example.org/k5q3x7?jwt=eyJ.token.sig"
EVENT = MeetingEvent(
    uid="3f1c2a9e-0000-4000-8000-000000000002@lawmeet",
    sequence=0,
    reference="7K3M9QXV",
    starts_at=datetime(2026, 12, 7, 9, 0, tzinfo=BEIJING),
    ends_at=datetime(2026, 12, 7, 10, 0, tzinfo=BEIJING),
    facility_name="北京市第一看守所",
    facility_address="北京市海淀区看守所路1号",
    facility_timezone="Asia/Shanghai",
    room_name="视频会见室",
    lawyer_name="张律师",
    lawyer_email="zhang@lawfirm.example",
    organiser_address="lawmeet@court.example",
)
LINK = VideoLink(URL, datetime(2026, 12, 7, 8, 50, tzinfo=BEIJING), EVENT.ends_at)


def _event(event: MeetingEvent) -> Calendar:
    found = Calendar.from_ical(meeting_invite(event, "REQUEST")).walk("VEVENT")
    assert len(found) == 1
    return found[0]


def test_a_video_invite_carries_the_join_link_as_url_and_location() -> None:
    event = _event(replace(EVENT, video=LINK))
    assert str(event["URL"]) == URL
    assert str(event["LOCATION"]).startswith(URL)


def test_a_video_invite_describes_the_window_in_words_not_zone_ids() -> None:
    text = str(_event(replace(EVENT, video=LINK))["DESCRIPTION"])
    assert URL in text
    assert "2026年12月7日（周一）08:50至10:00 北京时间" in text
    assert "Mon 7 Dec 2026, 08:50-10:00 Beijing time" in text
    assert "Asia/Shanghai" not in text


def test_an_in_person_invite_has_no_url_and_asks_for_the_papers() -> None:
    event = _event(EVENT)
    assert "URL" not in event
    assert "请携带" in str(event["DESCRIPTION"])
