"""Who sees what, through the web pages: the same promise as the API matrix, page by page.

403: the role never uses that page; 404: the record lies outside the user's scope; success
otherwise (200 for a page, 303 after a form). Guessed ids answer 404 to every permitted role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from httpx import AsyncClient

from app.settings import Settings
from tests.integration.helpers import DEFAULT_PASSWORD, csrf_from, in_english, login
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
EVERYONE = frozenset(ROLES)


def _yesterday() -> dict[str, str]:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    moment = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)
    return {"date": moment.strftime("%Y-%m-%d"), "time": moment.strftime("%H:%M")}


@dataclass(frozen=True)
class Page:
    name: str
    method: str
    path: Callable[[World], str]
    allowed: dict[str, int]
    forbidden_roles: frozenset[str]
    form: Callable[[World], dict[str, str]] | None = None
    upload: bool = False


PAGES = [
    Page(
        "case page",
        "GET",
        lambda w: f"/cases/{w.beijing.case.id}",
        {"investigator": 200, "auditor": 200},
        EVERYONE - {"investigator", "other_investigator", "auditor", "other_auditor"},
    ),
    Page(
        "client page",
        "GET",
        lambda w: f"/clients/{w.beijing.engagement.id}",
        {"lawyer": 200},
        EVERYONE - {"lawyer", "other_lawyer"},
    ),
    Page(
        "detainee page",
        "GET",
        lambda w: f"/detainees/{w.beijing.detainee.id}",
        {"staff": 200},
        EVERYONE - {"staff", "other_staff"},
    ),
    Page(
        "document download",
        "GET",
        lambda w: f"/documents/{w.beijing.document.id}",
        {"lawyer": 200, "staff": 200, "investigator": 200},
        frozenset({"auditor", "other_auditor", "admin"}),
    ),
    Page(
        "record event",
        "POST",
        lambda w: f"/cases/{w.beijing.case.id}/events",
        {"investigator": 303},
        EVERYONE - {"investigator", "other_investigator"},  # staff use their detainee pages
        form=lambda w: {
            "kind": "arrest",
            "effective_date": _yesterday()["date"],
            "effective_time": _yesterday()["time"],
        },
    ),
    Page(
        "termination",
        "POST",
        lambda w: f"/cases/{w.beijing.case.id}/engagements/{w.beijing.engagement.id}/termination",
        {"investigator": 303},
        EVERYONE - {"investigator", "other_investigator"},
        form=lambda w: {
            "received_date": _yesterday()["date"],
            "received_time": _yesterday()["time"],
        },
    ),
    Page(
        "send notice",
        "POST",
        lambda w: f"/clients/{w.beijing.engagement.id}/notice",
        {"lawyer": 303},
        EVERYONE - {"lawyer", "other_lawyer"},
        form=lambda w: {},
    ),
    Page(
        "upload",
        "POST",
        lambda w: f"/clients/{w.beijing.engagement.id}/documents",
        {"lawyer": 303},
        EVERYONE - {"lawyer", "other_lawyer"},
        form=lambda w: {"kind": "firm_letter"},
        upload=True,
    ),
    Page(
        "review document",
        "POST",
        lambda w: f"/detainees/{w.beijing.detainee.id}/documents/{w.beijing.document.id}/review",
        {"staff": 303},
        EVERYONE - {"staff", "other_staff"},
        form=lambda w: {"decision": "accept"},
    ),
    *(
        Page(
            name,
            "GET",
            lambda w, path=path: f"{path}?facility={w.beijing.facility.id}",
            {"auditor": 200, "admin": 200},  # the other jurisdiction's auditor: 404
            EVERYONE - {"auditor", "other_auditor", "admin"},
        )
        for name, path in (
            ("compliance dashboard", "/compliance"),
            ("compliance breaches", "/compliance/breaches"),
            ("compliance CSV", "/compliance/export/breaches.csv"),
            ("compliance report", "/compliance/report"),
        )
    ),
]


def expected(page: Page, role: str) -> int:
    if role in page.allowed:
        return page.allowed[role]
    return 403 if role in page.forbidden_roles else 404


async def visit(client: AsyncClient, world: World, page: Page, role: str, path: str) -> int:
    client.cookies.clear()
    in_english(client)
    signed = await login(client, world.users()[role].username, DEFAULT_PASSWORD)
    assert signed.status_code == 303, role
    if page.method == "GET":
        return (await client.get(path)).status_code
    token = csrf_from((await client.get("/profile")).text)
    data = {"csrf_token": token, **(page.form(world) if page.form else {})}
    files = {"file": ("firm.pdf", PDF, "application/pdf")} if page.upload else None
    return (await client.post(path, data=data, files=files)).status_code


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
async def test_each_role_gets_what_the_policy_promises_on_each_page(
    client: AsyncClient, settings: Settings, page: Page
) -> None:
    world = await build_world(settings.data_dir)
    order = sorted(ROLES, key=lambda role: role in page.allowed)
    outcomes = {role: await visit(client, world, page, role, page.path(world)) for role in order}
    assert outcomes == {role: expected(page, role) for role in ROLES}


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
async def test_guessed_ids_on_pages_are_not_found(
    client: AsyncClient, settings: Settings, page: Page
) -> None:
    world = await build_world(settings.data_dir)
    real = page.path(world)
    guesses = {real.replace(f"/{seg}", "/999999", 1) for seg in real.split("/") if seg.isdigit()}
    for role in page.allowed:
        for guess in guesses:
            assert await visit(client, world, page, role, guess) == 404, (role, guess)
