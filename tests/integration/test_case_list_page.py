"""The case list pages through the cases in scope, fifty at a time, with the latest event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from httpx import AsyncClient

from app.cases import services
from app.cases.kinds import CaseCategory, EventKind
from tests.integration.case_world import make_case_world
from tests.integration.helpers import sign_in_as


async def test_the_list_pages_fifty_cases_at_a_time(client: AsyncClient) -> None:
    world = await make_case_world()
    for number in range(55):
        await services.open_case(
            world.investigator,
            services.NewCase(
                f"PAGE-{number:03d}",
                CaseCategory.ORDINARY,
                "",
                services.NewDetainee(
                    f"Person {number}", f"ID{number:08d}X", world.facility.id, datetime.now(UTC)
                ),
            ),
        )
    await sign_in_as(client, world.investigator)
    first = await client.get("/cases")
    second = await client.get("/cases?page=2")
    assert first.text.count('<a href="/cases/') == 50
    assert "Older cases" in first.text and "Newer cases" not in first.text
    assert second.text.count('<a href="/cases/') == 56 - 50
    assert "Newer cases" in second.text and "Older cases" not in second.text


async def test_each_row_shows_the_latest_event(client: AsyncClient) -> None:
    world = await make_case_world()
    now = datetime.now(UTC)
    await services.record_event(
        world.investigator,
        world.case,
        services.NewEvent(EventKind.ARREST, now - timedelta(hours=1)),
    )
    await services.record_event(
        world.investigator,
        world.case,
        services.NewEvent(EventKind.CRIMINAL_DETENTION, now - timedelta(days=2)),
    )
    await sign_in_as(client, world.investigator)
    page = await client.get("/cases")
    row = page.text.split(world.case.case_number, 1)[1].split("</tr>", 1)[0]
    assert "Arrest" in row and "Criminal detention" not in row
