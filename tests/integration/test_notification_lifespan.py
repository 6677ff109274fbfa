"""`lawmeet serve` delivers in-process by default; the test settings keep the worker off."""

from __future__ import annotations

import asyncio

from asgi_lifespan import LifespanManager
from httpx import AsyncClient

from app.accounts.roles import Role
from app.main import create_app
from app.settings import Settings
from notifications.kinds import Channel, Status
from notifications.models import Notification
from notifications.services import enqueue
from tests.integration.helpers import make_user


def with_worker(settings: Settings) -> Settings:
    section = settings.notifications.model_copy(
        update={"run_worker_in_process": True, "poll_seconds": 0.05}
    )
    return settings.model_copy(update={"notifications": section})


async def test_the_app_runs_the_worker_when_settings_ask(settings: Settings) -> None:
    async with LifespanManager(create_app(with_worker(settings))):
        user = await make_user(Role.LAWYER)
        row = await enqueue("test_message", Channel.INAPP, recipient=user, payload={"text": "x"})
        for _ in range(200):
            await row.refresh_from_db()
            if row.status == Status.DELIVERED:
                break
            await asyncio.sleep(0.05)
    assert row.status == Status.DELIVERED


async def test_the_app_keeps_the_compliance_ledger_current_beside_the_worker(
    settings: Settings,
) -> None:
    from rights_checklist import ledger
    from tests.integration.compliance_world import make_world

    async with LifespanManager(create_app(settings)):  # no worker: the cases stay marked
        await make_world(21, cases=2)
        assert await ledger.pending_refresh() > 0
    async with LifespanManager(create_app(with_worker(settings))):
        for _ in range(200):  # the companion re-judges at start-up, then every 30 seconds
            if await ledger.pending_refresh() == 0:
                break
            await asyncio.sleep(0.05)
        assert await ledger.pending_refresh() == 0


async def test_the_test_app_leaves_the_outbox_alone(client: AsyncClient) -> None:
    user = await make_user(Role.LAWYER)
    row = await enqueue("test_message", Channel.INAPP, recipient=user, payload={"text": "x"})
    await asyncio.sleep(0.2)
    assert (await Notification.get(id=row.id)).status == Status.PENDING
