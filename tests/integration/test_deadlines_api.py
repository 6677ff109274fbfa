"""GET /api/v1/deadlines: official calendars, provisional years, bad input as 422 problems."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from app.accounts.roles import Role
from app.law.calendar_store import import_calendar
from tests.integration.helpers import api_token, bearer, make_user

URL = "/api/v1/deadlines"
CAL_2027 = "date,kind,name\n2027-01-01,holiday,New Year's Day\n2027-01-04,holiday,Test holiday\n"


async def ask(client: AsyncClient, **params: str) -> Any:
    token = await api_token(await make_user(Role.LAWYER))
    return await client.get(URL, params=params, headers=bearer(token))


async def test_a_token_is_required(client: AsyncClient) -> None:
    response = await client.get(URL, params={"from": "2026-09-29 10:20", "period": "3d"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_user_story_bail_decision_filed_29_september_is_due_8_october(
    client: AsyncClient,
) -> None:
    response = await ask(client, **{"from": "2026-09-29 10:20", "period": "3d", "kind": "decision"})
    assert response.status_code == 200
    body = response.json()
    assert body["last_day"] == "2026-10-08"
    assert body["shifted_from"] == "2026-10-02"
    assert body["expires_at"] == "2026-10-09T00:00:00+08:00"
    assert body["provisional"] is False
    assert body["rule"] == "CPL 105"
    assert body["policies"] == {"decision_days_kind": "calendar"}
    assert any("National Day" in step for step in body["explanation"]["en"])


@pytest.mark.parametrize(
    ("trigger", "last_day", "shifted_from"),
    [
        ("2025-02-05 09:00", "2025-02-08", None),  # Saturday made a working day (Spring Festival)
        ("2025-02-12 09:00", "2025-02-17", "2025-02-15"),  # an ordinary Saturday moves
        ("2025-09-29 09:00", "2025-10-09", "2025-10-02"),  # National Day 2025 runs to 8 Oct
        ("2026-02-11 09:00", "2026-02-14", None),  # Saturday made a working day (2026)
        ("2026-10-07 09:00", "2026-10-10", None),  # Saturday made a working day after National Day
    ],
)
async def test_official_2025_and_2026_calendars_are_honoured(
    client: AsyncClient, trigger: str, last_day: str, shifted_from: str | None
) -> None:
    body = (await ask(client, **{"from": trigger, "period": "3d"})).json()
    assert (body["last_day"], body["shifted_from"]) == (last_day, shifted_from)
    assert body["provisional"] is False


async def test_a_period_reaching_2027_without_a_calendar_is_provisional(
    client: AsyncClient,
) -> None:
    body = (await ask(client, **{"from": "2026-12-29 10:00", "period": "6d"})).json()
    assert body["provisional"] is True
    assert body["provisional_reason"] == "no official rest-day calendar for 2027"
    assert body["last_day"] == "2027-01-04"


async def test_an_imported_2027_calendar_makes_the_result_official(client: AsyncClient) -> None:
    await import_calendar(CAL_2027, "2027.csv", None)
    body = (await ask(client, **{"from": "2026-12-29 10:00", "period": "6d"})).json()
    assert body["provisional"] is False
    assert body["last_day"] == "2027-01-05"  # 4 Jan is a holiday in the imported calendar
    assert body["shifted_from"] == "2027-01-04"


async def test_the_trigger_may_carry_its_own_offset(client: AsyncClient) -> None:
    body = (await ask(client, **{"from": "2026-03-10T02:20Z", "period": "48h"})).json()
    assert body["trigger"] == "2026-03-10T10:20:00+08:00"
    assert body["expires_at"] == "2026-03-12T11:00:00+08:00"


async def test_tz_chooses_the_zone_of_the_wall_time(client: AsyncClient) -> None:
    body = (await ask(client, **{"from": "2026-03-10 10:20", "period": "48h", "tz": "UTC"})).json()
    assert body["timezone"] == "UTC"
    assert body["expires_at"] == "2026-03-12T11:00:00+00:00"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-09-29 10:20", "period": "3x"}, "period"),
        ({"from": "2026-02-30 10:00", "period": "3d"}, "from"),
        ({"from": "2026-09-29", "period": "3d"}, "from"),
        ({"from": "2026-09-29 10:20", "period": "3d", "tz": "Mars/Base"}, "tz"),
        ({"from": "2026-09-29 10:20", "period": "3d", "kind": "weekly"}, "kind"),
        ({"from": "2026-09-29 10:20", "period": "3d", "kind": "target"}, "period"),
        ({"period": "3d"}, "from"),
        ({"from": "2026-09-29 10:20"}, "period"),
    ],
)
async def test_bad_input_is_a_422_problem_naming_the_parameter(
    client: AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await ask(client, **params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_several_bad_parameters_are_all_reported(client: AsyncClient) -> None:
    # Each well-formed (the document's patterns) and each wrong: the calculator names all three.
    response = await ask(
        client, **{"from": "2026-02-30 10:00", "period": "0.5h", "tz": "Mars/Base"}
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"from", "period", "tz"}


async def test_openapi_documents_the_from_parameter(client: AsyncClient) -> None:
    operation = (await client.get("/api/v1/openapi.json")).json()["paths"][URL]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"from", "period", "kind", "tz"}
    assert "422" in operation["responses"]
