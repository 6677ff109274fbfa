"""English message ids of the audit trail's actions and object types; Chinese in the catalogue.
The action codes ("session.login") stay in the trail, its exports, the API and the filter; the
audit page shows these words, and an action without an entry here as its code.

What an entry's summary says changed is shown the same way (`summary_changes`): the common keys
by their words, times on the clock in words, yes and no, roles, duties and legal bases in words;
a key without a label here is kept, as its code, for the page to show less prominently."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from app.law.catalogue import load_catalogue
from app.presentation.i18n import ROLE_LABELS, _, translations_for
from app.presentation.legal_words import reference_words
from notifications.wording import day_in_words, local_time

AUDIT_ACTION_LABELS: Final[dict[str, str]] = {
    "api_token.created": _("API token created"),
    "api_token.revoked": _("API token revoked"),
    "audit.checkpoint_written": _("Audit checkpoint written"),
    "audit.verified": _("Audit trail verified"),
    "calendar_feed.created": _("Calendar feed created"),
    "calendar_feed.revoked": _("Calendar feed revoked"),
    "case.charges_informed": _("Lawyer told the suspected charges"),
    "case.family_notice_recorded": _("Family notice recorded"),
    "case.investigator_assigned": _("Investigator assigned to the case"),
    "case.opened": _("Case opened"),
    "closure.added": _("Closure added"),
    "closure.removed": _("Closure removed"),
    "complaint.filed": _("Complaint filed"),
    "complaint.reply_recorded": _("Reply to a complaint recorded"),
    "demo.compliance_history_loaded": _("Demo history loaded"),
    "demo.history_flagged": _("Demo history flagged"),
    "demo.user_created": _("Demo user created"),
    "detainee.admitted": _("Detainee admitted"),
    "detainee.viewed": _("Identity number viewed"),
    "document.uploaded": _("Document uploaded"),
    "document.viewed": _("Document opened"),
    "engagement.activated": _("Engagement confirmed"),
    "engagement.notice_sent": _("Engagement notice sent"),
    "engagement.registered_at_gate": _("Engagement registered at the gate"),
    "engagement.started": _("Engagement registered"),
    "engagement.terminated": _("Engagement terminated"),
    "escalation.raised": _("Escalation raised"),
    "escalation.resolved": _("Escalation resolved"),
    "facility.created": _("Detention centre created"),
    "agency.created": _("Agency created"),
    "bar_association.created": _("Bar association created"),
    "facility_schedule.updated": _("Opening hours changed"),
    "lawyer.licence_flag_cleared": _("Licence flag cleared"),
    "lawyer.licence_flagged": _("Licence flagged"),
    "lawyer.refused": _("Lawyer's registration refused"),
    "lawyer.registered": _("Lawyer registered"),
    "lawyer.verified": _("Lawyer verified"),
    "licence_register.imported": _("Licence register imported"),
    "meeting.booked": _("Meeting booked"),
    "meeting.cancelled": _("Meeting cancelled"),
    "meeting.checked_in": _("Lawyer checked in"),
    "meeting.completed": _("Meeting ended"),
    "meeting.needs_rebooking": _("Meeting needs rebooking"),
    "meeting.no_show": _("No-show recorded"),
    "meeting.rescheduled": _("Meeting rescheduled"),
    "meeting.started": _("Meeting started"),
    "meeting_request.clock_started": _("48-hour clock started"),
    "meeting_request.opened": _("Meeting requested"),
    "meeting_request.permission_decided": _("Permission to meet decided"),
    "meeting_request.permission_lifted": _("Permission no longer needed"),
    "meeting_request.permission_refusal_lifted": _("Refusal of permission lifted"),
    "meeting_request.refused": _("Meeting request refused"),
    "notification.retried": _("Notice sent again"),
    "notification.test_queued": _("Test notice queued"),
    "notification_preference.changed": _("Notice preferences changed"),
    "opening_session.added": _("Opening session added"),
    "opening_session.deleted": _("Opening session removed"),
    "rest_days.imported": _("Rest-day calendar imported"),
    "room.created": _("Room created"),
    "room.updated": _("Room changed"),
    "session.login": _("Signed in"),
    "session.logout": _("Signed out"),
    "sms.opted_in": _("Text messages resumed"),
    "sms.opted_out": _("Text messages stopped"),
    "submission.acknowledged": _("Submission acknowledged"),
    "submission.attached": _("Opinion attached to the case file"),
    "submission.decided": _("Application decided"),
    "submission.filed": _("Submission filed"),
    "user.created": _("User created"),
    "user.supervisor_set": _("Made supervisor"),
    "user.supervisor_unset": _("No longer supervisor"),
}

AUDIT_OBJECT_LABELS: Final[dict[str, str]] = {
    "api_token": _("API token"),
    "audit_verification": _("Audit verification"),
    "calendar_feed": _("Calendar feed"),
    "case": _("Case"),
    "closure": _("Closure"),
    "complaint": _("Complaint"),
    "detainee": _("Detainee"),
    "document": _("Document"),
    "engagement": _("Engagement"),
    "escalation": _("Escalation"),
    "facility": _("Detention centre"),
    "agency": _("Agency"),
    "bar_association": _("Bar association"),
    "meeting": _("Meeting"),
    "meeting_request": _("Meeting request"),
    "notification": _("Notice"),
    "opening_session": _("Opening session"),
    "rest_day_year": _("Rest-day calendar"),
    "room": _("Room"),
    "sms_opt_out": _("Text-message opt-out"),
    "submission": _("Submission"),
    "user": _("User"),
}

# The keys of the summaries written across the code base (app.audit.service.record callers).
SUMMARY_KEY_LABELS: Final[dict[str, str]] = {
    "address": _("Address"),
    "after": _("After"),
    "agency_id": _("Agency"),
    "at_gate": _("At the gate"),
    "basis": _("Legal basis"),
    "before": _("Before"),
    "by": _("By"),
    "case": _("Case"),
    "case_id": _("Case"),
    "cases": _("Cases"),
    "category": _("Category"),
    "closure": _("Closure"),
    "co_defendant_conflict": _("Co-defendant conflict with engagements"),
    "co_defendant_ids": _("Co-defendants"),
    "contact_person": _("Contact person"),
    "contact_phone": _("Contact phone"),
    "contact_unit": _("Contact unit"),
    "deadline_at": _("Deadline"),
    "decision": _("Decision"),
    "details": _("Details"),
    "detainee_id": _("Detainee"),
    "document_id": _("Document"),
    "due_at": _("Due"),
    "duty": _("Duty"),
    "duty_id": _("Duty"),
    "effective_at": _("Effective from"),
    "email": _("E-mail"),
    "end": _("Ends"),
    "ends_at": _("Ends"),
    "event_id": _("Case event"),
    "facility": _("Detention centre"),
    "facility_id": _("Detention centre"),
    "file_reference": _("Case-file reference"),
    "granted": _("Permitted"),
    "investigator_id": _("Investigator"),
    "kind": _("Kind"),
    "language": _("Language"),
    "late": _("Late"),
    "lawful_reason": _("Lawful reason for the delay"),
    "lawyer_id": _("Lawyer"),
    "meeting": _("Meeting"),
    "meetings": _("Meetings"),
    "meetings_still_flagged": _("Meetings still to rebook"),
    "name": _("Name"),
    "note": _("Note"),
    "notification_id": _("Notice"),
    "notified_at": _("Notified at"),
    "outcome": _("Outcome"),
    "reason": _("Reason"),
    "reasons": _("Reasons"),
    "receipt": _("Receipt"),
    "reference": _("Reference"),
    "region_code": _("Region code"),
    "request": _("Meeting request"),
    "role": _("Role"),
    "room": _("Room"),
    "sequence": _("Version"),
    "start": _("Starts"),
    "starts_at": _("Starts"),
    "status": _("Status"),
    "valid_from": _("Valid from"),
    "valid_to": _("Valid until"),
    "weekday": _("Weekday"),
    "what": _("What"),
}
_YES_NO: Final = (_("Yes"), _("No"))
_ISO_TIME: Final = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DAY: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Change:
    """One key of a summary as the audit page shows it; `known` is False for a key without a
    label (shown as its code, less prominently)."""

    key: str
    label: str
    value: str
    known: bool


def _time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and _ISO_TIME.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))


def _value_words(key: str, value: Any, language: str, zone: str) -> str:
    said = translations_for(language).gettext
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return said(_YES_NO[0] if value else _YES_NO[1])
    if (moment := _time(value)) is not None:
        return local_time(moment, zone, language)
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.match(value)):
        try:
            day = value if isinstance(value, date) else date.fromisoformat(value)
        except ValueError:
            return str(value)
        return day_in_words(day, language)
    if isinstance(value, list | tuple):
        return ", ".join(_value_words(key, v, language, zone) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{c.label}: {c.value}" for c in summary_changes(value, language, zone))
    if key == "role" and str(value) in ROLE_LABELS:
        return said(ROLE_LABELS[str(value)])
    if key in ("duty", "duty_id"):
        try:
            return load_catalogue().by_id(str(value)).title.in_locale(language)
        except KeyError:
            return str(value)
    if key == "basis":
        return reference_words(str(value), language)
    return str(value)


def summary_changes(
    summary: Mapping[str, Any] | None, language: str, zone: str = "Asia/Shanghai"
) -> list[Change]:
    """What an entry's summary says changed, in the reader's words, known keys first."""
    changes = []
    for key, value in sorted((summary or {}).items()):
        label = SUMMARY_KEY_LABELS.get(key)
        words = _value_words(key, value, language, zone)
        shown = translations_for(language).gettext(label) if label else key
        changes.append(Change(key, shown, words, label is not None))
    return sorted(changes, key=lambda c: not c.known)


JINJA_LABELS = {
    "AUDIT_ACTION_LABELS": AUDIT_ACTION_LABELS,
    "AUDIT_OBJECT_LABELS": AUDIT_OBJECT_LABELS,
}
