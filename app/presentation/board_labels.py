"""English message ids for the day board and walk-in desk; Chinese in the catalogue.
Request statuses and room kinds come from app.presentation.meeting_labels (one label per status)."""

from __future__ import annotations

from app.presentation.i18n import _
from app.presentation.meeting_labels import (
    LONGER_DECISION_LABELS,
    MEETING_STATUS_LABELS,
    PRIORITY_MARK,
    REQUEST_PURPOSE_LABELS,
    REQUEST_STATUS_LABELS,
    ROOM_KIND_LABELS,
)

# What the board shows for one meeting: the meeting's own attendance, or "cancelled".
BOARD_STATE_LABELS: dict[str, str] = {
    "scheduled": REQUEST_STATUS_LABELS["scheduled"],
    "checked_in": REQUEST_STATUS_LABELS["checked_in"],
    "in_progress": REQUEST_STATUS_LABELS["in_progress"],
    "completed": REQUEST_STATUS_LABELS["completed"],
    "no_show": REQUEST_STATUS_LABELS["no_show"],
    "cancelled": MEETING_STATUS_LABELS["cancelled"],
}

BOARD_MESSAGES: dict[str, str] = {
    "engagement_required": _("Choose the engagement the lawyer presents."),
    "lawyer_required": _("Choose the registered lawyer named on the documents."),
    "detainee_required": _("Choose the client held here that the documents name."),
    "documents_required": _(
        "Tick each of the documents the lawyer presented: the practice licence, the law-firm "
        "letter and the power of attorney or legal-aid letter. No other document may be asked for."
    ),
}

JINJA_LABELS = {
    "BOARD_STATE_LABELS": BOARD_STATE_LABELS,
    "REQUEST_STATUS_LABELS": REQUEST_STATUS_LABELS,
    "ROOM_KIND_LABELS": ROOM_KIND_LABELS,
    "REQUEST_PURPOSE_LABELS": REQUEST_PURPOSE_LABELS,
    "PRIORITY_MARK": PRIORITY_MARK,
    "LONGER_DECISION_LABELS": LONGER_DECISION_LABELS,
}
