"""The bar auditors' compliance dashboard and its breach drill-down (issue 8).

``GET /compliance``: figures of a period for the auditor's jurisdiction (admins: everywhere),
filtered by facility and agency, with charts, tables, trends and links to the CSV exports and
the printable report (those routes: ``compliance_export``). ``GET /compliance/breaches``: the
duties met late or missed behind a figure, metadata only, each linking to the case checklist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.accounts.models import User
from app.accounts.policy import Action
from app.law.catalogue import load_catalogue
from app.orgs.models import BarAssociation
from app.presentation.checklist_labels import DUTY_STATUS_LABELS
from app.presentation.compliance_filters import (
    Choices,
    FilterError,
    Filters,
    choices,
    local_today,
    parse_filters,
    quick_periods,
)
from app.presentation.compliance_labels import (
    BREACH_COLUMNS,
    FACILITY_COLUMNS,
    FIGURE_NAMES,
    QUICK_PERIODS,
    TALLY_COLUMNS,
)
from app.presentation.i18n import current_locale
from app.presentation.messages import message
from app.web.auth import permitted
from app.web.cases.case_views import render
from app.web.compliance import compliance_views as views
from app.web.forms import show_local
from rights_checklist import compliance
from rights_checklist.compliance_types import Breach, Figure, Grain

PAGE_SIZE: Final = 50
EXPORTS: Final = ("facilities", "agencies", "trends", "breaches")


@dataclass(frozen=True)
class BreachRow:
    breach: Breach
    duty_title: str
    arose: str
    due: str
    fulfilled: str
    hours_late: str


async def _scope_name(user: User) -> str | None:
    """The auditor's bar association (its jurisdiction); None for admins (everywhere)."""
    if user.bar_association_id is None:
        return None
    bar = await BarAssociation.get_or_none(id=user.bar_association_id)
    return f"{bar.name} ({bar.jurisdiction})" if bar else None


async def _common(
    request: Request, user: User, options: Choices, filters: Filters | None = None
) -> dict[str, Any]:
    """What every compliance page shows; quick periods keep the chosen facility and agency."""

    def period(start: date, end: date) -> str:
        if filters is None:
            return f"from={start}&to={end}"
        return filters.query(**{"from": start.isoformat(), "to": end.isoformat()})

    today = local_today(request.app.state.settings)
    return {
        "options": options,
        "quick": [
            (QUICK_PERIODS[q.key], period(q.period_from, q.period_to)) for q in quick_periods(today)
        ],
        "scope_name": await _scope_name(user),
        "FIGURES": list(Figure),
        "FIGURE_NAMES": FIGURE_NAMES,
        "TALLY_COLUMNS": TALLY_COLUMNS,
        "FACILITY_COLUMNS": FACILITY_COLUMNS,
        "BREACH_COLUMNS": BREACH_COLUMNS,
    }


def _values(filters: Filters) -> dict[str, str]:
    """The form shows the period actually used (defaults filled in)."""
    return {
        **filters.values,
        "from": filters.scope.period_from.isoformat(),
        "to": filters.scope.period_to.isoformat(),
    }


async def _bad_filters(
    request: Request, user: User, options: Choices, error: FilterError, template: str
) -> Response:
    context = await _common(request, user, options)
    context.update(values=error.values, error=message(error.code), error_field=error.field)
    return render(request, template, context, 400)


async def _read_filters(
    request: Request, template: str
) -> tuple[User, Choices, Filters] | Response:
    """Who asks, what they may choose from, and their filters; bad filters: the 400 page."""
    user = permitted(request, Action.VIEW_COMPLIANCE)
    options = await choices(user)
    today = local_today(request.app.state.settings)
    try:
        return user, options, await parse_filters(request.query_params, user, today)
    except FilterError as error:
        return await _bad_filters(request, user, options, error, template)


