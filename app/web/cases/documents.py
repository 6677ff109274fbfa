"""Downloading one of the three documents: lawyer, facility staff and the agency only, and
every download is audited (app.cases.reading)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from app.accounts.policy import Action, NotFound
from app.cases import reading
from app.web.auth import permitted


async def download(request: Request) -> Response:
    user = permitted(request, Action.DOWNLOAD_DOCUMENTS)
    document, path = await reading.open_document(
        user, request.path_params["document_id"], request.app.state.settings.data_dir
    )
    if not path.is_file():  # a lost file is a missing record, not a server error
        raise NotFound("document")
    return FileResponse(
        path,
        media_type=document.content_type,
        filename=document.original_name,
        content_disposition_type="attachment",
    )


routes = [Route("/documents/{document_id:int}", download, methods=["GET"])]
