"""create_app(settings) -> Starlette, with a lifespan that opens and closes every resource."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import clock, db
from app.api.framework import Endpoint, as_routes, openapi_document, openapi_response
from app.law.context import Law
from app.presentation.metrics import MetricsAccess, RequestMetricsMiddleware
from app.settings import Settings, load_settings
from app.web.errors import EXCEPTION_HANDLERS, error_page
from app.web.middleware import (
    BodyLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    WebContextMiddleware,
)
from app.web.templating import Templates
from rights_checklist import ledger as duty_ledger
from scheduling.meeting_notices import NoticeSettings

VERSION = "0.1.0"
STATIC_DIR = Path(__file__).parent / "web" / "static"
# Upload forms that answer an oversized file on the form itself (BodyLimitMiddleware).
UPLOAD_FORMS = (r"/clients/[0-9]+/documents", r"/clients/[0-9]+/submissions")
log = logging.getLogger("lawmeet")


class ServerErrorPages:
    """Turns an unexpected exception into a logged 500 page that still carries every header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if scope["type"] != "http" or started:
                raise
            log.exception("unhandled error")
            response = error_page(Request(scope, receive), 500)
            await response(scope, receive, send)


def page_routes() -> list[BaseRoute]:
    """Every page, area by area (each area is a package of app.web)."""
    from app.web.account import home, profile, session
    from app.web.admin import admin, calendar_admin, metrics, verification
    from app.web.cases import (
        case_list,
        cases,
        clients,
        deadlines,
        detainees,
        documents,
        transparency,
    )
    from app.web.compliance import audit, audit_log, compliance, compliance_exports, receipts
    from app.web.desk import board, document_queue, facility, request_decisions, walk_in
    from app.web.law import catalogue
    from app.web.meetings import calendar_feeds, meeting_requests, meetings, offers, permissions
    from app.web.notices import inbox, notification_preferences, notifications_admin, webhooks
    from app.web.submissions import checklist, complaints, escalations, submissions

    areas = {
        "account": (home, session, profile),
        "admin": (admin, verification, calendar_admin, metrics),
        "cases": (case_list, cases, clients, detainees, documents, deadlines, transparency),
        "submissions": (submissions, checklist, complaints, escalations),
        "notices": (inbox, notifications_admin, notification_preferences, webhooks),
        "desk": (facility, document_queue, board, walk_in, request_decisions),
        "meetings": (meetings, meeting_requests, permissions, calendar_feeds, offers),
        "compliance": (audit, audit_log, compliance, compliance_exports, receipts),
        "law": (catalogue,),
    }
    return [route for modules in areas.values() for module in modules for route in module.routes]


