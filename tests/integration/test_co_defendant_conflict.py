"""The co-defendant conflict (local implementing rules, e.g. Guangzhou art. 4): a lawyer who
registers an engagement in a case where she already defends another detainee is warned, with
the other engagement named, and the audit entry records it (setting "warn", the default); or
is refused, and nothing is stored (setting "refuse")."""

from __future__ import annotations

import asyncio
import html
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient

from app.audit.models import AuditEntry
from app.cases import engagements, services
from app.cases.kinds import CaseCategory, EngagementKind, EngagementStatus
from app.cases.models import Case, Detainee, Engagement
from app.errors import DomainError
from app.settings import Settings
from tests.integration.case_world import CaseWorld, make_case_world
from tests.integration.helpers import api_token, bearer, post_form, sign_in_as

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def policy() -> str:
    return "warn"


@pytest.fixture
def settings(settings: Settings, policy: str) -> Settings:
    """The installation's co_defendant_conflict setting: "warn" unless a test says "refuse"."""
    legal = settings.legal.model_copy(update={"co_defendant_conflict": policy})
    return settings.model_copy(update={"legal": legal})


@dataclass
class CoDefendants:
    world: CaseWorld
    case: Case
    first: Detainee  # the lawyer already defends this one
    second: Detainee


async def co_defendants() -> CoDefendants:
    """A case of two detainees held at the world's facility, opened by its investigator."""
    world = await make_case_world()
    admitted = datetime.now(UTC) - timedelta(days=1)
    one, two = (
        services.NewDetainee(name, number, world.facility.id, admitted)
        for name, number in (("马俊峰", "110108198806150035"), ("何永生", "110108199102280048"))
    )
    new = services.NewCase(
        f"JOINT-{world.case.case_number}", CaseCategory.ORDINARY, "合同诈骗罪", one,
        co_defendants=(two,),
    )  # fmt: skip
    case = await services.open_case(world.investigator, new)
    first = await Detainee.get(case_links__case_id=case.id, name="马俊峰")
    second = await Detainee.get(case_links__case_id=case.id, name="何永生")
    return CoDefendants(world, case, first, second)


async def defend(joint: CoDefendants, detainee: Detainee) -> Engagement:
    found = engagements.Found(detainee, [joint.case])
    return await engagements.start_engagement(
        joint.world.lawyer, found, joint.case.id, EngagementKind.RETAINED
    )


def body_for(joint: CoDefendants, detainee: Detainee) -> dict[str, object]:
    return {
        "facility_id": joint.world.facility.id,
        "name": detainee.name,
        "id_number": detainee.id_number,
        "case_id": joint.case.id,
        "kind": "retained",
    }


def form_for(joint: CoDefendants, detainee: Detainee) -> dict[str, str]:
    return {
        "facility_id": str(joint.world.facility.id),
        "name": detainee.name,
        "id_number": detainee.id_number,
        "case_id": str(joint.case.id),
        "kind": "retained",
    }


async def started_entry(engagement_id: int) -> AuditEntry:
    return await AuditEntry.get(
        action="engagement.started", object_type="engagement", object_id=str(engagement_id)
    )


async def test_registering_a_co_defendant_warns_naming_the_other_engagement_and_audits_it(
    client: AsyncClient,
) -> None:
    joint = await co_defendants()
    first = await defend(joint, joint.first)
    await sign_in_as(client, joint.world.lawyer)

    response = await post_form(client, "/clients", form_for(joint, joint.second))

    assert response.status_code == 303
    second = await Engagement.get(detainee_id=joint.second.id)
    assert response.headers["location"] == f"/clients/{second.id}"
    landing = html.unescape((await client.get(response.headers["location"])).text)
    assert "Conflict of interest: in this case you also defend 马俊峰" in landing
    assert f"engagement #{first.id}: Retained by the client or family, registered on" in landing
    assert "Guangzhou, art. 4" in landing
    assert "The setting co_defendant_conflict is “warn”" in landing
    assert f'<a href="/clients/{first.id}">马俊峰</a>' in landing
    assert (await started_entry(second.id)).summary["co_defendant_conflict"] == [first.id]
    assert "co_defendant_conflict" not in (await started_entry(first.id)).summary


