"""The compliance report as files: CSV tables, the breach list, one long CSV, JSON and the
printable HTML document. Pure functions over ``rights_checklist.compliance_types`` values,
shared by the web routes, the API and ``lawmeet report compliance``.

CSV headers are in the reader's language; shares are percentages with one decimal; text cells
that a spreadsheet would run as a formula get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from app.law.catalogue import load_catalogue
from app.presentation.checklist_labels import DUTY_STATUS_LABELS
from app.presentation.compliance_export_labels import (
    COLUMN_LABELS,
    EXPORT_TALLY_COLUMNS,
    FIGURE_LABELS,
    READ_FROM_LABELS,
    SCOPE_LABELS,
    SECTION_LABELS,
)
from app.presentation.compliance_labels import (
    AGENCY_COLUMNS,
    BREACH_COLUMNS,
    FACILITY_COLUMNS,
    GRAIN_NAMES,
)
from app.presentation.compliance_report_view import (
    refusal_grounds,
    refusal_summary,
    render_report_html,
)
from app.presentation.i18n import translations_for
from rights_checklist.compliance_types import (
    AGENCY_FIGURES,
    FACILITY_FIGURES,
    Breach,
    ComplianceReport,
    Figure,
    Grain,
    Tally,
    TrendPoint,
)

__all__ = ["breaches_csv", "render_report_html", "report_csv", "report_json", "table_csv"]

Table = Literal["facilities", "agencies", "trends"]
BOM = "\ufeff"
DEFAULT_ZONE = "Asia/Shanghai"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int


def safe_text(text: str) -> str:
    """A text cell a spreadsheet shows as text: formula-like starts get a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def hours(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _t(locale: str, msgid: str) -> str:
    return translations_for(locale).gettext(msgid)


def figure_label(figure: Figure, locale: str) -> str:
    return _t(locale, FIGURE_LABELS[figure])


def _tally_cells(tally: Tally) -> list[Cell]:
    return [tally.met_on_time, tally.met_late, tally.missed, tally.open, tally.not_applicable,
            percent(tally.on_time_share)]  # fmt: skip


def _tally_headers(locale: str, prefix: str = "") -> list[str]:
    return [prefix + _t(locale, label) for label in EXPORT_TALLY_COLUMNS.values()]


def _write(rows: Iterable[Sequence[Cell]], bom: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_text(cell) if isinstance(cell, str) else cell for cell in row])
    return (BOM if bom else "") + out.getvalue()


def _facility_rows(report: ComplianceReport, locale: str) -> list[list[Cell]]:
    header: list[Cell] = [_t(locale, FACILITY_COLUMNS["name"])]
    for figure in FACILITY_FIGURES:
        header += _tally_headers(locale, f"{figure_label(figure, locale)}: ")
    header += [_t(locale, FACILITY_COLUMNS[key]) for key in FACILITY_MEASURES]
    rows = [header]
    for facility in report.facilities:
        row: list[Cell] = [facility.name]
        for figure in FACILITY_FIGURES:
            row += _tally_cells(facility.tallies.get(figure, Tally()))
        row += [
            hours(facility.median_hours),
            hours(facility.p90_hours),
            facility.refusals,
            refusal_summary(facility.refusal_reasons, locale),
            facility.facility_cancellations,
            facility.breach_forecasts,
        ]
        rows.append(row)
    return rows


FACILITY_MEASURES = ("median_hours", "p90_hours", "refusals", "refusal_reasons",
                     "facility_cancellations", "breach_forecasts")  # fmt: skip


def _agency_rows(report: ComplianceReport, locale: str) -> list[list[Cell]]:
    header: list[Cell] = [_t(locale, AGENCY_COLUMNS["name"])]
    for figure in AGENCY_FIGURES:
        header += _tally_headers(locale, f"{figure_label(figure, locale)}: ")
    rows = [header]
    for agency in report.agencies:
        row: list[Cell] = [agency.name]
        for figure in AGENCY_FIGURES:
            row += _tally_cells(agency.tallies.get(figure, Tally()))
        rows.append(row)
    return rows


