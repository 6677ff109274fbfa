"""Benchmark: a 7-day availability search for one facility over a 1,000,000-meeting history.

    .venv/bin/python -m bench.availability_search [--searches 200] [--meetings 1000000]

Builds 100 facilities x 30 rooms and the history (bench/history.py) in a fresh PostgreSQL
database, then times, for the same random facilities, lawyers, detainees and windows:

* app: what the availability API does: ``plan_store.load_plan`` by the facility's id through
  Tortoise (the zone comes in the plan's one statement), then ``availability.free_slots`` for
  a 60-minute meeting (timed also apart);
* raw: one prepared asyncpg statement fetching the same rows (rooms, buffer, sessions,
  closures, active meetings of the rooms and of the lawyer and detainee in the window);
  then, timed apart as "raw_compute", free_slots over those rows (checked to give the app's
  slots, so the raw query is the equivalent one).

Target (issue #5): app p95 < 25 ms and app p95 within 3x of raw p95. ``--index SQL`` creates
an index in the bench database after the first round and times both again (evidence for a
migration; the benchmark never changes the schema otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from typing import Final

import asyncpg  # type: ignore[import-untyped]  # no stubs in the dev extra
from tortoise import Tortoise

from app import db
from bench import history
from bench._support import database_url, fresh_database, machine, percentile
from scheduling.availability import Closure, FacilityPlan, Interval, Session, Slot, free_slots
from scheduling.kinds import RoomKind
from scheduling.plan_store import load_plan

WINDOW: Final = timedelta(days=7)
LENGTH: Final = timedelta(minutes=60)
WARM_UP: Final = 20

RAW_QUERY: Final = """
WITH rooms AS (
    SELECT id FROM room WHERE facility_id = $1 AND in_service AND kind = $2
), buffer AS (
    SELECT coalesce((SELECT buffer_minutes FROM facility_schedule WHERE facility_id = $1), 10)
        * interval '1 minute' AS b
)
SELECT 'room' AS what, id AS room_id, NULL::timestamptz AS starts_at, NULL::timestamptz AS ends_at,
       NULL::int AS weekday, NULL::int AS start_minute, NULL::int AS end_minute FROM rooms
UNION ALL
SELECT 'buffer', NULL, NULL, NULL, NULL, extract(epoch FROM b)::int / 60, NULL FROM buffer
UNION ALL
SELECT 'session', room_id, NULL, NULL, weekday, start_minute, end_minute
    FROM opening_session WHERE facility_id = $1
UNION ALL
SELECT 'closure', room_id, starts_at, ends_at, NULL, NULL, NULL
    FROM closure WHERE facility_id = $1 AND starts_at < $4 AND ends_at > $3
UNION ALL
SELECT 'room_busy', m.room_id, m.starts_at, m.ends_at, NULL, NULL, NULL
    FROM meeting AS m, buffer
    WHERE m.status = 'active' AND m.room_id IN (SELECT id FROM rooms)
      AND m.starts_at < $4 + buffer.b AND m.ends_at > $3 - buffer.b
UNION ALL
SELECT 'party_busy', NULL, m.starts_at, m.ends_at, NULL, NULL, NULL
    FROM meeting AS m, buffer
    WHERE m.status = 'active' AND (m.detainee_id = $5 OR m.lawyer_id = $6)
      AND m.starts_at < $4 + buffer.b AND m.ends_at > $3 - buffer.b
