"""Downloading a document: an attachment for the lawyer, the facility's staff and the agency's
investigators; 404 outside their scope; 403 for auditors and admins (their role never may)."""

from __future__ import annotations

from httpx import AsyncClient

from app.accounts.roles import Role
from app.cases.models import EngagementDocument
from app.settings import Settings
from tests.integration.case_world import engage, make_case_world
from tests.integration.helpers import make_user, sign_in_as


async def test_document_download_is_an_attachment_within_scope_only(
    client: AsyncClient, settings: Settings
) -> None:
    world, other = await make_case_world(), await make_case_world()
    engagement = await engage(world, settings.data_dir, accepted=False)
    document = await EngagementDocument.filter(engagement_id=engagement.id).first()
    assert document is not None
    for user in (world.lawyer, world.staff, world.investigator):
        await sign_in_as(client, user)
        response = await client.get(f"/documents/{document.id}")
        assert response.status_code == 200, user.role
        assert response.headers["content-disposition"].startswith("attachment")
        assert response.content.startswith(b"%PDF-")
    for user in (other.lawyer, other.staff, other.investigator):
        await sign_in_as(client, user)
        assert (await client.get(f"/documents/{document.id}")).status_code == 404, user.role
    # Auditors read metadata, never documents; admins no case content at all.
    for user in (world.auditor, await make_user(Role.ADMIN)):
        await sign_in_as(client, user)
        assert (await client.get(f"/documents/{document.id}")).status_code == 403, user.role
