"""The landing page of each role, and the health probes."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app import clock
from app.accounts.policy import Action
from app.accounts.roles import Role
from app.db import database_reachable
from app.orgs.models import Agency, BarAssociation, Facility
from app.presentation.board_labels import JINJA_LABELS as BOARD_LABELS
from app.presentation.submission_labels import JINJA_LABELS as SUBMISSION_LABELS
from app.web.account import home_views
from app.web.auth import permitted


async def home(request: Request) -> Response:
    user = permitted(request, Action.VIEW_HOME)
    organisation: Facility | Agency | BarAssociation | None = None
    if user.facility_id:
        organisation = await Facility.get_or_none(id=user.facility_id)
    elif user.agency_id:
        organisation = await Agency.get_or_none(id=user.agency_id)
    elif user.bar_association_id:
        organisation = await BarAssociation.get_or_none(id=user.bar_association_id)
    now = clock.now()
    context: dict[str, Any] = {"organisation": organisation, "now": now}
    # Each role's own home (issue 17); admins keep the list of what they can do.
    if user.role == Role.LAWYER:
        context["lawyer"] = await home_views.lawyer_home(user, now)
    elif user.role == Role.DETENTION_STAFF:
        context["desk"] = await home_views.desk_home(user, now)
    elif user.role == Role.INVESTIGATOR:
        legal = await request.app.state.law.context()
        context["investigator"] = await home_views.investigator_home(user, now, legal)
    elif user.role == Role.BAR_AUDITOR:
        context["auditor"] = await home_views.auditor_home(user)
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "home.html", {**BOARD_LABELS, **SUBMISSION_LABELS, **context}
    )


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "alive"})


async def readyz(request: Request) -> Response:
    if await database_reachable():
        return JSONResponse({"status": "ready", "database": "ok"})
    return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)


routes = [
    Route("/", home, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
]
