"""Calendar subscription feeds: secret, revocable URLs serving meetings as iCalendar.

A lawyer subscribes to their own meetings; detention staff to their facility's or one room's.
The raw token is returned once at creation; only its SHA-256 is stored (like API tokens), so a
database reader cannot subscribe. A feed stops working when revoked, when its owner is disabled,
or when a staff owner no longer belongs to the facility it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Final, Literal

from tortoise.transactions import in_transaction

from app import clock
from app.accounts.models import User
from app.accounts.policy import NotFound
from app.accounts.roles import Role
from app.accounts.secrets import digest, new_token
from app.audit.service import record
from app.errors import DomainError
from app.orgs.models import Facility
from app.settings import Settings
from scheduling.invites import MeetingEvent, feed, meeting_invite
from scheduling.kinds import MeetingStatus
from scheduling.models import CalendarFeed, Meeting, Room
from scheduling.video import VideoLink

TOKEN_PREFIX: Final = "cal_"  # noqa: S105 - a public marker, not a secret
SCOPES: Final = ("lawyer", "facility", "room")
HISTORY: Final = timedelta(days=30)  # past meetings kept in a feed
MAX_EVENTS: Final = 5000  # a bound on one response, far above a facility's month


@dataclass(frozen=True)
class FeedSettings:
    """What a feed needs from settings: the organiser address and the alarms."""

    organiser_address: str
    alarm_minutes: tuple[int, ...]

    @classmethod
    def of(cls, settings: Settings) -> FeedSettings:
        return cls(settings.email.from_address, settings.calendar.alarm_minutes_before)


def scopes_for(user: User) -> tuple[str, ...]:
    if user.role == Role.LAWYER:
        return ("lawyer",)
    if user.role == Role.DETENTION_STAFF and user.facility_id:
        return ("facility", "room")
    return ()


async def create_feed(
    owner: User, scope: str, *, room_id: int | None = None
) -> tuple[CalendarFeed, str]:
    """A new feed and its raw token (shown once). Staff feeds are of the owner's own facility;
    a room outside it is not found (404)."""
    if scope not in scopes_for(owner):
        raise DomainError("feed_scope_not_allowed", field="scope")
    facility_id: int | None = None
    if scope in ("facility", "room"):
        facility_id = owner.facility_id
    if scope == "room":
        if room_id is None:
            raise DomainError("required", field="room")
        room = await Room.get_or_none(id=room_id, facility_id=owner.facility_id)
        if room is None:
            raise NotFound("room")
    else:
        room_id = None
    raw = TOKEN_PREFIX + new_token(32)
    async with in_transaction():
        created = await CalendarFeed.create(
            owner_id=owner.id, scope=scope, facility_id=facility_id, room_id=room_id,
            token_hash=digest(raw),
        )  # fmt: skip
        await record(owner, "calendar_feed.created", "calendar_feed", created.id,
                     {"scope": scope, "facility": facility_id, "room": room_id})  # fmt: skip
    return created, raw


async def revoke_feed(owner: User, feed_id: int) -> CalendarFeed:
    """Revoke one of the owner's feeds (another's is not found); revoking twice is harmless."""
    async with in_transaction():
        found = await CalendarFeed.get_or_none(id=feed_id, owner_id=owner.id)
        if found is None:
            raise NotFound("calendar_feed")
        if found.revoked_at is None:
            found.revoked_at = clock.now()
            await found.save(update_fields=["revoked_at"])
            await record(owner, "calendar_feed.revoked", "calendar_feed", found.id, {})
    return found


async def feeds_of(owner: User) -> list[CalendarFeed]:
    return await CalendarFeed.filter(owner_id=owner.id).select_related("room", "facility")


async def resolve(token: str) -> CalendarFeed | None:
    """The live feed a token opens, or None (unknown, revoked, or no longer in scope)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 80:
        return None
    found = await CalendarFeed.get_or_none(
        token_hash=digest(token), revoked_at=None
    ).select_related("owner", "facility", "room")
    if found is None or not found.owner.is_active:
        return None
    owner = found.owner
    if found.scope == "lawyer":
        return found if owner.role == Role.LAWYER else None
    # Staff moved to another facility lose the old facility's calendar.
    if owner.role != Role.DETENTION_STAFF or owner.facility_id != found.facility_id:
        return None
    return found


async def feed_meetings(found: CalendarFeed, now: datetime | None = None) -> list[Meeting]:
    since = (now or clock.now()) - HISTORY
    query = Meeting.filter(ends_at__gte=since)
    if found.scope == "lawyer":
        query = query.filter(lawyer_id=found.owner_id)
    elif found.scope == "facility":
        query = query.filter(room__facility_id=found.facility_id)
    else:
        query = query.filter(room_id=found.room_id)
    return (
        await query.select_related("room__facility", "lawyer")
        .order_by("starts_at", "id")
        .limit(MAX_EVENTS)
    )


def event_of(meeting: Meeting, config: FeedSettings) -> MeetingEvent:
    """The calendar facts of a meeting loaded with room__facility and lawyer."""
    facility: Facility = meeting.room.facility
    return MeetingEvent(
        uid=meeting.uid,
        sequence=meeting.sequence,
        reference=meeting.reference,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        facility_name=facility.name,
        facility_address=facility.address,
        facility_timezone=facility.timezone,
        room_name=meeting.room.name,
        lawyer_name=meeting.lawyer.display_name,
        lawyer_email=meeting.lawyer.email,
        organiser_address=config.organiser_address,
        cancelled=meeting.status == MeetingStatus.CANCELLED,
        alarm_minutes=config.alarm_minutes,
    )


def feed_name(found: CalendarFeed) -> str:
    if found.scope == "lawyer":
        return f"律师会见 Meetings · {found.owner.display_name}"
    if found.scope == "room" and found.room is not None:
        return f"会见室 Room · {found.room.name}"
    facility = found.facility.name if found.facility is not None else ""
    return f"看守所会见 Facility meetings · {facility}"


async def feed_text(found: CalendarFeed, config: FeedSettings) -> str:
    meetings = await feed_meetings(found)
    return feed(feed_name(found), [event_of(m, config) for m in meetings])


async def invite_text(
    meeting: Meeting, config: FeedSettings, video: VideoLink | None = None
) -> str:
    """The meeting's current invitation: REQUEST while active, CANCEL once cancelled; with the
    reader's own join link for a video meeting (``scheduling.video_links.link_of``)."""
    await meeting.fetch_related("room__facility", "lawyer")
    method: Literal["REQUEST", "CANCEL"] = (
        "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"
    )
    return meeting_invite(replace(event_of(meeting, config), video=video), method)
