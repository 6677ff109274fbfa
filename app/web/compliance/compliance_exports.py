"""Downloads of the compliance audit (issue 8): CSV of each dashboard table and of the breach
list, and the printable report with the audit-trail verification run for it.

Same access as the dashboard: ``Action.VIEW_COMPLIANCE``; auditors see their jurisdiction
(a facility or agency outside it answers 404), admins everything. Query parameters as the
dashboard's (``app.presentation.compliance_filters``), plus ``bom=1`` for a UTF-8 byte-order
mark that lets Excel open Chinese text correctly.
"""

from __future__ import annotations

import logging
from typing import Final

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action, NotFound
from app.audit.verify import (
    CheckpointError,
    Outcome,
    latest_checkpoint_file,
    read_checkpoint,
    verify_chain,
)
from app.law.context import Law
from app.orgs.models import BarAssociation
from app.presentation.compliance_export import breaches_csv, render_report_html, table_csv
from app.presentation.compliance_filters import FilterError, Filters, local_today, parse_filters
from app.presentation.i18n import current_locale
from app.presentation.messages import message
from app.web.auth import permitted
from app.web.errors import error_page
from rights_checklist import compliance
from rights_checklist.compliance_types import Breach, Figure, ReportScope

log = logging.getLogger("lawmeet.compliance")
TABLES: Final = ("facilities", "agencies", "trends", "breaches")
BREACH_BATCH: Final = 5000
MAX_BREACH_ROWS: Final = 200_000  # a CSV beyond this is cut; the report says how many in all


async def collect_breaches(
    scope: ReportScope,
    figure: Figure | None,
    *,
    refresh_by: Law | None,
    max_rows: int = MAX_BREACH_ROWS,
) -> tuple[list[Breach], int]:
    """Every breach of the selection (up to ``max_rows``), fetched in batches; and the total."""
    first = await compliance.breach_list(scope, figure, limit=BREACH_BATCH, refresh_by=refresh_by)
    rows, total = first.rows, first.total
    while len(rows) < min(total, max_rows):
        # Every batch judged against the first one's moment, so the statuses agree.
        more = await compliance.breach_list(
            scope, figure, now=first.judged_at, limit=BREACH_BATCH, offset=len(rows),
            refresh_by=None,
        )  # fmt: skip
        if not more.rows:
            break
        rows.extend(more.rows)
    return rows[:max_rows], total


async def _filters(request: Request) -> Filters | Response:
    user = permitted(request, Action.VIEW_COMPLIANCE)
    today = local_today(request.app.state.settings)
    try:
        return await parse_filters(request.query_params, user, today)
    except FilterError as error:
        return error_page(request, 400, message(error.code))


def _wants_bom(request: Request) -> bool:
    return request.query_params.get("bom", "").strip().lower() in ("1", "true", "yes", "on")


def _filename(kind: str, filters: Filters) -> str:
    scope = filters.scope
    parts = [f"compliance-{kind}", scope.period_from.isoformat(), scope.period_to.isoformat()]
    if scope.facility_id is not None:
        parts.append(f"facility{scope.facility_id}")
    if scope.agency_id is not None:
        parts.append(f"agency{scope.agency_id}")
    if filters.figure is not None and kind == "breaches":
        parts.append(filters.figure.value)
    return "_".join(parts) + ".csv"


async def export_csv(request: Request) -> Response:
    table = request.path_params["table"]
    filters = await _filters(request)
    if isinstance(filters, Response):
        return filters
    if table not in TABLES:
        raise NotFound("export")
    locale, bom = current_locale.get(), _wants_bom(request)
    if table == "breaches":
        rows, total = await collect_breaches(
            filters.scope, filters.figure, refresh_by=request.app.state.law
        )
        if total > len(rows):
            log.warning("breach export cut at %s of %s rows", len(rows), total)
        zone = request.app.state.settings.i18n.timezone
        text = breaches_csv(rows, locale, bom=bom, zone=zone)
    else:
        report = await compliance.compliance_report(filters.scope, refresh_by=request.app.state.law)
        text = table_csv(report, table, locale, bom=bom)
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(table, filters)}"',
            "Cache-Control": "no-store",
        },
    )


async def verification_for_report(request: Request) -> Outcome | None:
    """Verify the audit trail now, against the newest checkpoint, as "Verify now" does but
    without storing the result: a GET changes nothing (the audit page's button records its
    runs). None if the checkpoint file cannot be read, which the report states rather than
    vouching for an unchecked chain."""
    permitted(request, Action.VIEW_COMPLIANCE)
    path = latest_checkpoint_file(request.app.state.settings.data_dir)
    try:
        checkpoint = read_checkpoint(path) if path else None
    except CheckpointError:
        log.exception("audit checkpoint unreadable")
        return None
    return await verify_chain(checkpoint, str(path) if path else "")


async def _bar_name(request: Request) -> str:
    """The auditor's bar association and its jurisdiction, e.g. "北京市律师协会 (110000)"."""
    user = permitted(request, Action.VIEW_COMPLIANCE)
    if user.bar_association_id is None:
        return ""
    bar = await BarAssociation.get_or_none(id=user.bar_association_id)
    return f"{bar.name} ({bar.jurisdiction})" if bar else ""


async def printable_report(request: Request) -> Response:
    filters = await _filters(request)
    if isinstance(filters, Response):
        return filters
    report = await compliance.compliance_report(filters.scope, refresh_by=request.app.state.law)
    verification = await verification_for_report(request)
    html = render_report_html(
        report,
        current_locale.get(),
        verification,
        zone=request.app.state.settings.i18n.timezone,
        inline_css=False,  # the Content-Security-Policy allows only the site's stylesheets
        jurisdiction_name=await _bar_name(request),
        back_url=f"/compliance?{filters.query()}",
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


routes = [
    Route("/compliance/export/{table}.csv", export_csv, methods=["GET"]),
    Route("/compliance/report", printable_report, methods=["GET"]),
]
