"""Decision deadlines of applications come from the period engine (CPL 105 holiday rule)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.cases.models import Engagement
from app.law.context import load_context
from app.settings import Settings
from rights_checklist.kinds import SubmissionKind
from rights_checklist.submissions import submit
from tests.integration.submission_world import active_world

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.usefixtures("database")
async def test_measure_change_deadline_moves_past_national_day(settings: Settings) -> None:
    world = await active_world(settings)
    engagement = await Engagement.get(id=world.beijing.engagement.id)
    submission = await submit(
        world.beijing.lawyer,
        engagement,
        SubmissionKind.MEASURE_CHANGE,
        "Please release on bail.",
        [],
        settings.data_dir,
        1_000_000,
        await load_context(settings.legal),
        now=datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI),
    )
    assert submission.duty == "O2"
    assert submission.due_at is not None
    # 3 days end on 2 Oct, a holiday; the first working day after is 8 Oct (ends 24:00).
    assert submission.due_at.astimezone(SHANGHAI).date() == date(2026, 10, 9)
    assert "CPL 97" in submission.due_rule