async def dashboard(request: Request) -> Response:
    read = await _read_filters(request, "compliance/dashboard.html")
    if isinstance(read, Response):
        return read
    user, options, filters = read
    report = await compliance.compliance_report(filters.scope, refresh_by=request.app.state.law)
    trend_figure = filters.figure or Figure.MEETINGS
    whole = filters.query(figure=None)
    context = await _common(request, user, options, filters)
    context.update(
        values={**_values(filters), "figure": trend_figure.value},
        filters=filters,
        report=report,
        read_lag=views.read_lag(report.generated_at, report.read_from),
        zone=request.app.state.settings.i18n.timezone,
        totals=views.totals(report, filters),
        facility_rows=views.facility_rows(report, filters),
        agency_groups=views.agency_groups(report, filters),
        facility_chart=views.facility_chart(report) if report.facilities else None,
        agency_chart=views.agency_chart(report) if report.agencies else None,
        trend_figure=trend_figure,
        trends=[
            views.trend(report.weekly, Grain.WEEK, trend_figure, filters),
            views.trend(report.monthly, Grain.MONTH, trend_figure, filters),
        ],
        # The figure of the dashboard picks the trend; the exports cover every figure.
        exports=[(name, f"/compliance/export/{name}.csv?{whole}") for name in EXPORTS],
        report_url=f"/compliance/report?{whole}",
        breaches_url=f"{views.BREACHES_PATH}?{whole}",
        figure_explanation=views.figure_explanation,
    )
    return render(request, "compliance/dashboard.html", context)


def _breach_rows(rows: list[Breach], zone: str) -> list[BreachRow]:
    catalogue, locale = load_catalogue(), current_locale.get()
    shown = []
    for row in rows:
        try:
            title = catalogue.by_id(row.duty_id).title.in_locale(locale)
        except KeyError:
            title = ""
        shown.append(
            BreachRow(
                row,
                title,
                show_local(row.arose_at, zone),
                show_local(row.due_at, zone),
                show_local(row.fulfilled_at, zone),
                views.hours_text(row.hours_late),
            )
        )
    return shown


async def breaches(request: Request) -> Response:
    read = await _read_filters(request, "compliance/breaches.html")
    if isinstance(read, Response):
        return read
    user, options, filters = read
    offset = (filters.page - 1) * PAGE_SIZE
    found = await compliance.breach_list(
        filters.scope,
        filters.figure,
        limit=PAGE_SIZE,
        offset=offset,
        refresh_by=request.app.state.law,
    )
    rows, total = found.rows, found.total
    zone = request.app.state.settings.i18n.timezone
    last_page = max(1, -(-total // PAGE_SIZE))
    context = await _common(request, user, options, filters)
    context.update(
        values=_values(filters),
        filters=filters,
        rows=_breach_rows(rows, zone),
        total=total,
        judged_at=found.judged_at,
        read_from=found.read_from,
        read_lag=views.read_lag(found.judged_at, found.read_from),
        first_shown=offset + 1 if rows else 0,
        last_shown=offset + len(rows),
        zone=zone,
        DUTY_STATUS_LABELS=DUTY_STATUS_LABELS,
        previous_url=(
            f"{views.BREACHES_PATH}?{filters.query(page=filters.page - 1)}"
            if filters.page > 1
            else None
        ),
        next_url=(
            f"{views.BREACHES_PATH}?{filters.query(page=filters.page + 1)}"
            if filters.page < last_page
            else None
        ),
        page=filters.page,
        last_page=last_page,
        csv_url=f"/compliance/export/breaches.csv?{filters.query()}",
        dashboard_url=f"/compliance?{filters.query(figure=None)}",
        explanation=views.figure_explanation(filters.figure) if filters.figure else None,
    )
    return render(request, "compliance/breaches.html", context)


routes = [
    Route("/compliance", dashboard, methods=["GET"]),
    Route("/compliance/breaches", breaches, methods=["GET"]),
]
