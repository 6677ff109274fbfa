"""English message ids of the rights checklist and case-notice forms; Chinese in the catalogue."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from app.presentation.case_labels import EVENT_LABELS
from app.presentation.i18n import _, translations_for
from app.presentation.meeting_labels import REFUSAL_REASON_LABELS, REQUEST_STATUS_LABELS
from notifications.wording import day_in_words

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


# The checklist's notes (rights_checklist/evaluation.py writes them in English, for the ledger
# and the API) in the reader's words: a pattern per note, its parts filled in by name.
_NOTE_PATTERNS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"standing duty, not judged here"),
     _("A standing duty: not judged case by case")),
    (re.compile(r"no evaluation rule yet"), _("Not judged by lawmeet yet")),
    (re.compile(r"permission not granted \(duty M5 governs\)"),
     _("Permission to meet was not granted: the permission duty applies instead")),
    (re.compile(r"withdrawn by the lawyer \((?P<status>\w+)\)"),
     _("Withdrawn by the lawyer (%(status)s)")),
    (re.compile(r"lawful reason: (?P<reason>.+)"), _("Lawful reason: %(reason)s")),
    (re.compile(r"refused without a lawful reason"), _("Refused without a lawful reason")),
    (re.compile(r"no permission needed \(policy P5, stage\)"),
     _("No permission needed for this case or stage (policy P5)")),
    (re.compile(r"submitted after the investigation ended \(O3\)"),
     _("Submitted after the investigation ended: the procuratorate hears it instead")),
    (re.compile(r"due before event (?P<id>\d+) \((?P<kind>\w+)\)"),
     _("Due before case event #%(id)s (%(kind)s)")),
    (re.compile(r"event (?P<id>\d+) retracted by correction (?P<fix>\d+)"),
     _("Case event #%(id)s was retracted by correction #%(fix)s")),
    (re.compile(r"extension (?P<id>\d+) recorded after custody expired on (?P<expired>[\d-]+); "
                r"not counted"),
     _("Extension #%(id)s was recorded after custody expired on %(expired)s; not counted")),
    (re.compile(r"extension (?P<id>\d+) recorded less than 7 days before expiry"),
     _("Extension #%(id)s was recorded less than 7 days before expiry")),
    (re.compile(r"extended to (?P<expiry>[\d-]+) by event (?P<id>\d+)"),
     _("Extended to %(expiry)s by case event #%(id)s")),
)  # fmt: skip


def note_words(note: str, language: str) -> str:
    """One checklist note in words; a note without a pattern here is shown as written."""
    translate = translations_for(language).gettext
    for pattern, text in _NOTE_PATTERNS:
        found = pattern.fullmatch(note)
        if found is None:
            continue
        values = dict(found.groupdict())
        if "status" in values:
            values["status"] = translate(
                REQUEST_STATUS_LABELS.get(values["status"], values["status"])
            )
        if "kind" in values:
            values["kind"] = translate(EVENT_LABELS.get(values["kind"], values["kind"]))
        if "reason" in values:
            values["reason"] = translate(
                REFUSAL_REASON_LABELS.get(values["reason"], values["reason"])
            )
        for key in ("expired", "expiry"):
            if key in values:
                values[key] = _day(values[key], language)
        return translate(text) % values
    return note


def _day(iso: str, language: str) -> str:
    try:
        return day_in_words(date.fromisoformat(iso), language)
    except ValueError:
        return iso
