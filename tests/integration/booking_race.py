"""One process of the SQLite booking race: `python -m tests.integration.booking_race ARGS`.

Books each given request into the same slot, starting at an agreed instant so the processes
overlap, and prints how many bookings succeeded and how many met a conflict, as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import datetime, timedelta

from tortoise import Tortoise

from app import db
from app.accounts.models import User
from scheduling.booking import MeetingConflict, book
from scheduling.models import MeetingRequest, Room
from tests.integration.helpers import NOTICES


async def race(url: str, room_id: int, start: datetime, go_at: float, ids: list[int]) -> None:
    await Tortoise.init(config=db.tortoise_config(url))
    try:
        room = await Room.get(id=room_id)
        requests = [await MeetingRequest.get(id=i) for i in ids]
        lawyers = {u.id: u for u in await User.filter(id__in=[r.lawyer_id for r in requests])}
        await asyncio.sleep(max(0.0, go_at - time.time()))
        booked = conflicts = 0
        for request in requests:
            try:
                await book(
                    lawyers[request.lawyer_id],
                    request,
                    room,
                    start,
                    timedelta(hours=1),
                    notices=NOTICES,
                )
                booked += 1
            except MeetingConflict:
                conflicts += 1
        print(json.dumps({"booked": booked, "conflicts": conflicts}))
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    url, room, start, go = sys.argv[1:5]
    asyncio.run(
        race(
            url, int(room), datetime.fromisoformat(start), float(go), [int(a) for a in sys.argv[5:]]
        )
    )
