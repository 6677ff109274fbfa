"""What the calendar pages and the API share: feed addresses and the private .ics response."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import Response

CALENDAR_TYPE = "text/calendar; charset=utf-8"
# The URL is a bearer secret and the content names people: never kept by shared caches.
PRIVATE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


def feed_url(public_url: str, raw: str) -> str:
    return f"{public_url}/feeds/{raw}.ics"


def webcal_url(url: str) -> str:
    """The same URL for calendar apps that subscribe on a webcal:// link."""
    return "webcal://" + url.split("://", 1)[1] if urlsplit(url).scheme else url


def calendar_response(text: str, filename: str | None = None) -> Response:
    headers = dict(PRIVATE)
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(text.encode("utf-8"), media_type=CALENDAR_TYPE, headers=headers)
