"""An id no INTEGER key can hold is a row that does not exist: 404 through the API and the
pages, on PostgreSQL too, where the database would refuse the number itself (issue 18)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from app.accounts.roles import Role
from tests.integration.helpers import api_token, bearer, make_user, sign_in_as

TOO_LARGE = 2**31  # one past PostgreSQL's int4


@pytest.mark.parametrize("path", [f"/api/v1/cases/{TOO_LARGE}", f"/api/v1/cases/{2**63}"])
async def test_the_api_answers_404_for_an_id_no_key_can_hold(
    client: AsyncClient, path: str
) -> None:
    investigator = await make_user(Role.INVESTIGATOR)
    response = await client.get(path, headers=bearer(await api_token(investigator)))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_page_answers_404_for_an_id_no_key_can_hold(client: AsyncClient) -> None:
    await sign_in_as(client, await make_user(Role.INVESTIGATOR))
    response = await client.get(f"/cases/{TOO_LARGE}")
    assert response.status_code == 404