async def test_the_warning_stays_on_both_engagements_pages(client: AsyncClient) -> None:
    joint = await co_defendants()
    first = await defend(joint, joint.first)
    second = await defend(joint, joint.second)
    await sign_in_as(client, joint.world.lawyer)

    first_page = html.unescape((await client.get(f"/clients/{first.id}")).text)
    second_page = html.unescape((await client.get(f"/clients/{second.id}")).text)

    assert f"you also defend 何永生 (engagement #{second.id}" in first_page
    assert f"you also defend 马俊峰 (engagement #{first.id}" in second_page


@pytest.mark.parametrize("policy", ["refuse"])
async def test_setting_refuse_refuses_the_co_defendant_and_stores_nothing(
    client: AsyncClient,
) -> None:
    joint = await co_defendants()
    first = await defend(joint, joint.first)
    await sign_in_as(client, joint.world.lawyer)
    entries = await AuditEntry.all().count()

    response = await post_form(client, "/clients", form_for(joint, joint.second))

    assert response.status_code == 409
    page = html.unescape(response.text)
    assert "Not registered: in this case you already defend 马俊峰" in page
    assert f"engagement #{first.id}" in page and "is “refuse”" in page
    assert not await Engagement.filter(detainee_id=joint.second.id).exists()
    assert await AuditEntry.all().count() == entries


@pytest.mark.parametrize("policy", ["refuse"])
async def test_the_api_refuses_with_409_naming_the_other_engagement(client: AsyncClient) -> None:
    joint = await co_defendants()
    first = await defend(joint, joint.first)
    token = await api_token(joint.world.lawyer)

    response = await client.post(
        "/api/v1/engagements", headers=bearer(token), json=body_for(joint, joint.second)
    )

    assert response.status_code == 409
    problem = response.json()
    assert "马俊峰" in problem["detail"] and f"#{first.id}" in problem["detail"]
    assert [c["engagement_id"] for c in problem["conflicts"]] == [first.id]
    assert problem["policy"] == "refuse"
    assert not await Engagement.filter(detainee_id=joint.second.id).exists()


async def test_an_ended_engagement_of_a_co_defendant_does_not_warn(client: AsyncClient) -> None:
    joint = await co_defendants()
    first = await defend(joint, joint.first)
    await engagements.record_termination(
        joint.world.investigator, first, datetime.now(UTC) - timedelta(minutes=1)
    )
    await sign_in_as(client, joint.world.lawyer)

    response = await post_form(client, "/clients", form_for(joint, joint.second))

    assert response.status_code == 303
    second = await Engagement.get(detainee_id=joint.second.id)
    assert "Conflict of interest" not in (await client.get(f"/clients/{second.id}")).text
    assert "co_defendant_conflict" not in (await started_entry(second.id)).summary


async def test_a_client_in_another_case_does_not_warn(client: AsyncClient) -> None:
    joint = await co_defendants()
    elsewhere = engagements.Found(joint.world.detainee, [joint.world.case])
    await engagements.start_engagement(
        joint.world.lawyer, elsewhere, joint.world.case.id, EngagementKind.RETAINED
    )
    await sign_in_as(client, joint.world.lawyer)

    response = await post_form(client, "/clients", form_for(joint, joint.second))

    assert response.status_code == 303
    second = await Engagement.get(detainee_id=joint.second.id)
    assert "Conflict of interest" not in (await client.get(f"/clients/{second.id}")).text
    assert "co_defendant_conflict" not in (await started_entry(second.id)).summary


