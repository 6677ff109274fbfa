"""The list of cases an investigator or bar auditor may read, fifty a page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.accounts.policy import Action, allowed
from app.accounts.scopes import visible
from app.cases import access
from app.cases.models import Case, CaseDetainee, CaseEvent
from app.web.auth import permitted
from app.web.cases import case_views
from app.web.forms import DEFAULT_ZONE, int_or_none

CASES_PER_PAGE = 50


async def case_list(request: Request) -> Response:
    user = permitted(request, Action.BROWSE_CASES)
    page = max(int_or_none(request.query_params.get("page", "")) or 1, 1)
    window = visible(Case, user).order_by("-created_at", "-id")
    cases = list(
        await window.offset((page - 1) * CASES_PER_PAGE)
        .limit(CASES_PER_PAGE + 1)
        .select_related("agency")
    )
    more, cases = len(cases) > CASES_PER_PAGE, cases[:CASES_PER_PAGE]
    ids = [c.id for c in cases]
    links = await CaseDetainee.filter(case_id__in=ids).select_related("detainee__facility")
    # Investigators and auditors (the only readers of this list) read whole timelines, so the
    # latest event per case comes from one query rather than one per row.
    latest: dict[int, CaseEvent] = {}
    for event in await CaseEvent.filter(case_id__in=ids).order_by("-effective_at", "-id"):
        latest.setdefault(event.case_id, event)
    rows = []
    for case in cases:
        detainees = [link.detainee for link in links if link.case_id == case.id]
        zone = detainees[0].facility.timezone if detainees else DEFAULT_ZONE
        last = latest.get(case.id)
        rows.append(
            {
                "case": case,
                "names": [d.name for d in detainees] if access.sees_notes(user) else [],
                "opened": case_views.moment(case.created_at, zone),
                "last_kind": last.kind.value if last else None,
                "last_at": case_views.moment(last.effective_at, zone) if last else None,
            }
        )
    return case_views.render(
        request,
        "cases/list.html",
        {
            "rows": rows,
            "page": page,
            "more": more,
            "full": access.sees_full_case(user),
            "may_open": allowed(user, Action.OPEN_CASES),
        },
    )


routes = [Route("/cases", case_list, methods=["GET"])]
