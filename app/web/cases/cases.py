"""The case register: investigators open cases and keep their timelines; bar auditors read
metadata across their jurisdiction. The same service functions as the API (app.api.cases.cases)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.accounts.policy import Action, NotFound
from app.accounts.roles import AccountStatus, Role
from app.accounts.scopes import visible_row
from app.cases import access, services
from app.cases.kinds import INVESTIGATOR_EVENTS, CaseCategory, EventKind
from app.cases.models import (
    Case,
    CaseInvestigator,
    Detainee,
    Engagement,
)
from app.cases.recording import RecordCaseEvent
from app.commands import build
from app.errors import DomainError, raise_all, together
from app.orgs.models import Facility
from app.web.auth import permitted
from app.web.cases import case_views
from app.web.csrf import checked_form
from app.web.forms import (
    attempt,
    every_form_error,
    int_list,
    int_or_none,
    local_datetime,
    local_now,
    text_values,
)
from rights_checklist import case_events, case_notices
from rights_checklist.checklist import case_checklist
from rights_checklist.evaluation import extension_flags

CASE_FIELDS = (
    "case_number",
    "category",
    "suspected_charges",
    "name",
    "id_number",
    "facility_id",
    "admitted_date",
    "admitted_time",
)
EVENT_FIELDS = (
    "kind",
    "effective_date",
    "effective_time",
    "note",
    "new_expiry",
    "legal_basis",
    "corrects_id",
    "detainee_id",
    "unheard_reason",
)
TERMINATION_FIELDS = ("received_date", "received_time", "note")
# The form's fields that are the command's (the rest are the effective date and time).
_COMMAND_FIELDS = frozenset(RecordCaseEvent.model_fields)
# Offered in the record form in the enum's order (a frozenset has none).
EVENT_CHOICES = [kind.value for kind in EventKind if kind in INVESTIGATOR_EVENTS]


async def _colleagues(user: User) -> list[User]:
    return list(
        await User.filter(
            role=Role.INVESTIGATOR, agency_id=user.agency_id, status=AccountStatus.ACTIVE
        ).exclude(id=user.id)
    )


async def _new_case_form(
    request: Request, user: User, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return case_views.render(
        request,
        "cases/new.html",
        {
            "values": values,
            "errors": errors,
            "facilities": await Facility.all(),
            "colleagues": await _colleagues(user),
            "chosen": {int(v) for v in values.get("investigator_ids", "").split(",") if v},
            "categories": [c.value for c in CaseCategory],
        },
        status,
    )


async def new_case_page(request: Request) -> Response:
    user = permitted(request, Action.OPEN_CASES)
    now = local_now(None)
    values = {"category": "ordinary", "admitted_date": now["date"], "admitted_time": now["time"]}
    return await _new_case_form(request, user, values, {})


async def open_case(request: Request) -> Response:
    user = permitted(request, Action.OPEN_CASES)
    form = await checked_form(request)
    values = text_values(form, CASE_FIELDS)
    chosen = int_list(form, "investigator_ids")
    values["investigator_ids"] = ",".join(str(i) for i in chosen)
    fields = (*CASE_FIELDS, "admitted_at", "investigator_ids")
    try:
        problems: list[DomainError] = []
        facility = await Facility.get_or_none(id=int_or_none(values["facility_id"]) or 0)
        if facility is None:
            problems.append(DomainError("facility_unknown", "facility_id"))
        if values["category"] not in {c.value for c in CaseCategory}:
            problems.append(DomainError("required", "category"))
        admitted = attempt(
            problems, local_datetime, values["admitted_date"], values["admitted_time"],
            facility.timezone if facility else None, "admitted_at",
        )  # fmt: skip
        if problems or facility is None or admitted is None:  # the case's own faults as well
            found = services.new_case_problems(
                values["case_number"], values["name"], values["id_number"]
            )
            raise together([*problems, *found])
        detainee = services.NewDetainee(values["name"], values["id_number"], facility.id, admitted)
        new = services.NewCase(
            values["case_number"],
            CaseCategory(values["category"]),
            values["suspected_charges"],
            detainee,
            chosen,
        )
        case = await services.open_case(user, new)
    except DomainError as exc:
        errors = every_form_error(exc, fields)
        return await _new_case_form(request, user, values, errors, exc.status)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


async def _case(request: Request, *actions: Action) -> tuple[User, Case]:
    user = permitted(request, Action.BROWSE_CASES, *actions)
    return user, await visible_row(Case, user, request.path_params["case_id"])


async def _case_page(
    request: Request,
    user: User,
    case: Case,
    values: dict[str, dict[str, str]] | None = None,
    errors: dict[str, dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    await case.fetch_related("agency")
    zone = await case_views.case_zone(case)
    rows = await case_views.timeline(user, case, None)
    if any(row.kind == EventKind.CUSTODY_EXTENSION for row in rows):
        # K1: an extension recorded after custody expired, or under 7 days ahead, is flagged
        # where it was recorded.
        legal = await request.app.state.law.context()
        flags = extension_flags(await case_checklist(case, legal))
        for row in rows:
            row.flag = flags.get(row.id)
    context: dict[str, Any] = {
        "case": case,
        "zone": zone,
        "full": access.sees_full_case(user),
        "rows": rows,
        "escalations": await case_views.case_escalations(user, case),
        "values": values or {},
        "errors": errors or {},
    }
    if context["full"]:
        now = local_now(zone)
        context["values"].setdefault(
            "event", {"effective_date": now["date"], "effective_time": now["time"]}
        )
        assigned = await CaseInvestigator.filter(case_id=case.id).select_related("investigator")
        assigned_ids = {a.investigator_id for a in assigned}
        context.update(
            detainees=await Detainee.filter(case_links__case_id=case.id).select_related("facility"),
            event_choices=EVENT_CHOICES,
            assigned=[a.investigator for a in assigned],
            unassigned=[c for c in await _colleagues(user) if c.id not in assigned_ids],
            engagements=await Engagement.filter(case_id=case.id).select_related(
                "lawyer", "detainee__facility"
            ),
            now=now,
        )
    return case_views.render(request, "cases/detail.html", context, status)


async def case_page(request: Request) -> Response:
    user, case = await _case(request)
    return await _case_page(request, user, case)


async def _event_zone(case: Case, detainee_id: int | None) -> str:
    if detainee_id:
        detainee = await Detainee.get_or_none(
            id=detainee_id, case_links__case_id=case.id
        ).select_related("facility")
        if detainee is not None:
            return detainee.facility.timezone
    return await case_views.case_zone(case)


async def _event_command(case: Case, values: dict[str, str]) -> RecordCaseEvent:
    """The form as the domain's command: the effective time is read on the clock of the
    detainee's facility (of the case's first, for the whole case)."""
    zone = await _event_zone(case, int_or_none(values["detainee_id"]))
    problems: list[DomainError] = []  # the time's fault and the command's, reported at once
    effective = attempt(
        problems, local_datetime, values["effective_date"], values["effective_time"], zone,
        "effective_at",
    )  # fmt: skip
    given = {name: values[name] for name in EVENT_FIELDS if name in _COMMAND_FIELDS}
    try:
        command = build(
            RecordCaseEvent,
            case_id=case.id,
            effective_at=effective,
            **{name: value for name, value in given.items() if value},
        )
    except DomainError as exc:
        raise together([*problems, exc]) from None
    raise_all(problems)
    return command


async def record_event(request: Request) -> Response:
    user, case = await _case(request, Action.RECORD_CASE_EVENTS)
    form = await checked_form(request)
    values = text_values(form, EVENT_FIELDS)
    try:
        command = await _event_command(case, values)
        event = await case_events.record_case_event(
            user, command, await request.app.state.law.context(),
            public_url=request.app.state.settings.app.public_url,
        )  # fmt: skip
    except DomainError as exc:
        errors = {"event": every_form_error(exc, (*EVENT_FIELDS, "effective_at"))}
        return await _case_page(request, user, case, {"event": values}, errors, exc.status)
    return RedirectResponse(f"/cases/{case.id}#event-{event.id}", status_code=303)


async def assign_investigators(request: Request) -> Response:
    user, case = await _case(request, Action.OPEN_CASES)
    form = await checked_form(request)
    chosen = int_list(form, "investigator_ids")
    try:
        if not chosen:
            raise DomainError("required", "investigator_ids")
        await services.assign_investigators(user, case, chosen)
    except DomainError as exc:
        errors = {"assign": every_form_error(exc, ("investigator_ids",))}
        return await _case_page(request, user, case, None, errors, exc.status)
    return RedirectResponse(f"/cases/{case.id}#investigators", status_code=303)


async def record_termination(request: Request) -> Response:
    user, case = await _case(request, Action.RECORD_TERMINATIONS)
    engagement = await visible_row(Engagement, user, request.path_params["engagement_id"])
    if engagement.case_id != case.id:
        raise NotFound("engagement")
    form = await checked_form(request)
    values = text_values(form, TERMINATION_FIELDS)
    key = f"termination-{engagement.id}"
    try:
        zone = await _event_zone(case, engagement.detainee_id)
        received = local_datetime(
            values["received_date"], values["received_time"], zone, "received_at"
        )  # the note is free text: the time is the one field at fault
        settings = request.app.state.settings
        await case_notices.terminate_engagement(
            user, engagement, received, values["note"],
            context=await request.app.state.law.context(), public_url=settings.app.public_url,
        )  # fmt: skip
    except DomainError as exc:
        errors = {key: every_form_error(exc, (*TERMINATION_FIELDS, "received_at"))}
        return await _case_page(request, user, case, {key: values}, errors, exc.status)
    return RedirectResponse(f"/cases/{case.id}#engagements", status_code=303)


routes = [
    Route("/cases/new", new_case_page, methods=["GET"]),
    Route("/cases", open_case, methods=["POST"]),
    Route("/cases/{case_id:int}", case_page, methods=["GET"]),
    Route("/cases/{case_id:int}/events", record_event, methods=["POST"]),
    Route("/cases/{case_id:int}/investigators", assign_investigators, methods=["POST"]),
    Route(
        "/cases/{case_id:int}/engagements/{engagement_id:int}/termination",
        record_termination,
        methods=["POST"],
    ),
]
