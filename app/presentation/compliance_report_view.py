"""The printable compliance report: one standalone HTML document (print stylesheet inline, or
linked where the Content-Security-Policy forbids inline style), rendered without a request so
the web page and ``lawmeet report compliance --format html`` give the same document."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from app.audit.verify import Outcome
from app.presentation.charts import Share, bar_chart, trend_chart
from app.presentation.compliance_export_labels import (
    CHART_TEXTS,
    EXPORT_TALLY_COLUMNS,
    FIGURE_LABELS,
)
from app.presentation.compliance_labels import FACILITY_COLUMNS, NO_JUDGED_DUTIES
from app.presentation.i18n import current_locale, gettext, ngettext, translations_for
from app.presentation.meeting_labels import REFUSAL_REASON_LABELS
from rights_checklist.compliance_types import (
    AGENCY_FIGURES,
    FACILITY_FIGURES,
    ComplianceReport,
    Figure,
    ReasonCount,
    Tally,
    TrendPoint,
    figure_code,
)

STYLESHEET = Path(__file__).with_name("static") / "compliance_report.css"
STYLESHEET_URL = "/static/compliance_report.css"
TEMPLATE = "compliance/report_document.html"


@dataclass(frozen=True)
class TallyRow:
    label: str
    tally: Tally
    share: str


@dataclass(frozen=True)
class PivotTable:
    """Rows (facilities, agencies or periods) by figures: each cell "share (on time/judged)"."""

    figures: tuple[str, ...]  # column labels
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@cache
def _environment() -> Environment:
    """The report is a document of its own: no site layout, no request."""
    env = Environment(
        loader=FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=select_autoescape(["html"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


@contextmanager
def _in_locale(locale: str) -> Iterator[None]:
    token = current_locale.set(locale)
    try:
        yield
    finally:
        current_locale.reset(token)


def _share(tally: Tally) -> str:
    share = tally.on_time_share
    return "–" if share is None else f"{share * 100:.1f}%"


def _cell(tally: Tally | None) -> str:
    if tally is None or not (tally.judged or tally.open):
        return "–"
    return f"{_share(tally)} ({tally.met_on_time}/{tally.judged})"


def _hours(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _pivot(
    locale: str, figures: Sequence[Figure], rows: Sequence[tuple[str, dict[Figure, Tally]]]
) -> PivotTable:
    gettext = translations_for(locale).gettext
    return PivotTable(
        tuple(gettext(FIGURE_LABELS[f]) for f in figures),
        tuple((name, tuple(_cell(tallies.get(f)) for f in figures)) for name, tallies in rows),
    )


def _trend_pivot(locale: str, points: Sequence[TrendPoint]) -> PivotTable:
    buckets: dict[str, dict[Figure, Tally]] = {}
    for point in points:
        buckets.setdefault(point.bucket, {})[point.figure] = point.tally
    figures = [f for f in Figure if any(f in tallies for tallies in buckets.values())]
    return _pivot(locale, figures, sorted(buckets.items()))


def refusal_grounds(stated: Sequence[ReasonCount]) -> list[ReasonCount]:
    """The lawful grounds ("ground: details" cut to the ground) with their counts, most
    frequent first: the free-text details may name people or documents, so they stay out."""
    counts: dict[str, int] = {}
    for reason in stated:
        code = reason.reason.partition(":")[0].strip()
        counts[code] = counts.get(code, 0) + reason.count
    return sorted(
        (ReasonCount(c, n) for c, n in counts.items()), key=lambda r: (-r.count, r.reason)
    )


def refusal_summary(stated: Sequence[ReasonCount], locale: str) -> str:
    """The grounds in the reader's language with their counts: "ground (n); ..."."""
    gettext = translations_for(locale).gettext
    labels = REFUSAL_REASON_LABELS
    return "; ".join(
        f"{gettext(labels[r.reason]) if r.reason in labels else r.reason} ({r.count})"
        for r in refusal_grounds(stated)
    )


def _share_item(label: str, tally: Tally | None) -> Share:
    tally = tally or Tally()
    detail = f"{tally.met_on_time}/{tally.judged}" if tally.judged else ""
    return Share(label, tally.on_time_share, detail)


def _embedded(css: str) -> Markup:
    return Markup("<style>\n") + Markup(css) + Markup("</style>")  # noqa: S704


