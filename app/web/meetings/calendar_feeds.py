"""Calendar pages: the subscription feed itself (no sign-in: the secret URL is the key), the
feed management page, and the invitation download of one meeting."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.accounts.policy import Action, NotFound
from app.accounts.scopes import visible_row
from app.errors import DomainError, raise_all
from app.presentation.calendar_feeds import calendar_response, feed_url, webcal_url
from app.web.auth import permitted
from app.web.csrf import checked_form
from app.web.forms import every_form_error, int_or_none, text_values
from scheduling import feeds
from scheduling.models import Meeting, Room
from scheduling.video_links import link_of

FEED_FIELDS = ("scope", "room")


async def feed_file(request: Request) -> Response:
    found = await feeds.resolve(request.path_params["token"])
    if found is None:
        raise NotFound("calendar_feed")
    config = feeds.FeedSettings.of(request.app.state.settings)
    return calendar_response(await feeds.feed_text(found, config))


async def invite_file(request: Request) -> Response:
    user = permitted(request, Action.VIEW_MEETINGS)
    meeting = await visible_row(Meeting, user, request.path_params["meeting_id"])
    config = feeds.FeedSettings.of(request.app.state.settings)
    link = await link_of(meeting, user, request.app.state.notices.video)  # the reader's own
    text = await feeds.invite_text(meeting, config, link)
    return calendar_response(text, f"meeting-{meeting.reference}.ics")


async def _page(
    request: Request, user: User, extra: dict[str, Any] | None = None, status: int = 200
) -> Response:
    rooms = await Room.filter(facility_id=user.facility_id) if user.facility_id else []
    zone = None
    if user.facility_id:
        await user.fetch_related("facility")
        zone = user.facility.timezone if user.facility else None
    context = {
        "feeds": await feeds.feeds_of(user),
        "scopes": feeds.scopes_for(user),
        "rooms": rooms,
        "zone": zone,
        "values": {},
        "errors": {},
        **(extra or {}),
    }
    templates = request.app.state.templates
    return templates.render(  # type: ignore[no-any-return]
        request, "calendar/feeds.html", context, status_code=status
    )


async def feeds_page(request: Request) -> Response:
    user = permitted(request, Action.MANAGE_CALENDAR_FEEDS)
    return await _page(request, user)


async def create_feed(request: Request) -> Response:
    user = permitted(request, Action.MANAGE_CALENDAR_FEEDS)
    form = await checked_form(request)
    values = text_values(form, FEED_FIELDS)
    room_id = int_or_none(values["room"])
    try:
        # The checks of each field first, so that the page shows every wrong field at once.
        found: list[DomainError] = []
        if values["scope"] not in feeds.scopes_for(user):
            found.append(DomainError("feed_scope_not_allowed", field="scope"))
        if values["room"].strip() and room_id is None:
            found.append(DomainError("value_invalid", field="room"))
        raise_all(found)
        _feed, raw = await feeds.create_feed(user, values["scope"], room_id=room_id)
    except DomainError as exc:
        errors = every_form_error(exc, FEED_FIELDS)
        return await _page(request, user, {"values": values, "errors": errors}, exc.status)
    url = feed_url(request.app.state.settings.app.public_url, raw)
    # The URL is shown on this one response and never again (only its hash is kept).
    return await _page(request, user, {"new_url": url, "new_webcal": webcal_url(url)}, 201)


async def revoke_feed(request: Request) -> Response:
    user = permitted(request, Action.MANAGE_CALENDAR_FEEDS)
    await checked_form(request)
    await feeds.revoke_feed(user, request.path_params["feed_id"])
    return RedirectResponse("/profile/calendar-feeds", status_code=303)


routes = [
    Route("/feeds/{token}.ics", feed_file, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/invite.ics", invite_file, methods=["GET"]),
    Route("/profile/calendar-feeds", feeds_page, methods=["GET"]),
    Route("/profile/calendar-feeds", create_feed, methods=["POST"]),
    Route("/profile/calendar-feeds/{feed_id:int}/revoke", revoke_feed, methods=["POST"]),
]
