"""One process of the engagement race: `python -m tests.integration.engagement_race ARGS`.

Registers the lawyer's engagement for each given case and detainee under the "refuse" policy,
each at an agreed instant so that the processes overlap, and prints how many were
registered and how many were refused as a co-defendant conflict, as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from tortoise import Tortoise

from app import db
from app.accounts.models import User
from app.cases import engagements
from app.cases.kinds import EngagementKind
from app.cases.models import Case, Detainee
from app.errors import DomainError

STEP_SECONDS = 0.25


async def race(url: str, go_at: float, lawyer_id: int, pairs: list[tuple[int, int]]) -> None:
    await Tortoise.init(config=db.tortoise_config(url))
    try:
        lawyer = await User.get(id=lawyer_id)
        found = [
            (case_id, engagements.Found(await Detainee.get(id=d), [await Case.get(id=case_id)]))
            for case_id, d in pairs
        ]
        registered = refused = 0
        for step, (case_id, of) in enumerate(found):
            # Each case at its own agreed instant, so that the processes meet on every one.
            await asyncio.sleep(max(0.0, go_at + step * STEP_SECONDS - time.time()))
            try:
                await engagements.start_engagement(
                    lawyer, of, case_id, EngagementKind.RETAINED, conflict_policy="refuse"
                )
                registered += 1
            except DomainError as error:
                assert error.code == engagements.CO_DEFENDANT_CONFLICT, error.code
                refused += 1
        print(json.dumps({"registered": registered, "refused": refused}))
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    url, go, lawyer = sys.argv[1:4]
    pairs = [tuple(int(n) for n in pair.split(":")) for pair in sys.argv[4:]]
    asyncio.run(race(url, float(go), int(lawyer), [(c, d) for c, d in pairs]))
