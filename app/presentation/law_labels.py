"""The statutory catalogue (app/law/catalogue.toml) as a reader says it: who owes a duty, what
starts it, how long it runs and how that time is counted, and the policies P1-P6 by name.

Shown on the catalogue pages (/law) and, for the policies, next to every computed deadline.
"""

from __future__ import annotations

from typing import Final

from app.law.catalogue import Duty
from app.law.policies import POLICY_IDS
from app.presentation.i18n import _, translations_for

OWNER_LABELS: Final[dict[str, str]] = {
    "detention_centre": _("Detention centre"),
    "investigating_authority": _("Investigating authority"),
    "case_agency": _("Case-handling agency"),
    "police": _("Public security organ"),
    "procuratorate": _("Procuratorate"),
    "deciding_organ": _("The organ that decided the measure"),
}

# What starts each duty (the catalogue's `trigger`).
TRIGGER_LABELS: Final[dict[str, str]] = {
    "meeting_requested": _("The lawyer asks for a meeting"),
    "walk_in_request": _("The lawyer arrives without a booking"),
    "meeting_started": _("A meeting takes place"),
    "permission_requested": _("The lawyer asks for permission to meet"),
    "interpreter_requested": _("The lawyer applies for an interpreter"),
    "engagement_notice": _("The lawyer notifies the engagement"),
    "measure_event": _("A compulsory measure is imposed, changed or lifted"),
    "custody_extension": _("Investigative custody is extended"),
    "transfer_for_prosecution": _("The case is transferred for prosecution review"),
    "engagement_terminated": _("The client terminates the engagement in writing"),
    "criminal_detention": _("The suspect is detained"),
    "arrest": _("The suspect is arrested"),
    "duty_lawyer_requested": _("A detainee without a lawyer asks for the duty lawyer"),
    "opinion_submitted": _("The lawyer submits a defence opinion"),
    "measure_change_applied": _("The defence applies to change a compulsory measure"),
    "review_started": _("Arrest review or prosecution review begins"),
    "complaint_filed": _("The lawyer complains of obstruction"),
    "custody_complaint_filed": _("A complaint about overdue custody, bail or seized property"),
    "none": _("Always: a standing duty"),
}

# How the period of each kind (app/law/periods.py PeriodKind) is counted.
KIND_COUNTING: Final[dict[str, str]] = {
    "procedural": _(
        "The hour or day in which the period begins is not counted; a period in days whose last"
        " day is a rest day or public holiday ends on the next working day (Criminal Procedure"
        " Law, art. 105)."
    ),
    "decision": _(
        "Counted like a procedural period; policy P4 decides whether its days are calendar days"
        " or working days."
    ),
    "custody": _(
        "A custody period ends on its last day and is never extended because of rest days or"
        " holidays (Criminal Procedure Law, art. 105)."
    ),
    "target": _(
        "The law says this must be done promptly: lawmeet tracks the target set by policy P6,"
        " not a statutory time limit."
    ),
}
NO_PERIOD: Final = _("No time limit: a standing duty, judged whenever it applies.")
BEFORE_EVENT: Final[dict[str, str]] = {
    "investigation_ended": _("Due before the investigation ends."),
}

# The policies P1-P6 (app/law/policies.py), by field name.
POLICY_LABELS: Final[dict[str, str]] = {
    "meeting_clock_start": _("When the 48-hour meeting clock starts"),
    "hour_start_rule": _("Starting hour of hour periods"),
    "hour_periods_extend_on_holiday": _("Hour periods move past rest days"),
    "decision_days_kind": _("Decision limits in days are"),
    "permission_case_categories": _("Cases needing permission to meet"),
    "prompt_target_hours": _("Target for duties due promptly (hours)"),
}
POLICY_FIELDS: Final[dict[str, str]] = {policy: name for name, policy in POLICY_IDS.items()}


PERIOD_UNITS: Final[dict[str, str]] = {
    "h": _("%(n)s hours"),
    "d": _("%(n)s days"),
    "m": _("%(n)s months"),
}


def period_words(duty: Duty, language: str) -> str:
    """A duty's period as said: "48小时", "3日", "2个月" / "48 hours", "3 days", "2 months";
    "" for a duty without one (a standing duty, the target of policy P6)."""
    period = duty.parsed_period
    if period is None:
        return ""
    words = translations_for(language).gettext(PERIOD_UNITS[period.unit.value])
    return words % {"n": period.amount}