def _trend_rows(report: ComplianceReport, locale: str) -> list[list[Cell]]:
    names = ("grain", "bucket", "figure")
    header: list[Cell] = [_t(locale, COLUMN_LABELS[n]) for n in names]
    rows = [header + _tally_headers(locale)]
    for grain, points in ((Grain.WEEK, report.weekly), (Grain.MONTH, report.monthly)):
        for point in points:
            label = _t(locale, GRAIN_NAMES[grain])
            figure = figure_label(point.figure, locale)
            rows.append([label, point.bucket, figure, *_tally_cells(point.tally)])
    return rows


def table_csv(report: ComplianceReport, table: Table, locale: str, *, bom: bool = False) -> str:
    """One table of the report (facilities, agencies, or the weekly and monthly trends)."""
    makers = {"facilities": _facility_rows, "agencies": _agency_rows, "trends": _trend_rows}
    if table not in makers:
        raise ValueError(f"unknown table {table!r}")
    return _write(makers[table](report, locale), bom)


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return "" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def breaches_csv(
    rows: Sequence[Breach], locale: str, *, bom: bool = False, zone: str = DEFAULT_ZONE
) -> str:
    """The breach list (metadata only), times on the clock of ``zone``."""
    tz = ZoneInfo(zone)
    header: list[Cell] = [
        _t(locale, BREACH_COLUMNS["case_number"]),
        _t(locale, BREACH_COLUMNS["duty_id"]),
        _t(locale, COLUMN_LABELS["duty_title"]),
        _t(locale, COLUMN_LABELS["occurrence"]),
        *[_t(locale, BREACH_COLUMNS[n]) for n in ("status", "facility_name", "agency_name")],
        *[f"{_t(locale, BREACH_COLUMNS[n])} ({zone})" for n in ("arose_at", "due_at",
                                                               "fulfilled_at")],
        _t(locale, BREACH_COLUMNS["hours_late"]),
    ]  # fmt: skip
    catalogue = load_catalogue()
    out: list[Sequence[Cell]] = [header]
    for b in rows:
        status = DUTY_STATUS_LABELS.get(b.status)
        out.append([
            b.case_number, b.duty_id, catalogue.by_id(b.duty_id).title.in_locale(locale),
            b.occurrence, _t(locale, status) if status else b.status, b.facility_name,
            b.agency_name, _local(b.arose_at, tz), _local(b.due_at, tz),
            _local(b.fulfilled_at, tz), hours(b.hours_late),
        ])  # fmt: skip
    return _write(out, bom)


def _scope_rows(report: ComplianceReport, locale: str, width: int) -> list[list[Cell]]:
    scope = report.scope
    values = {
        "period_from": scope.period_from.isoformat(),
        "period_to": scope.period_to.isoformat(),
        "jurisdiction": scope.jurisdiction or _t(locale, SCOPE_LABELS["everywhere"]),
        "facility": _name_of(report, "facility") or _t(locale, SCOPE_LABELS["all"]),
        "agency": _name_of(report, "agency") or _t(locale, SCOPE_LABELS["all"]),
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "pending_refresh": str(report.pending_refresh),
        "read_from": _t(locale, READ_FROM_LABELS[report.read_from.value]),
    }
    section = _t(locale, SECTION_LABELS["scope"])
    pad: list[Cell] = [""] * (width - 3)
    return [[section, _t(locale, SCOPE_LABELS[key]), *pad, value] for key, value in values.items()]


def _name_of(report: ComplianceReport, kind: Literal["facility", "agency"]) -> str:
    """The name of the facility or agency the scope is limited to ("" if none; "#id" if the
    report has no row for it)."""
    wanted = report.scope.facility_id if kind == "facility" else report.scope.agency_id
    if wanted is None:
        return ""
    named = (
        [(f.facility_id, f.name) for f in report.facilities]
        if kind == "facility"
        else [(a.agency_id, a.name) for a in report.agencies]
    )
    return next((name for ident, name in named if ident == wanted), f"#{wanted}")


