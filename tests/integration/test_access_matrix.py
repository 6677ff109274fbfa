"""Who sees what: every role against every case-registry resource and action, through the API.

Each row names an action and the roles for which it succeeds; every other role must get the
answer the policy promises: 403 when the role may never use the feature, 404 when the record
lies outside the user's scope (so its existence is not revealed). Removing any single rule of
`app/cases/access.py` or of the role table in `app/accounts/policy.py` fails a row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import AsyncClient

from app.settings import Settings
from tests.integration.helpers import bearer
from tests.integration.world import PDF, World, build_world

ROLES = [
    "lawyer",
    "other_lawyer",
    "staff",
    "other_staff",
    "investigator",
    "other_investigator",
    "auditor",
    "other_auditor",
    "admin",
]


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: Callable[[World], str]
    allowed: dict[str, int]  # role -> success status
    forbidden_roles: frozenset[str]  # roles without the feature at all: 403; the rest 404
    body: Callable[[World], dict[str, Any]] | None = None
    upload: bool = False


def _now() -> str:
    return datetime.now(UTC).isoformat()


CASE_VIEWERS = frozenset(
    {"lawyer", "other_lawyer", "investigator", "other_investigator", "auditor", "other_auditor"}
)
EVERYONE = frozenset(ROLES)

ROWS = [
    Row(
        "read case",
        "GET",
        lambda w: f"/api/v1/cases/{w.beijing.case.id}",
        {"lawyer": 200, "investigator": 200, "auditor": 200},
        EVERYONE - CASE_VIEWERS,
    ),
    Row(
        "read timeline",
        "GET",
        lambda w: f"/api/v1/cases/{w.beijing.case.id}/events",
        {"lawyer": 200, "investigator": 200, "auditor": 200},
        EVERYONE - CASE_VIEWERS,
    ),
    Row(
        "record arrest",
        "POST",
        lambda w: f"/api/v1/cases/{w.beijing.case.id}/events",
        {"investigator": 201},
        frozenset({"lawyer", "other_lawyer", "auditor", "other_auditor", "admin", "staff"}),
        body=lambda w: {"kind": "arrest", "effective_at": _now()},
    ),
    Row(
        "assign investigators",
        "POST",
        lambda w: f"/api/v1/cases/{w.beijing.case.id}/investigators",
        {"investigator": 200},
        EVERYONE - {"investigator", "other_investigator"},
        body=lambda w: {"investigator_ids": [w.beijing.investigator.id]},
    ),
    Row(
        "read detainee",
        "GET",
        lambda w: f"/api/v1/detainees/{w.beijing.detainee.id}",
        {"lawyer": 200, "staff": 200, "investigator": 200, "auditor": 200},
        frozenset({"admin"}),
    ),
    Row(
        "read engagement",
        "GET",
        lambda w: f"/api/v1/engagements/{w.beijing.engagement.id}",
        {"lawyer": 200, "staff": 200, "investigator": 200, "auditor": 200},
        frozenset({"admin"}),
    ),
    Row(
        "download document",
        "GET",
        lambda w: f"/api/v1/documents/{w.beijing.document.id}",
        {"lawyer": 200, "staff": 200, "investigator": 200},
        frozenset({"admin", "auditor", "other_auditor"}),
    ),
    Row(
        "review document",
        "POST",
        lambda w: f"/api/v1/documents/{w.beijing.document.id}/review",
        {"staff": 200},
        EVERYONE - {"staff", "other_staff"},
        body=lambda w: {"accept": True},
    ),
    Row(
        "upload document",
        "POST",
        lambda w: f"/api/v1/engagements/{w.beijing.engagement.id}/documents",
        {"lawyer": 201},
        EVERYONE - {"lawyer", "other_lawyer"},
        upload=True,
    ),
    Row(
        "send engagement notice",
        "POST",
        lambda w: f"/api/v1/engagements/{w.beijing.engagement.id}/notice",
        {"lawyer": 200},
        EVERYONE - {"lawyer", "other_lawyer"},
    ),
    Row(
        "record termination",
        "POST",
        lambda w: f"/api/v1/engagements/{w.beijing.engagement.id}/termination",
        {"investigator": 200},
        EVERYONE - {"investigator", "other_investigator"},
        body=lambda w: {"received_at": _now()},
    ),
]


def expected(row: Row, role: str) -> int:
    if role in row.allowed:
        return row.allowed[role]
    return 403 if role in row.forbidden_roles else 404


async def call(client: AsyncClient, world: World, row: Row, role: str, path: str) -> int:
    headers = bearer(world.tokens[role])
    if row.upload:
        files = {"file": ("firm.pdf", PDF, "application/pdf")}
        response = await client.post(
            path, headers=headers, data={"kind": "firm_letter"}, files=files
        )
    elif row.method == "GET":
        response = await client.get(path, headers=headers)
    else:
        response = await client.post(
            path, headers=headers, json=row.body(world) if row.body else None
        )
    return response.status_code


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
async def test_each_role_gets_what_the_policy_promises(
    client: AsyncClient, settings: Settings, row: Row
) -> None:
    world = await build_world(settings.data_dir)
    # Roles that succeed go last: their success may change what the next caller would see.
    order = sorted(ROLES, key=lambda role: role in row.allowed)
    outcomes = {role: await call(client, world, row, role, row.path(world)) for role in order}
    assert outcomes == {role: expected(row, role) for role in ROLES}


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
async def test_guessed_and_sequential_ids_are_not_found(
    client: AsyncClient, settings: Settings, row: Row
) -> None:
    world = await build_world(settings.data_dir)
    real = row.path(world)
    guesses = {real.replace(str(n), str(n + 1000)) for n in range(1, 10) if f"/{n}" in real}
    guesses |= {real.replace(f"/{seg}", "/999999") for seg in real.split("/") if seg.isdigit()}
    for role in row.allowed:
        for guess in guesses:
            assert await call(client, world, row, role, guess) == 404, (role, guess)


async def test_lists_hold_only_what_is_in_scope(client: AsyncClient, settings: Settings) -> None:
    world = await build_world(settings.data_dir)
    bj, sh = world.beijing, world.shanghai
    expectations = {
        ("lawyer", "/api/v1/cases"): {bj.case.id},
        ("other_lawyer", "/api/v1/cases"): {sh.case.id},
        ("investigator", "/api/v1/cases"): {bj.case.id},
        ("auditor", "/api/v1/cases"): {bj.case.id},
        ("other_auditor", "/api/v1/cases"): {sh.case.id},
        ("staff", "/api/v1/detainees"): {bj.detainee.id},
        ("other_staff", "/api/v1/detainees"): {sh.detainee.id},
        ("lawyer", "/api/v1/detainees"): {bj.detainee.id},
        ("investigator", "/api/v1/detainees"): {bj.detainee.id},
        ("lawyer", "/api/v1/engagements"): {bj.engagement.id},
        ("staff", "/api/v1/engagements"): {bj.engagement.id},
        ("investigator", "/api/v1/engagements"): {bj.engagement.id},
        ("auditor", "/api/v1/engagements"): {bj.engagement.id},
    }
    for (role, path), ids in expectations.items():
        response = await client.get(path, headers=bearer(world.tokens[role]))
        assert response.status_code == 200, (role, path)
        assert {item["id"] for item in response.json()} == ids, (role, path)


async def test_auditors_see_metadata_but_no_names_notes_charges_or_documents(
    client: AsyncClient, settings: Settings
) -> None:
    world = await build_world(settings.data_dir)
    headers = bearer(world.tokens["auditor"])
    case = (await client.get(f"/api/v1/cases/{world.beijing.case.id}", headers=headers)).json()
    events = (
        await client.get(f"/api/v1/cases/{world.beijing.case.id}/events", headers=headers)
    ).json()
    engagement = (
        await client.get(f"/api/v1/engagements/{world.beijing.engagement.id}", headers=headers)
    ).json()
    detainee = (
        await client.get(f"/api/v1/detainees/{world.beijing.detainee.id}", headers=headers)
    ).json()
    assert case["suspected_charges"] is None
    assert all(d["name"] is None for d in case["detainees"])
    assert events and all(e["note"] is None for e in events)
    assert engagement["documents"] is None and engagement["detainee_name"] is None
    assert detainee["name"] is None and detainee["id_number"] is None


async def test_identity_numbers_are_full_for_staff_and_masked_for_lawyers(
    client: AsyncClient, settings: Settings
) -> None:
    world = await build_world(settings.data_dir)
    path = f"/api/v1/detainees/{world.beijing.detainee.id}"
    staff = (await client.get(path, headers=bearer(world.tokens["staff"]))).json()
    lawyer = (await client.get(path, headers=bearer(world.tokens["lawyer"]))).json()
    assert staff["id_number"] == world.beijing.detainee.id_number
    assert lawyer["id_number"] != world.beijing.detainee.id_number
    assert lawyer["id_number"].startswith(world.beijing.detainee.id_number[:4])
    assert "*" in lawyer["id_number"]
