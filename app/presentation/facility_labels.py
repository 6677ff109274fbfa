"""English message ids for rooms, opening hours and closures; Chinese in the catalogue."""

from __future__ import annotations

from app.presentation.i18n import _

ROOM_KIND_LABELS: dict[str, str] = {
    "in_person": _("In person"),
    "glass_partitioned": _("Glass-partitioned"),
    "video_link": _("Video link"),
    # R2015 art. 7: used for a lawyer's meeting only with the lawyer's written consent.
    "interrogation": _("Interrogation room (only with the lawyer's written consent)"),
}

WEEKDAY_LABELS: tuple[str, ...] = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)

FACILITY_MESSAGES: dict[str, str] = {
    "room_name_taken": _("This detention centre already has a room of this name."),
    "room_name_too_long": _("A room name may have at most 100 characters."),
    "room_kind_invalid": _("Choose in person, glass-partitioned or video link."),
    "video_address_invalid": _(
        "Enter a web address (https://...) or a SIP address (sip:...) without spaces."
    ),
    "session_outside_day": _("A session starts and ends within one day (00:00-24:00)."),
    "session_ends_before_start": _("A session must end after it starts."),
    "session_overlaps": _(
        "This session overlaps another session of the same room (or of the whole centre) "
        "on the same weekday."
    ),
    "valid_to_before_valid_from": _("The last day cannot be before the first day."),
    "session_in_past": _("The last day of the session has already passed."),
    "weekday_invalid": _("Choose weekdays from Monday to Sunday."),
    "weekdays_required": _("Choose at least one weekday (or a date range of at most a week)."),
    "lengths_required": _("Allow at least one meeting length."),
    "length_not_offered": _("Choose meeting lengths from the list."),
    "buffer_out_of_range": _("The time between meetings must be 0 to 120 minutes."),
    "closure_reason_required": _("Give the reason for the closure."),
    "closure_reason_too_long": _("The reason may have at most 300 characters."),
    "closure_ends_before_start": _("A closure must end after it starts."),
    "closure_in_past": _("This closure would already be over."),
    "closure_over": _("This closure is already over and stays on record."),
}

JINJA_LABELS = {"ROOM_KIND_LABELS": ROOM_KIND_LABELS, "WEEKDAY_LABELS": WEEKDAY_LABELS}
