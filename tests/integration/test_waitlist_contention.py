"""The waitlist under contention: slots freed at once, rounds running side by side, offers
accepted while other lawyers try to book the held slots.

PostgreSQL: every call at once over one pool, so the room locks and the constraints decide.
SQLite: separate processes against one file (tests.integration.offer_race), so the database
write lock decides. Either way the offers go to the requests with least time left, one slot
to one request, and no meeting overlaps another.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from app import db
from app.settings import Settings
from scheduling import offer_answers, offers
from scheduling.booking import MeetingConflict, book, cancel
from scheduling.kinds import MeetingStatus, OfferStatus
from scheduling.models import Meeting, MeetingRequest, Room, SlotOffer
from scheduling.offer_answers import AnswerOffer
from tests.integration.helpers import NOTICES
from tests.integration.meeting_world import Party, Place, local, make_party, make_place

ROOT = Path(__file__).resolve().parents[2]
HOUR = timedelta(hours=1)
HOURS = (9, 11, 13, 15)  # apart: the turnover buffer lies between
FREED = 6
WAITING = 10
POLICY = offers.OfferPolicy(
    hold=timedelta(minutes=30), min_notice=timedelta(minutes=30), horizon=timedelta(days=14)
)


async def _processes(url: str, jobs: list[tuple[str, list[str]]]) -> list[dict[str, int]]:
    go_at = time.time() + 2.0  # every process starts at this instant
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.integration.offer_race",
            url,
            str(go_at),
            mode,
            *args,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
        )
        for mode, args in jobs
    ]
    results = []
    for proc in procs:
        out, _err = await asyncio.wait_for(proc.communicate(), timeout=180)
        assert proc.returncode == 0
        results.append(json.loads(out))
    return results


async def _free_slots_at_once(url: str, postgres: bool, place: Place, freed: list[Meeting]) -> None:
    if postgres:
        lawyers = {p.id: p for p in [await m.lawyer for m in freed]}
        await asyncio.gather(
            *(cancel(lawyers[m.lawyer_id], m, "", notices=NOTICES) for m in freed),
            *(offers.offer_round(place.facility.id, policy=POLICY, notices=NOTICES)
              for _ in range(4)),
        )  # fmt: skip
    else:
        rounds = ("rounds", [str(place.facility.id), "3"])
        await _processes(url, [("cancel", [str(m.id) for m in freed]), rounds, rounds])
    # Whatever freed capacity a round did not see yet, the next one offers.
    await offers.offer_round(place.facility.id, policy=POLICY, notices=NOTICES)


async def _accept_while_others_book(
    url: str, postgres: bool, held: list[SlotOffer], losers: list[Party]
) -> tuple[int, int]:
    """Every offered lawyer accepts while the others book straight into the held slots:
    (accepted, bookings that got in)."""
    attempts = [(loser, held[i % len(held)]) for i, loser in enumerate(losers)]
    if postgres:
        rooms = {room.id: room for room in await Room.filter(id__in=[o.room_id for o in held])}
        lawyers = {}
        for offer in held:
            request = await MeetingRequest.get(id=offer.request_id).prefetch_related("lawyer")
            lawyers[offer.id] = request.lawyer
        results = await asyncio.gather(
            *(offer_answers.accept_offer(lawyers[o.id], AnswerOffer(offer_id=o.id),
                                         notices=NOTICES) for o in held),
            *(book(p.lawyer, p.request, rooms[o.room_id], o.starts_at, HOUR, notices=NOTICES)
              for p, o in attempts),
            return_exceptions=True,
        )  # fmt: skip
        accepted = sum(isinstance(r, Meeting) for r in results[: len(held)])
        sneaked = sum(isinstance(r, Meeting) for r in results[len(held) :])
        refusals = [r for r in results[len(held) :] if not isinstance(r, Meeting)]
        assert all(isinstance(r, MeetingConflict) for r in refusals), refusals
        return accepted, sneaked
    slots = [f"{p.request.id}|{o.room_id}|{o.starts_at.isoformat()}" for p, o in attempts]
    accepts, bookings = await _processes(
        url, [("accept", [str(o.id) for o in held]), ("book", slots)]
    )
    return accepts["ok"], bookings["ok"]


def _overlapping(spans: list[tuple[int, datetime, datetime]]) -> int:
    return sum(
        1
        for i, (room, start, end) in enumerate(spans)
        for other_room, other_start, other_end in spans[i + 1 :]
        if room == other_room and start < other_end and other_start < end
    )


async def test_freed_slots_go_in_rank_order_one_to_one_under_contention(
    settings: Settings,
) -> None:
    postgres = settings.database_url.startswith("postgres")
    url = settings.database_url + ("?maxsize=40" if postgres else "")
    raced = settings.model_copy(
        update={"database": settings.database.model_copy(update={"url": url})}
    )
    context = await db.open_database(raced)
    try:
        place = await make_place(rooms=3)
        booked = []
        for hour in HOURS:
            for room in place.rooms:
                party = await make_party(place)
                booked.append(await book(party.lawyer, party.request, room, local(hour), HOUR,
                                         notices=NOTICES))  # fmt: skip
        waiting = [await make_party(place) for _ in range(WAITING)]
        hours_left = random.Random(20).sample(range(1, 40), WAITING)  # ranks unlike the ids
        for party, left in zip(waiting, hours_left, strict=True):
            deadline = local(9) + left * HOUR
            await MeetingRequest.filter(id=party.request.id).update(deadline_at=deadline)
            party.request.deadline_at = deadline
        freed = booked[:FREED]

        await _free_slots_at_once(settings.database_url, postgres, place, freed)

        held = await SlotOffer.filter(status=OfferStatus.OPEN).order_by("starts_at", "room_id")
        ranked = sorted(waiting, key=lambda p: p.request.deadline_at or datetime.max)
        # One slot to one request, and the slots went to the requests with least time left.
        assert len(held) == FREED
        assert {o.request_id for o in held} == {p.request.id for p in ranked[:FREED]}
        assert {(o.room_id, o.starts_at) for o in held} == {(m.room_id, m.starts_at) for m in freed}
        assert _overlapping([(o.room_id, o.starts_at, o.ends_at) for o in held]) == 0

        accepted, sneaked = await _accept_while_others_book(
            settings.database_url, postgres, held, ranked[FREED:]
        )
        assert (accepted, sneaked) == (FREED, 0)
        active = await Meeting.filter(status=MeetingStatus.ACTIVE)
        assert len(active) == len(booked)
        assert _overlapping([(m.room_id, m.starts_at, m.ends_at) for m in active]) == 0
    finally:
        await db.close_database(context)
