from httpx import AsyncClient


async def test_readyz_reports_database_reachable(client: AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok"}
