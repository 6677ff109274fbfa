"""Detention staff: who is held at their facility, admissions, the full identity number (each
view audited), the lawyers' documents to check, and releases and moves. Staff never see case
files: a case appears only as the number a release or move is recorded against."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.accounts.policy import Action, NotFound
from app.accounts.scopes import visible, visible_row
from app.cases import reading, services
from app.cases.kinds import EventKind
from app.cases.models import Case, Detainee, Engagement, EngagementDocument
from app.cases.recording import RecordCaseEvent
from app.commands import build
from app.errors import DomainError, raise_all, together
from app.orgs.models import Facility
from app.web.auth import permitted
from app.web.cases import case_views
from app.web.csrf import checked_form
from app.web.forms import (
    DEFAULT_ZONE,
    attempt,
    every_form_error,
    int_or_none,
    local_datetime,
    local_now,
    text_values,
)
from rights_checklist import case_events
from scheduling import document_checks

ADMISSION_FIELDS = ("name", "id_number", "admitted_date", "admitted_time")
CUSTODY_FIELDS = ("case_id", "effective_date", "effective_time", "note", "to_facility_id")
CUSTODY_KINDS = {"release": EventKind.RELEASED, "move": EventKind.MOVED_FACILITY}


async def _list_page(
    request: Request,
    user: User,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    facility = await Facility.get_or_none(id=user.facility_id or 0)
    zone = facility.timezone if facility else DEFAULT_ZONE
    detainees = list(await visible(Detainee, user))
    return case_views.render(
        request,
        "detainees/list.html",
        {
            "facility": facility,
            "zone": zone,
            "detainees": detainees,
            "masked": {d.id: services.mask_id_number(d.id_number) for d in detainees},
            "values": values or _admission_defaults(zone),
            "errors": errors or {},
        },
        status,
    )


def _admission_defaults(zone: str) -> dict[str, str]:
    now = local_now(zone)
    return {"admitted_date": now["date"], "admitted_time": now["time"]}


async def detainee_list(request: Request) -> Response:
    return await _list_page(request, permitted(request, Action.ADMIT_DETAINEES))


async def admit(request: Request) -> Response:
    user = permitted(request, Action.ADMIT_DETAINEES)
    form = await checked_form(request)
    values = text_values(form, ADMISSION_FIELDS)
    try:
        facility = await Facility.get_or_none(id=user.facility_id or 0)
        if facility is None:
            raise DomainError("facility_not_yours", None, 403)
        problems: list[DomainError] = []
        admitted = attempt(
            problems, local_datetime, values["admitted_date"], values["admitted_time"],
            facility.timezone, "admitted_at",
        )  # fmt: skip
        if admitted is None:  # the name's and number's faults as well
            raise together(
                [*problems, *services.detainee_problems(values["name"], values["id_number"])]
            )
        new = services.NewDetainee(values["name"], values["id_number"], facility.id, admitted)
        detainee = await services.admit_detainee(user, new)
    except DomainError as exc:
        errors = every_form_error(exc, (*ADMISSION_FIELDS, "admitted_at"))
        return await _list_page(request, user, values, errors, exc.status)
    return RedirectResponse(f"/detainees/{detainee.id}", status_code=303)


async def _detainee(request: Request, *actions: Action) -> tuple[User, Detainee]:
    user = permitted(request, Action.ADMIT_DETAINEES, *actions)
    return user, await visible_row(Detainee, user, request.path_params["detainee_id"])


async def _detail_page(
    request: Request,
    user: User,
    detainee: Detainee,
    values: dict[str, dict[str, str]] | None = None,
    errors: dict[str, dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    await detainee.fetch_related("facility")
    zone = detainee.facility.timezone
    items = list(
        await visible(Engagement, user)
        .filter(detainee_id=detainee.id)
        .select_related("lawyer", "case__agency")
    )
    cases = list(
        await Case.filter(detainee_links__detainee_id=detainee.id).select_related("agency")
    )
    now = local_now(zone)
    blank = {"effective_date": now["date"], "effective_time": now["time"]}
    if len(cases) == 1:
        blank["case_id"] = str(cases[0].id)
    context: dict[str, Any] = {
        "detainee": detainee,
        "zone": zone,
        "id_number": await reading.identity_number_for(user, detainee),
        "engagements": items,
        "states": await case_views.document_states(items),
        "cases": cases,
        "facilities": await Facility.exclude(id=detainee.facility_id),
        "values": {"release": dict(blank), "move": dict(blank), **(values or {})},
        "errors": errors or {},
    }
    return case_views.render(request, "detainees/detail.html", context, status)


async def detainee_page(request: Request) -> Response:
    user, detainee = await _detainee(request)
    return await _detail_page(request, user, detainee)


async def review(request: Request) -> Response:
    user, detainee = await _detainee(request, Action.REVIEW_DOCUMENTS)
    document = await visible_row(EngagementDocument, user, request.path_params["document_id"])
    await document.fetch_related("engagement")
    if document.engagement.detainee_id != detainee.id:
        raise NotFound("document")
    form = await checked_form(request)
    values = text_values(form, ("decision", "note"))
    key = f"review-{document.id}"
    try:
        if values["decision"] not in ("accept", "reject"):
            raise DomainError("required", "decision")
        context = await request.app.state.law.context()
        await document_checks.review_document(
            user, document, values["decision"] == "accept", values["note"],
            policies=context.policies, calendar=context.calendar,
            notices=request.app.state.notices,
        )  # fmt: skip
    except DomainError as exc:
        errors = {key: every_form_error(exc, ("note",))}
        return await _detail_page(request, user, detainee, {key: values}, errors, exc.status)
    return RedirectResponse(
        f"/detainees/{detainee.id}#engagement-{document.engagement_id}", status_code=303
    )


async def record_custody(request: Request) -> Response:
    """A release or a move, recorded against one of the detainee's cases."""
    user, detainee = await _detainee(request, Action.RECORD_CASE_EVENTS)
    which = "release" if request.url.path.endswith("/release") else "move"
    form = await checked_form(request)
    values = text_values(form, CUSTODY_FIELDS)
    await detainee.fetch_related("facility")
    try:
        problems: list[DomainError] = []  # every field at fault, at once
        case = await Case.get_or_none(
            id=int_or_none(values["case_id"]) or 0, detainee_links__detainee_id=detainee.id
        )
        if case is None:
            problems.append(DomainError("required", "case_id"))
        effective = attempt(
            problems, local_datetime, values["effective_date"], values["effective_time"],
            detainee.facility.timezone, "effective_at",
        )  # fmt: skip
        target = values["to_facility_id"] if which == "move" else ""
        if which == "move" and not target:
            problems.append(DomainError("facility_unknown", "to_facility_id"))
        try:
            command = build(
                RecordCaseEvent,
                case_id=case.id if case else 0,
                kind=CUSTODY_KINDS[which],
                effective_at=effective,
                note=values["note"],
                detainee_id=detainee.id,
                **({"to_facility_id": target} if target else {}),
            )
        except DomainError as exc:
            raise together([*problems, exc]) from None
        raise_all(problems)
        await case_events.record_case_event(
            user, command, await request.app.state.law.context(),
            public_url=request.app.state.settings.app.public_url,
        )  # fmt: skip
    except DomainError as exc:
        errors = {which: every_form_error(exc, (*CUSTODY_FIELDS, "effective_at"))}
        return await _detail_page(request, user, detainee, {which: values}, errors, exc.status)
    # After a move the detainee is held elsewhere, so no longer on this facility's pages.
    target_page = f"/detainees/{detainee.id}" if which == "release" else "/detainees"
    return RedirectResponse(target_page, status_code=303)


routes = [
    Route("/detainees", detainee_list, methods=["GET"]),
    Route("/detainees", admit, methods=["POST"]),
    Route("/detainees/{detainee_id:int}", detainee_page, methods=["GET"]),
    Route(
        "/detainees/{detainee_id:int}/documents/{document_id:int}/review",
        review,
        methods=["POST"],
    ),
    Route("/detainees/{detainee_id:int}/release", record_custody, methods=["POST"]),
    Route("/detainees/{detainee_id:int}/move", record_custody, methods=["POST"]),
]
