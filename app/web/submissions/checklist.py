"""The rights checklist of a case: every duty, its deadline, whether it was met and by what.

Investigators and bar auditors open it from the case (/cases/{id}/checklist), lawyers from their
engagement (/clients/{id}/checklist). Investigators record the N1 charges notice and the N6/N7
family notices here; lawyers get a "complain about this" link on each breached duty.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.accounts.policy import Action, NotFound, allowed
from app.accounts.roles import Role
from app.accounts.scopes import visible_row
from app.cases.models import Case, CaseEvent, Engagement
from app.errors import DomainError
from app.law.catalogue import load_catalogue
from app.presentation.checklist_labels import (
    DUTY_STATUS_LABELS,
    FAMILY_REASON_LABELS,
    OCCURRENCE_LABELS,
)
from app.presentation.i18n import current_locale
from app.presentation.legal_words import explanation_words
from app.web.auth import permitted
from app.web.cases import case_views
from app.web.csrf import checked_form
from app.web.forms import form_errors, local_datetime, text_values
from rights_checklist import case_notices
from rights_checklist.checklist import case_checklist, complaint_draft
from rights_checklist.timeline import DutyResult

CHARGES_FIELDS = ("charges", "facts")
FAMILY_FIELDS = ("notified_date", "notified_time", "manner", "lawful_reason", "details")


@dataclass(frozen=True)
class ChecklistRow:
    result: DutyResult
    title: str
    due: case_views.Moment | None
    evidence_at: case_views.Moment | None
    explanation: list[str]
    complaint_url: str | None
    target: int | None  # the engagement (N1) or event (N6/N7) an investigator's form is for


async def _rows(request: Request, user: User, case: Case, zone: str) -> list[ChecklistRow]:
    context = await request.app.state.law.context()
    results = await case_checklist(case, context, viewer=user)
    catalogue, locale = load_catalogue(), current_locale.get()
    rows = []
    for r in results:
        duty = catalogue.by_id(r.duty_id)
        draft = complaint_draft(case, r) if user.role == Role.LAWYER else None
        complaint_url = None
        if draft is not None and allowed(user, Action.FILE_COMPLAINTS):
            query = {"case_id": case.id, "type": draft.complaint_type.value, "duty": draft.duty,
                     "breached": r.duty_id, "occurrence": r.occurrence}  # fmt: skip
            complaint_url = "/complaints/new?" + urlencode(query)
        evidence_at = r.evidence.at if r.evidence else None
        explanation = explanation_words(r.deadline.explanation, locale) if r.deadline else []
        rows.append(
            ChecklistRow(
                r,
                duty.title.in_locale(locale),
                case_views.moment(r.due_at, zone),
                case_views.moment(evidence_at, zone),
                explanation,
                complaint_url,
                _target(r),
            )
        )
    return rows


def _target(result: DutyResult) -> int | None:
    for part in result.occurrence.split("/"):
        kind, _sep, number = part.partition(":")
        if (kind, result.duty_id) in {("engagement", "N1"), ("event", "N6"), ("event", "N7")}:
            return int(number)
    return None


async def _page(
    request: Request,
    user: User,
    case: Case,
    engagement: Engagement | None,
    values: dict[str, dict[str, str]] | None = None,
    errors: dict[str, dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    zone = await case_views.case_zone(case)
    context = {
        "case": case,
        "engagement": engagement,
        "rows": await _rows(request, user, case, zone),
        "zone": zone,
        "records_notices": user.role == Role.INVESTIGATOR,
        "shows_notes": user.role != Role.BAR_AUDITOR,  # auditors: dates and statuses only
        "values": values or {},
        "errors": errors or {},
        "DUTY_STATUS_LABELS": DUTY_STATUS_LABELS,
        "OCCURRENCE_LABELS": OCCURRENCE_LABELS,
        "FAMILY_REASON_LABELS": FAMILY_REASON_LABELS,
    }
    return case_views.render(request, "checklist/page.html", context, status)


async def case_checklist_page(request: Request) -> Response:
    user = permitted(request, Action.BROWSE_CASES)
    case = await visible_row(Case, user, request.path_params["case_id"])
    return await _page(request, user, case, None)


async def engagement_checklist_page(request: Request) -> Response:
    user = permitted(request, Action.ENGAGE_CLIENTS)
    engagement = await visible_row(Engagement, user, request.path_params["engagement_id"])
    case = await Case.get(id=engagement.case_id)
    return await _page(request, user, case, engagement)


async def inform_of_charges(request: Request) -> Response:
    user = permitted(request, Action.RECORD_CASE_EVENTS)
    case = await visible_row(Case, user, request.path_params["case_id"])
    engagement = await Engagement.get_or_none(
        id=request.path_params["engagement_id"], case_id=case.id
    )
    if engagement is None or user.role != Role.INVESTIGATOR:
        raise NotFound("engagement")
    values = text_values(await checked_form(request), CHARGES_FIELDS)
    key = f"charges-{engagement.id}"
    settings = request.app.state.settings
    try:
        await case_notices.inform_of_charges(
            user, engagement, values["charges"], values["facts"],
            context=await request.app.state.law.context(), public_url=settings.app.public_url,
        )  # fmt: skip
    except DomainError as exc:
        errors = {key: form_errors(exc, CHARGES_FIELDS)}
        return await _page(request, user, case, None, {key: values}, errors, exc.status)
    return RedirectResponse(f"/cases/{case.id}/checklist#duty-N1", status_code=303)


async def record_family_notice(request: Request) -> Response:
    user = permitted(request, Action.RECORD_CASE_EVENTS)
    case = await visible_row(Case, user, request.path_params["case_id"])
    event = await CaseEvent.get_or_none(id=request.path_params["event_id"], case_id=case.id)
    if event is None or user.role != Role.INVESTIGATOR:
        raise NotFound("event")
    values = text_values(await checked_form(request), FAMILY_FIELDS)
    key = f"family-{event.id}"
    try:
        notified = None
        if values["notified_date"] or values["notified_time"]:
            zone = await case_views.case_zone(case)
            notified = local_datetime(
                values["notified_date"], values["notified_time"], zone, "notified_at"
            )
        await case_notices.record_family_notice(
            user, event, notified_at=notified, manner=values["manner"],
            lawful_reason=values["lawful_reason"] or None, details=values["details"],
        )  # fmt: skip
    except DomainError as exc:
        errors = {key: form_errors(exc, (*FAMILY_FIELDS, "notified_at"))}
        return await _page(request, user, case, None, {key: values}, errors, exc.status)
    return RedirectResponse(f"/cases/{case.id}/checklist", status_code=303)


routes = [
    Route("/cases/{case_id:int}/checklist", case_checklist_page, methods=["GET"]),
    Route("/clients/{engagement_id:int}/checklist", engagement_checklist_page, methods=["GET"]),
    Route(
        "/cases/{case_id:int}/engagements/{engagement_id:int}/charges-notice",
        inform_of_charges,
        methods=["POST"],
    ),
    Route(
        "/cases/{case_id:int}/events/{event_id:int}/family-notice",
        record_family_notice,
        methods=["POST"],
    ),
]
