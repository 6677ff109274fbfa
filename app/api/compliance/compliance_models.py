"""Request and response models of the /api/v1/compliance endpoints (in the OpenAPI document).

The report's shape is ``app.presentation.compliance_export.report_json``: stable English keys, ISO
dates, shares from 0 to 1 (None when nothing is judged yet).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.api.fields import Day, RowId, whole
from rights_checklist.compliance_types import Figure, ReadFrom

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 100


class ComplianceQuery(BaseModel):
    """Typed at the edge (the document states each bound); the handler then checks the rules
    (a period that ends before it starts, a facility outside the auditor's region) as 400."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    period_from: Day | None = Field(
        None, alias="from", description="First day, YYYY-MM-DD, inclusive (default: 89 days "
        "before `to`)",
    )  # fmt: skip
    period_to: Day | None = Field(
        None, alias="to", description="Last day, YYYY-MM-DD, inclusive (default: today)"
    )
    facility: RowId | None = Field(None, description="Only this detention centre (id)")
    agency: RowId | None = Field(None, description="Only this agency (id)")

    def as_text(self) -> dict[str, str]:
        """The filters as the report pages read them (shared parser, same checks)."""
        return {
            "from": self.period_from.isoformat() if self.period_from else "",
            "to": self.period_to.isoformat() if self.period_to else "",
            "facility": str(self.facility or ""),
            "agency": str(self.agency or ""),
        }


class BreachQuery(ComplianceQuery):
    figure: Figure | None = Field(None, description="Only the duties of this figure")
    page: whole(1, 1_000_000) | None = Field(None, description="Page number, from 1")  # type: ignore[valid-type]
    per_page: whole(1, MAX_PER_PAGE) | None = Field(  # type: ignore[valid-type]
        None, description=f"Rows per page (default {DEFAULT_PER_PAGE})"
    )


class TallyOut(BaseModel):
    met_on_time: int
    met_late: int
    missed: int
    open: int = Field(description="Pending or due soon: not judged yet")
    not_applicable: int
    judged: int = Field(description="met_on_time + met_late + missed")
    breaches: int = Field(description="met_late + missed")
    on_time_share: float | None = Field(description="met_on_time / judged; null if none judged")


class ScopeOut(BaseModel):
    period_from: date
    period_to: date
    jurisdiction: str | None = Field(description="Region-code prefix; null: everywhere")
    facility_id: int | None
    agency_id: int | None


class ReasonOut(BaseModel):
    reason: str = Field(description="The lawful ground stated (free-text details left out)")
    count: int


class FacilityOut(BaseModel):
    facility_id: int
    name: str
    figures: dict[Figure, TallyOut]
    median_hours: float | None = Field(description="Request (clock start) to meeting start")
    p90_hours: float | None = Field(description="Nearest-rank 90th percentile of the same")
    refusals: int
    refusal_reasons: list[ReasonOut]
    facility_cancellations: int
    breach_forecasts: int = Field(description="Open requests with no meeting before the deadline")
    video_meetings: int = Field(0, description="Requests of the period for a video meeting")
    priority_meetings: int = Field(
        0, description="Priority meetings: first after detention or transfer, R2015 art. 8"
    )
    offers_made: int = Field(0, description="Freed slots the waitlist offered to the requests")
    offers_accepted: int = Field(0, description="Offers the lawyer accepted")
    offers_expired: int = Field(0, description="Offers that lapsed unanswered")


class AgencyOut(BaseModel):
    agency_id: int
    name: str
    figures: dict[Figure, TallyOut]


class TrendPointOut(TallyOut):
    bucket: str = Field(description='"2026-W47" (ISO week) or "2026-11"')
    figure: Figure


class TrendsOut(BaseModel):
    week: list[TrendPointOut]
    month: list[TrendPointOut]


class ComplianceReportOut(BaseModel):
    scope: ScopeOut
    generated_at: datetime = Field(
        description="The moment open duties were judged against: the moment the data read is"
        " current to (a lagging replica's replay time)"
    )
    read_from: ReadFrom = Field(
        description="primary: no replica is configured; replica: the streaming replica;"
        " primary_fallback: a replica is configured but could not be used"
    )
    pending_refresh: int = Field(description="Changed cases not yet re-judged (0: current)")
    totals: dict[Figure, TallyOut]
    facilities: list[FacilityOut]
    agencies: list[AgencyOut]
    trends: TrendsOut


class BreachOut(BaseModel):
    case_id: int
    case_number: str
    checklist_url: str = Field(description="The case's rights checklist page")
    duty_id: str
    occurrence: str
    status: str = Field(description="met_late or missed")
    facility_id: int | None
    facility_name: str
    agency_id: int | None
    agency_name: str
    arose_at: datetime
    due_at: datetime | None
    fulfilled_at: datetime | None
    hours_late: float | None


class BreachPageOut(BaseModel):
    total: int = Field(description="Breaches of the selection in all")
    page: int
    per_page: int
    items: list[BreachOut]
    judged_at: datetime = Field(description="The moment the statuses were judged against")
    read_from: ReadFrom = Field(description="Where the rows were read (as for the report)")
