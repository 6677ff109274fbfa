"""What the dashboard builds from a hand-made ComplianceReport: shares, breach links narrowed to
their row, every period of the trend (empty ones hatched), refusal reasons in words."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from app.presentation.compliance_filters import Filters
from app.presentation.i18n import current_locale
from app.web.compliance import compliance_views as views
from rights_checklist.compliance_types import (
    AGENCY_FIGURES,
    AgencyFigures,
    ComplianceReport,
    FacilityFigures,
    Figure,
    Grain,
    ReasonCount,
    ReportScope,
    Tally,
    TrendPoint,
)

SCOPE = ReportScope(date(2026, 11, 4), date(2026, 11, 27), "11")
FILTERS = Filters(SCOPE)
LATE = Tally(met_on_time=48, met_late=1, missed=1, open=3)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


def report() -> ComplianceReport:
    haidian = FacilityFigures(
        facility_id=7, name="Haidian", tallies={Figure.MEETINGS: LATE, Figure.WALK_INS: Tally()},
        median_hours=20.0, p90_hours=44.5, refusals=2,
        refusal_reasons=(ReasonCount("detainee_released", 1), ReasonCount("no rooms", 1)),
        facility_cancellations=1, breach_forecasts=0,
    )  # fmt: skip
    police = AgencyFigures(agency_id=3, name="Police", tallies={Figure.NOTICES: Tally(missed=2)})
    return ComplianceReport(
        scope=SCOPE, generated_at=datetime(2026, 11, 27, 3, 0, tzinfo=UTC),
        totals={Figure.MEETINGS: LATE}, facilities=(haidian,), agencies=(police,),
        weekly=(TrendPoint("2026-W46", Figure.MEETINGS, LATE),),
        monthly=(TrendPoint("2026-11", Figure.MEETINGS, LATE),),
    )  # fmt: skip


def test_a_share_reads_as_percent_with_its_counts() -> None:
    assert views.share_text(LATE) == "96% (48/50)"
    assert views.share_text(Tally(open=2)) == "–"


def test_every_figure_has_a_total_and_missing_ones_count_zero() -> None:
    cells = views.totals(report(), FILTERS)
    assert [c.figure for c in cells] == list(Figure)
    assert cells[1].tally == Tally() and cells[1].breaches_url is None


def test_a_facilitys_breaches_link_to_the_drill_down_of_that_facility_and_figure() -> None:
    [row] = views.facility_rows(report(), FILTERS)
    meetings = row.cells[0]
    assert meetings.breaches_url == (
        "/compliance/breaches?from=2026-11-04&to=2026-11-27&facility=7&figure=meetings"
    )
    assert row.cells[1].breaches_url is None  # no breach, no link


def test_refusal_reasons_are_named_in_words_and_unknown_ones_kept() -> None:
    [row] = views.facility_rows(report(), FILTERS)
    assert row.reasons == [("The detainee has been released", 1), ("no rooms", 1)]


def test_an_agency_shows_every_agency_figure_with_links_to_its_breaches() -> None:
    [group] = views.agency_groups(report(), FILTERS)
    assert [c.figure for c in group.cells] == list(AGENCY_FIGURES)
    notices = group.cells[0]
    assert notices.breaches_url is not None and "agency=3" in notices.breaches_url


def test_the_weekly_trend_lists_every_week_of_the_period() -> None:
    trend = views.trend(report().weekly, Grain.WEEK, Figure.MEETINGS, FILTERS)
    assert [r.bucket for r in trend.rows] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    chart = ET.fromstring(trend.chart)  # noqa: S314 - our own output
    missing = [e for e in chart.iter() if e.get("class") == "missing"]
    assert len(missing) == 3


def test_a_periods_breaches_link_to_that_period_within_the_selection() -> None:
    trend = views.trend(report().monthly, Grain.MONTH, Figure.MEETINGS, FILTERS)
    [row] = trend.rows
    assert row.cell.breaches_url is not None
    assert "from=2026-11-04&to=2026-11-27" in row.cell.breaches_url


def test_bucket_dates_are_the_iso_week_and_the_calendar_month() -> None:
    assert views.bucket_dates("2026-W01") == (date(2025, 12, 29), date(2026, 1, 4))
    assert views.bucket_dates("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
    assert views.bucket_dates("nonsense") is None


def test_period_buckets_cross_the_year() -> None:
    buckets = views.period_buckets(date(2026, 11, 30), date(2027, 1, 2), Grain.MONTH)
    assert buckets == ["2026-11", "2026-12", "2027-01"]
    weeks = views.period_buckets(date(2026, 12, 27), date(2027, 1, 5), Grain.WEEK)
    assert weeks == ["2026-W52", "2026-W53", "2027-W01"]


def test_a_figure_with_nothing_in_the_period_has_no_trend() -> None:
    trend = views.trend(report().weekly, Grain.WEEK, Figure.OPINIONS, FILTERS)
    assert (trend.rows, str(trend.chart)) == ([], "")
