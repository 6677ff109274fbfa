"""English message ids for the calendar-feed codes; Chinese in the catalogue."""

from __future__ import annotations

from app.presentation.i18n import _

CALENDAR_MESSAGES: dict[str, str] = {
    "feed_scope_not_allowed": _(
        "Choose a feed you may have: lawyers their own meetings, detention-centre staff "
        "their centre's or one of its rooms."
    ),
}
