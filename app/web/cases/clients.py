"""Lawyers' pages: their clients, finding a client to start an engagement (委托), the three
documents, the engagement notice, and the timeline their engagement entitles them to.
The same service functions as the API (app.api.cases.cases)."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.accounts.policy import Action
from app.accounts.scopes import visible, visible_row
from app.cases import engagements
from app.cases.kinds import REQUIRED_DOCUMENTS, DocumentKind, EngagementKind
from app.cases.models import Engagement, EngagementDocument
from app.cases.storage import UploadRejected, check_file, document_root
from app.errors import DomainError, raise_all, together
from app.orgs.models import Facility
from app.presentation.conflict_labels import co_defendant_warning
from app.web.auth import permitted
from app.web.cases import case_views
from app.web.csrf import checked_form
from app.web.forms import every_form_error, form_errors, int_or_none, text_values

LOOKUP_FIELDS = ("facility_id", "name", "id_number")
CHOICE_FIELDS = (*LOOKUP_FIELDS, "case_id", "kind")


async def client_list(request: Request) -> Response:
    user = permitted(request, Action.ENGAGE_CLIENTS)
    items = list(
        await visible(Engagement, user).select_related("case__agency", "detainee__facility")
    )
    return case_views.render(
        request,
        "clients/list.html",
        {"engagements": items, "states": await case_views.document_states(items)},
    )


async def _lookup_form(
    request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    return case_views.render(
        request,
        "clients/new.html",
        {"step": 1, "values": values, "errors": errors, "facilities": await Facility.all()},
        status,
    )


async def _choice_form(
    request: Request,
    values: dict[str, str],
    found: engagements.Found,
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    return case_views.render(
        request,
        "clients/new.html",
        {
            "step": 2,
            "values": values,
            "errors": errors,
            "found": found,
            "kinds": [k.value for k in EngagementKind],
        },
        status,
    )


async def new_client_page(request: Request) -> Response:
    permitted(request, Action.ENGAGE_CLIENTS)
    return await _lookup_form(request, {"kind": EngagementKind.RETAINED.value}, {})


async def _find(user: User, values: dict[str, str]) -> engagements.Found:
    """Check the three inputs are there before the look-up, which counts against the limit."""
    problems: list[DomainError] = []
    facility_id = int_or_none(values["facility_id"])
    if facility_id is None or not await Facility.filter(id=facility_id).exists():
        problems.append(DomainError("facility_unknown", "facility_id"))
    problems.extend(
        DomainError("required", name) for name in ("name", "id_number") if not values[name]
    )
    if problems or facility_id is None:
        raise together(problems)
    return await engagements.find_detainee(user, facility_id, values["name"], values["id_number"])


def _waiting(exc: DomainError, page: Response) -> Response:
    """A throttled look-up says when it may be tried again (Retry-After, RFC 9110)."""
    if exc.retry_after is not None:
        page.headers["Retry-After"] = str(exc.retry_after)
    return page


async def look_up(request: Request) -> Response:
    """Step 1: the detainee's cases, or an error that names nobody (404, 429)."""
    user = permitted(request, Action.ENGAGE_CLIENTS)
    form = await checked_form(request)
    values = text_values(form, LOOKUP_FIELDS)
    try:
        found = await _find(user, values)
    except DomainError as exc:
        return _waiting(
            exc,
            await _lookup_form(request, values, every_form_error(exc, LOOKUP_FIELDS), exc.status),
        )
    values["kind"] = EngagementKind.RETAINED.value
    return await _choice_form(request, values, found, {})


async def start(request: Request) -> Response:
    """Step 2: the look-up again (nothing is trusted from step 1), then the engagement."""
    user = permitted(request, Action.ENGAGE_CLIENTS)
    form = await checked_form(request)
    values = text_values(form, CHOICE_FIELDS)
    try:
        found = await _find(user, values)
    except DomainError as exc:
        return _waiting(
            exc,
            await _lookup_form(request, values, every_form_error(exc, LOOKUP_FIELDS), exc.status),
        )
    try:
        if values["kind"] not in {k.value for k in EngagementKind}:
            raise DomainError("required", "kind")
        engagement = await engagements.start_engagement(
            user,
            found,
            int_or_none(values["case_id"]) or 0,
            EngagementKind(values["kind"]),
            conflict_policy=request.app.state.settings.legal.co_defendant_conflict,
        )
    except DomainError as exc:
        errors = every_form_error(exc, CHOICE_FIELDS)
        return await _choice_form(request, values, found, errors, exc.status)
    # The page she lands on names any co-defendant she already defends (co_defendant_conflict).
    return RedirectResponse(f"/clients/{engagement.id}", status_code=303)