def _charts(report: ComplianceReport, locale: str) -> dict[str, Markup]:
    """The SVG charts: every figure across the scope, each centre's M1 share, M1 by month."""
    gettext = translations_for(locale).gettext
    missing = gettext(NO_JUDGED_DUTIES)
    totals = [f for f in Figure if f in report.totals]
    desc = gettext(CHART_TEXTS["desc"])
    m1 = gettext(FIGURE_LABELS[Figure.MEETINGS])
    charts = {
        "totals": bar_chart(
            # Codes, not names: the table above names each figure and a chart label is short.
            [_share_item(figure_code(f), report.totals.get(f)) for f in totals],
            chart_id="report-totals", title=gettext(CHART_TEXTS["totals"]),
            desc=desc, missing_text=missing,
        ),
        "facilities": bar_chart(
            [_share_item(f.name, f.tallies.get(Figure.MEETINGS)) for f in report.facilities],
            chart_id="report-facilities", title=gettext(CHART_TEXTS["facilities"]) % {"figure": m1},
            desc=desc, missing_text=missing,
        ),
    }  # fmt: skip
    months = [_share_item(p.bucket, p.tally) for p in report.monthly if p.figure == Figure.MEETINGS]
    if months:
        title = gettext(CHART_TEXTS["monthly"]) % {"figure": m1}
        charts["monthly"] = trend_chart(
            months, chart_id="report-monthly", title=title, desc=desc, missing_text=missing
        )
    return charts


def render_report_html(
    report: ComplianceReport,
    locale: str,
    verification: Outcome | None,
    *,
    zone: str = "Asia/Shanghai",
    inline_css: bool = True,
    jurisdiction_name: str = "",
    back_url: str = "",
) -> str:
    """The whole report as one HTML document. ``verification`` is the audit-trail check run for
    this report (None: it could not be run). ``inline_css=False`` links the stylesheet instead,
    for pages served under the strict Content-Security-Policy. ``jurisdiction_name`` names the
    scope's region prefix (e.g. the bar association); ``back_url`` adds a screen-only link."""
    gettext = translations_for(locale).gettext
    tz = ZoneInfo(zone)
    names = {f.facility_id: f.name for f in report.facilities}
    agency_names = {a.agency_id: a.name for a in report.agencies}
    scope = report.scope
    context = {
        "locale": locale,
        "report": report,
        "scope": scope,
        "zone": zone,
        "generated_local": report.generated_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"),
        "facility_name": names.get(scope.facility_id or 0, f"#{scope.facility_id}")
        if scope.facility_id
        else "",
        "agency_name": agency_names.get(scope.agency_id or 0, f"#{scope.agency_id}")
        if scope.agency_id
        else "",
        # A file written by the command is opened without our server, so it carries its
        # stylesheet; served pages (strict CSP, no inline style) link it instead. Our own
        # stylesheet, not user input: escaping would break its selectors.
        "embedded_stylesheet": _embedded(STYLESHEET.read_text(encoding="utf-8"))
        if inline_css
        else None,
        "stylesheet_url": STYLESHEET_URL,
        "jurisdiction_name": jurisdiction_name,
        "back_url": back_url,
        "facility_columns": FACILITY_COLUMNS,
        "tally_columns": [gettext(label) for label in EXPORT_TALLY_COLUMNS.values()],
        "totals": [
            TallyRow(gettext(FIGURE_LABELS[f]), report.totals[f], _share(report.totals[f]))
            for f in Figure
            if f in report.totals
        ],
        "facility_table": _pivot(
            locale, FACILITY_FIGURES, [(f.name, f.tallies) for f in report.facilities]
        ),
        "facilities": report.facilities,
        "hours": _hours,
        "refusals": lambda stated: refusal_summary(stated, locale),
        "agency_table": _pivot(
            locale, AGENCY_FIGURES, [(a.name, a.tallies) for a in report.agencies]
        ),
        "monthly": _trend_pivot(locale, report.monthly),
        "weekly": _trend_pivot(locale, report.weekly),
        "charts": _charts(report, locale),
        "verification": verification,
        "checkpoint_name": Path(verification.checkpoint).name
        if verification and verification.checkpoint
        else "",
    }
    with _in_locale(locale):
        return _environment().get_template(TEMPLATE).render(context)
