"""`lawmeet worker`'s own /metrics ([metrics] worker_port): its heartbeat, behind the token."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from app.cli.worker_metrics import metrics_app, serve_metrics
from app.presentation.metrics import MetricsAccess
from app.settings import Settings
from notifications import heartbeat

TOKEN = "scrape-token-0123456789abcdef"


def worker_settings(port: int = 0) -> Settings:
    return Settings.model_validate(
        {"metrics": {"enabled": True, "token": TOKEN, "worker_port": port}}
    )


async def get(path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    app = metrics_app(MetricsAccess.from_settings(worker_settings()))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://worker") as client:
        return await client.get(path, headers=headers)


async def test_the_worker_reports_its_heartbeat_and_no_database_figures() -> None:
    heartbeat.beat("delivery")
    response = await get("/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert 'lawmeet_worker_heartbeat_age_seconds{loop="delivery"}' in response.text
    assert "lawmeet_outbox_due" not in response.text


async def test_the_worker_refuses_a_scrape_without_the_token() -> None:
    response = await get("/metrics", {"Authorization": "Bearer not-the-token-at-all"})
    assert response.status_code == 401


async def test_the_worker_serves_metrics_on_its_port_until_it_stops() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stop = asyncio.Event()
    serving = asyncio.create_task(serve_metrics(worker_settings(port), stop))
    url = f"http://127.0.0.1:{port}/metrics"
    async with httpx.AsyncClient() as client:
        for _ in range(100):
            try:
                response = await client.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.05)
        assert response.status_code == 200
        stop.set()
        await asyncio.wait_for(serving, timeout=10)
        with pytest.raises(httpx.ConnectError):
            await client.get(url)
