"""Plain values of the compliance audit (issue 8): what a report asks for and what it answers.

No ORM, no I/O. ``rights_checklist.compliance`` fills these from SQL aggregates over the duty
ledger (``rights_checklist.ledger``); the web pages, the API, the CSV/JSON exports and the
``lawmeet report compliance`` command only present them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final


class Figure(StrEnum):
    """A compliance figure: one or more catalogue duties counted together."""

    MEETINGS = "meetings"  # M1: meetings within 48 hours of the request
    WALK_INS = "walk_ins"  # M2: walk-in requests met within 48 hours
    PERMISSIONS = "permissions"  # M5: permission decided within 3 days
    NOTICES = "notices"  # N1-N5: statutory notices to the lawyer within target
    OPINIONS = "opinions"  # O1: written opinions acknowledged and attached
    APPLICATIONS = "applications"  # O2: applications decided within 3 days
    COMPLAINTS_C1 = "complaints_c1"  # C1: obstruction complaints answered within 10 days
    COMPLAINTS_C2 = "complaints_c2"  # C2: custody / property complaints answered in 30 days


FIGURE_DUTIES: Final[dict[Figure, tuple[str, ...]]] = {
    Figure.MEETINGS: ("M1",),
    Figure.WALK_INS: ("M2",),
    Figure.PERMISSIONS: ("M5",),
    Figure.NOTICES: ("N1", "N2", "N3", "N4", "N5"),
    Figure.OPINIONS: ("O1",),
    Figure.APPLICATIONS: ("O2",),
    Figure.COMPLAINTS_C1: ("C1",),
    Figure.COMPLAINTS_C2: ("C2",),
}


def figure_code(figure: Figure) -> str:
    """The catalogue ids a figure counts, as a short label: "M1", "N1-N5"."""
    duties = FIGURE_DUTIES[figure]
    return duties[0] if len(duties) == 1 else f"{duties[0]}-{duties[-1]}"


# Which figures the facility table and the agency table show, in column order.
FACILITY_FIGURES: Final = (Figure.MEETINGS, Figure.WALK_INS)
AGENCY_FIGURES: Final = (
    Figure.NOTICES,
    Figure.PERMISSIONS,
    Figure.OPINIONS,
    Figure.APPLICATIONS,
    Figure.COMPLAINTS_C1,
    Figure.COMPLAINTS_C2,
)


class Grain(StrEnum):
    WEEK = "week"  # ISO week of the facility's zone, "2026-W47"
    MONTH = "month"  # "2026-11"


@dataclass(frozen=True, slots=True)
class ReportScope:
    """What a report covers: duties that arose from ``period_from`` to ``period_to`` (both
    inclusive, local dates of the facility), in a jurisdiction (region-code prefix of the
    case's agency; None: everywhere), optionally one facility and/or one agency."""

    period_from: date
    period_to: date
    jurisdiction: str | None = None
    facility_id: int | None = None
    agency_id: int | None = None

    def __post_init__(self) -> None:
        if self.period_to < self.period_from:
            raise ValueError("period_to is before period_from")


@dataclass(frozen=True, slots=True)
class Tally:
    """How the duties of one figure stand (as of the report time), as the checklist judges them."""

    met_on_time: int = 0
    met_late: int = 0
    missed: int = 0
    open: int = 0  # pending or due soon: not judged yet
    not_applicable: int = 0

    @property
    def judged(self) -> int:
        """Duties whose outcome is known: met on time, met late or missed."""
        return self.met_on_time + self.met_late + self.missed

    @property
    def breaches(self) -> int:
        return self.met_late + self.missed

    @property
    def on_time_share(self) -> float | None:
        """Met on time / judged, 0.0-1.0; None when nothing is judged yet."""
        return self.met_on_time / self.judged if self.judged else None


@dataclass(frozen=True, slots=True)
class ReasonCount:
    reason: str
    count: int


@dataclass(frozen=True, slots=True)
class FacilityFigures:
    facility_id: int
    name: str
    tallies: dict[Figure, Tally]  # FACILITY_FIGURES
    median_hours: float | None  # request (clock start) to meeting start, M1 and M2 met
    p90_hours: float | None  # nearest-rank 90th percentile of the same
    refusals: int  # requests refused (status refused) that arose in the period
    refusal_reasons: tuple[ReasonCount, ...]  # the reasons stated, most frequent first
    facility_cancellations: int  # requests cancelled by the facility in the period
    breach_forecasts: int  # open requests with no meeting booked before the deadline
    # Requests of the period asking for a video meeting, and priority meetings (first after
    # detention or transfer, R2015 art. 8 confirmation); freed slots offered by the waitlist.
    video_meetings: int = 0
    priority_meetings: int = 0
    offers_made: int = 0
    offers_accepted: int = 0
    offers_expired: int = 0


@dataclass(frozen=True, slots=True)
class AgencyFigures:
    agency_id: int
    name: str
    tallies: dict[Figure, Tally]  # AGENCY_FIGURES


@dataclass(frozen=True, slots=True)
class TrendPoint:
    bucket: str  # "2026-W47" or "2026-11"
    figure: Figure
    tally: Tally


class ReadFrom(StrEnum):
    """Where a report's rows were read (``[database] read_url``, app.read_replica)."""

    PRIMARY = "primary"  # no replica is configured
    REPLICA = "replica"  # the streaming replica, as of its replay time
    PRIMARY_FALLBACK = "primary_fallback"  # a replica is configured but could not be used


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    scope: ReportScope
    generated_at: datetime  # the "now" every open duty was judged against
    totals: dict[Figure, Tally]  # every figure across the scope
    facilities: tuple[FacilityFigures, ...]  # by name
    agencies: tuple[AgencyFigures, ...]  # by name
    weekly: tuple[TrendPoint, ...]  # by bucket, then figure order
    monthly: tuple[TrendPoint, ...]
    pending_refresh: int = 0  # cases changed since the ledger last judged them (0: current)
    # Cases counted here that are demo history written outside the services (Case.demo_history):
    # their records are not in the audit trail, and the pages say so.
    demo_history_cases: int = 0
    read_from: ReadFrom = ReadFrom.PRIMARY


@dataclass(frozen=True, slots=True)
class Breach:
    """One duty met late or missed: a row of a drill-down list (metadata only)."""

    case_id: int
    case_number: str
    duty_id: str
    occurrence: str
    status: str  # DutyStatus value: met_late or missed
    facility_id: int | None
    facility_name: str
    agency_id: int | None
    agency_name: str
    arose_at: datetime
    due_at: datetime | None
    fulfilled_at: datetime | None
    hours_late: float | None = field(default=None)  # fulfilment (or now) past the due time
    demo_history: bool = False  # a case of the demo history, outside the audit trail


@dataclass(frozen=True, slots=True)
class BreachList:
    """One page of breaches, how many there are in all, and what they were judged against."""

    rows: list[Breach]
    total: int
    judged_at: datetime  # the "now" the statuses were judged against (as of the data read)
    read_from: ReadFrom = ReadFrom.PRIMARY
