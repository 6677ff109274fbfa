"""/api/v1 twins of the compliance report and its breach list (issue 8).

Same selection and access as the pages: ``Action.VIEW_COMPLIANCE``, auditors their
jurisdiction (a facility or agency outside it answers 404), admins everything; query
parameters ``from``, ``to``, ``facility``, ``agency`` (and ``figure``, ``page``, ``per_page``
for breaches). A malformed parameter answers 400 problem+json naming it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from app.accounts.models import User
from app.accounts.policy import Action
from app.api.compliance.compliance_models import (
    DEFAULT_PER_PAGE,
    BreachOut,
    BreachPageOut,
    BreachQuery,
    ComplianceQuery,
    ComplianceReportOut,
)
from app.api.framework import Endpoint
from app.presentation.compliance_export import report_json
from app.presentation.compliance_export_labels import API_MESSAGES
from app.presentation.compliance_filters import FilterError, Filters, local_today, parse_filters
from app.presentation.i18n import _, gettext
from app.presentation.messages import message
from app.presentation.problems import FieldProblem, problem_response
from rights_checklist import compliance
from rights_checklist.compliance_types import Breach

P = "/api/v1/compliance"


def _bad_parameter(field: str, text: str) -> Response:
    return problem_response(
        400,
        gettext(_("Bad request")),
        gettext(API_MESSAGES["bad_parameters"]),
        [FieldProblem(field=field, message=text)],
    )


async def _filters(request: Request, user: User, query: ComplianceQuery) -> Filters | Response:
    values = query.as_text()
    if isinstance(query, BreachQuery):
        values.update(figure=query.figure or "", page=str(query.page or 1))
    try:
        return await parse_filters(values, user, local_today(request.app.state.settings))
    except FilterError as error:
        return _bad_parameter(error.field or "query", message(error.code))


async def compliance_report(
    request: Request, user: User, query: ComplianceQuery
) -> ComplianceReportOut | Response:
    filters = await _filters(request, user, query)
    if isinstance(filters, Response):
        return filters
    report = await compliance.compliance_report(filters.scope, refresh_by=request.app.state.law)
    return ComplianceReportOut.model_validate(report_json(report))


def breach_out(breach: Breach) -> BreachOut:
    return BreachOut(
        case_id=breach.case_id,
        case_number=breach.case_number,
        checklist_url=f"/cases/{breach.case_id}/checklist",
        duty_id=breach.duty_id,
        occurrence=breach.occurrence,
        status=breach.status,
        facility_id=breach.facility_id,
        facility_name=breach.facility_name,
        agency_id=breach.agency_id,
        agency_name=breach.agency_name,
        arose_at=breach.arose_at,
        due_at=breach.due_at,
        fulfilled_at=breach.fulfilled_at,
        hours_late=breach.hours_late,
    )


async def compliance_breaches(
    request: Request, user: User, query: BreachQuery
) -> BreachPageOut | Response:
    per_page = query.per_page or DEFAULT_PER_PAGE
    filters = await _filters(request, user, query)
    if isinstance(filters, Response):
        return filters
    found = await compliance.breach_list(
        filters.scope,
        filters.figure,
        limit=per_page,
        offset=(filters.page - 1) * per_page,
        refresh_by=request.app.state.law,
    )
    return BreachPageOut(
        total=found.total,
        page=filters.page,
        per_page=per_page,
        items=[breach_out(b) for b in found.rows],
        judged_at=found.judged_at,
        read_from=found.read_from,
    )


COMPLIANCE_ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", P + "/report", compliance_report,
             "Compliance figures of a period: totals, facilities, agencies, weekly and monthly "
             "trends (auditors: their jurisdiction)", "compliance", Action.VIEW_COMPLIANCE,
             query=ComplianceQuery, response=ComplianceReportOut, errors=(400, 404)),
    Endpoint("GET", P + "/breaches", compliance_breaches,
             "Duties met late or missed in a period, oldest first, a page at a time "
             "(metadata only)", "compliance", Action.VIEW_COMPLIANCE, query=BreachQuery,
             response=BreachPageOut, errors=(400, 404)),
]  # fmt: skip
