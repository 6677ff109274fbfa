"""English message ids for submissions and complaints; Chinese in the catalogue."""

from __future__ import annotations

from app.presentation.i18n import _

SUBMISSION_KIND_LABELS: dict[str, str] = {
    "opinion": _("Written defence opinion"),
    "hearing": _("Request to be heard in person"),
    "measure_change": _("Application to change a compulsory measure"),
    "interpreter": _("Application for an interpreter"),
    "other": _("Other application"),
}

DECISION_LABELS: dict[str, str] = {"granted": _("Granted"), "refused": _("Refused")}

COMPLAINT_TYPE_LABELS: dict[str, str] = {
    "meeting_refused": _("Meeting refused or delayed past 48 hours"),
    "not_informed": _("Not informed of the case"),
    "opinion_ignored": _("Opinion not heard or not attached to the file"),
    "extra_documents": _("Documents demanded beyond the three"),
    "meeting_monitored": _("Meeting monitored"),
    "custody_overdue": _("Custody overdue"),
    "bail_deposit": _("Bail deposit"),
    "seized_property": _("Seized property"),
    "other": _("Other obstruction"),
}

COMPLAINT_BODY_LABELS: dict[str, str] = {
    "procuratorate": _("Procuratorate"),
    "bar_association": _("Bar association"),
}

OUTCOME_LABELS: dict[str, str] = {
    "upheld": _("Upheld"),
    "partly_upheld": _("Partly upheld"),
    "rejected": _("Rejected"),
}

SUBMISSION_MESSAGES: dict[str, str] = {
    "submission_needs_active_engagement": _(
        "Only the lawyer of an active engagement can file submissions in this case."
    ),
    "submission_text_too_long": _("The text is too long."),
    "too_many_attachments": _("Attach at most 5 files."),
    "attachments_only_for_opinions": _("Only a written opinion takes attachments."),
    "investigators_only": _("Only an investigator of the case's agency may do this."),
    "already_acknowledged": _("This submission was already acknowledged."),
    "only_opinions_attach": _("Only a written opinion is attached to the case file."),
    "already_attached": _("This opinion was already attached to the case file."),
    "opinions_are_not_decided": _("A written opinion is attached to the file, not decided."),
    "already_decided": _("This application was already decided."),
    "refusal_needs_reasons": _("A refusal needs written reasons."),
    "decision_time_invalid": _(
        "The decision time must be after the submission and not later than now."
    ),
    "evidence_not_in_case": _("Evidence must be records of the same case that you can see."),
    "description_too_long": _("The description is too long."),
    "copy_to_addressee": _(
        "A copy goes to the other body, not to the one the complaint is addressed to."
    ),
    "copy_to_unknown": _("Choose the body to copy to from the list."),
    "auditors_only": _("Only a bar auditor of the jurisdiction may do this."),
    "reply_already_recorded": _("The reply to this complaint was already recorded."),
    "time_needs_zone": _("Give the time with its time zone."),
    "reply_time_invalid": _("The reply time must be after the complaint and not later than now."),
}

# Story 13: what an overdue task of the agency is, on the supervisor's list.
OVERDUE_TASK_LABELS: dict[str, str] = {
    "opinion": _("Acknowledge or attach a defence opinion"),
    "application": _("Decide a lawyer's application"),
    "notice": _("Send a notice the agency owes"),
}

JINJA_LABELS = {
    "SUBMISSION_KIND_LABELS": SUBMISSION_KIND_LABELS,
    "OVERDUE_TASK_LABELS": OVERDUE_TASK_LABELS,
    "DECISION_LABELS": DECISION_LABELS,
    "COMPLAINT_TYPE_LABELS": COMPLAINT_TYPE_LABELS,
    "COMPLAINT_BODY_LABELS": COMPLAINT_BODY_LABELS,
    "OUTCOME_LABELS": OUTCOME_LABELS,
}
