"""/api/v1 calendar endpoints: my subscription feeds, and one meeting's invitation file."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict
from starlette.requests import Request
from starlette.responses import Response

from app.accounts.models import User
from app.accounts.policy import Action
from app.accounts.scopes import visible_row
from app.api.fields import RowId
from app.api.framework import Endpoint
from app.presentation.calendar_feeds import calendar_response, feed_url, webcal_url
from scheduling import feeds
from scheduling.models import CalendarFeed, Meeting
from scheduling.video_links import link_of

P = "/api/v1"


class CalendarFeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: Literal["lawyer", "facility", "room"]
    room_id: RowId | None = None


class CalendarFeedOut(BaseModel):
    id: int
    scope: str
    facility_id: int | None
    room_id: int | None
    created_at: datetime
    revoked_at: datetime | None


class CalendarFeedCreated(CalendarFeedOut):
    """The feed with its secret address, shown in this answer only."""

    url: str
    webcal_url: str


def feed_out(found: CalendarFeed) -> CalendarFeedOut:
    return CalendarFeedOut(
        id=found.id, scope=found.scope, facility_id=found.facility_id, room_id=found.room_id,
        created_at=found.created_at, revoked_at=found.revoked_at,
    )  # fmt: skip


async def list_calendar_feeds(user: User) -> list[CalendarFeedOut]:
    return [feed_out(found) for found in await feeds.feeds_of(user)]


async def create_calendar_feed(
    request: Request, user: User, body: CalendarFeedCreate
) -> CalendarFeedCreated:
    found, raw = await feeds.create_feed(user, body.scope, room_id=body.room_id)
    url = feed_url(request.app.state.settings.app.public_url, raw)
    return CalendarFeedCreated(**feed_out(found).model_dump(), url=url, webcal_url=webcal_url(url))


async def revoke_calendar_feed(user: User, feed_id: int) -> None:
    await feeds.revoke_feed(user, feed_id)


async def meeting_invite_file(request: Request, user: User, meeting_id: int) -> Response:
    meeting = await visible_row(Meeting, user, meeting_id)
    config = feeds.FeedSettings.of(request.app.state.settings)
    link = await link_of(meeting, user, request.app.state.notices.video)  # the reader's own
    text = await feeds.invite_text(meeting, config, link)
    return calendar_response(text, f"meeting-{meeting.reference}.ics")


CALENDAR_ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET", f"{P}/calendar-feeds", list_calendar_feeds,
        "My calendar subscription feeds (never their secret address)", "calendar",
        Action.MANAGE_CALENDAR_FEEDS, response=CalendarFeedOut, list_response=True,
    ),
    Endpoint(
        "POST", f"{P}/calendar-feeds", create_calendar_feed,
        "Create a feed: lawyers their meetings; staff their facility's or a room's. "
        "The address is in this answer only", "calendar", Action.MANAGE_CALENDAR_FEEDS,
        body=CalendarFeedCreate, response=CalendarFeedCreated, status=201, errors=(404,),
    ),
    Endpoint(
        "DELETE", f"{P}/calendar-feeds/{{feed_id:int}}", revoke_calendar_feed,
        "Revoke one of my feeds: its address stops working", "calendar",
        Action.MANAGE_CALENDAR_FEEDS, errors=(404,),
    ),
    Endpoint(
        "GET", f"{P}/meetings/{{meeting_id:int}}/invite.ics", meeting_invite_file,
        "The meeting's iCalendar invitation (REQUEST, or CANCEL once cancelled)", "calendar",
        Action.VIEW_MEETINGS, file_response=("text/calendar",), errors=(404,),
    ),
]  # fmt: skip
