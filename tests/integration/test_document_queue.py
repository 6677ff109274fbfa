"""The desk's queue of documents to check: the facility's unchecked uploads, oldest first, each
beside the time its lawyer's request has left (issue 15)."""

from __future__ import annotations

from pathlib import Path

from httpx import AsyncClient

from app.accounts.roles import Role
from app.cases.models import EngagementDocument
from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from scheduling import document_checks
from scheduling.document_queue import documents_to_check
from scheduling.requests import NewRequest, open_request
from tests.integration.case_world import engage, make_case_world
from tests.integration.helpers import NOTICES, sign_in_as, signed_in


async def test_an_unchecked_engagement_is_in_its_facilitys_queue_with_its_request(
    database: None, tmp_path: Path
) -> None:
    world = await make_case_world()
    engagement = await engage(world, tmp_path, accepted=False)
    request = await open_request(world.lawyer, engagement, NewRequest(), policies=LegalPolicies(),
                                 calendar=RestDayCalendar())  # fmt: skip
    (item,) = await documents_to_check(world.staff)
    assert (item.engagement.id, item.waiting) == (engagement.id, 3)
    assert item.request is not None and item.request.id == request.id
    assert item.deadline_at == request.deadline_at


async def test_the_oldest_upload_comes_first(database: None, tmp_path: Path) -> None:
    world = await make_case_world()
    first = await engage(world, tmp_path, accepted=False)
    other_case = await make_case_world()
    second = await engage(other_case, tmp_path, accepted=False)
    # The second world's engagement is at its own facility; move its detainee here.
    other_case.detainee.facility_id = world.facility.id
    await other_case.detainee.save(update_fields=["facility_id"])
    queue = await documents_to_check(world.staff)
    assert [item.engagement.id for item in queue] == [first.id, second.id]


async def test_accepted_documents_leave_the_queue(database: None, tmp_path: Path) -> None:
    world = await make_case_world()
    engagement = await engage(world, tmp_path, accepted=False)
    for document in await EngagementDocument.filter(engagement_id=engagement.id):
        await document_checks.review_document(
            world.staff, document, True, "", policies=LegalPolicies(),
            calendar=RestDayCalendar(), notices=NOTICES)  # fmt: skip
    assert await documents_to_check(world.staff) == []


async def test_another_facilitys_uploads_are_not_in_the_queue(
    database: None, tmp_path: Path
) -> None:
    world = await make_case_world()
    await engage(world, tmp_path, accepted=False)
    elsewhere = await make_case_world()
    assert await documents_to_check(elsewhere.staff) == []


async def test_the_queue_page_links_each_engagement_to_its_check(
    client: AsyncClient, tmp_path: Path
) -> None:
    world = await make_case_world()
    engagement = await engage(world, tmp_path, accepted=False)
    await open_request(world.lawyer, engagement, NewRequest(), policies=LegalPolicies(),
                       calendar=RestDayCalendar())  # fmt: skip
    await sign_in_as(client, world.staff)
    page = (await client.get("/board/documents")).text
    assert f'href="/detainees/{world.detainee.id}#engagement-{engagement.id}"' in page
    assert 'class="time-left"' in page
    assert 'href="/board/documents"' in page  # in the desk's navigation


async def test_the_queue_is_for_detention_staff_only(client: AsyncClient) -> None:
    await signed_in(client, Role.INVESTIGATOR)
    assert (await client.get("/board/documents")).status_code == 403
