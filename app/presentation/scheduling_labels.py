"""English message ids for the scheduling codes; Chinese in the catalogue."""

from __future__ import annotations

from app.presentation.i18n import _

SCHEDULING_MESSAGES: dict[str, str] = {
    "meeting_conflict": _(
        "This time is already taken for the room, the detainee or the lawyer. "
        "Choose one of the free times offered."
    ),
    "slot_unavailable": _(
        "The detention centre takes no meetings at this time (outside opening hours, "
        "a closure or the time needed between meetings). Choose one of the free times offered."
    ),
    "length_not_allowed": _("The detention centre does not offer meetings of this length."),
    "request_not_bookable": _("This meeting request cannot be booked in its present state."),
    "meeting_not_active": _("This meeting has already been cancelled."),
    "room_unavailable": _("Choose a room of this detention centre that is in service."),
    "documents_not_presented": _(
        "Upload the three documents first (practice licence, law-firm letter, power of attorney "
        "or legal-aid letter): one is missing or was rejected by the detention centre."
    ),
    "idempotency_key_reused": _("This booking key was already used for another request."),
    "clock_already_running": _("The 48-hour clock of this request is already running."),
    "slot_held": _(
        "This time is held for another lawyer whose request has less statutory time left. "
        "Choose one of the free times offered."
    ),
    "offer_not_open": _(
        "This offer is no longer open: it was answered, or its holding time has passed and the "
        "time went to the next request in line."
    ),
    "closure_not_shortened": _("Choose an end earlier than the closure's present end."),
}
