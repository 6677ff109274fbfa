"""English message ids for the case registry's codes and values; Chinese in the catalogue."""

from __future__ import annotations

from app.presentation.i18n import _

CASE_MESSAGES: dict[str, str] = {
    "extension_after_expiry": _(
        "Recorded after custody had expired: it does not extend custody, and the custody limit "
        "counts as missed (《刑事诉讼法》第一百五十六条)."
    ),
    "extension_short_notice": _(
        "Recorded less than 7 days before custody expired: an extension is to be asked for at "
        "least 7 days ahead."
    ),
    "id_number_invalid": _("Enter the full identity-document number (letters and digits)."),
    "facility_unknown": _("Choose a detention centre from the list."),
    "facility_same": _("The detainee is already held at that detention centre."),
    "detainee_name_mismatch": _(
        "A detainee with this document number is registered under another name."
    ),
    "facility_not_yours": _("You can only register admissions at your own detention centre."),
    "not_investigator": _("Only investigators of the case's agency can do this."),
    "case_number_taken": _("Your agency already has a case with this number."),
    "investigator_unknown": _("Choose investigators of your own agency."),
    "event_not_allowed": _("Your role may not record this kind of event for this case."),
    "time_needs_zone": _("Give the time with its time zone."),
    "effective_in_future": _("The effective time cannot lie in the future."),
    "detainee_not_in_case": _("Choose a detainee of this case."),
    "correction_needs_event": _("Say which event of this case the correction corrects."),
    "extension_needs_expiry": _("An extension of custody needs the new expiry date."),
    "extension_needs_basis": _("An extension of custody needs its legal basis."),
    "lawyers_only": _("Only defence lawyers can do this."),
    "lookup_throttled": _("Too many searches. Wait an hour and try again."),
    "detainee_not_found": _(
        "No detainee matches this detention centre, exact name and full document number."
    ),
    "case_not_for_detainee": _("Choose one of the detainee's cases."),
    "engagement_terminated": _("This engagement has ended."),
    "document_not_required": _("Only the three documents the law lists can be uploaded."),
    "document_kind_required": _("Choose the document type."),
    "notice_already_sent": _("The engagement notice has already been sent."),
    "rejection_needs_reason": _("Give the reason for rejecting the document."),
    "document_type": _("Upload a PDF, JPEG or PNG file."),
    "document_content_mismatch": _("The file's content does not match its type."),
    "document_too_large": _("The file is larger than allowed."),
    "document_empty": _("The file is empty."),
    "document_not_pdf": _("The file cannot be read as a PDF."),
    "document_not_image": _("The image cannot be read: the file is damaged or incomplete."),
    "document_active_content": _(
        "The PDF contains scripts or actions that start programs. Upload a copy without them, "
        "for example by printing it to a new PDF."
    ),
    "document_embedded_files": _(
        "The PDF carries attached files. Upload each document on its own, without attachments."
    ),
    "document_encrypted": _("The PDF is password-protected. Upload a copy without a password."),
    "document_too_complex": _(
        "The file is too complex to check: too many pages or parts, or too large once unpacked."
    ),
    "time_invalid": _("Enter a date and time such as 2026-11-26 09:30."),
}

CATEGORY_LABELS = {
    "ordinary": _("Ordinary"),
    "state_security": _("State security"),
    "terrorism": _("Terrorism"),
    "especially_serious_bribery": _("Especially serious bribery"),
}
STAGE_LABELS = {
    "investigation": _("Investigation"),
    "investigation_ended": _("Investigation ended"),
    "prosecution_review": _("Prosecution review"),
    "trial": _("Trial"),
    "closed": _("Closed"),
}
CUSTODY_LABELS = {
    "in_custody": _("In custody"),
    "released": _("Released"),
    "moved": _("Moved"),
}
EVENT_LABELS = {
    "criminal_detention": _("Criminal detention"),
    "arrest": _("Arrest"),
    "bail": _("Bail"),
    "residential_surveillance": _("Residential surveillance"),
    "designated_residence_surveillance": _("Designated-residence surveillance"),
    "measure_changed": _("Compulsory measure changed"),
    "measure_lifted": _("Compulsory measure lifted"),
    "custody_extension": _("Extension of investigative custody"),
    "transfer_for_prosecution": _("Transferred for prosecution review"),
    "investigation_ended": _("Investigation ended"),
    "released": _("Released"),
    "moved_facility": _("Moved to another detention centre"),
    "engagement_notice": _("Engagement notice sent to the agency"),
    "engagement_terminated": _("Client terminated the engagement"),
    "correction": _("Correction"),
}
ENGAGEMENT_KIND_LABELS = {
    "retained": _("Retained by the client or family"),
    "legal_aid": _("Legal aid"),
    "duty_lawyer": _("Duty lawyer"),
}
ENGAGEMENT_STATUS_LABELS = {
    "pending": _("Waiting for document check"),
    "active": _("Active"),
    "terminated": _("Terminated"),
}
DOCUMENT_LABELS = {
    "practice_licence": _("Practice licence"),
    "firm_letter": _("Law-firm letter"),
    "power_of_attorney": _("Power of attorney"),
    "legal_aid_letter": _("Legal-aid letter"),
}
REVIEW_LABELS = {
    "pending": _("Not yet checked"),
    "accepted": _("Accepted"),
    "rejected": _("Rejected"),
}

# The label dictionaries, as Jinja globals of the same names (app.web.templating).
JINJA_GLOBALS: dict[str, dict[str, str]] = {
    "CATEGORY_LABELS": CATEGORY_LABELS,
    "STAGE_LABELS": STAGE_LABELS,
    "CUSTODY_LABELS": CUSTODY_LABELS,
    "EVENT_LABELS": EVENT_LABELS,
    "ENGAGEMENT_KIND_LABELS": ENGAGEMENT_KIND_LABELS,
    "ENGAGEMENT_STATUS_LABELS": ENGAGEMENT_STATUS_LABELS,
    "DOCUMENT_LABELS": DOCUMENT_LABELS,
    "REVIEW_LABELS": REVIEW_LABELS,
}
