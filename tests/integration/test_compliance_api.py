"""/api/v1/compliance/report and /breaches: shapes, scope, pagination, errors, OpenAPI."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from app.accounts.roles import Role
from tests.integration.export_world import ExportWorld, make_export_world
from tests.integration.helpers import api_token, bearer, make_user

P = "/api/v1/compliance"


@pytest.fixture
async def world(client: AsyncClient) -> ExportWorld:
    return await make_export_world()


@pytest.fixture
async def auditor(world: ExportWorld) -> dict[str, str]:
    return bearer(await api_token(world.auditor))


async def test_the_report_has_the_jurisdictions_figures(
    client: AsyncClient, world: ExportWorld, auditor: dict[str, str]
) -> None:
    response = await client.get(f"{P}/report", headers=auditor)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scope"]["jurisdiction"] == "11"
    assert [f["name"] for f in body["facilities"]] == [world.beijing.facility.name]
    m1 = body["facilities"][0]["figures"]["meetings"]
    assert (m1["met_on_time"], m1["missed"], m1["judged"]) == (1, 2, 3)
    assert m1["on_time_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert body["totals"]["meetings"]["breaches"] == 2
    assert {"week", "month"} == set(body["trends"])
    assert body["trends"]["month"] and body["trends"]["month"][0]["figure"]
    assert body["pending_refresh"] == 0


async def test_an_admin_sees_everywhere(client: AsyncClient, world: ExportWorld) -> None:
    admin = bearer(await api_token(await make_user(Role.ADMIN)))
    body = (await client.get(f"{P}/report", headers=admin)).json()
    assert body["scope"]["jurisdiction"] is None
    names = {f["name"] for f in body["facilities"]}
    assert {world.beijing.facility.name, world.shanghai.facility.name} <= names


async def test_the_period_and_facility_are_echoed_in_the_scope(
    client: AsyncClient, world: ExportWorld, auditor: dict[str, str]
) -> None:
    query = f"from=2026-01-01&to=2026-12-31&facility={world.beijing.facility.id}"
    scope = (await client.get(f"{P}/report?{query}", headers=auditor)).json()["scope"]
    assert scope == {"period_from": "2026-01-01", "period_to": "2026-12-31",
                     "jurisdiction": "11", "facility_id": world.beijing.facility.id,
                     "agency_id": None}  # fmt: skip


async def test_breaches_are_paged_metadata_with_a_checklist_link(
    client: AsyncClient, world: ExportWorld, auditor: dict[str, str]
) -> None:
    first = (await client.get(f"{P}/breaches?figure=meetings&per_page=1", headers=auditor)).json()
    second = await client.get(f"{P}/breaches?figure=meetings&per_page=1&page=2", headers=auditor)
    assert first["total"] == 2 and first["page"] == 1 and first["per_page"] == 1
    items = first["items"] + second.json()["items"]
    assert sorted(i["case_number"] for i in items) == sorted(world.beijing_missed)
    item = items[0]
    assert item["checklist_url"] == f"/cases/{item['case_id']}/checklist"
    assert item["duty_id"] == "M1" and item["status"] == "missed"
    assert item["facility_name"] == world.beijing.facility.name
    assert "name" not in item and "lawyer" not in str(item).lower()


async def test_another_jurisdictions_facility_is_not_found(
    client: AsyncClient, world: ExportWorld, auditor: dict[str, str]
) -> None:
    for path in ("report", "breaches"):
        response = await client.get(
            f"{P}/{path}?facility={world.shanghai.facility.id}", headers=auditor
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-02-30", "from"),
        ("facility=abc", "facility"),
        ("figure=lunch", "figure"),
        ("page=0", "page"),
        ("per_page=501", "per_page"),
    ],
)
async def test_a_parameter_outside_the_document_answers_422_naming_it(
    client: AsyncClient, auditor: dict[str, str], query: str, field: str
) -> None:
    response = await client.get(f"{P}/breaches?{query}", headers=auditor)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_a_period_that_ends_before_it_starts_answers_400_naming_the_end(
    client: AsyncClient, auditor: dict[str, str]
) -> None:
    response = await client.get(f"{P}/breaches?from=2026-12-01&to=2026-01-01", headers=auditor)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["to"]


async def test_a_report_date_that_is_not_a_day_answers_422(
    client: AsyncClient, auditor: dict[str, str]
) -> None:
    response = await client.get(f"{P}/report?to=tomorrow", headers=auditor)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "to"


@pytest.mark.parametrize("role", [Role.LAWYER, Role.DETENTION_STAFF, Role.INVESTIGATOR])
async def test_other_roles_are_refused(client: AsyncClient, role: Role) -> None:
    headers = bearer(await api_token(await make_user(role)))
    for path in ("report", "breaches"):
        assert (await client.get(f"{P}/{path}", headers=headers)).status_code == 403


async def test_without_a_token_the_answer_is_401(client: AsyncClient) -> None:
    assert (await client.get(f"{P}/report")).status_code == 401


async def test_both_endpoints_are_in_the_openapi_document(client: AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    report = document["paths"][f"{P}/report"]["get"]
    breaches = document["paths"][f"{P}/breaches"]["get"]
    assert {p["name"] for p in report["parameters"]} == {"from", "to", "facility", "agency"}
    assert {"figure", "page", "per_page"} <= {p["name"] for p in breaches["parameters"]}
    assert "400" in report["responses"] and "404" in breaches["responses"]
    assert "ComplianceReportOut" in document["components"]["schemas"]
    assert "BreachPageOut" in document["components"]["schemas"]
