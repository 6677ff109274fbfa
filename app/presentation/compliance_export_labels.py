"""English message ids of the compliance exports (CSV headers, printable report, transparency
page) beyond the shared ones of ``app.presentation.compliance_labels``; Chinese in the catalogue."""

from __future__ import annotations

from typing import Final

from app.presentation.compliance_labels import FIGURE_NAMES, TALLY_COLUMNS
from app.presentation.i18n import _
from rights_checklist.compliance_types import Figure

# The columns of one tally in an export, in order (Tally attributes; "on_time_share" the share).
EXPORT_TALLY_COLUMNS: Final[dict[str, str]] = {
    key: TALLY_COLUMNS[key]
    for key in ("met_on_time", "met_late", "missed", "open", "not_applicable", "on_time_share")
}
FIGURE_LABELS: Final[dict[Figure, str]] = FIGURE_NAMES

COLUMN_LABELS: Final[dict[str, str]] = {
    "grain": _("Period kind"),
    "bucket": _("Period"),
    "figure": _("Figure"),
    "duty_title": _("Duty title"),
    "occurrence": _("Occurrence"),
    "section": _("Section"),
    "name": _("Name"),
    "value": _("Value"),
    "requests": _("Meeting requests"),
}

SECTION_LABELS: Final[dict[str, str]] = {
    "scope": _("Scope"),
    "totals": _("All in scope"),
    "facilities": _("Detention centres"),
    "agencies": _("Agencies"),
    "weekly": _("By week"),
    "monthly": _("By month"),
}

SCOPE_LABELS: Final[dict[str, str]] = {
    "period_from": _("Period from"),
    "period_to": _("Period to"),
    "jurisdiction": _("Jurisdiction"),
    "facility": _("Detention centre"),
    "agency": _("Agency"),
    "generated_at": _("Generated at"),
    "everywhere": _("Everywhere"),
    "all": _("All"),
    "pending_refresh": _("Cases awaiting re-judgement"),
    "read_from": _("Figures read from"),
}

# Where a report's rows were read ([database] read_url); keyed by ReadFrom values.
READ_FROM_LABELS: Final[dict[str, str]] = {
    "primary": _("the live database"),
    "replica": _("the reporting replica"),
    "primary_fallback": _("the live database (the reporting replica was unavailable)"),
}

CHART_TEXTS: Final[dict[str, str]] = {
    "desc": _("Share of duties met on time out of those judged; the table gives the counts."),
    "totals": _("Every figure across the scope"),
    "facilities": _("%(figure)s: by detention centre"),
    "monthly": _("%(figure)s: by month"),
}

# Problems of the /api/v1/compliance endpoints beyond the filters' own codes.
API_MESSAGES: Final[dict[str, str]] = {
    "bad_parameters": _("Some query parameters are not valid."),
}
