"""The case register pages: the list, the new-case form and the case page with its timeline,
for investigators (whole file) and bar auditors (metadata); others 403 (role) or 404 (scope)."""

from __future__ import annotations

from datetime import UTC

from httpx import AsyncClient

from app.accounts.roles import Role
from app.cases.kinds import EventKind
from app.cases.models import Case, CaseInvestigator, Detainee
from tests.integration.case_world import (
    CaseWorld,
    make_case_world,
    record_case_event,
)
from tests.integration.helpers import (
    beijing_yesterday_at,
    local_fields,
    make_user,
    post_form,
    sign_in_as,
)

# --- the list ---------------------------------------------------------------------------


async def test_investigator_lists_the_cases_of_their_agency_only(client: AsyncClient) -> None:
    world, other = await make_case_world(), await make_case_world()
    await record_case_event(world, EventKind.CRIMINAL_DETENTION)
    await sign_in_as(client, world.investigator)
    response = await client.get("/cases")
    assert response.status_code == 200
    page = response.text
    assert world.case.case_number in page and world.detainee.name in page
    assert "Criminal detention" in page and "Investigation" in page
    assert other.case.case_number not in page and other.detainee.name not in page
    assert 'href="/cases/new"' in page


async def test_auditor_list_shows_metadata_without_names_or_charges(client: AsyncClient) -> None:
    world = await make_case_world()
    shanghai = await make_case_world("310101")
    await sign_in_as(client, world.auditor)
    page = (await client.get("/cases")).text
    assert world.case.case_number in page and world.agency.name in page
    assert world.detainee.name not in page and "fraud" not in page
    assert shanghai.case.case_number not in page
    assert 'href="/cases/new"' not in page


async def test_cases_are_not_a_lawyer_or_staff_page(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.lawyer)
    assert (await client.get("/cases")).status_code == 403
    home = (await client.get("/")).text
    assert 'href="/clients"' in home and 'href="/cases"' not in home


async def test_staff_get_403_on_case_pages(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.staff)
    assert (await client.get("/cases")).status_code == 403
    assert (await client.get(f"/cases/{world.case.id}")).status_code == 403


# --- opening a case ---------------------------------------------------------------------


def case_form(world: CaseWorld, number: str = "NEW-1") -> dict[str, object]:
    admitted = beijing_yesterday_at(9, 30)
    return {
        "case_number": number,
        "category": "state_security",
        "suspected_charges": "espionage",
        "name": "Zhou Min",
        "id_number": "110108 19900101 1234",
        "facility_id": str(world.facility.id),
        **local_fields("admitted", admitted),
    }


async def test_investigator_opens_a_case_with_a_new_detainee(client: AsyncClient) -> None:
    world = await make_case_world()
    colleague = await make_user(Role.INVESTIGATOR, agency=world.agency)
    await sign_in_as(client, world.investigator)
    form = await client.get("/cases/new")
    assert form.status_code == 200
    assert world.facility.name in form.text and colleague.display_name in form.text
    data = {**case_form(world), "investigator_ids": [str(colleague.id)]}
    response = await post_form(client, "/cases", data)
    assert response.status_code == 303
    case = await Case.get(case_number="NEW-1")
    assert response.headers["location"] == f"/cases/{case.id}"
    detainee = await Detainee.get(case_links__case_id=case.id)
    assert detainee.id_number == "110108199001011234"
    # 09:30 on the facility's clock (Asia/Shanghai) is 01:30 UTC.
    assert detainee.admitted_at == beijing_yesterday_at(9, 30).astimezone(UTC)
    assigned = set(
        await CaseInvestigator.filter(case_id=case.id).values_list("investigator_id", flat=True)
    )
    assert assigned == {world.investigator.id, colleague.id}


async def test_a_taken_case_number_is_refused_next_to_the_field(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.investigator)
    response = await post_form(client, "/cases", case_form(world, world.case.case_number))
    assert response.status_code == 409
    assert "Your agency already has a case with this number." in response.text
    assert 'id="f-case-case_number"' in response.text and 'aria-invalid="true"' in response.text
    assert 'value="Zhou Min"' in response.text  # entered values are kept
    assert await Case.filter(agency_id=world.agency.id).count() == 1


async def test_a_bad_admission_time_is_refused(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.investigator)
    data = {**case_form(world), "admitted_date": "2026-02-30"}
    response = await post_form(client, "/cases", data)
    assert response.status_code == 400
    assert "Enter a date and time such as" in response.text
    assert 'aria-describedby="e-case-admitted_at h-case-admitted_at"' in response.text


async def test_only_investigators_open_cases(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.auditor)
    assert (await client.get("/cases/new")).status_code == 403
    assert (await post_form(client, "/cases", case_form(world))).status_code == 403


# --- the case page ----------------------------------------------------------------------


async def test_case_page_shows_the_timeline_with_details_and_corrections(
    client: AsyncClient,
) -> None:
    world = await make_case_world()
    arrest = await record_case_event(world, EventKind.ARREST, "approved by the procuratorate")
    await record_case_event(
        world,
        EventKind.CUSTODY_EXTENSION,
        details={"new_expiry": "2026-12-31", "legal_basis": "CPL art. 156"},
    )
    fix = await record_case_event(
        world, EventKind.CORRECTION, "arrest was a day earlier", corrects_id=arrest.id
    )
    await sign_in_as(client, world.investigator)
    response = await client.get(f"/cases/{world.case.id}")
    assert response.status_code == 200
    page = response.text
    assert "approved by the procuratorate" in page and world.investigator.display_name in page
    assert "31 Dec 2026" in page and "Criminal Procedure Law, art. 156" in page
    assert f'id="event-{fix.id}"' in page and f'href="#event-{arrest.id}"' in page
    assert f'href="#event-{fix.id}"' in page  # the arrest links to its correction
    assert "Beijing time" in page and "Asia/Shanghai" not in page
    assert "Record an event" in page and "fraud" in page


async def test_auditor_case_page_shows_kinds_and_times_only(client: AsyncClient) -> None:
    world = await make_case_world()
    await record_case_event(world, EventKind.ARREST, "a private note")
    await sign_in_as(client, world.auditor)
    response = await client.get(f"/cases/{world.case.id}")
    assert response.status_code == 200
    assert "Arrest" in response.text
    for hidden in ("a private note", world.detainee.name, "fraud", world.investigator.display_name):
        assert hidden not in response.text
    assert "Record an event" not in response.text


async def test_case_outside_scope_is_404(client: AsyncClient) -> None:
    world, other = await make_case_world(), await make_case_world("310101")
    await sign_in_as(client, other.investigator)
    assert (await client.get(f"/cases/{world.case.id}")).status_code == 404
    await sign_in_as(client, other.auditor)
    assert (await client.get(f"/cases/{world.case.id}")).status_code == 404
