"""Uploads refused for what they contain (issue 18): nothing stored or recorded changes."""

from __future__ import annotations

import html
from io import BytesIO
from typing import Any

from httpx import AsyncClient
from pypdf import PdfWriter

from app.cases.models import EngagementDocument
from app.settings import Settings
from rights_checklist.models import Submission
from tests.integration.case_world import engage, make_case_world
from tests.integration.helpers import bearer, page_csrf, pdf_document, sign_in_as, snapshot
from tests.integration.submission_world import active_world
from tests.integration.world import build_world

SCRIPTED = pdf_document("scripted").replace(
    b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
)
HTML = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def _with_attachment() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("payload.exe", b"MZ")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


WITH_ATTACHMENT = _with_attachment()


def _stored(settings: Settings) -> dict[str, bytes]:
    root = settings.data_dir / "documents"
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


async def _state(settings: Settings) -> tuple[dict[str, Any], dict[str, bytes]]:
    rows = await snapshot()
    # A token records when it was last used: that is the request, not the upload.
    rows = {name: value for name, value in rows.items() if not name.endswith("ApiToken")}
    return rows, _stored(settings)


async def test_a_refused_document_leaves_the_documents_and_rows_as_they_were(
    client: AsyncClient, settings: Settings
) -> None:
    world = await build_world(settings.data_dir)
    before = await _state(settings)
    assert before[1]  # the world's own documents are on disk
    response = await client.post(
        f"/api/v1/engagements/{world.beijing.engagement.id}/documents",
        headers={**bearer(world.tokens["lawyer"]), "Accept-Language": "en"},
        data={"kind": "firm_letter"},
        files={"file": ("letter.pdf", SCRIPTED, "application/pdf")},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "scripts or actions" in response.text
    assert await _state(settings) == before
    assert await EngagementDocument.filter(engagement_id=world.beijing.engagement.id).count() == 1


async def test_a_refused_attachment_writes_none_of_the_submissions_files(
    client: AsyncClient, settings: Settings
) -> None:
    world = await active_world(settings)
    fresh = pdf_document("a statement never stored")
    before = await _state(settings)
    response = await client.post(
        f"/api/v1/cases/{world.beijing.case.id}/submissions",
        data={"kind": "opinion", "text": "The suspect acted in self-defence."},
        files=[
            ("file", ("statement.pdf", fresh, "application/pdf")),
            ("file", ("evidence.pdf", HTML, "application/pdf")),
        ],
        headers={**bearer(world.tokens["lawyer"]), "Accept-Language": "en"},
    )
    assert response.status_code == 415, response.text
    assert "cannot be read as a PDF" in response.text
    # The first file was fine, but is not written: every file is checked before any is.
    assert await _state(settings) == before
    assert not await Submission.exists()


async def test_the_client_page_says_why_a_pdf_with_an_attachment_is_refused(
    client: AsyncClient, settings: Settings
) -> None:
    world = await make_case_world()
    engagement = await engage(world, settings.data_dir, uploaded=False)
    await sign_in_as(client, world.lawyer)
    before = _stored(settings)
    token = await page_csrf(client, f"/clients/{engagement.id}")
    response = await client.post(
        f"/clients/{engagement.id}/documents",
        data={"csrf_token": token, "kind": "firm_letter"},
        files={"file": ("letter.pdf", WITH_ATTACHMENT, "application/pdf")},
    )
    assert response.status_code == 422
    assert "The PDF carries attached files." in html.unescape(response.text)
    assert not await EngagementDocument.exists()
    assert _stored(settings) == before
