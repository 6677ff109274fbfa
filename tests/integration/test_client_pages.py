"""Lawyers' pages: my clients, finding a client and starting an engagement, the three
documents (type, size and path checks), the engagement notice, the timeline, downloads."""

from __future__ import annotations

import html
from pathlib import Path

import httpx
import pytest
from httpx import AsyncClient

from app.accounts.roles import Role
from app.cases import engagements
from app.cases.kinds import DocumentKind, EngagementStatus, EventKind
from app.cases.models import CaseEvent, Engagement, EngagementDocument
from app.settings import Settings
from tests.integration.case_world import (
    PDF_BYTES,
    CaseWorld,
    engage,
    make_case_world,
    record_case_event,
)
from tests.integration.helpers import (
    make_user,
    page_csrf,
    post_form,
    sign_in_as,
)

MAX_BYTES = 2048


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A small upload limit, so a too-large file is cheap to make."""
    uploads = settings.uploads.model_copy(update={"max_bytes": MAX_BYTES})
    return settings.model_copy(update={"uploads": uploads})


def lookup(world: CaseWorld, **changes: str) -> dict[str, object]:
    return {
        "facility_id": str(world.facility.id),
        "name": world.detainee.name,
        "id_number": world.detainee.id_number,
        **changes,
    }


async def upload(
    client: AsyncClient, engagement: Engagement, kind: str, name: str, data: bytes
) -> httpx.Response:
    token = await page_csrf(client, f"/clients/{engagement.id}")
    return await client.post(
        f"/clients/{engagement.id}/documents",
        data={"csrf_token": token, "kind": kind},
        files={"file": (name, data, "application/octet-stream")},
    )


# --- my clients -------------------------------------------------------------------------


async def test_my_clients_lists_my_engagements_only(
    client: AsyncClient, settings: Settings
) -> None:
    world, other = await make_case_world(), await make_case_world()
    engagement = await engage(world, settings.data_dir, accepted=False)
    await engage(other, settings.data_dir)
    await sign_in_as(client, world.lawyer)
    response = await client.get("/clients")
    assert response.status_code == 200
    page = response.text
    assert f'href="/clients/{engagement.id}"' in page
    assert world.detainee.name in page and world.case.case_number in page
    assert world.agency.name in page and "Waiting for document check" in page
    assert "0 of 3 accepted" in page and "Not sent" in page
    assert other.detainee.name not in page


async def test_client_pages_are_for_lawyers(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.investigator)
    assert (await client.get("/clients")).status_code == 403
    assert (await client.get("/clients/new")).status_code == 403
    assert (await post_form(client, "/clients/new", lookup(world))).status_code == 403


# --- starting an engagement -------------------------------------------------------------


async def test_lawyer_finds_the_client_and_starts_an_engagement(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.lawyer)
    form = await client.get("/clients/new")
    assert form.status_code == 200 and world.facility.name in form.text
    found = await post_form(client, "/clients/new", lookup(world))
    assert found.status_code == 200
    assert world.case.case_number in found.text and f'value="{world.case.id}"' in found.text
    assert f'type="hidden" name="id_number" value="{world.detainee.id_number}"' in found.text
    data = {**lookup(world), "case_id": str(world.case.id), "kind": "retained"}
    response = await post_form(client, "/clients", data)
    assert response.status_code == 303
    engagement = await Engagement.get(lawyer_id=world.lawyer.id)
    assert response.headers["location"] == f"/clients/{engagement.id}"
    assert engagement.status == EngagementStatus.PENDING


async def test_a_wrong_name_finds_nobody_and_lists_nothing(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.lawyer)
    response = await post_form(client, "/clients/new", lookup(world, name="Somebody Else"))
    assert response.status_code == 404
    assert "No detainee matches" in response.text
    assert world.case.case_number not in response.text
    assert 'name="case_id"' not in response.text
    assert 'value="Somebody Else"' in response.text  # what was typed stays


async def test_the_look_up_is_throttled(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await make_case_world()
    monkeypatch.setattr(engagements, "LOOKUP_LIMIT", 1)
    await sign_in_as(client, world.lawyer)
    assert (await post_form(client, "/clients/new", lookup(world))).status_code == 200
    response = await post_form(client, "/clients/new", lookup(world))
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 3600
    assert "Too many searches" in response.text
    assert world.case.case_number not in response.text


async def test_step_two_refuses_a_case_that_is_not_the_clients(client: AsyncClient) -> None:
    world, other = await make_case_world(), await make_case_world()
    await sign_in_as(client, world.lawyer)
    data = {**lookup(world), "case_id": str(other.case.id), "kind": "retained"}
    response = await post_form(client, "/clients", data)
    assert response.status_code == 400
    assert "Choose one of the detainee's cases." in html.unescape(response.text)
    assert other.case.case_number not in response.text
    assert not await Engagement.exists()


# --- the engagement page ----------------------------------------------------------------


async def test_pending_engagement_shows_the_minimum(
    client: AsyncClient, settings: Settings
) -> None:
    world = await make_case_world()
    await record_case_event(world, EventKind.ARREST, "secret note")
    engagement = await engage(world, settings.data_dir, accepted=False)
    await sign_in_as(client, world.lawyer)
    response = await client.get(f"/clients/{engagement.id}")
    assert response.status_code == 200
    page = response.text
    assert world.case.case_number in page and world.agency.name in page
    assert world.detainee.name in page and "0 of 3 accepted" in page
    assert "secret note" not in page and "Case timeline" not in page
    assert "Investigation" not in page  # the stage waits for the document check
    assert 'accept=".pdf,.jpg,.jpeg,.png"' in page


async def test_active_engagement_shows_the_timeline_without_other_lawyers_entries(
    client: AsyncClient, settings: Settings
) -> None:
    world = await make_case_world()
    await record_case_event(world, EventKind.ARREST, "arrest approved")
    engagement = await engage(world, settings.data_dir)
    rival = await make_user(Role.LAWYER)
    found = engagements.Found(world.detainee, [world.case])
    theirs = await engagements.start_engagement(rival, found, world.case.id, engagement.kind)
    await engagements.send_engagement_notice(rival, theirs)
    await sign_in_as(client, world.lawyer)
    page = (await client.get(f"/clients/{engagement.id}")).text
    assert "Case timeline" in page and "arrest approved" in page and "Arrest" in page
    assert "3 of 3 accepted" in page
    assert "Engagement notice sent to the agency" not in page  # the rival's entry
    assert rival.display_name not in page


async def test_another_lawyers_engagement_is_404_and_staff_get_403(
    client: AsyncClient, settings: Settings
) -> None:
    world, other = await make_case_world(), await make_case_world()
    engagement = await engage(world, settings.data_dir)
    await sign_in_as(client, other.lawyer)
    assert (await client.get(f"/clients/{engagement.id}")).status_code == 404
    assert (await post_form(client, f"/clients/{engagement.id}/notice", {})).status_code == 404
    await sign_in_as(client, world.staff)
    assert (await client.get(f"/clients/{engagement.id}")).status_code == 403


# --- uploads ----------------------------------------------------------------------------


async def test_uploading_a_document(client: AsyncClient, settings: Settings) -> None:
    world = await make_case_world()
    engagement = await engage(world, settings.data_dir, uploaded=False)
    await sign_in_as(client, world.lawyer)
    response = await upload(client, engagement, "power_of_attorney", "poa.pdf", PDF_BYTES)
    assert response.status_code == 303
    document = await EngagementDocument.get(engagement_id=engagement.id)
    assert document.kind == DocumentKind.POWER_OF_ATTORNEY and document.original_name == "poa.pdf"
    stored = settings.data_dir / "documents" / document.sha256[:2] / document.sha256
    assert stored.read_bytes() == PDF_BYTES
    page = (await client.get(f"/clients/{engagement.id}")).text
    assert "poa.pdf" in page and f'href="/documents/{document.id}"' in page
    assert "Not yet checked" in page


async def test_an_html_file_named_pdf_is_refused_with_415(
    client: AsyncClient, settings: Settings
) -> None:
    world = await make_case_world()
    engagement = await engage(world, settings.data_dir, uploaded=False)
    await sign_in_as(client, world.lawyer)
    page = b"<!doctype html><script>alert(1)</script>"
    response = await upload(client, engagement, "firm_letter", "letter.pdf", page)
    assert response.status_code == 415
    assert "The file's content does not match its type." in html.unescape(response.text)
    other = await upload(client, engagement, "firm_letter", "letter.txt", b"plain text")
    assert other.status_code == 415
    assert "Upload a PDF, JPEG or PNG file." in other.text
    assert not await EngagementDocument.exists()


async def test_an_oversized_file_is_refused_with_413(
    client: AsyncClient, settings: Settings
) -> None:
    world = await make_case_world()
    engagement = await engage(world, settings.data_dir, uploaded=False)
    await sign_in_as(client, world.lawyer)
    big = PDF_BYTES + b"0" * MAX_BYTES
    response = await upload(client, engagement, "firm_letter", "big.pdf", big)
    assert response.status_code == 413
    assert "The file is larger than allowed." in response.text
    assert "at most 2 KB" in response.text
    assert not await EngagementDocument.exists()


async def test_a_document_the_engagement_does_not_need_is_refused(
    client: AsyncClient, settings: Settings
) -> None:
    world = await make_case_world()
    engagement = await engage(world, settings.data_dir, uploaded=False)
    await sign_in_as(client, world.lawyer)
    response = await upload(client, engagement, "legal_aid_letter", "aid.pdf", PDF_BYTES)
    assert response.status_code == 400
    assert "Only the three documents the law lists" in response.text


async def test_a_crafted_file_name_cannot_leave_the_storage_folder(
    client: AsyncClient, settings: Settings
) -> None:
    world = await make_case_world()
    engagement = await engage(world, settings.data_dir, uploaded=False)
    await sign_in_as(client, world.lawyer)
    response = await upload(client, engagement, "firm_letter", "../../etc/passwd.pdf", PDF_BYTES)
    assert response.status_code == 303
    document = await EngagementDocument.get(engagement_id=engagement.id)
    assert document.original_name == "passwd.pdf"
    root = Path(settings.data_dir) / "documents"
    assert (root / document.sha256[:2] / document.sha256).is_file()
    written = [p for p in Path(settings.data_dir).parent.rglob("passwd*")]
    assert written == []
    assert all(p.resolve().is_relative_to(root.resolve()) for p in root.rglob("*"))


# --- the notice and downloads -----------------------------------------------------------


async def test_sending_the_engagement_notice_once(client: AsyncClient, settings: Settings) -> None:
    world = await make_case_world()
    engagement = await engage(world, settings.data_dir, accepted=False)
    await sign_in_as(client, world.lawyer)
    page = (await client.get(f"/clients/{engagement.id}")).text
    assert "Send the engagement notice to the agency (CPL art. 34(4))" in page
    response = await post_form(client, f"/clients/{engagement.id}/notice", {})
    assert response.status_code == 303
    engagement = await Engagement.get(id=engagement.id)
    assert engagement.notice_sent_at is not None
    assert await CaseEvent.filter(
        engagement_id=engagement.id, kind=EventKind.ENGAGEMENT_NOTICE
    ).exists()
    page = (await client.get(f"/clients/{engagement.id}")).text
    assert f"Sent to {world.agency.name} on" in page and "Beijing time" in page
    assert "Send the engagement notice to the agency" not in page
    again = await post_form(client, f"/clients/{engagement.id}/notice", {})
    assert again.status_code == 409
    assert "The engagement notice has already been sent." in again.text
