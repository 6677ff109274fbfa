"""English message ids of the rights checklist and case-notice forms; Chinese in the catalogue."""

from __future__ import annotations

from app.presentation.i18n import _

CHECKLIST_MESSAGES: dict[str, str] = {
    "opinions_not_acknowledged": _(
        "Written defence opinions of this case are not yet acknowledged. Acknowledge them first, "
        "or state why the investigation ends without it."
    ),
    "engagement_notice_missing": _("The lawyer has not sent the engagement notice yet."),
    "charges_required": _("Enter the suspected charges."),
    "family_notice_not_owed": _("A family notice is owed only after a detention or an arrest."),
    "family_reason_not_lawful": _(
        "This reason does not excuse the family notice for this event (after an arrest only "
        "'cannot be notified' does)."
    ),
    "family_notice_needs_time_or_reason": _(
        "Give either when the family was told, or the lawful reason it was not."
    ),
    "family_notice_needs_manner": _("Say how the family was told (telephone, letter, in person)."),
}

DUTY_STATUS_LABELS: dict[str, str] = {
    "pending": _("Pending"),
    "due_soon": _("Due soon"),
    "met_on_time": _("Met on time"),
    "met_late": _("Met late"),
    "missed": _("Missed"),
    "not_applicable": _("Not applicable"),
}

OCCURRENCE_LABELS: dict[str, str] = {
    "request": _("Meeting request"),
    "event": _("Case event"),
    "engagement": _("Engagement"),
    "submission": _("Submission"),
    "complaint": _("Complaint"),
    "case": _("The whole case"),
    "duty_lawyer_request": _("Duty-lawyer request"),
}

FAMILY_REASON_LABELS: dict[str, str] = {
    "cannot_notify": _("The family cannot be notified (no address or no family)"),
    "would_impede": _("Notice would impede the investigation (detention only)"),
}
