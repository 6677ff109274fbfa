"""The desk's queue of documents to check, oldest first, each beside its request's time left."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app import clock
from app.accounts.policy import Action
from app.web.auth import permitted
from scheduling.document_queue import documents_to_check


async def queue_page(request: Request) -> Response:
    user = permitted(request, Action.REVIEW_DOCUMENTS)
    queue = await documents_to_check(user)
    context = {"queue": queue, "now": clock.now()}
    return request.app.state.templates.render(  # type: ignore[no-any-return]
        request, "board/documents.html", context
    )


routes = [Route("/board/documents", queue_page, methods=["GET"])]
