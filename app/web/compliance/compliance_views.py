"""What the compliance dashboard shows (issue 8): rows, links and charts built from a
``ComplianceReport``; no I/O. Every breach count links to the drill-down of the same selection
narrowed to that figure, facility, agency or period."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from markupsafe import Markup

from app import clock
from app.presentation.charts import Share, bar_chart, percent, trend_chart
from app.presentation.compliance_filters import Filters
from app.presentation.compliance_labels import (
    FIGURE_EXPLANATIONS,
    FIGURE_NAMES,
    GRAIN_TRENDS,
    NO_JUDGED_DUTIES,
)
from app.presentation.i18n import _, current_locale, gettext
from app.presentation.meeting_labels import REFUSAL_REASON_LABELS
from notifications.wording import span_in_words
from rights_checklist.compliance_types import (
    AGENCY_FIGURES,
    FACILITY_FIGURES,
    ComplianceReport,
    FacilityFigures,
    Figure,
    Grain,
    ReadFrom,
    ReasonCount,
    Tally,
    TrendPoint,
)

BREACHES_PATH = "/compliance/breaches"
EMPTY = Tally()


@dataclass(frozen=True)
class Cell:
    """One figure's tally with its drill-down link (None when there is no breach to list)."""

    figure: Figure
    tally: Tally
    breaches_url: str | None

    @property
    def share(self) -> str:
        return share_text(self.tally)


@dataclass(frozen=True)
class FacilityRow:
    figures: FacilityFigures
    cells: list[Cell]  # FACILITY_FIGURES order
    reasons: list[tuple[str, int]]


@dataclass(frozen=True)
class AgencyGroup:
    agency_id: int
    name: str
    cells: list[Cell]  # AGENCY_FIGURES order


@dataclass(frozen=True)
class TrendRow:
    bucket: str
    cell: Cell


@dataclass(frozen=True)
class Trend:
    grain: Grain
    heading: str
    chart: Markup
    rows: list[TrendRow]


def read_lag(judged_at: datetime, read_from: ReadFrom) -> timedelta | None:
    """How far a replica's figures are behind, when it is a minute or more (worth saying)."""
    if read_from != ReadFrom.REPLICA:
        return None
    lag = clock.now() - judged_at
    return lag if lag >= timedelta(minutes=1) else None


def share_text(tally: Tally) -> str:
    """'96% (48/50)', or '–' when nothing is judged yet."""
    share = tally.on_time_share
    return "–" if share is None else f"{percent(share)} ({tally.met_on_time}/{tally.judged})"


def hours_text(hours: float | None) -> str:
    """Hours as people say them ("2天10小时", "58 h 18 min"); "–" when there are none."""
    if hours is None:
        return "–"
    return span_in_words(timedelta(hours=hours), current_locale.get())


def figure_name(figure: Figure) -> str:
    return gettext(FIGURE_NAMES[figure])


def figure_explanation(figure: Figure) -> str:
    return gettext(FIGURE_EXPLANATIONS[figure])


def reason_label(reason: str) -> str:
    """A refusal ground named in the user's language ('ground: details' keeps the details)."""
    code, _sep, details = reason.partition(":")
    known = REFUSAL_REASON_LABELS.get(code.strip())
    if known is None:
        return reason
    return f"{gettext(known)}: {details.strip()}" if details.strip() else gettext(known)


def _reasons(reasons: Iterable[ReasonCount]) -> list[tuple[str, int]]:
    return [(reason_label(r.reason), r.count) for r in reasons]


def breaches_url(filters: Filters, figure: Figure, **narrow: str | int | None) -> str:
    return f"{BREACHES_PATH}?{filters.query(figure=figure.value, **narrow)}"


def _cell(
    filters: Filters, figure: Figure, tally: Tally | None, **narrow: str | int | None
) -> Cell:
    tally = tally or EMPTY
    url = breaches_url(filters, figure, **narrow) if tally.breaches else None
    return Cell(figure, tally, url)


def totals(report: ComplianceReport, filters: Filters) -> list[Cell]:
    return [_cell(filters, figure, report.totals.get(figure)) for figure in Figure]


def facility_rows(report: ComplianceReport, filters: Filters) -> list[FacilityRow]:
    return [
        FacilityRow(
            f,
            [
                _cell(filters, fig, f.tallies.get(fig), facility=f.facility_id)
                for fig in FACILITY_FIGURES
            ],
            _reasons(f.refusal_reasons),
        )
        for f in report.facilities
    ]


def agency_groups(report: ComplianceReport, filters: Filters) -> list[AgencyGroup]:
    return [
        AgencyGroup(
            a.agency_id,
            a.name,
            [_cell(filters, fig, a.tallies.get(fig), agency=a.agency_id) for fig in AGENCY_FIGURES],
        )
        for a in report.agencies
    ]


