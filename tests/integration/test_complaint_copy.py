"""Story 7: a complaint from a missed 48-hour meeting duty is pre-filled with the facts and
goes to the procuratorate with a copy to the bar association, whose auditors are told
(both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient

from app.law.policies import LegalPolicies
from app.law.restdays import RestDayCalendar
from app.settings import Settings
from notifications.kinds import Channel
from notifications.models import Notification
from rights_checklist.kinds import ComplaintBody
from rights_checklist.models import Complaint
from scheduling.models import MeetingRequest
from scheduling.requests import NewRequest, open_request
from tests.integration.helpers import bearer, post_form, sign_in_as
from tests.integration.submission_world import active_world
from tests.integration.world import Side, World

ASKED = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=52)


@pytest.fixture
async def world(settings: Settings) -> World:
    return await active_world(settings)


async def ask_52_hours_ago(side: Side) -> MeetingRequest:
    await side.engagement.refresh_from_db()
    return await open_request(
        side.lawyer, side.engagement, NewRequest(requested_at=ASKED),
        policies=LegalPolicies(), calendar=RestDayCalendar(),
    )  # fmt: skip


def complaint_form(side: Side, request: MeetingRequest) -> str:
    return (
        f"/complaints/new?case_id={side.case.id}&type=meeting_refused&duty=C1"
        f"&breached=M1&occurrence=request:{request.id}"
    )


async def bar_notices(side: Side) -> list[Notification]:
    return await Notification.filter(
        recipient_id=side.auditor.id, template="complaint_for_bar", channel=Channel.INAPP
    )


async def test_the_form_states_the_facility_the_time_asked_and_the_48_hour_deadline(
    client: AsyncClient, world: World
) -> None:
    side = world.beijing
    request = await ask_52_hours_ago(side)
    await sign_in_as(client, side.lawyer)
    form = await client.get(complaint_form(side, request))
    assert form.status_code == 200
    description = form.text.split('id="f-complain-description"')[1].split("</textarea>")[0]
    assert side.facility.name in description
    assert "Article 39 of the Criminal Procedure Law" in description
    assert "48 hours" in description
    assert "has still not been arranged" in description
    assert request.deadline_at is not None
    for moment in (ASKED, request.deadline_at):
        assert f"{moment.astimezone(ZoneInfo(side.facility.timezone)):%H:%M}" in description


async def test_the_form_addresses_the_procuratorate_with_a_copy_to_the_bar_association(
    client: AsyncClient, world: World
) -> None:
    side = world.beijing
    request = await ask_52_hours_ago(side)
    await sign_in_as(client, side.lawyer)
    form = (await client.get(complaint_form(side, request))).text
    addressed = form.split('id="f-complain-addressed_to"')[1].split("</select>")[0]
    copied = form.split('id="f-complain-copied_to"')[1].split("</select>")[0]
    assert '<option value="procuratorate" selected>' in addressed
    assert '<option value="bar_association" selected>' in copied


async def test_another_lawyers_request_lends_no_facts_to_the_form(
    client: AsyncClient, world: World
) -> None:
    other = await ask_52_hours_ago(world.shanghai)
    side = world.beijing
    await sign_in_as(client, side.lawyer)
    form = (await client.get(complaint_form(side, other))).text
    assert world.shanghai.facility.name not in form
    assert f"duty M1 (request:{other.id})" in form


async def test_a_complaint_filed_with_a_copy_is_shown_with_it(
    client: AsyncClient, world: World
) -> None:
    side = world.beijing
    await sign_in_as(client, side.lawyer)
    data = {"case_id": str(side.case.id), "complaint_type": "meeting_refused",
            "addressed_to": "procuratorate", "copied_to": "bar_association",
            "description": "No meeting 52 hours after the request."}  # fmt: skip
    response = await post_form(client, "/complaints", data, csrf_page="/complaints/new")
    assert response.status_code == 303, response.text
    complaint = await Complaint.get(lawyer_id=side.lawyer.id)
    assert complaint.copied_to == ComplaintBody.BAR_ASSOCIATION
    page = await client.get(response.headers["location"])
    assert "Copied to" in page.text and "Bar association" in page.text


async def test_the_bar_auditors_of_the_jurisdiction_are_told_of_a_copy(
    client: AsyncClient, world: World
) -> None:
    side = world.beijing
    response = await client.post(
        "/api/v1/complaints",
        json={
            "case_id": side.case.id,
            "complaint_type": "meeting_refused",
            "addressed_to": "procuratorate",
            "copied_to": "bar_association",
            "description": "No meeting 52 hours after the request.",
        },
        headers=bearer(world.tokens["lawyer"]),
    )
    assert response.status_code == 201, response.text
    assert response.json()["copied_to"] == "bar_association"
    [notice] = await bar_notices(side)
    assert notice.payload["copied"] is True
    assert await bar_notices(world.shanghai) == []


async def test_no_copy_tells_the_bar_nothing(client: AsyncClient, world: World) -> None:
    response = await client.post(
        "/api/v1/complaints",
        json={
            "case_id": world.beijing.case.id,
            "complaint_type": "meeting_refused",
            "addressed_to": "procuratorate",
            "description": "No meeting.",
        },
        headers=bearer(world.tokens["lawyer"]),
    )
    assert response.status_code == 201, response.text
    assert response.json()["copied_to"] is None
    assert await bar_notices(world.beijing) == []


async def test_a_copy_to_the_addressee_itself_is_refused_and_nothing_is_filed(
    client: AsyncClient, world: World
) -> None:
    response = await client.post(
        "/api/v1/complaints",
        json={
            "case_id": world.beijing.case.id,
            "complaint_type": "meeting_refused",
            "addressed_to": "procuratorate",
            "copied_to": "procuratorate",
            "description": "No meeting.",
        },
        headers=bearer(world.tokens["lawyer"]),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["copied_to"]
    assert await Complaint.all().count() == 0
