"""One process of the SQLite waitlist race: `python -m tests.integration.offer_race URL GO MODE
ARGS`. Starts at the agreed instant GO so the processes overlap, and prints what it did as JSON.

Modes: ``cancel MEETING...`` (each by its lawyer), ``rounds FACILITY SECONDS`` (offer rounds
back to back), ``accept OFFER...`` (each by its lawyer), ``book REQUEST:ROOM:START...``
(bookings straight into the given slots).
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
from app.errors import DomainError
from scheduling import offer_answers, offers
from scheduling.booking import book, cancel
from scheduling.models import Meeting, MeetingRequest, Room, SlotOffer
from scheduling.offer_answers import AnswerOffer
from tests.integration.helpers import NOTICES

POLICY = offers.OfferPolicy(
    hold=timedelta(minutes=30), min_notice=timedelta(minutes=30), horizon=timedelta(days=14)
)


async def run(url: str, go_at: float, mode: str, args: list[str]) -> dict[str, int]:
    await Tortoise.init(config=db.tortoise_config(url))
    done = {"ok": 0, "refused": 0, "offers": 0}
    try:
        await asyncio.sleep(max(0.0, go_at - time.time()))
        if mode == "rounds":
            facility, until = int(args[0]), time.time() + float(args[1])
            while time.time() < until:
                made = await offers.offer_round(facility, policy=POLICY, notices=NOTICES)
                done["offers"] += len(made)
                await asyncio.sleep(0.01)
            return done
        for arg in args:
            try:
                await _one(mode, arg)
                done["ok"] += 1
            except DomainError:
                done["refused"] += 1
    finally:
        await Tortoise.close_connections()
    return done


async def _one(mode: str, arg: str) -> None:
    if mode == "cancel":
        meeting = await Meeting.get(id=int(arg))
        await cancel(await User.get(id=meeting.lawyer_id), meeting, "", notices=NOTICES)
    elif mode == "accept":
        offer = await SlotOffer.get(id=int(arg))
        lawyer = await User.get(id=(await MeetingRequest.get(id=offer.request_id)).lawyer_id)
        await offer_answers.accept_offer(lawyer, AnswerOffer(offer_id=offer.id), notices=NOTICES)
    elif mode == "book":
        request_id, room_id, start = arg.split("|")
        request = await MeetingRequest.get(id=int(request_id))
        await book(await User.get(id=request.lawyer_id), request, await Room.get(id=int(room_id)),
                   datetime.fromisoformat(start), timedelta(hours=1), notices=NOTICES)  # fmt: skip


if __name__ == "__main__":
    url, go, mode = sys.argv[1:4]
    print(json.dumps(asyncio.run(run(url, float(go), mode, sys.argv[4:]))))