def api_endpoints() -> list[Endpoint]:
    """Every API operation, area by area (each area is a package of app.api)."""
    from app.api.account.notification_preferences import PREFERENCE_ENDPOINTS
    from app.api.account.notifications import NOTIFICATION_ENDPOINTS
    from app.api.account.routes import ENDPOINTS
    from app.api.account.verification import VERIFICATION_ENDPOINTS
    from app.api.cases.cases import CASE_ENDPOINTS
    from app.api.cases.deadlines import DEADLINE_ENDPOINTS
    from app.api.compliance.audit import AUDIT_ENDPOINTS
    from app.api.compliance.audit_log import AUDIT_LOG_ENDPOINTS
    from app.api.compliance.compliance import COMPLIANCE_ENDPOINTS
    from app.api.compliance.supervision import SUPERVISION_ENDPOINTS
    from app.api.facilities.facilities import FACILITY_ENDPOINTS
    from app.api.meetings.calendar_feeds import CALENDAR_ENDPOINTS
    from app.api.meetings.meetings import MEETING_ENDPOINTS
    from app.api.meetings.offers import OFFER_ENDPOINTS
    from app.api.meetings.request_decisions import REQUEST_DECISION_ENDPOINTS
    from app.api.submissions.checklist import CHECKLIST_ENDPOINTS
    from app.api.submissions.submissions import SUBMISSION_ENDPOINTS

    return [
        *ENDPOINTS,
        *CASE_ENDPOINTS,
        *DEADLINE_ENDPOINTS,
        *AUDIT_ENDPOINTS,
        *AUDIT_LOG_ENDPOINTS,
        *NOTIFICATION_ENDPOINTS,
        *PREFERENCE_ENDPOINTS,
        *SUBMISSION_ENDPOINTS,
        *CHECKLIST_ENDPOINTS,
        *MEETING_ENDPOINTS,
        *OFFER_ENDPOINTS,
        *REQUEST_DECISION_ENDPOINTS,
        *FACILITY_ENDPOINTS,
        *CALENDAR_ENDPOINTS,
        *COMPLIANCE_ENDPOINTS,
        *VERIFICATION_ENDPOINTS,
        *SUPERVISION_ENDPOINTS,
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    clock.use_data_dir(settings.clock_dir)
    # Built once: a malformed statutory catalogue or policy stops start-up here.
    law = Law.from_settings(settings.legal)
    # What meeting notices need (sender, alarms, reminder offsets, links), passed to each change.
    notices = NoticeSettings.from_settings(settings)
    endpoints = api_endpoints()
    document = openapi_document(endpoints, VERSION)

    async def openapi(request: Request) -> Response:
        return openapi_response(document)

    routes: list[BaseRoute] = [
        *page_routes(),
        *as_routes(endpoints),
        Route("/api/v1/openapi.json", openapi, methods=["GET"]),
        Mount(
            "/static",
            # The printed report's stylesheet is the presentation layer's (the CLI embeds it).
            StaticFiles(directory=STATIC_DIR, packages=[("app.presentation", "static")]),
            name="static",
        ),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from app.audit.checkpoints import keep_signing
        from notifications.runner import in_process
        from rights_checklist.overdue_tasks import watch_overdue
        from scheduling.offers import OfferPolicy, keep_offering

        context = await db.open_database(settings)
        try:
            # The embedded worker also keeps the compliance ledger current (as `lawmeet worker`).
            # And tells supervisors of newly overdue tasks (story 13).
            ledger = partial(duty_ledger.keep_current, law)
            overdue = partial(
                watch_overdue,
                law,
                settings.app.public_url,
                interval_seconds=settings.notifications.overdue_sweep_seconds,
            )
            signer = partial(keep_signing, settings.audit_key_path, settings.audit_origin,
                             interval_seconds=60.0 * settings.audit.checkpoint_minutes)  # fmt: skip
            offering = partial(keep_offering, OfferPolicy.from_settings(settings), notices,
                               interval_seconds=settings.notifications.poll_seconds)  # fmt: skip
            companions = [ledger, overdue, signer, offering]
            async with in_process(settings, companions=companions):
                yield
        finally:
            await db.close_database(context)

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestMetricsMiddleware),  # outermost: times all the rest
            Middleware(RequestContextMiddleware),
            Middleware(SecurityHeadersMiddleware, https=settings.uses_https),
            Middleware(WebContextMiddleware, settings=settings),
            Middleware(
                BodyLimitMiddleware,
                max_bytes=settings.uploads.max_bytes,
                form_paths=UPLOAD_FORMS,
            ),
            Middleware(ServerErrorPages),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.law = law  # the legal context's policies and catalogue, for every request
    app.state.notices = notices  # what booking, moving and cancelling tell the lawyer with
    available = frozenset(r.path for r in routes if isinstance(r, Route))
    app.state.templates = Templates(available)
    app.state.openapi = document
    app.state.metrics_access = MetricsAccess.from_settings(settings)  # who may read /metrics
    return app


def app_factory() -> Starlette:
    """Entry for `uvicorn --factory` (each server process builds its own app)."""
    from app.logs import configure_logging

    settings = load_settings()
    configure_logging(settings.log_format(), settings.logging.level)
    return create_app(settings)
