"""Fifty simultaneous bookings of one slot: exactly one meeting, forty-nine conflicts.

PostgreSQL: fifty service calls at once over a pool of sixty connections, so the EXCLUDE
constraint (not a lock in the application) decides. SQLite: two processes of twenty-five
bookings each against one file, so the trigger under the write lock decides.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

from app import db
from app.settings import Settings
from scheduling.booking import MeetingConflict, book
from scheduling.models import Meeting
from tests.integration.helpers import NOTICES
from tests.integration.meeting_world import Party, Place, local, make_party, make_place

CONTENDERS = 50
ROOT = Path(__file__).resolve().parents[2]  # where `-m tests...` resolves


async def _postgres_race(place: Place, parties: list[Party]) -> list[object]:
    calls = [
        book(p.lawyer, p.request, place.rooms[0], local(9), timedelta(hours=1), notices=NOTICES)
        for p in parties
    ]
    return list(await asyncio.gather(*calls, return_exceptions=True))


async def _sqlite_race(url: str, place: Place, parties: list[Party]) -> dict[str, int]:
    go_at = time.time() + 2.0  # both processes start booking at this instant
    halves = [parties[: CONTENDERS // 2], parties[CONTENDERS // 2 :]]
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.integration.booking_race",
            url,
            str(place.rooms[0].id),
            local(9).isoformat(),
            str(go_at),
            *[str(p.request.id) for p in half],
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
        )
        for half in halves
    ]
    totals = {"booked": 0, "conflicts": 0}
    for proc in procs:
        out, _err = await asyncio.wait_for(proc.communicate(), timeout=120)
        assert proc.returncode == 0
        for key, value in json.loads(out).items():
            totals[key] += value
    return totals


async def test_fifty_simultaneous_bookings_of_one_slot_give_one_meeting(
    settings: Settings,
) -> None:
    postgres = settings.database_url.startswith("postgres")
    url = settings.database_url + ("?maxsize=60" if postgres else "")
    raced = settings.model_copy(
        update={"database": settings.database.model_copy(update={"url": url})}
    )
    context = await db.open_database(raced)
    try:
        place = await make_place(rooms=1)
        parties = [await make_party(place) for _ in range(CONTENDERS)]
        if postgres:
            results = await _postgres_race(place, parties)
            booked = sum(isinstance(r, Meeting) for r in results)
            conflicts = [r for r in results if isinstance(r, MeetingConflict)]
            assert len(conflicts) == CONTENDERS - 1, [
                r for r in results if isinstance(r, Exception)
            ]
            assert all(c.code == "meeting_conflict" for c in conflicts)
            # Most callers passed the early check together: the constraint refused them.
            assert any(c.party == "room" for c in conflicts)
        else:
            totals = await _sqlite_race(settings.database_url, place, parties)
            booked = totals["booked"]
            assert totals["conflicts"] == CONTENDERS - 1
        assert booked == 1
        assert await Meeting.filter(status="active").count() == 1
    finally:
        await db.close_database(context)
