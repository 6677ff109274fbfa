"""Detention staff's pages: the detainee register and admissions, the audited identity number,
checking the three documents, releases and moves."""

from __future__ import annotations

import html
from datetime import UTC

from httpx import AsyncClient

from app.audit.models import AuditEntry
from app.cases import services
from app.cases.kinds import CustodyStatus, DocumentReview, EngagementStatus, EventKind
from app.cases.models import CaseEvent, Detainee, Engagement, EngagementDocument
from app.orgs.models import Facility
from app.settings import Settings
from tests.integration.case_world import (
    engage,
    make_case_world,
)
from tests.integration.helpers import (
    beijing_yesterday_at,
    local_fields,
    make_organisation,
    post_form,
    sign_in_as,
)

# --- the register and admissions --------------------------------------------------------


async def test_staff_list_their_detainees_with_masked_numbers(client: AsyncClient) -> None:
    world, other = await make_case_world(), await make_case_world()
    await sign_in_as(client, world.staff)
    response = await client.get("/detainees")
    assert response.status_code == 200
    page = response.text
    number = world.detainee.id_number
    assert world.detainee.name in page and services.mask_id_number(number) in page
    assert number not in page and "In custody" in page
    assert other.detainee.name not in page
    assert 'href="/detainees"' in page  # the navigation entry


async def test_detainee_pages_are_for_staff(client: AsyncClient) -> None:
    world = await make_case_world()
    for user in (world.investigator, world.lawyer, world.auditor):
        await sign_in_as(client, user)
        assert (await client.get("/detainees")).status_code == 403, user.role
        assert (await client.get(f"/detainees/{world.detainee.id}")).status_code == 403


async def test_staff_register_an_admission_in_local_time(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.staff)
    admitted = beijing_yesterday_at(22, 15)
    data = {
        "name": "Sun Li",
        "id_number": "11010519850505123x",
        **local_fields("admitted", admitted),
    }
    response = await post_form(client, "/detainees", data)
    assert response.status_code == 303
    detainee = await Detainee.get(name="Sun Li")
    assert response.headers["location"] == f"/detainees/{detainee.id}"
    assert detainee.facility_id == world.facility.id and detainee.id_number.endswith("123X")
    assert detainee.admitted_at == admitted.astimezone(UTC)


async def test_a_bad_identity_number_is_refused_and_values_kept(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.staff)
    data = {
        "name": "Sun Li",
        "id_number": "12?",
        **local_fields("admitted", beijing_yesterday_at(8, 0)),
    }
    response = await post_form(client, "/detainees", data)
    assert response.status_code == 400
    assert "Enter the full identity-document number" in response.text
    assert 'id="f-admit-id_number"' in response.text and 'aria-invalid="true"' in response.text
    assert 'value="Sun Li"' in response.text
    assert not await Detainee.filter(name="Sun Li").exists()


async def test_admission_is_for_staff_only(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.investigator)
    data = {
        "name": "Sun Li",
        "id_number": "110105198505051234",
        **local_fields("admitted", beijing_yesterday_at(8, 0)),
    }
    assert (await post_form(client, "/detainees", data)).status_code == 403


# --- the detainee page ------------------------------------------------------------------


async def test_detainee_page_shows_the_full_number_and_audits_the_view(
    client: AsyncClient, settings: Settings
) -> None:
    world = await make_case_world()
    await engage(world, settings.data_dir, accepted=False)
    await sign_in_as(client, world.staff)
    response = await client.get(f"/detainees/{world.detainee.id}")
    assert response.status_code == 200
    page = response.text
    assert world.detainee.id_number in page
    assert world.lawyer.display_name in page and world.lawyer.licence_number in page  # type: ignore[operator]
    assert world.case.case_number in page and "Power of attorney" in page
    assert 'href="/cases' not in page  # staff never see case files
    assert await AuditEntry.filter(
        action="detainee.viewed", object_id=str(world.detainee.id)
    ).exists()


async def test_another_facilitys_detainee_is_404(client: AsyncClient) -> None:
    world, other = await make_case_world(), await make_case_world()
    await sign_in_as(client, other.staff)
    assert (await client.get(f"/detainees/{world.detainee.id}")).status_code == 404


# --- checking documents -----------------------------------------------------------------


async def test_accepting_the_three_documents_activates_the_engagement(
    client: AsyncClient, settings: Settings
) -> None:
    world = await make_case_world()
    engagement = await engage(world, settings.data_dir, accepted=False)
    await sign_in_as(client, world.staff)
    documents = await EngagementDocument.filter(engagement_id=engagement.id)
    for document in documents:
        path = f"/detainees/{world.detainee.id}/documents/{document.id}/review"
        response = await post_form(client, path, {"decision": "accept"})
        assert response.status_code == 303
        assert response.headers["location"].endswith(f"#engagement-{engagement.id}")
    engagement = await Engagement.get(id=engagement.id)
    assert engagement.status == EngagementStatus.ACTIVE
    page = (await client.get(f"/detainees/{world.detainee.id}")).text
    assert "3 of 3 accepted" in page and 'name="decision"' not in page


async def test_a_rejection_needs_its_reason(client: AsyncClient, settings: Settings) -> None:
    world = await make_case_world()
    engagement = await engage(world, settings.data_dir, accepted=False)
    document = await EngagementDocument.filter(engagement_id=engagement.id).first()
    assert document is not None
    await sign_in_as(client, world.staff)
    path = f"/detainees/{world.detainee.id}/documents/{document.id}/review"
    response = await post_form(client, path, {"decision": "reject", "note": " "})
    assert response.status_code == 400
    assert "Give the reason for rejecting the document." in response.text
    assert f'id="f-review-{document.id}-note"' in response.text
    response = await post_form(client, path, {"decision": "reject", "note": "illegible scan"})
    assert response.status_code == 303
    document = await EngagementDocument.get(id=document.id)
    assert document.review == DocumentReview.REJECTED and document.review_note == "illegible scan"
    await sign_in_as(client, world.lawyer)
    page = (await client.get(f"/clients/{engagement.id}")).text
    assert "Rejected" in page and "illegible scan" in page