async def test_the_api_answer_carries_the_warning(client: AsyncClient) -> None:
    joint = await co_defendants()
    first = await defend(joint, joint.first)
    token = await api_token(joint.world.lawyer)

    response = await client.post(
        "/api/v1/engagements", headers=bearer(token), json=body_for(joint, joint.second)
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == EngagementStatus.PENDING.value
    [warning] = body["warnings"]
    assert warning["code"] == "co_defendant_conflict"
    assert warning["engagement_id"] == first.id
    assert warning["co_defendant"] == "马俊峰" and warning["kind"] == "retained"
    day = first.created_at.astimezone(ZoneInfo(joint.world.facility.timezone)).date()
    assert warning["registered_on"] == day.isoformat()
    # In the token user's language (Chinese): the setting's value in words, "提醒" (warn).
    assert "“提醒”" in warning["message"] and "马俊峰" in warning["message"]
    entry = await started_entry(body["id"])
    assert entry.summary["co_defendant_conflict"] == [first.id]


async def test_without_a_conflict_the_api_answer_has_no_warnings(client: AsyncClient) -> None:
    joint = await co_defendants()
    token = await api_token(joint.world.lawyer)

    response = await client.post(
        "/api/v1/engagements", headers=bearer(token), json=body_for(joint, joint.first)
    )

    assert response.status_code == 201
    assert response.json()["warnings"] == []


async def test_the_openapi_document_declares_the_warnings(client: AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    answer = document["paths"]["/api/v1/engagements"]["post"]["responses"]
    assert answer["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EngagementCreated"
    }
    schemas = document["components"]["schemas"]
    assert "warnings" in schemas["EngagementCreated"]["required"]
    assert schemas["EngagementWarning"]["properties"]["code"]["const"] == "co_defendant_conflict"
    assert "409" in answer


@pytest.mark.usefixtures("database")
async def test_the_desk_registering_a_co_defendant_at_the_gate_records_the_conflict() -> None:
    joint = await co_defendants()
    first = await defend(joint, joint.first)
    second = await engagements.register_at_gate(
        joint.world.staff, joint.world.lawyer.id, joint.second.id, joint.case.id,
        EngagementKind.RETAINED,
    )  # fmt: skip
    entry = await AuditEntry.get(action="engagement.registered_at_gate",
                                 object_id=str(second.id))  # fmt: skip
    assert entry.summary["co_defendant_conflict"] == [first.id]


@pytest.mark.usefixtures("database")
async def test_the_desk_cannot_register_a_co_defendant_at_the_gate_when_refused() -> None:
    joint = await co_defendants()
    await defend(joint, joint.first)
    with pytest.raises(DomainError) as refused:
        await engagements.register_at_gate(
            joint.world.staff, joint.world.lawyer.id, joint.second.id, joint.case.id,
            EngagementKind.RETAINED, conflict_policy="refuse",
        )  # fmt: skip
    assert refused.value.code == "co_defendant_conflict" and refused.value.status == 409
    assert not await Engagement.filter(detainee_id=joint.second.id).exists()


@pytest.mark.usefixtures("database")
async def test_two_registrations_at_once_for_co_defendants_leave_one_under_refuse(
    settings: Settings,
) -> None:
    """Two processes register the same lawyer for the two co-defendants of each case at the
    same instant: the registrations of one lawyer run one at a time, so each case ends with
    exactly one engagement and the other registration is refused."""
    joints = [await co_defendants() for _ in range(6)]
    lawyer = joints[0].world.lawyer
    for joint in joints[1:]:  # one lawyer in every case
        joint.world.lawyer = lawyer
    go_at = time.time() + 2.0
    sides = [
        [f"{j.case.id}:{(j.first if side == 0 else j.second).id}" for j in joints]
        for side in (0, 1)
    ]
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.integration.engagement_race",
            settings.database_url,
            str(go_at),
            str(lawyer.id),
            *pairs,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
        )
        for pairs in sides
    ]
    totals = {"registered": 0, "refused": 0}
    for process in processes:
        out, _err = await asyncio.wait_for(process.communicate(), timeout=120)
        assert process.returncode == 0
        for key, value in json.loads(out).items():
            totals[key] += value
    assert totals == {"registered": len(joints), "refused": len(joints)}
    for joint in joints:
        assert await Engagement.filter(case_id=joint.case.id, lawyer_id=lawyer.id).count() == 1