def bucket_dates(bucket: str) -> tuple[date, date] | None:
    """The first and last day of '2026-W47' (ISO week) or '2026-11' (month)."""
    try:
        if "-W" in bucket:
            iso_year, week = bucket.split("-W")
            monday = date.fromisocalendar(int(iso_year), int(week), 1)
            return monday, monday + timedelta(days=6)
        year, month = (int(part) for part in bucket.split("-"))
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return first, following - timedelta(days=1)
    except ValueError:
        return None


def period_buckets(start: date, end: date, grain: Grain) -> list[str]:
    """Every week ('2026-W47') or month ('2026-11') touching the period, in order."""
    found: list[str] = []
    day = start
    while day <= end:
        if grain is Grain.WEEK:
            year, week, weekday = day.isocalendar()
            found.append(f"{year:04d}-W{week:02d}")
            day += timedelta(days=8 - weekday)
        else:
            found.append(f"{day.year:04d}-{day.month:02d}")
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def _bucket_cell(filters: Filters, figure: Figure, point: TrendPoint) -> Cell:
    span = bucket_dates(point.bucket)
    if span is None or not point.tally.breaches:
        return Cell(figure, point.tally, None)
    start = max(span[0], filters.scope.period_from).isoformat()
    end = min(span[1], filters.scope.period_to).isoformat()
    return _cell(filters, figure, point.tally, **{"from": start, "to": end})


def _chart_id(*parts: str) -> str:
    return "-".join(part.replace("_", "-") for part in parts)


def trend(points: Sequence[TrendPoint], grain: Grain, figure: Figure, filters: Filters) -> Trend:
    known = {p.bucket: p for p in points if p.figure == figure}
    heading = gettext(GRAIN_TRENDS[grain])
    if not known:  # nothing of this figure arose in the period: no chart of empty columns
        return Trend(grain, heading, Markup(""), [])
    scope = filters.scope
    buckets = period_buckets(scope.period_from, scope.period_to, grain)
    buckets += sorted(set(known) - set(buckets))  # none expected: the period bounds them
    mine = [known.get(b) or TrendPoint(b, figure, EMPTY) for b in buckets]
    rows = [TrendRow(p.bucket, _bucket_cell(filters, figure, p)) for p in mine]
    name = figure_name(figure)
    shares = [
        Share(p.bucket, p.tally.on_time_share, f"{p.tally.met_on_time}/{p.tally.judged}")
        for p in mine
    ]
    desc = gettext(
        "Share of duties met on time per period, %(figure)s. The table beside lists every "
        "period with its counts; a hatched column is a period with nothing judged yet."
    ) % {"figure": name}
    chart = trend_chart(
        shares,
        chart_id=_chart_id("trend", grain.value, figure.value),
        title=f"{name} · {heading}",
        desc=desc,
        missing_text=gettext(NO_JUDGED_DUTIES),
    )
    return Trend(grain, heading, chart, rows)


def facility_chart(report: ComplianceReport, figure: Figure = Figure.MEETINGS) -> Markup:
    desc = _(
        "Share of duties met on time per detention centre, %(figure)s, from %(start)s to "
        "%(end)s. The same numbers are in the table below."
    )
    rows = [(f.name, f.tallies.get(figure)) for f in report.facilities]
    return _share_chart(report, figure, "facilities", desc, rows)


def agency_chart(report: ComplianceReport, figure: Figure = Figure.NOTICES) -> Markup:
    desc = _(
        "Share of duties met on time per agency, %(figure)s, from %(start)s to %(end)s. The "
        "same numbers are in the table below."
    )
    rows = [(a.name, a.tallies.get(figure)) for a in report.agencies]
    return _share_chart(report, figure, "agencies", desc, rows)


def _share_chart(
    report: ComplianceReport,
    figure: Figure,
    kind: str,
    desc: str,
    rows: list[tuple[str, Tally | None]],
) -> Markup:
    """One bar per centre or agency: its share of ``figure`` met on time."""
    name = figure_name(figure)
    shares = [
        Share(
            label, (t or EMPTY).on_time_share, f"{(t or EMPTY).met_on_time}/{(t or EMPTY).judged}"
        )
        for label, t in rows
    ]
    scope = report.scope
    return bar_chart(
        shares,
        chart_id=_chart_id(kind, figure.value),
        title=name,
        desc=gettext(desc) % {"figure": name, "start": scope.period_from, "end": scope.period_to},
        missing_text=gettext(NO_JUDGED_DUTIES),
    )