async def test_reviewing_needs_the_role_and_the_facility(
    client: AsyncClient, settings: Settings
) -> None:
    world, other = await make_case_world(), await make_case_world()
    engagement = await engage(world, settings.data_dir, accepted=False)
    document = await EngagementDocument.filter(engagement_id=engagement.id).first()
    assert document is not None
    path = f"/detainees/{world.detainee.id}/documents/{document.id}/review"
    await sign_in_as(client, other.staff)
    assert (await post_form(client, path, {"decision": "accept"})).status_code == 404
    # The other facility's detainee with this facility's document: still not found.
    mixed = f"/detainees/{other.detainee.id}/documents/{document.id}/review"
    assert (await post_form(client, mixed, {"decision": "accept"})).status_code == 404
    await sign_in_as(client, world.lawyer)
    assert (await post_form(client, path, {"decision": "accept"})).status_code == 403
    document = await EngagementDocument.get(id=document.id)
    assert document.review == DocumentReview.PENDING


# --- releases and moves -----------------------------------------------------------------


async def test_recording_a_release(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.staff)
    path = f"/detainees/{world.detainee.id}/release"
    missing = await post_form(client, path, {"case_id": str(world.case.id), "note": "bail"})
    assert missing.status_code == 400 and "This field is required." in missing.text
    released = beijing_yesterday_at(11, 5)
    data = {"case_id": str(world.case.id), **local_fields("effective", released), "note": "bail"}
    response = await post_form(client, path, data)
    assert response.status_code == 303
    detainee = await Detainee.get(id=world.detainee.id)
    assert detainee.custody_status == CustodyStatus.RELEASED
    event = await CaseEvent.get(case_id=world.case.id, kind=EventKind.RELEASED)
    assert event.effective_at == released.astimezone(UTC)
    assert event.recorded_by_id == world.staff.id


async def test_recording_a_move_to_another_detention_centre(client: AsyncClient) -> None:
    world = await make_case_world()
    target = await make_organisation("facility", "110105", "Receiving centre")
    await sign_in_as(client, world.staff)
    page = (await client.get(f"/detainees/{world.detainee.id}")).text
    assert "Receiving centre" in page
    path = f"/detainees/{world.detainee.id}/move"
    base = {"case_id": str(world.case.id), **local_fields("effective", beijing_yesterday_at(7, 0))}
    same = await post_form(client, path, {**base, "to_facility_id": str(world.facility.id)})
    assert same.status_code == 400
    assert "already held at that detention centre" in html.unescape(same.text)
    response = await post_form(client, path, {**base, "to_facility_id": str(target.id)})
    assert response.status_code == 303 and response.headers["location"] == "/detainees"
    detainee = await Detainee.get(id=world.detainee.id)
    assert detainee.facility_id == target.id
    event = await CaseEvent.get(case_id=world.case.id, kind=EventKind.MOVED_FACILITY)
    assert event.details == {"to_facility_id": target.id, "from_facility_id": world.facility.id}
    # Held elsewhere now: no longer on this facility's pages.
    assert (await client.get(f"/detainees/{world.detainee.id}")).status_code == 404
    await sign_in_as(client, world.investigator)
    timeline = (await client.get(f"/cases/{world.case.id}")).text
    assert "Moved to another detention centre" in timeline and "Receiving centre" in timeline


async def test_a_detainee_in_several_cases_needs_the_case_chosen(client: AsyncClient) -> None:
    world = await make_case_world()
    second = await services.open_case(
        world.investigator,
        services.NewCase(
            "SECOND-2",
            world.case.category,
            "",
            services.NewDetainee(
                world.detainee.name,
                world.detainee.id_number,
                world.facility.id,
                world.detainee.admitted_at,
            ),
        ),
    )
    await sign_in_as(client, world.staff)
    page = (await client.get(f"/detainees/{world.detainee.id}")).text
    assert 'id="f-release-case_id"' in page and "SECOND-2" in page
    path = f"/detainees/{world.detainee.id}/release"
    response = await post_form(client, path, local_fields("effective", beijing_yesterday_at(9, 0)))
    assert response.status_code == 400 and "This field is required." in response.text
    data = {"case_id": str(second.id), **local_fields("effective", beijing_yesterday_at(9, 0))}
    assert (await post_form(client, path, data)).status_code == 303
    assert await CaseEvent.filter(case_id=second.id, kind=EventKind.RELEASED).exists()


async def test_custody_events_need_the_role_and_the_facility(client: AsyncClient) -> None:
    world, other = await make_case_world(), await make_case_world()
    data = {"case_id": str(world.case.id), **local_fields("effective", beijing_yesterday_at(9, 0))}
    await sign_in_as(client, other.staff)
    assert (
        await post_form(client, f"/detainees/{world.detainee.id}/release", data)
    ).status_code == 404
    await sign_in_as(client, world.investigator)
    assert (
        await post_form(client, f"/detainees/{world.detainee.id}/release", data)
    ).status_code == 403
    assert (await Detainee.get(id=world.detainee.id)).custody_status == CustodyStatus.IN_CUSTODY
    assert await Facility.filter(id=world.facility.id).exists()