"""


@dataclass(frozen=True)
class Search:
    facility_id: int
    lawyer_id: int
    detainee_id: int
    window: Interval


@dataclass
class Round:
    app_ms: list[float]
    load_ms: list[float]
    compute_ms: list[float]
    raw_ms: list[float]
    raw_compute_ms: list[float]
    slots: int = 0
    rows: int = 0
    mismatches: int = 0  # searches where raw rows + free_slots found other slots than the app

    def summary(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for name in ("app_ms", "load_ms", "compute_ms", "raw_ms", "raw_compute_ms"):
            values = getattr(self, name)
            out[f"{name[:-3]}_p50_ms"] = round(percentile(values, 50), 2)
            out[f"{name[:-3]}_p95_ms"] = round(percentile(values, 95), 2)
        out["app_to_raw_p95"] = round(out["app_p95_ms"] / out["raw_p95_ms"], 2)
        out["load_to_raw_p95"] = round(out["load_p95_ms"] / out["raw_p95_ms"], 2)
        # The same question answered without the ORM: raw rows, then the same free_slots.
        raw_whole = [a + b for a, b in zip(self.raw_ms, self.raw_compute_ms, strict=True)]
        out["raw_whole_p95_ms"] = round(percentile(raw_whole, 95), 2)
        out["app_to_raw_whole_p95"] = round(out["app_p95_ms"] / out["raw_whole_p95_ms"], 2)
        out["mean_free_slots"] = round(self.slots / len(self.app_ms), 1)
        out["mean_raw_rows"] = round(self.rows / len(self.raw_ms), 1)
        out["raw_slot_mismatches"] = self.mismatches
        return out


def plan_searches(world: history.World, count: int, seed: int) -> list[Search]:
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    searches = []
    for _ in range(count):
        facility_id = rng.choice(world.facility_ids)
        party = rng.choice(world.parties[facility_id])
        start = now + timedelta(minutes=15 * rng.randrange(0, 4 * 24 * 21))
        searches.append(
            Search(facility_id, party.lawyer_id, party.detainee_id, Interval(start, start + WINDOW))
        )
    return searches


async def app_search(search: Search, timings: Round | None) -> list[Slot]:
    began = time.perf_counter()
    plan = await load_plan(  # by id, as the availability endpoint calls it
        search.facility_id, search.window, room_kind=RoomKind.IN_PERSON,
        detainee_id=search.detainee_id, lawyer_id=search.lawyer_id,
    )  # fmt: skip
    loaded = time.perf_counter()
    slots = free_slots(plan, search.window, LENGTH)
    done = time.perf_counter()
    if timings is not None:
        timings.load_ms.append((loaded - began) * 1000)
        timings.compute_ms.append((done - loaded) * 1000)
        timings.app_ms.append((done - began) * 1000)
        timings.slots += len(slots)
    return slots


async def raw_search(
    statement: asyncpg.prepared_stmt.PreparedStatement, search: Search, timings: Round | None
) -> list[Slot]:
    """The raw fetch (timed as "raw"), then the same free_slots over its rows ("raw_compute")."""
    began = time.perf_counter()
    rows = await statement.fetch(
        search.facility_id, RoomKind.IN_PERSON.value, search.window.start, search.window.end,
        search.detainee_id, search.lawyer_id,
    )  # fmt: skip
    fetched = time.perf_counter()
    slots = free_slots(plan_from_rows(rows), search.window, LENGTH)
    if timings is not None:
        timings.raw_ms.append((fetched - began) * 1000)
        timings.raw_compute_ms.append((time.perf_counter() - fetched) * 1000)
        timings.rows += len(rows)
    return slots


def plan_from_rows(rows: list[asyncpg.Record]) -> FacilityPlan:
    rooms: list[int] = []
    sessions: list[Session] = []
    closures: list[Closure] = []
    room_busy: dict[int, list[Interval]] = {}
    party_busy: list[Interval] = []
    buffer = timedelta(0)
    for row in rows:
        what = row["what"]
        if what == "room":
            rooms.append(row["room_id"])
        elif what == "buffer":
            buffer = timedelta(minutes=row["start_minute"])
        elif what == "session":
            start, end = row["start_minute"], row["end_minute"]
            sessions.append(Session(row["weekday"], dt_time(start // 60, start % 60),
                                    dt_time(end // 60, end % 60), row["room_id"]))  # fmt: skip
        elif what == "closure":
            closures.append(Closure(Interval(row["starts_at"], row["ends_at"]), row["room_id"]))
        elif what == "room_busy":
            room_busy.setdefault(row["room_id"], []).append(
                Interval(row["starts_at"], row["ends_at"])
            )
        else:
            party_busy.append(Interval(row["starts_at"], row["ends_at"]))
    return FacilityPlan(
        zone=history.ZONE, room_ids=rooms, sessions=sessions, closures=closures,
        buffer=buffer, room_busy=room_busy, party_busy=party_busy,
    )  # fmt: skip


async def measure(url: str, searches: list[Search]) -> Round:
    """Both paths, interleaved search by search, so load on the machine hits both alike."""
    connection = await asyncpg.connect(url)
    try:
        statement = await connection.prepare(RAW_QUERY)
        for search in searches[:WARM_UP]:
            await app_search(search, None)
            await raw_search(statement, search, None)
        timings = Round([], [], [], [], [])
        for search in searches:
            app = await app_search(search, timings)
            raw = await raw_search(statement, search, timings)
            timings.mismatches += app != raw
        return timings
    finally:
        await connection.close()


async def explain(url: str, search: Search) -> str:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + RAW_QUERY,
            search.facility_id, RoomKind.IN_PERSON.value, search.window.start,
            search.window.end, search.detainee_id, search.lawyer_id,
        )  # fmt: skip
        return "\n".join(r[0] for r in rows)
    finally:
        await connection.close()


@asynccontextmanager
async def database(args: argparse.Namespace) -> AsyncIterator[tuple[str, history.World, float]]:
    """The loaded database: a fresh one (kept with --keep), or a kept one (--database)."""
    if args.database:
        url = database_url(args.database)
        connection = await asyncpg.connect(url)
        try:
            yield url, await history.existing(connection), 0.0
        finally:
            await connection.close()
        return
    async with fresh_database("search", keep=args.keep) as url:
        connection = await asyncpg.connect(url)
        began = time.perf_counter()
        try:
            world = await history.load(
                connection, facilities=args.facilities, rooms=args.rooms, meetings=args.meetings
            )
        finally:
            await connection.close()
        yield url, world, time.perf_counter() - began


async def execute(url: str, *statements: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def main(args: argparse.Namespace) -> dict[str, object]:
    async with database(args) as (url, world, load_seconds):
        result: dict[str, object] = {"machine": await machine(url)}
        result["data"] = {
            "facilities": len(world.facility_ids),
            "rooms_per_facility": len(world.parties[world.facility_ids[0]]),
            "meetings": world.meetings, "closures": world.closures,
            "load_seconds": round(load_seconds, 1),
        }  # fmt: skip
        searches = plan_searches(world, args.searches, args.seed)
        await Tortoise.init(config=db.tortoise_config(url))
        try:
            result["schema_as_migrated"] = (await measure(url, searches)).summary()
            if args.explain:
                print(await explain(url, searches[0]), file=sys.stderr)
            if args.index:
                await execute(url, *args.index, "ANALYZE meeting")
                try:
                    result["with_index"] = {
                        "statements": args.index,
                        **(await measure(url, searches)).summary(),
                    }
                    if args.explain:
                        print(await explain(url, searches[0]), file=sys.stderr)
                finally:  # the schema stays as migrated for a later run
                    names = [re.search(r"INDEX\s+(\w+)", sql, re.I) for sql in args.index]
                    await execute(url, *(f"DROP INDEX {n[1]}" for n in names if n))
        finally:
            await Tortoise.close_connections()
        result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        return result


def verdict(summary: dict[str, float]) -> dict[str, bool]:
    return {
        "p95_under_25ms": summary["app_p95_ms"] < 25,
        "within_3x_of_raw": summary["app_to_raw_p95"] <= 3,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--facilities", type=int, default=100)
    parser.add_argument("--rooms", type=int, default=30)
    parser.add_argument("--meetings", type=int, default=1_000_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print the raw query's plan")
    parser.add_argument("--keep", action="store_true", help="keep the loaded database")
    parser.add_argument("--database", help="use a database kept by an earlier --keep run")
    parser.add_argument(
        "--index", action="append", default=[], metavar="SQL",
        help="CREATE INDEX to try after the first round (repeatable)",
    )  # fmt: skip
    outcome = asyncio.run(main(parser.parse_args()))
    for key in ("schema_as_migrated", "with_index"):
        if isinstance(found := outcome.get(key), dict):
            found["targets_met"] = verdict(found)
    print(json.dumps(outcome, indent=2, default=str))
