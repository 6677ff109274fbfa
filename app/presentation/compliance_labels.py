"""English message ids of the compliance audit (dashboard, drill-down, exports, report);
Chinese in the catalogue. Shared by the pages, the CSV exports and the printable report, so
a figure is named the same everywhere. Translate with ``gettext`` at the point of use."""

from __future__ import annotations

from typing import Final

from app.presentation.i18n import _
from rights_checklist.compliance_types import Figure, Grain

# Short names, as column headings and chart titles.
FIGURE_NAMES: Final[dict[Figure, str]] = {
    Figure.MEETINGS: _("Meetings within 48 hours (M1)"),
    Figure.WALK_INS: _("Walk-ins met within 48 hours (M2)"),
    Figure.PERMISSIONS: _("Meeting permissions within 3 days (M5)"),
    Figure.NOTICES: _("Notices to the lawyer on time (N1-N5)"),
    Figure.OPINIONS: _("Written opinions attached (O1)"),
    Figure.APPLICATIONS: _("Applications decided within 3 days (O2)"),
    Figure.COMPLAINTS_C1: _("Obstruction complaints within 10 days (C1)"),
    Figure.COMPLAINTS_C2: _("Custody and property complaints within 30 days (C2)"),
}

# What each figure counts and on what legal basis.
FIGURE_EXPLANATIONS: Final[dict[Figure, str]] = {
    Figure.MEETINGS: _(
        "Meeting requests followed by a meeting within 48 hours of the request "
        "(CPL art. 39(2); MPS Provisions art. 53; 2015 Lawyers' Rights Provisions art. 7)."
    ),
    Figure.WALK_INS: _(
        "Lawyers who came without booking and were met within 48 hours; refusing them for want "
        "of a booking is unlawful (2015 Lawyers' Rights Provisions art. 7)."
    ),
    Figure.PERMISSIONS: _(
        "Permission to meet in state-security and terrorism cases decided in writing within "
        "3 days (CPL art. 39(3); MPS Provisions art. 52-53)."
    ),
    Figure.NOTICES: _(
        "Charges, compulsory measures, custody extensions, transfer for prosecution and "
        "terminations made known to the lawyer within target (CPL art. 38, 162; MPS Provisions "
        "art. 50, 289; 2015 Lawyers' Rights Provisions art. 8)."
    ),
    Figure.OPINIONS: _(
        "Written defence opinions acknowledged and attached to the file before the "
        "investigation ended (CPL art. 161; MPS Provisions art. 58, 289)."
    ),
    Figure.APPLICATIONS: _(
        "Applications to change a compulsory measure decided within 3 days of receipt "
        "(CPL art. 97; MPS Provisions art. 160)."
    ),
    Figure.COMPLAINTS_C1: _(
        "Complaints that practice rights were obstructed answered in writing within 10 days "
        "(CPL art. 49; SPP Rules art. 57-58)."
    ),
    Figure.COMPLAINTS_C2: _(
        "Complaints about overdue custody, bail deposits or seized property handled within "
        "30 days (CPL art. 117; MPS Provisions art. 196)."
    ),
}

# Columns of a tally (rights_checklist.compliance_types.Tally), in display order.
TALLY_COLUMNS: Final[dict[str, str]] = {
    "met_on_time": _("Met on time"),
    "met_late": _("Met late"),
    "missed": _("Missed"),
    "open": _("Still open"),
    "not_applicable": _("Not applicable"),
    "judged": _("Judged"),
    "breaches": _("Breaches"),
    "on_time_share": _("Share on time"),
}

FACILITY_COLUMNS: Final[dict[str, str]] = {
    "name": _("Detention centre"),
    "median_hours": _("Median hours from request to meeting"),
    "p90_hours": _("90th percentile hours from request to meeting"),
    "refusals": _("Refusals"),
    "refusal_reasons": _("Reasons stated"),
    "facility_cancellations": _("Cancelled by the centre"),
    "breach_forecasts": _("Capacity breach forecasts"),
    "video_meetings": _("Video meetings"),
    "priority_meetings": _("Priority meetings"),
    "offers_made": _("Freed times offered"),
    "offers_accepted": _("Offers accepted"),
    "offers_expired": _("Offers lapsed"),
}

AGENCY_COLUMNS: Final[dict[str, str]] = {"name": _("Agency")}

BREACH_COLUMNS: Final[dict[str, str]] = {
    "case_number": _("Case number"),
    "duty_id": _("Duty"),
    "status": _("Status"),
    "facility_name": _("Detention centre"),
    "agency_name": _("Agency"),
    "arose_at": _("Arose"),
    "due_at": _("Due"),
    "fulfilled_at": _("Fulfilled"),
    "hours_late": _("Hours late"),
}

GRAIN_NAMES: Final[dict[Grain, str]] = {Grain.WEEK: _("Week"), Grain.MONTH: _("Month")}
GRAIN_TRENDS: Final[dict[Grain, str]] = {
    Grain.WEEK: _("Trend by week"),
    Grain.MONTH: _("Trend by month"),
}

QUICK_PERIODS: Final[dict[str, str]] = {
    "last_90_days": _("Last 90 days"),
    "this_quarter": _("This quarter"),
    "last_quarter": _("Last quarter"),
    "last_12_months": _("Last 12 months"),
}

NO_JUDGED_DUTIES: Final = _("nothing judged yet")

# Error codes of the compliance filters (compliance_filters), through messages.message().
COMPLIANCE_MESSAGES: Final[dict[str, str]] = {
    "compliance_date_invalid": _("Enter the dates as YYYY-MM-DD, for example 2026-09-30."),
    "compliance_period_reversed": _("The end date is before the start date."),
    "compliance_period_too_long": _(
        "A report covers at most three years. Choose a shorter period."
    ),
    "compliance_figure_unknown": _("Choose one of the figures listed."),
    "compliance_facility_invalid": _("Choose a detention centre from the list."),
    "compliance_agency_invalid": _("Choose an agency from the list."),
    "compliance_page_invalid": _("The page number must be a whole number from 1."),
}
