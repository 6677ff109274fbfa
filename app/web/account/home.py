"""The landing page of each role, and the health probes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action
from app.db import database_reachable
from app.orgs.models import Agency, BarAssociation, Facility
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
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "home.html", {"organisation": organisation}
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
