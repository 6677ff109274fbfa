"""English message ids for meetings (request statuses, room kinds, the pages' form errors and
the request lifecycle's error codes); Chinese in the catalogue. Booking's own codes are in
app.presentation.scheduling_labels."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from app.presentation.i18n import _, current_locale, gettext
from notifications.wording import day_in_words

REQUEST_STATUS_LABELS: dict[str, str] = {
    "requested": _("Waiting to be scheduled"),
    "awaiting_permission": _("Awaiting permission (M5)"),
    "permission_refused": _("Permission refused"),
    "scheduled": _("Scheduled"),
    "checked_in": _("Checked in"),
    "in_progress": _("In progress"),
    "completed": _("Completed"),
    "cancelled_by_lawyer": _("Cancelled by the lawyer"),
    "cancelled_by_facility": _("Cancelled by the detention centre"),
    "no_show": _("No-show"),
    "refused": _("Refused (lawful reason recorded)"),
}

ROOM_KIND_LABELS: dict[str, str] = {
    "in_person": _("In person"),
    "glass_partitioned": _("Glass-partitioned"),
    "video_link": _("Video link"),
}

MEETING_STATUS_LABELS: dict[str, str] = {
    "active": _("Booked"),
    "cancelled": _("Cancelled"),
}

MEETING_PAGE_MESSAGES: dict[str, str] = {
    "window_incomplete": _("Give the date, the start and the end of the window."),
    "window_order": _("The window must end after it starts."),
    "window_in_past": _("A preferred time must be in the future."),
    "window_outside_hours": _(
        "The centre does not receive lawyers at that time: choose a time within its opening hours."
    ),
    "assistant_incomplete": _("Give the assistant's name and licence or ID number, or neither."),
    "reason_required": _("Give the reason; it is recorded."),
    "slot_required": _("Choose one of the free times."),
    "decision_required": _("Choose whether to permit or refuse."),
}


def _hours_in_words(hours: list[Mapping[str, str]], language: str) -> str:
    """Opening spans as people list them: "09:00–11:30 and 14:00–17:00" (in Chinese joined
    by "、")."""
    spans = [f"{span['from']}–{span['to']}" for span in hours]
    if language != "en":
        return "、".join(spans)
    return spans[0] if len(spans) == 1 else f"{', '.join(spans[:-1])} and {spans[-1]}"


def window_outside_hours(facts: Mapping[str, Any]) -> str:
    """Why a preferred window is refused, with the centre's hours on that day (the facts of
    scheduling.asking: ``day``, ``opening_hours``)."""
    language = current_locale.get()
    day = day_in_words(date.fromisoformat(str(facts["day"])), language)
    hours = list(facts.get("opening_hours") or [])
    if not hours:
        text = gettext("The centre does not receive lawyers on %(day)s: choose another day.")
        return text % {"day": day}
    text = gettext(
        "The centre does not receive lawyers at that time: on %(day)s it is open %(hours)s."
    )
    return text % {"day": day, "hours": _hours_in_words(hours, language)}


# Codes whose words carry the facts of the error (DomainError.extensions).
MEETING_FACT_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "window_outside_hours": window_outside_hours,
}

JINJA_LABELS = {
    "REQUEST_STATUS_LABELS": REQUEST_STATUS_LABELS,
    "ROOM_KIND_LABELS": ROOM_KIND_LABELS,
    "MEETING_STATUS_LABELS": MEETING_STATUS_LABELS,
}

# Error codes of the request lifecycle (scheduling.access, permissions, attendance; the API).
MEETING_MESSAGES: dict[str, str] = {
    "permission_reasons_required": _("Give the written reasons for refusing permission."),
    "permission_not_awaited": _("This request is not waiting for a permission decision."),
    "meeting_wrong_state": _(
        "This step does not fit the meeting's present state (someone may have done it already). "
        "Reload to see the current state."
    ),
    "documents_not_verified": _(
        "Check the three documents before check-in; if one is missing, refuse with that reason."
    ),
    "no_assistant_registered": _("No assistant was registered with this request."),
    "time_in_future": _("The time cannot lie in the future."),
    "time_before_previous_step": _("The time cannot be before the previous step."),
    "no_show_too_early": _("A no-show can only be recorded once the booked start has passed."),
    "refusal_reason_unlawful": _(
        "Choose one of the lawful reasons. A lawyer is never refused for lack of a booking."
    ),
    "refusal_details_required": _("Say which of the three documents is missing."),
    "refusal_no_permission_needed": _(
        "This request needs no permission, or permission was granted."
    ),
    "cancel_reason_required": _("Give the reason for cancelling; the lawyer is told."),
    "reschedule_reason_required": _("Give the reason for moving the meeting; the lawyer is told."),
    "desk_only_field": _("Only detention-centre staff record walk-ins and past request times."),
    "window_invalid": _("Choose a search window that ends after it starts, at most 14 days."),
    "no_room_free_at_time": _(
        "No room is free at this time. Choose one of the free times offered."
    ),
    "no_slot_before_deadline": _(
        "No slot is free before the 48-hour deadline. The request stays open and is shown "
        "to staff as a capacity breach forecast; the next free times are offered."
    ),
}

# Lawful grounds for refusing a meeting (scheduling.attendance.RefusalReason).
REFUSAL_REASON_LABELS: dict[str, str] = {
    "permission_required_not_granted": _("Permission case (M5): permission not granted"),
    "lawyer_documents_incomplete": _("One of the three documents is missing"),
    "detainee_transferred": _("The detainee has been transferred"),
    "detainee_released": _("The detainee has been released"),
    "engagement_ended": _("The engagement has ended"),
}
