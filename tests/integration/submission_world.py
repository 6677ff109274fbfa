"""The two-jurisdiction world with each side's engagement made active, ready for submissions."""

from __future__ import annotations

from datetime import UTC, datetime

from app.cases.kinds import EngagementStatus
from app.cases.models import Engagement
from app.settings import Settings
from tests.integration.world import World, build_world

PDF_A = b"%PDF-1.4\n% opinion attachment A\n%%EOF\n"
PDF_B = b"%PDF-1.4\n% opinion attachment B\n%%EOF\n"


async def active_world(settings: Settings) -> World:
    world = await build_world(settings.data_dir)
    for side in (world.beijing, world.shanghai):
        await Engagement.filter(id=side.engagement.id).update(
            status=EngagementStatus.ACTIVE, activated_at=datetime.now(UTC)
        )
    return world