def _size(limit: int) -> str:
    """The upload limit as people say it: "10 MB", or "2 KB" for a small test limit."""
    return f"{limit / 1048576:.3g} MB" if limit >= 1048576 else f"{max(1, limit // 1024)} KB"


async def _engagement_page(
    request: Request,
    engagement: Engagement,
    values: dict[str, dict[str, str]] | None = None,
    errors: dict[str, dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    user = request.state.user
    await engagement.fetch_related("case__agency", "detainee__facility")
    documents = await EngagementDocument.filter(engagement_id=engagement.id)
    conflicts = [c.facts() for c in await engagements.conflicts_of(engagement)]
    policy = request.app.state.settings.legal.co_defendant_conflict
    context: dict[str, Any] = {
        "engagement": engagement,
        "case": engagement.case,
        "zone": engagement.detainee.facility.timezone,
        "state": case_views.document_state(engagement, documents),
        "rows": await case_views.timeline(user, engagement.case, engagement),
        "document_kinds": [k.value for k in REQUIRED_DOCUMENTS[engagement.kind]],
        "max_size": _size(request.app.state.settings.uploads.max_bytes),
        "values": values or {},
        "errors": errors or {},
        "conflicts": conflicts,
        "conflict_warning": co_defendant_warning(conflicts, policy) if conflicts else "",
    }
    return case_views.render(request, "clients/detail.html", context, status)


async def _engagement(request: Request) -> Engagement:
    user = permitted(request, Action.ENGAGE_CLIENTS)
    return await visible_row(Engagement, user, request.path_params["engagement_id"])


async def engagement_page(request: Request) -> Response:
    return await _engagement_page(request, await _engagement(request))


async def upload_document(request: Request) -> Response:
    engagement = await _engagement(request)
    settings = request.app.state.settings
    limit: int = settings.uploads.max_bytes
    form = await checked_form(request)
    upload, kind = form.get("file"), form.get("kind")
    values = {"kind": kind if isinstance(kind, str) else ""}
    try:
        problems: list[DomainError] = []
        if not values["kind"]:
            problems.append(DomainError("document_kind_required", "kind"))
        elif values["kind"] not in {k.value for k in REQUIRED_DOCUMENTS[engagement.kind]}:
            problems.append(DomainError("document_not_required", "kind"))
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise together([*problems, DomainError("required", "file")])
        # One byte more than allowed is enough to know the file is too large.
        data = await upload.read(limit + 1)
        if problems:  # the file's own faults too, so that the form shows them all at once
            try:
                await asyncio.to_thread(check_file, upload.filename, data, limit)
            except UploadRejected as rejected:
                problems.append(DomainError(rejected.code, "file", rejected.status))
        raise_all(problems)
        await engagements.upload_document(
            request.state.user,
            engagement,
            DocumentKind(values["kind"]),
            upload.filename,
            data,
            document_root(settings.data_dir),
            limit,
        )
    except DomainError as exc:
        errors = {"upload": every_form_error(exc, ("kind", "file"))}
        return await _engagement_page(request, engagement, {"upload": values}, errors, exc.status)
    finally:
        await form.close()
    return RedirectResponse(f"/clients/{engagement.id}#documents", status_code=303)


async def send_notice(request: Request) -> Response:
    engagement = await _engagement(request)
    await checked_form(request)
    try:
        await engagements.send_engagement_notice(request.state.user, engagement)
    except DomainError as exc:
        errors = {"notice": form_errors(exc, ())}
        return await _engagement_page(request, engagement, None, errors, exc.status)
    return RedirectResponse(f"/clients/{engagement.id}#notice", status_code=303)


routes = [
    Route("/clients", client_list, methods=["GET"]),
    Route("/clients/new", new_client_page, methods=["GET"]),
    Route("/clients/new", look_up, methods=["POST"]),
    Route("/clients", start, methods=["POST"]),
    Route("/clients/{engagement_id:int}", engagement_page, methods=["GET"]),
    Route("/clients/{engagement_id:int}/documents", upload_document, methods=["POST"]),
    Route("/clients/{engagement_id:int}/notice", send_notice, methods=["POST"]),
]
