"""The forms of the case page: recording events (in the facility's local time, corrections,
custody extensions), assigning investigators, recording a client's written termination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from httpx import AsyncClient

from app.accounts.roles import Role
from app.cases import services
from app.cases.kinds import EngagementStatus, EventKind
from app.cases.models import CaseEvent, CaseInvestigator, Engagement
from app.settings import Settings
from tests.integration.case_world import (
    CaseWorld,
    engage,
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

SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- recording events -------------------------------------------------------------------


async def test_investigator_records_an_arrest_in_local_time(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.investigator)
    at = beijing_yesterday_at(17, 30)
    data = {"kind": "arrest", **local_fields("effective", at), "note": "arrested"}
    response = await post_form(client, f"/cases/{world.case.id}/events", data)
    assert response.status_code == 303
    event = await CaseEvent.get(case_id=world.case.id, kind=EventKind.ARREST)
    assert response.headers["location"] == f"/cases/{world.case.id}#event-{event.id}"
    assert event.effective_at == at.astimezone(UTC)
    assert event.detainee_id == world.detainee.id and event.recorded_by_id == world.investigator.id
    page = (await client.get(f"/cases/{world.case.id}")).text
    assert f"{at.day} {at:%b} {at.year}, 17:30 Beijing time" in page


async def test_a_future_effective_time_is_refused_and_values_kept(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.investigator)
    future = datetime.now(SHANGHAI) + timedelta(days=2)
    data = {"kind": "arrest", **local_fields("effective", future), "note": "keep me"}
    response = await post_form(client, f"/cases/{world.case.id}/events", data)
    assert response.status_code == 400
    assert "The effective time cannot lie in the future." in response.text
    assert "keep me" in response.text
    assert not await CaseEvent.filter(case_id=world.case.id).exists()


async def test_an_extension_needs_expiry_and_basis(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.investigator)
    base = {"kind": "custody_extension", **local_fields("effective", beijing_yesterday_at(10, 0))}
    response = await post_form(client, f"/cases/{world.case.id}/events", base)
    assert response.status_code == 400
    assert "An extension of custody needs the new expiry date." in response.text
    data = {**base, "new_expiry": "2027-01-31", "legal_basis": "CPL art. 156"}
    assert (await post_form(client, f"/cases/{world.case.id}/events", data)).status_code == 303
    event = await CaseEvent.get(case_id=world.case.id)
    assert event.details == {"new_expiry": "2027-01-31", "legal_basis": "CPL art. 156"}


async def test_staff_kinds_and_bare_terminations_are_not_offered(client: AsyncClient) -> None:
    world = await make_case_world()
    await sign_in_as(client, world.investigator)
    page = (await client.get(f"/cases/{world.case.id}")).text
    assert 'value="arrest"' in page
    assert 'value="released"' not in page and 'value="engagement_terminated"' not in page
    for kind in ("released", "engagement_terminated"):
        data = {"kind": kind, **local_fields("effective", beijing_yesterday_at(10, 0))}
        response = await post_form(client, f"/cases/{world.case.id}/events", data)
        assert response.status_code == 403  # as through the API: the role may not record it
        assert "Your role may not record this kind of event for this case." in response.text
    assert not await CaseEvent.filter(case_id=world.case.id).exists()


async def test_a_correction_needs_the_event_it_corrects(client: AsyncClient) -> None:
    world = await make_case_world()
    arrest = await record_case_event(world, EventKind.ARREST)
    await sign_in_as(client, world.investigator)
    data = {"kind": "correction", **local_fields("effective", beijing_yesterday_at(10, 0))}
    response = await post_form(client, f"/cases/{world.case.id}/events", data)
    assert response.status_code == 400
    assert "Say which event of this case the correction corrects." in response.text
    data["corrects_id"] = str(arrest.id)
    assert (await post_form(client, f"/cases/{world.case.id}/events", data)).status_code == 303
    assert await CaseEvent.filter(corrects_id=arrest.id, kind=EventKind.CORRECTION).exists()


async def test_recording_events_needs_the_role_and_the_scope(client: AsyncClient) -> None:
    world, other = await make_case_world(), await make_case_world()
    data = {"kind": "arrest", **local_fields("effective", beijing_yesterday_at(10, 0))}
    await sign_in_as(client, world.auditor)
    assert (await post_form(client, f"/cases/{world.case.id}/events", data)).status_code == 403
    await sign_in_as(client, other.investigator)
    assert (await post_form(client, f"/cases/{world.case.id}/events", data)).status_code == 404
    assert not await CaseEvent.filter(case_id=world.case.id).exists()


# --- investigators and terminations -----------------------------------------------------


async def test_assigning_investigators(client: AsyncClient) -> None:
    world, other = await make_case_world(), await make_case_world()
    colleague = await make_user(Role.INVESTIGATOR, agency=world.agency)
    await sign_in_as(client, world.investigator)
    path = f"/cases/{world.case.id}/investigators"
    empty = await post_form(client, path, {})
    assert empty.status_code == 400 and "This field is required." in empty.text
    foreign = await post_form(client, path, {"investigator_ids": str(other.investigator.id)})
    assert foreign.status_code == 400
    assert "Choose investigators of your own agency." in foreign.text
    response = await post_form(client, path, {"investigator_ids": str(colleague.id)})
    assert response.status_code == 303
    assert await CaseInvestigator.filter(
        case_id=world.case.id, investigator_id=colleague.id
    ).exists()
    await sign_in_as(client, other.investigator)
    assert (
        await post_form(client, path, {"investigator_ids": str(colleague.id)})
    ).status_code == 404


async def test_recording_the_clients_written_termination(
    client: AsyncClient, settings: Settings
) -> None:
    world = await make_case_world()
    engagement = await engage(world, settings.data_dir)
    await engagement.refresh_from_db()
    await sign_in_as(client, world.investigator)
    page = (await client.get(f"/cases/{world.case.id}")).text
    assert world.lawyer.display_name in page and "Record the client's written termination" in page
    path = f"/cases/{world.case.id}/engagements/{engagement.id}/termination"
    future = datetime.now(SHANGHAI) + timedelta(days=1)
    refused = await post_form(client, path, {**local_fields("received", future), "note": "letter"})
    assert refused.status_code == 400 and "cannot lie in the future" in refused.text
    received = beijing_yesterday_at(16, 0)
    response = await post_form(
        client, path, {**local_fields("received", received), "note": "letter"}
    )
    assert response.status_code == 303
    engagement = await Engagement.get(id=engagement.id)
    assert engagement.status == EngagementStatus.TERMINATED
    assert engagement.terminated_at == received.astimezone(UTC)
    again = await post_form(client, path, {**local_fields("received", received)})
    assert again.status_code == 409 and "This engagement has ended." in again.text


async def test_termination_of_another_cases_engagement_is_404(
    client: AsyncClient, settings: Settings
) -> None:
    world = await make_case_world()
    engagement = await engage(world, settings.data_dir)
    second = await services.open_case(
        world.investigator,
        services.NewCase(
            "SECOND-1",
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
    await sign_in_as(client, world.investigator)
    path = f"/cases/{second.id}/engagements/{engagement.id}/termination"
    assert (
        await post_form(client, path, local_fields("received", beijing_yesterday_at(9, 0)))
    ).status_code == 404
    await sign_in_as(client, world.auditor)
    path = f"/cases/{world.case.id}/engagements/{engagement.id}/termination"
    assert (
        await post_form(client, path, local_fields("received", beijing_yesterday_at(9, 0)))
    ).status_code == 403


def _extension(recorded: datetime, new_expiry: datetime) -> dict[str, str]:
    return {"kind": "custody_extension", **local_fields("effective", recorded),
            "new_expiry": f"{new_expiry:%Y-%m-%d}", "legal_basis": "CPL 156"}  # fmt: skip


async def _arrest_days_ago(days: int) -> tuple[CaseWorld, datetime]:
    world = await make_case_world()
    arrested = datetime.now(SHANGHAI) - timedelta(days=days)
    new = services.NewEvent(EventKind.ARREST, arrested, "arrested", world.detainee.id)
    await services.record_event(world.investigator, world.case, new)
    return world, arrested


async def test_an_extension_recorded_after_custody_expired_is_flagged_where_recorded(
    client: AsyncClient,
) -> None:
    world, _ = await _arrest_days_ago(70)  # two months ran out about ten days ago
    await sign_in_as(client, world.investigator)
    when = beijing_yesterday_at(10, 0)
    data = _extension(when, when + timedelta(days=30))
    case_id = world.case.id
    response = await post_form(client, f"/cases/{case_id}/events", data)
    assert response.status_code == 303
    page = (await client.get(response.headers["location"].split("#")[0])).text
    extension = await CaseEvent.get(case_id=case_id, kind=EventKind.CUSTODY_EXTENSION)
    row = page.split(f'id="event-{extension.id}"', 1)[1].split("</tr>", 1)[0]
    assert "extension-flag" in row and "第一百五十六条" in row


async def test_an_extension_under_seven_days_ahead_is_flagged(client: AsyncClient) -> None:
    world, arrested = await _arrest_days_ago(57)  # custody ends in about four days
    await sign_in_as(client, world.investigator)
    when = beijing_yesterday_at(10, 0)
    data = _extension(when, arrested + timedelta(days=92))
    case_id = world.case.id
    await post_form(client, f"/cases/{case_id}/events", data)
    page = (await client.get(f"/cases/{case_id}")).text
    assert page.count("extension-flag") == 1
    assert "7" in page.split("extension-flag", 1)[1].split("</p>", 1)[0]


async def test_an_extension_recorded_in_good_time_is_not_flagged(client: AsyncClient) -> None:
    world, arrested = await _arrest_days_ago(30)
    await sign_in_as(client, world.investigator)
    data = _extension(beijing_yesterday_at(10, 0), arrested + timedelta(days=92))
    case_id = world.case.id
    await post_form(client, f"/cases/{case_id}/events", data)
    assert "extension-flag" not in (await client.get(f"/cases/{case_id}")).text
