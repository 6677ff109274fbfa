"""`lawmeet worker`'s own /metrics (`[metrics] worker_port`): its heartbeats and process figures,
with the same bearer token as the web processes' /metrics. The database's figures are left to
the web processes, so a fleet of workers adds no scrape queries."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Generator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from app.presentation.metrics import CONTENT_TYPE, MetricsAccess, exposition
from app.settings import Settings

log = logging.getLogger("lawmeet.metrics")


def metrics_app(access: MetricsAccess) -> Starlette:
    async def metrics(request: Request) -> Response:
        status = access.status_for(request.headers.get("authorization", ""))
        if status != 200:
            headers = {"WWW-Authenticate": 'Bearer realm="metrics"'} if status == 401 else None
            return PlainTextResponse("", status_code=status, headers=headers)
        return Response(await exposition(include_database=False), media_type=CONTENT_TYPE)

    return Starlette(routes=[Route("/metrics", metrics, methods=["GET"])])


class _QuietServer(uvicorn.Server):
    """Leaves SIGTERM and SIGINT to the worker, which stops this server with the rest."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def serve_metrics(settings: Settings, stop: asyncio.Event) -> None:
    """A companion of `lawmeet worker`: serve /metrics until the worker stops."""
    section = settings.metrics
    config = uvicorn.Config(
        metrics_app(MetricsAccess.from_settings(settings)),
        host=section.worker_host,
        port=section.worker_port,
        lifespan="off",
        access_log=False,
        log_config=None,
    )
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve(), name="worker-metrics")
    log.info("worker metrics on %s:%d", section.worker_host, section.worker_port)
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        server.should_exit = True
        await task  # a port it could not bind ends the worker here, with uvicorn's error
