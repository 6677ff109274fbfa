"""The public transparency page (issue 8): how promptly each detention centre arranged lawyers'
meetings over the last 12 months, everywhere, without signing in.

Off unless ``[compliance] public_page = true`` (404 otherwise). Aggregates only: a facility's
name, its share of meetings within 48 hours (M1), the median hours from request to meeting
and how many requests it had; no case numbers, no names of people, no stated reasons. The
figures are computed at most once per ``CACHE_SECONDS`` per process, so anonymous visits cost
the database nothing more.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.accounts.policy import NotFound
from app.presentation.compliance_filters import local_today, quick_periods
from app.web.forms import show_local
from rights_checklist.compliance import compliance_report
from rights_checklist.compliance_types import ComplianceReport, Figure, ReportScope, Tally

CACHE_SECONDS: Final = 15 * 60


@dataclass(frozen=True, slots=True)
class PublicRow:
    facility: str
    on_time_share: str  # "87.5%", or "" when nothing is judged yet
    median_hours: float | None  # shown in words ("20小时15分"), in the reader's language
    requests: int


@dataclass(frozen=True, slots=True)
class PublicFigures:
    period_from: date
    period_to: date
    generated_at: datetime
    rows: tuple[PublicRow, ...]


def public_figures(report: ComplianceReport) -> PublicFigures:
    """The anonymised view of a report: per facility only the three aggregate numbers."""
    rows = []
    for facility in report.facilities:
        m1 = facility.tallies.get(Figure.MEETINGS, Tally())
        m2 = facility.tallies.get(Figure.WALK_INS, Tally())
        share = m1.on_time_share
        rows.append(
            PublicRow(
                facility=facility.name,
                on_time_share="" if share is None else f"{share * 100:.1f}%",
                median_hours=facility.median_hours,
                requests=sum(t.judged + t.open + t.not_applicable for t in (m1, m2)),
            )
        )
    scope = report.scope
    return PublicFigures(scope.period_from, scope.period_to, report.generated_at, tuple(rows))


def last_12_months(today: date) -> ReportScope:
    period = next(q for q in quick_periods(today) if q.key == "last_12_months")
    return ReportScope(period.period_from, period.period_to, jurisdiction=None)


async def _figures(request: Request, today: date) -> PublicFigures:
    """The figures of the 12 months to ``today``, kept on the app for ``CACHE_SECONDS``."""
    cached: tuple[date, float, PublicFigures] | None = getattr(
        request.app.state, "transparency_figures", None
    )
    if cached is not None and cached[0] == today and time.monotonic() - cached[1] < CACHE_SECONDS:
        return cached[2]
    figures = public_figures(
        await compliance_report(last_12_months(today), refresh_by=request.app.state.law)
    )
    request.app.state.transparency_figures = (today, time.monotonic(), figures)
    return figures


async def transparency_page(request: Request) -> Response:
    settings = request.app.state.settings
    if not settings.compliance.public_page:
        raise NotFound("transparency")
    figures = await _figures(request, local_today(settings))
    zone = ZoneInfo(settings.i18n.timezone)
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request,
        "transparency.html",
        {
            "figures": figures,
            "generated_local": show_local(figures.generated_at, zone),
        },
    )


routes = [Route("/transparency", transparency_page, methods=["GET"])]
