"""The two-jurisdiction world with each side's engagement made active, ready for submissions."""

from __future__ import annotations

from datetime import UTC, datetime

from app.cases.kinds import EngagementStatus
from app.cases.models import Engagement
from app.settings import Settings
from tests.integration.helpers import pdf_document
from tests.integration.world import World, build_world

PDF_A = pdf_document("opinion attachment A")
PDF_B = pdf_document("opinion attachment B")


async def active_world(settings: Settings) -> World:
    world = await build_world(settings.data_dir)
    for side in (world.beijing, world.shanghai):
        await Engagement.filter(id=side.engagement.id).update(
            status=EngagementStatus.ACTIVE, activated_at=datetime.now(UTC)
        )
    return world
