"""Uploads beyond the configured limit get 413, whether declared up front or not."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from app.settings import Settings
from tests.integration.helpers import bearer
from tests.integration.world import PDF, build_world


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"uploads": settings.uploads.model_copy(update={"max_bytes": 2048})}
    )


async def test_a_file_just_over_the_limit_gets_413_with_a_problem(
    client: AsyncClient, settings: Settings
) -> None:
    world = await build_world(settings.data_dir)
    response = await client.post(
        f"/api/v1/engagements/{world.beijing.engagement.id}/documents",
        headers=bearer(world.tokens["lawyer"]),
        data={"kind": "firm_letter"},
        files={"file": ("big.pdf", PDF + b"0" * 4096, "application/pdf")},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_body_far_over_the_limit_is_refused_before_it_is_read(
    client: AsyncClient, settings: Settings
) -> None:
    world = await build_world(settings.data_dir)
    response = await client.post(
        f"/api/v1/engagements/{world.beijing.engagement.id}/documents",
        headers=bearer(world.tokens["lawyer"]),
        data={"kind": "firm_letter"},
        files={"file": ("huge.pdf", PDF + b"0" * 200_000, "application/pdf")},
    )
    assert response.status_code == 413


async def test_a_file_within_the_limit_is_stored(client: AsyncClient, settings: Settings) -> None:
    world = await build_world(settings.data_dir)
    response = await client.post(
        f"/api/v1/engagements/{world.beijing.engagement.id}/documents",
        headers=bearer(world.tokens["lawyer"]),
        data={"kind": "firm_letter"},
        files={"file": ("small.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 201
