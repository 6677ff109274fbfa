"""/metrics for Prometheus: off (404) unless `[metrics] enabled`; a scraper's bearer token, no
session (docs/operations.md, "Metrics"). What it reports: app.presentation.metrics."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from app.accounts.policy import NotFound
from app.presentation.metrics import CONTENT_TYPE, MetricsAccess, exposition


async def metrics(request: Request) -> Response:
    access: MetricsAccess = request.app.state.metrics_access
    status = access.status_for(request.headers.get("authorization", ""))
    if status == 404:
        raise NotFound("metrics")
    if status == 401:
        return PlainTextResponse(
            "a bearer token is required\n",
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return Response(await exposition(), media_type=CONTENT_TYPE)


routes = [Route("/metrics", metrics, methods=["GET"])]
