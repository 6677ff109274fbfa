"""iCalendar text for meetings: an invitation (iTIP REQUEST or CANCEL) and subscription feeds.

Pure: the caller gathers the meeting's facts into a MeetingEvent; nothing here reads the
database. Times are written in UTC ("Z"), which every calendar client understands without a
VTIMEZONE. The UID never changes for a meeting and SEQUENCE comes from the meeting row (raised
on every change), so calendar clients update or remove the one event they already hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from app import clock
from notifications.wording import notice_span
from scheduling.video import VideoLink

Method = Literal["REQUEST", "CANCEL"]
PRODID: Final = "-//lawmeet//meetings//ZH-CN"

# The three documents of duty M1 (CPL 39(2)): shown in Chinese first, then English.
WHAT_TO_BRING: Final = (
    "请携带 / Please bring:\n"
    "- 律师执业证书 / Lawyer's practice licence\n"
    "- 律师事务所证明 / Law-firm letter\n"
    "- 委托书或法律援助公函 / Power of attorney or legal-aid letter"
)
# A video meeting: the documents are uploaded and checked before it (nothing to bring).
REMOTE_DOCUMENTS: Final = (
    "三份文件（律师执业证书、律师事务所证明、委托书或法律援助公函）须在会见前上传，由看守所核验。\n"
    "Upload the three documents (practice licence, law-firm letter, power of attorney or "
    "legal-aid letter) before the meeting; the detention centre checks them."
)


@dataclass(frozen=True)
class MeetingEvent:
    """What a calendar needs to know about one meeting; never the detainee's identity."""

    uid: str
    sequence: int
    reference: str
    starts_at: datetime  # aware
    ends_at: datetime  # aware
    facility_name: str
    facility_address: str
    facility_timezone: str
    room_name: str
    lawyer_name: str
    lawyer_email: str
    organiser_address: str  # the configured sender address, standing for the facility
    cancelled: bool = False
    alarm_minutes: tuple[int, ...] = ()
    what_to_bring: str = WHAT_TO_BRING
    stamp: datetime = field(default_factory=lambda: clock.now())
    video: VideoLink | None = None  # a video meeting's join link, for the invite's reader


def summary(event: MeetingEvent) -> str:
    return f"律师会见 Lawyer meeting {event.reference} · {event.room_name} · {event.lawyer_name}"


def location(event: MeetingEvent) -> str:
    if event.video is not None:  # where to join; the centre's room in brackets
        return f"{event.video.url} ({event.facility_name}, {event.room_name})"
    place = ", ".join(part for part in (event.facility_address, event.room_name) if part)
    return f"{event.facility_name}, {place}" if place else event.facility_name


def join_window(link: VideoLink, zone: str, language: str) -> str:
    """When a video link works, on the centre's clock with the zone in words."""
    return notice_span(link.opens_at, link.closes_at, zone, language)


def description(event: MeetingEvent) -> str:
    reference = f"预约编号 / Reference: {event.reference}"
    link = event.video
    if link is None:
        return f"{reference}\n\n{event.what_to_bring}"
    zone = event.facility_timezone
    return (
        f"{reference}\n\n"
        f"视频会见链接 / Join the video meeting: {link.url}\n"
        f"可加入时间：{join_window(link, zone, 'zh-CN')}\n"
        f"The link works: {join_window(link, zone, 'en')}\n\n"
        f"{REMOTE_DOCUMENTS}"
    )


def _utc(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError("meeting times must be aware")
    return moment.astimezone(UTC)


def _vevent(event: MeetingEvent, *, with_people: bool) -> Event:
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", _utc(event.stamp))
    vevent.add("dtstart", _utc(event.starts_at))
    vevent.add("dtend", _utc(event.ends_at))
    vevent.add("summary", summary(event))
    vevent.add("location", location(event))
    vevent.add("description", description(event))
    if event.video is not None:
        vevent.add("url", event.video.url)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    if with_people:
        organiser = vCalAddress(f"mailto:{event.organiser_address}")
        organiser.params["cn"] = vText(event.facility_name)
        vevent.add("organizer", organiser)
        if event.lawyer_email:
            attendee = vCalAddress(f"mailto:{event.lawyer_email}")
            attendee.params["cn"] = vText(event.lawyer_name)
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            attendee.params["partstat"] = vText("ACCEPTED")
            vevent.add("attendee", attendee)
    if not event.cancelled:
        for minutes in sorted(set(event.alarm_minutes), reverse=True):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary(event))
            alarm.add("trigger", timedelta(minutes=-minutes))
            vevent.add_component(alarm)
    return vevent


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def meeting_invite(event: MeetingEvent, method: Method) -> str:
    """One meeting as an iTIP message: REQUEST for a booking or move, CANCEL for a cancellation
    (then STATUS:CANCELLED, whatever `event.cancelled` says)."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unknown iTIP method {method!r}")
    if method == "CANCEL" and not event.cancelled:
        event = replace(event, cancelled=True)
    calendar = _calendar(method)
    calendar.add_component(_vevent(event, with_people=True))
    return _text(calendar)


def feed(name: str, events: Iterable[MeetingEvent]) -> str:
    """A subscription calendar (METHOD:PUBLISH) with one VEVENT per meeting; cancelled meetings
    stay in it with STATUS:CANCELLED, so subscribed clients drop them."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")  # a hint for how often clients should poll
    for event in events:
        calendar.add_component(_vevent(event, with_people=False))
    return _text(calendar)


def _text(calendar: Calendar) -> str:
    data: bytes = calendar.to_ical()  # CRLF line ends and folding, as RFC 5545 asks
    return data.decode("utf-8")
