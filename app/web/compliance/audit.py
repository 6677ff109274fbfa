"""The audit-trail page of bar auditors and admins: entries in scope, verification result."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action
from app.audit import checkpoints
from app.audit.verify import CheckpointError, run_verification
from app.audit_access.queries import EntryFilter, entry_page, latest_verification
from app.web.auth import permitted
from app.web.compliance.audit_log import public_key
from app.web.csrf import checked_form

log = logging.getLogger("lawmeet.audit")
FILTER_FIELDS = ("action", "object_type", "actor", "date_from", "date_to")


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _seq(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _read_filter(params: QueryParams) -> tuple[EntryFilter, dict[str, str], list[str]]:
    values = {name: params.get(name, "").strip()[:100] for name in FILTER_FIELDS}
    bad_dates = [n for n in ("date_from", "date_to") if values[n] and _date(values[n]) is None]
    chosen = EntryFilter(
        action=values["action"],
        object_type=values["object_type"],
        actor=values["actor"],
        date_from=_date(values["date_from"]),
        date_to=_date(values["date_to"]),
    )
    return chosen, values, bad_dates


async def _render(request: Request, verify_error: bool = False) -> Response:
    user = permitted(request, Action.VIEW_AUDIT)
    zone = ZoneInfo(request.app.state.settings.i18n.timezone)
    chosen, values, bad_dates = _read_filter(request.query_params)
    page = await entry_page(
        user,
        chosen,
        zone,
        before_seq=_seq(request.query_params.get("before_seq")),
        after_seq=_seq(request.query_params.get("after_seq")),
    )
    kept = {name: value for name, value in values.items() if value}

    def link(**extra: int) -> str:
        query = urlencode({**kept, **extra})
        return f"/audit?{query}" if query else "/audit"

    verification = await latest_verification()
    key = public_key(request)
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request,
        "audit.html",
        {
            "page": page,
            "values": values,
            "bad_dates": bad_dates,
            "zone": zone,
            "older_url": link(before_seq=page.older) if page.older else None,
            "newer_url": link(after_seq=page.newer) if page.newer else None,
            "newest_url": link() if page.newer else None,
            "verification": verification,
            "checkpoint_name": Path(verification.checkpoint).name if verification else "",
            "verify_error": verify_error,
            "verifier_key": key.verifier() if key else "",
            "signed_head": await checkpoints.latest(),
        },
        status_code=500 if verify_error else 200,
    )


async def audit_page(request: Request) -> Response:
    return await _render(request)


async def verify_now(request: Request) -> Response:
    user = permitted(request, Action.VIEW_AUDIT)
    await checked_form(request)
    try:
        await run_verification(user, request.app.state.settings.data_dir)
    except CheckpointError:
        # An unreadable checkpoint is itself a finding: say so rather than verify without it.
        log.exception("audit checkpoint unreadable")
        return await _render(request, verify_error=True)
    return RedirectResponse("/audit?verified=1", status_code=303)


routes = [
    Route("/audit", audit_page, methods=["GET"]),
    Route("/audit/verify", verify_now, methods=["POST"]),
]