def report_csv(report: ComplianceReport, locale: str, *, bom: bool = False) -> str:
    """The whole report in one long table: a row per (section, name, figure), the facilities'
    own measures on a row of their own (figure empty), the scope as name/value rows."""
    names = ("section", "name", "figure")
    header: list[Cell] = [_t(locale, COLUMN_LABELS[n]) for n in names]
    header += _tally_headers(locale)
    header += [_t(locale, FACILITY_COLUMNS[key]) for key in FACILITY_MEASURES]
    header.append(_t(locale, COLUMN_LABELS["value"]))
    width = len(header)
    rows: list[list[Cell]] = [header, *_scope_rows(report, locale, width)]
    blank_measures: list[Cell] = [""] * len(FACILITY_MEASURES)

    def tally_row(section: str, name: str, figure: Figure, tally: Tally) -> list[Cell]:
        label = _t(locale, SECTION_LABELS[section])
        cells = [label, name, figure_label(figure, locale), *_tally_cells(tally)]
        return cells + blank_measures + [""]

    everywhere = report.scope.jurisdiction or _t(locale, SCOPE_LABELS["everywhere"])
    rows += [tally_row("totals", everywhere, f, t) for f, t in _ordered(report.totals)]
    for facility in report.facilities:
        rows += [tally_row("facilities", facility.name, f, facility.tallies.get(f, Tally()))
                 for f in FACILITY_FIGURES]  # fmt: skip
        measures: list[Cell] = [
            hours(facility.median_hours), hours(facility.p90_hours), facility.refusals,
            refusal_summary(facility.refusal_reasons, locale),
            facility.facility_cancellations, facility.breach_forecasts,
        ]  # fmt: skip
        section = _t(locale, SECTION_LABELS["facilities"])
        rows.append([section, facility.name, "", *[""] * len(EXPORT_TALLY_COLUMNS), *measures, ""])
    for agency in report.agencies:
        rows += [tally_row("agencies", agency.name, f, agency.tallies.get(f, Tally()))
                 for f in AGENCY_FIGURES]  # fmt: skip
    for section, points in (("weekly", report.weekly), ("monthly", report.monthly)):
        rows += [tally_row(section, p.bucket, p.figure, p.tally) for p in points]
    return _write(rows, bom)


def _ordered(tallies: dict[Figure, Tally]) -> list[tuple[Figure, Tally]]:
    return [(figure, tallies[figure]) for figure in Figure if figure in tallies]


def tally_json(tally: Tally) -> dict[str, Any]:
    share = tally.on_time_share
    return {
        "met_on_time": tally.met_on_time,
        "met_late": tally.met_late,
        "missed": tally.missed,
        "open": tally.open,
        "not_applicable": tally.not_applicable,
        "judged": tally.judged,
        "breaches": tally.breaches,
        "on_time_share": None if share is None else round(share, 4),
    }


def _figures_json(tallies: dict[Figure, Tally]) -> dict[str, Any]:
    return {figure.value: tally_json(tally) for figure, tally in _ordered(tallies)}


def _trend_json(points: Sequence[TrendPoint]) -> list[dict[str, Any]]:
    return [{"bucket": p.bucket, "figure": p.figure.value, **tally_json(p.tally)} for p in points]


def report_json(report: ComplianceReport) -> dict[str, Any]:
    """The report as JSON-ready values: stable English keys, ISO dates, shares 0-1."""
    scope = report.scope
    return {
        "scope": {
            "period_from": scope.period_from.isoformat(),
            "period_to": scope.period_to.isoformat(),
            "jurisdiction": scope.jurisdiction,
            "facility_id": scope.facility_id,
            "agency_id": scope.agency_id,
        },
        "generated_at": report.generated_at.isoformat(),
        "read_from": report.read_from.value,
        "pending_refresh": report.pending_refresh,
        "totals": _figures_json(report.totals),
        "facilities": [
            {
                "facility_id": f.facility_id,
                "name": f.name,
                "figures": _figures_json(f.tallies),
                "median_hours": f.median_hours,
                "p90_hours": f.p90_hours,
                "refusals": f.refusals,
                "refusal_reasons": [
                    {"reason": r.reason, "count": r.count}
                    for r in refusal_grounds(f.refusal_reasons)
                ],
                "facility_cancellations": f.facility_cancellations,
                "breach_forecasts": f.breach_forecasts,
                "video_meetings": f.video_meetings,
                "priority_meetings": f.priority_meetings,
                "offers_made": f.offers_made,
                "offers_accepted": f.offers_accepted,
                "offers_expired": f.offers_expired,
            }
            for f in report.facilities
        ],
        "agencies": [
            {"agency_id": a.agency_id, "name": a.name, "figures": _figures_json(a.tallies)}
            for a in report.agencies
        ],
        "trends": {"week": _trend_json(report.weekly), "month": _trend_json(report.monthly)},
    }
