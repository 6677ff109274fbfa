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
    "interrogation": _("Interrogation room (only with the lawyer's written consent)"),
}

# Why the lawyer asks (scheduling.kinds.RequestPurpose); all but "ordinary" are priority
# meetings, shown as "Priority: ..." (PRIORITY_MARK).
REQUEST_PURPOSE_LABELS: dict[str, str] = {
    "ordinary": _("Ordinary meeting"),
    "first_after_detention": _("First meeting after detention"),
    "first_after_transfer": _("First meeting after transfer for prosecution review"),
    "engagement_confirmation": _(
        "Meeting to confirm the client's ending or changing of the engagement (R2015 art. 8)"
    ),
}
PRIORITY_MARK = _("Priority: %(purpose)s")

# The desk's answer to a longer meeting (scheduling.kinds.LongerDecision).
LONGER_DECISION_LABELS: dict[str, str] = {
    "": _("Awaiting the desk's decision"),
    "accepted": _("Accepted by the desk"),
    "refused": _("Refused by the desk"),
}

MEETING_STATUS_LABELS: dict[str, str] = {
    "active": _("Booked"),
    "cancelled": _("Cancelled"),
}

OFFER_STATUS_LABELS: dict[str, str] = {
    "open": _("Held for the lawyer"),
    "accepted": _("Accepted"),
    "declined": _("Declined"),
    "expired": _("Lapsed: offered to the next request"),
    "withdrawn": _("Withdrawn: the request was booked or ended"),
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
    "REQUEST_PURPOSE_LABELS": REQUEST_PURPOSE_LABELS,
    "PRIORITY_MARK": PRIORITY_MARK,
    "LONGER_DECISION_LABELS": LONGER_DECISION_LABELS,
    "OFFER_STATUS_LABELS": OFFER_STATUS_LABELS,
}

# Error codes of the request lifecycle (scheduling.access, permissions, attendance; the API).
MEETING_MESSAGES: dict[str, str] = {
    "permission_reasons_required": _("Give the written reasons for refusing permission."),
    "permission_not_awaited": _("This request is not waiting for a permission decision."),
    "permission_contact_unit_required": _(
        "Name the unit the lawyer and the detention centre contact about this decision."
    ),
    "permission_contact_person_required": _("Name the person to contact about this decision."),
    "permission_not_refused": _(
        "Only a refused permission can be lifted; this request is not refused (any more)."
    ),
    "lift_reason_required": _("Say why the reason for refusing has ended."),
    "meeting_wrong_state": _(
        "This step does not fit the meeting's present state (someone may have done it already). "
        "Reload to see the current state."
    ),
    "documents_not_verified": _(
        "Check the three documents before check-in; if one is missing, refuse with that reason."
    ),
    "no_assistant_registered": _("No assistant was registered with this request."),
    "video_documents_not_checked": _(
        "For a video meeting the desk must first check and accept the three uploaded documents."
    ),
    "confidentiality_not_confirmed": _(
        "Confirm that the meeting is neither monitored nor recorded (CPL art. 39(4))."
    ),
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
    "purpose_case_not_transferred": _(
        "The case has not been transferred for prosecution review: choose another purpose."
    ),
    "longer_reason_required": _(
        "This is longer than the detention centre's longest meeting: say why the defence needs "
        "it (the desk accepts it or refuses it on a lawful ground)."
    ),
    "interrogation_room_needs_consent": _(
        "An interrogation room may be used only with the lawyer's written consent (R2015 art. 7)."
    ),
    "longer_meeting_undecided": _(
        "Awaiting the desk's decision on the longer meeting: book one of the centre's lengths, "
        "or decide first."
    ),
    "confirmation_not_refusable": _(
        "A meeting to confirm the ending or changing of the engagement cannot be refused because "
        "the engagement has ended: only the client's written refusal ends it (R2015 art. 8)."
    ),
    "written_refusal_not_confirmation": _(
        "Only a meeting to confirm the ending or changing of an engagement ends on the "
        "client's written refusal."
    ),
    "written_refusal_statement_required": _(
        "Say what the client's written refusal says and how it was made; the lawyer receives it."
    ),
    "longer_decision_required": _("Choose whether to accept or refuse the longer meeting."),
    "no_longer_meeting_asked": _("This request does not ask for a longer meeting."),
    "longer_already_decided": _("The longer meeting has already been decided."),
    "longer_refusal_ground_required": _(
        "Give the lawful ground for refusing the longer meeting; the lawyer sees it."
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
